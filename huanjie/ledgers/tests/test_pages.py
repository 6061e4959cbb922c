"""The ledgers' pages as users see them: the county with town subtotals, the town, the village
clerk refused the organisation department's ledgers, another county refused everything;
closing an item on its page; adding one; the missing dual-role list; exports."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.urls import reverse

from huanjie.ledgers.models import Assessment, RectificationItem
from huanjie.ledgers.tests.world import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast: Any, campaign: Any) -> dict[str, Any]:
    return make_world(cast, campaign)


def test_the_county_sees_every_ledger_with_town_subtotals(
    world: dict[str, Any], cast: Any, campaign: Any
) -> None:
    client = cast.client(cast.county_officer)
    page = client.get(reverse("ledgers:campaign", args=[campaign.pk]))
    assert page.status_code == 200
    assert "整顿台账" in page.content.decode()
    listing = client.get(reverse("ledgers:list", args=[campaign.pk, "rectification"]))
    text = listing.content.decode()
    assert listing.status_code == 200
    assert f"ZD{world['rectification'].pk:06d}" in text
    assert "“三资”台账缺失" in text


def test_the_list_filters_by_status(world: dict[str, Any], cast: Any, campaign: Any) -> None:
    client = cast.client(cast.town_officer)
    url = reverse("ledgers:list", args=[campaign.pk, "rectification"])
    text = client.get(url + "?status=closed").content.decode()
    assert "“三资”台账缺失" in text and "村务公开不及时" not in text


def test_the_export_starts_with_the_number(world: dict[str, Any], cast: Any, campaign: Any) -> None:
    client = cast.client(cast.county_officer)
    url = reverse("ledgers:list", args=[campaign.pk, "audits"])
    response = client.get(url + "?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "区划代码", "单位")
    assert rows[1][0] == f"SJ{world['audits'].pk:06d}"


def test_a_village_clerk_cannot_read_the_candidates(
    world: dict[str, Any], cast: Any, campaign: Any
) -> None:
    client = cast.client(cast.village_clerk)
    assert client.get(reverse("ledgers:list", args=[campaign.pk, "candidates"])).status_code == 404
    assert client.get(reverse("ledgers:list", args=[campaign.pk, "audits"])).status_code == 200


def test_another_county_gets_404(world: dict[str, Any], cast: Any, campaign: Any) -> None:
    client = cast.client(cast.other_county_officer)
    item = world["rectification"]
    for url in (
        reverse("ledgers:campaign", args=[campaign.pk]),
        reverse("ledgers:list", args=[campaign.pk, "rectification"]),
        reverse("ledgers:item", args=[campaign.pk, "rectification", item.pk]),
    ):
        assert client.get(url).status_code == 404


def test_the_town_closes_an_item_on_its_page(
    world: dict[str, Any], cast: Any, campaign: Any
) -> None:
    client = cast.client(cast.town_officer)
    item = world["rectification"]
    url = reverse("ledgers:move", args=[campaign.pk, "rectification", item.pk, "closed"])
    response = client.post(
        url, {"closed-closed_on": "2026-12-03", "closed-close_note": "已公开"}, follow=True
    )
    assert response.status_code == 200
    assert "已销号" in response.content.decode()
    item.refresh_from_db()
    assert item.status == RectificationItem.Status.CLOSED
    assert not Assessment.objects.get(pk=world["assessment"].pk).complex


def test_closing_without_a_day_says_so(world: dict[str, Any], cast: Any, campaign: Any) -> None:
    client = cast.client(cast.town_officer)
    item = world["rectification"]
    url = reverse("ledgers:move", args=[campaign.pk, "rectification", item.pk, "closed"])
    response = client.post(url, {"closed-closed_on": ""}, follow=True)
    assert "销号日期" in response.content.decode()
    item.refresh_from_db()
    assert item.status == RectificationItem.Status.OPEN


def test_the_inspector_reads_but_has_no_forms(
    world: dict[str, Any], cast: Any, campaign: Any
) -> None:
    client = cast.client(cast.inspector)
    item = world["audits"]
    page = client.get(reverse("ledgers:item", args=[campaign.pk, "audits", item.pk]))
    assert page.status_code == 200 and 'card-header">修改<' not in page.content.decode()
    assert client.get(reverse("ledgers:add", args=[campaign.pk, "audits"])).status_code == 404


def test_the_county_adds_an_audit(world: dict[str, Any], cast: Any, campaign: Any) -> None:
    client = cast.client(cast.county_officer)
    url = reverse("ledgers:add", args=[campaign.pk, "audits"])
    response = client.post(
        url,
        {
            "region": world["audits"].region_id,
            "audit_kind": "tenure",
            "subject": "村委会主任",
            "auditor": "县审计局",
        },
    )
    assert response.status_code == 302


def test_the_missing_dual_role_list(world: dict[str, Any], cast: Any, campaign: Any) -> None:
    client = cast.client(cast.county_officer)
    url = reverse("ledgers:dual_role_missing", args=[campaign.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert (
        world["candidates"].region.display_name
        not in page.content.decode().split('data-testid="missing-rows"')[1]
    )
    assert client.get(url + "?format=xlsx")["Content-Type"].startswith("application/vnd")
