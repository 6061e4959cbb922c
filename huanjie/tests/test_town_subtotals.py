"""Every list of a campaign's villages that a county sees has the town subtotals above it (one
row per town and a 合计 row, counting every row, not the page's), the search and the town filter,
and exports all its filtered rows to xlsx (huanjie.regions.subtotals). A town's officer sees his
own town's list without subtotals."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.db.models import Q

from huanjie.conftest import TOWN
from huanjie.elections.models import CampaignVillage
from huanjie.regions.subtotals import Column, town_subtotals

# The village lists a county sees.
LISTS = (
    "/campaigns/{pk}/",
    "/committees/campaigns/{pk}/",
    "/nomination/campaigns/{pk}/",
    "/polls/",
    "/results/",
    "/party/campaigns/{pk}/",
)


def _url(path: str, campaign: object) -> str:
    return path.format(pk=getattr(campaign, "pk", ""))


def _sheet(response: Any) -> list[tuple[Any, ...]]:
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return list(book.active.iter_rows(values_only=True))


@pytest.mark.django_db
def test_the_subtotals_count_every_row_per_town_in_one_grouped_query(
    campaign, django_assert_num_queries
):
    rows = CampaignVillage.objects.filter(campaign=campaign)
    with django_assert_num_queries(2):  # the groups, the towns' names
        sub = town_subtotals(rows, (Column("全部"), Column("社区", Q(region__kind="community"))))
    assert [(r.code, r.name, r.counts) for r in sub.rows] == [
        ("630121100", "桥头镇", (3, 1)),
        ("630121101", "城关镇", (2, 0)),
    ]
    assert sub.total == (5, 1)
    assert sub.spans_towns


@pytest.mark.django_db
@pytest.mark.parametrize("path", LISTS)
def test_a_county_sees_the_town_subtotals_and_a_town_does_not(cast, campaign, path):
    url = _url(path, campaign)
    county = cast.client(cast.county_officer).get(url)
    assert county.status_code == 200
    if path in ("/polls/", "/results/", "/party/campaigns/{pk}/"):
        # No election has reached election day here, no branch is set up: the list (and its
        # subtotals) is empty.
        assert "导出Excel" in county.content.decode()
    else:
        page = county.content.decode()
        assert 'data-testid="town-subtotals"' in page
        assert "桥头镇" in page and "城关镇" in page and "合计" in page
    town = cast.client(cast.town_officer).get(url)
    assert town.status_code == 200
    assert 'data-testid="town-subtotals"' not in town.content.decode()


@pytest.mark.django_db
def test_the_campaign_list_exports_every_filtered_row(cast, campaign):
    client = cast.client(cast.county_officer)
    everything = _sheet(client.get(f"/campaigns/{campaign.pk}/?format=xlsx"))
    assert everything[0][:3] == ("区划代码", "村(社区)", "乡镇(街道)")
    assert len(everything) == 1 + 5
    one_town = _sheet(client.get(f"/campaigns/{campaign.pk}/?format=xlsx&town={TOWN}"))
    assert {r[0][:9] for r in one_town[1:]} == {TOWN}
    searched = _sheet(client.get(f"/campaigns/{campaign.pk}/?format=xlsx&q=东门"))
    assert [r[1] for r in searched[1:]] == ["东门村"]


@pytest.mark.django_db
def test_the_committee_and_nomination_lists_export_their_villages(cast, campaign):
    client = cast.client(cast.county_officer)
    committees = _sheet(client.get(f"/committees/campaigns/{campaign.pk}/?format=xlsx"))
    assert committees[0][:2] == ("区划代码", "村(社区)")
    assert len(committees) == 1 + 5
    assert {r[3] for r in committees[1:]} == {"尚未登记"}
    nominations = _sheet(
        client.get(f"/nomination/campaigns/{campaign.pk}/?format=xlsx&town={TOWN}")
    )
    assert nominations[0][:3] == ("区划代码", "村(社区)", "选举")


@pytest.mark.django_db
def test_a_town_filter_outside_the_users_town_shows_nothing_of_it(cast, campaign):
    other = "630121101"
    response = cast.client(cast.town_officer).get(f"/campaigns/{campaign.pk}/?town={other}")
    assert response.status_code == 200
    assert "东门村" not in response.content.decode()
    sheet = _sheet(
        cast.client(cast.town_officer).get(f"/committees/campaigns/{campaign.pk}/?format=xlsx")
    )
    assert {r[0][:9] for r in sheet[1:]} == {TOWN}


@pytest.mark.django_db
@pytest.mark.parametrize("path", LISTS)
def test_every_list_searches_by_name_and_by_code(cast, campaign, path):
    client = cast.client(cast.county_officer)
    for q in ("东门", "630121101205", "6301211"):
        assert client.get(_url(path, campaign), {"q": q, "town": TOWN}).status_code == 200
