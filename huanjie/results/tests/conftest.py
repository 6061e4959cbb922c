"""Worlds for the results' tests: an election of 红河限村 whose first poll is closed (every seat
filled), each box with its signed sheet scanned and compared by the town; second officers of the
town and the county (two people certify, a second person approves)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from huanjie.accounts.models import Role
from huanjie.conftest import TOWN, Cast, _user
from huanjie.polls.services.closing import poll_close
from huanjie.polls.services.lifecycle import poll_create_first
from huanjie.polls.tests.closing_helpers import agreed_sheet, figures_of, to_counting
from huanjie.polls.tests.conftest import PollWorld, make_world

# 15 voters, everyone decided: 张伟 director, 王芳 刘洋 陈静 members.
ALL_ELECTED: list[dict[str, Any]] = [
    {"n": 10, "director": ["张伟"], "member": ["王芳", "刘洋", "陈静"]},
    {"n": 4, "director": ["李强"], "member": ["王芳", "刘洋", "赵敏"]},
    {"n": 1, "invalid": True},
]

# A PNG of one white pixel: a "scan" small enough for every test.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8ffff3f0005fe02fea7d6a0000000"
    "0049454e44ae426082"
)


@dataclass
class ResultWorld:
    world: PollWorld
    poll: Any
    box: Any
    town2: Any  # a second town officer of the same town
    county2: Any  # a second county officer

    @property
    def cast(self) -> Cast:
        return self.world.cast

    @property
    def election(self) -> Any:
        return self.world.election


def close_poll(world: PollWorld, ballots: list[dict[str, Any]] = ALL_ELECTED) -> tuple[Any, Any]:
    """The election's first poll, voted and counted with `ballots` and closed: (poll, box)."""
    poll = poll_create_first(actor=world.cast.town_officer, election=world.election)
    voted = sum(b.get("n", 1) for b in ballots)
    box = to_counting(world, poll, voted=voted)
    agreed_sheet(poll, box, figures_of(ballots))
    poll_close(actor=world.cast.town_officer, poll=poll)
    poll.refresh_from_db()
    return poll, box


def count_and_close(officer: Any, poll: Any, roll: list[Any]) -> Any:
    """`poll` (in set-up, held today) voted by every registration of `roll` at one box, its
    sheet agreed with each post's first candidates elected by everyone, closed by `officer`:
    the box."""
    from huanjie.polls.models import BallotBox, CheckIn, CheckInMethod
    from huanjie.polls.services.lifecycle import poll_open_voting, poll_start_counting

    n = len(roll)
    box = BallotBox.objects.create(poll=poll, name="主票箱", issued=n, serial_from=1, serial_to=n)
    poll_open_voting(actor=officer, poll=poll)
    CheckIn.objects.bulk_create(
        CheckIn(poll=poll, registration=r, box=box, method=CheckInMethod.LIST, by=officer)
        for r in roll
    )
    poll_start_counting(actor=officer, poll=poll)
    picks = {
        p.post: [c.name for c in p.candidates.order_by("position")][: p.seats]
        for p in poll.posts.all()
    }
    agreed_sheet(poll, box, figures_of([{"n": n, **picks}]))
    poll_close(actor=officer, poll=poll)
    poll.refresh_from_db()
    return box


def paper_ready(actor: Any, poll: Any) -> None:
    """Every box of `poll` with a scan of its signed sheet and the town's comparison, made as
    rows (the paper's services have their own tests)."""
    from huanjie.results.models import BoxCheck, CheckLevel, TallySheetScan

    for box in poll.boxes.all():
        TallySheetScan.objects.create(
            box=box,
            name=f"{box.name}.png",
            content_type="image/png",
            size=len(PNG),
            path="",
            sha256="0" * 64,
            uploaded_by=actor,
        )
        BoxCheck.objects.get_or_create(
            box=box, level=CheckLevel.TOWN, defaults={"checked_by": actor}
        )


@pytest.fixture
def closed(cast: Cast) -> ResultWorld:
    world = make_world(cast, voters=8)
    poll, box = close_poll(world)
    paper_ready(cast.town_officer, poll)
    return ResultWorld(
        world,
        poll,
        box,
        town2=_user("town2", "马文静", TOWN, Role.TOWN_OFFICER),
        county2=_user("county2", "李秀英", "630121", Role.COUNTY_OFFICER),
    )


@pytest.fixture
def certified(closed: ResultWorld) -> Any:
    """`closed`'s result certified by the town and then the county: the version in force."""
    from huanjie.results.services.certify import result_certify_county, result_certify_town

    version = result_certify_town(actor=closed.cast.town_officer, election=closed.election)
    return result_certify_county(actor=closed.cast.county_officer, version=version)
