"""Helpers the roll tests share (no tests here): a campaign with an election day on the cast's
village, and people with generated ID numbers on test-only codes."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

from huanjie.conftest import VILLAGE, make_campaign
from huanjie.elections.models import Campaign, CampaignVillage
from huanjie.elections.services import campaign_village_set_election_date
from huanjie.lib import idcard
from huanjie.people.models import Person
from huanjie.people.services import PersonIn, person_row
from huanjie.regions.models import Region

ELECTION_DAY = date(2026, 12, 20)  # the 2025 law governs: any villager, three proxies a holder


@dataclass
class Roll:
    campaign: Campaign
    entry: CampaignVillage
    village: Region


def make_roll(cast, code: str = VILLAGE, day: date | None = ELECTION_DAY, campaign=None) -> Roll:
    campaign = campaign or make_campaign(cast)
    entry = CampaignVillage.objects.select_related("campaign", "region").get(
        campaign=campaign, region_id=code
    )
    if day is not None:
        campaign_village_set_election_date(
            actor=cast.county_officer, entry=entry, election_date=day
        )
    return Roll(campaign, entry, entry.region)


_seq = itertools.cycle(range(1, 500))


def make_person(
    name: str,
    birth: date = date(1980, 5, 1),
    sex: str = "M",
    region: str = VILLAGE,
    group: str = "第一村民小组",
    household: str = "",
) -> tuple[Person, str]:
    """A person and their full ID number (so a test can check it never shows)."""
    number = idcard.generate("630121", birth, sex, next(_seq))
    person = person_row(
        PersonIn(
            id_number=number,
            name=name,
            sex=sex,
            birth_date=birth,
            ethnicity="01",
            region_code=region,
            group_name=group,
            household_no=household,
        )
    )
    person.save()
    return person, number
