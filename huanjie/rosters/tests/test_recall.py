"""Recall (罢免) of a cadre in force: the motion's names and the vote, each judged by the engine
at its boundary (RULES.md V15, C8), and a recalled cadre leaving the roster with its history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from huanjie.audit.models import AuditEvent
from huanjie.rosters.models import Cadre, EndReason, Recall, RecallStatus, Source
from huanjie.rosters.services.common import MSG_NOT_ALLOWED, MSG_PARTY
from huanjie.rosters.services.recall import recall_motion, recall_vote
from huanjie.rosters.services.results import roster_from_version

TODAY = timezone.localdate()


def cadre(name: str) -> Cadre:
    return Cadre.objects.get(name=name, ended_on__isnull=True)


def motion(actor, who: Cadre, signers: int, of: int, **kw) -> Recall:
    return recall_motion(
        actor=actor,
        cadre=who,
        reason=kw.pop("reason", "长期不履行职责"),
        signers=signers,
        of=of,
        by_representatives=kw.pop("by_representatives", False),
        motion_on=kw.pop("motion_on", TODAY),
    )


@pytest.mark.parametrize(
    ("signers", "of", "representatives", "status"),
    [
        # 村民委员会组织法(2025) 第十九条: "五分之一以上有选举权的村民" (以上 includes the number).
        (200, 1000, False, RecallStatus.MOTION),
        (199, 1000, False, RecallStatus.REFUSED),
        (201, 1001, False, RecallStatus.MOTION),
        (200, 1001, False, RecallStatus.REFUSED),
        # "三分之一以上的村民代表联名".
        (20, 60, True, RecallStatus.MOTION),
        (19, 60, True, RecallStatus.REFUSED),
    ],
)
def test_a_motion_needs_a_fifth_of_the_voters_or_a_third_of_the_representatives(
    certified, closed, signers, of, representatives, status
):
    recall = motion(
        closed.cast.town_officer, cadre("王芳"), signers, of, by_representatives=representatives
    )
    assert recall.status == status
    judgement = recall.judgement
    assert judgement["articles"] == ["村民委员会组织法(2025) 第十九条"]
    assert judgement["motion"]["needed"] == (-(-of // 3) if representatives else -(-of // 5))
    if status == RecallStatus.REFUSED:
        share = "三分之一以上" if representatives else "五分之一以上"
        assert judgement["motion"]["messages"] == [f"罢免要求须有{share}联名，现为{signers}/{of}"]
    assert AuditEvent.objects.filter(action="roster.recall_motion").count() == 1


@pytest.mark.parametrize(
    ("electorate", "voted", "yes", "status", "reasons"),
    [
        # "登记参加选举的村民过半数投票": exactly half is not more than half.
        (1000, 500, 500, RecallStatus.NOT_RECALLED, ["turnout_not_over_half"]),
        # "并须经投票的村民过半数通过".
        (1000, 501, 251, RecallStatus.RECALLED, []),
        (1000, 501, 250, RecallStatus.NOT_RECALLED, ["not_approved"]),
        (999, 500, 251, RecallStatus.RECALLED, []),
    ],
)
def test_the_vote_needs_more_than_half_voting_and_more_than_half_of_them_for(
    certified, closed, electorate, voted, yes, status, reasons
):
    officer = closed.cast.town_officer
    recall = motion(officer, cadre("王芳"), 300, 1000)
    recall = recall_vote(
        actor=officer, recall=recall, voted_on=TODAY, electorate=electorate, voted=voted, yes=yes
    )
    assert recall.status == status
    vote = recall.judgement["vote"]
    assert vote["reasons"] == reasons
    assert vote["turnout"]["needed"] == electorate // 2 + 1
    assert vote["approval"]["needed"] == voted // 2 + 1
    assert vote["articles"] == ["村民委员会组织法(2025) 第十九条"]
    wang = Cadre.objects.get(name="王芳")
    if status == RecallStatus.RECALLED:
        assert (wang.ended_on, wang.end_reason) == (TODAY, EndReason.RECALLED)
        assert wang.end_note == "罢免理由：长期不履行职责"
    else:
        assert wang.ended_on is None


def test_a_recalled_winner_does_not_come_back_with_the_result(certified, closed):
    officer = closed.cast.town_officer
    recall = motion(officer, cadre("王芳"), 300, 1000)
    recall_vote(actor=officer, recall=recall, voted_on=TODAY, electorate=10, voted=8, yes=6)
    # The same result in force again (a correction that keeps the winners) leaves her out.
    assert roster_from_version(actor=officer, version=certified) == []
    assert not Cadre.objects.filter(name="王芳", ended_on__isnull=True).exists()


def test_a_residents_committee_needs_a_tenth(certified, closed):
    # 城市居民委员会组织法(2025) 第二十条: "十分之一以上有选举权的居民或者户的代表".
    director = cadre("张伟")
    residents = Cadre.objects.create(
        village=director.village,
        body="residents",
        term=director.term,
        term_number=13,
        post="member",
        name="居委委员",
        sex="F",
        source=Source.IMPORT,
        started_on=TODAY - timedelta(days=30),
    )
    officer = closed.cast.town_officer
    assert motion(officer, residents, 100, 1000).status == RecallStatus.MOTION
    again = Cadre.objects.create(
        village=director.village,
        body="residents",
        term=director.term,
        term_number=13,
        post="member",
        name="居委委员二",
        sex="M",
        source=Source.IMPORT,
        started_on=TODAY - timedelta(days=30),
    )
    refused = motion(officer, again, 99, 1000)
    assert refused.status == RecallStatus.REFUSED
    assert refused.judgement["articles"] == ["城市居民委员会组织法(2025) 第二十条"]


def test_party_members_are_not_recalled_this_way(certified, closed):
    director = cadre("张伟")
    secretary = Cadre.objects.create(
        village=director.village,
        body="party",
        term=director.term,
        term_number=13,
        post="secretary",
        name="党支部书记",
        sex="M",
        source=Source.IMPORT,
        started_on=TODAY - timedelta(days=30),
    )
    with pytest.raises(ValidationError) as exc:
        motion(closed.cast.town_officer, secretary, 500, 1000)
    assert exc.value.messages == [MSG_PARTY]
    assert not Recall.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"signers": 1001}, "联名人数（1001）不能多于有选举权的村民（村民代表）人数（1000）"),
        ({"of": 0}, "有选举权的村民（村民代表）人数：须大于0"),
        ({"signers": -1}, "联名人数：须为0至1000000之间的整数"),
        ({"signers": 10**12}, "联名人数：须为0至1000000之间的整数"),
        ({"reason": "  "}, "罢免理由：请填写"),
        ({"motion_on": TODAY + timedelta(days=1)}, "提出日期：不能晚于今天"),
        ({"motion_on": TODAY - timedelta(days=1)}, "提出日期：不能早于任职日期"),
    ],
)
def test_a_bad_motion_is_refused_naming_the_field(certified, closed, change, message):
    values = {"signers": 300, "of": 1000, **change}
    with pytest.raises(ValidationError) as exc:
        motion(
            closed.cast.town_officer,
            cadre("王芳"),
            values.pop("signers"),
            values.pop("of"),
            **values,
        )
    assert exc.value.messages[0].startswith(message)
    assert not Recall.objects.exists()


def test_one_motion_waits_at_a_time_and_a_closed_one_takes_no_second_vote(certified, closed):
    officer = closed.cast.town_officer
    recall = motion(officer, cadre("王芳"), 300, 1000)
    with pytest.raises(ValidationError, match="已有待表决的罢免要求"):
        motion(officer, cadre("王芳"), 300, 1000)
    recall_vote(actor=officer, recall=recall, voted_on=TODAY, electorate=10, voted=4, yes=4)
    with pytest.raises(ValidationError, match="罢免未通过”，不能再登记表决"):
        recall_vote(actor=officer, recall=recall, voted_on=TODAY, electorate=10, voted=8, yes=8)
    refused = motion(officer, cadre("王芳"), 1, 1000)
    with pytest.raises(ValidationError, match="联名人数不足”，不能再登记表决"):
        recall_vote(actor=officer, recall=refused, voted_on=TODAY, electorate=10, voted=8, yes=8)
    with pytest.raises(ValidationError, match="赞成罢免票数（9）不能多于参加投票人数（8）"):
        recall_vote(actor=officer, recall=recall, voted_on=TODAY, electorate=10, voted=8, yes=9)


def test_a_recalled_cadre_is_not_recalled_twice(certified, closed):
    officer = closed.cast.town_officer
    wang = cadre("王芳")
    recall = motion(officer, wang, 300, 1000)
    recall_vote(actor=officer, recall=recall, voted_on=TODAY, electorate=10, voted=8, yes=6)
    with pytest.raises(ValidationError, match=r"已于.*离任（被罢免），不能罢免"):
        motion(officer, wang, 300, 1000)


def test_a_clerk_and_another_county_are_refused(certified, closed):
    for actor in (closed.cast.village_clerk, closed.cast.other_county_officer):
        with pytest.raises(ValidationError) as exc:
            motion(actor, cadre("王芳"), 300, 1000)
        assert exc.value.messages == [MSG_NOT_ALLOWED]
    recall = motion(closed.cast.county_officer, cadre("王芳"), 300, 1000)
    with pytest.raises(ValidationError) as exc:
        recall_vote(
            actor=closed.cast.village_clerk,
            recall=recall,
            voted_on=TODAY,
            electorate=10,
            voted=8,
            yes=6,
        )
    assert exc.value.messages == [MSG_NOT_ALLOWED]
    assert Recall.objects.get().status == RecallStatus.MOTION
    assert AuditEvent.objects.filter(action="access.denied").count() >= 3
