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


def committee_meeting_args(w: Any, at: Any) -> dict[str, Any]:
    """A Party election at the place whose members' meeting (made directly) elected all five."""
    from datetime import date

    from huanjie.elections.services import election_create, election_set_seats
    from huanjie.polls.models import Meeting, Poll, PollKind, PollStatus
    from huanjie.polls.services.lifecycle import _create
    from huanjie.polls.tests.conftest import _person

    officer = w.officer(at)
    election = election_create(
        actor=officer, entry=w.entry(at), body="party", nomination_method="three_recommendations"
    )
    election = election_set_seats(
        actor=officer, election=election, seats={"secretary": 1, "member": 4}
    )
    people = [_person(f"委员{i}", date(1966, 5, 5), "M", at.village) for i in range(5)]
    poll = _create(
        actor=officer,
        election=election,
        kind=PollKind.FIRST,
        rehearsal=False,
        held_on=date.today(),
        posts=[("member", 5, False, [(p, p.name, p.sex) for p in people])],
        mode=Meeting.MEMBERS,
    )
    Poll.objects.filter(pk=poll.pk).update(
        status=PollStatus.CLOSED,
        engine_hash="0" * 64,
        engine_output={"valid": True, "elected": [p.name for p in people]},
    )
    return {"election": election, "secretary": people[0]}


def cases() -> dict[str, Any]:
    from huanjie.tests.test_service_matrix import Case

    manage = Action.MANAGE_POLLS
    return {
        P + "poll_create_first": Case(manage, lambda w, at: {"election": _election(w, at)}),
        P + "poll_open_voting": Case(manage, lambda w, at: {"poll": ready(w, at)}),
        P + "poll_start_counting": Case(manage, lambda w, at: {"poll": voting(w, at)}),
        P + "poll_create_committee_meeting": Case(manage, committee_meeting_args),
        P + "poll_cancel": Case(
            Action.COORDINATE_COUNT, lambda w, at: {"poll": ready(w, at), "reason": "演练结束"}
        ),
    }
