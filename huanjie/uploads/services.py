"""The life of an uploaded file, the same for every import: stored under VAR_DIR/uploads with a
random name (`upload_preview` dry-runs it), confirmed (`upload_confirm`: queued for the
background worker, or run in the request for a small file), run (`upload_execute`, never raising
for a bad file), and its file deleted when the job ends whatever the outcome — including a
crash — and with a preview nobody confirms within a day (`uploads_expire`; SECURITY.md R2).

The stored file is never in clear on disk (SECURITY.md D2): `store_upload` seals it as it arrives
(`huanjie.lib.sealedfile`, AES-256-GCM in authenticated chunks) and every reader opens it through
`open_upload`, which authenticates all of it into memory before anything parses it."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from huanjie.accounts.models import User
from huanjie.audit.models import Outcome
from huanjie.audit.services import audit_record
from huanjie.lib import crypto, idcard, sealedfile, workbooks
from huanjie.lib.workbooks import ImportRefused, Limits
from huanjie.regions.models import Region
from huanjie.uploads.importers import Importer, importer_of, importers, run_file
from huanjie.uploads.models import UploadJob

log = logging.getLogger(__name__)

PREVIEW_LIFETIME = timedelta(hours=24)
PREVIEW_PROBLEMS = 200  # problems shown on the page; the xlsx has them all

MSG_PREVIEW_EXPIRED = "预览超过24小时未确认，已过期，上传的文件已删除，请重新上传"
MSG_FAILED = "导入失败：系统错误，请联系管理员（文件未导入）"
MSG_UNKNOWN_COLUMNS = "以下列不导入："
MSG_STORED_BROKEN = (
    "服务器上暂存的上传文件未通过完整性校验（已损坏、被改动或加密密钥已更换），"
    "未导入任何数据，请重新上传"
)

STORED_SUFFIX = ".sealed"
_UPLOAD_KEY_INFO = b"huanjie upload sealing key v1"


class StoredUploadBroken(ImportRefused):
    """The stored upload does not open: damaged, altered, renamed, or sealed under a key version
    no longer in HUANJIE_FIELD_KEYS. The job fails with MSG_STORED_BROKEN, never a 500."""

    def __init__(self) -> None:
        super().__init__(MSG_STORED_BROKEN)


def uploads_dir() -> Path:
    path = Path(settings.VAR_DIR) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_upload(upload: UploadedFile | Path, limits: Limits) -> tuple[Path, str]:
    """Seal the upload (or a file given by path, from the command line) as it is read into
    VAR_DIR/uploads/<random>.sealed; (path, SHA-256 of the plaintext). Refuses a file over the
    size limit while reading, before anything parses it. The file is created 0600 and never
    holds a byte of the plaintext: each chunk is sealed before it is written.

    The key: derived per version from HUANJIE_FIELD_KEYS (`upload_keys`), not a key of its own.
    A waiting upload holds the very data those keys protect in the database (names, ID numbers),
    lives at most a day, and is only ever opened by this server, so it takes the same custody
    and rotation as the fields with no new secret to deploy; HUANJIE_BACKUP_KEYS is for files
    that leave the server. The derivation keeps the field cipher's key itself for the fields,
    and the file's random name is the sealed context, so a stored file renamed or put in the
    place of another job's does not open."""
    path = uploads_dir() / f"{uuid.uuid4().hex}{STORED_SUFFIX}"
    keys = upload_keys()
    version = next(iter(keys))
    try:
        sha256, _ = sealedfile.seal_new(
            path,
            _chunks(upload),
            key=keys[version],
            key_version=version,
            context=_sealed_context(path),
            max_bytes=limits.max_bytes,
        )
    except sealedfile.TooBig:
        raise ImportRefused(
            workbooks.MSG_TOO_BIG.format(mb=f"{limits.max_bytes / 1024 / 1024:g}")
        ) from None
    return path, sha256


def upload_keys() -> dict[str, bytes]:
    """{version: key} sealing stored uploads, newest first: HMAC-SHA256(field key of that
    version, a fixed label) for each key of HUANJIE_FIELD_KEYS. Rotation follows the fields':
    the newest seals, every listed version opens; a version dropped while a preview waits
    makes that preview fail with MSG_STORED_BROKEN (re-upload)."""
    return _upload_keys_for(settings.HUANJIE_FIELD_KEYS)


@lru_cache(maxsize=8)
def _upload_keys_for(spec: str) -> dict[str, bytes]:
    crypto.key_ring()  # the same checks and messages as the fields' (an empty ring, a bad key)
    keys = crypto.parse_versioned_keys(spec, "HUANJIE_FIELD_KEYS")
    return {v: hmac.digest(key, _UPLOAD_KEY_INFO, hashlib.sha256) for v, key in keys.items()}


def _sealed_context(path: Path) -> bytes:
    return b"huanjie upload " + path.name.encode("ascii", "replace")


@contextmanager
def open_upload(stored: Path, limits: Limits) -> Iterator[Path]:
    """The one way to read a stored upload: the plaintext as a path for `workbooks` (which
    reads by path, and pins calamine's reader by a file name), valid inside the `with`.

    All of the file is decrypted and authenticated before the path is handed out, so nothing
    parses a byte of a file that fails (StoredUploadBroken), and the plaintext stops past the
    size limit (ImportRefused). It is decrypted into memory: an anonymous memory file
    (memfd, opened by its /proc/self/fd path) where the system has one, which is gone when the
    `with` ends or the process dies; elsewhere a 0600 file in a 0700 temporary directory,
    deleted when the `with` ends. workbooks' checks (kind by content, zip entries, zip bomb,
    used range) then run on it exactly as on any file."""
    with ExitStack() as stack:
        out, plain = _private_file(stack)
        size = 0
        try:
            with stored.open("rb") as src:
                reader = sealedfile.SealedReader(
                    src, keys=upload_keys(), context=_sealed_context(stored)
                )
                while block := reader.read(sealedfile.CHUNK_BYTES):
                    size += len(block)
                    if size > limits.max_bytes:
                        raise ImportRefused(
                            workbooks.MSG_TOO_BIG.format(mb=f"{limits.max_bytes / 1024 / 1024:g}")
                        )
                    out.write(block)
        except sealedfile.SealError as exc:
            # Damage, tampering or a dropped key version: a fact for the operator, never a 500.
            log.error("stored upload %s does not open: %s %s", stored.name, type(exc).__name__, exc)
            raise StoredUploadBroken from exc
        out.flush()
        yield plain


def _private_file(stack: ExitStack) -> tuple[IO[bytes], Path]:
    memfd_create = getattr(os, "memfd_create", None)
    if memfd_create is not None and os.path.isdir("/proc/self/fd"):
        fd = memfd_create("huanjie-upload", os.MFD_CLOEXEC)
        out = stack.enter_context(os.fdopen(fd, "w+b"))
        return out, Path(f"/proc/self/fd/{fd}")
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="huanjie-upload-")))
    path = folder / "plain"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return stack.enter_context(os.fdopen(fd, "wb")), path


def _chunks(upload: UploadedFile | Path) -> Any:
    if isinstance(upload, Path):
        with upload.open("rb") as f:
            while block := f.read(1 << 20):
                yield block
    else:
        yield from upload.chunks()


def discard_upload(job: UploadJob) -> None:
    """Delete a job's stored file and its progress marker (the job is saved by the caller)."""
    if job.stored_path:
        Path(job.stored_path).unlink(missing_ok=True)
        job.stored_path = ""
    if job.pk:
        progress_path(job).unlink(missing_ok=True)


def upload_preview(
    *,
    importer: Importer,
    actor: User,
    scope: Region,
    upload: UploadedFile | Path,
    campaign: Any = None,
    limits: Limits | None = None,
    fields: Mapping[str, Any] | None = None,
) -> UploadJob:
    """Store the upload and dry-run it: the job comes back "preview" (ready to confirm) or
    "rejected" (its message and problems, the file deleted); nothing is written but the job.
    `fields`: the values of the importer's `job_fields`. ValidationError when the user may not
    import into `scope` (or `authorize` refuses those values)."""
    filename = upload.name if isinstance(upload, Path) else (upload.name or "")
    # A file named after a person's ID number: the name is stored, shown, exported and audited,
    # so it is kept masked (SECURITY.md P3, L3).
    filename = idcard.redact(filename)
    job = importer.new_job(
        actor=actor, scope=scope, filename=filename, campaign=campaign, fields=fields
    )
    refusal = importer.authorize(actor, job)
    if refusal:
        raise ValidationError(refusal)
    limits = limits or importer.limits
    try:
        path, job.sha256 = store_upload(upload, limits)
    except ImportRefused as exc:
        job.status, job.message = UploadJob.Status.REJECTED, exc.message
    else:
        job.stored_path = str(path)
        try:
            with open_upload(path, limits) as plain:
                outcome = run_file(importer, job, plain, commit=False, limits=limits)
        except StoredUploadBroken as exc:
            job.status, job.message = UploadJob.Status.FAILED, exc.message
        except ImportRefused as exc:
            job.status, job.message = UploadJob.Status.REJECTED, exc.message
        except Exception:
            log.exception("preview of %s failed", job.filename)
            job.status, job.message = UploadJob.Status.FAILED, MSG_FAILED
        else:
            if outcome.errors:
                job.status = UploadJob.Status.REJECTED
                job.message = importer.msg_rejected.format(n=len(outcome.errors))
            elif outcome.unknown_columns:
                job.message = MSG_UNKNOWN_COLUMNS + "、".join(outcome.unknown_columns)
    if job.status != UploadJob.Status.PREVIEW:
        job.finished_at = timezone.now()
        discard_upload(job)
    _settle_message(job)
    with transaction.atomic():
        job.save()
        if job.status != UploadJob.Status.PREVIEW:
            # A refused file is a fact the audit log keeps (SECURITY.md L1): who sent what.
            _audit_refusal(importer, job)
    return job


def _settle_message(job: UploadJob) -> None:
    """The job's message as it may be stored and shown: a header cell or a value it quotes
    could be an ID number typed in the wrong place (masked), and a long list of unknown columns
    is cut to the field."""
    job.message = idcard.redact(job.message)[:500]


def upload_confirm(
    *,
    importer: Importer,
    actor: User,
    job: UploadJob,
    limits: Limits | None = None,
    wait: bool = False,
) -> UploadJob:
    """Confirm a previewed job: queued for the background worker, or run now (a small import,
    or `wait`: the command line). Two clicks on "confirm" cannot run a file twice: only one
    moves it out of "preview"."""
    refusal = importer.authorize(actor, job)
    if refusal:
        raise ValidationError(refusal)
    with transaction.atomic():
        moved = (
            type(job)
            .objects.filter(pk=job.pk, status=UploadJob.Status.PREVIEW)
            .update(status=UploadJob.Status.QUEUED, done_rows=0)
        )
    if not moved:
        raise ValidationError(importer.msg_not_preview)
    if importer.background and not wait:
        from huanjie.uploads.tasks import run_upload

        run_upload.enqueue(importer.kind, job.pk)
        job.refresh_from_db()
        return job
    return upload_execute(kind=importer.kind, job_id=job.pk, limits=limits)


def progress_path(job: UploadJob) -> Path:
    return uploads_dir() / f"{job._meta.label_lower}-{job.pk}.progress"


def read_progress(job: UploadJob) -> tuple[str, int]:
    """(phase, rows done) written by the worker: the job's row is only written at the end,
    because the import's own transaction holds it (and SQLite's one writer lock)."""
    try:
        phase, _, done = progress_path(job).read_text().partition(" ")
        return phase, int(done)
    except (OSError, ValueError):
        return "", 0


def upload_execute(*, kind: str, job_id: int, limits: Limits | None = None) -> UploadJob:
    """Run a queued job for real (the background half, or the request's for a small file).
    Never raises for a bad file: the job records what happened, and the uploaded file is
    deleted either way (SECURITY.md R2)."""
    importer = importer_of(kind)
    job = importer.job_model.objects.select_related("region", "created_by").get(pk=job_id)
    if job.status != UploadJob.Status.QUEUED:
        return job
    job.status = UploadJob.Status.RUNNING
    job.save(update_fields=["status"])
    marker = progress_path(job)

    def progress(phase: str, done: int) -> None:
        marker.write_text(f"{phase} {done}")

    try:
        with open_upload(Path(job.stored_path), limits or importer.limits) as plain:
            outcome = run_file(importer, job, plain, commit=True, progress=progress, limits=limits)
    except StoredUploadBroken as exc:
        job.status, job.message = UploadJob.Status.FAILED, exc.message
    except ImportRefused as exc:
        job.status, job.message = UploadJob.Status.REJECTED, exc.message
    except Exception:
        log.exception("%s job %s failed", kind, job.pk)
        job.status, job.message = UploadJob.Status.FAILED, MSG_FAILED
    else:
        if outcome.errors:
            job.status = UploadJob.Status.REJECTED
            job.message = importer.msg_changed.format(n=len(outcome.errors))
        else:
            job.status = UploadJob.Status.SUCCEEDED
            job.message = importer.done_message(outcome)
    _settle_message(job)
    if job.status != UploadJob.Status.SUCCEEDED:
        _audit_refusal(importer, job)
    job.finished_at = timezone.now()
    discard_upload(job)
    job.save()
    return job


def _audit_refusal(importer: Importer, job: UploadJob) -> None:
    with transaction.atomic():
        audit_record(
            actor=job.created_by,
            action=importer.audit_action,
            obj=job,
            changes={"filename": job.filename, "sha256": job.sha256, "region": job.region_id},
            outcome=Outcome.FAILURE,
            message=job.message,
        )


def uploads_expire(*, now: datetime | None = None) -> int:
    """End every import's previews nobody confirmed within PREVIEW_LIFETIME: file deleted, job
    failed with MSG_PREVIEW_EXPIRED, one audit event each. Run by `huanjie voters purge`
    (cron, hourly)."""
    cutoff = (now or timezone.now()) - PREVIEW_LIFETIME
    expired = 0
    for importer in importers():
        model = importer.job_model
        for job in model.objects.filter(status=UploadJob.Status.PREVIEW, created_at__lt=cutoff):
            with transaction.atomic():
                discard_upload(job)
                job.status = UploadJob.Status.FAILED
                job.message = MSG_PREVIEW_EXPIRED
                job.finished_at = timezone.now()
                job.save(update_fields=["stored_path", "status", "message", "finished_at"])
                audit_record(
                    actor=None,
                    action=importer.expire_action or f"{importer.audit_action}_expire",
                    obj=job,
                    message=MSG_PREVIEW_EXPIRED,
                )
            expired += 1
    return expired
