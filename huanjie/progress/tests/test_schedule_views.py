"""The schedule's pages: a village's stages with their badges, done and undone by htmx, the
election day moved with its reason; a region's overdue stages, searched, by town, as xlsx."""

from __future__ import annotations

from datetime import timedelta

import pytest

from huanjie.conftest import OTHER_TOWN_VILLAGE, TOWN, VILLAGE
from huanjie.progress.tests.schedule_world import around_today, fix_day, progress, stage, today


@pytest.fixture
def campaign(cast):
    return around_today(cast)


def _url(campaign, code=VILLAGE, tail=""):
    return f"/progress/{campaign.pk}/schedule/{code}/{tail}"


def test_the_clerk_sees_the_stages_with_their_badges(cast, campaign):
    found = fix_day(cast, campaign, 30)  # the Party's stage ten days late
    response = cast.client(cast.village_clerk).get(_url(campaign))
    assert response.status_code == 200
    page = response.content.decode()
    assert "村党组织换届选举" in page and "逾期 10天" in page
    assert "村民委员会组织法(2025) 第二十四条" in page
    assert found.region.display_name in page


def test_another_county_gets_404_everywhere(cast, campaign):
    found = fix_day(cast, campaign, 30)
    party = stage(found, "party_election")
    client = cast.client(cast.other_county_officer)
    assert client.get(_url(campaign)).status_code == 404
    assert client.post(_url(campaign, tail=f"stages/{party.pk}/done/")).status_code == 404
    assert client.post(_url(campaign, tail="election-day/")).status_code == 404
    assert client.get(f"/progress/{campaign.pk}/late/630121/").status_code == 404


def test_another_towns_clerk_gets_404(cast, campaign):
    fix_day(cast, campaign, 30, code=OTHER_TOWN_VILLAGE)
    assert (
        cast.client(cast.village_clerk).get(_url(campaign, OTHER_TOWN_VILLAGE)).status_code == 404
    )


def test_a_stage_is_done_and_undone_by_htmx(cast, campaign):
    found = fix_day(cast, campaign, 30)
    party = stage(found, "party_election")
    client = cast.client(cast.village_clerk)
    htmx = {"HTTP_HX_REQUEST": "true"}
    answer = client.post(
        _url(campaign, tail=f"stages/{party.pk}/done/"),
        {"done_on": today().isoformat(), "note": "已选举"},
        **htmx,
    )
    assert answer.status_code == 200
    assert "已完成" in answer.content.decode() and "撤销" in answer.content.decode()
    assert progress(found).status == "under_way"
    # The summary card above the table follows the row, swapped out of band.
    summary = answer.content.decode().split('id="schedule-summary"', 1)[1]
    assert 'hx-swap-oob="true"' in summary.split(">", 1)[0]
    assert f"{progress(found).stages_done} / {progress(found).stages_total}" in summary
    answer = client.post(_url(campaign, tail=f"stages/{party.pk}/undo/"), {"note": ""}, **htmx)
    assert "撤销原因" in answer.content.decode()
    answer = client.post(_url(campaign, tail=f"stages/{party.pk}/undo/"), {"note": "误"}, **htmx)
    assert "逾期" in answer.content.decode()


def test_a_bad_done_day_is_named_and_nothing_is_saved(cast, campaign):
    found = fix_day(cast, campaign, 30)
    party = stage(found, "party_election")
    client = cast.client(cast.town_officer)
    tomorrow = (today() + timedelta(days=1)).isoformat()
    answer = client.post(
        _url(campaign, tail=f"stages/{party.pk}/done/"),
        {"done_on": tomorrow},
        HTTP_HX_REQUEST="true",
    )
    assert "“村党组织换届选举”的完成日期" in answer.content.decode()
    answer = client.post(_url(campaign, tail=f"stages/{party.pk}/done/"), {"done_on": "x"})
    assert answer.status_code == 302
    assert stage(found, "party_election").done_on is None


def test_the_inspector_reads_but_records_nothing(cast, campaign):
    found = fix_day(cast, campaign, 30)
    party = stage(found, "party_election")
    client = cast.client(cast.inspector)
    page = client.get(_url(campaign)).content.decode()
    assert "登记完成" not in page
    answer = client.post(
        _url(campaign, tail=f"stages/{party.pk}/done/"), {"done_on": today().isoformat()}
    )
    assert answer.status_code == 404


def test_the_election_day_moves_only_with_a_reason(cast, campaign):
    fix_day(cast, campaign, 30)
    client = cast.client(cast.town_officer)
    later = (today() + timedelta(days=37)).isoformat()
    client.post(_url(campaign, tail="election-day/"), {"election_date": later})
    page = client.get(_url(campaign)).content.decode()
    assert "变更选举日须填写变更原因" in page
    client.post(
        _url(campaign, tail="election-day/"), {"election_date": later, "reason": "推迟一周"}
    )
    page = client.get(_url(campaign)).content.decode()
    assert "推迟一周" in page and "工作日程已按新的选举日重新计算" in page


def test_the_late_list_shows_overdue_stages_with_town_subtotals_and_exports(
    cast, campaign, django_assert_max_num_queries
):
    fix_day(cast, campaign, 30)
    fix_day(cast, campaign, 30, code=OTHER_TOWN_VILLAGE)
    fix_day(cast, campaign, 60, code="630121100207")  # nothing late yet
    client = cast.client(cast.county_officer)
    with django_assert_max_num_queries(20):
        response = client.get(f"/progress/{campaign.pk}/late/630121/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "红河限村" in page and "东门村" in page and "毛家寨村" not in page
    assert response.context["subtotals"].total == (4, 2)  # the Party and the committee
    town = client.get(f"/progress/{campaign.pk}/late/630121/?town={TOWN}").content.decode()
    assert "红河限村" in town and "东门村" not in town
    found = client.get(f"/progress/{campaign.pk}/late/630121/?q=东门").content.decode()
    assert "东门村" in found and "红河限村" not in found
    xlsx = client.get(f"/progress/{campaign.pk}/late/630121/?format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_town_officer_sees_his_town_only(cast, campaign):
    fix_day(cast, campaign, 30)
    client = cast.client(cast.town_officer)
    assert client.get(f"/progress/{campaign.pk}/late/630121/").status_code == 404
    response = client.get(f"/progress/{campaign.pk}/late/{TOWN}/")
    assert response.status_code == 200 and response.context["subtotals"] is None
