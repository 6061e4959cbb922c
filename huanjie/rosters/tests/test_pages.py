"""The roster's pages: the roster with its history, open seats and the 主持 rule; the forms of
a recall's motion and vote and of a by-election; 404 outside the region, the clerk read-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from huanjie.rosters.models import ByElection, Cadre, Recall, RecallStatus
from huanjie.rosters.services.recall import recall_motion, recall_vote

TODAY = timezone.localdate()


def roster_url(closed: Any) -> str:
    return reverse("rosters:election", args=[closed.election.pk])


def recalled(closed: Any, name: str) -> Recall:
    officer = closed.cast.town_officer
    motion = recall_motion(
        actor=officer,
        cadre=Cadre.objects.get(name=name, ended_on__isnull=True),
        reason="长期不履行职责",
        signers=300,
        of=1000,
        by_representatives=False,
        motion_on=TODAY,
    )
    return recall_vote(actor=officer, recall=motion, voted_on=TODAY, electorate=10, voted=8, yes=6)


def test_the_roster_shows_who_holds_each_post(certified, closed, django_assert_max_num_queries):
    client = closed.cast.client(closed.cast.town_officer)
    with django_assert_max_num_queries(30):
        html = client.get(roster_url(closed)).content.decode()
    for name in ("张伟", "王芳", "刘洋", "陈静"):
        assert name in html
    assert "没有空缺名额" in html and "本届尚无人员离任" in html
    assert reverse("results:election", args=[closed.election.pk]) in html
    assert 'data-testid="recall-create"' in html and 'data-testid="presiding"' not in html


def test_a_recall_shows_in_the_history_with_the_open_seat_and_who_presides(certified, closed):
    recalled(closed, "张伟")
    html = closed.cast.client(closed.cast.village_clerk).get(roster_url(closed)).content.decode()
    assert "被罢免" in html and "罢免理由：长期不履行职责" in html
    # The national reading (村民委员会组织法(2025) 第八条): three in office, the seat may stay open.
    assert 'data-testid="open-director"' in html and "现有成员3人，不足的名额可以暂缺" in html
    # No deputy: the member elected with the most votes presides (王芳 and 刘洋 had 14 each).
    assert "主任、副主任暂缺，由得票多的一名委员主持工作，直至选出主任" in html
    assert (
        'data-testid="presiding-name">王芳<' in html or 'data-testid="presiding-name">刘洋<' in html
    )
    assert "本系统的解释" in html
    # The clerk reads but has no buttons.
    assert 'data-testid="recall-create"' not in html


def test_the_motion_and_the_vote_through_the_forms(certified, closed):
    client = closed.cast.client(closed.cast.town_officer)
    url = reverse("rosters:recall_create", args=[closed.election.pk])
    wang = Cadre.objects.get(name="王芳")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "cadre": wang.pk,
            "reason": "长期外出不履行职责",
            "signers": 199,
            "of": 1000,
            "motion_on": TODAY.isoformat(),
        },
        follow=True,
    )
    assert "联名人数不足，罢免要求未成立，已记录：罢免要求须有五分之一以上联名，现为199/1000" in (
        response.content.decode()
    )
    assert Recall.objects.get().status == RecallStatus.REFUSED
    client.post(
        url,
        {
            "cadre": wang.pk,
            "reason": "长期外出不履行职责",
            "signers": 200,
            "of": 1000,
            "motion_on": TODAY.isoformat(),
        },
    )
    motion = Recall.objects.get(status=RecallStatus.MOTION)
    vote_url = reverse("rosters:recall_vote", args=[motion.pk])
    assert "登记表决结果" in client.get(vote_url).content.decode()
    data = {"voted_on": TODAY.isoformat(), "electorate": 1000, "voted": 501, "yes": 251}
    response = client.post(vote_url, data, follow=True)
    assert "罢免通过：“王芳”" in response.content.decode()
    assert Cadre.objects.get(pk=wang.pk).end_reason == "recalled"


def test_a_refusal_names_the_field_and_saves_nothing(certified, closed):
    client = closed.cast.client(closed.cast.town_officer)
    url = reverse("rosters:recall_create", args=[closed.election.pk])
    wang = Cadre.objects.get(name="王芳")
    bad = {"cadre": wang.pk, "reason": "x", "signers": 1001, "of": 1000, "motion_on": "x"}
    html = client.post(url, bad).content.decode()
    assert "提出日期：" in html
    bad["motion_on"] = TODAY.isoformat()
    html = client.post(url, bad).content.decode()
    assert "联名人数（1001）不能多于有选举权的村民（村民代表）人数（1000）" in html
    # A cadre of another roster (or none) is no choice of this form.
    html = client.post(url, {**bad, "signers": 300, "cadre": 10**6}).content.decode()
    assert "被罢免人：" in html
    assert not Recall.objects.exists()


def test_a_by_election_through_the_form(certified, closed):
    recalled(closed, "王芳")
    client = closed.cast.client(closed.cast.town_officer)
    url = reverse("rosters:by_election_create", args=[closed.election.pk])
    assert "委员1名" in client.get(url).content.decode()
    data = {
        "post": "member",
        "seats": 1,
        "reason": "原委员被罢免",
        "held_on": TODAY.isoformat(),
        "electorate": 100,
        "voted": 60,
        "ballots_issued": 60,
        "valid": 58,
        "invalid": 2,
        "lines": "马丽 女 ４０\n韩军，男，18",
    }
    bad = client.post(url, {**data, "lines": "马丽 女 四十"}).content.decode()
    assert "候选人第1行：得票数须为0至1000000之间的整数" in bad
    response = client.post(url, data, follow=True)
    html = response.content.decode()
    assert "补选已登记：马丽当选" in html
    assert Cadre.objects.get(name="马丽").source == "by_election"
    assert "村民委员会组织法(2025) 第二十三条" in html
    # Nothing left open: another one is refused with the reason.
    html = client.post(url, data, follow=True).content.decode()
    assert "没有空缺名额" in html and ByElection.objects.count() == 1


def test_the_clerk_reads_but_is_refused(certified, closed):
    client = closed.cast.client(closed.cast.village_clerk)
    url = reverse("rosters:recall_create", args=[closed.election.pk])
    assert 'data-testid="read-only"' in client.get(url).content.decode()
    wang = Cadre.objects.get(name="王芳")
    data = {"cadre": wang.pk, "reason": "x", "signers": 300, "of": 1000}
    html = client.post(url, {**data, "motion_on": TODAY.isoformat()}).content.decode()
    assert "无权办理该村(社区)干部名册的罢免、补选事项" in html
    assert not Recall.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_county_gets_404_on_every_url(certified, closed, method):
    recall = recall_motion(
        actor=closed.cast.town_officer,
        cadre=Cadre.objects.get(name="王芳"),
        reason="长期不履行职责",
        signers=300,
        of=1000,
        by_representatives=False,
        motion_on=TODAY,
    )
    client = closed.cast.client(closed.cast.other_county_officer)
    e = closed.election.pk
    for url in (
        reverse("rosters:election", args=[e]),
        reverse("rosters:recall_create", args=[e]),
        reverse("rosters:by_election_create", args=[e]),
        reverse("rosters:recall_vote", args=[recall.pk]),
    ):
        if method == "get":
            assert client.get(url).status_code == 404, url
        else:
            assert client.post(url, {"voted_on": TODAY.isoformat()}).status_code in (404, 405), url
    assert Recall.objects.get().status == RecallStatus.MOTION
