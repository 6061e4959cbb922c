"""Election day's routes for the site-wide walks: each part (routes_*.py beside this file)
fills in its own URLs with own-county objects made through the services."""

from __future__ import annotations

import importlib
from typing import Any

PARTS = ("routes_pages", "routes_setup", "routes_count", "routes_board")


# 人民路南社区 (its residents' committee): the other apps' walks use 红河限村's elections, and one
# of them leaves 毛家寨村 out of the campaign.
WALK_VILLAGE = "630121100001"


def walk_poll(cast: Any, campaign: Any, objects: dict[str, Any]) -> Any:
    """The walk's poll (made once per walk, kept in `objects`): the first poll, in set-up, of
    人民路南社区's residents' election with fixed lists and a small roll, in a campaign of its
    own voting today."""
    if "poll" not in objects:
        from datetime import timedelta

        from huanjie.conftest import make_campaign
        from huanjie.polls.services.lifecycle import poll_create_first
        from huanjie.polls.tests.conftest import TODAY, fixed_election, register_voters

        # A campaign of its own, voting today (the walk's campaign has its joint review set up,
        # which the lists would wait for).
        own = make_campaign(
            cast,
            term=21,
            start=TODAY - timedelta(days=60),
            end=TODAY + timedelta(days=120),
            election_day=TODAY,
        )
        election, people = fixed_election(cast.county_officer, own, WALK_VILLAGE)
        register_voters(cast.county_officer, own, WALK_VILLAGE, list(people.values()), 3)
        objects["poll"] = poll_create_first(actor=cast.town_officer, election=election)
    return objects["poll"]


def _modules() -> list[Any]:
    found = []
    for part in PARTS:
        try:
            found.append(importlib.import_module(f"huanjie.polls.tests.{part}"))
        except ModuleNotFoundError:
            continue
    return found


POST_ONLY: set[str] = set().union(*(getattr(m, "POST_ONLY", set()) for m in _modules()))


def routes(cast: Any, campaign: Any, objects: dict[str, Any]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for module in _modules():
        out |= module.routes(cast, campaign, objects)
    return out
