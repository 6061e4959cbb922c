"""A poll's set-up: boxes, the voters listed for a mobile box, the staff (never a candidate or a
candidate's relative), the ballots issued per box, and what keeps the poll from opening."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from huanjie.audit.models import AuditEvent
from huanjie.conftest import OTHER_TOWN_VILLAGE, VILLAGE
from huanjie.elections.models import Campaign
from huanjie.people.models import Person
from huanjie.polls.models import BallotBox, MobileBoxVoter, PollStaff
from huanjie.polls.services import setup as s
from huanjie.polls.services.lifecycle import poll_open_voting
from huanjie.polls.tests.matrix_setup import party_poll, roll_voter


def refusal(exc: pytest.ExceptionInfo[ValidationError], field: str) -> str:
    """The one message of `field` in a refusal."""
    return exc.value.message_dict[field][0]


@pytest.fixture
def officer(world: Any) -> Any:
    return world.cast.town_officer


@pytest.fixture
def box(poll: Any, officer: Any) -> BallotBox:
    return s.box_add(actor=officer, poll=poll, name="中心会场", place="村委会大院")


@pytest.fixture
def mobile(poll: Any, officer: Any) -> BallotBox:
    return s.box_add(actor=officer, poll=poll, name="流动票箱一", mobile=True, route="一组→三组")


def voter(world: Any, name: str = "马玉兰", code: str = VILLAGE, **kw: Any) -> Any:
    return roll_voter(world.cast.county_officer, world.campaign, name, code, **kw)[0]


def open_voting(poll: Any, officer: Any, box: BallotBox) -> None:
    s.ballots_issue(actor=officer, box=box, count=50, serial_from=1)
    poll_open_voting(actor=officer, poll=poll)
    poll.refresh_from_db()


# ---------------------------------------------------------------------------------------------
# Boxes.


def test_boxes_are_added_in_order_and_audited(poll, officer, box):
    second = s.box_add(actor=officer, poll=poll, name="第二投票站", place="村小学")
    assert [b.name for b in poll.boxes.all()] == ["中心会场", "第二投票站"]
    assert second.position == box.position + 1
    event = AuditEvent.objects.filter(action="poll.box_add").latest("id")
    assert event.changes["name"] == "第二投票站"


def test_a_box_needs_a_name_of_its_own(poll, officer, box):
    with pytest.raises(ValidationError) as exc:
        s.box_add(actor=officer, poll=poll, name="  ")
    assert refusal(exc, "name") == s.MSG_NAME_REQUIRED
    with pytest.raises(ValidationError) as exc:
        s.box_add(actor=officer, poll=poll, name="中心会场")
    assert refusal(exc, "name") == "票箱“中心会场”已存在"


def test_a_mobile_box_is_allowed_by_the_national_law_and_cites_the_guide(poll, mobile):
    assert mobile.mobile and mobile.route == "一组→三组"
    rule, article = s.mobile_box_rule(poll)
    assert (rule, article) == ("流动票箱应当严格控制", "村民委员会选举规程（民发〔2013〕76号）")


def test_a_province_rule_is_the_one_cited(world, poll):
    Campaign.objects.filter(pk=world.campaign.pk).update(rule_province="33")
    poll.election.village.campaign.refresh_from_db()
    rule, article = s.mobile_box_rule(poll)
    assert "三名以上监票人" in rule and article == "浙江省村民委员会选举办法 第二十四条"


def test_a_party_meeting_has_no_mobile_box(cast, world):
    party, _ = party_poll(cast.county_officer, world.campaign, VILLAGE)
    with pytest.raises(ValidationError) as exc:
        s.box_add(actor=cast.town_officer, poll=party, name="流动票箱", mobile=True)
    assert "不设流动票箱" in refusal(exc, "mobile")
    assert "中国共产党基层组织选举工作条例 第二十六条" in refusal(exc, "mobile")


def test_a_box_is_renamed_but_a_mobile_box_with_voters_stays_mobile(world, officer, box, mobile):
    s.box_update(actor=officer, box=box, name="主会场", place="村委会")
    box.refresh_from_db()
    assert (box.name, box.place) == ("主会场", "村委会")
    s.mobile_voter_add(actor=officer, box=mobile, registration=voter(world), reason="卧床")
    with pytest.raises(ValidationError) as exc:
        s.box_update(actor=officer, box=mobile, name=mobile.name, mobile=False)
    assert refusal(exc, "mobile") == "流动票箱“流动票箱一”已列入投票人员，不能改为固定票箱"


def test_a_box_is_removed_with_its_listed_voters(world, officer, mobile):
    s.mobile_voter_add(actor=officer, box=mobile, registration=voter(world), reason="卧床")
    s.box_remove(actor=officer, box=mobile)
    assert not BallotBox.objects.filter(pk=mobile.pk).exists()
    assert not MobileBoxVoter.objects.exists()
    assert AuditEvent.objects.filter(action="poll.box_remove").latest("id").changes["listed"]


def test_a_box_with_check_ins_is_not_removed(world, poll, officer, box):
    from huanjie.polls.models import PollStatus
    from huanjie.polls.services.checkin import check_in

    open_voting(poll, officer, box)
    check_in(actor=officer, poll=poll, box=box, registration=world.voters[-1])
    # Back in set-up by hand: a box that took a ballot cannot go, whatever the status.
    type(poll).objects.filter(pk=poll.pk).update(status=PollStatus.SETUP)
    box.poll.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        s.box_remove(actor=officer, box=box)
    assert refusal(exc, "box") == "票箱“中心会场”已有领票登记或计票结果报告单，不能删除"


def test_set_up_changes_stop_when_voting_begins(world, poll, officer, box):
    open_voting(poll, officer, box)
    with pytest.raises(ValidationError, match="当前为“投票中”，不能增加票箱"):
        s.box_add(actor=officer, poll=poll, name="第三投票站")
    with pytest.raises(ValidationError, match="不能更改工作人员"):
        s.staff_appoint(actor=officer, poll=poll, person=voter(world).person, role="counter")


# ---------------------------------------------------------------------------------------------
# The voters listed for a mobile box.


def test_a_voter_of_the_roll_is_listed_with_the_reason(world, officer, mobile):
    row = s.mobile_voter_add(
        actor=officer, box=mobile, registration=voter(world), reason="年老行动不便"
    )
    assert row.reason == "年老行动不便"
    event = AuditEvent.objects.filter(action="poll.mobile_voter_add").latest("id")
    assert "*" in event.changes["id"]
    s.mobile_voter_remove(actor=officer, listed=row)
    assert not MobileBoxVoter.objects.exists()


def test_only_a_mobile_box_lists_voters(world, officer, box):
    with pytest.raises(ValidationError) as exc:
        s.mobile_voter_add(actor=officer, box=box, registration=voter(world), reason="卧床")
    assert refusal(exc, "box") == "票箱“中心会场”不是流动票箱"


def test_a_voter_of_another_village_is_not_listed(world, officer, mobile):
    elsewhere = voter(world, "鲁成福", OTHER_TOWN_VILLAGE)
    with pytest.raises(ValidationError) as exc:
        s.mobile_voter_add(actor=officer, box=mobile, registration=elsewhere, reason="卧床")
    assert refusal(exc, "registration") == "该选民不在本村选民名单中"


def test_a_voter_is_listed_for_one_mobile_box_only(world, poll, officer, mobile):
    other = s.box_add(actor=officer, poll=poll, name="流动票箱二", mobile=True)
    registration = voter(world)
    s.mobile_voter_add(actor=officer, box=mobile, registration=registration, reason="卧床")
    with pytest.raises(ValidationError) as exc:
        s.mobile_voter_add(actor=officer, box=other, registration=registration, reason="卧床")
    assert refusal(exc, "registration") == "马玉兰已列入流动票箱“流动票箱一”的投票人员名单"


def test_listing_needs_a_reason(world, officer, mobile):
    with pytest.raises(ValidationError) as exc:
        s.mobile_voter_add(actor=officer, box=mobile, registration=voter(world), reason=" ")
    assert refusal(exc, "reason") == "请填写原因"


# ---------------------------------------------------------------------------------------------
# Staff.


def test_a_villager_is_appointed_and_removed(world, poll, officer, box):
    person = voter(world).person
    staff = s.staff_appoint(actor=officer, poll=poll, person=person, role="counter", box=box)
    assert staff.box == box
    with pytest.raises(ValidationError) as exc:
        s.staff_appoint(actor=officer, poll=poll, person=person, role="counter", box=box)
    assert refusal(exc, "person") == "马玉兰已是票箱“中心会场”的计票员"
    s.staff_remove(actor=officer, staff=staff)
    assert not PollStaff.objects.exists()


def test_a_candidate_is_refused_as_staff(world, poll, officer):
    with pytest.raises(ValidationError) as exc:
        s.staff_appoint(
            actor=officer, poll=poll, person=world.candidates["张伟"], role="scrutineer"
        )
    assert refusal(exc, "person") == (
        "张伟是本次投票的候选人，不能担任监票员（依据：村民委员会选举规程（民发〔2013〕76号））"
    )


def test_a_declared_close_relative_of_a_candidate_is_refused(world, poll, officer):
    with pytest.raises(ValidationError) as exc:
        s.staff_appoint(
            actor=officer,
            poll=poll,
            person=voter(world).person,
            role="reader",
            relative_of_candidate="配偶",
        )
    assert refusal(exc, "relative_of_candidate").startswith(
        "马玉兰是候选人的近亲属（配偶），按近亲属回避，不能担任唱票员"
    )


def test_a_member_of_a_candidates_household_is_refused(world, poll, officer):
    Person.objects.filter(pk=world.candidates["王芳"].pk).update(household_no="0012")
    housemate = voter(world, "王小明", household="0012").person
    with pytest.raises(ValidationError) as exc:
        s.staff_appoint(actor=officer, poll=poll, person=housemate, role="counter")
    assert "王小明与候选人王芳同户，按近亲属回避" in refusal(exc, "person")
    # The same household number in another village is another household.
    stranger = voter(world, "王大明", OTHER_TOWN_VILLAGE, household="0012").person
    s.staff_appoint(actor=officer, poll=poll, person=stranger, role="counter")


def test_the_partys_scrutineers_are_never_candidates(cast, world):
    party, members = party_poll(cast.county_officer, world.campaign, VILLAGE)
    with pytest.raises(ValidationError) as exc:
        s.staff_appoint(
            actor=cast.town_officer, poll=party, person=members[0].person, role="scrutineer"
        )
    assert "中国共产党基层组织选举工作条例 第二十二条" in refusal(exc, "person")
    s.staff_appoint(
        actor=cast.town_officer, poll=party, person=members[7].person, role="scrutineer"
    )


def test_one_chief_scrutineer_and_mobile_staff_at_a_mobile_box(world, poll, officer, box):
    s.staff_appoint(actor=officer, poll=poll, person=voter(world).person, role="chief_scrutineer")
    with pytest.raises(ValidationError) as exc:
        s.staff_appoint(
            actor=officer, poll=poll, person=voter(world, "祁国强").person, role="chief_scrutineer"
        )
    assert refusal(exc, "role") == "本次投票已有总监票员马玉兰"
    with pytest.raises(ValidationError) as exc:
        s.staff_appoint(
            actor=officer,
            poll=poll,
            person=voter(world, "韩秀英").person,
            role="mobile_staff",
            box=box,
        )
    assert refusal(exc, "box") == "流动票箱工作人员须指定流动票箱"


# ---------------------------------------------------------------------------------------------
# Ballots issued.


def test_ballots_are_issued_with_a_serial_range_and_summed(poll, officer, box, mobile):
    s.ballots_issue(actor=officer, box=box, count=300, serial_from=1)
    s.ballots_issue(actor=officer, box=mobile, count=20, serial_from=301)
    box.refresh_from_db()
    assert (box.issued, box.serial_from, box.serial_to) == (300, 1, 300)
    assert s.ballots_issued(poll) == 320


def test_serial_ranges_of_the_boxes_do_not_overlap(officer, box, mobile):
    s.ballots_issue(actor=officer, box=box, count=300, serial_from=1)
    with pytest.raises(ValidationError) as exc:
        s.ballots_issue(actor=officer, box=mobile, count=20, serial_from=300)
    assert refusal(exc, "serial_from") == "选票编号300至319与票箱“中心会场”的编号1至300重叠"


def test_in_set_up_the_ballots_are_set_again_or_cleared(officer, box):
    s.ballots_issue(actor=officer, box=box, count=300, serial_from=1)
    s.ballots_issue(actor=officer, box=box, count=250, serial_from=51)
    box.refresh_from_db()
    assert (box.issued, box.serial_from, box.serial_to) == (250, 51, 300)
    s.ballots_issue(actor=officer, box=box, count=0)
    box.refresh_from_db()
    assert (box.issued, box.serial_from, box.serial_to) == (0, None, None)


def test_bad_counts_and_serials_are_refused(officer, box):
    with pytest.raises(ValidationError) as exc:
        s.ballots_issue(actor=officer, box=box, count=-1, serial_from=1)
    assert refusal(exc, "count") == "发出选票数应为0以上的整数"
    with pytest.raises(ValidationError) as exc:
        s.ballots_issue(actor=officer, box=box, count=10)
    assert refusal(exc, "serial_from") == "选票起始编号应为正整数"


def test_a_top_up_while_voting_extends_the_boxs_range(world, poll, officer, box, mobile):
    s.ballots_issue(actor=officer, box=mobile, count=20, serial_from=1001)
    s.mobile_voter_add(actor=officer, box=mobile, registration=world.voters[-1], reason="卧病在床")
    open_voting(poll, officer, box)  # 50 ballots, 1–50
    box.refresh_from_db()
    s.ballots_issue(actor=officer, box=box, count=10)
    box.refresh_from_db()
    assert (box.issued, box.serial_from, box.serial_to) == (60, 1, 60)
    with pytest.raises(ValidationError) as exc:
        s.ballots_issue(actor=officer, box=box, count=10, serial_from=500)
    assert refusal(exc, "serial_from") == "补发选票应接续本票箱的编号，起始编号应为61"
    with pytest.raises(ValidationError) as exc:
        s.ballots_issue(actor=officer, box=box, count=0)
    assert refusal(exc, "count") == "发出选票数应为1以上的整数"
    assert s.ballots_issued(poll) == 80


# ---------------------------------------------------------------------------------------------
# Readiness.


def test_a_mobile_box_without_listed_voters_keeps_the_poll_from_opening(
    world, poll, officer, mobile
):
    assert s.setup_problems(poll) == ["流动票箱“流动票箱一”尚未列入投票人员"]
    s.mobile_voter_add(actor=officer, box=mobile, registration=voter(world), reason="卧床")
    assert s.setup_problems(poll) == []  # the national law sets no number of staff


def _staffed(world: Any, poll: Any, mobile: Any, roles: list[str]) -> list[str]:
    officer = world.cast.town_officer
    s.mobile_voter_add(actor=officer, box=mobile, registration=voter(world), reason="卧床")
    names = ["祁国强", "韩秀英", "马成林", "鲁成福"]
    for name, role in zip(names, roles, strict=False):
        s.staff_appoint(
            actor=officer, poll=poll, person=voter(world, name).person, role=role, box=mobile
        )
    return s.setup_problems(poll)


@pytest.mark.parametrize(
    ("province", "roles", "ready"),
    [
        # 浙江 24 / 北京 23: three scrutineers.
        ("33", ["scrutineer", "scrutineer"], False),
        ("33", ["scrutineer", "scrutineer", "scrutineer"], True),
        ("11", ["scrutineer", "scrutineer", "mobile_staff"], False),
        # 四川 28: three staff, of whom two scrutineers.
        ("51", ["scrutineer", "mobile_staff", "mobile_staff"], False),
        ("51", ["scrutineer", "scrutineer", "mobile_staff"], True),
        # 海南 25: two staff and two scrutineers.
        ("46", ["scrutineer", "scrutineer", "mobile_staff"], False),
        ("46", ["scrutineer", "scrutineer", "mobile_staff", "mobile_staff"], True),
    ],
)
def test_a_mobile_box_needs_the_staff_its_province_asks_for(
    world, poll, mobile, province, roles, ready
):
    Campaign.objects.filter(pk=world.campaign.pk).update(rule_province=province)
    poll.election.village.campaign.refresh_from_db()
    problems = _staffed(world, poll, mobile, roles)
    assert (problems == []) is ready, problems
    if not ready:
        assert problems[0].startswith("流动票箱“流动票箱一”的工作人员不足：")


# ---------------------------------------------------------------------------------------------
# Scope.


def test_another_countys_officer_is_refused_and_nothing_is_written(world, poll, box):
    other = world.cast.other_county_officer
    before = (BallotBox.objects.count(), PollStaff.objects.count())
    with pytest.raises(ValidationError, match="无权办理该选举的投票"):
        s.box_add(actor=other, poll=poll, name="外县票箱")
    with pytest.raises(ValidationError, match="无权办理该选举的投票"):
        s.ballots_issue(actor=other, box=box, count=10, serial_from=1)
    with pytest.raises(ValidationError, match="无权办理该选举的投票"):
        s.staff_appoint(actor=other, poll=poll, person=voter(world).person, role="counter")
    assert (BallotBox.objects.count(), PollStaff.objects.count()) == before


def test_the_village_clerk_sets_up_the_poll(world, poll):
    box = s.box_add(actor=world.cast.village_clerk, poll=poll, name="中心会场")
    assert box.pk
