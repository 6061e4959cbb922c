"""Election day's cells of the role × action matrix (huanjie/tests/test_service_matrix.py):
`cases()` gathers the cases of each part (matrix_*.py beside this file)."""

from __future__ import annotations

import importlib
from typing import Any

from huanjie.accounts.permissions import Action

PARTS = ("matrix_lifecycle", "matrix_setup", "matrix_count", "matrix_display", "matrix_closing")


def poll_at(w: Any, at: Any, **kwargs: Any) -> Any:
    """A first poll (in set-up) of a new election with fixed lists at the place `at`, made by
    the place's county officer."""
    from huanjie.polls.services.lifecycle import poll_create_first
    from huanjie.polls.tests.conftest import fixed_election

    officer = w.officer(at)
    election, _ = fixed_election(officer, w.campaign_of(at), at.village)
    return poll_create_first(actor=officer, election=election, **kwargs)


def cases() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for part in PARTS:
        try:
            module = importlib.import_module(f"huanjie.polls.tests.{part}")
        except ModuleNotFoundError:
            continue
        found |= module.cases()
    return found


__all__ = ["Action", "cases", "poll_at"]
