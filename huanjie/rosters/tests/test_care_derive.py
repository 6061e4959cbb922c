"""Who left, and the care figures, derived exactly from crafted rosters (tests/care_world.py):
the as-at rule, the cadre bodies, a village without its new roster, a row without a person."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huanjie.conftest import OTHER_COUNTY_VILLAGE, OTHER_TOWN_VILLAGE, VILLAGE, Cast
from huanjie.rosters.care import care_counts, departures
from huanjie.rosters.models import DepartureCare, ReserveCadre
from huanjie.rosters.summary import summaries_refresh_village, summary_refresh
from huanjie.rosters.tests.care_world import CHENGGUAN, MAOJIAZHAI, CareWorld, make_care_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast: Cast) -> CareWorld:
    return make_care_world()


def care(w: CareWorld, cast: Cast, name: str, village: str, **fields: object) -> DepartureCare:
    row = DepartureCare.objects.create(
        village_id=village,
        term=w.terms[(village[:6], 10)],
        person=w.people[name],
        name=name,
        recorded_by=cast.town_officer,
        **fields,
    )
    # Made here without the service: the report's summaries are refreshed as it would.
    summary_refresh(term=row.term, village_codes=[village])
    return row


def reserve(w: CareWorld, cast: Cast, name: str, village: str, **fields: object) -> ReserveCadre:
    p = w.people[name]
    row = ReserveCadre.objects.create(
        village_id=village,
        person=p,
        name=name,
        sex=p.sex,
        birth_date=p.birth_date,
        added_on=date(2023, 5, 1),
        recorded_by=cast.town_officer,
        **fields,
    )
    summaries_refresh_village(village)  # as the service would
    return row


def test_the_departed_are_the_counted_cadres_of_n_minus_1_not_counted_in_n(world) -> None:
    found = departures("630121", 11)
    assert [(d.village.code, d.name) for d in found] == [
        (VILLAGE, "丁"),
        (MAOJIAZHAI, "壬"),
        (CHENGGUAN, "丑"),
    ]
    first = found[0]
    assert first.person_id == world.people["丁"].pk
    assert first.posts == [("经济合作社", "委员")]
    assert first.term_id == world.terms[("630121", 10)].pk
    assert first.care is None


def test_a_scope_keeps_only_its_villages(world) -> None:
    assert [d.name for d in departures("630121101", 11)] == ["丑"]
    assert [d.name for d in departures(OTHER_COUNTY_VILLAGE[:6], 11)] == ["卯"]
    assert departures(OTHER_TOWN_VILLAGE, 11) == []  # no term-11 roster yet: nobody left


def test_a_person_with_two_posts_departs_once_with_both(world) -> None:
    from huanjie.rosters.models import Cadre

    Cadre.objects.filter(term_number=11, name="甲").delete()
    found = [d for d in departures(VILLAGE, 11) if d.name == "甲"]
    assert len(found) == 1
    assert found[0].posts == [("村党组织", "书记"), ("村民委员会", "主任")]


def test_the_care_row_of_a_departed_person_is_attached(world, cast) -> None:
    row = care(world, cast, "丑", CHENGGUAN, placed=True, placement="镇农业服务中心")
    found = {d.name: d for d in departures("630121", 11)}
    assert found["丑"].care == row
    assert found["丁"].care is None


def test_the_counts_by_town_and_for_the_scope(world, cast) -> None:
    care(
        world,
        cast,
        "丁",
        VILLAGE,
        placed=True,
        placement="县供销社",
        one_off_payment=Decimal("3000.00"),
        pension_support=Decimal("1200.50"),
    )
    care(world, cast, "丑", CHENGGUAN, one_off_payment=Decimal("2000"))
    # Not departed (东门村 has no term-11 roster): its care row counts nowhere.
    care(world, cast, "寅", OTHER_TOWN_VILLAGE, placed=True, placement="x", one_off_payment=500)
    reserve(world, cast, "辛", VILLAGE)  # a counted cadre of 红河限村 in 11: elected
    reserve(world, cast, "乙", VILLAGE)  # only on the supervision committee in 11: not a cadre
    reserve(world, cast, "戊", VILLAGE)
    reserve(world, cast, "子", CHENGGUAN, status="removed", removed_on=date(2023, 9, 1))
    reserve(world, cast, "丑", CHENGGUAN)
    reserve(world, cast, "子", MAOJIAZHAI)  # a cadre of 城关村, not of 毛家寨村
    counts = care_counts("630121", 11, 9)
    assert counts == {
        "": {
            "departed": 3,
            "departed_placed": 1,
            "departure_payments": Decimal("6200.50"),
            "reserve": 5,
            "reserve_elected": 1,
        },
        "630121100": {
            "departed": 2,
            "departed_placed": 1,
            "departure_payments": Decimal("4200.50"),
            "reserve": 4,
            "reserve_elected": 1,
        },
        "630121101": {
            "departed": 1,
            "departed_placed": 0,
            "departure_payments": Decimal("2000.00"),
            "reserve": 1,
            "reserve_elected": 0,
        },
    }
    by_village = care_counts("630121100", 11, 12)
    assert by_village[VILLAGE]["departed"] == 1
    assert by_village[MAOJIAZHAI]["departed"] == 1
    assert by_village[""]["reserve"] == 4


def test_a_person_less_row_departs_by_its_name(world) -> None:
    from huanjie.rosters.models import Cadre
    from huanjie.rosters.summary import summaries_rebuild

    Cadre.objects.filter(term_number=11, name="韩军").update(name="韩俊")
    summaries_rebuild()  # the row was changed behind the services' back
    found = [d.name for d in departures(MAOJIAZHAI, 11)]
    assert found == ["壬", "韩军"]
    assert care_counts(MAOJIAZHAI, 11, 12)[""]["departed"] == 2


def test_an_empty_scope_has_its_total_at_zero(world) -> None:
    assert care_counts("630121", 13, 9) == {
        "": {
            "departed": 0,
            "departed_placed": 0,
            "departure_payments": Decimal("0.00"),
            "reserve": 0,
            "reserve_elected": 0,
        }
    }


def test_the_counts_take_two_queries(world) -> None:
    with CaptureQueriesContext(connection) as queries:
        care_counts("63", 11, 6)
    assert len(queries) == 2  # the village summaries, the reserve


def test_the_demo_seed_adds_reserve_and_care_once(world, cast) -> None:
    from huanjie.rosters.care_demo import care_seed

    first = care_seed(actor=cast.county_officer)
    assert first == {"reserve": ReserveCadre.objects.count(), "care": 3}
    assert DepartureCare.objects.count() == 3
    assert care_seed(actor=cast.county_officer) == {"reserve": 0, "care": 0}
