"""Town subtotals (分乡镇小计): what a county sees above every list of its villages — one row per
town (乡镇/街道) with the list's counts, and a 合计 row — and the list itself as xlsx.

Any queryset whose rows carry a village's 12-digit region code (`code_field`) is summed by the
code's first nine digits in one grouped query: the page shows its 50 rows, the subtotals count
them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.http import HttpRequest, HttpResponse

from huanjie.lib.xlsx import table_xlsx, xlsx_response
from huanjie.regions.models import Region

TOWN_DIGITS = 9


@dataclass(frozen=True)
class Column:
    """One count of the subtotals: its label and which rows it counts (None: every row)."""

    label: str
    where: Q | None = None


@dataclass(frozen=True)
class TownRow:
    code: str
    name: str
    counts: tuple[int, ...]


@dataclass(frozen=True)
class Subtotals:
    labels: tuple[str, ...]
    rows: tuple[TownRow, ...]
    total: tuple[int, ...]

    @property
    def spans_towns(self) -> bool:
        return len(self.rows) > 1


def town_subtotals(
    rows: QuerySet[Any], columns: Sequence[Column], *, code_field: str = "region_id"
) -> Subtotals:
    """The counts of `rows` per town and in all, one grouped query. A column counts distinct
    rows, so a join in its condition never counts a row twice."""
    grouped = (
        rows.order_by()
        .annotate(_town=Substr(code_field, 1, TOWN_DIGITS))
        .values("_town")
        .annotate(
            **{f"c{i}": Count("pk", filter=c.where, distinct=True) for i, c in enumerate(columns)}
        )
        .order_by("_town")
    )
    found = [(g["_town"], tuple(g[f"c{i}"] for i in range(len(columns)))) for g in grouped]
    names = {
        r.code: r.display_name
        for r in Region.objects.filter(code__in=[code for code, _ in found]).only(
            "code", "name", "short_name"
        )
    }
    town_rows = tuple(TownRow(code, names.get(code, code), counts) for code, counts in found)
    total = tuple(sum(r.counts[i] for r in town_rows) for i in range(len(columns)))
    return Subtotals(tuple(c.label for c in columns), town_rows, total)


def subtotals_for(
    user: Any, rows: QuerySet[Any], columns: Sequence[Column], *, code_field: str = "region_id"
) -> Subtotals | None:
    """The town subtotals a user above a town sees (a county, a city, a province); None for a
    town's or a village's user, whose list is one town's."""
    scope = getattr(user, "region_id", None) or ""
    if len(scope) >= TOWN_DIGITS:
        return None
    return town_subtotals(rows, columns, code_field=code_field)


def filter_villages(
    request: HttpRequest,
    rows: QuerySet[Any],
    *,
    code_field: str = "region_id",
    name_field: str = "region__name",
) -> tuple[QuerySet[Any], str, str]:
    """The list's search (`q`: a name, or the start of a code) and town filter (`town`: nine
    digits), as every village list reads them; returns the rows, q and town."""
    q = request.GET.get("q", "").strip()[:50]
    town = request.GET.get("town", "")
    # A foreign key's column takes no text lookup: search the region's own code.
    if code_field.endswith("_id"):
        code_field = code_field.removesuffix("_id") + "__code"
    if q:
        rows = rows.filter(
            Q(**{f"{name_field}__contains": q})
            | (Q(**{f"{code_field}__startswith": q}) if q.isdigit() else Q(pk__in=[]))
        )
    if len(town) == TOWN_DIGITS and town.isdigit():
        rows = rows.filter(**{f"{code_field}__startswith": town})
    else:
        town = ""
    return rows, q, town


def wants_xlsx(request: HttpRequest) -> bool:
    """The list's 导出Excel link asks for `?format=xlsx` with the page's own filters."""
    return request.GET.get("format") == "xlsx"


def list_xlsx(
    title: str,
    header: Sequence[str],
    rows: Iterable[Any],
    cells: Callable[[Any], Sequence[Any]],
    *,
    widths: Sequence[int] | None = None,
) -> HttpResponse:
    """Every row of a filtered list (not only the page shown) as one sheet, named `title`."""
    return xlsx_response(
        table_xlsx(
            title,
            header,
            (cells(r) for r in rows),
            widths or [max(10, len(h) * 2 + 2) for h in header],
        ),
        f"{title}.xlsx",
    )
