"""The rectification ledger (整顿台账) as a county officer uses it: from the menu to the campaign's
ledgers, to the list of a complex village's items, to an item; closed (销号) with its day and
note; the village leaves the complex list with its last item; the list exported to xlsx."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.utils import timezone

from huanjie.browser_tests.conftest import shot
from huanjie.browser_tests.test_town_officer import login
from huanjie.conftest import VILLAGE, make_campaign
from huanjie.ledgers.models import Assessment, RectificationItem
from huanjie.ledgers.services import assessments, rectification
from huanjie.ledgers.tests.world import assessment_values, rectification_values
from huanjie.regions.models import Region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_county_officer_closes_the_last_rectification_item_of_a_complex_village(  # type: ignore[no-untyped-def]
    page, live_server, cast
):
    campaign = make_campaign(cast)
    village = Region.objects.get(code=VILLAGE)
    officer = cast.county_officer
    assessments.assessment_save(
        actor=officer, campaign=campaign, region=village, item=None, values=assessment_values()
    )
    item = rectification.rectification_save(
        actor=officer, campaign=campaign, region=village, item=None, values=rectification_values()
    )
    assert Assessment.objects.get(campaign=campaign, region=village).complex

    login(page, live_server, "county")
    page.get_by_role("link", name="工作台账").first.click()
    page.wait_for_load_state()
    # One campaign in the officer's county: the index opens its ledgers.
    assert page.url.rstrip("/").endswith(f"/ledgers/{campaign.pk}")
    shot(page, "ledgers-campaign")
    page.get_by_role("link", name="整顿台账", exact=False).first.click()
    page.wait_for_load_state()
    assert "村务公开不及时" in page.content()
    shot(page, "ledgers-rectification-list")
    page.get_by_role("link", name=f"ZD{item.pk:06d}").click()  # the item's 编号
    page.wait_for_load_state()

    close = page.get_by_test_id("move-closed")
    close.get_by_label("销号日期").fill(timezone.localdate().isoformat())
    close.get_by_label("销号说明").fill("账目已清理并张榜公布，群众无异议")
    close.get_by_role("button", name="销号").click()
    page.wait_for_load_state()
    shot(page, "ledgers-rectification-closed")
    assert page.get_by_test_id("value-status").inner_text() == "已销号"
    assert "账目已清理" in page.content()

    item.refresh_from_db()
    assert item.status == "closed" and item.closed_on == timezone.localdate()
    # Its last item closed, the village leaves the complex list by itself.
    assert not Assessment.objects.get(campaign=campaign, region=village).complex

    with page.expect_download() as download:
        page.goto(f"{live_server.url}/ledgers/{campaign.pk}/rectification/")
        page.get_by_test_id("export-xlsx").first.click()
    # The download's path has no extension, which openpyxl insists on: read its bytes.
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "编号"
    assert any("已销号" in [str(c) for c in r] for r in rows[1:])
    assert RectificationItem.objects.filter(status="open").count() == 0
