"""The oversight pages as their users work: the county sets up a group, the inspector records a
visit and a problem in his group's town (and nowhere else), the work in numbers counts the
ledgers, the home panels show what is due; another county gets 404 everywhere."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from huanjie.conftest import OTHER_TOWN_VILLAGE, TOWN, VILLAGE
from huanjie.lib.xlsx import XLSX_TYPE
from huanjie.oversight.models import InspectionGroup, InspectionProblem, InspectionVisit
from huanjie.oversight.tests import world as ow


@pytest.fixture
def group(cast, campaign):
    return ow.group(campaign, TOWN, [cast.inspector], cast.county_officer)


def test_the_county_sets_up_a_group(cast, campaign):
    client = cast.client(cast.county_officer)
    url = reverse("oversight:groups", kwargs={"pk": campaign.pk})
    response = client.post(
        url,
        {
            "name": "第一督导组",
            "leader": "县委常委 张国华",
            "members": [str(cast.inspector.pk)],
            "towns": [TOWN],
        },
    )
    assert response.status_code == 302
    group = InspectionGroup.objects.get()
    assert list(group.members.all()) == [cast.inspector]
    assert list(group.towns.values_list("code", flat=True)) == [TOWN]
    assert "第一督导组" in client.get(url).content.decode()


def test_only_the_county_sets_up_groups(cast, campaign, group):
    url = reverse("oversight:groups", kwargs={"pk": campaign.pk})
    assert cast.client(cast.town_officer).post(url, {"name": "x"}).status_code == 404
    edit = reverse("oversight:group_edit", kwargs={"pk": campaign.pk, "group": group.pk})
    assert cast.client(cast.inspector).get(edit).status_code == 404


def test_the_inspector_records_a_visit_and_a_problem(cast, campaign, group):
    client = cast.client(cast.inspector)
    url = reverse("oversight:visit_new", kwargs={"pk": campaign.pk})
    page = client.get(url).content.decode()
    assert group.name in page and "红河限村" in page and "东门村" not in page
    response = client.post(
        url,
        {
            "group": str(group.pk),
            "region": VILLAGE,
            "visited_on": "2026-11-20",
            "checked": "选民登记公告张贴情况",
            "summary": "公告已张贴",
        },
    )
    visit = InspectionVisit.objects.get()
    assert response["Location"] == reverse(
        "oversight:visit", kwargs={"pk": campaign.pk, "visit": visit.pk}
    )
    response = client.post(
        response["Location"],
        {"region": VILLAGE, "description": "选民名单未按时张榜", "requirement": "", "due_on": ""},
        follow=True,
    )
    problem = InspectionProblem.objects.get()
    assert (problem.visit, problem.region_id, problem.recorded_by) == (
        visit,
        VILLAGE,
        cast.inspector,
    )
    assert f"已登记发现问题 {problem.number}" in response.content.decode()


def test_the_inspector_is_refused_outside_his_towns_with_the_message(cast, campaign, group):
    client = cast.client(cast.inspector)
    url = reverse("oversight:visit_new", kwargs={"pk": campaign.pk})
    response = client.post(
        url,
        {
            "group": str(group.pk),
            "region": OTHER_TOWN_VILLAGE,
            "visited_on": "2026-11-20",
            "checked": "选民登记",
        },
    )
    assert response.status_code == 200 and not InspectionVisit.objects.exists()
    assert "选择一个有效的选项" in response.content.decode()  # not offered at all


def test_an_inspector_without_a_group_is_told_so(cast, campaign):
    response = cast.client(cast.inspector).get(
        reverse("oversight:visit_new", kwargs={"pk": campaign.pk})
    )
    assert "您尚未加入本次换届的督导组" in response.content.decode()


def test_a_town_officer_has_no_visit_form_and_another_county_sees_nothing(cast, campaign, group):
    problem = ow.problem(campaign, VILLAGE, [cast.inspector], cast.county_officer)
    c = campaign.pk
    assert (
        cast.client(cast.town_officer)
        .get(reverse("oversight:visit_new", kwargs={"pk": c}))
        .status_code
        == 404
    )
    other = cast.client(cast.other_county_officer)
    for url in (
        reverse("oversight:campaign", kwargs={"pk": c}),
        reverse("oversight:groups", kwargs={"pk": c}),
        reverse("oversight:visit", kwargs={"pk": c, "visit": problem.visit_id}),
        reverse("oversight:numbers", kwargs={"pk": c, "code": "630121"}),
        reverse("oversight:numbers_xlsx", kwargs={"pk": c, "code": TOWN}),
    ):
        assert other.get(url).status_code == 404, url


def test_a_town_sees_the_visit_to_its_village_but_no_problem_form(cast, campaign):
    problem = ow.problem(campaign, VILLAGE, [cast.inspector], cast.county_officer)
    url = reverse("oversight:visit", kwargs={"pk": campaign.pk, "visit": problem.visit_id})
    response = cast.client(cast.town_officer).get(url)
    assert response.status_code == 200
    assert b'data-testid="problem-form"' not in response.content
    assert cast.client(cast.town_officer).post(url, {}).status_code == 404


def _fill(cast, campaign, n):
    for _ in range(n):
        ow.problem(campaign, VILLAGE, [cast.inspector], cast.county_officer, closed=True)
        ow.petition(campaign, VILLAGE, cast.county_officer)
        ow.attendee(campaign, TOWN, cast.county_officer, VILLAGE)
        ow.record(campaign, "630121", cast.county_officer)


def test_the_work_in_numbers_counts_the_ledgers(cast, campaign):
    _fill(cast, campaign, 2)
    client = cast.client(cast.county_officer)
    url = reverse("oversight:numbers", kwargs={"pk": campaign.pk, "code": "630121"})
    response = client.get(url)
    numbers = response.context["numbers"]
    assert numbers.value("documents") == 2 and numbers.value("meetings") == 0
    assert numbers.value("training_sessions") == 2 and numbers.value("attendees") == 2
    assert numbers.value("visits") == 2 and numbers.value("problems_closed") == 2
    assert numbers.value("petitions") == 2 and numbers.value("petitions_settled") == 0
    assert "下发换届选举相关文件2个" in numbers.sentence
    towns = {row.name: row.values for row in response.context["towns"]}
    assert towns["县本级"][1] == 2  # the county's documents
    assert towns["桥头镇"][2] == 2  # the town's training sessions
    town = client.get(reverse("oversight:numbers", kwargs={"pk": campaign.pk, "code": TOWN}))
    assert town.context["numbers"].value("documents") == 0
    assert town.context["towns"] is None


def test_the_numbers_page_costs_the_same_queries_for_more_rows(cast, campaign):
    client = cast.client(cast.county_officer)
    url = reverse("oversight:numbers", kwargs={"pk": campaign.pk, "code": "630121"})
    _fill(cast, campaign, 1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _fill(cast, campaign, 4)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_the_numbers_export(cast, campaign):
    _fill(cast, campaign, 1)
    response = cast.client(cast.county_officer).get(
        reverse("oversight:numbers_xlsx", kwargs={"pk": campaign.pk, "code": "630121"})
    )
    assert response["Content-Type"] == XLSX_TYPE
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["工作成效", "分乡镇"]
    labels = [row[1] for row in book["工作成效"].iter_rows(min_row=5, values_only=True)]
    assert "下发换届选举相关文件" in labels
    assert book["分乡镇"].cell(row=book["分乡镇"].max_row, column=1).value == "合计"


def test_the_home_panels(cast, campaign, group):
    visit = ow.visit(campaign, VILLAGE, [cast.inspector], cast.county_officer)
    late = InspectionProblem.objects.create(
        campaign=campaign,
        visit=visit,
        region_id=VILLAGE,
        description="候选人公示未满五日",
        due_on=timezone.localdate() - timedelta(days=2),
        recorded_by=cast.inspector,
    )
    petition = ow.petition(campaign, VILLAGE, cast.county_officer)
    petition.received_on = timezone.localdate() - timedelta(days=58)
    petition.due_on = petition.received_on + timedelta(days=60)
    petition.save()
    home = cast.client(cast.inspector).get("/").content.decode()
    assert 'data-testid="panel-inspection-problems"' in home and late.description in home
    home = cast.client(cast.town_officer).get("/").content.decode()
    assert 'data-testid="panel-petitions-due"' in home and petition.number in home
