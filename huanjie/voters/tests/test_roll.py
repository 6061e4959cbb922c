from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from huanjie.audit.models import AuditEvent
from huanjie.conftest import OTHER_TOWN_VILLAGE, VILLAGE, make_campaign
from huanjie.voters.models import ChangeReason, RegistrationConflict, VoterRegistration
from huanjie.voters.services import (
    MSG_FROZEN,
    MSG_NO_ELECTION_DATE,
    DuplicateRegistration,
    conflict_resolve,
    roll_carry_over,
    voter_list_publish,
    voter_register,
    voter_remove,
)
from huanjie.voters.tests.test_roll_cast import make_person, make_roll


def _register(cast, roll, person, category="hukou_resident", actor=None, group="第一村民小组"):
    return voter_register(
        actor=actor or cast.village_clerk,
        campaign=roll.campaign,
        village=roll.village,
        person=person,
        category=category,
        group_name=group,
    )


def test_it_registers_an_adult_of_the_village_with_its_audit_event(cast):
    roll = make_roll(cast)
    person, _ = make_person("张三")
    reg = _register(cast, roll, person)
    assert reg.active and reg.added_reason == ChangeReason.NEW and reg.flag == ""
    event = AuditEvent.objects.get(action="voter.register")
    assert event.changes["category"] == "hukou_resident"


def test_it_refuses_someone_under_eighteen_on_election_day(cast):
    roll = make_roll(cast)
    person, _ = make_person("李小", birth=date(2008, 12, 21))
    with pytest.raises(ValidationError) as exc:
        _register(cast, roll, person)
    assert exc.value.messages[0].startswith("选举日未满18周岁（2026年12月21日年满）")
    assert not VoterRegistration.objects.exists()


def test_one_turning_eighteen_on_election_day_is_registered(cast):
    roll = make_roll(cast)
    person, _ = make_person("李大", birth=date(2008, 12, 20))
    assert _register(cast, roll, person).active


def test_it_refuses_before_the_election_day_is_set(cast):
    roll = make_roll(cast, day=None)
    person, _ = make_person("张三")
    with pytest.raises(ValidationError) as exc:
        _register(cast, roll, person)
    assert exc.value.messages == [MSG_NO_ELECTION_DATE]


def test_a_hukou_category_for_someone_of_another_village_is_flagged_not_refused(cast):
    roll = make_roll(cast)
    person, _ = make_person("王五", region=OTHER_TOWN_VILLAGE)
    reg = _register(cast, roll, person)
    assert reg.active
    assert reg.flag == "户籍不在本村(社区)，与登记类别“户籍在本村并且在本村居住”不符，请核实"


def test_a_second_village_is_refused_naming_the_first_and_kept_for_the_county(cast):
    roll = make_roll(cast)
    other = make_roll(cast, code=OTHER_TOWN_VILLAGE, campaign=roll.campaign)
    person, _ = make_person("赵六")
    _register(cast, roll, person)
    with pytest.raises(DuplicateRegistration) as exc:
        _register(
            cast, other, person, category="incomer_or_worker_one_year", actor=cast.county_officer
        )
    assert exc.value.messages == ["已在桥头镇红河限村登记，已提交县级处理"]
    conflict = RegistrationConflict.objects.get()
    assert conflict.status == "open" and conflict.village_id == OTHER_TOWN_VILLAGE
    assert conflict.first.village_id == VILLAGE
    assert VoterRegistration.objects.filter(person=person).count() == 1


def test_the_county_moves_a_conflict_and_the_first_registration_stays_on_record(cast):
    roll = make_roll(cast)
    other = make_roll(cast, code=OTHER_TOWN_VILLAGE, campaign=roll.campaign)
    person, _ = make_person("赵六")
    first = _register(cast, roll, person)
    with pytest.raises(DuplicateRegistration) as exc:
        _register(
            cast, other, person, category="incomer_or_worker_one_year", actor=cast.county_officer
        )
    with pytest.raises(ValidationError):
        conflict_resolve(actor=cast.town_officer, conflict=exc.value.conflict, decision="moved")
    conflict_resolve(actor=cast.county_officer, conflict=exc.value.conflict, decision="moved")
    first.refresh_from_db()
    assert not first.active and first.removed_reason == ChangeReason.REGISTERED_ELSEWHERE
    moved = VoterRegistration.objects.get(person=person, active=True)
    assert moved.village_id == OTHER_TOWN_VILLAGE and moved.added_reason == ChangeReason.MOVED_IN


def test_removal_takes_only_a_removal_reason(cast):
    roll = make_roll(cast)
    reg = _register(cast, roll, make_person("张三")[0])
    with pytest.raises(ValidationError) as exc:
        voter_remove(actor=cast.village_clerk, registration=reg, reason=ChangeReason.TURNED_18)
    assert exc.value.messages == ["“turned_18”不是除名原因"]
    voter_remove(actor=cast.village_clerk, registration=reg, reason=ChangeReason.DIED)
    reg.refresh_from_db()
    assert not reg.active and reg.removed_reason == "died"


def test_after_publication_the_roll_changes_only_through_objections(cast):
    roll = make_roll(cast)
    reg = _register(cast, roll, make_person("张三")[0])
    voter_list_publish(
        actor=cast.village_clerk,
        campaign=roll.campaign,
        village=roll.village,
        published_on=date(2026, 11, 30),
    )
    frozen = MSG_FROZEN.format(day="2026年11月30日")
    with pytest.raises(ValidationError) as exc:
        _register(cast, roll, make_person("李四")[0])
    assert exc.value.messages == [frozen]
    with pytest.raises(ValidationError) as exc:
        voter_remove(actor=cast.village_clerk, registration=reg, reason=ChangeReason.DIED)
    assert exc.value.messages == [frozen]


def test_a_clerk_of_another_village_cannot_register_here(cast):
    other = make_roll(cast, code=OTHER_TOWN_VILLAGE)
    with pytest.raises(ValidationError) as exc:
        _register(cast, other, make_person("张三")[0])
    assert exc.value.messages == ["无权办理该村(社区)的选民登记"]


def test_carry_over_works_through_the_changes_since_the_last_term(cast):
    previous = make_campaign(cast, term=11, start=date(2021, 1, 1), end=date(2021, 12, 31))
    old = make_roll(cast, day=date(2021, 6, 1), campaign=previous)
    stays, _ = make_person("留守")
    moved, _ = make_person("迁走")
    incomer, _ = make_person("外来", region=OTHER_TOWN_VILLAGE)
    for person, category in (
        (stays, "hukou_resident"),
        (moved, "hukou_resident"),
        (incomer, "incomer_one_year"),
    ):
        VoterRegistration.objects.create(
            campaign=previous,
            village=old.village,
            person=person,
            category=category,
            group_name="第一村民小组",
        )
    moved.region_id = OTHER_TOWN_VILLAGE
    moved.save()
    make_person("新成年", birth=date(2006, 1, 1), group="第二村民小组")
    make_person("未成年", birth=date(2010, 1, 1))
    make_person("漏登", birth=date(1970, 1, 1))
    roll = make_roll(cast)
    result = roll_carry_over(
        actor=cast.village_clerk,
        campaign=roll.campaign,
        village=roll.village,
        previous_campaign=previous,
    )
    assert (result.carried, result.turned_18, result.moved_out, result.flagged) == (2, 1, 1, 2)
    assert (result.died, result.lost_rights) == (0, 0)
    regs = {r.person.name: r for r in VoterRegistration.objects.filter(campaign=roll.campaign)}
    assert set(regs) == {"留守", "迁走", "外来", "新成年", "漏登"}
    assert regs["留守"].added_reason == "carried" and regs["留守"].active
    assert not regs["迁走"].active and regs["迁走"].removed_reason == "moved_out"
    assert regs["外来"].flag and regs["外来"].category == "incomer_one_year"
    assert (
        regs["新成年"].added_reason == "turned_18" and regs["新成年"].group_name == "第二村民小组"
    )
    assert regs["漏登"].flag == "上届名单中没有，请核实（迁入或漏登）"
    assert AuditEvent.objects.get(action="voter.carry_over").changes["turned_18"] == 1


def test_carry_over_removes_the_dead_and_the_deprived_and_counts_them(cast):
    from huanjie.voters.status import person_status_record

    def notice(person, kind, on, until=None):
        person_status_record(
            actor=cast.county_officer,
            person=person,
            kind=kind,
            on=on,
            until=until,
            source="县公安局通知",
        )

    previous = make_campaign(cast, term=11, start=date(2021, 1, 1), end=date(2021, 12, 31))
    old = make_roll(cast, day=date(2021, 6, 1), campaign=previous)
    stays, _ = make_person("留守")
    dead, _ = make_person("已故")
    deprived, _ = make_person("服刑")
    served, _ = make_person("期满")  # deprived, but the period ends before this election day
    dead_and_moved, _ = make_person("迁走后故", region=OTHER_TOWN_VILLAGE)
    for person in (stays, dead, deprived, served, dead_and_moved):
        VoterRegistration.objects.create(
            campaign=previous, village=old.village, person=person, category="hukou_resident"
        )
    notice(dead, "died", date(2025, 8, 1))
    notice(deprived, "rights_deprived", date(2025, 1, 1))  # 终身
    notice(served, "rights_deprived", date(2023, 1, 1), until=date(2026, 12, 19))
    notice(dead_and_moved, "died", date(2024, 2, 1))
    newcomer, _ = make_person("新成年已故", birth=date(2006, 1, 1))
    notice(newcomer, "died", date(2026, 9, 1))
    roll = make_roll(cast)
    result = roll_carry_over(
        actor=cast.village_clerk,
        campaign=roll.campaign,
        village=roll.village,
        previous_campaign=previous,
    )
    assert (result.carried, result.died, result.lost_rights, result.moved_out) == (2, 2, 1, 0)
    assert result.turned_18 == 0
    regs = {r.person.name: r for r in VoterRegistration.objects.filter(campaign=roll.campaign)}
    assert set(regs) == {"留守", "已故", "服刑", "期满", "迁走后故"}
    assert regs["留守"].active and regs["期满"].active
    assert (regs["已故"].active, regs["已故"].removed_reason) == (False, "died")
    assert (regs["迁走后故"].active, regs["迁走后故"].removed_reason) == (False, "died")
    assert (regs["服刑"].active, regs["服刑"].removed_reason) == (False, "lost_rights")
    changes = AuditEvent.objects.get(action="voter.carry_over").changes
    assert (changes["died"], changes["lost_rights"]) == (2, 1)
