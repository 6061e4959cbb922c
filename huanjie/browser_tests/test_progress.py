"""The county officer sees the progress board, drills down to a late village, and exports the
weekly figures (issue 14, Done when)."""

from __future__ import annotations

import io

import openpyxl
import pytest

from huanjie.browser_tests.conftest import shot
from huanjie.browser_tests.test_town_officer import login
from huanjie.conftest import VILLAGE
from huanjie.progress.tests.board_world import mixed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_county_sees_the_board_drills_down_to_a_late_village_and_exports_the_week(
    page, live_server, cast, campaign
):
    mixed(campaign)
    login(page, live_server, "county")
    assert page.get_by_test_id("panel-headline").is_visible()
    shot(page, "progress-home-county")

    page.goto(f"{live_server.url}/progress/board/")  # one campaign: its county board
    assert page.url.endswith(f"/progress/{campaign.pk}/board/630121/")
    assert "全县4个村、1个社区中" in page.get_by_test_id("headline").inner_text()
    assert page.locator("[data-testid=board-chart] canvas, .hj-chart canvas").count() >= 1
    total = page.get_by_test_id("board-total").inner_text()
    assert total.split()[:3] == ["合计", "5", "2"]
    shot(page, "progress-board-county")

    page.get_by_test_id("late-630121100").click()  # 桥头镇's late villages
    page.wait_for_load_state()
    assert "status=late" in page.url
    assert page.get_by_test_id("town-subtotals").count() == 0  # one town: no subtotals
    row = page.get_by_test_id(f"village-{VILLAGE}")
    assert "滞后3天" in row.inner_text()
    shot(page, "progress-board-late")
    row.get_by_role("link", name="红河限村").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/progress/{campaign.pk}/schedule/{VILLAGE}/")
    shot(page, "progress-late-village")

    page.goto(f"{live_server.url}/progress/{campaign.pk}/board/630121100/")
    assert page.get_by_test_id(f"village-{VILLAGE}").is_visible()
    shot(page, "progress-board-town")

    page.goto(f"{live_server.url}/progress/{campaign.pk}/board/630121/")
    with page.expect_download() as download:
        page.get_by_test_id("weekly-xlsx").click()
    assert download.value.suggested_filename.startswith("大通回族土族自治县换届工作进展情况周报表")
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    assert "周报表" in sheet["A1"].value
    assert sheet.cell(6, 1).value == "合计" and sheet.cell(6, 3).value == 5
