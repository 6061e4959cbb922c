"""Past a campaign's end date the retention purge (SECURITY.md P7) removes who its schedule,
ledgers, inspections, petitions and training name — the intended candidates, the responsible
leaders, the audited cadres, the petitioners and their phones, the attendees, every free text —
and keeps every item, so the county's work in numbers counts the same."""

from __future__ import annotations

from datetime import date

from django.db import models

from huanjie.conftest import TOWN, VILLAGE
from huanjie.elections.models import Campaign
from huanjie.elections.services import campaign_village_set_election_date
from huanjie.ledgers.selectors import ledger_counts
from huanjie.ledgers.tests.world import make_world
from huanjie.oversight.numbers import work_in_numbers
from huanjie.oversight.tests import world as ow
from huanjie.progress.models import ElectionDayChange, ScheduleStage
from huanjie.retention import purge_expired
from huanjie.voters.services.retention import PURGED_TEXT

NAMED = ("祁海龙", "韩秀英", "王建华", "马福林", "韩亮", "马福祥", "13909710001", "祁永福", "李华")


def _texts(model: type[models.Model]) -> set[str]:
    """Every value of every text column of `model`."""
    fields = [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
    ]
    return {str(v) for row in model._default_manager.values_list(*fields) for v in row}


def test_the_purge_removes_who_the_ledgers_name_and_keeps_what_they_count(cast, campaign):
    from django.apps import apps

    make_world(cast, campaign)
    ow.petition(campaign, VILLAGE, cast.county_officer)
    ow.attendee(campaign, TOWN, cast.county_officer, village=VILLAGE)
    ow.problem(campaign, VILLAGE, [cast.inspector], cast.county_officer)
    entry = campaign.villages.get(region_id=VILLAGE)
    campaign_village_set_election_date(
        actor=cast.county_officer,
        entry=entry,
        election_date=date(2027, 1, 17),
        reason="村主任马福林住院，推迟一周",
    )
    ScheduleStage.objects.filter(village=entry, key="committee").update(
        note="村主任马福林请假，延后办理"
    )
    counts = ledger_counts(campaign, "630121")
    numbers = work_in_numbers(campaign, "630121")
    tables = [
        m for m in apps.get_models() if m._meta.app_label in ("ledgers", "oversight", "progress")
    ]
    assert any(name in text for m in tables for text in _texts(m) for name in NAMED)

    # The clock past the campaign's end: its window and end date moved into the past.
    Campaign.objects.filter(pk=campaign.pk).update(
        window_start=date(2021, 11, 1),
        window_end=date(2022, 3, 31),
        retention_until=date(2022, 4, 1),
    )
    purge_expired()

    left = sorted(
        f"{m._meta.label}: {text}"
        for m in tables
        for text in _texts(m)
        if any(name in text for name in NAMED)
    )
    assert left == []
    assert ledger_counts(campaign, "630121") == counts
    assert work_in_numbers(campaign, "630121") == numbers
    # What was written is shown as removed, not as never written.
    from huanjie.ledgers.models import IntendedCandidate
    from huanjie.oversight.models import Petition

    assert set(IntendedCandidate.objects.values_list("name", flat=True)) == {PURGED_TEXT}
    petition = Petition.objects.get()
    assert (petition.petitioner_name, petition.petitioner_phone) == (PURGED_TEXT, "")
    assert not ElectionDayChange.objects.exclude(reason__in=("", PURGED_TEXT)).exists()


def test_a_purged_campaigns_ledgers_refuse_every_write_in_chinese(cast, campaign):
    import pytest
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from huanjie.elections.services import MSG_PURGED
    from huanjie.ledgers.services import rectification
    from huanjie.ledgers.tests.world import rectification_values
    from huanjie.lib.dates import cn_date
    from huanjie.oversight.services import petitions
    from huanjie.regions.models import Region

    items = make_world(cast, campaign)
    petition = ow.petition(campaign, VILLAGE, cast.county_officer)
    Campaign.objects.filter(pk=campaign.pk).update(
        window_start=date(2021, 11, 1),
        window_end=date(2022, 3, 31),
        retention_until=date(2022, 4, 1),
    )
    purge_expired()
    campaign.refresh_from_db()
    refusal = MSG_PURGED.format(day=cn_date(timezone.localdate()))
    village = Region.objects.get(code=VILLAGE)
    attempts = [
        lambda: rectification.rectification_save(
            actor=cast.county_officer,
            campaign=campaign,
            region=village,
            item=None,
            values=rectification_values(),
        ),
        lambda: rectification.rectification_close(
            actor=cast.county_officer,
            item=items["rectification"],
            closed_on=date(2026, 12, 1),
            close_note="已整改",
        ),
        lambda: petitions.petition_settle(
            actor=cast.county_officer, item=petition, settled_on=date(2026, 12, 1), outcome="已办结"
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as exc:
            attempt()
        assert exc.value.messages == [refusal]
