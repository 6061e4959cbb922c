"""By-election (补选): counted by the engine from the tally sheet's figures like any poll, its
input and output frozen; winners fill an open seat for the rest of the term (RULES.md V18)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from huanjie.audit.models import AuditEvent
from huanjie.polls.services.closing import frozen_hash
from huanjie.rosters.models import ByElection, Cadre, EndReason, Source
from huanjie.rosters.services.by_election import by_election_record
from huanjie.rosters.services.recall import recall_motion, recall_vote

TODAY = timezone.localdate()


def recall(closed: Any, name: str) -> None:
    officer = closed.cast.town_officer
    who = Cadre.objects.get(name=name, ended_on__isnull=True)
    motion = recall_motion(
        actor=officer,
        cadre=who,
        reason="长期不履行职责",
        signers=300,
        of=1000,
        by_representatives=False,
        motion_on=TODAY,
    )
    recall_vote(actor=officer, recall=motion, voted_on=TODAY, electorate=10, voted=8, yes=6)


def by_election(closed: Any, **change: Any) -> ByElection:
    values: dict[str, Any] = {
        "post": "member",
        "seats": 1,
        "reason": "原委员王芳被罢免",
        "held_on": TODAY,
        "electorate": 100,
        "voted": 60,
        "ballots_issued": 60,
        "valid": 58,
        "invalid": 2,
        "votes": {"马丽": 40, "韩军": 18},
        "candidates": [{"name": "马丽", "sex": "F"}, {"name": "韩军", "sex": "M"}],
        **change,
    }
    return by_election_record(actor=closed.cast.town_officer, election=closed.election, **values)


def test_a_by_election_fills_the_recalled_seat_for_the_rest_of_the_term(certified, closed):
    recall(closed, "王芳")
    row = by_election(closed)
    assert row.engine_output["valid"] is True
    assert row.engine_output["elected"] == ["马丽"]
    assert row.engine_hash == frozen_hash(row.engine_input, row.engine_output)
    data = row.engine_input["poll_file"]
    assert data["poll"] == "first" and data["posts"] == [{"post": "member", "seats": 1}]
    assert data["counted"] == {
        "valid": 58,
        "invalid": 2,
        "votes": {"member": {"马丽": 40, "韩军": 18}},
    }
    ma = Cadre.objects.get(name="马丽")
    assert (ma.post, ma.source, ma.started_on, ma.term_number, ma.sex, ma.ended_on) == (
        "member",
        Source.BY_ELECTION,
        TODAY,
        13,
        "F",
        None,
    )
    assert ma.by_election == row and ma.result_version is None
    event = AuditEvent.objects.get(action="roster.by_election")
    assert event.changes["elected"] == ["马丽"]
    # The seat is filled: a second by-election of it is refused.
    with pytest.raises(ValidationError, match="委员应选3名，在任3名，没有空缺名额"):
        by_election(closed)


def test_a_post_with_no_open_seat_is_refused(certified, closed):
    with pytest.raises(ValidationError) as exc:
        by_election(
            closed,
            post="director",
            votes={"马丽": 40},
            candidates=[{"name": "马丽", "sex": "F"}, {"name": "韩军", "sex": "M"}],
        )
    assert exc.value.messages == ["补选职位：主任应选1名，在任1名，没有空缺名额，不能补选"]
    with pytest.raises(ValidationError, match="该选举没有“副主任”职位"):
        by_election(closed, post="deputy_director")
    assert not ByElection.objects.exists()


def test_an_invalid_by_election_adds_nobody(certified, closed):
    recall(closed, "王芳")
    # 村民委员会组织法(2025) 第十八条 (补选 follows it, 第二十三条): 50 of 100 is not over half.
    row = by_election(
        closed, voted=50, ballots_issued=50, valid=50, invalid=0, votes={"马丽": 40, "韩军": 10}
    )
    assert row.engine_output["valid"] is False
    assert row.engine_output["reasons"] == ["turnout_not_over_half"]
    assert not Cadre.objects.filter(source=Source.BY_ELECTION).exists()
    # Nobody above half of those who voted: kept, nobody added.
    row = by_election(closed, votes={"马丽": 30, "韩军": 28})
    assert row.engine_output["valid"] is True and row.engine_output["elected"] == []
    assert not Cadre.objects.filter(source=Source.BY_ELECTION).exists()
    assert ByElection.objects.count() == 2


def test_a_member_elected_director_leaves_the_members_seat(certified, closed):
    recall(closed, "张伟")
    row = by_election(
        closed,
        post="director",
        reason="原主任被罢免",
        votes={"刘洋": 45, "韩军": 12},
        candidates=[{"name": "刘洋", "sex": "M"}, {"name": "韩军", "sex": "M"}],
    )
    assert row.engine_output["elected"] == ["刘洋"]
    liu = list(Cadre.objects.filter(name="刘洋").order_by("pk"))
    assert [(c.post, c.ended_on, c.end_reason) for c in liu] == [
        ("member", TODAY, EndReason.OTHER),
        ("director", None, ""),
    ]
    # The candidate of the first poll keeps his person.
    assert liu[1].person is not None and liu[1].person == liu[0].person


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"votes": {"马丽": 40}, "candidates": [{"name": "马丽", "sex": "F"}]},
            "计票数据有误：candidates：委员应选1名，候选人应当不少于2名，现为1名",
        ),
        ({"votes": {"赵六": 40}}, "得票数：“赵六”不在候选人名单中"),
        ({"candidates": []}, "候选人：请至少填写一名候选人"),
        ({"candidates": [{"name": "马丽", "sex": "X"}]}, "候选人第1名：性别须为男或女"),
        (
            {"candidates": [{"name": "马丽", "sex": "F"}, {"name": "马丽", "sex": "F"}]},
            "候选人“马丽”重复",
        ),
        (
            {"candidates": [{"name": "马丽", "sex": "F", "person_id": 10**9}]},
            "候选人第1名：所选人员",
        ),
        ({"votes": {"马丽": 59, "韩军": 18}}, "计票数据有误：counted.votes.member.马丽"),
        ({"voted": 101}, "参加投票人数（101）不能多于登记参加选举的人数（100）"),
        ({"seats": 0}, "补选名额：须大于0"),
        ({"seats": 2}, "补选名额：委员只有1个空缺名额，不能补选2名"),
        ({"reason": ""}, "补选原因：请填写"),
        ({"held_on": TODAY + timedelta(days=1)}, "补选日期：不能晚于今天"),
        ({"held_on": TODAY - timedelta(days=1)}, "补选日期：不能早于本届选举日"),
        ({"electorate": 10**10}, "登记参加选举的人数：须为0至1000000之间的整数"),
    ],
)
def test_a_bad_by_election_is_refused_naming_the_field(certified, closed, change, message):
    recall(closed, "王芳")
    with pytest.raises(ValidationError) as exc:
        by_election(closed, **change)
    assert exc.value.messages[0].startswith(message), exc.value.messages
    assert not ByElection.objects.exists()


def test_nothing_before_the_result_is_certified_and_no_clerk(closed):
    with pytest.raises(ValidationError, match="尚未经县级确认"):
        by_election(closed)
    with pytest.raises(ValidationError, match="无权办理"):
        by_election_record(
            actor=closed.cast.village_clerk,
            election=closed.election,
            post="member",
            seats=1,
            reason="补选",
            held_on=TODAY,
            electorate=100,
            voted=60,
            ballots_issued=60,
            valid=60,
            invalid=0,
            votes={"马丽": 40},
            candidates=[{"name": "马丽", "sex": "F"}, {"name": "韩军", "sex": "M"}],
        )
