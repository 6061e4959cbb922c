from __future__ import annotations

from huanjie.audit.models import AuditEvent
from huanjie.conftest import OTHER_TOWN_VILLAGE, TOWN, VILLAGE
from huanjie.regions.models import Region


def test_a_town_officer_sees_the_villages_of_their_town(cast):
    response = cast.client(cast.town_officer).get(f"/regions/{TOWN}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "红河限村" in body and "毛家寨村" in body and "人民路南社区" in body
    assert "东门村" not in body


def test_a_town_officer_gets_404_for_a_village_of_another_town(cast):
    assert (
        cast.town_officer
        and cast.client(cast.town_officer).get(f"/regions/{OTHER_TOWN_VILLAGE}/").status_code == 404
    )


def test_the_county_page_counts_villages_and_communities_per_town(
    cast, django_assert_max_num_queries
):
    client = cast.client(cast.county_officer)
    with django_assert_max_num_queries(15):  # 14 and the P6 request count
        response = client.get("/regions/630121/")
    towns = {r.code: r.counts for r in response.context["page_obj"]}
    assert towns[TOWN]["village"] == 2 and towns[TOWN]["community"] == 1
    assert response.context["totals"] == {
        "units": 5,
        "village": 4,
        "community": 1,
        "towns": 0,
        "population": 0,
    }


def test_search_finds_villages_below_the_region(cast):
    response = cast.client(cast.county_officer).get("/regions/630121/?q=东门")
    assert [r.code for r in response.context["page_obj"]] == [OTHER_TOWN_VILLAGE]


def test_search_stays_inside_the_scope(cast):
    response = cast.client(cast.town_officer).get(f"/regions/{TOWN}/?q=城关")
    assert list(response.context["page_obj"]) == []


def test_a_county_officer_corrects_a_kind_and_it_is_audited(cast):
    response = cast.client(cast.county_officer).post(
        f"/regions/{VILLAGE}/kind/", {"kind": "community", "reason": "已撤村建居"}
    )
    assert response.status_code == 302
    region = Region.objects.get(code=VILLAGE)
    assert (region.kind, region.kind_corrected) == ("community", True)
    event = AuditEvent.objects.filter(action="region.kind_correct").latest("id")
    assert event.object_id == VILLAGE and event.username == "county"


def test_a_town_officer_cannot_correct_a_kind(cast):
    response = cast.client(cast.town_officer).post(
        f"/regions/{VILLAGE}/kind/", {"kind": "community", "reason": "x"}
    )
    assert response.status_code == 404
    assert Region.objects.get(code=VILLAGE).kind == "village"


def test_a_village_page_lists_its_people_with_masked_id_numbers(cast):
    from datetime import date

    from huanjie.lib import idcard
    from huanjie.people.services import PersonIn, people_bulk_create

    number = idcard.generate("630121", date(1980, 5, 17), "F", 12)
    people_bulk_create(
        actor=None,
        source="test",
        people=[
            PersonIn(
                id_number=number,
                name="祁秀英",
                sex="F",
                birth_date=date(1980, 5, 17),
                ethnicity="30",
                region_code=VILLAGE,
                group_name="第一村民小组",
                household_no="001",
            )
        ],
    )
    body = cast.client(cast.village_clerk).get(f"/regions/{VILLAGE}/").content.decode()
    assert "祁秀英" in body and idcard.mask(number) in body and "土族" in body
    assert number not in body
    county = cast.client(cast.county_officer).get(f"/regions/{TOWN}/")
    assert county.context["totals"]["population"] == 1
    # A review department sees no people at all.
    assert "祁秀英" not in cast.client(cast.reviewer).get(f"/regions/{VILLAGE}/").content.decode()
