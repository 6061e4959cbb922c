"""Who left the village organisations at a change of term (离任), and the care figures of a scope.

Derived from the rosters, never typed (design, issue 13): the departed of term N are the people
on the counted roster of term N−1 of a village, on the cadre bodies (村党组织, 村（居）委会,
经济合作社), who are not on the counted roster (any body) of term N of that village; only
villages with a term-N roster count (a village whose new roster is not in yet has nobody
departed, not everybody). A row is counted as at its term's reference date R:

    end_reason != "corrected" AND (ended_on IS NULL OR ended_on > R)
    AND (source != "by_election" OR started_on <= R)

A person is the row's person. A row of term N without one (a roster typed without ID numbers)
stands for whoever of the village bears its name; a row of term N−1 without one left unless such
a row of term N bears its name, and can carry no care row (DepartureCare needs a person).
"A village with a term-N roster" has any row of term N, counted or not.

`DepartureCare` records what was done for one of them (seed 003: "全市共有103名村干部退出村级班子，
其中另行安排工作的62名"; "提高一次性补助标准及养老保险财政补助续交"); its `term` is the term they
left (N−1). Reserve cadres (后备干部) are counted while in the reserve; one entered the new
roster when their person is a counted cadre (cadre bodies) of the same village in term N.

`care_counts` is two GROUP BY queries (one over the village summaries of term N, which count
the departed, the placed, the payments and the reserve cadres elected: rosters.summary; one
counting the reserve), valid on SQLite and PostgreSQL, for the statistics report of a province
(rosters.report).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

from django.db.models import (
    CharField,
    Count,
    Exists,
    OuterRef,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat, Substr

from huanjie.regions.models import Region
from huanjie.rosters.counting import counted
from huanjie.rosters.models import (
    Cadre,
    DepartureCare,
    ReserveCadre,
    ReserveStatus,
    RosterBody,
    VillageSummary,
)

# 村干部: the bodies whose members are the village's cadres (design, "Definitions"); the
# supervision committee and the cooperative's supervisory board are on the roster, not cadres.
CADRE_BODIES: Final = (
    RosterBody.PARTY,
    RosterBody.VILLAGERS,
    RosterBody.RESIDENTS,
    RosterBody.COOPERATIVE,
)
ZERO: Final = Decimal("0.00")
KEYS: Final = ("departed", "departed_placed", "departure_payments", "reserve", "reserve_elected")


def counted_rows(term_number: int) -> QuerySet[Cadre]:
    return Cadre.objects.filter(counted(), term_number=term_number)


def who() -> Coalesce:
    """The person of a row as one value: the person's id, or "~name" for a row without one."""
    return Coalesce(
        Cast("person_id", CharField()),
        Concat(Value("~"), "name", output_field=CharField()),
        output_field=CharField(),
    )


def departed_rows(scope_code: str, term_number: int) -> QuerySet[Cadre]:
    """The counted cadre-body rows of term N−1 in the scope whose person left at term N.

    An EXISTS and two NOT EXISTS, each on equalities only, so PostgreSQL joins them by hash
    (a semi join and anti joins) over a province's rows."""
    any_new = Cadre.objects.filter(term_number=term_number, village_id=OuterRef("village_id"))
    new = counted_rows(term_number).filter(village_id=OuterRef("village_id"))
    return (
        counted_rows(term_number - 1)
        .annotate(who=who())
        .filter(
            Exists(any_new),
            ~Exists(new.filter(person_id=OuterRef("person_id"))),
            # A name typed without an ID number on the new roster is taken as the same person.
            ~Exists(new.filter(person__isnull=True, name=OuterRef("name"))),
            village__code__startswith=scope_code,
            body__in=CADRE_BODIES,
        )
    )


@dataclass
class Departure:
    """One person who left a village's organisations at term N: the posts they held in N−1
    (body label, post label) and the care recorded, if any."""

    village: Region
    person_id: int | None
    name: str
    posts: list[tuple[str, str]] = field(default_factory=list)
    care: DepartureCare | None = None
    term_id: int | None = None  # the term they left (N−1) of the village's county

    @property
    def posts_text(self) -> str:
        return "、".join(f"{body}{post}" for body, post in self.posts)


def departures(scope_code: str, term_number: int) -> list[Departure]:
    """Everyone who left at term `term_number` in the villages under `scope_code`, by village
    code then name (see the module's docstring)."""
    rows = (
        departed_rows(scope_code, term_number)
        .select_related("village", "village__parent")
        .order_by("village_id", "name", "person_id", "body", "id")
    )
    found: dict[tuple[str, Any], Departure] = {}
    for row in rows:
        key = (row.village_id, row.person_id if row.person_id is not None else ("name", row.name))
        entry = found.get(key)
        if entry is None:
            entry = found[key] = Departure(
                row.village, row.person_id, row.name, term_id=row.term_id
            )
        post = (str(RosterBody(row.body).label), row.get_post_display())
        if post not in entry.posts:
            entry.posts.append(post)
    cares = DepartureCare.objects.filter(
        village__code__startswith=scope_code, term__number=term_number - 1
    )
    by_key: dict[tuple[str, int | None], DepartureCare] = {
        (c.village_id, c.person_id): c for c in cares
    }
    for (village, _), entry in found.items():
        entry.care = by_key.get((village, entry.person_id))
    return list(found.values())


def care_counts(
    scope_code: str, term_number: int, child_length: int
) -> dict[str, dict[str, int | Decimal]]:
    """The care figures of term `term_number` under `scope_code`: for each child (the village
    code's first `child_length` digits) and for the scope as a whole (key ""), departed,
    departed_placed, departure_payments (Σ one_off_payment + pension_support, Decimal), reserve
    and reserve_elected. Children with nothing to count are absent."""
    out: dict[str, dict[str, int | Decimal]] = {}

    def entry(prefix: str) -> dict[str, int | Decimal]:
        if prefix not in out:
            out[prefix] = {k: 0 for k in KEYS} | {"departure_payments": ZERO}
        return out[prefix]

    def add(prefix: str, key: str, value: int | Decimal) -> None:
        for p in (prefix, ""):
            entry(p)[key] += value  # type: ignore[operator]

    entry("")
    child = Substr("village_id", 1, child_length)
    # The departed of each village, the placed among them, what they were paid, and the reserve
    # cadres who entered its roster of term N are counted with its summary (rosters.summary,
    # kept by every write of the roster, the care rows and the reserve; the same definitions as
    # departed_rows, DepartureCare and the reserve's): sums over its villages.
    summed = (
        VillageSummary.objects.filter(
            term__number=term_number, village__code__startswith=scope_code
        )
        .annotate(child=child)
        .values("child")
        .annotate(
            n=Sum("departed"),
            placed=Sum("departed_placed"),
            paid=Sum("departure_payments"),
            elected=Sum("reserve_elected"),
        )
        .order_by()
    )
    for row in summed:
        add(row["child"], "departed", row["n"])
        add(row["child"], "departed_placed", row["placed"])
        add(row["child"], "departure_payments", row["paid"] or ZERO)
        add(row["child"], "reserve_elected", row["elected"])
    reserve = (
        ReserveCadre.objects.filter(
            status=ReserveStatus.RESERVE, village__code__startswith=scope_code
        )
        .annotate(child=child)
        .values("child")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in reserve:
        add(row["child"], "reserve", row["n"])
    return out
