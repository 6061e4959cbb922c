"""Spreadsheets of the upload pipeline: a job's problems, and the template of an import.

A template is built from the import's schema: a note row, the header with a comment per
column, ID columns formatted as text, and drop-down lists that refuse a typed value (an error
alert, as Excel and WPS show it), for as many rows as the import accepts.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import xlsxwriter

from huanjie.lib.sheets import Schema
from huanjie.lib.xlsx import safe_cell, table_xlsx
from huanjie.uploads.models import UploadJob

PROBLEM_HEADER = ("行号", "列", "内容", "问题", "处理")
LEVELS = {"error": "错误，须修改", "doubtful": "已导入，待核实"}
MSG_PICK = "请从下拉列表中选择，不能手工输入其他内容"


def problems_xlsx(job: UploadJob) -> bytes:
    """Every rejected or doubtful row of an upload: row, column, value (ID numbers masked at
    the source), reason, what to do."""
    rows = (
        (
            p.get("row", 0),
            p.get("field", ""),
            p.get("value", ""),
            p.get("message", ""),
            LEVELS.get(p.get("level", "error"), ""),
        )
        for p in job.problems
    )
    return table_xlsx("导入问题", PROBLEM_HEADER, rows, (8, 14, 24, 60, 16))


def template_xlsx(
    schema: Schema,
    *,
    sheet_name: str,
    title: str,
    rows: int,
    choices: Mapping[str, Sequence[str]] | None = None,
) -> bytes:
    """The template of an import: row 1 the note `title`, row 2 the header, data from row 3 for
    `rows` rows. `choices` gives (or overrides) a column's drop-down list by key; a column with
    an empty list gets none."""
    columns = [c for c in schema.columns if c.template]
    lists = {c.key: list(c.choices) for c in columns if c.choices}
    lists.update({k: list(v) for k, v in (choices or {}).items()})
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet(sheet_name[:31])
    note = book.add_format({"bold": True, "font_color": "#C00000", "text_wrap": True})
    head = book.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center", "valign": "vcenter"}
    )
    text = book.add_format({"num_format": "@"})
    last_row = rows + 1  # 0-based: row 0 note, row 1 header, rows 2..rows+1 data
    sheet.merge_range(0, 0, 0, max(len(columns) - 1, 1), title, note)
    sheet.set_row(0, 36)
    # Lists longer than 255 characters must live in cells: a hidden sheet holds them.
    options = book.add_worksheet("选项")
    options.hide()
    list_col = 0
    for col, column in enumerate(columns):
        sheet.set_column(col, col, column.width, text if column.text else None)
        sheet.write_string(1, col, column.label, head)
        if column.note:
            sheet.write_comment(1, col, column.note, {"author": "换届通"})
        values = lists.get(column.key)
        if not values:
            continue
        # SECURITY.md V9 (found by the V10 walk, huanjie/tests/test_xss_walk.py): the lists hold
        # what users typed (村民小组, Party branch names); write() would make "=…" a formula.
        for row, value in enumerate(values):
            options.write_string(row, list_col, safe_cell(str(value)))
        letter = xlsxwriter.utility.xl_col_to_name(list_col)
        sheet.data_validation(
            2,
            col,
            last_row,
            col,
            {
                "validate": "list",
                "source": f"=选项!${letter}$1:${letter}${len(values)}",
                "ignore_blank": True,
                "error_type": "stop",
                "error_title": "输入有误",
                "error_message": MSG_PICK,
                "input_title": column.label,
                "input_message": "请从下拉列表中选择",
            },
        )
        list_col += 1
    sheet.freeze_panes(2, 0)
    book.close()
    return buffer.getvalue()
