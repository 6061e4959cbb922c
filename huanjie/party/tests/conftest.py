"""A campaign of 大通 with a branch in 红河限村 (桥头镇) and one in 东门村 (城关镇)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import count

import pytest

from huanjie.conftest import OTHER_TOWN_VILLAGE, VILLAGE, Cast, make_campaign
from huanjie.elections.models import Campaign
from huanjie.lib import idcard
from huanjie.party.models import PartyBranch, PartyMember
from huanjie.party.services import branch_create, member_add
from huanjie.regions.models import Region

_seq = count(1)


def new_id(sex: str = "M") -> str:
    n = next(_seq)
    return idcard.generate("630121", date(1950 + n // 500 % 50, 1, 1), sex, n % 500)


@dataclass
class PartyWorld:
    cast: Cast
    campaign: Campaign
    branch: PartyBranch  # 红河限村, in the town officer's 桥头镇
    other_branch: PartyBranch  # 东门村, in 城关镇

    def add(self, name: str, branch: PartyBranch | None = None, **kw: object) -> PartyMember:
        return member_add(
            actor=self.cast.county_officer,
            branch=branch or self.branch,
            id_number=new_id(),
            name=name,
            **kw,  # type: ignore[arg-type]
        )


@pytest.fixture
def world(cast: Cast) -> PartyWorld:
    campaign = make_campaign(cast)
    branch = branch_create(
        actor=cast.town_officer,
        village=Region.objects.get(code=VILLAGE),
        name="中共红河限村支部委员会",
        kind="branch",
    )
    other = branch_create(
        actor=cast.county_officer,
        village=Region.objects.get(code=OTHER_TOWN_VILLAGE),
        name="中共东门村支部委员会",
        kind="branch",
    )
    return PartyWorld(cast, campaign, branch, other)
