"""The review's world: elections of 红河限村 and 东门村 with nominees, and reviewers of other
departments and counties."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from huanjie.accounts.models import Department, Role, User
from huanjie.conftest import OTHER_COUNTY, OTHER_TOWN_VILLAGE, VILLAGE, Cast, _user
from huanjie.elections.models import CampaignVillage
from huanjie.elections.services import election_create, election_set_seats
from huanjie.nomination import services as n
from huanjie.review import services as s


def make_election(
    cast: Cast, campaign: Any, village: str = VILLAGE, body: str = "villagers"
) -> Any:
    entry = CampaignVillage.objects.get(campaign=campaign, region_id=village)
    party = body == "party"
    election = election_create(
        actor=cast.county_officer,
        entry=entry,
        body=body,
        nomination_method="three_recommendations" if party else "voters",
    )
    seats = {"secretary": 1, "member": 4} if party else {"director": 1, "member": 4}
    return election_set_seats(actor=cast.county_officer, election=election, seats=seats)


def make_nominee(cast: Cast, election: Any, person: Any, post: str = "member") -> Any:
    how = "organisation" if election.body == "party" else "self"
    return n.nominee_propose(
        actor=cast.county_officer,
        election=election,
        post=election.posts.get(post=post),
        person=person,
        how_nominated=how,
    )


def town_officer_of(code: str) -> User:
    return (
        User.objects.get(username="town")
        if code.startswith("630121100")
        else _user(f"town{code[6:9]}", "城关镇干部", code[:9], Role.TOWN_OFFICER)
    )


def to_awaiting(cast: Cast, review: Any) -> Any:
    """预审 (the village clerk) and 初审 (the town officer)."""
    s.review_pass(actor=cast.village_clerk, review=review)
    return s.review_pass(actor=cast.town_officer, review=review)


@dataclass
class Reviewers:
    court: User
    police: User
    other_county_court: User


@pytest.fixture
def reviewers(cast: Cast) -> Reviewers:
    return Reviewers(
        court=cast.reviewer,
        police=_user("police", "公安联审员", "630121", Role.REVIEWER, Department.PUBLIC_SECURITY),
        other_county_court=_user(
            "othercourt", "湟源法院", OTHER_COUNTY, Role.REVIEWER, Department.COURT
        ),
    )


__all__ = ["OTHER_TOWN_VILLAGE", "make_election", "make_nominee", "to_awaiting", "town_officer_of"]
