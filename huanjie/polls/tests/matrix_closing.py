"""Closing in the role × action matrix: explaining a warning and closing a counted poll (a
rehearsal, since the matrix's election day is in the future)."""

from __future__ import annotations

from typing import Any

from huanjie.accounts.permissions import Action

P = "huanjie.polls.services.closing."


def counted(w: Any, at: Any, issued: int) -> Any:
    """A rehearsal counted: 3 voters checked in at a box with `issued` ballots, its one sheet
    agreed (3 ballots for the first candidates)."""
    from huanjie.polls.models import BallotBox, CheckIn, CheckInMethod
    from huanjie.polls.services.lifecycle import poll_open_voting, poll_start_counting
    from huanjie.polls.tests.closing_helpers import agreed_sheet, figures_of
    from huanjie.polls.tests.conftest import register_voters
    from huanjie.polls.tests.matrix import poll_at

    officer = w.officer(at)
    poll = poll_at(w, at, rehearsal=True)
    voters = register_voters(officer, w.campaign_of(at), at.village, [], 3)
    box = BallotBox.objects.create(
        poll=poll, name="主票箱", issued=issued, serial_from=1, serial_to=issued
    )
    poll_open_voting(actor=officer, poll=poll)
    for r in voters:
        CheckIn.objects.create(
            poll=poll, registration=r, box=box, method=CheckInMethod.LIST, by=officer
        )
    poll_start_counting(actor=officer, poll=poll)
    picks = {
        p.post: [c.name for c in p.candidates.order_by("position")][: p.seats]
        for p in poll.posts.all()
    }
    agreed_sheet(poll, box, figures_of([{"n": 3, **picks}]))
    return poll


def cases() -> dict[str, Any]:
    from huanjie.tests.test_service_matrix import Case

    coordinate = Action.COORDINATE_COUNT
    return {
        P + "check_explain": Case(
            coordinate,
            lambda w, at: {
                "poll": counted(w, at, issued=5),
                "code": "C15",
                "box": "主票箱",
                "text": "两张选票领取后未投入票箱，已收回封存",
            },
        ),
        P + "poll_close": Case(coordinate, lambda w, at: {"poll": counted(w, at, issued=3)}),
    }
