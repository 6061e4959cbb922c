"""The check-in desk (验证发票): a voter found on this village's roll only — a number from
elsewhere answers as an unknown one — receives one ballot; proxies against the proxies in force;
an undo by the coordinator; the Party's attendance; and the live count for the quorum."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from huanjie.audit.models import AuditEvent
from huanjie.conftest import OTHER_TOWN_VILLAGE, VILLAGE, make_campaign
from huanjie.lib import idcard
from huanjie.party.models import MemberStatus, PartyMember
from huanjie.polls.models import CheckIn, PartyAttendance
from huanjie.polls.services import checkin as desk
from huanjie.polls.services import setup as s
from huanjie.polls.services.lifecycle import poll_create_first, poll_open_voting
from huanjie.polls.tests.conftest import TODAY, fixed_election, make_world
from huanjie.polls.tests.matrix_setup import party_poll, roll_voter
from huanjie.voters.services import proxy_record, proxy_withdraw


@pytest.fixture
def officer(world: Any) -> Any:
    return world.cast.town_officer


@pytest.fixture
def box(poll: Any, officer: Any) -> Any:
    return s.box_add(actor=officer, poll=poll, name="中心会场")


@pytest.fixture
def mobile(poll: Any, officer: Any) -> Any:
    return s.box_add(actor=officer, poll=poll, name="流动票箱一", mobile=True)


@pytest.fixture
def people(world: Any) -> dict[str, tuple[Any, str]]:
    """Voters of 红河限村 with their full ID numbers, and one of 东门村."""
    officer, campaign = world.cast.county_officer, world.campaign
    found = {
        name: roll_voter(officer, campaign, name, VILLAGE)
        for name in ("马玉兰", "祁国强", "韩秀英")
    }
    found["鲁成福"] = roll_voter(officer, campaign, "鲁成福", OTHER_TOWN_VILLAGE)
    return found


@pytest.fixture
def voting(poll: Any, officer: Any, box: Any, mobile: Any, people: Any) -> Any:
    """The poll voting: 100 ballots at the central box, 10 at the mobile box, 韩秀英 listed."""
    s.mobile_voter_add(actor=officer, box=mobile, registration=people["韩秀英"][0], reason="卧床")
    s.ballots_issue(actor=officer, box=box, count=100, serial_from=1)
    s.ballots_issue(actor=officer, box=mobile, count=10, serial_from=101)
    poll_open_voting(actor=officer, poll=poll)
    poll.refresh_from_db()
    return poll


def message(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return "；".join(exc.value.messages)


# ---------------------------------------------------------------------------------------------
# Finding the voter.


def test_a_voter_is_checked_in_by_id_number(voting, officer, box, people):
    registration, number = people["马玉兰"]
    row = desk.check_in(actor=officer, poll=voting, box=box, id_number=number)
    assert (row.registration, row.method, row.by_proxy) == (registration, "id_number", None)
    event = AuditEvent.objects.filter(action="poll.check_in").latest("id")
    assert event.changes["id"] == idcard.mask(number)
    assert number not in str(event.changes)


@pytest.mark.parametrize(
    "typed",
    ["{n}\r\n", "  {n}\t", "马玉兰|{n}|女|汉|19800501", "{full}"],
    ids=["cr", "spaces", "fields", "full-width"],
)
def test_a_card_readers_input_is_read(voting, officer, box, people, typed):
    registration, number = people["马玉兰"]
    full = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    row = desk.check_in(
        actor=officer, poll=voting, box=box, card_reader=typed.format(n=number, full=full)
    )
    assert (row.registration, row.method) == (registration, "card_reader")


def test_a_reader_line_without_a_number_is_refused(voting, officer, box):
    with pytest.raises(ValidationError) as exc:
        desk.check_in(actor=officer, poll=voting, box=box, card_reader="读卡失败\r\n")
    assert exc.value.message_dict == {"card_reader": ["未读到身份证号，请重新刷卡或手工输入"]}


def test_a_number_from_another_village_answers_as_an_unknown_number(voting, officer, box, people):
    unknown = idcard.generate("630121", TODAY - timedelta(days=40 * 365), "M", 499)
    answers = []
    for number in (people["鲁成福"][1], unknown):
        with pytest.raises(ValidationError) as exc:
            desk.check_in(actor=officer, poll=voting, box=box, id_number=number)
        answers.append(exc.value.message_dict)
    assert answers[0] == answers[1] == {"id_number": ["该身份证号不在本村选民名单中"]}


def test_a_malformed_number_is_refused(voting, officer, box, people):
    wrong = people["马玉兰"][1][:-1] + ("0" if people["马玉兰"][1][-1] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        desk.check_in(actor=officer, poll=voting, box=box, id_number=wrong)
    assert exc.value.message_dict == {"id_number": ["身份证号格式不正确，请核对后重新输入"]}


def test_a_voter_is_picked_from_the_list(voting, officer, box, people):
    row = desk.check_in(actor=officer, poll=voting, box=box, registration=people["祁国强"][0])
    assert row.method == "list"
    with pytest.raises(ValidationError) as exc:
        desk.check_in(actor=officer, poll=voting, box=box, registration=people["鲁成福"][0])
    assert exc.value.message_dict == {"registration": ["该选民不在本村选民名单中"]}


def test_exactly_one_way_of_finding_the_voter(voting, officer, box, people):
    with pytest.raises(ValidationError, match="请输入身份证号、刷身份证或从名单中选择选民"):
        desk.check_in(actor=officer, poll=voting, box=box)
    registration, number = people["马玉兰"]
    with pytest.raises(ValidationError, match="请输入身份证号"):
        desk.check_in(
            actor=officer, poll=voting, box=box, id_number=number, registration=registration
        )


def test_the_roll_search_finds_this_village_only(voting, people):
    assert [r.person.name for r in desk.roll_search(voting, "马玉")] == ["马玉兰"]
    assert desk.roll_search(voting, "鲁成福") == []
    assert desk.roll_search(voting, people["鲁成福"][1]) == []
    assert desk.roll_search(voting, people["祁国强"][1]) == [people["祁国强"][0]]
    assert desk.roll_search(voting, "6301") == []


# ---------------------------------------------------------------------------------------------
# One ballot each, at the right box.


def test_a_second_ballot_is_refused_saying_when_and_where(voting, officer, box, people):
    registration, number = people["马玉兰"]
    desk.check_in(actor=officer, poll=voting, box=box, id_number=number)
    with pytest.raises(ValidationError) as exc:
        desk.check_in(actor=officer, poll=voting, box=box, registration=registration)
    text = message(exc)
    assert text.startswith(f"马玉兰（{idcard.mask(number)}）已于")
    assert text.endswith("在“中心会场”领取选票")
    assert number not in text
    assert CheckIn.objects.filter(registration=registration).count() == 1


def test_a_voter_listed_for_a_mobile_box_votes_there_only(voting, officer, box, mobile, people):
    number = people["韩秀英"][1]
    with pytest.raises(ValidationError) as exc:
        desk.check_in(actor=officer, poll=voting, box=box, id_number=number)
    assert exc.value.message_dict == {
        "box": ["韩秀英已列入流动票箱“流动票箱一”的投票人员名单，应在该票箱投票"]
    }
    with pytest.raises(ValidationError) as exc:
        desk.check_in(actor=officer, poll=voting, box=mobile, id_number=people["马玉兰"][1])
    assert exc.value.message_dict == {"box": ["马玉兰不在流动票箱“流动票箱一”的投票人员名单中"]}
    assert desk.check_in(actor=officer, poll=voting, box=mobile, id_number=number).box == mobile


def test_no_check_in_before_voting_begins(poll, officer, box, people):
    with pytest.raises(ValidationError, match="当前为“筹备”，不能登记领票"):
        desk.check_in(actor=officer, poll=poll, box=box, id_number=people["马玉兰"][1])


def test_a_box_of_another_poll_is_refused(world, voting, officer, people):
    rehearsal = poll_create_first(actor=officer, election=world.election, rehearsal=True)
    other = s.box_add(actor=officer, poll=rehearsal, name="中心会场")
    with pytest.raises(ValidationError) as exc:
        desk.check_in(actor=officer, poll=voting, box=other, id_number=people["马玉兰"][1])
    assert exc.value.message_dict == {"box": ["该票箱不属于这次投票"]}


# ---------------------------------------------------------------------------------------------
# Proxies.


@pytest.fixture
def proxy(world: Any, people: Any) -> Any:
    """马玉兰 (principal) gave 祁国强 a written proxy."""
    return proxy_record(
        actor=world.cast.county_officer,
        principal=people["马玉兰"][0],
        holder=people["祁国强"][0],
        relation="邻居",
        close_relative=False,
        filed_on=TODAY - timedelta(days=5),
    )


def test_a_holder_receives_the_principals_ballot_and_their_own(voting, officer, box, people, proxy):
    principal, holder = people["马玉兰"][0], people["祁国强"][0]
    row = desk.check_in(
        actor=officer, poll=voting, box=box, id_number=people["祁国强"][1], by_proxy_for=principal
    )
    assert (row.registration, row.by_proxy) == (principal, holder)
    own = desk.check_in(actor=officer, poll=voting, box=box, id_number=people["祁国强"][1])
    assert (own.registration, own.by_proxy) == (holder, None)
    live = desk.presence(voting)
    assert (live.present, live.by_proxy) == (2, 1)
    with pytest.raises(ValidationError, match="由祁国强代领"):
        desk.check_in(actor=officer, poll=voting, box=box, id_number=people["马玉兰"][1])


def test_a_holder_without_a_proxy_in_force_is_refused(world, voting, officer, box, people, proxy):
    principal = people["马玉兰"][0]
    with pytest.raises(ValidationError) as exc:
        desk.check_in(
            actor=officer,
            poll=voting,
            box=box,
            id_number=people["韩秀英"][1],
            by_proxy_for=principal,
        )
    assert exc.value.message_dict == {
        "by_proxy_for": ["韩秀英未持有马玉兰的有效委托，不能代领选票"]
    }
    proxy_withdraw(
        actor=world.cast.county_officer,
        proxy=proxy,
        on=TODAY - timedelta(days=1),
        reason="本人回村投票",
    )
    with pytest.raises(ValidationError, match="祁国强未持有马玉兰的有效委托"):
        desk.check_in(
            actor=officer,
            poll=voting,
            box=box,
            id_number=people["祁国强"][1],
            by_proxy_for=principal,
        )
    assert not CheckIn.objects.exists()


def test_a_principal_who_already_voted_gets_no_second_ballot(voting, officer, box, people, proxy):
    desk.check_in(actor=officer, poll=voting, box=box, id_number=people["马玉兰"][1])
    with pytest.raises(ValidationError, match=r"马玉兰.*已于.*领取选票"):
        desk.check_in(
            actor=officer,
            poll=voting,
            box=box,
            id_number=people["祁国强"][1],
            by_proxy_for=people["马玉兰"][0],
        )


def test_resident_representatives_vote_without_proxies(cast):
    community = "630121100001"  # 人民路南社区
    campaign = make_campaign(
        cast,
        term=13,
        start=TODAY - timedelta(days=60),
        end=TODAY + timedelta(days=120),
        election_day=TODAY,
    )
    election, _ = fixed_election(
        cast.county_officer,
        campaign,
        community,
        body="residents",
        seats={"director": 1, "member": 4},
    )
    officer = cast.town_officer
    poll = poll_create_first(actor=officer, election=election, mode="representatives")
    box = s.box_add(actor=officer, poll=poll, name="会场")
    s.ballots_issue(actor=officer, box=box, count=60, serial_from=1)
    poll_open_voting(actor=officer, poll=poll, electorate=60)
    poll.refresh_from_db()
    principal, _ = roll_voter(cast.county_officer, campaign, "马玉兰", community)
    _, number = roll_voter(cast.county_officer, campaign, "祁国强", community)
    with pytest.raises(ValidationError) as exc:
        desk.check_in(actor=officer, poll=poll, box=box, id_number=number, by_proxy_for=principal)
    assert exc.value.message_dict == {
        "by_proxy_for": [
            "采取居民代表选举方式的，不能委托投票（依据：城市居民委员会组织法(2025) 第十九条）"
        ]
    }
    # 城市居民委员会组织法(2025) 第十九条: more than two thirds of the representatives.
    live = desk.presence(poll)
    assert (live.electorate, live.needed, live.rule) == (60, 41, "超过三分之二")


# ---------------------------------------------------------------------------------------------
# Undo.


def test_the_coordinator_undoes_a_check_in_with_a_reason(voting, officer, box, people):
    number = people["马玉兰"][1]
    row = desk.check_in(actor=officer, poll=voting, box=box, id_number=number)
    with pytest.raises(ValidationError) as exc:
        desk.check_in_undo(actor=officer, check_in=row, reason=" ")
    assert exc.value.message_dict == {"reason": ["请填写撤销原因"]}
    desk.check_in_undo(actor=officer, check_in=row, reason="录错了人")
    row.refresh_from_db()
    assert row.undone_at and row.undone_by == officer and row.undo_reason == "录错了人"
    assert desk.presence(voting).present == 0
    assert AuditEvent.objects.filter(action="poll.check_in_undo").exists()
    again = desk.check_in(actor=officer, poll=voting, box=box, id_number=number)
    assert again.pk != row.pk
    with pytest.raises(ValidationError, match="该登记已撤销"):
        desk.check_in_undo(actor=officer, check_in=row, reason="再撤")


def test_the_village_clerk_checks_in_but_may_not_undo(world, voting, box, people):
    clerk = world.cast.village_clerk
    row = desk.check_in(actor=clerk, poll=voting, box=box, id_number=people["马玉兰"][1])
    with pytest.raises(ValidationError, match="无权办理该选举的投票"):
        desk.check_in_undo(actor=clerk, check_in=row, reason="录错了人")
    row.refresh_from_db()
    assert row.undone_at is None


def test_another_countys_officer_is_refused(world, voting, box, people):
    other = world.cast.other_county_officer
    with pytest.raises(ValidationError, match="无权办理该选举的投票"):
        desk.check_in(actor=other, poll=voting, box=box, id_number=people["马玉兰"][1])
    assert not CheckIn.objects.exists()


# ---------------------------------------------------------------------------------------------
# The live count and the quorum.


def test_exactly_half_is_no_quorum(cast):
    world = make_world(cast, voters=13)  # 7 candidates + 13 = 20 registered voters
    officer = cast.town_officer
    poll = poll_create_first(actor=officer, election=world.election)
    box = s.box_add(actor=officer, poll=poll, name="中心会场")
    s.ballots_issue(actor=officer, box=box, count=30, serial_from=1)
    poll_open_voting(actor=officer, poll=poll)
    poll.refresh_from_db()
    for registration in world.voters[:10]:
        desk.check_in(actor=officer, poll=poll, box=box, registration=registration)
    live = desk.presence(poll)
    assert (live.electorate, live.present, live.needed, live.met, live.short) == (
        20,
        10,
        11,
        False,
        1,
    )
    assert live.rule == "过半数" and "村民委员会组织法(2025) 第十八条" in live.article
    desk.check_in(actor=officer, poll=poll, box=box, registration=world.voters[10])
    assert desk.presence(poll).met is True


def test_presence_counts_per_box_by_proxy_and_mobile(voting, officer, box, mobile, people, proxy):
    desk.check_in(actor=officer, poll=voting, box=mobile, id_number=people["韩秀英"][1])
    desk.check_in(
        actor=officer,
        poll=voting,
        box=box,
        id_number=people["祁国强"][1],
        by_proxy_for=people["马玉兰"][0],
    )
    live = desk.presence(voting)
    assert (live.present, live.by_proxy, live.mobile) == (2, 1, 1)
    assert [(b.name, b.present, b.by_proxy) for b in live.boxes] == [
        ("中心会场", 1, 1),
        ("流动票箱一", 1, 0),
    ]


# ---------------------------------------------------------------------------------------------
# The Party's members' meeting.


@pytest.fixture
def party(cast: Any, world: Any) -> tuple[Any, list[Any]]:
    """A Party poll of 红河限村 voting: 10 members expected."""
    officer = cast.town_officer
    poll, members = party_poll(cast.county_officer, world.campaign, VILLAGE)
    box = s.box_add(actor=officer, poll=poll, name="会场票箱")
    s.ballots_issue(actor=officer, box=box, count=20, serial_from=1)
    poll_open_voting(actor=officer, poll=poll)
    poll.refresh_from_db()
    return poll, members


def test_the_party_quorum_is_more_than_four_fifths(cast, party):
    poll, members = party
    officer = cast.town_officer
    for member in members[:8]:
        desk.party_attend(actor=officer, poll=poll, member=member)
    live = desk.presence(poll)
    assert (live.electorate, live.present, live.needed, live.met) == (10, 8, 9, False)
    assert live.party and "第二十六条" in live.article
    desk.party_attend(actor=officer, poll=poll, member=members[8])
    assert desk.presence(poll).met is True


def test_a_member_attends_once_and_the_coordinator_undoes_it(cast, party):
    poll, members = party
    officer = cast.town_officer
    row = desk.party_attend(actor=officer, poll=poll, member=members[0])
    with pytest.raises(ValidationError, match=r"党员甲已于.*登记到会"):
        desk.party_attend(actor=officer, poll=poll, member=members[0])
    with pytest.raises(ValidationError, match="无权办理"):
        desk.party_attend_undo(actor=cast.village_clerk, attendance=row, reason="登记错人")
    desk.party_attend_undo(actor=officer, attendance=row, reason="登记错人")
    assert desk.presence(poll).present == 0
    desk.party_attend(actor=officer, poll=poll, member=members[0])
    assert PartyAttendance.objects.filter(undone_at__isnull=True).count() == 1


def test_a_member_without_the_vote_is_not_counted(cast, party):
    poll, members = party
    PartyMember.objects.filter(pk=members[9].pk).update(status=MemberStatus.PROBATIONARY)
    members[9].refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        desk.party_attend(actor=cast.town_officer, poll=poll, member=members[9])
    assert exc.value.message_dict["member"] == [
        "党员癸没有表决权（预备党员），不计入到会人数（依据：中国共产党基层组织选举工作条例 第五条）"
    ]


def test_a_member_of_another_villages_branch_is_refused(cast, world, party):
    poll, _ = party
    _, strangers = party_poll(cast.county_officer, world.campaign, OTHER_TOWN_VILLAGE, members=6)
    with pytest.raises(ValidationError) as exc:
        desk.party_attend(actor=cast.town_officer, poll=poll, member=strangers[5])
    assert "不是本村党组织的党员" in exc.value.message_dict["member"][0]


def test_party_and_villagers_polls_keep_to_their_own_register(cast, party, voting, box, people):
    poll, members = party
    with pytest.raises(ValidationError, match="村党组织的选举登记党员到会"):
        desk.check_in(actor=cast.town_officer, poll=poll, box=box, id_number=people["马玉兰"][1])
    with pytest.raises(ValidationError, match="只有村党组织的选举登记党员到会"):
        desk.party_attend(actor=cast.town_officer, poll=voting, member=members[0])


def test_a_member_is_found_by_id_number_in_this_branch_only(cast, world, party):
    poll, members = party
    number = idcard.generate("630121", members[0].person.birth_date, "M", 50)
    assert desk.find_member(poll, number) == members[0]
    assert desk.members_search(poll, "党员甲") == [members[0]]
    _, villager_number = roll_voter(cast.county_officer, world.campaign, "马玉兰", VILLAGE)
    assert desk.find_member(poll, villager_number) is None
    assert desk.members_search(poll, "马玉兰") == []
