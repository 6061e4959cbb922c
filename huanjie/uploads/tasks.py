"""The background half of every import (django-tasks; the worker is `huanjie db_worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_upload(kind: str, job_id: int) -> str:
    from huanjie.uploads.services import upload_execute

    return upload_execute(kind=kind, job_id=job_id).status
