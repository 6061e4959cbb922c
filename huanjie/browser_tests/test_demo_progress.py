"""Issue 14's walk on the demo county itself (`huanjie demo`, with fewer people): its county
officer sees the board, drills down to a late village and its schedule, closes an open
rectification item and downloads the weekly figures; its inspector records a visit and a problem
in a town of his group."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone

from huanjie.accounts.models import User
from huanjie.browser_tests.conftest import shot
from huanjie.conftest import otp_code
from huanjie.ledgers.models import RectificationItem
from huanjie.oversight.models import InspectionProblem, InspectionVisit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, live_server, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    if page.url.endswith("/accounts/login/code/"):
        page.get_by_label("动态口令").fill(otp_code(User.objects.get(username=username)))
        page.get_by_role("button", name="验证并登录").click()
        page.wait_for_load_state()


def _choose_first(page, label: str) -> None:  # type: ignore[no-untyped-def]
    """Choose the first real option (not the blank one) of the select labelled `label`."""
    select = page.get_by_label(label)
    values = select.locator("option").evaluate_all("os => os.map(o => o.value)")
    select.select_option(value=next(v for v in values if v))


def test_the_demo_county_and_its_inspector_walk_issue_14(page, live_server):  # type: ignore[no-untyped-def]
    out = io.StringIO()
    call_command("demo", scale=0.02, stdout=out)
    passwords = dict(re.findall(r"^\s+(dt_\w+)\s+(\S+)\s", out.getvalue(), re.M))
    campaign_pk = RectificationItem.objects.values_list("campaign_id", flat=True).first()

    # The county officer's home page says where the county stands today.
    _log_in(page, live_server, "dt_county", passwords["dt_county"])
    assert "全县" in page.get_by_test_id("panel-headline").inner_text()
    page.get_by_role("link", name="换届进度").first.click()
    page.wait_for_load_state()
    assert "全县" in page.get_by_test_id("headline").inner_text()
    page.wait_for_function("() => document.querySelector('.hj-chart canvas') !== null")
    shot(page, "demo-board-county")

    # 桥头镇 has late villages in the demo: its late list, a late village, its schedule.
    page.get_by_test_id("late-630121100").click()
    page.wait_for_load_state()
    assert "status=late" in page.url
    first = page.locator("[data-testid^=village-]").first
    assert "滞后" in first.inner_text()
    first.get_by_role("link").first.click()
    page.wait_for_load_state()
    assert "/schedule/630121100" in page.url
    assert "逾期" in page.content()
    shot(page, "demo-late-village-schedule")
    # The late stage recorded done (htmx): its row and the summary above follow at once.
    summary = page.get_by_test_id("schedule-summary")
    before = summary.inner_text()
    late = page.locator("tr", has=page.locator("[data-testid=stage-state]", has_text="逾期")).first
    late.locator("input[name=done_on]").fill(timezone.localdate().isoformat())
    late.locator("input[name=note]").fill("党组织换届选举已完成，结果已报乡镇党委")
    late.get_by_role("button", name="登记完成").click()
    page.wait_for_function(
        "before => document.querySelector('[data-testid=schedule-summary]').innerText !== before",
        arg=before,
    )
    assert "已完成" in page.content()

    # An open rectification item of a complex village, closed (销号).
    item = RectificationItem.objects.filter(status="open").order_by("pk").first()
    assert item is not None
    page.goto(f"{live_server.url}/ledgers/{campaign_pk}/rectification/{item.pk}/")
    close = page.get_by_test_id("move-closed")
    close.get_by_label("销号日期").fill(timezone.localdate().isoformat())
    close.get_by_label("销号说明").fill("整改到位，经乡镇党委验收销号")
    close.get_by_role("button", name="销号").click()
    page.wait_for_load_state()
    item.refresh_from_db()
    assert item.status == "closed"
    shot(page, "demo-rectification-closed")

    # The weekly figures as the county sends them up.
    page.goto(f"{live_server.url}/progress/{campaign_pk}/board/630121/")
    with page.expect_download() as download:
        page.get_by_test_id("weekly-xlsx").click()
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    assert "大通回族土族自治县" in sheet["A1"].value and "周报表" in sheet["A1"].value
    assert any(row[0] == "合计" for row in sheet.iter_rows(values_only=True))

    # The inspector records a visit and a problem in a town of his group.
    page.context.clear_cookies()
    _log_in(page, live_server, "dt_inspect", passwords["dt_inspect"])
    visits = InspectionVisit.objects.count()
    page.goto(f"{live_server.url}/oversight/{campaign_pk}/")
    page.get_by_test_id("visit-new").click()
    page.wait_for_load_state()
    _choose_first(page, "督导组")
    _choose_first(page, "督导地点")
    page.get_by_label("督导日期").fill(timezone.localdate().isoformat())
    page.get_by_label("督导内容").fill("候选人提名和资格审查进展")
    page.get_by_label("督导情况").fill("提名材料齐全，资格审查台账已建立")
    page.get_by_test_id("visit-submit").click()
    page.wait_for_load_state()
    assert InspectionVisit.objects.count() == visits + 1
    _choose_first(page, "责任单位")
    page.get_by_label("发现问题").fill("个别村选委会推选会议记录不全")
    page.get_by_label("整改要求").fill("五日内补齐会议记录并存档")
    page.get_by_test_id("problem-submit").click()
    page.wait_for_load_state()
    problem = InspectionProblem.objects.order_by("-pk").first()
    assert problem is not None and problem.description == "个别村选委会推选会议记录不全"
    assert problem.recorded_by.username == "dt_inspect"
    shot(page, "demo-inspector-problem")
