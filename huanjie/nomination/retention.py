"""Nomination's part of the retention purge (SECURITY.md P7; the purge itself is
huanjie.retention): who a campaign's nominations name, and the removal of what describes a
person in them.

The rows stay: the nominees keep their election, post, stages and votes, the lists their places,
the objections their outcome, so what the county counts still counts; the free texts (the
reasons of a disqualification or a withdrawal, the 两述 record, what an objection said and who
said it, the names a candidate list carried) go. A reason a constraint requires becomes
`PURGED_TEXT`. Each function is a step of the purge and runs inside its transaction."""

from __future__ import annotations

from datetime import date

from django.db.models import Case, Exists, OuterRef, Q, Value, When

from huanjie.elections.models import Campaign
from huanjie.elections.services import campaigns_retained
from huanjie.nomination.models import (
    CandidateListHistory,
    Nominee,
    NomineeHistory,
    NomineeImport,
    PublicityObjection,
    Statement,
    StatementQuestion,
)
from huanjie.voters.services.retention import PURGED_TEXT


def _named(campaigns: Q) -> Q:
    """People (a filter on Person) a nominee of the campaigns matching `campaigns` names."""
    return Q(
        Exists(
            Nominee.objects.filter(
                person=OuterRef("pk"),
                election__village__campaign__in=Campaign.objects.filter(campaigns),
            )
        )
    )


def named_by_nomination(campaign: Campaign) -> Q:
    """The people this campaign's nominations name (a filter on Person)."""
    return _named(Q(pk=campaign.pk))


def named_by_kept_nominations(today: date) -> Q:
    """The people a nomination of a campaign still kept on `today` names: they keep
    everything."""
    return _named(Q(pk__in=campaigns_retained(today).values("pk")))


def purged_text(field: str) -> Case:
    """A reason a constraint may require, as it stays: `PURGED_TEXT` where there was one, ""
    where not (an update expression)."""
    return Case(When(~Q(**{field: ""}), then=Value(PURGED_TEXT)), default=Value(""))


def nomination_personal_data_purge(campaign: Campaign) -> dict[str, int]:
    """Blank what describes a person in this campaign's nominations, 两述, 公示 objections,
    candidate list history and nominee imports. Returns the rows touched, by kind, for the
    audit event."""
    in_campaign = Q(election__village__campaign=campaign)
    nominees = Nominee.objects.filter(in_campaign).update(
        disqualified_reason=purged_text("disqualified_reason"),
        withdrawn_reason=purged_text("withdrawn_reason"),
    )
    NomineeHistory.objects.filter(nominee__election__village__campaign=campaign).update(reason="")
    statements = Statement.objects.filter(nominee__election__village__campaign=campaign).update(
        summary=""
    )
    StatementQuestion.objects.filter(
        statement__nominee__election__village__campaign=campaign
    ).update(question="", asked_by="", answer="")
    objections = PublicityObjection.objects.filter(
        publicity__election__village__campaign=campaign
    ).update(from_name="", content="", nominee=None, decision_note="")
    CandidateListHistory.objects.filter(
        candidate_list__post__election__village__campaign=campaign
    ).update(names=[], reason="")
    # A problem row quotes the cell it refused: a name, a masked number.
    NomineeImport.objects.filter(campaign=campaign).update(problems=[])
    return {
        "nominees": nominees,
        "statements": statements,
        "publicity_objections": objections,
    }
