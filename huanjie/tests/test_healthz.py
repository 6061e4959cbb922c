"""`/healthz` answers 200 "ok" when the database answers and the worker takes tasks, else 503
with one line saying which, with no login and nothing about any person."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from huanjie.health import MSG_DATABASE_DOWN, MSG_QUEUE_STUCK
from huanjie.uploads.tasks import run_upload

pytestmark = pytest.mark.django_db


def _queued(minutes_ago: int) -> DBTaskResult:
    result = run_upload.enqueue("roll", 1)
    when = timezone.now() - timedelta(minutes=minutes_ago)
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=when)
    return DBTaskResult.objects.get(pk=result.id)


def test_it_answers_ok_without_a_login():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.content.decode() == "ok"


def test_a_task_queued_a_moment_ago_is_healthy():
    _queued(minutes_ago=1)
    assert Client().get("/healthz").status_code == 200


def test_a_task_waiting_past_the_limit_means_the_worker_is_down():
    _queued(minutes_ago=11)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.content.decode() == MSG_QUEUE_STUCK.format(minutes=10)


def test_a_task_running_or_finished_long_ago_is_not_a_stuck_queue():
    task = _queued(minutes_ago=60)
    DBTaskResult.objects.filter(pk=task.pk).update(status="SUCCESSFUL")
    assert Client().get("/healthz").status_code == 200


def test_a_task_scheduled_for_later_is_not_waiting(settings):
    result = run_upload.using(run_after=timezone.now() + timedelta(hours=1)).enqueue("roll", 1)
    DBTaskResult.objects.filter(pk=result.id).update(
        enqueued_at=timezone.now() - timedelta(hours=2)
    )
    assert Client().get("/healthz").status_code == 200


def test_the_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("HUANJIE_HEALTH_QUEUE_MINUTES", "30")
    _queued(minutes_ago=11)
    assert Client().get("/healthz").status_code == 200


def test_it_answers_503_when_the_database_does_not_answer():
    with mock.patch("huanjie.health.connection.cursor", side_effect=OperationalError("down")):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.content.decode() == MSG_DATABASE_DOWN
