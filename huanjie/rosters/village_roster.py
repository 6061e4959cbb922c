"""One village's roster of one term as its page shows it (rosters.care_views.village): the rows
counted as at the term's reference date by body and post, those not counted with why, and the
derived facts, never typed (design, issue 13, "Definitions"):

- 一肩挑: one person is both the Party organisation's secretary and the villagers' (residents')
  committee's director;
- 交叉任职 (人次): for each person, the number of bodies held among the Party organisation, the
  villagers' or residents' committee (one body) and the cooperative, minus one, where above zero;
- 大学生村官 不占职数 (seed 003: "大学生村官进班子后不占职数").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from huanjie.elections.models import Post
from huanjie.lib.cadre_codes import EDUCATION, POLITICAL_STATUS
from huanjie.lib.ethnicity import name_of
from huanjie.regions.models import Region
from huanjie.rosters.care import CADRE_BODIES
from huanjie.rosters.counting import why_not_counted
from huanjie.rosters.models import TAGS, Cadre, RosterBody, Term
from huanjie.rosters.selectors import terms_covering

BODY_ORDER: Final = [b.value for b in RosterBody]
POST_ORDER: Final = [p.value for p in Post]
# The bodies among which cross appointments are counted; the two committees are one body.
CROSS_BODIES: Final = {
    RosterBody.PARTY: "party",
    RosterBody.VILLAGERS: "committee",
    RosterBody.RESIDENTS: "committee",
    RosterBody.COOPERATIVE: "cooperative",
}
COMMITTEES: Final = (RosterBody.VILLAGERS, RosterBody.RESIDENTS)


@dataclass(frozen=True)
class Line:
    """A counted row with its codes in words."""

    cadre: Cadre
    ethnicity: str
    education: str
    political_status: str
    tags: list[str]


def line(row: Cadre) -> Line:
    return Line(
        row,
        (name_of(row.ethnicity) or row.ethnicity) if row.ethnicity else "",
        EDUCATION.get(row.education, row.education),
        POLITICAL_STATUS.get(row.political_status, row.political_status),
        [label for name, label in TAGS if getattr(row, name)],
    )


@dataclass
class BodyRows:
    body: str
    label: str
    rows: list[Line]


@dataclass
class VillageRoster:
    village: Region
    term: Term | None
    terms: list[Term]
    bodies: list[BodyRows] = field(default_factory=list)
    not_counted: list[tuple[Cadre, str]] = field(default_factory=list)  # (row, why)
    dual_role: str = ""  # the name of the one who is both secretary and director
    cross_appointments: int = 0
    cross_by_person: dict[Any, int] = field(default_factory=dict)
    cadres: int = 0  # distinct people on the cadre bodies
    college_officials: int = 0  # of them, 大学生村官 (不占职数)


def person_key(row: Cadre) -> Any:
    return row.person_id if row.person_id is not None else ("name", row.name)


def village_roster(village: Region, term_number: int | None) -> VillageRoster:
    """The roster of `village` in its county's term `term_number` (the latest when None)."""
    terms = list(terms_covering(village.code).order_by("-number"))
    term = next((t for t in terms if t.number == term_number), None)
    if term is None and term_number is None and terms:
        term = terms[0]
    view = VillageRoster(village, term, terms)
    if term is None:
        return view
    rows = list(
        Cadre.objects.filter(village=village, term=term)
        .select_related("person")
        .order_by("body", "id")
    )
    counted: list[Cadre] = []
    for row in rows:
        why = why_not_counted(row, term.reference_date)
        if why:
            view.not_counted.append((row, why))
        else:
            counted.append(row)
    _group(view, counted)
    _derive(view, counted)
    return view


def _group(view: VillageRoster, counted: list[Cadre]) -> None:
    labels = dict(RosterBody.choices)
    for body in BODY_ORDER:
        rows = [r for r in counted if r.body == body]
        rows.sort(key=lambda r: (POST_ORDER.index(r.post), r.started_on, r.pk))
        if rows:
            view.bodies.append(BodyRows(body, str(labels[body]), [line(r) for r in rows]))


def _derive(view: VillageRoster, counted: list[Cadre]) -> None:
    held: dict[Any, set[str]] = {}
    posts: dict[Any, set[tuple[str, str]]] = {}
    college: set[Any] = set()
    names: dict[Any, str] = {}
    for row in counted:
        key = person_key(row)
        names[key] = row.name
        posts.setdefault(key, set()).add((row.body, row.post))
        if row.body in CROSS_BODIES:
            held.setdefault(key, set()).add(CROSS_BODIES[RosterBody(row.body)])
        if row.body in CADRE_BODIES and row.tag_college_official:
            college.add(key)
    view.cadres = len(held)
    view.college_officials = len(college)
    view.cross_by_person = {k: len(b) - 1 for k, b in held.items() if len(b) > 1}
    view.cross_appointments = sum(view.cross_by_person.values())
    for key, p in posts.items():
        secretary = (RosterBody.PARTY, Post.SECRETARY) in p
        director = any((c, Post.DIRECTOR) in p for c in COMMITTEES)
        if secretary and director:
            view.dual_role = names[key]
