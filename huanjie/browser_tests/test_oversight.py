"""An inspector (督导组) records a visit and a problem found on it, in the town his group covers
(issue 14, Done when); the town then sees the problem in its ledger and closes it."""

from __future__ import annotations

import pytest

from huanjie.browser_tests.conftest import shot
from huanjie.browser_tests.test_town_officer import login
from huanjie.conftest import TOWN, VILLAGE
from huanjie.oversight.models import InspectionProblem, InspectionVisit, ProblemStatus
from huanjie.oversight.tests import world as ow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_inspector_records_a_visit_and_a_problem(page, live_server, cast, campaign):
    group = ow.group(campaign, TOWN, [cast.inspector], cast.county_officer)
    login(page, live_server, "inspector")
    assert page.get_by_test_id("panel-inspection-problems").is_visible()

    page.goto(f"{live_server.url}/oversight/")  # one campaign: its page
    assert page.url.endswith(f"/oversight/{campaign.pk}/")
    shot(page, "oversight-campaign-inspector")
    page.get_by_test_id("visit-new").click()
    page.wait_for_load_state()
    page.get_by_label("督导组").select_option(label=group.name)
    page.get_by_label("督导地点").select_option(label="红河限村")
    page.get_by_label("督导日期").fill("2026-11-20")
    page.get_by_label("督导内容").fill("选民登记和选民名单公布情况")
    page.get_by_label("督导情况").fill("名单已公布，个别村民小组未张榜")
    shot(page, "oversight-visit-form")
    page.get_by_test_id("visit-submit").click()
    page.wait_for_load_state()
    visit = InspectionVisit.objects.get()
    assert page.url.endswith(f"/oversight/{campaign.pk}/visits/{visit.pk}/")
    assert "已登记督导记录" in page.content()

    page.get_by_label("责任单位").select_option(label="红河限村")
    page.get_by_label("发现问题").fill("第三村民小组未张榜公布选民名单")
    page.get_by_label("整改要求").fill("三日内张榜并留存照片")
    page.get_by_label("整改时限").fill("2026-11-23")
    page.get_by_test_id("problem-submit").click()
    page.wait_for_load_state()
    problem = InspectionProblem.objects.get()
    assert (problem.visit, problem.region_id, problem.recorded_by) == (
        visit,
        VILLAGE,
        cast.inspector,
    )
    row = page.get_by_test_id(f"problem-{problem.pk}")
    assert "第三村民小组未张榜公布选民名单" in row.inner_text()
    shot(page, "oversight-visit-with-problem")

    # The town that owns the problem closes it in its ledger (ledgers:item, a transition).
    page.context.clear_cookies()
    login(page, live_server, "town")
    page.goto(f"{live_server.url}/ledgers/{campaign.pk}/inspection-problems/{problem.pk}/")
    shot(page, "oversight-problem-town")
    assert "第三村民小组未张榜公布选民名单" in page.content()
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN
