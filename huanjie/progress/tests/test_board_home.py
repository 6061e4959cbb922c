"""The home page per role: the clerk's next deadlines, the late villages of a town, the county's
headline figures, the review queue of a department, and the panels other apps register."""

from __future__ import annotations

from datetime import timedelta

import pytest

from huanjie.conftest import VILLAGE
from huanjie.progress import home
from huanjie.progress.tests.board_world import mixed, stage, today


@pytest.fixture
def world(campaign):
    return mixed(campaign)


def test_the_clerk_sees_his_villages_next_deadlines(cast, campaign, world):
    t = today()
    stage(
        campaign,
        VILLAGE,
        "committee",
        "推选村民选举委员会",
        1,
        t - timedelta(days=9),
        done_on=t - timedelta(days=10),
        done_by="manual",
    )
    stage(campaign, VILLAGE, "voter_list", "公布选民名单", 3, t - timedelta(days=3))
    stage(campaign, VILLAGE, "nomination", "提名候选人", 4, t + timedelta(days=6))
    stage(campaign, "630121100207", "voter_list", "公布选民名单", 3, t - timedelta(days=30))
    response = cast.client(cast.village_clerk).get("/")
    [panel] = [p for p in response.context["panels"] if p.title == "本村下一步工作"]
    assert [(r.label, r.tone) for r in panel.rows] == [
        ("公布选民名单", "danger"),
        ("提名候选人", ""),
    ]
    assert panel.rows[0].value.endswith("已逾期3天")
    assert panel.rows[1].value.endswith("还有6天")
    html = response.content.decode()
    assert 'data-testid="panel-next-deadlines"' in html and "已逾期3天" in html


def test_the_town_sees_its_late_villages(cast, campaign, world):
    response = cast.client(cast.town_officer).get("/")
    [panel] = [p for p in response.context["panels"] if p.testid == "panel-late"]
    assert panel.title == "滞后的村(社区)（1个）"
    assert [(r.label, r.value) for r in panel.rows] == [("红河限村 · 公布选民名单", "逾期3天")]
    assert panel.link.endswith(f"/progress/{campaign.pk}/board/630121100/villages/?status=late")


def test_the_county_sees_its_headline_figures(cast, campaign, world, django_assert_max_num_queries):
    client = cast.client(cast.county_officer)
    client.get("/")
    with django_assert_max_num_queries(30):
        response = client.get("/")
    html = response.content.decode()
    assert 'data-testid="panel-headline"' in html
    assert "全县4个村、1个社区中，已完成换届选举2个" in html
    late = next(p for p in response.context["panels"] if p.testid == "panel-late")
    assert late.rows[0].label == "桥头镇红河限村 · 公布选民名单"  # a county names the town


def test_a_department_keeps_its_review_queue_and_no_board_panels(cast, campaign, world):
    response = cast.client(cast.reviewer).get("/")
    assert response.status_code == 200
    assert response.context["panels"] == []
    assert "联审任务" in response.content.decode()


def test_another_app_adds_its_panel(cast, campaign, monkeypatch):
    monkeypatch.setattr(home, "HOME_PANELS", list(home.HOME_PANELS))

    def problems(user):
        if user.username != "inspector":
            return None
        return home.Panel(
            "待整改的督导问题",
            rows=(home.PanelRow("<b>东门村</b> 公示不规范", "3天后到期", tone="warning"),),
            order=5,
        )

    assert home.register_panel(problems) is problems
    home.register_panel(problems)  # once only
    assert home.HOME_PANELS.count(problems) == 1
    response = cast.client(cast.inspector).get("/")
    assert response.context["panels"][0].title == "待整改的督导问题"
    html = response.content.decode()
    assert "&lt;b&gt;东门村&lt;/b&gt; 公示不规范" in html
    assert cast.client(cast.town_officer).get("/").context["panels"][0].title != "待整改的督导问题"
