"""The schedule follows the records of the apps below it without their knowing it: each
receiver here refreshes the villages a saved or deleted record belongs to
(progress.refresh.refresh_villages), inside the transaction of that write; and an election
day fixed or moved (elections.services.election_day_set) is recorded with its reason and the
village's schedule counted again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from huanjie.accounts.models import User
from huanjie.committees.models import ElectionCommittee
from huanjie.elections.models import CampaignVillage, Election
from huanjie.elections.signals import campaign_created, election_day_set
from huanjie.nomination.models import CandidateList, Nominee
from huanjie.polls.models import Poll
from huanjie.progress.models import ElectionDayChange
from huanjie.progress.refresh import refresh_campaign, refresh_villages
from huanjie.progress.schedule import schedule_rebuild
from huanjie.results.models import ResultVersion
from huanjie.voters.models import Objection, VoterListPublication


def _by_election(election_id: int) -> list[int]:
    return list(Election.objects.filter(pk=election_id).values_list("village_id", flat=True))


def _by_publication(campaign_id: int, region_id: str) -> list[int]:
    return list(
        CampaignVillage.objects.filter(campaign_id=campaign_id, region_id=region_id).values_list(
            "pk", flat=True
        )
    )


# Model → the campaign villages one of its rows belongs to.
VILLAGES_OF: dict[type[Model], Callable[[Any], list[int]]] = {
    Election: lambda e: [e.village_id],
    ElectionCommittee: lambda c: [c.village_id],
    VoterListPublication: lambda p: _by_publication(p.campaign_id, p.village_id),
    Objection: lambda o: _by_publication(o.publication.campaign_id, o.publication.village_id),
    Nominee: lambda n: _by_election(n.election_id),
    CandidateList: lambda c: list(
        Election.objects.filter(posts__pk=c.post_id).values_list("village_id", flat=True)
    ),
    Poll: lambda p: [] if p.rehearsal else _by_election(p.election_id),
    ResultVersion: lambda v: list(
        Election.objects.filter(result__pk=v.result_id).values_list("village_id", flat=True)
    ),
}


def _refresh_record(sender: type[Model], instance: Any, raw: bool = False, **_: Any) -> None:
    if raw:
        return
    refresh_villages(VILLAGES_OF[sender](instance))


def _refresh_entry(
    sender: type[Model],
    instance: CampaignVillage,
    raw: bool = False,
    update_fields: frozenset[str] | None = None,
    **_: Any,
) -> None:
    # A new day is the election_day_set receiver's (it rebuilds the schedule first).
    if raw or update_fields == frozenset({"election_date"}):
        return
    refresh_villages([instance.pk])


def _day_set(
    sender: Any, actor: User, entry: CampaignVillage, old: date | None, reason: str, **_: Any
) -> None:
    assert entry.election_date is not None
    ElectionDayChange.objects.create(
        village=entry, old_date=old, new_date=entry.election_date, reason=reason, changed_by=actor
    )
    schedule_rebuild(entry, by=actor, reason=reason)


def _campaign_created(sender: Any, campaign: Any, **_: Any) -> None:
    refresh_campaign(campaign)


def connect() -> None:
    for model in VILLAGES_OF:
        post_save.connect(_refresh_record, sender=model, dispatch_uid=f"progress-{model.__name__}")
        post_delete.connect(
            _refresh_record, sender=model, dispatch_uid=f"progress-del-{model.__name__}"
        )
    post_save.connect(_refresh_entry, sender=CampaignVillage, dispatch_uid="progress-entry")
    election_day_set.connect(_day_set, dispatch_uid="progress-election-day")
    campaign_created.connect(_campaign_created, dispatch_uid="progress-campaign-created")
