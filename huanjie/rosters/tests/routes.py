"""The roster's routes for the site-wide walks (huanjie/conftest.py app_route_modules): the
walk's certified result (results.tests.routes.walk_result) gives the roster, and a recall motion
against one of its members gives the vote's page."""

from __future__ import annotations

import importlib
from typing import Any

# The other parts' routes (routes_*.py beside this file), each with its own POST_ONLY names.
PARTS = ("routes_import", "routes_report", "routes_structure", "routes_care")


def _modules() -> list[Any]:
    found = []
    for part in PARTS:
        try:
            found.append(importlib.import_module(f"huanjie.rosters.tests.{part}"))
        except ModuleNotFoundError:
            continue
    return found


# The recall and by-election URLs each have a page (a form) for GET; the parts name theirs.
POST_ONLY: set[str] = set().union(*(getattr(m, "POST_ONLY", set()) for m in _modules()))


def walk_recall(cast: Any, campaign: Any, objects: dict[str, Any]) -> Any:
    """A recall motion on the walk's roster (made once per walk, kept in `objects`)."""
    if "roster_recall" not in objects:
        from django.utils import timezone

        from huanjie.results.tests.routes import walk_result
        from huanjie.rosters.models import Cadre
        from huanjie.rosters.services.recall import recall_motion

        version = walk_result(cast, campaign, objects)
        member = Cadre.objects.filter(result_version=version, post="member")[0]
        objects["roster_recall"] = recall_motion(
            actor=cast.county_officer,
            cadre=member,
            reason="长期不履行职责",
            signers=100,
            of=1000,
            by_representatives=False,
            motion_on=timezone.localdate(),
        )
    return objects["roster_recall"]


def routes(cast: Any, campaign: Any, objects: dict[str, Any]) -> dict[str, list[dict]]:
    from huanjie.results.tests.routes import walk_result

    election = walk_result(cast, campaign, objects).result.election_id
    recall = walk_recall(cast, campaign, objects)
    found: dict[str, list[dict]] = {
        "rosters:election": [{"election_id": election}],
        "rosters:recall_create": [{"election_id": election}],
        "rosters:by_election_create": [{"election_id": election}],
        "rosters:recall_vote": [{"pk": recall.pk}],
    }
    for module in _modules():
        found |= module.routes(cast, campaign, objects)
    return found
