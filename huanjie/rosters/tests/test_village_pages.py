"""The village roster, reserve and departures pages as a user meets them: what they show (the
derived facts, masked numbers only), their forms, and 404 out of scope."""

from __future__ import annotations

from datetime import date

import pytest

from huanjie.conftest import OTHER_TOWN_VILLAGE, TOWN, VILLAGE, Cast
from huanjie.lib import idcard
from huanjie.rosters.models import Cadre, DepartureCare, ReserveCadre
from huanjie.rosters.tests.care_world import CareWorld, make_care_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast: Cast) -> CareWorld:
    return make_care_world()


def page(cast: Cast, url: str, user=None) -> str:
    response = cast.client(user or cast.town_officer).get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_village_page_shows_the_counted_roster_and_the_derived_facts(world, cast) -> None:
    Cadre.objects.filter(pk=world.rows["辛/11/villagers"].pk).update(tag_college_official=True)
    Cadre.objects.filter(pk=world.rows["甲/11/party"].pk).update(post="secretary")
    Cadre.objects.create(
        **{
            f.name: getattr(world.rows["甲/11/party"], f.name)
            for f in Cadre._meta.concrete_fields
            if f.name not in ("id", "created_at")
        }
        | {"body": "villagers", "post": "director"}
    )
    html = page(cast, f"/rosters/village/{VILLAGE}/?term=11")
    assert 'data-testid="dual-role">是（甲）' in html
    assert 'data-testid="cross">1<' in html
    assert f'data-testid="not-counted-post-{world.rows["辛/11/villagers"].pk}"' in html
    assert world.people["甲"].id_masked in html
    assert not any(n in html for n in world.numbers.values())
    # 丁's row ended before the reference date: listed with why, not on the roster.
    assert f'data-testid="ended-{world.rows["丁/11/cooperative"].pk}"' in html


def test_the_village_page_of_term_10_lists_its_rows_not_counted(world, cast) -> None:
    html = page(cast, f"/rosters/village/{VILLAGE}/?term=10")
    for key, why in (("戊/10/villagers", "辞职"), ("己/10/villagers", "基准日期后补选任职")):
        assert f'data-testid="ended-{world.rows[key].pk}"' in html and why in html
    assert 'data-testid="dual-role">是（甲）' in html


@pytest.mark.parametrize(
    "url",
    [
        f"/rosters/village/{OTHER_TOWN_VILLAGE}/",
        f"/rosters/reserve/{OTHER_TOWN_VILLAGE}/",
        f"/rosters/departures/{OTHER_TOWN_VILLAGE}/",
        f"/rosters/village/{TOWN}/",
    ],
)
def test_pages_out_of_scope_answer_404(world, cast, url) -> None:
    assert cast.client(cast.town_officer).get(url).status_code == 404


def test_another_county_gets_404_on_every_page(world, cast) -> None:
    client = cast.client(cast.other_county_officer)
    row = world.rows["甲/11/party"]
    term = world.terms[("630121", 10)]
    for url in (
        f"/rosters/village/{VILLAGE}/",
        f"/rosters/cadre/{row.pk}/edit/",
        f"/rosters/departures/{VILLAGE}/",
        f"/rosters/departures/{VILLAGE}/{term.pk}/{world.people['丁'].pk}/",
    ):
        assert client.get(url).status_code == 404, url


def test_the_cadre_form_saves_through_the_service(world, cast) -> None:
    row = world.rows["甲/11/party"]
    client = cast.client(cast.town_officer)
    assert client.get(f"/rosters/cadre/{row.pk}/edit/").status_code == 200
    response = client.post(
        f"/rosters/cadre/{row.pk}/edit/",
        {"education": "20", "political_status": "01", "ethnicity": "03", "tags": ["tag_grower"]},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.education, row.ethnicity, row.tag_grower) == ("20", "03", True)
    assert cast.client(cast.inspector).get(f"/rosters/cadre/{row.pk}/edit/").status_code == 404


def test_the_reserve_page_adds_and_tells_who_entered_the_new_roster(world, cast) -> None:
    client = cast.client(cast.town_officer)
    number = idcard.generate("630121", date(1994, 2, 3), "M", 9)
    response = client.post(
        f"/rosters/reserve/{VILLAGE}/",
        {"id_number": number, "name": "祁文杰", "added_on": "2023-05-01", "education": "20"},
    )
    assert response.status_code == 302
    xin = world.people["辛"]
    ReserveCadre.objects.create(
        village_id=VILLAGE,
        person=xin,
        name="辛",
        sex="M",
        birth_date=xin.birth_date,
        added_on=date(2023, 5, 1),
        recorded_by=cast.town_officer,
    )
    html = page(cast, f"/rosters/reserve/{TOWN}/")
    added = ReserveCadre.objects.get(name="祁文杰")
    elected = ReserveCadre.objects.get(name="辛")
    assert f'data-testid="elected-{elected.pk}">是' in html
    assert f'data-testid="elected-{added.pk}">否' in html
    assert number not in html and idcard.mask(number) in html
    assert page(cast, f"/rosters/reserve/{VILLAGE}/").count('data-testid="reserve-form"') == 1
    response = client.post(
        f"/rosters/reserve/{added.pk}/remove/", {"removed_on": "2024-02-01", "reason": "外出务工"}
    )
    assert response.status_code == 302
    added.refresh_from_db()
    assert added.status == "removed"
    assert client.get(f"/rosters/reserve/{added.pk}/remove/").status_code == 405


def test_the_departures_page_lists_who_left_with_the_totals(world, cast) -> None:
    term = world.terms[("630121", 10)]
    ding = world.people["丁"]
    client = cast.client(cast.county_officer)
    url = f"/rosters/departures/{VILLAGE}/{term.pk}/{ding.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "talked_on": "2024-02-01",
            "one_off_payment": "3000",
            "pension_support": "1200.50",
            "placed": "on",
            "placement": "县供销社",
            "note": "",
        },
    )
    assert response.status_code == 302
    assert DepartureCare.objects.get().placement == "县供销社"
    html = page(cast, "/rosters/departures/630121/?term=11", cast.county_officer)
    assert 'data-testid="total-departed">3<' in html
    assert 'data-testid="total-placed">1<' in html
    assert 'data-testid="total-paid">4200.50<' in html
    stayed = world.people["甲"]
    assert client.get(f"/rosters/departures/{VILLAGE}/{term.pk}/{stayed.pk}/").status_code == 404
