"""What `/healthz` checks: the database answers, and the background worker is taking tasks.

django-tasks-db keeps no worker heartbeat, so a dead worker is seen by its effect: a task that
is ready to run and has waited in the queue longer than `HUANJIE_HEALTH_QUEUE_MINUTES` (default
10; an import's parse has a 5-minute timeout, SECURITY.md V5). An idle queue therefore reads as
healthy even with no worker running: the check finds a worker that has stopped taking work, not
one that was never started. The answer names no person and no row (it needs no login)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Q
from django.utils import timezone

from huanjie.lib.env import envint

MSG_DATABASE_DOWN = "数据库无法访问"
MSG_QUEUE_STUCK = "后台任务进程未在处理任务：有任务已排队超过 {minutes} 分钟"

_DB_BACKEND = "django_tasks_db.DatabaseBackend"


def queue_limit() -> timedelta:
    return timedelta(minutes=envint("HUANJIE_HEALTH_QUEUE_MINUTES", 10))


def health_problem() -> str | None:
    """None when healthy, else one line in Chinese saying what is wrong."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return MSG_DATABASE_DOWN
    if _uses_database_queue() and _oldest_wait_exceeds(queue_limit()):
        return MSG_QUEUE_STUCK.format(minutes=int(queue_limit().total_seconds() // 60))
    return None


def _uses_database_queue() -> bool:
    return any(conf.get("BACKEND") == _DB_BACKEND for conf in settings.TASKS.values())


def _oldest_wait_exceeds(limit: timedelta) -> bool:
    from django_tasks_db.models import DBTaskResult, get_date_max

    cutoff = timezone.now() - limit
    # A task waits from when it was queued, or from its run_after when it was scheduled later
    # (django-tasks-db stores "no run_after" as the year 9999).
    waited_too_long = Q(enqueued_at__lt=cutoff) & (
        Q(run_after=get_date_max()) | Q(run_after__lt=cutoff)
    )
    return DBTaskResult.objects.ready().filter(waited_too_long).exists()
