from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from huanjie.audit.models import AuditEvent
from huanjie.conftest import OTHER_TOWN_VILLAGE, VILLAGE
from huanjie.party.models import MemberStatus, PartyBranch, PartyMember
from huanjie.party.selectors import MSG_TOO_FEW_FULL, attendance
from huanjie.party.services import (
    MSG_APPROVAL_WITHOUT_REASON,
    MSG_DETAINED_IS_STATUS,
    MSG_DUPLICATE_BRANCH,
    MSG_DUPLICATE_MEMBER,
    MSG_EXCLUSION_NOT_VOTING,
    MSG_NAME_MISMATCH,
    MSG_NAME_MISMATCH_ELSEWHERE,
    MSG_NOT_ALLOWED,
    branch_create,
    member_add,
    member_registration_set,
    member_set_status,
)
from huanjie.people.models import Person
from huanjie.regions.models import Region
from huanjie.rules.profiles import EXCLUSION_LABELS

from .conftest import PartyWorld, new_id


def _register(world: PartyWorld, member: PartyMember, **kw: object) -> None:
    args: dict[str, object] = {"registered": True}
    args.update(kw)
    member_registration_set(
        actor=world.cast.town_officer,
        campaign=world.campaign,
        member=member,
        **args,  # type: ignore[arg-type]
    )


def test_only_full_members_whose_rights_stand_are_expected(world):
    # 中国共产党基层组织选举工作条例 第五条 (P1).
    world.add("甲")
    world.add("乙")
    world.add("丙", status=MemberStatus.PROBATIONARY)
    world.add("丁", status=MemberStatus.PROBATION_DISCIPLINE)
    world.add("戊", status=MemberStatus.SUSPENDED)
    att = attendance(world.campaign, world.branch)
    assert (att.total, att.quorum.members, att.quorum.expected) == (5, 2, 2)
    assert sorted(m.person.name for m in att.expected) == ["乙", "甲"]
    assert [m.person.name for m in att.without_vote[MemberStatus.PROBATIONARY]] == ["丙"]
    assert [m.person.name for m in att.without_vote[MemberStatus.PROBATION_DISCIPLINE]] == ["丁"]
    assert [m.person.name for m in att.without_vote[MemberStatus.SUSPENDED]] == ["戊"]


def test_a_status_change_moves_a_member_in_and_out_of_the_expected_attendance(world):
    member = world.add("甲", status=MemberStatus.PROBATIONARY)
    assert attendance(world.campaign, world.branch).quorum.expected == 0
    member_set_status(actor=world.cast.town_officer, member=member, status=MemberStatus.FULL)
    assert attendance(world.campaign, world.branch).quorum.expected == 1
    member_set_status(actor=world.cast.town_officer, member=member, status=MemberStatus.SUSPENDED)
    assert attendance(world.campaign, world.branch).quorum.expected == 0
    event = AuditEvent.objects.filter(action="party.member_status").order_by("id").last()
    assert event is not None and event.changes == {"status": ["full", "suspended"]}


def test_a_flowing_member_counts_only_once_registered(world):
    world.add("甲")
    away = world.add("乙", flowing=True)
    att = attendance(world.campaign, world.branch)
    assert att.quorum.expected == 1
    assert [m.person.name for m in att.unregistered_flowing] == ["乙"]
    _register(world, away, registered_on=date(2026, 11, 20))
    att = attendance(world.campaign, world.branch)
    assert att.quorum.expected == 2 and att.unregistered_flowing == []
    _register(world, away, registered=False)
    assert attendance(world.campaign, world.branch).quorum.expected == 1


def test_a_member_at_home_counts_without_registering(world):
    world.add("甲")
    assert attendance(world.campaign, world.branch).quorum.expected == 1


def test_an_approved_exclusion_lowers_the_expected_attendance_and_a_pending_one_does_not(world):
    for name in "甲乙丙":
        world.add(name)
    abroad = world.add("丁")
    _register(world, abroad, registered=False, exclusion="abroad", note="2026年3月起自费出国")
    att = attendance(world.campaign, world.branch)
    assert (att.quorum.members, att.quorum.excluded, att.quorum.expected) == (4, 0, 4)
    assert [m.person.name for m in att.pending] == ["丁"]
    assert att.quorum.problems[0].message == (
        f"“{EXCLUSION_LABELS['abroad']}”的党员不计入应到会人数，须经上级党组织同意并经党员大会通过"
    )
    _register(world, abroad, registered=False, exclusion="abroad", approved=True)
    att = attendance(world.campaign, world.branch)
    assert (att.quorum.members, att.quorum.excluded, att.quorum.expected) == (4, 1, 3)
    assert [m.person.name for m in att.excluded] == ["丁"] and att.quorum.problems == ()


def test_scenario_33_fifty_expected_forty_present_is_invalid_forty_one_valid(world):
    # RULES.md §8 scenario 33 (P8): "超过应到会人数的五分之四", strictly more.
    for i in range(50):
        world.add("党员" + "零一二三四五六七八九"[i // 10] + "零一二三四五六七八九"[i % 10])
    world.add("预备", status=MemberStatus.PROBATIONARY)
    world.add("流动", flowing=True)
    low = attendance(world.campaign, world.branch, present=40)
    assert (low.quorum.expected, low.quorum.needed, low.quorum.met) == (50, 41, False)
    assert attendance(world.campaign, world.branch, present=41).quorum.met is True


def test_a_branch_with_fewer_than_three_full_members_is_warned(world):
    world.add("甲")
    world.add("乙")
    world.add("丙", status=MemberStatus.PROBATIONARY)
    assert attendance(world.campaign, world.branch).warnings == [MSG_TOO_FEW_FULL.format(full=2)]
    world.add("丁")
    assert attendance(world.campaign, world.branch).warnings == []


def test_a_general_branch_of_few_members_is_warned(cast):
    branch = branch_create(
        actor=cast.county_officer,
        village=Region.objects.get(code="630121100207"),
        name="中共毛家寨村总支部委员会",
        kind="general_branch",
    )
    from huanjie.party.selectors import MSG_GENERAL_BRANCH_SMALL, branch_kind_warnings

    assert MSG_GENERAL_BRANCH_SMALL.format(total=0) in branch_kind_warnings(
        kind=branch.kind, full=0, total=0
    )


def test_a_duplicate_member_is_refused_in_chinese(world):
    id_number = new_id()
    member = member_add(
        actor=world.cast.town_officer, branch=world.branch, id_number=id_number, name="马成"
    )
    with pytest.raises(ValidationError) as exc:
        member_add(
            actor=world.cast.town_officer, branch=world.branch, id_number=id_number, name="马成"
        )
    assert exc.value.messages == [
        MSG_DUPLICATE_MEMBER.format(
            name="马成", masked=member.person.id_masked, branch="中共红河限村支部委员会"
        )
    ]
    assert PartyMember.objects.count() == 1


def test_member_add_finds_the_person_already_on_record(world):
    id_number = new_id("F")
    member_add(
        actor=world.cast.county_officer,
        branch=world.other_branch,
        id_number=id_number,
        name="祁秀英",
    )
    member = member_add(
        actor=world.cast.town_officer,
        branch=world.branch,
        id_number=id_number.lower(),
        name="祁秀英",
    )
    assert Person.objects.count() == 1
    assert member.person.sex == "F" and member.person.region_id == OTHER_TOWN_VILLAGE


def test_member_add_refuses_a_second_name_for_one_id_number(world):
    id_number = new_id()
    member = member_add(
        actor=world.cast.town_officer, branch=world.branch, id_number=id_number, name="马成"
    )
    with pytest.raises(ValidationError) as exc:
        member_add(
            actor=world.cast.town_officer, branch=world.branch, id_number=id_number, name="马诚"
        )
    assert exc.value.messages == [
        MSG_NAME_MISMATCH.format(masked=member.person.id_masked, existing="马成", name="马诚")
    ]


def test_a_person_of_another_region_is_refused_without_their_recorded_name(world):
    """The person's 户籍 is in 红河限村 (桥头镇); 城关镇's officer adding the same number under
    another name is told the names differ, not what the record says."""
    from huanjie.accounts.models import Role
    from huanjie.accounts.services import RoleSpec, user_create
    from huanjie.regions.models import Region

    id_number = new_id()
    member = member_add(
        actor=world.cast.town_officer, branch=world.branch, id_number=id_number, name="马成"
    )
    other_town, _ = user_create(
        actor=None,
        username="town2",
        full_name="祁永红",
        region=Region.objects.get(code="630121101"),
        roles=[RoleSpec(role=Role.TOWN_OFFICER)],
        password="Test-Passw0rd-2026",
    )
    branch = PartyBranch.objects.get(village_id=OTHER_TOWN_VILLAGE)
    with pytest.raises(ValidationError) as exc:
        member_add(actor=other_town, branch=branch, id_number=id_number, name="马诚")
    assert exc.value.messages == [
        MSG_NAME_MISMATCH_ELSEWHERE.format(masked=member.person.id_masked, name="马诚")
    ]
    assert "马成" not in exc.value.messages[0]


def test_member_add_refuses_a_bad_id_number_with_its_message(world):
    good = new_id()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        member_add(actor=world.cast.town_officer, branch=world.branch, id_number=bad, name="马成")
    assert exc.value.messages == ["身份证号校验码不符，请核对是否有数字录入错误"]
    with pytest.raises(ValidationError) as exc:
        member_add(
            actor=world.cast.town_officer, branch=world.branch, id_number=good, name="马成", sex="F"
        )
    assert "与登记的性别“女”不符" in exc.value.messages[0]
    assert not Person.objects.exists()


def test_every_write_leaves_an_audit_row_with_the_masked_id_only(world):
    id_number = new_id()
    member = member_add(
        actor=world.cast.town_officer, branch=world.branch, id_number=id_number, name="马成"
    )
    member_set_status(
        actor=world.cast.town_officer, member=member, status=MemberStatus.FULL, flowing=True
    )
    _register(world, member, registered_on=date(2026, 11, 20))
    actions = list(
        AuditEvent.objects.filter(action__startswith="party.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "party.branch_create",
        "party.branch_create",
        "party.member_add",
        "party.member_status",
        "party.registration_set",
    ]
    created = AuditEvent.objects.get(action="people.create")
    assert created.changes["id_masked"] == member.person.id_masked
    reg = AuditEvent.objects.get(action="party.registration_set")
    assert reg.user_id == world.cast.town_officer.pk
    assert reg.changes["registered"] == [False, True]
    assert reg.changes["registered_on"] == [None, "2026-11-20"]
    everything = str(list(AuditEvent.objects.values_list("changes", "object_repr")))
    assert id_number not in everything


def test_an_exclusion_is_only_for_a_full_member(world):
    member = world.add("甲", status=MemberStatus.PROBATIONARY)
    with pytest.raises(ValidationError) as exc:
        _register(world, member, exclusion="abroad")
    assert exc.value.messages == [MSG_EXCLUSION_NOT_VOTING.format(status="预备党员")]


def test_detention_is_a_status_not_an_exclusion_reason(world):
    member = world.add("甲")
    with pytest.raises(ValidationError) as exc:
        _register(world, member, exclusion="detained", approved=True)
    assert exc.value.messages == [MSG_DETAINED_IS_STATUS]


def test_an_approval_needs_a_reason(world):
    member = world.add("甲")
    with pytest.raises(ValidationError) as exc:
        _register(world, member, approved=True)
    assert exc.value.messages == [MSG_APPROVAL_WITHOUT_REASON]


def test_one_branch_per_village(world):
    with pytest.raises(ValidationError) as exc:
        branch_create(
            actor=world.cast.county_officer,
            village=Region.objects.get(code=VILLAGE),
            name="中共红河限村总支部委员会",
            kind="general_branch",
        )
    assert exc.value.messages == [
        MSG_DUPLICATE_BRANCH.format(village="红河限村", branch="中共红河限村支部委员会")
    ]
    assert PartyBranch.objects.filter(village_id=VILLAGE).count() == 1


def test_only_party_managers_in_scope_write(world):
    village = Region.objects.get(code="630121100207")
    for actor in (world.cast.village_clerk, world.cast.inspector, world.cast.other_county_officer):
        with pytest.raises(ValidationError) as exc:
            branch_create(
                actor=actor, village=village, name="中共毛家寨村支部委员会", kind="branch"
            )
        assert exc.value.messages == [MSG_NOT_ALLOWED]
    with pytest.raises(ValidationError):
        member_add(
            actor=world.cast.town_officer,
            branch=world.other_branch,
            id_number=new_id(),
            name="马成",
        )
    assert not PartyMember.objects.exists()
