"""Roster files for the tests: rows as the template has them, previewed and run through the
pipeline (and the command line)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from huanjie.accounts.models import User
from huanjie.lib import idcard
from huanjie.regions.models import Region
from huanjie.rosters.demo import HEADER, roster_xlsx
from huanjie.rosters.imports import roster_import_confirm, roster_import_preview
from huanjie.rosters.models import RosterImport

REFERENCE = date(2022, 1, 31)


def number(day: date, sex: str = "M", seq: int = 7) -> str:
    return idcard.generate("630121", day, sex, seq)


def row(
    village: str,
    name: str,
    id_number: object,
    body: str = "村党组织",
    post: str = "书记",
    **cells: str,
) -> list[object]:
    """A row of HEADER: `village` is the code (12 digits) or the name."""
    code, village_name = (village, "") if village.isdigit() else ("", village)
    values = {
        "性别": "",
        "民族": "汉族",
        "文化程度": "高中",
        "政治面貌": "中共党员",
        "身份标签": "",
        **cells,
    }
    return [
        code,
        village_name,
        name,
        id_number,
        values["性别"],
        values["民族"],
        values["文化程度"],
        values["政治面貌"],
        body,
        post,
        values["身份标签"],
    ]


def xlsx(rows: Sequence[Sequence[Any]], header: Sequence[str] = HEADER) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(header))
    for r in rows:
        sheet.append(list(r))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def preview(
    actor: User,
    code: str,
    rows: Sequence[Sequence[Any]],
    *,
    term: int = 11,
    reference: date = REFERENCE,
    content: bytes | None = None,
) -> RosterImport:
    return roster_import_preview(
        actor=actor,
        area=Region.objects.get(code=code),
        upload=SimpleUploadedFile("干部名册.xlsx", content or xlsx(rows)),
        term_number=term,
        reference_date=reference,
    )


def run(actor: User, code: str, rows: Sequence[Sequence[Any]], **kwargs: Any) -> RosterImport:
    job = preview(actor, code, rows, **kwargs)
    if job.status != "preview":
        return job
    return roster_import_confirm(actor=actor, job=job)


def problems(job: RosterImport) -> dict[int, tuple[str, str, str]]:
    return {p["row"]: (p["field"], p["message"], p["level"]) for p in job.problems}


def text_rows(rows: Sequence[Sequence[str]]) -> bytes:
    return roster_xlsx(rows)


def command(tmp_path: Path, user: str, code: str, rows: Sequence[Sequence[Any]], *args: str):
    path = tmp_path / "干部名册.xlsx"
    path.write_bytes(xlsx(rows))
    out, err = io.StringIO(), io.StringIO()
    argv = ["--scope", code, "--user", user, *args]
    try:
        call_command("import", "roster", str(path), *argv, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()
