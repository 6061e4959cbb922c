"""Corrections and recounts in the role × action matrix: opening an amendment, entering and
submitting by the town or the county; approving and rejecting by the county only, on a
correction another county person opened, entered and submitted (two people); withdrawing by
the opener (the cast's town officer where the place is in its town) or the county."""

from __future__ import annotations

from typing import Any

from huanjie.accounts.permissions import Action

P = "huanjie.results.services.corrections."


def sheet(poll: Any, original: dict[str, Any], **changes: int) -> dict[str, Any]:
    """`original` as a count sheet's figures (every printed candidate, no ballots), with flat
    `changes` ("votes__member__陈静" for "votes.member.陈静")."""
    from huanjie.polls import figures
    from huanjie.polls.services.entry import layout_of

    flat = figures.flatten(original)
    for post in layout_of(poll).posts:
        for c in post.candidates:
            flat.setdefault(f"votes.{post.post}.{c.name}", 0)
    for key, value in changes.items():
        flat[key.replace("__", ".")] = value
    return figures.unflatten(flat)


def one_spoilt(poll: Any, original: dict[str, Any]) -> dict[str, Any]:
    """`original` (`closed_at`'s box: three ballots for the first candidates) with one ballot
    found invalid: every winner keeps two votes of three, more than half."""
    changes = {"valid": original["valid"] - 1, "invalid": original["invalid"] + 1}
    changes["invalid_reasons__无法辨认"] = 1
    for post, names in original["votes"].items():
        for name, n in names.items():
            if n:
                changes[f"votes__{post}__{name}"] = n - 1
    return sheet(poll, original, **changes)


def county_second(w: Any, at: Any) -> Any:
    """A second county officer of the place's county (made once per county): who opens the
    correction that the matrix's county officer approves."""
    from huanjie.accounts.models import Role, User
    from huanjie.accounts.services import RoleSpec, user_create
    from huanjie.regions.models import Region

    found = User.objects.filter(username=f"county2{at.county}").first()
    if found is not None:
        return found
    user, _ = user_create(
        actor=None,
        username=f"county2{at.county}",
        full_name="县级更正人",
        region=Region.objects.get(code=at.county),
        roles=[RoleSpec(Role.COUNTY_OFFICER)],
    )
    return user


def opened_at(w: Any, at: Any, opener: Any = None) -> Any:
    """An amendment of the box of `certified_at`'s result at `at`, opened by `opener` (the
    place's county officer by default)."""
    from huanjie.results.services.corrections import correction_open
    from huanjie.results.tests.matrix import certified_at

    version = certified_at(w, at)
    election = version.result.election
    poll = election.polls.get(rehearsal=False, number=1)
    return correction_open(
        actor=opener or w.officer(at),
        election=election,
        poll=poll,
        kind="amend",
        reason="计票结果报告单录入错误",
        boxes=list(poll.boxes.all()),
    )


def entered_at(w: Any, at: Any, opener: Any = None) -> Any:
    """`opened_at`'s amendment with one ballot found invalid, entered by the opener."""
    from huanjie.results.services.corrections import correction_enter

    correction = opened_at(w, at, opener)
    row = correction.boxes.select_related("box").get()
    correction_enter(
        actor=correction.opened_by,
        correction=correction,
        box=row.box,
        figures=one_spoilt(correction.poll, row.original),
    )
    return correction


def proposed_at(w: Any, at: Any) -> Any:
    """An amendment opened, entered and submitted by a second county officer of the place's
    county: the matrix's county officer may approve it."""
    from huanjie.results.services.corrections import correction_submit

    opener = county_second(w, at)
    correction = entered_at(w, at, opener)
    correction_submit(actor=opener, correction=correction)
    return correction


def _withdrawable(w: Any, at: Any) -> Any:
    """Opened by the cast's town officer where the place is in its town (the opener may
    withdraw, and so may the county), else by a town officer of the place's town."""
    from huanjie.results.tests.matrix import town_officer_of

    town = w.cast.town_officer
    opener = town if at.village.startswith(town.region_id) else town_officer_of(w, at)
    return opened_at(w, at, opener)


def _enter(w: Any, at: Any) -> dict[str, Any]:
    correction = opened_at(w, at)
    row = correction.boxes.select_related("box").get()
    return {
        "correction": correction,
        "box": row.box,
        "figures": one_spoilt(correction.poll, row.original),
    }


def _open(w: Any, at: Any) -> dict[str, Any]:
    from huanjie.results.tests.matrix import certified_at

    election = certified_at(w, at).result.election
    poll = election.polls.get(rehearsal=False, number=1)
    return {
        "election": election,
        "poll": poll,
        "kind": "amend",
        "reason": "计票结果报告单录入错误",
        "boxes": list(poll.boxes.all()),
    }


def cases() -> dict[str, Any]:
    from huanjie.tests.test_service_matrix import Case

    correct = Action.CORRECT_RESULTS
    return {
        P + "correction_open": Case(correct, _open, actor_levels=(6, 9)),
        P + "correction_enter": Case(correct, _enter, actor_levels=(6, 9)),
        P + "correction_submit": Case(
            correct, lambda w, at: {"correction": entered_at(w, at)}, actor_levels=(6, 9)
        ),
        P + "correction_approve": Case(
            correct,
            lambda w, at: {"correction": proposed_at(w, at), "note": "核对无误"},
            actor_levels=(6,),
        ),
        P + "correction_reject": Case(
            correct,
            lambda w, at: {"correction": proposed_at(w, at), "note": "报告单原件与录入一致"},
            actor_levels=(6,),
        ),
        P + "correction_withdraw": Case(
            correct, lambda w, at: {"correction": _withdrawable(w, at)}, actor_levels=(6, 9)
        ),
    }
