"""The schedule's services and its refresh: the stages built from the working plan, done by hand
or from the records, the election day moved only with a reason, VillageProgress in step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from huanjie.audit.models import AuditEvent
from huanjie.conftest import OTHER_TOWN_VILLAGE, VILLAGE
from huanjie.elections.models import Election
from huanjie.elections.services import campaign_village_set, campaign_village_set_election_date
from huanjie.progress import services
from huanjie.progress.models import ElectionDayChange, ScheduleStage, VillageProgress
from huanjie.progress.refresh import refresh_campaign, refresh_villages
from huanjie.progress.tests.schedule_world import (
    around_today,
    entry,
    fix_day,
    progress,
    stage,
    today,
)
from huanjie.rules.schedule import PLAN_KEYS


@pytest.fixture
def campaign(cast):
    return around_today(cast)


def test_fixing_the_day_builds_the_schedule_and_the_progress(cast, campaign):
    found = fix_day(cast, campaign, 50)
    keys = list(found.stages.order_by("order").values_list("key", flat=True))
    assert keys == list(PLAN_KEYS)
    row = progress(found)
    assert (row.status, row.stage_key, row.stages_total, row.stages_done) == (
        "not_started",
        "party_election",
        len(PLAN_KEYS),
        0,
    )
    assert row.next_due == stage(found, "party_election").due_on
    change = ElectionDayChange.objects.get(village=found)
    assert (change.old_date, change.reason) == (None, "")


def test_a_village_without_a_day_has_no_stages_and_has_not_started(cast, campaign):
    refresh_campaign(campaign)
    found = entry(campaign)
    assert not found.stages.exists()
    row = progress(found)
    assert (row.status, row.next_due, row.election_date) == ("not_started", None, None)


def test_a_community_has_its_residents_committee_stages(cast, campaign):
    found = fix_day(cast, campaign, 50, code="630121100001")
    assert stage(found, "committee").name == "推选居民选举委员会"
    assert progress(found).kind == "community"


def test_a_village_left_out_is_excluded_and_never_late(cast, campaign):
    found = fix_day(cast, campaign, 20)
    campaign_village_set(actor=cast.county_officer, entry=found, included=False, reason="撤并")
    row = progress(found)
    assert (row.status, row.next_due) == ("excluded", None)


def test_moving_a_fixed_day_needs_a_reason(cast, campaign):
    found = fix_day(cast, campaign, 50)
    with pytest.raises(ValidationError) as caught:
        campaign_village_set_election_date(
            actor=cast.county_officer, entry=found, election_date=today() + timedelta(days=57)
        )
    assert "须填写变更原因" in caught.value.messages[0]
    assert found.election_date == today() + timedelta(days=50)
    assert ElectionDayChange.objects.filter(village=found).count() == 1


def test_a_move_recomputes_the_due_days_keeps_the_done_ones_and_writes_history(cast, campaign):
    found = fix_day(cast, campaign, 50)
    party = stage(found, "party_election")
    services.stage_mark_done(actor=cast.town_officer, stage=party, done_on=today())
    old_due = stage(found, "committee").due_on
    campaign_village_set_election_date(
        actor=cast.town_officer,
        entry=found,
        election_date=today() + timedelta(days=57),
        reason="村党组织换届推迟",
    )
    moved = stage(found, "committee")
    assert moved.due_on == old_due + timedelta(days=7)
    assert stage(found, "party_election").done_on == today()
    history = moved.history.get()
    assert (history.event, history.old_due_on, history.new_due_on, history.note) == (
        "recomputed",
        old_due,
        moved.due_on,
        "村党组织换届推迟",
    )
    change = ElectionDayChange.objects.filter(village=found).latest("id")
    assert (change.reason, change.changed_by) == ("村党组织换届推迟", cast.town_officer)
    event = AuditEvent.objects.filter(action="campaign.village_election_date").latest("id")
    assert event.changes["reason"] == "村党组织换届推迟"


def test_a_stage_done_by_hand_has_its_history_audit_and_progress(cast, campaign):
    found = fix_day(cast, campaign, 50)
    party = stage(found, "party_election")
    services.stage_mark_done(
        actor=cast.village_clerk, stage=party, done_on=today(), note="党员大会已选举"
    )
    party.refresh_from_db()
    assert (party.done_on, party.done_by, party.note) == (today(), "manual", "党员大会已选举")
    assert party.history.get().event == "done"
    assert AuditEvent.objects.filter(action="progress.stage_done").count() == 1
    row = progress(found)
    assert (row.status, row.stages_done, row.stage_key) == ("under_way", 1, "committee")


def test_it_refuses_a_done_day_in_the_future_or_before_the_campaign(cast, campaign):
    found = fix_day(cast, campaign, 50)
    party = stage(found, "party_election")
    with pytest.raises(ValidationError) as caught:
        services.stage_mark_done(
            actor=cast.town_officer, stage=party, done_on=today() + timedelta(days=1)
        )
    assert "不能晚于今天" in caught.value.messages[0]
    with pytest.raises(ValidationError):
        services.stage_mark_done(
            actor=cast.town_officer, stage=party, done_on=campaign.window_start - timedelta(days=1)
        )
    assert not ScheduleStage.objects.filter(done_on__isnull=False).exists()


def test_an_undo_needs_its_reason_and_opens_the_stage_again(cast, campaign):
    found = fix_day(cast, campaign, 50)
    party = stage(found, "party_election")
    services.stage_mark_done(actor=cast.town_officer, stage=party, done_on=today())
    with pytest.raises(ValidationError):
        services.stage_undo(actor=cast.town_officer, stage=party, note=" ")
    services.stage_undo(actor=cast.town_officer, stage=party, note="误登记")
    party.refresh_from_db()
    assert (party.done_on, party.done_by) == (None, "")
    assert list(party.history.values_list("event", flat=True)) == ["done", "undone"]
    assert progress(found).status == "not_started"


def test_a_stage_late_is_read_from_next_due(cast, campaign):
    found = fix_day(cast, campaign, 30)  # the Party's D-40 is ten days ago
    row = progress(found)
    assert row.next_due == today() - timedelta(days=10)
    assert row.next_due < today()


def test_the_committee_formed_closes_its_stage_from_the_record(cast, campaign):
    from huanjie.committees.services import committee_create

    found = fix_day(cast, campaign, 50)
    committee = committee_create(
        actor=cast.county_officer,
        entry=found,
        chosen_on=today(),
        chosen_by="representatives_meeting",
        seats=3,
    )
    done = stage(found, "committee")
    assert (done.done_on, done.done_by) == (today(), "record")
    assert done.history.get().event == "record"
    with pytest.raises(ValidationError) as caught:
        services.stage_undo(actor=cast.county_officer, stage=done, note="误")
    assert "以业务记录为准" in caught.value.messages[0]
    committee.history.all().delete()  # the record gone (as a purge would): open again
    committee.delete()
    reopened = stage(found, "committee")
    assert (reopened.done_on, reopened.done_by) == (None, "")


def _certify(election: Election, officer, day) -> None:
    """A certified result for `election`, made directly (the results app has its own tests)."""
    from huanjie.results.models import Result, ResultVersion

    result = Result.objects.create(election=election)
    ResultVersion.objects.create(
        result=result,
        number=1,
        status="certified",
        document={},
        sha256=f"{election.pk:064d}",
        code=f"C{election.pk:011d}",
        created_by=officer,
        certified_by=officer,
        certified_at=day,
    )


def test_a_village_is_done_when_every_election_is_certified(cast, campaign):
    from django.utils import timezone

    found = fix_day(cast, campaign, -1)  # voted yesterday
    officer = cast.county_officer
    party = Election.objects.create(
        village=found, body="party", nomination_method="three_recommendations", created_by=officer
    )
    villagers = Election.objects.create(
        village=found, body="villagers", nomination_method="voters", created_by=officer
    )
    assert (progress(found).elections_total, progress(found).elections_done) == (2, 0)
    _certify(party, officer, timezone.now())
    row = progress(found)
    assert (row.status, row.elections_done) == ("under_way", 1)
    assert stage(found, "party_election").done_by == "record"
    _certify(villagers, officer, timezone.now())
    row = progress(found)
    assert (row.status, row.done_on, row.next_due) == ("done", today(), None)
    assert stage(found, "results").done_on == today()


def test_refreshing_a_campaign_takes_the_same_queries_for_more_villages(
    cast, campaign, django_assert_max_num_queries
):
    fix_day(cast, campaign, 50)
    with django_assert_max_num_queries(20) as few:
        refresh_campaign(campaign)
    for code in ("630121100207", "630121101204", OTHER_TOWN_VILLAGE):
        fix_day(cast, campaign, 40, code=code)
    with django_assert_max_num_queries(len(few.captured_queries)):
        refresh_campaign(campaign)
    assert VillageProgress.objects.filter(campaign=campaign).count() == 5


def test_refresh_villages_is_idempotent(cast, campaign):
    found = fix_day(cast, campaign, 50)
    rows = VillageProgress.objects.order_by("region_id")
    before = list(rows.values_list("status", "next_due", "stages_total"))
    refresh_villages([found.pk, found.pk])
    assert list(rows.values_list("status", "next_due", "stages_total")) == before
    assert found.region_id == VILLAGE


def test_a_new_campaign_has_a_progress_row_per_village_at_once(cast):
    """The villages are written in bulk (no post_save per row): the campaign's own signal makes
    the board's rows in the same transaction."""
    from huanjie.conftest import make_campaign

    campaign = make_campaign(cast, term=13)
    rows = VillageProgress.objects.filter(campaign=campaign)
    assert rows.count() == campaign.villages.count() == 5
    assert set(rows.values_list("status", flat=True)) == {"not_started"}
