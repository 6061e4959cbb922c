"""The results' routes for the site-wide walks: each part (routes_*.py beside this file) fills
in its own URLs with own-county objects made through the services."""

from __future__ import annotations

import importlib
from typing import Any

PARTS = ("routes_pages", "routes_paper", "routes_corrections", "routes_documents", "routes_public")


def walk_result(cast: Any, campaign: Any, objects: dict[str, Any]) -> Any:
    """The walk's certified result version (made once per walk, kept in `objects`): the walk
    poll's election (人民路南社区, a campaign of its own voting today) counted, closed, its
    paper ready, certified by the town officer and the county officer."""
    if "result_version" not in objects:
        from huanjie.polls.tests.routes import walk_poll
        from huanjie.results.services.certify import result_certify_county, result_certify_town
        from huanjie.results.tests.conftest import count_and_close, paper_ready
        from huanjie.voters.models import VoterRegistration

        poll = walk_poll(cast, campaign, objects)
        officer = cast.town_officer
        entry = poll.election.village
        roll = list(
            VoterRegistration.objects.filter(
                campaign_id=entry.campaign_id, village_id=entry.region_id, active=True
            )
        )
        box = count_and_close(officer, poll, roll)
        paper_ready(officer, poll)
        version = result_certify_town(actor=officer, election=poll.election)
        objects["result_version"] = result_certify_county(
            actor=cast.county_officer, version=version
        )
        objects["result_box"] = box
    return objects["result_version"]


def _modules() -> list[Any]:
    found = []
    for part in PARTS:
        try:
            found.append(importlib.import_module(f"huanjie.results.tests.{part}"))
        except ModuleNotFoundError:
            continue
    return found


POST_ONLY: set[str] = set().union(*(getattr(m, "POST_ONLY", set()) for m in _modules()))


def routes(cast: Any, campaign: Any, objects: dict[str, Any]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for module in _modules():
        out |= module.routes(cast, campaign, objects)
    return out
