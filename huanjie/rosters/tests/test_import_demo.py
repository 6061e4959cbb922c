"""The demo county's rosters: generated for every village-level unit of 630121, imported through
the pipeline, realistic in their shares, and a second run changes nothing."""

from __future__ import annotations

from collections import Counter

import pytest

from huanjie.accounts.models import Role
from huanjie.accounts.services import RoleSpec, user_create
from huanjie.audit.models import AuditEvent
from huanjie.regions.models import Region
from huanjie.regions.services import regions_load
from huanjie.rosters.demo import DemoVillage, generate_roster_rows, rosters_seed
from huanjie.rosters.models import Cadre, RosterImport

pytestmark = pytest.mark.django_db

CADRE_BODIES = {"村党组织", "村民委员会", "居民委员会", "经济合作社"}


def _villages(count: int) -> list[DemoVillage]:
    return [
        DemoVillage(f"630121100{i:03d}", f"第{i}村", i % 13 == 0) for i in range(200, 200 + count)
    ]


def test_the_generator_is_deterministic_and_realistic() -> None:
    villages = _villages(120)
    rows = generate_roster_rows(villages, seed=7)
    assert rows == generate_roster_rows(villages, seed=7)
    assert rows[10][:3] == generate_roster_rows(villages[:1], seed=7)[10][:3]  # per village
    for number in (10, 11):
        people = {}
        for r in rows[number]:
            if r[8] in CADRE_BODIES:
                people[r[0], r[3]] = r
        per_village = len(people) / len(villages)
        women = sum(r[4] == "女" for r in people.values()) / len(people)
        party = sum(r[7] == "中共党员" for r in people.values()) / len(people)
        assert 4.5 <= per_village <= 7.5, per_village
        assert 0.18 <= women <= 0.34, women
        assert 0.8 <= party <= 0.95, party
        assert {"汉族", "回族", "土族"} <= set(Counter(r[5] for r in people.values()))
    secretaries = {r[0]: r[3] for r in rows[11] if r[9] == "书记"}
    directors = {
        r[0]: r[3] for r in rows[11] if r[9] == "主任" and r[8] in ("村民委员会", "居民委员会")
    }
    dual = sum(directors.get(v) == s for v, s in secretaries.items()) / len(secretaries)
    assert 0.6 <= dual <= 0.8, dual
    ids10 = {r[3] for r in rows[10]}
    cadres11 = {r[3] for r in rows[11] if r[8] in CADRE_BODIES}
    assert 0.5 <= len(cadres11 & ids10) / len(cadres11) <= 0.7
    # The supervision committee never shares a member with the villagers' committee.
    for village in villages:
        committee = {
            r[3] for r in rows[11] if r[0] == village.code and r[8] in ("村民委员会", "居民委员会")
        }
        supervision = {r[3] for r in rows[11] if r[0] == village.code and r[8] == "村务监督委员会"}
        assert not committee & supervision


def test_the_demo_county_imports_in_seconds_and_once(cast) -> None:  # type: ignore[no-untyped-def]
    regions_load(under="630121")
    county = Region.objects.get(code="630121")
    units = Region.objects.filter(level=Region.Level.VILLAGE, code__startswith="630121").count()
    assert units > 250
    officer, _ = user_create(
        actor=None,
        username="dt_county_test",
        full_name="县级",
        region=county,
        roles=[RoleSpec(Role.COUNTY_OFFICER)],
    )
    line = rosters_seed(actor=officer)
    assert line is not None and "第10届" in line and "第11届" in line
    jobs = RosterImport.objects.filter(status="succeeded")
    assert jobs.count() == 2 and all(j.added > 2000 for j in jobs)
    villages = set(Cadre.objects.filter(term__number=11).values_list("village_id", flat=True))
    assert len(villages) == units
    assert AuditEvent.objects.filter(action="roster.import").count() == 2
    before = Cadre.objects.count()
    assert rosters_seed(actor=officer) == "干部名册：第10、11届已存在，保留不变"
    assert Cadre.objects.count() == before
