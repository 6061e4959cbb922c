"""Election day's part of the retention purge (SECURITY.md P7; the purge itself is
huanjie.retention): who a campaign's polls name, and the removal of what describes a person.

Who received a ballot (the check-in register, the Party's attendance), who was listed for a
mobile box and why, and who worked at the poll go; the frozen count stays as it was closed (its
poll file holds the numbers, the printed candidates and the write-in names of the public
result, never an ID number), so every result can still be recomputed. Each function is a step
of the purge and runs inside its transaction."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Q

from huanjie.elections.models import Campaign
from huanjie.elections.services import campaigns_retained
from huanjie.polls.models import CheckIn, MobileBoxVoter, PartyAttendance, PollStaff


def _named(campaigns: Q) -> Q:
    """People (a filter on Person) the staff of a poll of the matching campaigns names."""
    return Q(
        Exists(
            PollStaff.objects.filter(
                person=OuterRef("pk"),
                poll__election__village__campaign__in=Campaign.objects.filter(campaigns),
            )
        )
    )


def named_by_polls(campaign: Campaign) -> Q:
    return _named(Q(pk=campaign.pk))


def named_by_kept_polls(today: date) -> Q:
    return _named(Q(pk__in=campaigns_retained(today).values("pk")))


def polls_personal_data_purge(campaign: Campaign) -> dict[str, int]:
    of_campaign = {"poll__election__village__campaign": campaign}
    check_ins, _ = CheckIn.objects.filter(**of_campaign).delete()
    attendance, _ = PartyAttendance.objects.filter(**of_campaign).delete()
    listed, _ = MobileBoxVoter.objects.filter(
        box__poll__election__village__campaign=campaign
    ).delete()
    staff, _ = PollStaff.objects.filter(**of_campaign).delete()
    return {
        "poll_check_ins": check_ins,
        "poll_attendance": attendance,
        "mobile_box_voters": listed,
        "poll_staff": staff,
    }
