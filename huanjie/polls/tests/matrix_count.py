"""The count's cells of the role × action matrix (huanjie/tests/test_service_matrix.py): the
entry services are ENTER_COUNT, settling differences COORDINATE_COUNT. The polls are rehearsals
counting at the place (`matrix_setup.voting_poll`, then the count begun).

An entry is its entrant's own: a builder makes it for the user the cell will call with, found
from the place (a cell's place names the caller's own region as its area); a role refused by
its action or scope is refused before the entrant is looked at. The sheet the coordinator
settles was entered by two clerks made for it, so that no caller took part in its entry."""

from __future__ import annotations

import itertools
from typing import Any

from huanjie.polls.tests.matrix import Action

P = "huanjie.polls.services.entry."
_names = itertools.count(1)


def counting_poll(w: Any, at: Any) -> tuple[Any, Any]:
    """A rehearsal counting at `at` with one box: (poll, box)."""
    from huanjie.polls.services.lifecycle import poll_start_counting
    from huanjie.polls.tests.matrix_setup import voting_poll

    poll, box, _ = voting_poll(w, at)
    return poll_start_counting(actor=w.officer(at), poll=poll), box


def entrant(w: Any, at: Any) -> Any:
    """The user a cell calls with at `at` (its area is the caller's region), where the cast
    has one that counts there; another place's county officer otherwise."""
    cast = w.cast
    for user in (cast.county_officer, cast.town_officer, cast.village_clerk):
        if user.region_id == at.area:
            return user
    return w.officer(at)


def sheet(w: Any, at: Any, method: str) -> Any:
    from huanjie.polls.services.entry import sheet_create

    poll, box = counting_poll(w, at)
    return sheet_create(actor=w.officer(at), poll=poll, box=box, method=method)


def blank_figures(poll: Any) -> dict[str, Any]:
    from huanjie.polls.figures import HEADER
    from huanjie.polls.services.entry import layout_of

    layout = layout_of(poll)
    return {
        **dict.fromkeys(HEADER, 0),
        "votes": {p.post: {c.name: 0 for c in p.candidates} for p in layout.posts},
    }


def own_entry(w: Any, at: Any, method: str, ballots: int = 0, saved: bool = False) -> Any:
    """The caller's open entry of a new sheet, with `ballots` blank ballots typed or (the
    sheet's figures) the figures saved."""
    from huanjie.polls.services import entry as s

    user = entrant(w, at)
    e = s.entry_start(actor=user, sheet=sheet(w, at, method))
    for seq in range(1, ballots + 1):
        s.ballot_enter(actor=user, entry=e, seq=seq, picks={})
    if saved:
        s.entry_save(actor=user, entry=e, figures=blank_figures(e.sheet.poll))
    return e


def clerk(w: Any, at: Any) -> Any:
    from huanjie.accounts.models import Role
    from huanjie.conftest import _user

    return _user(f"countclerk{next(_names)}", "计票员", at.village, Role.VILLAGE_CLERK)


def different(w: Any, at: Any) -> Any:
    """A sheet two new clerks of the place entered with one differing field."""
    from huanjie.polls.services import entry as s

    made = sheet(w, at, "sheet")
    figures = blank_figures(made.poll)
    for returned in (1, 2):
        user = clerk(w, at)
        e = s.entry_start(actor=user, sheet=made)
        s.entry_save(actor=user, entry=e, figures={**figures, "returned": returned})
        s.entry_finish(actor=user, entry=e)
    made.refresh_from_db()
    return made


def cases() -> dict[str, Any]:
    from huanjie.tests.test_service_matrix import Case

    enter, coordinate = Action.ENTER_COUNT, Action.COORDINATE_COUNT

    def create(w: Any, at: Any) -> dict[str, Any]:
        poll, box = counting_poll(w, at)
        return {"poll": poll, "box": box, "method": "ballots"}

    return {
        P + "sheet_create": Case(enter, create),
        P + "entry_start": Case(enter, lambda w, at: {"sheet": sheet(w, at, "ballots")}),
        P + "entry_save": Case(
            enter,
            lambda w, at: {
                "entry": (e := own_entry(w, at, "sheet")),
                "figures": blank_figures(e.sheet.poll),
            },
        ),
        P + "ballot_enter": Case(
            enter, lambda w, at: {"entry": own_entry(w, at, "ballots"), "seq": 1, "picks": {}}
        ),
        P + "ballot_correct": Case(
            enter,
            lambda w, at: {"entry": own_entry(w, at, "ballots", ballots=1), "seq": 1, "picks": {}},
        ),
        P + "ballot_undo": Case(enter, lambda w, at: {"entry": own_entry(w, at, "ballots", 1)}),
        P + "entry_finish": Case(
            enter, lambda w, at: {"entry": own_entry(w, at, "sheet", saved=True)}
        ),
        P + "sheet_decide": Case(
            coordinate,
            lambda w, at: {"sheet": different(w, at), "decisions": {"returned": "first"}},
        ),
    }
