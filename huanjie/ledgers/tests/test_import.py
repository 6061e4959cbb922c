"""A ledger file through the one pipeline: new rows created, a changed row saved, a status
moved through the transitions (history), row errors named by row and column with nothing
written, and `huanjie import ledger-<key>` from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command

from huanjie.conftest import TOWN, VILLAGE
from huanjie.ledgers import framework as fw
from huanjie.ledgers.models import Assessment, LedgerEvent, LedgerImport, RectificationItem
from huanjie.ledgers.tests.world import make_world
from huanjie.regions.models import Region
from huanjie.uploads.importers import importer_of
from huanjie.uploads.services import upload_confirm, upload_preview

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast: Any, campaign: Any, settings: Any, tmp_path: Path) -> dict[str, Any]:
    settings.VAR_DIR = str(tmp_path / "var")
    return make_world(cast, campaign)


def _file(tmp_path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    path = tmp_path / "ledger.xlsx"
    book.save(path)
    return path


def _run(kind: str, user: Any, campaign: Any, path: Path, scope: str = TOWN) -> Any:
    importer = importer_of(f"ledger-{kind}")
    job: Any = upload_preview(
        importer=importer,
        actor=user,
        scope=Region.objects.get(code=scope),
        upload=path,
        campaign=campaign,
    )
    if job.status == LedgerImport.Status.PREVIEW:
        job = upload_confirm(importer=importer, actor=user, job=job, wait=True)
    return job


def test_a_changed_row_is_saved_and_a_status_moved_through_its_service(
    world: dict[str, Any], cast: Any, campaign: Any, tmp_path: Path
) -> None:
    kind = fw.kind_of("rectification")
    item = world["rectification"]
    row = fw.export_row(kind, item)
    header = fw.export_header(kind)
    row[header.index("状态")] = "已销号"
    row[header.index("销号日期")] = "2026-12-03"
    row[header.index("整顿措施")] = "按月公开，群众代表监督"
    new = ["", VILLAGE, "", "班子成员长期不在岗", "", "马福海", "乡镇领导", "", "", "", ""]
    job = _run("rectification", cast.town_officer, campaign, _file(tmp_path, header, [row, new]))
    assert job.status == LedgerImport.Status.SUCCEEDED, job.problems
    assert (job.created, job.changed, job.unchanged) == (1, 1, 0)
    item.refresh_from_db()
    assert (item.status, item.measures) == ("closed", "按月公开，群众代表监督")
    assert LedgerEvent.objects.filter(kind="rectification", item_id=item.pk, to_status="closed")
    # The village's open item of the file keeps it a complex village.
    assert Assessment.objects.get(pk=world["assessment"].pk).complex


def test_row_errors_name_the_row_and_column_and_write_nothing(
    world: dict[str, Any], cast: Any, campaign: Any, tmp_path: Path
) -> None:
    kind = fw.kind_of("candidates")
    header = fw.export_header(kind)
    rows = [
        ["", VILLAGE, "", "“一肩挑”人选", "马成林", "男", "一九八五", "", "", ""],
        ["", "630121101205", "", "书记人选", "韩亮", "男", "1980", "", "", ""],
        ["RX999999", VILLAGE, "", "书记人选", "韩亮", "男", "1980", "", "", ""],
    ]
    before = RectificationItem.objects.count(), Assessment.objects.count()
    job = _run("candidates", cast.town_officer, campaign, _file(tmp_path, header, rows))
    assert job.status == LedgerImport.Status.REJECTED
    found = {(p["row"], p["field"]) for p in job.problems}
    assert (2, "出生年份") in found
    assert (3, "区划代码") in found
    assert (4, "编号") in found
    assert (RectificationItem.objects.count(), Assessment.objects.count()) == before


def test_a_closed_item_reopened_in_a_file_needs_its_page(
    world: dict[str, Any], cast: Any, campaign: Any, tmp_path: Path
) -> None:
    kind = fw.kind_of("rectification")
    header = fw.export_header(kind)
    row = fw.export_row(kind, world["rectification_closed"])
    row[header.index("状态")] = "整顿中"
    job = _run("rectification", cast.town_officer, campaign, _file(tmp_path, header, [row]))
    assert job.status == LedgerImport.Status.REJECTED
    assert "请填写重新打开的原因" in job.problems[0]["message"]


def test_the_assessment_row_without_a_number_updates_the_villages_one(
    world: dict[str, Any], cast: Any, campaign: Any, tmp_path: Path
) -> None:
    kind = fw.kind_of("assessment")
    header = fw.export_header(kind)
    row = fw.export_row(kind, world["assessment"])
    row[0] = ""
    row[header.index("备注")] = "复核"
    job = _run(
        "assessment", cast.county_officer, campaign, _file(tmp_path, header, [row]), "630121"
    )
    assert (job.status, job.created, job.changed) == ("succeeded", 0, 1)


def test_the_command_line_imports_a_ledger(
    world: dict[str, Any], cast: Any, campaign: Any, tmp_path: Path
) -> None:
    kind = fw.kind_of("audits")
    path = tmp_path / "audits.xlsx"
    path.write_bytes(fw.ledger_xlsx(kind, fw.items_visible_to(cast.county_officer, kind, campaign)))
    call_command(
        "import",
        "ledger-audits",
        str(path),
        "--scope",
        "630121",
        "--campaign",
        str(campaign.pk),
        "--user",
        cast.county_officer.username,
    )
    job = LedgerImport.objects.latest("id")
    assert (job.status, job.created, job.changed, job.unchanged) == ("succeeded", 0, 0, 1)
