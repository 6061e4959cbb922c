"""The rolls' part of the retention purge (SECURITY.md P7; the purge itself is
huanjie.retention): who a campaign's roll names, who a still-kept roll names, and the removal
of the personal columns of a campaign's roll.

The rows stay, blanked: the registrations keep village, category, reasons and active, so the
statistics (voters.selectors.roll_figures, the campaign's figures page) count as before, with no
second store of counts to keep in step; what named or described a person goes. Each function
is a step of the purge and runs inside its transaction."""

from __future__ import annotations

from datetime import date

from django.db.models import Case, Exists, OuterRef, Q, Value, When

from huanjie.elections.models import Campaign
from huanjie.elections.services import campaigns_retained
from huanjie.voters.models import (
    ImportJob,
    Objection,
    Proxy,
    RegistrationConflict,
    VoterListPublication,
    VoterRegistration,
)

# What stays of a withdrawn proxy's reason: the table wants one (proxy_withdrawal_complete).
PURGED_TEXT = "已按保存期限删除"


def _named(campaigns: Q) -> Q:
    """People (as a filter on Person) that a registration, a conflict or an objection of the
    campaigns matching `campaigns` (a filter on Campaign) names."""
    return Q(
        Exists(
            VoterRegistration.objects.filter(
                person=OuterRef("pk"), campaign__in=Campaign.objects.filter(campaigns)
            )
        )
        | Exists(
            RegistrationConflict.objects.filter(
                person=OuterRef("pk"), campaign__in=Campaign.objects.filter(campaigns)
            )
        )
        | Exists(
            Objection.objects.filter(
                subject=OuterRef("pk"),
                publication__campaign__in=Campaign.objects.filter(campaigns),
            )
        )
    )


def named_by_roll(campaign: Campaign) -> Q:
    """The people this campaign's roll, conflicts or objections name (a filter on Person)."""
    return _named(Q(pk=campaign.pk))


def named_by_kept_rolls(today: date) -> Q:
    """The people a roll still kept on `today` names (a filter on Person): they keep
    everything."""
    return _named(Q(pk__in=campaigns_retained(today).values("pk")))


def roll_personal_data_purge(campaign: Campaign) -> dict[str, int]:
    """Blank what names or describes a person in this campaign's roll, conflicts, published
    lists, objections, proxies and import jobs; keep what is counted. Returns the rows touched,
    by kind, for the audit event."""
    registrations = VoterRegistration.objects.filter(campaign=campaign).update(
        group_name="", flag=""
    )
    RegistrationConflict.objects.filter(campaign=campaign).update(group_name="", source="", note="")
    # The frozen lists held the names; their number of voters (`voters`) stays.
    publications = VoterListPublication.objects.filter(campaign=campaign).update(
        snapshot=[], changes=[]
    )
    objections = Objection.objects.filter(publication__campaign=campaign).update(
        filer_name="", subject_name="", subject=None, detail="", decision=""
    )
    proxies = Proxy.objects.filter(campaign=campaign).update(
        relation="",
        withdrawal_reason=Case(
            When(withdrawn_on__isnull=False, then=Value(PURGED_TEXT)), default=Value("")
        ),
    )
    # A problem row quotes the cell it refused: a name, a masked number, a group.
    jobs = ImportJob.objects.filter(campaign=campaign).update(problems=[])
    return {
        "registrations": registrations,
        "conflicts": RegistrationConflict.objects.filter(campaign=campaign).count(),
        "publications": publications,
        "objections": objections,
        "proxies": proxies,
        "import_jobs": jobs,
    }
