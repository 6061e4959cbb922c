"""The nomination progress board (issue 10 item 7): counts per stage by town and by village,
villages behind their schedule, scope."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from huanjie.conftest import COUNTY, OTHER_COUNTY, OTHER_TOWN_VILLAGE, TOWN, VILLAGE
from huanjie.elections.models import CampaignVillage
from huanjie.nomination import services as n
from huanjie.nomination.progress import BASIS_PLAN, progress
from huanjie.nomination.tests.test_services import make_election, make_person, propose
from huanjie.regions.models import Region

pytestmark = pytest.mark.django_db


def _set_day(campaign, code: str, day: date) -> None:
    CampaignVillage.objects.filter(campaign=campaign, region_id=code).update(election_date=day)


@pytest.fixture
def two_towns(cast, campaign):
    """桥头镇's village: three nominees (one formal, one under review, one nominated); 城关镇's
    village: one nominee sent to review."""
    here = make_election(cast, campaign)
    a = propose(cast.county_officer, here, "马玉兰", post="director")
    n.nominee_send_to_review(actor=cast.county_officer, nominee=a)
    n.nominee_qualify(actor=cast.county_officer, nominee=a)
    n.nominee_make_formal(actor=cast.county_officer, nominee=a)
    b = propose(cast.county_officer, here, "祁德明")
    n.nominee_send_to_review(actor=cast.county_officer, nominee=b)
    propose(cast.county_officer, here, "李秀英")
    there = make_election(cast, campaign, code=OTHER_TOWN_VILLAGE)
    c = n.nominee_propose(
        actor=cast.county_officer,
        election=there,
        post=there.posts.get(post="member"),
        person=make_person("王成", region=OTHER_TOWN_VILLAGE),
        how_nominated="self",
    )
    n.nominee_send_to_review(actor=cast.county_officer, nominee=c)
    return here, there


def test_the_county_sees_its_towns_and_a_town_its_villages(cast, campaign, two_towns):
    county = Region.objects.get(code=COUNTY)
    rows, total = progress(cast.county_officer, campaign, county, today=date(2026, 1, 1))
    by_town = {r.region.code: r for r in rows}
    assert by_town[TOWN].by_stage["formal"] == 1
    assert by_town[TOWN].by_stage["under_review"] == 1
    assert by_town[TOWN].by_stage["nominated"] == 1
    assert by_town[OTHER_TOWN_VILLAGE[:9]].by_stage["under_review"] == 1
    assert total.nominees == 4 and total.elections == 2

    # A town officer sees only the own town, whatever area is asked for.
    rows, total = progress(cast.town_officer, campaign, county, today=date(2026, 1, 1))
    assert [r.region.code for r in rows] == [TOWN]
    assert total.nominees == 3
    town = Region.objects.get(code=TOWN)
    rows, _ = progress(cast.town_officer, campaign, town, today=date(2026, 1, 1))
    village = next(r for r in rows if r.region.code == VILLAGE)
    assert village.nominees == 3 and village.elections == 1


def test_a_village_past_its_review_and_list_days_is_behind(cast, campaign, two_towns):
    day = date(2026, 6, 20)
    _set_day(campaign, VILLAGE, day)
    town = Region.objects.get(code=TOWN)
    # D-6: nothing late yet.
    rows, _ = progress(cast.county_officer, campaign, town, today=day - timedelta(days=6))
    assert not next(r for r in rows if r.region.code == VILLAGE).behind
    # D-4: the review (over at D-5) is late for two nominees; the list day (D-4) not yet passed.
    rows, total = progress(cast.county_officer, campaign, town, today=day - timedelta(days=4))
    reasons = next(r for r in rows if r.region.code == VILLAGE).behind
    assert reasons == ["村民委员会资格审查应于6月15日前完成，仍有2人未审结"]
    assert total.villages_behind == 1
    # D-3: the national law sets no list day: the county plan's D-4 is passed, the members'
    # list (4 seats) holds no formal candidate, the director's holds one for one seat.
    rows, _ = progress(cast.county_officer, campaign, town, today=day - timedelta(days=3))
    reasons = next(r for r in rows if r.region.code == VILLAGE).behind
    assert any("委员应选4名，现有正式候选人0名" in r and BASIS_PLAN in r for r in reasons)
    assert not any("主任应选" in r for r in reasons)
    # The county board counts the town as having one village behind.
    rows, _ = progress(cast.county_officer, campaign, Region.objects.get(code=COUNTY), today=day)
    assert {r.region.code: r.villages_behind for r in rows}[TOWN] == 1


def test_the_board_page_and_its_scope(cast, campaign, two_towns):
    county_url = reverse("nomination:board", args=[campaign.pk, COUNTY])
    town_url = reverse("nomination:board", args=[campaign.pk, TOWN])
    home = cast.client(cast.county_officer).get(reverse("nomination:home", args=[campaign.pk]))
    assert county_url in home.content.decode()  # the nomination home links the board
    page = cast.client(cast.county_officer).get(county_url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "提名进度" in body and town_url in body
    assert 'data-testid="total-nominees">4<' in body
    # A town officer: the own town's page; the county's and another town's answer 404.
    town = cast.client(cast.town_officer)
    assert town.get(town_url).status_code == 200
    assert town.get(county_url).status_code == 404
    other_town = reverse("nomination:board", args=[campaign.pk, OTHER_TOWN_VILLAGE[:9]])
    assert town.get(other_town).status_code == 404
    # Another county's officer, a reviewer: 404 everywhere.
    for user in (cast.other_county_officer, cast.reviewer):
        assert cast.client(user).get(county_url).status_code == 404
    assert (
        cast.client(cast.county_officer)
        .get(reverse("nomination:board", args=[campaign.pk, OTHER_COUNTY]))
        .status_code
        == 404
    )
