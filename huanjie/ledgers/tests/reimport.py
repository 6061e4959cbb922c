"""The check every ledger kind must pass: its own export, imported back through the pipeline
(preview and confirm), creates nothing, changes nothing, and leaves every table as it was.
Used by ledgers' tests and by any app declaring a kind (oversight)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import connection

from huanjie.audit.models import AuditEvent
from huanjie.ledgers import framework as fw
from huanjie.regions.models import Region
from huanjie.uploads.importers import importer_of
from huanjie.uploads.models import UploadJob
from huanjie.uploads.services import upload_confirm, upload_preview


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the audit log's and the upload jobs'."""
    found = {}
    tables = set(connection.introspection.table_names())
    for model in apps.get_models():
        if (
            not model._meta.managed
            or model._meta.proxy
            or model is AuditEvent
            or issubclass(model, UploadJob)
            or model._meta.app_label in ("sessions", "contenttypes", "auth")
            or model._meta.db_table not in tables  # another app's model still without migration
        ):
            continue
        found[model._meta.label] = list(model._default_manager.order_by("pk").values_list())
    return found


def assert_reimport_unchanged(
    *, kind_key: str, campaign: Any, user: Any, tmp_path: Path, scope: str = ""
) -> Any:
    """Export `kind_key`'s items visible to `user` and import the file back as `user` into
    `scope` (default: the user's region): created 0, changed 0, every row unchanged, and every
    table identical. Returns the confirmed job."""
    kind = fw.kind_of(kind_key)
    items = fw.items_visible_to(user, kind, campaign)
    count = items.count()
    assert count > 0, f"{kind_key}: nothing to export"
    path = tmp_path / f"{kind_key}-export.xlsx"
    path.write_bytes(fw.ledger_xlsx(kind, items))
    before = snapshot()
    importer = importer_of(kind.importer_kind)
    area = Region.objects.get(code=scope or user.region_id)
    job: Any = upload_preview(
        importer=importer, actor=user, scope=area, upload=path, campaign=campaign
    )
    assert job.status == UploadJob.Status.PREVIEW, (job.message, job.problems)
    assert (job.created, job.changed, job.unchanged) == (0, 0, count), job.problems
    job = upload_confirm(importer=importer, actor=user, job=job, wait=True)
    assert job.status == UploadJob.Status.SUCCEEDED, (job.message, job.problems)
    assert (job.created, job.changed, job.unchanged) == (0, 0, count)
    after = snapshot()
    differing = [label for label in before if before[label] != after.get(label)]
    assert not differing, f"{kind_key}: re-import changed {differing}"
    return job
