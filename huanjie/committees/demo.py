"""The demo election committees of `huanjie demo`: each village the nomination demo works in
has its committee (推选 by the villagers' meeting), five serving and two reserves in the order
of their votes, made through the services as the town officer would."""

from __future__ import annotations

import random
from datetime import date

from huanjie.accounts.models import User
from huanjie.committees.models import ChosenBy, ElectionCommittee, MemberRole, MemberStatus
from huanjie.committees.services import committee_create, member_add
from huanjie.elections.models import CampaignVillage
from huanjie.people.models import Person

SEATS = 5
CHOSEN_ON = date(2026, 11, 8)


def committee_seed(*, entry: CampaignVillage, actor: User, rng: random.Random) -> ElectionCommittee:
    """The village's committee, unless it has one: a chair, four members and two reserves,
    adults of the village alive and not deprived of political rights."""
    existing = ElectionCommittee.objects.filter(village=entry).first()
    if existing is not None:
        return existing
    committee = committee_create(
        actor=actor,
        entry=entry,
        chosen_on=CHOSEN_ON,
        chosen_by=ChosenBy.VILLAGERS_MEETING,
        seats=SEATS,
    )
    adults = list(
        Person.objects.filter(
            region_id=entry.region_id,
            birth_date__lte=date(1995, 1, 1),
            birth_date__gte=date(1955, 1, 1),
            died_on=None,
            rights_deprived_from=None,
        ).order_by("id")[:200]
    )
    people = rng.sample(adults, min(SEATS + 2, len(adults)))
    votes = sorted((rng.randint(80, 260) for _ in people), reverse=True)
    for i, (person, n) in enumerate(zip(people, votes, strict=True)):
        serving = i < SEATS
        member_add(
            actor=actor,
            committee=committee,
            person=person,
            status=MemberStatus.SERVING if serving else MemberStatus.RESERVE,
            role=(MemberRole.CHAIR if i == 0 else MemberRole.MEMBER) if serving else "",
            votes=n,
        )
    return committee
