"""The demo Party organisation of `huanjie demo`: branches and members in two towns."""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date

from huanjie.accounts.models import User
from huanjie.elections.models import Campaign
from huanjie.lib.crypto import decrypt_field
from huanjie.party.models import MemberStatus, PartyBranch
from huanjie.party.services import branch_create, member_add, member_registration_set
from huanjie.people.models import Person
from huanjie.regions.models import Region


def party_seed(*, campaign: Campaign, officers: Mapping[str, User], seed: int) -> str | None:
    """Party branches with members in the first eight villages of each town of `officers`
    (town code -> the town's officer, who creates them: 桥头镇 and 城关镇), through the party
    services, so each member is audited; the other towns are left for the demo users to fill
    in. Done once: skipped when the campaign's county has any branch. Returns the line to
    print, None when skipped."""
    if PartyBranch.objects.filter(village__code__startswith=campaign.region_id).exists():
        return None
    rng = random.Random(seed + 1)
    statuses = (
        [MemberStatus.FULL] * 17
        + [MemberStatus.PROBATIONARY] * 2
        + [MemberStatus.PROBATION_DISCIPLINE]
    )
    members = 0
    for town, actor in officers.items():
        villages = Region.objects.filter(
            level=Region.Level.VILLAGE, code__startswith=town
        ).order_by("code")
        for village in villages[:8]:
            short = village.display_name
            branch = branch_create(
                actor=actor, village=village, name=f"中共{short}支部委员会", kind="branch"
            )
            adults = list(
                Person.objects.filter(region=village, birth_date__lte=date(1999, 1, 1)).order_by(
                    "id"
                )[:400]
            )
            for person in rng.sample(adults, min(len(adults), rng.randint(12, 36))):
                member = member_add(
                    actor=actor,
                    branch=branch,
                    name=person.name,
                    id_number=decrypt_field(person.id_cipher, "person.id_number"),
                    status=rng.choice(statuses),
                    flowing=rng.random() < 0.12,
                )
                if member.status == MemberStatus.FULL and (
                    not member.flowing or rng.random() < 0.6
                ):
                    member_registration_set(
                        actor=actor,
                        campaign=campaign,
                        member=member,
                        registered=True,
                        registered_on=date(2026, 11, 20),
                    )
                members += 1
    return f"党组织：桥头镇、城关镇各 8 个村党支部，党员 {members} 人"
