"""A poll's life in the role × action matrix: creating the first poll, opening the vote,
starting the count, cancelling. The polls are rehearsals where the matrix's election day (in
the future) would refuse the move itself."""

from __future__ import annotations

from typing import Any

from huanjie.accounts.permissions import Action

P = "huanjie.polls.services.lifecycle."


def _election(w: Any, at: Any) -> Any:
    from huanjie.polls.tests.conftest import fixed_election

    election, _ = fixed_election(w.officer(at), w.campaign_of(at), at.village)
    return election


def ready(w: Any, at: Any) -> Any:
    """A rehearsal in set-up with one box holding ballots (made directly: the set-up services
    have their own cells)."""
    from huanjie.polls.models import BallotBox
    from huanjie.polls.tests.conftest import register_voters
    from huanjie.polls.tests.matrix import poll_at

    poll = poll_at(w, at, rehearsal=True)
    register_voters(w.officer(at), w.campaign_of(at), at.village, [], 3)
    BallotBox.objects.create(poll=poll, name="主票箱", issued=30, serial_from=1, serial_to=30)
    return poll


def voting(w: Any, at: Any) -> Any:
    from huanjie.polls.services.lifecycle import poll_open_voting

    return poll_open_voting(actor=w.officer(at), poll=ready(w, at))


def counting(w: Any, at: Any) -> Any:
    from huanjie.polls.services.lifecycle import poll_start_counting

    return poll_start_counting(actor=w.officer(at), poll=voting(w, at))


def cases() -> dict[str, Any]:
    from huanjie.tests.test_service_matrix import Case

    manage = Action.MANAGE_POLLS
    return {
        P + "poll_create_first": Case(manage, lambda w, at: {"election": _election(w, at)}),
        P + "poll_open_voting": Case(manage, lambda w, at: {"poll": ready(w, at)}),
        P + "poll_start_counting": Case(manage, lambda w, at: {"poll": voting(w, at)}),
        P + "poll_cancel": Case(
            Action.COORDINATE_COUNT, lambda w, at: {"poll": ready(w, at), "reason": "演练结束"}
        ),
    }
