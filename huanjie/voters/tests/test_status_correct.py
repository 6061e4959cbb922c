"""Correcting a death or a deprivation recorded by mistake (撤销错误的人员变动登记): the person's
record put back, the change kept in the history marked corrected, and the rolls it touched put
right — restored before publication, flagged after — with every step audited; and the refusals."""

from __future__ import annotations

from datetime import date
from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from huanjie.audit.models import AuditEvent
from huanjie.conftest import OTHER_TOWN_VILLAGE
from huanjie.people.models import Person, PersonStatusChange, StatusKind
from huanjie.voters import services as voters
from huanjie.voters import status
from huanjie.voters.models import ChangeReason, PersonStatusEffect, VoterRegistration
from huanjie.voters.tests.test_roll_cast import make_person, make_roll

DIED, DEPRIVED, RESTORED = (
    StatusKind.DIED,
    StatusKind.RIGHTS_DEPRIVED,
    StatusKind.RIGHTS_RESTORED,
)


def record(cast, person, kind, on, until=None, actor=None):
    return status.person_status_record(
        actor=actor or cast.town_officer,
        person=person,
        kind=kind,
        on=on,
        until=until,
        source="县公安局户籍注销通知",
    )


def correct(cast, change, reason="户籍注销通知张冠李戴，本人健在", actor=None):
    return status.person_status_correct(
        actor=actor or cast.town_officer, change=change, reason=reason
    )


def register(cast, roll, person):
    return voters.voter_register(
        actor=cast.county_officer,
        campaign=roll.campaign,
        village=roll.village,
        person=person,
        category="hukou_resident",
    )


def publish(cast, roll):
    voters.voter_list_publish(
        actor=cast.county_officer,
        campaign=roll.campaign,
        village=roll.village,
        published_on=date(2026, 11, 30),
    )


def fields(person):
    person.refresh_from_db()
    return (person.died_on, person.rights_deprived_from, person.rights_deprived_until)


def test_a_recorded_change_keeps_the_registrations_it_removed_and_the_record_before_it(cast):
    roll = make_roll(cast)
    person, _ = make_person("马成林")
    reg = register(cast, roll, person)
    change = record(cast, person, DIED, date(2026, 10, 5))
    effect = PersonStatusEffect.objects.get(change=change)
    assert (effect.registration, effect.effect, effect.text) == (reg, "removed", "died")
    assert (change.previous_died_on, change.previous_deprived_from) == (None, None)


def test_a_wrong_death_is_undone_and_the_unpublished_roll_gets_the_voter_back(cast):
    roll = make_roll(cast)
    person, number = make_person("马成林")
    reg = register(cast, roll, person)
    change = record(cast, person, DIED, date(2026, 10, 5))
    done = correct(cast, change)
    assert fields(person) == (None, None, None)
    reg.refresh_from_db()
    assert reg.active and reg.removed_reason == "" and reg.added_reason == ChangeReason.NEW
    assert (done.restored, done.flagged, done.unflagged, done.removed) == (1, 0, 0, 0)
    assert done.message == (
        "已更正马成林的“死亡”登记：恢复选民登记 1 处，除名 0 处，待核实 0 处，撤销待核实提示 0 处"
    )
    # Kept in the history, marked corrected.
    change.refresh_from_db()
    assert change.corrected and change.corrected_by == cast.town_officer
    assert change.correction_reason == "户籍注销通知张冠李戴，本人健在"
    assert (change.removed, change.flagged) == (1, 0)
    assert PersonStatusChange.objects.count() == 1
    restore = AuditEvent.objects.get(action="voter.restore")
    assert restore.object_id == str(reg.pk)
    assert restore.changes == {
        "village": roll.village.code,
        "removed_reason": "died",
        "why": "status_corrected",
    }
    event = AuditEvent.objects.get(action="people.status_correct")
    assert event.object_id == str(change.pk)
    assert event.changes["fields"] == {"died_on": {"old": "2026-10-05", "new": None}}
    assert event.changes["reason"] == "户籍注销通知张冠李戴，本人健在"
    assert event.changes["restored"] == 1
    assert number not in str(event.changes)
    # The person may be registered, and die, as anyone else.
    record(cast, person, DIED, date(2026, 11, 1))
    reg.refresh_from_db()
    assert not reg.active


def test_a_published_roll_is_not_changed_the_removed_registration_is_flagged(cast):
    roll = make_roll(cast)
    person, _ = make_person("马成林")
    reg = register(cast, roll, person)
    change = record(cast, person, DIED, date(2026, 10, 5))  # removed before publication
    publish(cast, roll)
    done = correct(cast, change)
    reg.refresh_from_db()
    # 村民委员会组织法(2025) 第十七条: after publication only an objection changes the roll.
    assert not reg.active and reg.removed_reason == ChangeReason.DIED
    assert reg.flag == voters.FLAG_STATUS_CORRECTED == "人员变动登记已更正，请核实是否恢复登记"
    assert (done.restored, done.flagged) == (0, 1)
    assert fields(person) == (None, None, None)
    assert not AuditEvent.objects.filter(action="voter.restore").exists()
    assert AuditEvent.objects.filter(action="voter.flag", object_id=str(reg.pk)).exists()


def test_the_flag_a_death_put_on_a_published_roll_stays_with_the_correction_in_front(cast):
    roll = make_roll(cast)
    person, _ = make_person("马成林")
    reg = register(cast, roll, person)
    publish(cast, roll)
    change = record(cast, person, DIED, date(2026, 10, 5))
    assert change.flagged == 1
    done = correct(cast, change)
    reg.refresh_from_db()
    assert reg.active
    assert reg.flag == (
        "人员变动登记已更正，以下待核实事项不再成立，请核实；名单公布后登记为死亡，请按程序处理"
    )
    assert (done.restored, done.flagged, done.unflagged) == (0, 1, 0)


def test_a_wrong_deprivation_is_undone_and_the_earlier_ended_one_comes_back(cast):
    roll = make_roll(cast)  # election day 2026-12-20
    person, _ = make_person("祁国强")
    reg = register(cast, roll, person)
    record(cast, person, DEPRIVED, date(2020, 1, 1), until=date(2021, 12, 31))
    wrong = record(cast, person, DEPRIVED, date(2025, 1, 1))  # for life: off the roll
    reg.refresh_from_db()
    assert not reg.active and reg.removed_reason == ChangeReason.LOST_RIGHTS
    done = correct(cast, wrong, reason="判决书为同名人员")
    assert fields(person) == (None, date(2020, 1, 1), date(2021, 12, 31))
    reg.refresh_from_db()
    assert reg.active and done.restored == 1
    event = AuditEvent.objects.get(action="people.status_correct")
    assert event.changes["fields"] == {
        "rights_deprived_from": {"old": "2025-01-01", "new": "2020-01-01"},
        "rights_deprived_until": {"old": None, "new": "2021-12-31"},
    }


def test_a_wrong_deprivation_on_a_published_roll_is_flagged(cast):
    roll = make_roll(cast)
    person, _ = make_person("祁国强")
    reg = register(cast, roll, person)
    wrong = record(cast, person, DEPRIVED, date(2025, 1, 1))
    publish(cast, roll)
    correct(cast, wrong, reason="判决书为同名人员")
    assert fields(person) == (None, None, None)
    reg.refresh_from_db()
    assert not reg.active and reg.flag == voters.FLAG_STATUS_CORRECTED


def test_a_wrong_restoration_takes_its_flag_off_and_one_registered_again_leaves_the_roll(cast):
    roll = make_roll(cast)
    flagged_only, _ = make_person("祁国强")
    registered_again, _ = make_person("韩建业")
    first, second = register(cast, roll, flagged_only), register(cast, roll, registered_again)
    for person in (flagged_only, registered_again):
        record(cast, person, DEPRIVED, date(2024, 3, 1))
    restorations = [
        record(cast, p, RESTORED, date(2026, 11, 1)) for p in (flagged_only, registered_again)
    ]
    first.refresh_from_db()
    assert first.flag == voters.FLAG_RIGHTS_BACK
    register(cast, roll, registered_again)  # the clerk acted on the (wrong) restoration
    done = correct(cast, restorations[0], reason="恢复通知发错人")
    assert fields(flagged_only) == (None, date(2024, 3, 1), None)
    first.refresh_from_db()
    assert not first.active and first.flag == ""
    assert (done.unflagged, done.removed) == (1, 0)
    unflag = AuditEvent.objects.get(action="voter.unflag")
    assert unflag.changes == {"village": roll.village.code, "flag": voters.FLAG_RIGHTS_BACK}
    # Deprived again for life: the registration made since leaves the (unpublished) roll.
    done = correct(cast, restorations[1], reason="恢复通知发错人")
    second.refresh_from_db()
    assert not second.active and second.removed_reason == ChangeReason.LOST_RIGHTS
    assert (done.unflagged, done.removed) == (0, 1)


def test_a_removed_voter_whom_the_record_still_excludes_is_flagged_not_restored(cast):
    roll = make_roll(cast)
    person, _ = make_person("马成林")
    reg = register(cast, roll, person)
    death = record(cast, person, DIED, date(2026, 10, 5))
    record(cast, person, DEPRIVED, date(2025, 1, 1))  # nothing left to remove
    done = correct(cast, death)
    reg.refresh_from_db()
    assert not reg.active and reg.flag == voters.FLAG_STATUS_CORRECTED
    assert (done.restored, done.flagged) == (0, 1)


def test_a_voter_active_in_another_village_of_the_campaign_is_flagged_not_restored(cast):
    roll = make_roll(cast)
    person, _ = make_person("马成林")
    reg = register(cast, roll, person)
    death = record(cast, person, DIED, date(2026, 10, 5))
    # Registered elsewhere meanwhile, by a path that did not know of the death (an old
    # import): one active village a campaign (村民委员会组织法(2025) 第十六条).
    VoterRegistration.objects.create(
        campaign=roll.campaign,
        village_id=OTHER_TOWN_VILLAGE,
        person=person,
        category="hukou_absent",
    )
    done = correct(cast, death)
    reg.refresh_from_db()
    assert not reg.active and reg.flag == voters.FLAG_STATUS_CORRECTED
    assert done.restored == 0


def test_it_refuses_without_a_reason_twice_and_unless_the_latest(cast):
    roll = make_roll(cast)
    person, _ = make_person("祁国强")
    register(cast, roll, person)
    deprivation = record(cast, person, DEPRIVED, date(2024, 3, 1))
    restoration = record(cast, person, RESTORED, date(2026, 11, 1))
    before = fields(person)
    for change, reason, message in (
        (restoration, "  ", "请填写更正原因"),
        # A restoration ends the deprivation: it is corrected first.
        (
            deprivation,
            "同名",
            "该人员在这条之后还有“恢复政治权利”登记（2026年11月1日），请先更正后登记的那一条",
        ),
    ):
        with pytest.raises(ValidationError) as exc:
            correct(cast, change, reason=reason)
        assert exc.value.messages == [message]
    assert fields(person) == before
    assert not AuditEvent.objects.filter(action="people.status_correct").exists()
    correct(cast, restoration)
    with pytest.raises(ValidationError) as exc:
        correct(cast, restoration)
    d = timezone.localdate()
    assert exc.value.messages == [f"该变动登记已于{d.year}年{d.month}月{d.day}日更正，不能再次更正"]
    correct(cast, deprivation)  # now the latest in force
    assert fields(person) == (None, None, None)
    assert AuditEvent.objects.filter(action="people.status_correct").count() == 2


def test_a_death_and_a_deprivation_are_corrected_independently(cast):
    person, _ = make_person("马成林")
    death = record(cast, person, DIED, date(2026, 10, 5))
    record(cast, person, DEPRIVED, date(2025, 1, 1))
    correct(cast, death)
    assert fields(person) == (None, date(2025, 1, 1), None)


def test_only_a_user_whose_area_holds_the_person_corrects(cast):
    here, _ = make_person("马成林")
    other_town, _ = make_person("鲁成福", region=OTHER_TOWN_VILLAGE)
    here_change = record(cast, here, DIED, date(2026, 10, 5), actor=cast.county_officer)
    other_change = record(cast, other_town, DIED, date(2026, 10, 5), actor=cast.county_officer)
    for actor, change in (
        (cast.other_county_officer, here_change),
        (cast.inspector, here_change),
        (cast.town_officer, other_change),
        (cast.village_clerk, other_change),
    ):
        with pytest.raises(ValidationError) as exc:
            correct(cast, change, actor=actor)
        assert exc.value.messages == [status.MSG_CORRECT_NOT_ALLOWED]
    assert fields(here)[0] == fields(other_town)[0] == date(2026, 10, 5)
    assert not PersonStatusChange.objects.filter(corrected_at__isnull=False).exists()
    correct(cast, here_change, actor=cast.village_clerk)
    assert fields(here)[0] is None


def test_it_refuses_when_what_the_change_did_is_not_known(cast):
    roll = make_roll(cast)
    person, _ = make_person("马成林")
    reg = register(cast, roll, person)
    change = record(cast, person, DIED, date(2026, 10, 5))
    PersonStatusEffect.objects.all().delete()  # as for a change recorded before they were kept
    with pytest.raises(ValidationError) as exc:
        correct(cast, change)
    assert exc.value.messages == [status.MSG_EFFECTS_UNKNOWN.format(removed=1, flagged=0)]
    reg.refresh_from_db()
    assert not reg.active and fields(person)[0] == date(2026, 10, 5)


def test_it_refuses_when_the_record_no_longer_says_what_the_change_made_it(cast):
    person, _ = make_person("马成林")
    change = record(cast, person, DIED, date(2026, 10, 5))
    Person.objects.filter(pk=person.pk).update(died_on=date(2026, 10, 6))
    with pytest.raises(ValidationError) as exc:
        correct(cast, change)
    assert exc.value.messages == [status.MSG_RECORD_DIFFERS]


def test_the_migration_finds_the_record_before_each_change_already_recorded(cast):
    person, _ = make_person("祁国强")
    record(cast, person, DEPRIVED, date(2020, 1, 1), until=date(2021, 12, 31))
    record(cast, person, DEPRIVED, date(2024, 3, 1))
    record(cast, person, RESTORED, date(2026, 11, 1))
    record(cast, person, DIED, date(2026, 11, 2))
    expected = list(
        PersonStatusChange.objects.order_by("id").values_list(
            "previous_died_on", "previous_deprived_from", "previous_deprived_until"
        )
    )
    PersonStatusChange.objects.update(
        previous_died_on=None, previous_deprived_from=None, previous_deprived_until=None
    )
    migration = import_module("huanjie.people.migrations.0004_status_correction")
    migration.previous_values(apps, None)
    assert (
        list(
            PersonStatusChange.objects.order_by("id").values_list(
                "previous_died_on", "previous_deprived_from", "previous_deprived_until"
            )
        )
        == expected
        == [
            (None, None, None),
            (None, date(2020, 1, 1), date(2021, 12, 31)),
            (None, date(2024, 3, 1), None),
            (None, date(2024, 3, 1), date(2026, 10, 31)),
        ]
    )
