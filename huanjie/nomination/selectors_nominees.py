"""Reads of elections and nominees, scoped by the election's village (SECURITY.md C3): an
election or a nominee outside the user's region answers 404 exactly like a missing one.

Reading needs VIEW_CAMPAIGNS (a review department has no nominee page: it sees its queue only).
The people a nominee may be picked from are the village's own: its voter roll in the campaign
and its Party branch's members. A lookup by ID number goes by the keyed hash within that roll
only, so a number of a person elsewhere answers exactly as an unknown number does.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from huanjie.accounts.permissions import Action, get_scoped_or_404, in_scope, scoped
from huanjie.elections.models import Campaign, CampaignVillage, Election
from huanjie.lib import idcard
from huanjie.lib.crypto import lookup_hash
from huanjie.nomination.models import Nominee, Stage
from huanjie.party.models import PartyMember
from huanjie.people.models import Person
from huanjie.voters.models import VoterRegistration

ELECTION_FIELD = "village__region__code"
NOMINEE_FIELD = "election__village__region__code"
SEARCH_LIMIT = 20


def elections_visible_to(user: Any, campaign: Campaign) -> QuerySet[Election]:
    return scoped(
        user,
        Election.objects.filter(village__campaign=campaign).select_related(
            "village", "village__region", "village__campaign"
        ),
        Action.VIEW_CAMPAIGNS,
        field=ELECTION_FIELD,
    )


def access_election(user: Any, campaign: Campaign, pk: int) -> Election:
    return get_scoped_or_404(
        user,
        Election.objects.filter(village__campaign=campaign).select_related(
            "village", "village__region", "village__campaign"
        ),
        Action.VIEW_CAMPAIGNS,
        field=ELECTION_FIELD,
        pk=pk,
    )


def access_election_any(user: Any, pk: int) -> Election:
    """An election by its id alone (the API), scoped like every other read."""
    return get_scoped_or_404(
        user,
        Election.objects.select_related("village", "village__region", "village__campaign"),
        Action.VIEW_CAMPAIGNS,
        field=ELECTION_FIELD,
        pk=pk,
    )


def _nominees() -> QuerySet[Nominee]:
    return Nominee.objects.select_related(
        "person",
        "post",
        "election",
        "election__village",
        "election__village__region",
        "election__village__campaign",
    )


def access_nominee(user: Any, campaign: Campaign, pk: int) -> Nominee:
    return get_scoped_or_404(
        user,
        _nominees().filter(election__village__campaign=campaign),
        Action.VIEW_CAMPAIGNS,
        field=NOMINEE_FIELD,
        pk=pk,
    )


def access_nominee_any(user: Any, pk: int) -> Nominee:
    return get_scoped_or_404(user, _nominees(), Action.VIEW_CAMPAIGNS, field=NOMINEE_FIELD, pk=pk)


def nominees_of(election: Election) -> QuerySet[Nominee]:
    return _nominees().filter(election=election).order_by("post__id", "order")


def stage_counts(elections: list[Election]) -> dict[int, dict[str, int]]:
    """Election id → stage → number of nominees."""
    counts: dict[int, dict[str, int]] = {e.pk: {} for e in elections}
    rows = (
        Nominee.objects.filter(election__in=elections)
        .values("election_id", "stage")
        .annotate(c=Count("id"))
    )
    for row in rows:
        counts[row["election_id"]][row["stage"]] = row["c"]
    return counts


STAGE_ORDER = [
    Stage.NOMINATED,
    Stage.UNDER_REVIEW,
    Stage.QUALIFIED,
    Stage.RECOMMENDED,
    Stage.PRESELECTED,
    Stage.FORMAL,
    Stage.DISQUALIFIED,
    Stage.WITHDRAWN,
]


# ---------------------------------------------------------------------------------------------
# The people of a village a nominee is picked from.


def village_people(entry: CampaignVillage) -> QuerySet[Person]:
    """The people on the village's voter roll in the campaign (in force) or members of its
    Party branch: the only ones a nominee of its elections is picked from."""
    on_roll = VoterRegistration.objects.filter(
        campaign_id=entry.campaign_id, village_id=entry.region_id, active=True
    ).values("person_id")
    members = PartyMember.objects.filter(branch__village_id=entry.region_id).values("person_id")
    return Person.objects.filter(Q(pk__in=on_roll) | Q(pk__in=members))


def find_people(user: Any, entry: CampaignVillage, text: str) -> list[Person]:
    """The village's people whose name contains `text`, or whose ID number is `text` (by the
    keyed hash, within the village only). Nothing for a user outside the village's region."""
    text = text.strip()[:50]
    if not text or not in_scope(user, entry.region_id):
        return []
    people = village_people(entry)
    checked = idcard.check(text)
    if checked.normalized and len(checked.normalized) == 18 and not checked.problems:
        found = people.filter(id_hash=lookup_hash(checked.normalized))
    elif any(ch.isdigit() for ch in text):
        return []  # an incomplete or wrong number finds nobody, as an unknown one does
    else:
        found = people.filter(name__contains=text)
    return list(found.order_by("name", "pk")[:SEARCH_LIMIT])


def person_of_village(
    entry: CampaignVillage, *, pk: int | None = None, id_number: str = ""
) -> Person | None:
    """One person of the village, by id or by ID number (keyed hash); None when not there."""
    people = village_people(entry)
    if pk is not None:
        return people.filter(pk=pk).first()
    checked = idcard.check(id_number)
    if not checked.normalized or checked.problems:
        return None
    return people.filter(id_hash=lookup_hash(checked.normalized)).first()


def formal_problems(nominee: Nominee) -> list[str]:
    """Why `nominee` cannot be made a formal candidate now (none: it can), by the same table
    and guards as `nominee_make_formal`; a read, nothing written."""
    from huanjie.nomination import services

    guard = services.TRANSITIONS.get((nominee.stage, Stage.FORMAL))
    if guard is None:
        return [
            services.MSG_MOVE.format(
                name=nominee.person.name,
                stage=Stage(nominee.stage).label,
                to=Stage.FORMAL.label,
            )
        ]
    return guard(nominee)
