"""The statistics report as a workbook (XlsxWriter, as huanjie's other exports): the scope's
figures by group with the previous term and the change, the children's key figures (one row
each, the scope's own figures as the total), and the ethnicity breakdown.

Counts are numbers, shares and averages numbers with one decimal ("0.0"), changes of shares
signed points ("+0.0"), so a reader can sort, sum and chart them; a missing figure is an empty
cell, never a zero. Every text cell goes through lib.xlsx.safe_cell (region names are typed by
people)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import xlsxwriter

from huanjie.lib.xlsx import safe_cell
from huanjie.rosters import report_text as text
from huanjie.rosters.report_types import Figure, Report, Section

SCOPE_HEADER = ("项目", "单位", "本届", "占比%", "上届", "上届占比%", "增减", "增减百分点")
SCOPE_WIDTHS = (34, 6, 10, 9, 10, 11, 9, 11)


class _Formats:
    def __init__(self, book: Any) -> None:
        border = {"border": 1, "valign": "vcenter"}
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.note = book.add_format({"font_color": "#555555"})
        self.head = book.add_format(
            {**border, "bold": True, "bg_color": "#DDEBF7", "align": "center", "text_wrap": True}
        )
        self.group = book.add_format({**border, "bold": True, "bg_color": "#F2F2F2"})
        self.text = book.add_format({**border, "num_format": "@"})
        self.unit = book.add_format({**border, "num_format": "@", "align": "center"})
        self.indent = book.add_format({**border, "num_format": "@", "indent": 1})
        self.int = book.add_format({**border, "num_format": "0"})
        self.dec = book.add_format({**border, "num_format": "0.0"})
        self.money = book.add_format({**border, "num_format": "#,##0.00"})
        self.sint = book.add_format({**border, "num_format": "+0;-0;0"})
        self.sdec = book.add_format({**border, "num_format": "+0.0;-0.0;0.0"})
        self.blank = book.add_format(border)
        self.total_text = book.add_format({**border, "bold": True, "num_format": "@"})
        self.total_int = book.add_format({**border, "bold": True, "num_format": "0"})
        self.total_dec = book.add_format({**border, "bold": True, "num_format": "0.0"})


def _number(
    sheet: Any, row: int, col: int, value: int | Decimal | None, fmt: Any, blank: Any
) -> None:
    if value is None:
        sheet.write_blank(row, col, None, blank)
    else:
        sheet.write_number(row, col, float(value) if isinstance(value, Decimal) else value, fmt)


def _value_format(f: Figure, value: int | Decimal | None, fmts: _Formats) -> Any:
    if f.unit == "元":
        return fmts.money
    return fmts.dec if isinstance(value, Decimal) else fmts.int


def _title(sheet: Any, report: Report, subject: str, width: int, fmts: _Formats) -> int:
    """The title and the reference line; the row where the table starts."""
    sheet.merge_range(0, 0, 0, width - 1, safe_cell(subject), fmts.title)
    previous = (
        f"上届：第{report.previous_term_number}届"
        if report.previous_term_number
        else "上届：无名册，不作比较"
    )
    sheet.merge_range(1, 0, 1, width - 1, f"{text.reference_line(report)}；{previous}", fmts.note)
    sheet.set_row(0, 24)
    # Printed on A4, as wide as the page, the header on every page.
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(3)
    return 3


def _scope_sheet(book: Any, report: Report, fmts: _Formats) -> None:
    sheet = book.add_worksheet("本级统计")
    row = _title(sheet, report, text.report_title(report, "统计表"), len(SCOPE_HEADER), fmts)
    for col, width in enumerate(SCOPE_WIDTHS):
        sheet.set_column(col, col, width)
    for col, label in enumerate(SCOPE_HEADER):
        sheet.write_string(row, col, label, fmts.head)
    sheet.freeze_panes(row + 1, 1)
    for group, figures in text.figure_rows(report.scope):
        row += 1
        sheet.merge_range(row, 0, row, len(SCOPE_HEADER) - 1, group, fmts.group)
        for f in figures:
            row += 1
            _figure_row(sheet, row, f, fmts)


def _figure_row(sheet: Any, row: int, f: Figure, fmts: _Formats) -> None:
    sheet.write_string(row, 0, safe_cell(f.label), fmts.indent)
    sheet.write_string(row, 1, f.unit, fmts.unit)
    _number(sheet, row, 2, f.value, _value_format(f, f.value, fmts), fmts.blank)
    _number(sheet, row, 3, f.share, fmts.dec, fmts.blank)
    _number(sheet, row, 4, f.previous_value, _value_format(f, f.previous_value, fmts), fmts.blank)
    _number(sheet, row, 5, f.previous_share, fmts.dec, fmts.blank)
    change_format = fmts.sdec if isinstance(f.change, Decimal) else fmts.sint
    _number(sheet, row, 6, f.change, change_format, fmts.blank)
    _number(sheet, row, 7, f.change_points, fmts.sdec, fmts.blank)


def _children_columns(report: Report) -> list[tuple[str, str, bool]]:
    """(figure key, column title, is a share) of the children's sheet, from the scope's figures."""
    columns = []
    for f in text.main_figures(report.scope):
        if f is None:
            continue
        unit = f"（{f.unit}）" if f.unit else ""
        columns.append((f.key, f"{f.label}{unit}", False))
        if f.base_key:
            columns.append((f.key, f"{f.label}占比%", True))
    return columns


def _children_sheet(book: Any, report: Report, fmts: _Formats) -> None:
    word = text.child_word(report)
    sheet = book.add_worksheet(f"各{word}"[:31])
    sheet.set_landscape()
    columns = _children_columns(report)
    width = 2 + len(columns)
    row = _title(sheet, report, text.children_title(report), width, fmts)
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 18)
    sheet.set_column(2, width - 1, 11)
    sheet.set_row(row, 36)
    for col, label in enumerate(("区划代码", "名称", *(c[1] for c in columns))):
        sheet.write_string(row, col, label, fmts.head)
    sheet.freeze_panes(row + 1, 2)
    for child in report.children:
        row += 1
        _child_row(sheet, row, child, columns, fmts, total=False)
    row += 1
    _child_row(sheet, row, report.scope, columns, fmts, total=True)


def _child_row(
    sheet: Any,
    row: int,
    section: Section,
    columns: list[tuple[str, str, bool]],
    fmts: _Formats,
    *,
    total: bool,
) -> None:
    label = fmts.total_text if total else fmts.text
    sheet.write_string(row, 0, "" if total else section.code, label)
    sheet.write_string(row, 1, "合计" if total else safe_cell(section.name), label)
    found = {f.key: f for f in section.figures}
    for col, (key, _, is_share) in enumerate(columns, start=2):
        f = found.get(key)
        value = None if f is None else (f.share if is_share else f.value)
        if is_share or isinstance(value, Decimal):
            fmt = fmts.total_dec if total else fmts.dec
        else:
            fmt = fmts.total_int if total else fmts.int
        _number(sheet, row, col, value, fmt, fmts.blank)


def _ethnicity_sheet(book: Any, report: Report, fmts: _Formats) -> None:
    sheet = book.add_worksheet("民族构成")
    row = _title(sheet, report, f"{report.scope.name}村干部民族构成", 4, fmts)
    for col, width in enumerate((10, 14, 10, 10)):
        sheet.set_column(col, col, width)
    for col, label in enumerate(("民族代码", "民族", "人数", "占比%")):
        sheet.write_string(row, col, label, fmts.head)
    for b in report.scope.breakdowns:
        if b.key != "ethnicity":
            continue
        for code, name, count, share in b.rows:
            row += 1
            sheet.write_string(row, 0, code, fmts.text)
            sheet.write_string(row, 1, safe_cell(name or "未填"), fmts.text)
            _number(sheet, row, 2, count, fmts.int, fmts.blank)
            _number(sheet, row, 3, share, fmts.dec, fmts.blank)


def report_xlsx(report: Report) -> bytes:
    """The workbook of `report`: 本级统计, 各乡镇（or 各县…）, 民族构成."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    book.set_properties({"title": text.report_title(report), "author": "", "comments": ""})
    fmts = _Formats(book)
    _scope_sheet(book, report, fmts)
    if report.children:
        _children_sheet(book, report, fmts)
    _ethnicity_sheet(book, report, fmts)
    book.close()
    return buffer.getvalue()
