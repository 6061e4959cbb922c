"""Background tasks of the voters app (django-tasks; the worker is `huanjie db_worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_import(job_id: int) -> str:
    from huanjie.voters.imports import roll_import_execute

    return roll_import_execute(job_id=job_id).status
