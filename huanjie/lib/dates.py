"""Dates as Chinese documents and messages write them. Pure Python: the rules engine uses it.

>>> cn_date(date(2026, 3, 1))
'2026年3月1日'
"""

from __future__ import annotations

from datetime import date


def cn_date(day: date) -> str:
    """2026年3月1日: no leading zeros, as notices and court documents write dates."""
    return f"{day.year}年{day.month}月{day.day}日"
