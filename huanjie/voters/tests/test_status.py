"""Deaths and deprivations of political rights recorded one at a time: the person's record, its
history and audit, the date boundaries, and what the rolls do (removed before publication,
flagged after)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from huanjie.audit.models import AuditEvent
from huanjie.conftest import OTHER_COUNTY_VILLAGE, OTHER_TOWN_VILLAGE, make_campaign
from huanjie.people.models import PersonStatusChange, StatusKind
from huanjie.rules.voters import deprived_on
from huanjie.voters import services as voters
from huanjie.voters import status
from huanjie.voters.models import ChangeReason, VoterRegistration
from huanjie.voters.tests.test_roll_cast import make_person, make_roll

DIED, DEPRIVED, RESTORED = (
    StatusKind.DIED,
    StatusKind.RIGHTS_DEPRIVED,
    StatusKind.RIGHTS_RESTORED,
)


def record(cast, person, kind, on, until=None, actor=None, source="县公安局户籍注销通知"):
    return status.person_status_record(
        actor=actor or cast.town_officer,
        person=person,
        kind=kind,
        on=on,
        until=until,
        source=source,
    )


def register(cast, roll, person):
    return voters.voter_register(
        actor=cast.county_officer,
        campaign=roll.campaign,
        village=roll.village,
        person=person,
        category="hukou_resident",
    )


def test_a_death_is_recorded_on_the_person_with_its_history_and_audit_event(cast):
    person, number = make_person("马成林")
    change = record(cast, person, DIED, date(2026, 10, 5), source="死亡医学证明")
    assert person.died_on == date(2026, 10, 5)
    assert (change.kind, change.changed_on, change.source) == (
        "died",
        date(2026, 10, 5),
        "死亡医学证明",
    )
    assert change.region_id == person.region_id and change.recorded_by == cast.town_officer
    event = AuditEvent.objects.get(action="people.status_record")
    assert event.object_id == str(change.pk)
    assert event.changes["kind"] == "died" and event.changes["on"] == "2026-10-05"
    assert event.changes["id_masked"] == person.id_masked
    assert number not in str(event.changes)


def test_alive_on_ends_on_the_day_of_death(cast):
    person, _ = make_person("马成林")
    record(cast, person, DIED, date(2026, 10, 5))
    assert person.alive_on(date(2026, 10, 4))
    assert not person.alive_on(date(2026, 10, 5))
    assert not person.alive_on(date(2026, 12, 20))


def test_a_deprivation_runs_from_its_first_to_its_last_day_inclusive(cast):
    person, _ = make_person("祁国强")
    record(cast, person, DEPRIVED, date(2024, 3, 1), until=date(2026, 2, 28))
    assert not person.deprived_on(date(2024, 2, 29))
    assert person.deprived_on(date(2024, 3, 1))
    assert person.deprived_on(date(2026, 2, 28))
    assert not person.deprived_on(date(2026, 3, 1))


def test_a_deprivation_without_a_last_day_is_for_life_until_restored(cast):
    person, _ = make_person("祁国强")
    record(cast, person, DEPRIVED, date(2020, 6, 1))
    assert person.rights_deprived_until is None
    assert person.deprived_on(date(2080, 1, 1))
    assert person.deprivation_text == "自2020年6月1日起终身"
    # 恢复政治权利 on 1 November: deprived to the day before, voting from that day on.
    record(cast, person, RESTORED, date(2026, 11, 1))
    assert person.rights_deprived_until == date(2026, 10, 31)
    assert person.deprived_on(date(2026, 10, 31))
    assert not person.deprived_on(date(2026, 11, 1))
    assert list(PersonStatusChange.objects.order_by("id").values_list("kind", flat=True)) == [
        "rights_deprived",
        "rights_restored",
    ]


@pytest.mark.parametrize(
    ("start", "end", "day", "expected"),
    [
        (None, None, date(2026, 12, 20), False),  # nothing recorded
        (date(2026, 1, 1), None, date(2025, 12, 31), False),  # before it starts
        (date(2026, 1, 1), None, date(2026, 1, 1), True),  # 终身, first day
        (date(2026, 1, 1), date(2026, 12, 20), date(2026, 12, 20), True),  # last day
        (date(2026, 1, 1), date(2026, 12, 19), date(2026, 12, 20), False),  # ended the day before
    ],
)
def test_the_engine_reads_the_recorded_period(start, end, day, expected):
    # 刑法 第五十五条、第五十七条、第五十八条: the period as the notice gives it.
    assert deprived_on(start, end, day) is expected


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        (
            (DIED, date(2026, 10, 5), None),
            (DIED, date(2026, 10, 6), None),
            status.MSG_ALREADY_DIED.format(day="2026年10月5日", on="2026年10月6日"),
        ),
        ((DIED, date(2026, 10, 5), None), (DIED, date(2026, 10, 5), None), status.MSG_SAME),
        (
            (DEPRIVED, date(2024, 3, 1), date(2027, 2, 28)),
            (DEPRIVED, date(2025, 1, 1), None),
            status.MSG_DEPRIVED_OTHER.format(period="自2024年3月1日起至2027年2月28日止"),
        ),
        (
            (DEPRIVED, date(2024, 3, 1), date(2025, 2, 28)),
            (RESTORED, date(2026, 1, 1), None),
            status.MSG_ALREADY_ENDED.format(day="2025年2月28日"),
        ),
        (
            (DEPRIVED, date(2024, 3, 1), None),
            (RESTORED, date(2024, 3, 1), None),
            status.MSG_RESTORED_TOO_EARLY.format(on="2024年3月1日", start="2024年3月1日"),
        ),
    ],
)
def test_a_change_contradicting_the_record_is_refused_and_nothing_moves(
    cast, first, second, message
):
    person, _ = make_person("马成林")
    record(cast, person, *first)
    before = (person.died_on, person.rights_deprived_from, person.rights_deprived_until)
    with pytest.raises(ValidationError) as exc:
        record(cast, person, *second)
    assert exc.value.messages == [message]
    person.refresh_from_db()
    assert (person.died_on, person.rights_deprived_from, person.rights_deprived_until) == before
    assert PersonStatusChange.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "on", "until", "message"),
    [
        (RESTORED, date(2026, 1, 1), None, status.MSG_NOT_DEPRIVED),
        (DIED, date(2099, 1, 1), None, status.MSG_DATE_FUTURE.format(day="2099年1月1日")),
        (DIED, date(2026, 1, 1), date(2026, 2, 1), "“死亡”不填截止日期"),
        (
            DEPRIVED,
            date(2026, 1, 1),
            date(2025, 12, 31),
            status.MSG_UNTIL_BEFORE.format(until="2025年12月31日", on="2026年1月1日"),
        ),
        ("moved_out", date(2026, 1, 1), None, status.MSG_KIND_BAD.format(value="moved_out")),
    ],
)
def test_a_change_the_notice_cannot_mean_is_refused(cast, kind, on, until, message):
    person, _ = make_person("马成林")
    with pytest.raises(ValidationError) as exc:
        record(cast, person, kind, on, until)
    assert exc.value.messages == [message]
    assert not PersonStatusChange.objects.exists()


def test_the_source_is_required(cast):
    person, _ = make_person("马成林")
    with pytest.raises(ValidationError) as exc:
        record(cast, person, DIED, date(2026, 10, 5), source=" ")
    assert exc.value.messages == [status.MSG_SOURCE_REQUIRED]


def test_only_a_user_whose_area_holds_the_person_records_a_change(cast):
    here, _ = make_person("马成林")
    other_town, _ = make_person("鲁成福", region=OTHER_TOWN_VILLAGE)
    for actor, person in (
        (cast.other_county_officer, here),
        (cast.inspector, here),
        (cast.town_officer, other_town),
        (cast.village_clerk, other_town),
    ):
        with pytest.raises(ValidationError) as exc:
            record(cast, person, DIED, date(2026, 10, 5), actor=actor)
        assert exc.value.messages == [status.MSG_NOT_ALLOWED]
    assert not PersonStatusChange.objects.exists()
    record(cast, here, DIED, date(2026, 10, 5), actor=cast.village_clerk)


def test_an_incomer_registered_here_is_in_the_area_though_the_hukou_is_elsewhere(cast):
    roll = make_roll(cast)
    incomer, _ = make_person("外来", region=OTHER_COUNTY_VILLAGE)
    voters.voter_register(
        actor=cast.county_officer,
        campaign=roll.campaign,
        village=roll.village,
        person=incomer,
        category="incomer_or_worker_one_year",
    )
    change = record(cast, incomer, DIED, date(2026, 10, 5))
    # Recorded under the town (the hukou is not the town's), so the town sees it.
    assert change.region_id == cast.town_officer.region_id
    assert change.removed == 1


def test_an_unpublished_roll_removes_the_dead_voter_through_the_audited_path(cast):
    roll = make_roll(cast)
    person, _ = make_person("马成林")
    reg = register(cast, roll, person)
    change = record(cast, person, DIED, date(2026, 10, 5))
    reg.refresh_from_db()
    assert not reg.active and reg.removed_reason == ChangeReason.DIED
    assert (change.removed, change.flagged) == (1, 0)
    event = AuditEvent.objects.get(action="voter.remove")
    assert event.changes == {"village": roll.village.code, "reason": "died"}


def test_a_deprivation_covering_election_day_removes_one_ending_before_leaves_the_roll(cast):
    roll = make_roll(cast)  # election day 2026-12-20
    covered, _ = make_person("祁国强")
    ended, _ = make_person("韩建业")
    covered_reg, ended_reg = register(cast, roll, covered), register(cast, roll, ended)
    record(cast, covered, DEPRIVED, date(2025, 1, 1), until=date(2027, 6, 30))
    record(cast, ended, DEPRIVED, date(2024, 1, 1), until=date(2026, 12, 19))
    covered_reg.refresh_from_db()
    ended_reg.refresh_from_db()
    assert not covered_reg.active and covered_reg.removed_reason == ChangeReason.LOST_RIGHTS
    assert ended_reg.active and ended_reg.flag == ""


def test_a_published_roll_is_not_changed_but_flagged_for_the_committee(cast):
    roll = make_roll(cast)
    dead, _ = make_person("马成林")
    deprived, _ = make_person("祁国强")
    dead_reg, deprived_reg = register(cast, roll, dead), register(cast, roll, deprived)
    voters.voter_list_publish(
        actor=cast.county_officer,
        campaign=roll.campaign,
        village=roll.village,
        published_on=date(2026, 11, 30),
    )
    change = record(cast, dead, DIED, date(2026, 10, 5))
    record(cast, deprived, DEPRIVED, date(2025, 1, 1))
    dead_reg.refresh_from_db()
    deprived_reg.refresh_from_db()
    assert dead_reg.active and dead_reg.flag == "名单公布后登记为死亡，请按程序处理"
    assert deprived_reg.active
    assert deprived_reg.flag == "名单公布后登记为被剥夺政治权利，请按程序处理"
    assert (change.removed, change.flagged) == (0, 1)
    assert AuditEvent.objects.filter(action="voter.flag").count() == 2
    assert not AuditEvent.objects.filter(action="voter.remove").exists()


def test_every_campaigns_unpublished_roll_follows_and_a_published_one_is_flagged(cast):
    published = make_roll(cast)
    # The next term, five years on: one person is on one roll per term (第十六条), so the two
    # campaigns' windows must not overlap.
    later = make_roll(
        cast,
        day=date(2031, 12, 20),
        campaign=make_campaign(cast, term=13, start=date(2031, 11, 1), end=date(2032, 3, 31)),
    )
    person, _ = make_person("马成林")
    first, second = register(cast, published, person), register(cast, later, person)
    voters.voter_list_publish(
        actor=cast.county_officer,
        campaign=published.campaign,
        village=published.village,
        published_on=date(2026, 11, 30),
    )
    change = record(cast, person, DIED, date(2026, 10, 5))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.active and first.flag == voters.FLAG_DIED_AFTER_PUBLICATION
    assert not second.active and second.removed_reason == ChangeReason.DIED
    assert (change.removed, change.flagged) == (1, 1)


def test_a_restoration_flags_the_removed_registration_and_the_clerk_registers_again(cast):
    roll = make_roll(cast)
    person, _ = make_person("祁国强")
    reg = register(cast, roll, person)
    record(cast, person, DEPRIVED, date(2024, 3, 1))
    reg.refresh_from_db()
    assert not reg.active
    change = record(cast, person, RESTORED, date(2026, 11, 1))
    reg.refresh_from_db()
    assert not reg.active and reg.flag == voters.FLAG_RIGHTS_BACK
    assert change.flagged == 1
    again = voters.voter_register(
        actor=cast.village_clerk,
        campaign=roll.campaign,
        village=roll.village,
        person=person,
        category="hukou_resident",
        reason=ChangeReason.RIGHTS_RESTORED,
    )
    assert again.pk == reg.pk and again.active and again.flag == ""
    assert again.added_reason == ChangeReason.RIGHTS_RESTORED


def test_registering_a_dead_or_deprived_person_is_refused(cast):
    roll = make_roll(cast)
    dead, _ = make_person("马成林")
    deprived, _ = make_person("祁国强")
    record(cast, dead, DIED, date(2026, 10, 5))
    record(cast, deprived, DEPRIVED, date(2025, 1, 1), until=date(2027, 6, 30))
    with pytest.raises(ValidationError) as exc:
        register(cast, roll, dead)
    assert exc.value.messages == ["人员库记录该人已于2026年10月5日死亡，不能登记为选民"]
    with pytest.raises(ValidationError) as exc:
        register(cast, roll, deprived)
    assert exc.value.messages[0].startswith("依照法律被剥夺政治权利的人没有选举权和被选举权（")
    assert "第十六条" in exc.value.messages[0]
    assert not VoterRegistration.objects.exists()
