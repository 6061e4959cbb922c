"""The election committee's services: creation, members in the original order, withdrawal with
the next reserve moving up (递补), a vacancy when none is left (补选), the chair's withdrawal and
the election of a new chair; refusals write nothing; every change is audited and in the history."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from huanjie.audit.models import AuditEvent
from huanjie.audit.services import ACCESS_DENIED, flush_denied
from huanjie.committees import services as s
from huanjie.committees.models import ElectionCommitteeHistory, ElectionCommitteeMember
from huanjie.committees.tests.conftest import World, entry_of, make_committee, make_person
from huanjie.conftest import OTHER_TOWN_VILLAGE


def _events(prefix: str = "committee.") -> list[str]:
    return list(
        AuditEvent.objects.filter(action__startswith=prefix)
        .order_by("id")
        .values_list("action", flat=True)
    )


def _history(world: World) -> list[tuple[str, str, str, str]]:
    return [
        (h.event, h.member.person.name if h.member else "", h.from_status, h.to_status)
        for h in ElectionCommitteeHistory.objects.filter(committee=world.committee)
        .select_related("member__person")
        .order_by("id")
    ]


def _rows() -> tuple[int, int, int]:
    return (
        ElectionCommitteeMember.objects.count(),
        ElectionCommitteeHistory.objects.count(),
        AuditEvent.objects.exclude(action=ACCESS_DENIED).count(),
    )


# ---------------------------------------------------------------------------------------------
# Creation and members.


def test_a_committee_is_created_with_members_in_the_original_order_and_audited(world):
    members = [world.m(i) for i in range(5)]
    assert [(m.person.name, m.order, m.status, m.role) for m in members] == [
        ("韩德福", 1, "serving", "chair"),
        ("马进才", 2, "serving", "member"),
        ("祁生秀", 3, "serving", "member"),
        ("李有福", 4, "reserve", ""),
        ("朱成林", 5, "reserve", ""),
    ]
    assert _events() == ["committee.create"] + ["committee.member_add"] * 5
    added = AuditEvent.objects.filter(action="committee.member_add").order_by("id").first()
    assert added is not None
    assert added.changes["person"] == members[0].person.id_masked  # masked, never the number
    assert _history(world)[0][0] == "created"
    assert s.vacancies(world.committee) == 0


@pytest.mark.parametrize("seats", [2, 4, 0])
def test_a_committee_has_three_or_more_members_an_odd_number(cast, campaign, seats):
    with pytest.raises(ValidationError) as exc:
        s.committee_create(
            actor=cast.town_officer,
            entry=entry_of(campaign),
            chosen_on=campaign.window_start,
            chosen_by="villagers_meeting",
            seats=seats,
        )
    assert "三人以上的奇数" in exc.value.messages[0]
    assert "村民委员会选举规程" in exc.value.messages[0]
    assert _events() == []


def test_one_committee_per_village_and_the_day_within_the_campaign(cast, world):
    with pytest.raises(ValidationError) as exc:
        s.committee_create(
            actor=cast.county_officer,
            entry=entry_of(world.campaign),
            chosen_on=world.campaign.window_start,
            chosen_by="villagers_meeting",
            seats=5,
        )
    assert exc.value.messages == ["红河限村本次换届的选举委员会已登记"]
    with pytest.raises(ValidationError) as exc:
        s.committee_create(
            actor=cast.county_officer,
            entry=entry_of(world.campaign, OTHER_TOWN_VILLAGE),
            chosen_on=date(2020, 1, 1),
            chosen_by="meeting",
            seats=5,
        )
    assert exc.value.messages[0] == s.MSG_CHOSEN_BY
    assert exc.value.messages[1].startswith("推选日期（2020-01-01）")


def test_a_member_is_a_person_of_the_village_once_and_seats_are_not_exceeded(world):
    officer = world.cast.county_officer
    committee = world.committee
    outsider = make_person("鲁成", OTHER_TOWN_VILLAGE)
    before = _rows()
    with pytest.raises(ValidationError) as exc:
        s.member_add(actor=officer, committee=committee, person=outsider, status="reserve")
    assert "户籍不在本村" in exc.value.messages[0]
    assert outsider.id_masked in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        s.member_add(actor=officer, committee=committee, person=world.m(0).person, status="reserve")
    assert "已是本村选举委员会成员" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        s.member_add(
            actor=officer,
            committee=committee,
            person=make_person("杨秀兰"),
            status="serving",
            role="member",
        )
    assert exc.value.messages == [s.MSG_FULL.format(seats=3)]
    with pytest.raises(ValidationError) as exc:
        s.member_add(
            actor=officer, committee=committee, person=make_person("杨秀芝"), status="serving"
        )
    assert exc.value.messages == [s.MSG_ROLE]
    with pytest.raises(ValidationError) as exc:
        s.member_add(
            actor=officer,
            committee=committee,
            person=make_person("杨秀英"),
            status="reserve",
            order=2,
        )
    assert exc.value.messages == [s.MSG_ORDER_TAKEN.format(order=2)]
    dead = make_person("杨秀梅", died_on=date(2026, 1, 5))
    with pytest.raises(ValidationError) as exc:
        s.member_add(actor=officer, committee=committee, person=dead, status="reserve")
    assert exc.value.messages == ["杨秀梅已死亡，不能作为选举委员会成员"]
    assert _rows() == before


def test_the_original_order_follows_the_votes(world):
    with pytest.raises(ValidationError) as exc:
        s.member_add(
            actor=world.cast.county_officer,
            committee=world.committee,
            person=make_person("杨秀兰"),
            status="reserve",
            votes=25,  # more than 朱成林's 18 at the 5th place, yet after it
        )
    assert "应按得票多少排列" in exc.value.messages[0]
    tie = s.member_add(
        actor=world.cast.county_officer,
        committee=world.committee,
        person=make_person("杨秀兰"),
        status="reserve",
        votes=18,
    )
    assert tie.order == 6


def test_a_villager_on_the_roll_of_the_campaign_may_sit_though_registered_elsewhere(world):
    from huanjie.voters.models import VoterRegistration

    incomer = make_person("阿依古丽·买买提", OTHER_TOWN_VILLAGE)
    VoterRegistration.objects.create(
        campaign=world.campaign,
        village_id=world.committee.village.region_id,
        person=incomer,
        category="incomer_or_worker_one_year",
    )
    member = s.member_add(
        actor=world.cast.village_clerk, committee=world.committee, person=incomer, status="reserve"
    )
    assert member.order == 6


# ---------------------------------------------------------------------------------------------
# Withdrawal and 递补.


def test_a_withdrawing_member_is_replaced_by_the_next_reserve_in_the_original_order(world):
    clerk = world.cast.village_clerk
    done = s.member_withdraw(actor=clerk, member=world.m(1), kind="resigned", reason="外出务工")
    assert done.replacement is not None and done.replacement.person.name == "李有福"
    assert not done.chair_vacant
    left, up = world.m(1), world.m(3)
    assert (left.status, left.withdrawal_kind, left.withdrawn_reason) == (
        "withdrawn",
        "resigned",
        "外出务工",
    )
    assert left.replaced_by_id == up.pk
    assert (up.status, up.role) == ("serving", "member")
    assert world.m(4).status == "reserve"  # 朱成林 waits for the next place
    assert _history(world)[-2:] == [
        ("withdrawn", "马进才", "serving", "withdrawn"),
        ("moved_up", "李有福", "reserve", "serving"),
    ]
    event = AuditEvent.objects.get(action="committee.member_withdraw")
    assert event.changes["replaced_by"] == up.person.id_masked
    assert event.changes["vacancies"] == 0
    # The second withdrawal takes the next one in the order.
    done = s.member_withdraw(actor=clerk, member=world.m(2), kind="other", reason="身体原因")
    assert done.replacement is not None
    assert done.replacement.person.name == "朱成林"


def test_with_no_reserve_left_the_place_is_vacant_until_a_new_selection(cast, campaign):
    committee, members = make_committee(cast, campaign, reserves=0)
    done = s.member_withdraw(
        actor=cast.town_officer, member=members[2], kind="resigned", reason="本人辞去"
    )
    assert done.replacement is None
    assert s.vacancies(committee) == 1
    vacant = ElectionCommitteeHistory.objects.filter(committee=committee).last()
    assert vacant is not None
    assert (vacant.event, vacant.reason) == ("vacant", s.MSG_VACANT.format(n=1))
    assert AuditEvent.objects.get(action="committee.member_withdraw").changes["vacancies"] == 1
    # The 补选 fills it as a serving member.
    added = s.member_add(
        actor=cast.town_officer,
        committee=committee,
        person=make_person("杨秀兰"),
        status="serving",
        role="member",
    )
    assert added.order == 4 and s.vacancies(committee) == 0


def test_the_chair_withdraws_and_the_committee_elects_a_new_chair(world):
    officer = world.cast.town_officer
    done = s.member_withdraw(actor=officer, member=world.m(0), kind="resigned", reason="年老")
    assert done.chair_vacant
    assert done.replacement is not None
    assert done.replacement.person.name == "李有福"
    assert done.replacement.role == "member"  # the one moving up is a 委员
    assert not ElectionCommitteeMember.objects.filter(role="chair", status="serving").exists()
    s.committee_set_chair(
        actor=officer, committee=world.committee, member=world.m(1), reason="选委会会议推选"
    )
    assert world.m(1).role == "chair"
    assert _history(world)[-1] == ("chair", "马进才", "serving", "serving")
    assert _events()[-1] == "committee.set_chair"
    # Another chair: the former one becomes a 委员.
    s.committee_set_chair(actor=officer, committee=world.committee, member=world.m(2))
    assert (world.m(1).role, world.m(2).role) == ("member", "chair")


def test_refused_withdrawals_and_chair_changes_write_nothing(world):
    officer = world.cast.county_officer
    s.member_withdraw(actor=officer, member=world.m(1), kind="resigned", reason="外出")
    before = _rows()
    for member, kind, reason, message in [
        (world.m(1), "resigned", "再次", "马进才当前为“已退出”，不是在任成员"),
        (world.m(4), "resigned", "候补", "朱成林当前为“候补（待递补）”，不是在任成员"),
        (world.m(2), "nope", "原因", s.MSG_KIND),
        (world.m(2), "other", "  ", s.MSG_REASON_REQUIRED),
    ]:
        with pytest.raises(ValidationError) as exc:
            s.member_withdraw(actor=officer, member=member, kind=kind, reason=reason)
        assert exc.value.messages == [message]
    with pytest.raises(ValidationError) as exc:
        s.committee_set_chair(actor=officer, committee=world.committee, member=world.m(1))
    assert exc.value.messages == ["马进才当前为“已退出”，不是在任成员"]
    with pytest.raises(ValidationError) as exc:
        s.committee_set_chair(actor=officer, committee=world.committee, member=world.m(0))
    assert exc.value.messages == ["韩德福已是选举委员会主任"]
    assert _rows() == before


def test_a_stale_copy_is_refused(world):
    officer = world.cast.county_officer
    stale = world.m(1)
    s.member_withdraw(actor=officer, member=world.m(1), kind="resigned", reason="外出")
    with pytest.raises(ValidationError) as exc:
        s.member_withdraw(actor=officer, member=stale, kind="resigned", reason="外出")
    assert exc.value.messages == ["马进才的状态已被他人改变，请刷新后重试"]


# ---------------------------------------------------------------------------------------------
# Who may.


@pytest.mark.parametrize("role", ["inspector", "reviewer", "system_admin", "audit_admin"])
def test_roles_without_the_action_are_refused_and_audited(world, role):
    actor = getattr(world.cast, role)
    before = _rows()
    with pytest.raises(ValidationError) as exc:
        s.member_withdraw(actor=actor, member=world.m(1), kind="resigned", reason="外出")
    assert exc.value.messages == [s.MSG_NOT_ALLOWED]
    flush_denied()
    assert AuditEvent.objects.filter(action=ACCESS_DENIED, user_id=actor.pk).count() == 1
    assert _rows() == before


def test_out_of_scope_users_are_refused(cast, campaign):
    _other_town, members = make_committee(cast, campaign, OTHER_TOWN_VILLAGE)
    for actor in (cast.town_officer, cast.village_clerk, cast.other_county_officer):
        with pytest.raises(ValidationError):
            s.member_withdraw(actor=actor, member=members[1], kind="resigned", reason="外出")
        with pytest.raises(ValidationError):
            s.committee_create(
                actor=actor,
                entry=entry_of(campaign, OTHER_TOWN_VILLAGE),
                chosen_on=campaign.window_start,
                chosen_by="villagers_meeting",
                seats=3,
            )
    assert ElectionCommitteeMember.objects.get(pk=members[1].pk).status == "serving"


def test_a_purged_campaign_is_read_only(world):
    from huanjie.elections.models import Campaign

    Campaign.objects.filter(pk=world.campaign.pk).update(personal_data_purged_on=date(2032, 4, 1))
    before = _rows()
    with pytest.raises(ValidationError) as exc:
        s.member_withdraw(
            actor=world.cast.county_officer, member=world.m(1), kind="resigned", reason="外出"
        )
    assert "只读" in exc.value.messages[0]
    assert _rows() == before
