"""Done-when of the rosters issue: a county-size roster, imported from xlsx together with its
previous term's through `huanjie import roster`, gives the report exact to the decimal.

The rosters of every village-level unit of 大通 (630121) for terms 10 and 11 are generated
(rosters.demo.generate_roster_rows), written as xlsx and imported on the command line; the
expected figures are counted here again, in plain Python from the generated rows (an oracle that
shares nothing with the report's SQL), for the county and for each town, and every figure of
the report, its share and the previous term's must be the same."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from huanjie.accounts.models import Role
from huanjie.accounts.services import RoleSpec, user_create
from huanjie.lib import cadre_codes, ethnicity, idcard
from huanjie.regions.models import Region
from huanjie.regions.services import regions_load
from huanjie.rosters.demo import TERMS, DemoVillage, generate_roster_rows, roster_xlsx
from huanjie.rosters.report import report
from huanjie.rosters.report_types import average, share
from huanjie.rules.voters import age_on

pytestmark = pytest.mark.django_db

COUNTY = "630121"
BODIES = {
    "村党组织": "party",
    "村民委员会": "committee",
    "居民委员会": "committee",
    "经济合作社": "cooperative",
    "村务监督委员会": "supervision",
    "经济合作社监事会": "coop_board",
}
CADRE_BODIES = {"party", "committee", "cooperative"}


@dataclass
class _Person:
    id_number: str
    sex: str
    ethnicity: str
    education: str
    party: bool
    tags: set[str]
    posts: set[tuple[str, str]] = field(default_factory=set)

    @property
    def bodies(self) -> set[str]:
        return {body for body, _ in self.posts}

    def holds(self, body: str, *posts: str) -> bool:
        return any((body, post) in self.posts for post in posts)


def _people(rows: list[tuple[str, ...]]) -> dict[str, dict[str, _Person]]:
    """{village code: {ID number: person with every post they hold}}."""
    villages: dict[str, dict[str, _Person]] = defaultdict(dict)
    for code, _, _, number, sex, eth, edu, status, body, post, tags in rows:
        person = villages[code].setdefault(
            number,
            _Person(
                number,
                sex,
                ethnicity.code_of(eth) or "",
                cadre_codes.education_of(edu) or "",
                (cadre_codes.political_status_of(status) or "") in cadre_codes.PARTY_MEMBER_CODES,
                {t for t in tags.split("；") if t},
            ),
        )
        person.posts.add((BODIES[body], post))
    return villages


def _expected(
    villages: dict[str, dict[str, _Person]],
    before: dict[str, dict[str, _Person]] | None,
    reference: date,
) -> dict[str, tuple[int | Decimal | None, int | None]]:
    """{figure key: (value, base)} of a set of villages, counted the way the issue says."""
    n: dict[str, int] = defaultdict(int)
    ages: list[int] = []
    for code, people in villages.items():
        cadres = [p for p in people.values() if p.bodies & CADRE_BODIES]
        if not cadres:
            continue
        n["villages"] += 1
        secretary = {p.id_number for p in people.values() if p.holds("party", "书记")}
        director = {p.id_number for p in people.values() if p.holds("committee", "主任")}
        n["dual_role_villages"] += bool(secretary & director)
        old = before.get(code, {}) if before is not None else {}
        old_secretary = {p.id_number for p in old.values() if p.holds("party", "书记")}
        old_director = {p.id_number for p in old.values() if p.holds("committee", "主任")}
        n["new_secretaries"] += len(secretary - old_secretary)
        n["new_directors"] += len(director - old_director)
        for p in cadres:
            age = age_on(idcard.birth_date_of(p.id_number), reference)
            ages.append(age)
            n["cadres"] += 1
            n["cadres_on_posts"] += "大学生村官" not in p.tags
            n["young"] += age <= 35
            n["age_36_45"] += 36 <= age <= 45
            n["age_46_55"] += 46 <= age <= 55
            n["age_over_55"] += age >= 56
            n["edu_college_up"] += p.education in ("10", "20", "30")
            n["edu_high_school_up"] += p.education in ("10", "20", "30", "40", "60")
            n["edu_postgraduate"] += p.education == "10"
            n["edu_undergraduate"] += p.education == "20"
            n["edu_college"] += p.education == "30"
            n["edu_secondary"] += p.education in ("40", "60")
            n["edu_junior_or_below"] += p.education in ("70", "80", "90")
            n["edu_unknown"] += p.education == ""
            n["women"] += p.sex == "女"
            n["minority"] += p.ethnicity not in ("", "01")
            n["party_members"] += p.party
            n["tag_college_official"] += "大学生村官" in p.tags
            n["tag_veteran"] += "退役军人" in p.tags
            n["tag_entrepreneur"] += bool({"私营企业主", "致富带头人"} & p.tags)
            n["tag_grower"] += "种养大户" in p.tags
            n["tag_returnee"] += "回乡创业" in p.tags
            # 交叉任职人次: the bodies among party, committee, cooperative, minus one.
            n["cross_appointments"] += max(len(p.bodies & CADRE_BODIES) - 1, 0)
            head = p.holds("party", "书记") or p.holds("committee", "主任")
            n["heads"] += head
            n["young_heads"] += head and age <= 35
            n["secretaries"] += p.holds("party", "书记")
            n["secretary_coop_head"] += p.holds("party", "书记") and p.holds("cooperative", "社长")
            n["directors"] += p.holds("committee", "主任")
            n["party_directors"] += p.holds("committee", "主任") and p.party
            n["committee_members"] += "committee" in p.bodies
            n["party_committee_members"] += "committee" in p.bodies and p.party
        for p in people.values():
            if p.holds("supervision", "主任"):
                n["supervision_directors"] += 1
                n["supervision_chairs_in_party"] += "party" in p.bodies
        if before is not None:
            now = set(people)
            n["departed"] += sum(
                1 for q in old.values() if q.bodies & CADRE_BODIES and q.id_number not in now
            )
    bases = {
        "young": "cadres", "age_36_45": "cadres", "age_46_55": "cadres", "age_over_55": "cadres",
        "edu_college_up": "cadres", "edu_high_school_up": "cadres",
        "edu_postgraduate": "cadres", "edu_undergraduate": "cadres", "edu_college": "cadres",
        "edu_secondary": "cadres", "edu_junior_or_below": "cadres", "edu_unknown": "cadres",
        "women": "cadres", "minority": "cadres", "party_members": "cadres",
        "tag_college_official": "cadres", "tag_veteran": "cadres", "tag_entrepreneur": "cadres",
        "tag_grower": "cadres", "tag_returnee": "cadres", "young_heads": "heads",
        "dual_role_villages": "villages", "secretary_coop_head": "secretaries",
        "supervision_chairs_in_party": "supervision_directors", "party_directors": "directors",
        "party_committee_members": "committee_members", "new_secretaries": "secretaries",
        "new_directors": "directors",
    }  # fmt: skip
    out: dict[str, tuple[int | Decimal | None, int | None]] = {
        key: (n[key], n[base] if base else None) for key, base in bases.items()
    }
    for key in ("villages", "cadres", "cadres_on_posts", "cross_appointments", "heads"):
        out[key] = (n[key], None)
    out["per_village"] = (average(n["cadres_on_posts"], n["villages"]), None)
    out["average_age"] = (average(sum(ages), len(ages)), None)
    if before is None:
        del out["new_secretaries"], out["new_directors"]
    else:
        out["departed"] = (n["departed"], None)
    return out


def _import_county(folder: Path) -> tuple[Region, dict[int, list[tuple[str, ...]]]]:
    """Both terms of the whole county, generated and imported through `huanjie import roster`."""
    regions_load(under=COUNTY)
    county = Region.objects.get(code=COUNTY)
    user_create(
        actor=None,
        username="exact_county",
        full_name="县委组织部",
        region=county,
        roles=[RoleSpec(Role.COUNTY_OFFICER)],
    )
    units = Region.objects.filter(level=Region.Level.VILLAGE, code__startswith=COUNTY)
    villages = [
        DemoVillage(v.code, v.short_name or v.name, v.kind == Region.Kind.COMMUNITY)
        for v in units.order_by("code")
    ]
    rows = generate_roster_rows(villages, seed=13)
    for number, reference in TERMS.items():
        path = folder / f"第{number}届.xlsx"
        path.write_bytes(roster_xlsx(rows[number]))
        call_command(
            "import", "roster", str(path), scope=COUNTY, term=str(number),
            reference_date=reference.isoformat(), user="exact_county",
        )  # fmt: skip
    return county, rows


def _check(section, now, before) -> None:  # type: ignore[no-untyped-def]
    for key, (value, base) in now.items():
        figure = section.figure(key)
        assert figure.value == value, (section.name, key, figure.value, value)
        if base is not None:
            assert figure.base == base, (section.name, key, figure.base, base)
            assert figure.share == share(int(value or 0), base), (section.name, key)
        if before is not None and key in before:
            assert figure.previous_value == before[key][0], (section.name, key, "previous")


def test_the_county_report_is_exact_to_the_decimal(cast, tmp_path) -> None:  # type: ignore[no-untyped-def]
    county, rows = _import_county(tmp_path)
    assert len(rows[11]) > 3000  # a real county's size: 300-odd villages and communities
    term10, term11 = _people(rows[10]), _people(rows[11])
    result = report(county, 11)
    assert result.term_number == 11 and result.previous_term_number == 10
    _check(result.scope, _expected(term11, term10, TERMS[11]), _expected(term10, None, TERMS[10]))
    towns = sorted({code[:9] for code in term11})
    assert [c.code for c in result.children] == towns
    for child in result.children:
        mine11 = {c: p for c, p in term11.items() if c.startswith(child.code)}
        mine10 = {c: p for c, p in term10.items() if c.startswith(child.code)}
        _check(child, _expected(mine11, mine10, TERMS[11]), _expected(mine10, None, TERMS[10]))
    # The change of a share is the difference of the printed shares.
    young = result.scope.figure("young")
    assert young.change_points == young.share - young.previous_share  # type: ignore[operator]
