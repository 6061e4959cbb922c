"""Reads of the election committees, scoped by the village's region (an object outside the
user's region answers 404, exactly like a missing one)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from huanjie.accounts.permissions import Action, get_scoped_or_404
from huanjie.committees.models import (
    ElectionCommittee,
    ElectionCommitteeHistory,
    ElectionCommitteeMember,
    MemberStatus,
)
from huanjie.elections.models import CampaignVillage
from huanjie.lib.crypto import lookup_hash
from huanjie.people.models import Person


def committee_of(entry: CampaignVillage) -> ElectionCommittee | None:
    return ElectionCommittee.objects.filter(village=entry).first()


def members_of(committee: ElectionCommittee) -> QuerySet[ElectionCommitteeMember]:
    return (
        ElectionCommitteeMember.objects.filter(committee=committee)
        .select_related("person", "replaced_by__person", "replaced__person")
        .order_by("order")
    )


def history_of(committee: ElectionCommittee) -> QuerySet[ElectionCommitteeHistory]:
    return (
        ElectionCommitteeHistory.objects.filter(committee=committee)
        .select_related("member__person", "actor")
        .order_by("id")
    )


def access_member(user: Any, committee: ElectionCommittee, pk: int) -> ElectionCommitteeMember:
    return get_scoped_or_404(
        user,
        ElectionCommitteeMember.objects.filter(committee=committee).select_related(
            "person", "committee__village__campaign", "committee__village__region"
        ),
        Action.MANAGE_COMMITTEES,
        field="committee__village__region__code",
        pk=pk,
    )


def with_committees(villages: QuerySet[CampaignVillage]) -> QuerySet[CampaignVillage]:
    """The villages with their committee's seats and serving members (None: no committee)."""
    serving = Q(election_committee__members__status=MemberStatus.SERVING)
    return villages.annotate(
        serving=Count("election_committee__members", filter=serving)
    ).select_related("election_committee")


def person_of_village(entry: CampaignVillage, id_number: str, name: str) -> Person | None:
    """The person with this (normalised) ID number and name whose 户籍 is the village or who is
    on its roll of the campaign; None otherwise — one answer for a number unknown, known under
    another name or of another village, so the form cannot probe the people records."""
    from huanjie.voters.models import VoterRegistration

    person = Person.objects.filter(id_hash=lookup_hash(id_number), erased_on__isnull=True).first()
    if person is None or person.name != name:
        return None
    on_roll = VoterRegistration.objects.filter(
        campaign_id=entry.campaign_id, village_id=entry.region_id, person=person, active=True
    ).exists()
    return person if person.region_id == entry.region_id or on_roll else None
