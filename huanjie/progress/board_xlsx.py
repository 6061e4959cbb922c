"""The daily and weekly figures as the county sends them up (进展情况日报表 / 周报表): a merged
title, the reporting unit and the day, one line per child region (a county's towns), a 合计 line,
the notes and the signature line; A4 landscape, one page wide, the header repeated on each page.

The counts are the board's (progress.board): nothing is typed, nothing is stored."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import xlsxwriter

from huanjie.lib.dates import cn_date
from huanjie.lib.xlsx import safe_cell
from huanjie.progress.board import ChildRow, Tally, week_start
from huanjie.regions.models import Region

NOTES = (
    "说明：1. 已完成指村(社区)“两委”各项选举结果均已确认；2. 滞后指有工作环节超过最迟完成日期仍未完成；"
    "3. 参选率为已投票村(社区)参加投票人数占登记选民数的比例；4. 一次成功率为第一次投票即选出全部"
    "应选职位的村(社区)占已知结果村(社区)的比例。"
)
SIGNATURES = "填表人：                    审核人：                    联系电话："


@dataclass(frozen=True)
class Report:
    """Which report: its title word, its columns and how a line fills them."""

    word: str
    header: tuple[str, ...]
    weekly: bool


DAILY = Report(
    "日报表",
    (
        "序号",
        "{child}",
        "村(社区)总数",
        "已完成",
        "其中当日完成",
        "进行中",
        "滞后",
        "未开始",
        "完成率",
        "参选率",
        "一次成功率",
    ),
    weekly=False,
)
WEEKLY = Report(
    "周报表",
    (
        "序号",
        "{child}",
        "村(社区)总数",
        "本周完成",
        "累计完成",
        "进行中",
        "滞后",
        "未开始",
        "完成率",
        "参选率",
        "一次成功率",
    ),
    weekly=True,
)
WIDTHS = (6, 18, 12, 10, 12, 10, 10, 10, 10, 10, 11)


def child_word(region: Region) -> str:
    return {1: "市(州)", 2: "县(市、区)", 3: "乡镇(街道)"}.get(region.level, "村(社区)")


def _cells(tally: Tally, weekly: bool) -> list[Any]:
    counts = [tally.total]
    counts += [tally.done_week, tally.done] if weekly else [tally.done, tally.done_today]
    counts += [tally.under_way, tally.late, tally.not_started]
    return [*counts, tally.done_rate, tally.turnout, tally.first_time_rate]


def title_of(region: Region, report: Report, today: date) -> str:
    if report.weekly:
        start = week_start(today)
        when = f"{start.month}月{start.day}日至{today.month}月{today.day}日"
    else:
        when = f"截至{today.month}月{today.day}日"
    return f"{region.name}村(社区)“两委”换届工作进展情况{report.word}（{when}）"


def figures_xlsx(
    region: Region, rows: Sequence[ChildRow], total: Tally, report: Report, today: date
) -> bytes:
    """The workbook of one report of `region` (rows: its child regions, with their counts)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
    )
    sheet = book.add_worksheet(report.word)
    last = len(report.header) - 1
    title = book.add_format(
        {"bold": True, "font_size": 16, "align": "center", "valign": "vcenter", "font_name": "宋体"}
    )
    plain = book.add_format({"font_size": 11})
    right = book.add_format({"font_size": 11, "align": "right"})
    head = book.add_format(
        {"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True}
    )
    cell = book.add_format({"border": 1, "align": "center", "valign": "vcenter"})
    name = book.add_format({"border": 1, "valign": "vcenter"})
    bold = book.add_format({"border": 1, "bold": True, "align": "center", "valign": "vcenter"})
    notes = book.add_format({"text_wrap": True, "valign": "top", "font_size": 10})

    sheet.set_row(0, 36)
    sheet.merge_range(0, 0, 0, last, title_of(region, report, today), title)
    sheet.merge_range(1, 0, 1, 4, f"填报单位：{region.name}（盖章）", plain)
    sheet.merge_range(1, 5, 1, last, f"填报日期：{cn_date(today)}", right)
    sheet.set_row(2, 32)
    for col, label in enumerate(report.header):
        sheet.write_string(2, col, label.format(child=child_word(region)), head)
    for col, width in enumerate(WIDTHS):
        sheet.set_column(col, col, width)
    r = 3
    for i, row in enumerate(rows, 1):
        sheet.write_number(r, 0, i, cell)
        sheet.write_string(r, 1, safe_cell(row.name), name)
        _write(sheet, r, _cells(row.tally, report.weekly), cell)
        r += 1
    sheet.merge_range(r, 0, r, 1, "合计", bold)
    _write(sheet, r, _cells(total, report.weekly), bold)
    sheet.set_row(r + 1, 48)
    sheet.merge_range(r + 1, 0, r + 1, last, NOTES, notes)
    sheet.merge_range(r + 2, 0, r + 2, last, SIGNATURES, plain)

    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.center_horizontally()
    sheet.repeat_rows(2)
    sheet.fit_to_pages(1, 0)
    sheet.set_footer("&C第 &P 页，共 &N 页")
    book.close()
    return buffer.getvalue()


def _write(sheet: Any, r: int, values: list[Any], fmt: Any) -> None:
    for col, value in enumerate(values, 2):
        if isinstance(value, int):
            sheet.write_number(r, col, value, fmt)
        else:
            sheet.write_string(r, col, value, fmt)


def filename_of(region: Region, report: Report, today: date) -> str:
    return f"{region.display_name}换届工作进展情况{report.word}{today:%Y%m%d}.xlsx"
