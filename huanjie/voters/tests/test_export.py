"""Exports: formula-looking text is escaped, IDs are text and masked (SECURITY.md V9, P3)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import openpyxl
from python_calamine import CalamineWorkbook

from huanjie.conftest import VILLAGE
from huanjie.elections.models import CampaignVillage
from huanjie.lib import idcard
from huanjie.people.models import Person
from huanjie.people.services import PersonIn, people_bulk_create
from huanjie.uploads.exports import problems_xlsx
from huanjie.voters import exports
from huanjie.voters.imports import ROLL
from huanjie.voters.models import ImportJob, VoterRegistration
from huanjie.voters.tests.test_import import pid


def _cells(content: bytes) -> list[list[Any]]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def test_the_roll_export_escapes_formulas_and_writes_masked_ids_as_text(cast, campaign):
    names = ['=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "张伟"]
    people = [
        PersonIn(pid(i + 1), n, "M", date(1980, 5, 1), "01", VILLAGE) for i, n in enumerate(names)
    ]
    people_bulk_create(actor=None, people=people, source="test")
    # Names as they may stand in older records (every write path now normalises them): the
    # export must escape whatever a cell holds.
    for p, n in zip(Person.objects.order_by("id"), names, strict=True):
        Person.objects.filter(pk=p.pk).update(name=n)
    for p in Person.objects.all():
        VoterRegistration.objects.create(
            campaign=campaign, village_id=VILLAGE, person=p, category="hukou_resident"
        )
    entry = CampaignVillage.objects.get(campaign=campaign, region_id=VILLAGE)
    content = exports.roll_xlsx(entry)
    rows = _cells(content)
    assert rows[0][:6] == ["序号", "姓名", "性别", "民族", "出生日期", "公民身份号码"]
    assert sorted(r[1] for r in rows[1:]) == sorted(
        ['\'=HYPERLINK("x")', "'+1", "'-2", "'@SUM(A1)", "张伟"]
    )
    assert {r[5] for r in rows[1:]} == {idcard.mask(pid(i + 1)) for i in range(5)}
    text = content.decode("latin-1")
    for i in range(5):
        assert pid(i + 1) not in text
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet["F2"].data_type == "s"
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_the_problem_list_and_the_template(cast, campaign):
    job = ImportJob(
        problems=[
            {"row": 3, "field": "姓名", "value": "=1+1", "message": "姓名为空", "level": "error"}
        ]
    )
    rows = _cells(problems_xlsx(job))
    assert rows[1] == [3.0, "姓名", "'=1+1", "姓名为空", "错误，须修改"]
    entry = CampaignVillage.objects.get(campaign=campaign, region_id=VILLAGE)
    content = exports.roll_template_xlsx(entry.region, groups=["第一组"])
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book["选民登记"]
    assert [c.value for c in sheet[2]][:2] == ["姓名", "公民身份号码"]
    # The ID column is text as a column format: every row a clerk types into, not 2,000 cells.
    assert sheet.column_dimensions["B"].number_format == "@"
    validations = sheet.data_validations.dataValidation
    assert len(validations) == 4
    # A drop-down refuses a typed value (Excel's and WPS's stop alert), down to the last row an
    # upload accepts.
    last = 2 + ROLL.limits.max_rows
    for dv in validations:
        assert dv.showErrorMessage and dv.errorStyle in (None, "stop")
        assert str(dv.sqref).endswith(f"{last}")
