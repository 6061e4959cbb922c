"""What the statistics report (班子结构统计) is made of: the contract between the computation
(rosters.report) and what shows it (the page, the xlsx, the Word document, `huanjie report
--json`).

A `Figure` is one line of seed 003 §二: a count ("35岁以下409人"), the share of its base to one
decimal ("占40.5%"), and the same figure of the previous term with the change ("比上届提高9.8个
百分点"). The change of a share is the difference of the two shares as printed (one decimal
each), so a reader who subtracts the printed figures finds the printed change.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

ONE_DECIMAL = Decimal("0.1")


def share(count: int, base: int) -> Decimal | None:
    """`count` of `base` in per cent, to one decimal, half up (None when the base is 0)."""
    if not base:
        return None
    return (Decimal(count) * 100 / Decimal(base)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def average(total: int | Decimal, of: int) -> Decimal | None:
    """`total` / `of` to one decimal, half up (None when `of` is 0)."""
    if not of:
        return None
    return (Decimal(total) / Decimal(of)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Figure:
    """One figure of one scope and term, beside the previous term's."""

    key: str  # "young", "women", "dual_role_villages" ... (docs/rosters.md lists them)
    label: str  # "35岁以下"
    group: str  # "size", "age", "education", "sex", "ethnicity", "party", "roles", "tags", "care"
    unit: str  # "人", "个", "人次", "元", "岁"
    value: int | Decimal | None  # the count (an average or an amount for some: per_village)
    base_key: str = ""  # the figure whose value is the base of the share ("cadres")
    base: int | None = None
    share: Decimal | None = None  # per cent, one decimal
    previous_value: int | Decimal | None = None  # None: no previous term on record
    previous_base: int | None = None
    previous_share: Decimal | None = None

    @property
    def change(self) -> int | Decimal | None:
        """value − previous value (None without a previous term)."""
        if self.value is None or self.previous_value is None:
            return None
        return self.value - self.previous_value

    @property
    def change_points(self) -> Decimal | None:
        """share − previous share in percentage points, of the printed shares."""
        if self.share is None or self.previous_share is None:
            return None
        return self.share - self.previous_share

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["change"] = self.change
        data["change_points"] = self.change_points
        return data


@dataclass(frozen=True)
class Breakdown:
    """A figure split by a code (ethnicity by GB 3304 code): code, name, count, share."""

    key: str  # "ethnicity"
    label: str  # "民族"
    rows: tuple[tuple[str, str, int, Decimal | None], ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "rows": [{"code": c, "name": n, "count": k, "share": s} for c, n, k, s in self.rows],
        }


@dataclass(frozen=True)
class Section:
    """The figures of one region (the report's scope or one of its children) for one term."""

    code: str
    name: str
    level: int  # huanjie.regions.models.Region.Level
    figures: tuple[Figure, ...]
    breakdowns: tuple[Breakdown, ...] = ()

    def figure(self, key: str) -> Figure:
        for f in self.figures:
            if f.key == key:
                return f
        raise KeyError(key)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "level": self.level,
            "figures": [f.as_dict() for f in self.figures],
            "breakdowns": [b.as_dict() for b in self.breakdowns],
        }


@dataclass(frozen=True)
class Report:
    """The report of a scope for a term: the scope's own section and one per child region (a
    county's towns, a city's counties, a province's cities; a town's villages)."""

    term_number: int
    previous_term_number: int | None  # None: no previous term on record in the scope
    # The reference dates of the term's counties (ages are counted at each county's own date).
    reference_dates: tuple[str, ...]
    scope: Section
    children: tuple[Section, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": "huanjie-roster-report/1",
            "term": self.term_number,
            "previous_term": self.previous_term_number,
            "reference_dates": list(self.reference_dates),
            "scope": self.scope.as_dict(),
            "children": [c.as_dict() for c in self.children],
        }
