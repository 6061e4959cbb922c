"""The schedule's services in the role × action matrix (huanjie/tests/test_service_matrix.py):
a stage of the place's village, its schedule built from the campaign's election day."""

from __future__ import annotations

from typing import Any

from huanjie.accounts.permissions import Action

P = "huanjie.progress.services."


def stage_at(w: Any, at: Any, *, done: bool = False) -> Any:
    from django.utils import timezone

    from huanjie.progress.models import ScheduleStage
    from huanjie.progress.schedule import schedule_build

    entry = w.entry(at)
    schedule_build(entry)
    stage = ScheduleStage.objects.select_related("village__campaign", "village__region").get(
        village=entry, key="party_election"
    )
    if done:
        stage.done_on, stage.done_by = timezone.localdate(), "manual"
        stage.save(update_fields=["done_on", "done_by"])
    return stage


def cases() -> dict[str, Any]:
    from django.utils import timezone

    from huanjie.tests.test_service_matrix import Case

    manage = Action.MANAGE_SCHEDULE
    return {
        P + "stage_mark_done": Case(
            manage, lambda w, at: {"stage": stage_at(w, at), "done_on": timezone.localdate()}
        ),
        P + "stage_undo": Case(
            manage, lambda w, at: {"stage": stage_at(w, at, done=True), "note": "误登记"}
        ),
    }
