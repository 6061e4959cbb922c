"""An uploaded file's life on disk, for every file job (the roll import's ImportJob, the
变动名单's PersonChangeImport): stored under VAR_DIR/uploads with a random name while it waits
for confirmation, deleted when the job ends, and deleted with its job expired when nobody
confirms it within a day (SECURITY.md R2: no uploaded personal data lingers on disk)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from huanjie.audit.services import audit_record
from huanjie.voters import importing
from huanjie.voters.importing import ImportRefused, Limits

PREVIEW_LIFETIME = timedelta(hours=24)
MSG_PREVIEW_EXPIRED = "预览超过24小时未确认，已过期，上传的文件已删除，请重新上传"


def uploads_dir() -> Path:
    path = Path(settings.VAR_DIR) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_upload(upload: UploadedFile, limits: Limits) -> tuple[Path, str]:
    """Save the upload under VAR_DIR/uploads with a random name; (path, sha256). Refuses a file
    over the size limit while reading, before anything parses it."""
    suffix = Path(upload.name or "").suffix.lower()
    path = uploads_dir() / f"{uuid.uuid4().hex}{suffix if suffix in ('.xlsx', '.csv') else '.bin'}"
    digest = hashlib.sha256()
    size = 0
    with path.open("wb") as out:
        for chunk in upload.chunks():
            size += len(chunk)
            if size > limits.max_bytes:
                out.close()
                path.unlink(missing_ok=True)
                raise ImportRefused(
                    importing.MSG_TOO_BIG.format(mb=importing._mb(limits.max_bytes))
                )
            digest.update(chunk)
            out.write(chunk)
    return path, digest.hexdigest()


def discard_upload(job: Any) -> None:
    """Delete a job's stored file (the job is saved by the caller)."""
    if job.stored_path:
        Path(job.stored_path).unlink(missing_ok=True)
        job.stored_path = ""


def expire_previews(model: Any, action: str, *, now: datetime | None = None) -> int:
    """End `model`'s previews nobody confirmed within PREVIEW_LIFETIME: file deleted, job
    failed with MSG_PREVIEW_EXPIRED, one audit event each under `action`. Run by
    `huanjie voters purge` (cron, hourly)."""
    cutoff = (now or timezone.now()) - PREVIEW_LIFETIME
    expired = 0
    for job in model.objects.filter(status=model.Status.PREVIEW, created_at__lt=cutoff):
        with transaction.atomic():
            discard_upload(job)
            job.status = model.Status.FAILED
            job.message = MSG_PREVIEW_EXPIRED
            job.finished_at = timezone.now()
            job.save(update_fields=["stored_path", "status", "message", "finished_at"])
            audit_record(actor=None, action=action, obj=job, message=MSG_PREVIEW_EXPIRED)
        expired += 1
    return expired
