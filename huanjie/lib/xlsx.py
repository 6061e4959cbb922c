"""Spreadsheet helpers shared by every export."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

import xlsxwriter

# CWE-1236 / SECURITY.md V9: a text cell that a spreadsheet would run as a formula gets a quote.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")


def safe_cell(value: str) -> str:
    """Make a text value safe to put in an exported cell.

    >>> safe_cell("=HYPERLINK(1)")
    "'=HYPERLINK(1)"
    >>> safe_cell("张伟")
    '张伟'
    """
    if value and value.startswith(_FORMULA_START):
        return "'" + value
    return value


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str) -> Any:
    """A workbook as a download (the filename may be Chinese), never cached: it may carry
    personal data (SECURITY.md P11)."""
    from urllib.parse import quote

    from django.http import HttpResponse

    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store"
    return response


def table_xlsx(
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int],
) -> bytes:
    """One sheet: a bold header, then the rows. Every text cell goes through safe_cell and is
    written as a string in a text-formatted column, so an ID number is never a number Excel
    would cut to 15 digits; integers stay numbers. Streams (constant memory) for big tables."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
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
