"""Spreadsheets out of the voters app: a village roll, the rejected rows of an import, and the
import template.

Every text cell goes through safe_cell (SECURITY.md V9) and is written as a string, so an ID is
never a number Excel would cut to 15 digits; IDs are masked (SECURITY.md P3/P5: unmasked bulk
export needs a second user's approval, a later issue).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

import xlsxwriter
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from huanjie.elections.models import CampaignVillage
from huanjie.lib.ethnicity import ETHNICITIES
from huanjie.lib.xlsx import safe_cell
from huanjie.people.models import Sex
from huanjie.regions.models import Region
from huanjie.voters.models import Category, ImportJob, VoterRegistration

ROLL_HEADER = (
    "序号",
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "公民身份号码",
    "村民小组",
    "登记类别",
    "户号",
    "待核实",
)
PROBLEM_HEADER = ("行号", "列", "内容", "问题", "处理")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _write_table(
    title: str, header: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int]
) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
        },
    )
    sheet = book.add_worksheet(title[:31])
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = book.add_format({"num_format": "@"})
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width, text)
    for col, label in enumerate(header):
        sheet.write_string(0, col, label, bold)
    for r, row in enumerate(rows, 1):
        for col, value in enumerate(row):
            if isinstance(value, int) and not isinstance(value, bool):
                sheet.write_number(r, col, value)
            else:
                sheet.write_string(r, col, safe_cell("" if value is None else str(value)), text)
    book.close()
    return buffer.getvalue()


def roll_xlsx(entry: CampaignVillage) -> bytes:
    """The roll of one village in a campaign, active registrations, masked IDs."""
    regs = (
        VoterRegistration.objects.filter(campaign=entry.campaign, village=entry.region, active=True)
        .select_related("person")
        .order_by("group_name", "person__household_no", "id")
    )
    sexes = dict(Sex.choices)
    categories = dict(Category.choices)

    def rows() -> Iterable[Sequence[Any]]:
        for n, r in enumerate(regs.iterator(chunk_size=2000), 1):
            p = r.person
            yield (
                n,
                p.name,
                sexes.get(p.sex, p.sex),
                ETHNICITIES.get(p.ethnicity, p.ethnicity),
                p.birth_date.isoformat(),
                p.id_masked,
                r.group_name,
                categories.get(r.category, r.category),
                p.household_no,
                r.flag,
            )

    return _write_table(
        entry.region.display_name, ROLL_HEADER, rows(), (6, 10, 6, 10, 12, 22, 14, 30, 10, 30)
    )


def problems_xlsx(job: ImportJob) -> bytes:
    """Every rejected or doubtful row of an import: row number, column, value (IDs masked at
    the source), reason."""
    levels = {"error": "错误，须修改", "doubtful": "已导入，待核实"}
    rows = (
        (
            p.get("row", 0),
            p.get("field", ""),
            p.get("value", ""),
            p.get("message", ""),
            levels.get(p.get("level", "error"), ""),
        )
        for p in job.problems
    )
    return _write_table("导入问题", PROBLEM_HEADER, rows, (8, 14, 24, 60, 16))


TEMPLATE_COLUMNS = (
    ("姓名", 12, "必填"),
    ("公民身份号码", 22, "必填，18位，本列已设为文本"),
    ("性别", 8, "男/女"),
    ("民族", 12, "如：汉族、回族、土族"),
    ("出生日期", 14, "如：1990-01-01，可不填（按身份证号）"),
    ("村民小组", 14, ""),
    ("登记类别", 40, "不填视为户籍在本村并且在本村居住（社区：户籍在本社区）"),
    ("户号", 10, ""),
    ("备注", 20, ""),
)


def template_xlsx(entry: CampaignVillage, groups: Sequence[str] = ()) -> bytes:
    """The import template: a note row, the header, drop-down lists, the ID column as text."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "选民登记"
    is_village = entry.region.kind == Region.Kind.VILLAGE
    sheet.append(
        [
            f"{entry.region.display_name}选民登记表（第1、2行为说明和表头，从第3行起每人一行；不要合并单元格）"
        ]
    )
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(TEMPLATE_COLUMNS))
    sheet["A1"].font = Font(bold=True, color="C00000")
    sheet.append([label for label, _, _ in TEMPLATE_COLUMNS])
    fill = PatternFill("solid", fgColor="DDEBF7")
    for col, (_label, width, note) in enumerate(TEMPLATE_COLUMNS, 1):
        cell = sheet.cell(row=2, column=col)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center")
        if note:
            cell.comment = Comment(note, "换届通")
        sheet.column_dimensions[cell.column_letter].width = width
    for row in range(3, 2003):
        sheet.cell(row=row, column=2).number_format = "@"

    # Lists longer than 255 characters must live in cells; a hidden sheet holds them.
    lists = book.create_sheet("选项")
    lists.sheet_state = "hidden"
    categories = [
        label for code, label in Category.choices if (code in _VILLAGE_CODES) == is_village
    ]
    columns = {
        "A": ["男", "女"],
        "B": list(ETHNICITIES.values()),
        "C": categories,
        "D": list(groups),
    }
    for letter, values in columns.items():
        for i, value in enumerate(values, 1):
            lists[f"{letter}{i}"] = value
    targets = {"A": "C", "B": "D", "C": "G", "D": "F"}
    for letter, values in columns.items():
        if not values:
            continue
        dv = DataValidation(
            type="list", formula1=f"=选项!${letter}$1:${letter}${len(values)}", allow_blank=True
        )
        dv.error = "请从下拉列表中选择"
        dv.errorTitle = "输入有误"
        sheet.add_data_validation(dv)
        dv.add(f"{targets[letter]}3:{targets[letter]}2002")
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_VILLAGE_CODES = {
    Category.HUKOU_RESIDENT,
    Category.HUKOU_ABSENT,
    Category.INCOMER_ONE_YEAR,
    Category.INCOMER_OR_WORKER,
}
