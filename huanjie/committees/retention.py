"""The election committees' part of the retention purge (SECURITY.md P7; the purge itself is
huanjie.retention): who a campaign's committees name, and the removal of what describes a
member beyond what is counted.

The members stay with their role, votes, order and status (the committee's make-up still
counts); the reasons of a withdrawal and the history's notes go. A withdrawal's reason, which
the table requires (committee_withdrawn_has_reason), becomes `PURGED_TEXT`. Each function is a
step of the purge and runs inside its transaction."""

from __future__ import annotations

from datetime import date

from django.db.models import Case, Exists, OuterRef, Q, Value, When

from huanjie.committees.models import ElectionCommitteeHistory, ElectionCommitteeMember
from huanjie.elections.models import Campaign
from huanjie.elections.services import campaigns_retained
from huanjie.voters.services.retention import PURGED_TEXT


def _named(campaigns: Q) -> Q:
    """People (a filter on Person) an election committee of the campaigns matching `campaigns`
    has as a member (serving, reserve or withdrawn)."""
    return Q(
        Exists(
            ElectionCommitteeMember.objects.filter(
                person=OuterRef("pk"),
                committee__village__campaign__in=Campaign.objects.filter(campaigns),
            )
        )
    )


def named_by_committees(campaign: Campaign) -> Q:
    """The people this campaign's election committees name (a filter on Person)."""
    return _named(Q(pk=campaign.pk))


def named_by_kept_committees(today: date) -> Q:
    """The people a committee of a campaign still kept on `today` names: they keep
    everything."""
    return _named(Q(pk__in=campaigns_retained(today).values("pk")))


def committees_personal_data_purge(campaign: Campaign) -> dict[str, int]:
    """Blank the withdrawal reasons and history notes of this campaign's election committees.
    Returns the rows touched, by kind, for the audit event."""
    members = ElectionCommitteeMember.objects.filter(committee__village__campaign=campaign).update(
        withdrawn_reason=Case(
            When(~Q(withdrawn_reason=""), then=Value(PURGED_TEXT)), default=Value("")
        )
    )
    ElectionCommitteeHistory.objects.filter(committee__village__campaign=campaign).update(reason="")
    return {"committee_members": members}
