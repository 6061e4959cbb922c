"""The structure checks over the roster: the one adapter between the rows (Cadre, Kinship,
Person.household_no, StructureRules) and the engine (huanjie.rules.structure).

`structure_findings(scope, term_number)` checks every village of `scope` that has a roster in
the term (counted rows as at the term's reference date, design "Counted rows"), with the
settings of the campaign of its county's term, and the county-level shares over the scope's
villages of each county. Loading is set-based: the terms with their settings, the cadres of the
scope and term, their previous term's people, the kin, the regions named: six queries whatever
the scope's size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from django.db.models import Max

from huanjie.regions.models import Region
from huanjie.rosters.counting import counted
from huanjie.rosters.models import Cadre, Kinship, Relation, RosterBody, StructureRules, Term
from huanjie.rules.structure import (
    CADRE_BODIES,
    CHECKS,
    DOUBTFUL,
    LAW,
    POLICY,
    Finding,
    KinPair,
    Member,
    Settings,
    SettingsError,
    VillageSummary,
    check_county,
    check_village,
    village_summary,
)

COUNTY_LENGTH: Final = 6
TOWN_LENGTH: Final = 9
RELATION_LABELS: Final = dict(Relation.choices)


def settings_of(rules: StructureRules | None) -> Settings:
    """The settings a campaign set (validated when set), else the defaults."""
    if rules is None:
        return Settings()
    try:
        return Settings.from_values(rules.values)
    except SettingsError:
        # Stored values are checked by services.structure.structure_rules_set; a row written
        # around it must not take the page down: the defaults apply.
        return Settings()


def term_settings(term: Term) -> Settings:
    campaign = term.campaign
    rules = getattr(campaign, "structure_rules", None) if campaign is not None else None
    return settings_of(rules)


@dataclass(frozen=True)
class VillageFindings:
    code: str
    name: str
    town_code: str
    town_name: str
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class AreaFindings:
    """The county-level checks over the scope's villages of one county."""

    code: str
    name: str
    villages: int
    findings: tuple[Finding, ...]


@dataclass
class StructureList:
    """Every village of the scope breaking a check in the term, and the county-level findings.
    `checked`: villages with a roster in the term; `without_previous`: those of them whose
    previous-term roster is not known (the "newly joining" check could not run)."""

    scope: Region
    term_number: int | None
    terms: list[Term] = field(default_factory=list)
    villages: list[VillageFindings] = field(default_factory=list)
    areas: list[AreaFindings] = field(default_factory=list)
    checked: int = 0
    without_previous: int = 0

    def counts(self) -> list[tuple[str, str, int]]:
        """(code, title, villages breaking it) of each check broken, in CHECKS order."""
        found: dict[str, int] = defaultdict(int)
        for v in self.villages:
            for code in {f.code for f in v.findings}:
                found[code] += 1
        return [(code, title, found[code]) for code, title in CHECKS.items() if found[code]]

    def severities(self) -> dict[str, int]:
        found = {LAW: 0, POLICY: 0, DOUBTFUL: 0}
        for v in self.villages:
            for f in v.findings:
                found[f.severity] += 1
        return found

    def only(self, code: str) -> list[VillageFindings]:
        """The villages breaking check `code`, with only those findings ("" = all)."""
        if not code:
            return self.villages
        return [
            VillageFindings(
                v.code,
                v.name,
                v.town_code,
                v.town_name,
                tuple(f for f in v.findings if f.code == code),
            )
            for v in self.villages
            if any(f.code == code for f in v.findings)
        ]


def towns_of(villages: Iterable[VillageFindings]) -> list[tuple[str, str, list[VillageFindings]]]:
    """The villages grouped by town, in code order: (town code, town name, villages)."""
    grouped: dict[tuple[str, str], list[VillageFindings]] = {}
    for v in sorted(villages, key=lambda v: v.code):
        grouped.setdefault((v.town_code, v.town_name), []).append(v)
    return [(code, name, rows) for (code, name), rows in grouped.items()]


def _county_prefix(scope: Region) -> str:
    return scope.code[:COUNTY_LENGTH] if len(scope.code) >= COUNTY_LENGTH else scope.code


def latest_term_number(scope: Region) -> int | None:
    found = Term.objects.filter(county__code__startswith=_county_prefix(scope)).aggregate(
        n=Max("number")
    )
    return found["n"]


def structure_findings(scope: Region, term_number: int | None) -> StructureList:
    """The live list of `scope` (a county, town or village, or a city or province above) for
    term `term_number` (None: the latest term of its counties)."""
    if term_number is None:
        term_number = latest_term_number(scope)
    result = StructureList(scope=scope, term_number=term_number)
    if term_number is None:
        return result
    terms = list(
        Term.objects.filter(
            county__code__startswith=_county_prefix(scope), number=term_number
        ).select_related("county", "campaign__structure_rules")
    )
    result.terms = terms
    if not terms:
        return result
    rows = _cadre_rows(scope, terms)
    previous = _previous(scope, [t.county_id for t in terms], term_number)
    kin = _kin(scope)
    names = _regions({code[:TOWN_LENGTH] for code in rows} | set(rows))
    settings = {t.county_id: term_settings(t) for t in terms}
    summaries: dict[str, list[VillageSummary]] = defaultdict(list)
    for code in sorted(rows):
        county = code[:COUNTY_LENGTH]
        members = _members(rows[code], previous.get(code))
        region = names.get(code)
        committee = _committee(rows[code], region)
        found = check_village(
            members,
            kin.get(code, []),
            settings[county],
            has_previous=code in previous,
            committee=committee,
        )
        summaries[county].append(village_summary(members, settings[county]))
        result.checked += 1
        if code not in previous:
            result.without_previous += 1
        if found:
            town = names.get(code[:TOWN_LENGTH])
            result.villages.append(
                VillageFindings(
                    code,
                    region.display_name if region else code,
                    code[:TOWN_LENGTH],
                    town.display_name if town else code[:TOWN_LENGTH],
                    tuple(found),
                )
            )
    for term in terms:
        county_summaries = summaries.get(term.county_id, [])
        if not county_summaries:
            continue
        findings = check_county(county_summaries, settings[term.county_id])
        area = scope if len(scope.code) >= COUNTY_LENGTH else term.county
        result.areas.append(
            AreaFindings(area.code, area.display_name, len(county_summaries), tuple(findings))
        )
    return result


def _cadre_rows(scope: Region, terms: list[Term]) -> dict[str, list[dict[str, Any]]]:
    """The counted rows of the scope's villages in the terms, by village."""
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    query = (
        Cadre.objects.filter(counted(), term__in=terms, village__code__startswith=scope.code)
        .order_by("village_id", "id")
        .values(
            "id",
            "village_id",
            "body",
            "post",
            "person_id",
            "name",
            "sex",
            "age",
            "tag_college_official",
            "person__region_id",
            "person__household_no",
        )
    )
    for row in query:
        rows[row["village_id"]].append(dict(row))
    return rows


@dataclass
class _Previous:
    people: set[int] = field(default_factory=set)
    names: set[str] = field(default_factory=set)


def _previous(scope: Region, counties: list[str], term_number: int) -> dict[str, _Previous]:
    """Who was a cadre of each village in the previous term (counted rows as at its own
    reference date): people by id, rows without a person by name."""
    found: dict[str, _Previous] = defaultdict(_Previous)
    query = Cadre.objects.filter(
        counted(),
        term__county_id__in=counties,
        term_number=term_number - 1,
        village__code__startswith=scope.code,
        body__in=CADRE_BODIES,
    ).values_list("village_id", "person_id", "name")
    for village, person, name in query:
        entry = found[village]
        if person is not None:
            entry.people.add(person)
        else:
            entry.names.add(name)
    return found


def _kin(scope: Region) -> dict[str, list[KinPair]]:
    found: dict[str, list[KinPair]] = defaultdict(list)
    query = Kinship.objects.filter(village__code__startswith=scope.code).values_list(
        "village_id", "person_a_id", "person_b_id", "relation"
    )
    for village, a, b, relation in query:
        found[village].append(KinPair(f"p{a}", f"p{b}", RELATION_LABELS.get(relation, relation)))
    return found


def _regions(codes: set[str]) -> dict[str, Region]:
    return {r.code: r for r in Region.objects.filter(code__in=codes)}


def _committee(rows: list[dict[str, Any]], region: Region | None) -> str:
    """The village's committee: the one on its roster, else its kind's (a 社区's residents')."""
    bodies = {r["body"] for r in rows}
    if RosterBody.RESIDENTS in bodies:
        return str(RosterBody.RESIDENTS)
    if RosterBody.VILLAGERS in bodies:
        return str(RosterBody.VILLAGERS)
    if region is not None and region.kind == Region.Kind.COMMUNITY:
        return str(RosterBody.RESIDENTS)
    return str(RosterBody.VILLAGERS)


def _members(rows: list[dict[str, Any]], previous: _Previous | None) -> list[Member]:
    """The engine's members of one village: a person (by id) is one key; a row without a person
    counts as its own person (design, "Definitions"). A household is the person's household
    number within their registration unit."""
    members = []
    for row in rows:
        person = row["person_id"]
        household = ""
        if person is not None and row["person__household_no"]:
            household = f"{row['person__region_id']}/{row['person__household_no']}"
        if previous is None:
            on_previous = False
        elif person is not None:
            on_previous = person in previous.people
        else:
            on_previous = row["name"] in previous.names
        members.append(
            Member(
                key=f"p{person}" if person is not None else f"c{row['id']}",
                name=row["name"],
                body=row["body"],
                post=row["post"],
                sex=row["sex"] if row["sex"] in ("M", "F") else "",
                age=row["age"],
                college_official=row["tag_college_official"],
                household=household,
                on_previous=on_previous,
            )
        )
    return members
