"""两述, 公示 and the formal candidate list (issue 10 items 2 and 4): the surplus refused with the
engine's article, the orders (姓氏笔画, votes), nobody barred or disqualified on a list, a fixed
list frozen (seats, additions), withdrawal and 递补, the county's unfixing, the publicity and
objection rules and the statements' validation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from huanjie.audit.models import AuditEvent
from huanjie.conftest import make_campaign
from huanjie.elections.services import election_set_seats
from huanjie.nomination import lists
from huanjie.nomination import services as n
from huanjie.nomination.models import (
    CandidateList,
    CandidateListHistory,
    ListOrder,
    ListStatus,
    NomineeHistory,
    PublicityObjection,
    Stage,
    Statement,
)
from huanjie.nomination.tests.test_services import make_election, propose

TODAY = timezone.localdate()


@pytest.fixture
def camp(cast):
    """A campaign around today: begun 60 days ago, voting in 30 days."""
    return make_campaign(
        cast,
        term=13,
        start=TODAY - timedelta(days=60),
        end=TODAY + timedelta(days=120),
        election_day=TODAY + timedelta(days=30),
    )


@pytest.fixture
def villagers(cast, camp):
    return make_election(cast, camp)


@pytest.fixture
def party(cast, camp):
    return make_election(cast, camp, body="party", method="three_recommendations")


def formal(cast, election, name, post="member"):
    """A committee nominee moved by the services to 正式候选人."""
    actor = cast.town_officer
    nominee = propose(actor, election, name=name, post=post, how="voters_jointly")
    n.nominee_send_to_review(actor=actor, nominee=nominee)
    n.nominee_qualify(actor=actor, nominee=nominee)
    return n.nominee_make_formal(actor=actor, nominee=nominee)


def qualified(cast, election, name, post="member"):
    actor = cast.town_officer
    nominee = propose(actor, election, name=name, post=post, how="voters_jointly")
    n.nominee_send_to_review(actor=actor, nominee=nominee)
    return n.nominee_qualify(actor=actor, nominee=nominee)


def party_formal(
    cast, election, name, committee_votes, member_votes=10, mass_votes=20, post="member"
):
    actor = cast.town_officer
    nominee = propose(actor, election, name=name, post=post, how="members_and_masses")
    n.nominee_send_to_review(actor=actor, nominee=nominee)
    n.nominee_qualify(actor=actor, nominee=nominee)
    n.nominee_recommend(
        actor=actor, nominee=nominee, member_votes=member_votes, mass_votes=mass_votes
    )
    n.nominee_preselect(actor=actor, nominee=nominee, committee_votes=committee_votes)
    return n.nominee_make_formal(actor=actor, nominee=nominee)


def past_publicity(cast, election, subject="nominees", post=None):
    """A publicity period that ended yesterday."""
    return lists.publicity_open(
        actor=cast.town_officer,
        election=election,
        subject=subject,
        starts_on=TODAY - timedelta(days=6),
        ends_on=TODAY - timedelta(days=1),
        post=post,
    )


MEMBERS = ["宋江", "李明", "沈括", "刘洋", "王芳"]


@pytest.fixture
def five_members(cast, villagers):
    return [formal(cast, villagers, name) for name in MEMBERS]


def names(candidate_list):
    return [e.nominee.person.name for e in candidate_list.entries.order_by("position")]


def member_post(election):
    return election.posts.get(post="member")


# ---------------------------------------------------------------------------------------------
# Surplus and order.


def test_fixing_is_refused_below_the_surplus_with_the_engines_message_and_article(cast, villagers):
    for name in MEMBERS[:4]:
        formal(cast, villagers, name)
    verdict = lists.list_verdict(member_post(villagers))
    assert "委员应选4名" in verdict.surplus and "现为4名" in verdict.surplus
    with pytest.raises(ValidationError) as exc:
        lists.list_fix(actor=cast.town_officer, post=member_post(villagers))
    assert "委员应选4名，候选人应当不少于5名，现为4名（依据：村民委员会组织法(2025) 第十八条）" in (
        exc.value.messages
    )
    assert not CandidateList.objects.exists()
    assert not AuditEvent.objects.filter(action="candidate_list.fix").exists()


def test_a_fixed_list_is_in_surname_stroke_order_with_history_and_audit(
    cast, villagers, five_members
):
    candidate_list = lists.list_fix(actor=cast.town_officer, post=member_post(villagers))
    # 王 4 strokes, 刘 6, then 李 沈 宋 (7 strokes: 横 before 点; 沈 before 宋 by the 2nd stroke).
    assert names(candidate_list) == ["王芳", "刘洋", "李明", "沈括", "宋江"]
    assert (candidate_list.status, candidate_list.order, candidate_list.seats) == (
        ListStatus.FIXED,
        ListOrder.STROKES,
        4,
    )
    assert "第十八条" in candidate_list.surplus_basis
    row = CandidateListHistory.objects.get(candidate_list=candidate_list)
    assert (row.event, row.names) == ("fixed", ["王芳", "刘洋", "李明", "沈括", "宋江"])
    event = AuditEvent.objects.get(action="candidate_list.fix")
    assert all("*" in masked for masked in event.changes["candidates"])


def test_the_partys_members_go_by_strokes_and_by_votes_when_chosen(cast, party):
    for name, votes in [("李明", 7), ("王芳", 9), ("刘洋", 12), ("宋江", 8), ("沈括", 10)]:
        party_formal(cast, party, name, committee_votes=votes)
    post = member_post(party)
    past_publicity(cast, party, "preselected")
    # 中国共产党基层组织选举工作条例 第二十四条: 以姓氏笔画为序.
    verdict = lists.list_verdict(post)
    assert [c.person.name for c in verdict.candidates] == ["王芳", "刘洋", "李明", "沈括", "宋江"]
    assert "第二十四条" in verdict.order_basis
    fixed = lists.list_fix(actor=cast.town_officer, post=post, order="votes")
    assert names(fixed) == ["刘洋", "沈括", "王芳", "宋江", "李明"]
    assert fixed.order == ListOrder.VOTES


def test_votes_tie_goes_to_recommendation_votes_then_strokes(cast, party):
    party_formal(cast, party, "李明", committee_votes=9, member_votes=5, mass_votes=5)
    party_formal(cast, party, "宋江", committee_votes=9, member_votes=30, mass_votes=5)
    party_formal(cast, party, "王芳", committee_votes=9, member_votes=5, mass_votes=5)
    verdict = lists.list_verdict(member_post(party), order="votes")
    assert [c.person.name for c in verdict.candidates] == ["宋江", "王芳", "李明"]


def test_by_votes_is_refused_when_a_candidate_has_no_votes(cast, villagers, five_members):
    with pytest.raises(ValidationError) as exc:
        lists.list_fix(actor=cast.town_officer, post=member_post(villagers), order="votes")
    assert "宋江没有得票数，不能按得票多少排序" in exc.value.messages


def test_the_partys_list_needs_its_preselected_publicity_ended(cast, party):
    for name, votes in [("李明", 7), ("王芳", 9), ("刘洋", 12), ("宋江", 8), ("沈括", 10)]:
        party_formal(cast, party, name, committee_votes=votes)
    post = member_post(party)
    with pytest.raises(ValidationError) as exc:
        lists.list_fix(actor=cast.town_officer, post=post)
    assert any("候选人预备人选尚未公示" in m for m in exc.value.messages)
    lists.publicity_open(
        actor=cast.town_officer,
        election=party,
        subject="preselected",
        starts_on=TODAY - timedelta(days=2),
        ends_on=TODAY,
    )
    with pytest.raises(ValidationError) as exc:
        lists.list_fix(actor=cast.town_officer, post=post)
    assert any("尚未结束" in m for m in exc.value.messages)
    # A village clerk never handles the Party's nominees.
    with pytest.raises(ValidationError):
        lists.list_fix(actor=cast.village_clerk, post=post)


def test_self_nominated_has_no_list(cast, camp):
    election = make_election(cast, camp, method="self_nominated")
    with pytest.raises(ValidationError) as exc:
        lists.list_fix(actor=cast.town_officer, post=member_post(election))
    assert exc.value.messages == ["自荐直选不确定正式候选人名单"]


# ---------------------------------------------------------------------------------------------
# Nobody who may not stand is ever on a list.


def test_a_person_barred_in_another_election_cannot_be_fixed_on_a_list(
    cast, camp, villagers, five_members
):
    party = make_election(cast, camp, body="party", method="three_recommendations")
    shen = five_members[2].person
    nominee = n.nominee_propose(
        actor=cast.town_officer,
        election=party,
        post=party.posts.get(post="member"),
        person=shen,
        how_nominated="members_and_masses",
    )
    n.nominee_send_to_review(actor=cast.town_officer, nominee=nominee)
    n.nominee_disqualify(
        actor=cast.town_officer, nominee=nominee, reason="涉黑涉恶受处理", cannot_stand=True
    )
    with pytest.raises(ValidationError) as exc:
        lists.list_fix(actor=cast.town_officer, post=member_post(villagers))
    assert "沈括在本次换届中经资格审查不得作为候选人" in exc.value.messages
    assert not CandidateList.objects.exists()


def test_a_person_deprived_of_political_rights_cannot_be_fixed_on_a_list(
    cast, villagers, five_members
):
    person = five_members[0].person
    person.rights_deprived_from = TODAY - timedelta(days=400)
    person.save()
    with pytest.raises(ValidationError) as exc:
        lists.list_fix(actor=cast.town_officer, post=member_post(villagers))
    assert any("依据" in m for m in exc.value.messages)


# ---------------------------------------------------------------------------------------------
# A fixed list is frozen.


def test_a_fixed_list_freezes_the_seats_and_takes_no_new_candidate(cast, villagers, five_members):
    lists.list_fix(actor=cast.town_officer, post=member_post(villagers))
    with pytest.raises(ValidationError) as exc:
        election_set_seats(
            actor=cast.county_officer, election=villagers, seats={"director": 1, "member": 5}
        )
    assert (
        "委员的正式候选人名单已确定，应选名额不能改变（须先由县级撤销确定）" in exc.value.messages
    )
    assert member_post(villagers).seats == 4
    late = qualified(cast, villagers, "马玉兰")
    with pytest.raises(ValidationError) as exc:
        n.nominee_make_formal(actor=cast.town_officer, nominee=late)
    assert any("名单已确定" in m for m in exc.value.messages)
    with pytest.raises(ValidationError):
        lists.list_fix(actor=cast.town_officer, post=member_post(villagers))
    # The director's list is not fixed: its seats may still be set (to the same one).
    election_set_seats(
        actor=cast.county_officer, election=villagers, seats={"director": 1, "member": 4}
    )


def test_a_withdrawal_is_filled_by_the_next_in_line(cast, villagers, five_members):
    candidate_list = lists.list_fix(actor=cast.town_officer, post=member_post(villagers))
    with pytest.raises(ValidationError):
        lists.list_fill(actor=cast.town_officer, candidate_list=candidate_list)
    later = qualified(cast, villagers, "丁一")
    qualified(cast, villagers, "马玉兰")
    n.nominee_withdraw(actor=cast.town_officer, nominee=five_members[1], reason="本人申请退出")
    entry = lists.list_fill(actor=cast.town_officer, candidate_list=candidate_list)
    assert entry.nominee_id == later.pk  # the first in the order of nomination
    later.refresh_from_db()
    assert later.stage == Stage.FORMAL
    assert NomineeHistory.objects.filter(nominee=later, to_stage="formal").exists()
    # 丁 (2 strokes) comes first; 李明 keeps his place, withdrawn.
    assert names(candidate_list) == ["丁一", "王芳", "刘洋", "李明", "沈括", "宋江"]
    row = candidate_list.history.get(event="filled")
    assert row.names == ["丁一", "王芳", "刘洋", "沈括", "宋江"]
    with pytest.raises(ValidationError):
        lists.list_fill(actor=cast.town_officer, candidate_list=candidate_list)


def test_only_the_county_unfixes_with_a_reason(cast, villagers, five_members):
    candidate_list = lists.list_fix(actor=cast.town_officer, post=member_post(villagers))
    with pytest.raises(ValidationError) as exc:
        lists.list_unfix(actor=cast.town_officer, candidate_list=candidate_list, reason="重新审查")
    assert exc.value.messages == ["只有县级可以撤销已确定的正式候选人名单"]
    with pytest.raises(ValidationError):
        lists.list_unfix(actor=cast.county_officer, candidate_list=candidate_list, reason="重")
    lists.list_unfix(
        actor=cast.county_officer, candidate_list=candidate_list, reason="职数调整，重新确定"
    )
    candidate_list.refresh_from_db()
    assert candidate_list.status == ListStatus.OPEN
    assert not candidate_list.entries.exists()
    assert candidate_list.history.get(event="unfixed").names == [
        "王芳",
        "刘洋",
        "李明",
        "沈括",
        "宋江",
    ]
    assert AuditEvent.objects.filter(action="candidate_list.unfix").count() == 1
    again = lists.list_fix(actor=cast.town_officer, post=member_post(villagers))
    assert again.pk == candidate_list.pk and again.fixed


def test_another_county_cannot_fix(cast, villagers, five_members):
    with pytest.raises(ValidationError):
        lists.list_fix(actor=cast.other_county_officer, post=member_post(villagers))
    with pytest.raises(ValidationError):
        lists.list_fix(actor=cast.inspector, post=member_post(villagers))
    assert not CandidateList.objects.exists()


# ---------------------------------------------------------------------------------------------
# Publicity and objections.


def test_a_publicity_cannot_end_before_it_starts_nor_be_preselected_for_a_committee(
    cast, villagers
):
    with pytest.raises(ValidationError) as exc:
        lists.publicity_open(
            actor=cast.town_officer,
            election=villagers,
            subject="nominees",
            starts_on=TODAY,
            ends_on=TODAY - timedelta(days=1),
        )
    assert any("不能早于开始日期" in m for m in exc.value.messages)
    with pytest.raises(ValidationError) as exc:
        lists.publicity_open(
            actor=cast.town_officer,
            election=villagers,
            subject="preselected",
            starts_on=TODAY,
            ends_on=TODAY,
        )
    assert exc.value.messages == ["只有村党组织的三推两述一选有候选人预备人选公示"]
    with pytest.raises(ValidationError) as exc:
        lists.publicity_open(
            actor=cast.town_officer,
            election=villagers,
            subject="formal",
            starts_on=TODAY,
            ends_on=TODAY,
        )
    assert "尚未确定" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        lists.publicity_open(
            actor=cast.town_officer,
            election=villagers,
            subject="nominees",
            starts_on=TODAY,
            ends_on=TODAY + timedelta(days=31),  # after the election day
        )


def test_an_open_publicity_and_an_undecided_objection_keep_the_list_open(
    cast, villagers, five_members
):
    post = member_post(villagers)
    running = lists.publicity_open(
        actor=cast.town_officer,
        election=villagers,
        subject="nominees",
        starts_on=TODAY - timedelta(days=2),
        ends_on=TODAY,
        post=post,
    )
    assert any("尚未结束" in m for m in lists.list_verdict(post).problems)
    ended = past_publicity(cast, villagers)
    PublicityObjection.objects.all().delete()
    running.delete()
    objection = lists.objection_receive(
        actor=cast.village_clerk,
        publicity=ended,
        received_on=ended.starts_on + timedelta(days=1),
        from_name="马玉兰",
        content="反映其身份证号630121197803010021的户籍有误",
        nominee=five_members[0],
    )
    assert "630121197803010021" not in objection.content
    with pytest.raises(ValidationError) as exc:
        lists.list_fix(actor=cast.town_officer, post=post)
    assert "公示期间宋江反映的问题" in exc.value.messages[0]
    lists.objection_decide(
        actor=cast.town_officer,
        objection=objection,
        decision="rejected",
        note="经核实户籍无误",
        decided_on=objection.received_on,
    )
    with pytest.raises(ValidationError) as exc:
        lists.objection_decide(
            actor=cast.town_officer,
            objection=objection,
            decision="upheld",
            note="改判",
            decided_on=objection.received_on,
        )
    assert "处理结果不能更改" in exc.value.messages[0]
    assert lists.list_fix(actor=cast.town_officer, post=post).fixed


def test_an_upheld_objection_against_a_candidate_keeps_the_list_open(cast, villagers, five_members):
    ended = past_publicity(cast, villagers)
    objection = lists.objection_receive(
        actor=cast.town_officer,
        publicity=ended,
        received_on=ended.ends_on,
        from_name="村民代表",
        content="长期不在村居住",
        nominee=five_members[4],
    )
    lists.objection_decide(
        actor=cast.town_officer,
        objection=objection,
        decision="upheld",
        note="情况属实",
        decided_on=ended.ends_on,
    )
    verdict = lists.list_verdict(member_post(villagers))
    assert "公示期间反映王芳的问题经处理成立，须先办理其退出或资格处理" in verdict.problems


def test_objection_inputs_are_checked(cast, villagers, five_members):
    ended = past_publicity(cast, villagers)
    with pytest.raises(ValidationError) as exc:
        lists.objection_receive(
            actor=cast.town_officer,
            publicity=ended,
            received_on=ended.ends_on + timedelta(days=1),
            from_name=" ",
            content="",
        )
    assert len(exc.value.messages) == 3
    objection = lists.objection_receive(
        actor=cast.town_officer,
        publicity=ended,
        received_on=ended.ends_on,
        from_name="马",
        content="问题",
    )
    with pytest.raises(ValidationError) as exc:
        lists.objection_decide(
            actor=cast.town_officer,
            objection=objection,
            decision="maybe",
            note="",
            decided_on=ended.starts_on,
        )
    assert len(exc.value.messages) == 3
    with pytest.raises(ValidationError):
        lists.objection_receive(
            actor=cast.other_county_officer,
            publicity=ended,
            received_on=ended.ends_on,
            from_name="马",
            content="问题",
        )


# ---------------------------------------------------------------------------------------------
# 两述.


def test_a_statement_is_recorded_with_its_questions(cast, villagers):
    nominee = propose(cast.village_clerk, villagers, name="马玉兰")
    statement = lists.statement_record(
        actor=cast.village_clerk,
        nominee=nominee,
        held_on=TODAY,
        place="村民代表会议",
        summary="发展村集体经济",
        questions=[
            lists.QuestionIn("如何修路？", "党员代表", "争取项目资金"),
            lists.QuestionIn("集体收入？", "马成", "三年翻一番"),
        ],
    )
    assert [q.asked_by for q in statement.questions.all()] == ["党员代表", "马成"]
    assert AuditEvent.objects.filter(action="statement.record").count() == 1


def test_statement_inputs_are_checked(cast, villagers):
    nominee = propose(cast.village_clerk, villagers, name="马玉兰")
    with pytest.raises(ValidationError) as exc:
        lists.statement_record(
            actor=cast.village_clerk,
            nominee=nominee,
            held_on=TODAY + timedelta(days=31),
            summary=" ",
            questions=[lists.QuestionIn("如何修路？", "", "争取项目资金")],
        )
    messages = exc.value.messages
    assert "请填写陈述要点" in messages
    assert "第1个问答的提问、提问人和回答要点都要填写" in messages
    assert any("两述日期" in m for m in messages)
    n.nominee_withdraw(actor=cast.village_clerk, nominee=nominee, reason="本人申请退出")
    with pytest.raises(ValidationError) as exc:
        lists.statement_record(
            actor=cast.village_clerk, nominee=nominee, held_on=TODAY, summary="陈述"
        )
    assert exc.value.messages == ["马玉兰当前为“已退出”，不再记录两述"]
    assert not Statement.objects.exists()


# ---------------------------------------------------------------------------------------------
# The pages.


def _url(name, camp, election, **kw):
    from django.urls import reverse

    return reverse(f"nomination:{name}", kwargs={"pk": camp.pk, "election": election.pk, **kw})


def test_the_page_shows_the_verdict_before_fixing_and_fixes(cast, camp, villagers, five_members):
    client = cast.client(cast.town_officer)
    page = client.get(_url("lists", camp, villagers))
    assert page.status_code == 200
    text = page.content.decode()
    assert "委员应选4名，候选人应为不少于5名，现为5名（差额1名）" in text
    assert "村民委员会组织法(2025) 第十八条" in text
    post = member_post(villagers)
    response = client.post(_url("list_fix", camp, villagers, post=post.pk), {"order": ""})
    assert response.status_code == 302
    assert CandidateList.objects.get(post=post).fixed
    # The notice waits for the director's list.
    assert client.get(_url("list_notice", camp, villagers)).status_code == 302


def test_a_bad_form_on_a_list_button_is_a_message_not_a_404(cast, camp, villagers, five_members):
    client = cast.client(cast.town_officer)
    post = member_post(villagers)
    url = _url("list_fix", camp, villagers, post=post.pk)
    response = client.post(url, {"order": "by_height"}, follow=True)
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not CandidateList.objects.filter(post=post).exists()


def test_another_county_gets_404_on_every_list_url(cast, camp, villagers, five_members):
    post = member_post(villagers)
    client = cast.client(cast.other_county_officer)
    assert client.get(_url("lists", camp, villagers)).status_code == 404
    assert client.get(_url("list_notice", camp, villagers)).status_code == 404
    assert client.get(_url("publicity_add", camp, villagers)).status_code == 404
    response = client.post(_url("list_fix", camp, villagers, post=post.pk), {"order": ""})
    assert response.status_code == 404
    assert not CandidateList.objects.exists()
    # A reviewer (联审部门) sees no list page either.
    assert cast.client(cast.reviewer).get(_url("lists", camp, villagers)).status_code == 404


def test_an_inspector_reads_but_cannot_fix(cast, camp, villagers, five_members):
    client = cast.client(cast.inspector)
    assert client.get(_url("lists", camp, villagers)).status_code == 200
    post = member_post(villagers)
    response = client.post(_url("list_fix", camp, villagers, post=post.pk), {"order": ""})
    assert response.status_code == 404
    assert not CandidateList.objects.exists()


def test_the_party_only_columns_and_the_breadcrumbs(cast, camp, villagers, party):
    from django.urls import reverse

    client = cast.client(cast.town_officer)
    page = client.get(_url("lists", camp, villagers)).content.decode()
    assert "乡镇党委票决" not in page and "党员+群众推荐" not in page
    # The breadcrumbs lead back to the nomination index and the campaign's nomination home.
    assert f'<a href="{reverse("nomination:index")}">提名与候选人</a>' in page
    home = reverse("nomination:home", args=[camp.pk])
    assert f'<a href="{home}">{camp.name}</a>' in page
    page = client.get(_url("lists", camp, party)).content.decode()
    assert "乡镇党委票决" in page and "党员+群众推荐" in page
