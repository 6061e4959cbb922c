"""Which rows of a term's roster count: the one rule, in the three forms its readers need.

A row is on the roster as at its term's reference date R when it was not superseded by a
corrected result (a corrected version's winners never held the post), did not end on or before
R, and is not a by-election's held after R. The report (as SQL, rosters.report_sql), the
structure checks and the departures (as a Django filter) and the village page (row by row, with
the reason a row does not count) all read it from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from django.db.models import F, Q

if TYPE_CHECKING:
    from datetime import date

    from huanjie.rosters.models import Cadre

WHY_LATE: Final = "基准日期后补选任职"


def counted() -> Q:
    """The filter of the counted rows of a Cadre queryset (R = the row's term's date)."""
    reference = F("term__reference_date")
    return (
        ~Q(end_reason="corrected")
        & (Q(ended_on__isnull=True) | Q(ended_on__gt=reference))
        & (~Q(source="by_election") | Q(started_on__lte=reference))
    )


def counted_sql(c: str = "c", r: str = "r") -> str:
    """The same as an SQL condition on a cadre row `c` joined to its term `r`."""
    return (
        f"{c}.end_reason <> 'corrected'"
        f" AND ({c}.ended_on IS NULL OR {c}.ended_on > {r}.reference_date)"
        f" AND ({c}.source <> 'by_election' OR {c}.started_on <= {r}.reference_date)"
    )


def why_not_counted(row: Cadre, reference: date) -> str:
    """Why `row` does not count as at `reference` ("" when it does)."""
    if row.end_reason == "corrected":
        return row.get_end_reason_display()
    if row.ended_on is not None and row.ended_on <= reference:
        return row.get_end_reason_display() or "离任"
    if row.source == "by_election" and row.started_on > reference:
        return WHY_LATE
    return ""
