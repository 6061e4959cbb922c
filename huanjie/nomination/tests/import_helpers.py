"""Nominee files for the tests: an xlsx of rows, previewed and run through the pipeline (web
and command line)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from huanjie.accounts.models import User
from huanjie.elections.models import Campaign
from huanjie.nomination import imports
from huanjie.regions.models import Region
from huanjie.uploads.services import upload_confirm, upload_preview

HEADER = ["村(社区)", "选举", "职位", "姓名", "公民身份号码", "提名方式"]


def xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def preview(actor: User, campaign: Campaign, code: str, rows: Sequence[Sequence[object]]):
    return upload_preview(
        importer=imports.NOMINEES,
        actor=actor,
        scope=Region.objects.get(code=code),
        upload=SimpleUploadedFile("提名人选.xlsx", xlsx([HEADER, *rows])),
        campaign=campaign,
    )


def run(actor: User, campaign: Campaign, code: str, rows: Sequence[Sequence[object]]):
    job = preview(actor, campaign, code, rows)
    if job.status != "preview":
        return job
    return upload_confirm(importer=imports.NOMINEES, actor=actor, job=job)


def problems(job) -> list[tuple[int, str, str]]:
    return [(p["row"], p["field"], p["message"]) for p in job.problems]


def command(tmp_path: Path, campaign: Campaign, user: str, code: str, rows) -> tuple[int, str]:
    path = tmp_path / "提名人选.xlsx"
    path.write_bytes(xlsx([HEADER, *rows]))
    out, err = io.StringIO(), io.StringIO()
    args = ["--scope", code, "--campaign", str(campaign.pk), "--user", user]
    try:
        call_command("import", "nominees", str(path), *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()
