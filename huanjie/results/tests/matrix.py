"""The results' cells of the role × action matrix (huanjie/tests/test_service_matrix.py):
`cases()` gathers the cases of each part (matrix_*.py beside this file)."""

from __future__ import annotations

import importlib
from typing import Any

PARTS = ("matrix_certify", "matrix_paper", "matrix_corrections")


def closed_at(w: Any, at: Any, *, paper: bool = True) -> Any:
    """An election at the place `at` whose first (official) poll is closed with every seat
    filled, made by the place's county officer; with `paper`, every box scanned and compared by
    the town. The election."""
    from datetime import date

    from huanjie.polls.models import Poll
    from huanjie.polls.tests.conftest import register_voters
    from huanjie.polls.tests.matrix import poll_at
    from huanjie.results.tests.conftest import count_and_close, paper_ready

    officer = w.officer(at)
    poll = poll_at(w, at)
    # The matrix's campaign votes later; this poll is held today.
    Poll.objects.filter(pk=poll.pk).update(held_on=date.today())
    poll.refresh_from_db()
    roll = register_voters(officer, w.campaign_of(at), at.village, [], 3)
    count_and_close(officer, poll, roll)
    if paper:
        paper_ready(officer, poll)
    return poll.election


def town_certified_at(w: Any, at: Any) -> Any:
    """`closed_at`'s result certified by its town (a town officer of the place's town): the
    version."""
    from huanjie.results.services.certify import result_certify_town

    return result_certify_town(actor=town_officer_of(w, at), election=closed_at(w, at))


def certified_at(w: Any, at: Any) -> Any:
    """`closed_at`'s result certified by the town and the county: the version in force."""
    from huanjie.results.services.certify import result_certify_county

    version = town_certified_at(w, at)
    return result_certify_county(actor=w.officer(at), version=version)


def town_officer_of(w: Any, at: Any) -> Any:
    """A town officer of the place's town (made once per town)."""
    from huanjie.accounts.models import Role, User
    from huanjie.accounts.services import RoleSpec, user_create
    from huanjie.regions.models import Region

    town = at.village[:9]
    found = User.objects.filter(username=f"towncert{town}").first()
    if found is not None:
        return found
    user, _ = user_create(
        actor=None,
        username=f"towncert{town}",
        full_name="乡镇确认人",
        region=Region.objects.get(code=town),
        roles=[RoleSpec(Role.TOWN_OFFICER)],
    )
    return user


def cases() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for part in PARTS:
        try:
            module = importlib.import_module(f"huanjie.results.tests.{part}")
        except ModuleNotFoundError:
            continue
        found |= module.cases()
    return found
