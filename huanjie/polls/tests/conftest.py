"""Worlds for election day's tests: an election of the demo county's 红河限村 whose formal
lists are fixed, a roll of voters, and its first poll ready to set up (election day today)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from huanjie.conftest import VILLAGE, Cast, make_campaign
from huanjie.elections.models import CampaignVillage
from huanjie.elections.services import election_create, election_set_seats
from huanjie.nomination import lists
from huanjie.nomination import services as n
from huanjie.polls.services.lifecycle import poll_create_first

TODAY = timezone.localdate()

DIRECTORS = ["张伟", "李强"]
MEMBERS = ["王芳", "刘洋", "陈静", "赵敏", "孙丽"]
WOMEN = {"王芳", "陈静", "赵敏", "孙丽"}


@dataclass
class PollWorld:
    cast: Cast
    campaign: Any
    election: Any
    voters: list[Any] = field(default_factory=list)  # VoterRegistration rows
    candidates: dict[str, Any] = field(default_factory=dict)  # name → Person


# Every person made here is born on a day of their own: make_person's ID sequence wraps at 500,
# and a long walk would meet the same (birth day, sequence) twice.
_days = itertools.count()


def _person(name: str, born: date, sex: str, region: str = VILLAGE) -> Any:
    from huanjie.voters.tests.test_roll_cast import make_person

    day = born + timedelta(days=next(_days) % 3000)
    return make_person(name, day, sex=sex, region=region)[0]


def fixed_election(
    officer: Any,
    campaign: Any,
    code: str = VILLAGE,
    *,
    body: str = "villagers",
    seats: dict[str, int] | None = None,
    directors: list[str] = DIRECTORS,
    members: list[str] = MEMBERS,
) -> tuple[Any, dict[str, Any]]:
    """The village's election in `campaign` with its formal lists fixed by `officer` (who holds
    the nomination over `code`): (election, {name: Person})."""
    entry = CampaignVillage.objects.select_related("campaign", "region").get(
        campaign=campaign, region_id=code
    )
    if body == "villagers" and entry.region.kind == "community":
        # A 社区 elects a residents' committee: five to nine (城市居民委员会组织法(2025) 第八条).
        body, seats = "residents", seats or {"director": 1, "member": 4}
    election = election_create(actor=officer, entry=entry, body=body, nomination_method="voters")
    election = election_set_seats(
        actor=officer, election=election, seats=seats or {"director": 1, "member": 3}
    )
    people: dict[str, Any] = {}
    day = entry.election_date or TODAY
    born = date(1971, 9, 13)  # a day no other test's people are born on
    for post, names in (("director", directors), ("member", members)):
        if not election.posts.filter(post=post).exists():
            continue
        for i, name in enumerate(names):
            shift = i + (0 if post == "director" else 40)
            person = _person(
                name, born + timedelta(days=shift), "F" if name in WOMEN else "M", code
            )
            people[name] = person
            nominee = n.nominee_propose(
                actor=officer,
                election=election,
                post=election.posts.get(post=post),
                person=person,
                how_nominated="voters_jointly",
            )
            n.nominee_send_to_review(actor=officer, nominee=nominee)
            n.nominee_qualify(actor=officer, nominee=nominee)
            n.nominee_make_formal(actor=officer, nominee=nominee)
    lists.publicity_open(
        actor=officer,
        election=election,
        subject="nominees",
        starts_on=min(day, TODAY) - timedelta(days=12),
        ends_on=min(day, TODAY) - timedelta(days=7),
    )
    for election_post in election.posts.all():
        lists.list_fix(actor=officer, post=election_post)
    return election, people


def register_voters(
    officer: Any, campaign: Any, code: str, people: list[Any], extra: int
) -> list[Any]:
    """Register `people` and `extra` new voters in the village's roll: the registrations."""
    from huanjie.regions.models import Region
    from huanjie.voters.services import voter_register

    region = Region.objects.get(code=code)
    category = "community_hukou" if region.kind == "community" else "hukou_resident"
    everyone = list(people)
    for i in range(extra):
        everyone.append(
            _person(f"选民{i + 1:03d}", date(1958, 2, 17) + timedelta(days=i), "M", code)
        )
    return [
        voter_register(
            actor=officer, campaign=campaign, village=region, person=p, category=category
        )
        for p in everyone
    ]


def make_world(
    cast: Cast,
    *,
    voters: int = 12,
    body: str = "villagers",
    seats: dict[str, int] | None = None,
    directors: list[str] = DIRECTORS,
    members: list[str] = MEMBERS,
    code: str = VILLAGE,
    term: int = 13,
) -> PollWorld:
    """A campaign whose election day is today, the village's election with its lists fixed and
    `voters` registered voters (the candidates are registered too)."""
    campaign = make_campaign(
        cast,
        term=term,
        start=TODAY - timedelta(days=60),
        end=TODAY + timedelta(days=120),
        election_day=TODAY,
    )
    officer = cast.county_officer
    election, people = fixed_election(
        officer, campaign, code, body=body, seats=seats, directors=directors, members=members
    )
    world = PollWorld(cast, campaign, election, candidates=people)
    world.voters = register_voters(officer, campaign, code, list(people.values()), voters)
    return world


@pytest.fixture
def world(cast: Cast) -> PollWorld:
    return make_world(cast)


@pytest.fixture
def poll(world: PollWorld) -> Any:
    return poll_create_first(actor=world.cast.town_officer, election=world.election)
