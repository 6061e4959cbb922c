"""An election committee of 红河限村 (桥头镇) with members and reserves, in a campaign under the
2025 law (the cast's campaign, election day 2027) or under the 2018 law (election day 2025)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

import pytest

from huanjie.committees import services as s
from huanjie.committees.models import ElectionCommittee, ElectionCommitteeMember
from huanjie.conftest import VILLAGE, Cast, make_campaign
from huanjie.elections.models import Campaign, CampaignVillage, Election
from huanjie.elections.services import election_create, election_set_seats
from huanjie.lib import idcard
from huanjie.people.models import Person
from huanjie.people.services import PersonIn, person_row

_seq = itertools.cycle(range(1, 500))


def make_person(name: str, region: str = VILLAGE, **fields: object) -> Person:
    birth = date(1971, 4, 2)
    person = person_row(
        PersonIn(
            id_number=idcard.generate("630121", birth, "M", next(_seq)),
            name=name,
            sex="M",
            birth_date=birth,
            ethnicity="01",
            region_code=region,
        )
    )
    for key, value in fields.items():
        setattr(person, key, value)
    person.save()
    return person


def entry_of(campaign: Campaign, code: str = VILLAGE) -> CampaignVillage:
    return CampaignVillage.objects.select_related("campaign", "region").get(
        campaign=campaign, region_id=code
    )


def make_committee(
    cast: Cast, campaign: Campaign, code: str = VILLAGE, reserves: int = 2
) -> tuple[ElectionCommittee, list[ElectionCommitteeMember]]:
    """A committee of three (主任 韩德福 38 votes, 委员 马进才 35, 委员 祁生秀 30) and its reserves
    (李有福 22, 朱成林 18, ...) in the original order, through the services."""
    officer = cast.county_officer
    committee = s.committee_create(
        actor=officer,
        entry=entry_of(campaign, code),
        chosen_on=campaign.window_start,
        chosen_by="representatives_meeting",
        seats=3,
    )
    rows = [
        ("韩德福", "serving", "chair", 38),
        ("马进才", "serving", "member", 35),
        ("祁生秀", "serving", "member", 30),
        ("李有福", "reserve", "", 22),
        ("朱成林", "reserve", "", 18),
        ("赵永寿", "reserve", "", 11),
    ][: 3 + reserves]
    members = [
        s.member_add(
            actor=officer,
            committee=committee,
            person=make_person(name, code),
            status=status,
            role=role,
            votes=votes,
        )
        for name, status, role, votes in rows
    ]
    return committee, members


def make_election(cast: Cast, campaign: Campaign, code: str = VILLAGE) -> Election:
    election = election_create(
        actor=cast.county_officer,
        entry=entry_of(campaign, code),
        body="villagers",
        nomination_method="voters",
    )
    return election_set_seats(
        actor=cast.county_officer, election=election, seats={"director": 1, "member": 4}
    )


@dataclass
class World:
    cast: Cast
    campaign: Campaign
    committee: ElectionCommittee
    members: list[ElectionCommitteeMember]

    def m(self, i: int) -> ElectionCommitteeMember:
        return ElectionCommitteeMember.objects.select_related(
            "person", "committee", "committee__village", "committee__village__campaign"
        ).get(pk=self.members[i].pk)


@pytest.fixture
def world(cast: Cast, campaign: Campaign) -> World:
    """Under the 2025 law (election day 2027-01-15)."""
    committee, members = make_committee(cast, campaign)
    return World(cast, campaign, committee, members)


@pytest.fixture
def world_2018(cast: Cast) -> World:
    """Under the 2018 law (election day 2025-06-01)."""
    campaign = make_campaign(
        cast, term=11, start=date(2025, 3, 1), end=date(2025, 9, 30), election_day=date(2025, 6, 1)
    )
    committee, members = make_committee(cast, campaign)
    return World(cast, campaign, committee, members)
