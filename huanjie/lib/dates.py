"""Dates as Chinese documents and messages write them. Pure Python: the rules engine uses it.

>>> cn_date(date(2026, 3, 1))
'2026年3月1日'
"""

from __future__ import annotations

from datetime import date


def cn_date(day: date) -> str:
    """2026年3月1日: no leading zeros, as notices and court documents write dates."""
    return f"{day.year}年{day.month}月{day.day}日"


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a common year.

    >>> add_years(date(2027, 3, 31), 5), add_years(date(2024, 2, 29), 5)
    (datetime.date(2032, 3, 31), datetime.date(2029, 2, 28))
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
