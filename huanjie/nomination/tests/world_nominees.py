"""The world of the nominee pages' tests: 红河限村's elections (villagers' committee by the
voters, the Party by 三推), people on its voter roll, and a person barred by a cannot-stand
finding in another election of the campaign (东门村's villagers' committee)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

import pytest

from huanjie.conftest import OTHER_TOWN_VILLAGE, VILLAGE, Cast
from huanjie.elections.models import Campaign, CampaignVillage, Election
from huanjie.elections.services import election_create, election_set_seats
from huanjie.lib import idcard
from huanjie.nomination import services as n
from huanjie.nomination.models import Nominee
from huanjie.people.models import Person
from huanjie.people.services import PersonIn, person_row
from huanjie.regions.models import Region
from huanjie.voters import services as voters

_seq = itertools.cycle(range(100, 499))


def new_person(
    name: str, region: str = VILLAGE, birth: date = date(1975, 6, 9)
) -> tuple[Person, str]:
    number = idcard.generate("630121", birth, "M", next(_seq))
    person = person_row(
        PersonIn(
            id_number=number,
            name=name,
            sex="M",
            birth_date=birth,
            ethnicity="01",
            region_code=region,
        )
    )
    person.save()
    return person, number


def on_roll(cast: Cast, campaign: Campaign, name: str, code: str = VILLAGE) -> tuple[Person, str]:
    """A person registered on the village's voter roll, and their full ID number."""
    person, number = new_person(name, region=code)
    voters.voter_register(
        actor=cast.county_officer,
        campaign=campaign,
        village=Region.objects.get(code=code),
        person=person,
        category="hukou_resident",
    )
    return person, number


def election(
    cast: Cast, campaign: Campaign, body: str, method: str, code: str = VILLAGE
) -> Election:
    entry = CampaignVillage.objects.select_related("campaign", "region").get(
        campaign=campaign, region_id=code
    )
    e = election_create(actor=cast.county_officer, entry=entry, body=body, nomination_method=method)
    seats = {"secretary": 1, "member": 4} if body == "party" else {"director": 1, "member": 4}
    return election_set_seats(actor=cast.county_officer, election=e, seats=seats)


@dataclass
class World:
    cast: Cast
    campaign: Campaign
    villagers: Election
    party: Election
    person: Person  # on 红河限村's roll, free to stand
    number: str
    barred: Person  # on 红河限村's roll, found unable to stand in 东门村
    barred_number: str
    outsider: Person  # on 东门村's roll only
    outsider_number: str


def bar(cast: Cast, campaign: Campaign, person: Person) -> Nominee:
    """A cannot-stand finding against `person` in 东门村's villagers' committee election."""
    other = election(cast, campaign, "villagers", "voters", code=OTHER_TOWN_VILLAGE)
    nominee = n.nominee_propose(
        actor=cast.county_officer,
        election=other,
        post=other.posts.get(post="member"),
        person=person,
        how_nominated="self",
    )
    n.nominee_send_to_review(actor=cast.county_officer, nominee=nominee)
    return n.nominee_disqualify(
        actor=cast.county_officer, nominee=nominee, reason="受过刑事处罚", cannot_stand=True
    )


@pytest.fixture(name="world")
def world_fixture(cast: Cast, campaign: Campaign) -> World:
    """The `world` fixture (import `world_fixture` into a test module to use it)."""
    villagers = election(cast, campaign, "villagers", "voters")
    party = election(cast, campaign, "party", "three_recommendations")
    person, number = on_roll(cast, campaign, "马玉兰")
    barred, barred_number = on_roll(cast, campaign, "韩有福")
    # 东门村's roll: the barred person's finding is made there (a person on two rolls is not
    # what this is about: they are nominated there through the service directly).
    outsider, outsider_number = on_roll(cast, campaign, "鲁成福", code=OTHER_TOWN_VILLAGE)
    bar(cast, campaign, barred)
    return World(
        cast,
        campaign,
        villagers,
        party,
        person,
        number,
        barred,
        barred_number,
        outsider,
        outsider_number,
    )
