"""Building a poll up to its count with rows made directly (the set-up and entry services have
their own tests): boxes with ballots issued, check-ins, and agreed sheets."""

from __future__ import annotations

from collections import Counter
from typing import Any

from huanjie.polls.models import BallotBox, CheckIn, CheckInMethod, CountSheet, SheetStatus
from huanjie.polls.services.lifecycle import poll_open_voting, poll_start_counting


def figures_of(ballots: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures JSON of ballots read out ({"n": k, post: [names]} or {"n": k, "invalid": true})."""
    returned = sum(b.get("n", 1) for b in ballots)
    invalid = sum(b.get("n", 1) for b in ballots if b.get("invalid"))
    votes: dict[str, Counter[str]] = {}
    blank = 0
    for b in ballots:
        if b.get("invalid"):
            continue
        marked = False
        for post, names in b.items():
            if post in ("n", "invalid"):
                continue
            for name in names:
                votes.setdefault(post, Counter())[name] += b.get("n", 1)
                marked = True
        if not marked:
            blank += b.get("n", 1)
    return {
        "returned": returned,
        "valid": returned - invalid,
        "invalid": invalid,
        "blank": blank,
        "spoiled": 0,
        "replaced": 0,
        "invalid_reasons": {"无法辨认": invalid} if invalid else {},
        "votes": {post: dict(c) for post, c in votes.items()},
        "ballots": ballots,
    }


def to_counting(world: Any, poll: Any, voted: int, issued: int | None = None) -> BallotBox:
    """One central box with `issued` ballots, voting opened, `voted` voters checked in, and the
    count begun: the box."""
    actor = world.cast.town_officer
    box = BallotBox.objects.create(
        poll=poll, name="中心会场", issued=issued or voted, serial_from=1, serial_to=issued or voted
    )
    poll_open_voting(actor=actor, poll=poll)
    CheckIn.objects.bulk_create(
        CheckIn(poll=poll, registration=r, box=box, method=CheckInMethod.LIST, by=actor)
        for r in world.voters[:voted]
    )
    poll_start_counting(actor=actor, poll=poll)
    poll.refresh_from_db()
    return box


def agreed_sheet(
    poll: Any, box: BallotBox, figures: dict[str, Any], method: str = "ballots", group: int = 1
) -> CountSheet:
    if method != "ballots":
        figures = {k: v for k, v in figures.items() if k != "ballots"}
    return CountSheet.objects.create(
        poll=poll,
        box=box,
        group=group,
        method=method,
        status=SheetStatus.AGREED,
        agreed=figures,
        created_by=poll.created_by,
    )
