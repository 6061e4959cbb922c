"""Spreadsheet helpers shared by every export."""

from __future__ import annotations

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
