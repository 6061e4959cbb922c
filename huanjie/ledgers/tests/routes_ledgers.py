"""The ledgers' routes for the site-wide walks (huanjie/conftest.py app_route_modules): one item
of every registered kind in 红河限村 (ledgers' own through tests/world.py; another app's kinds
through its `LEDGER_ITEMS` builders), one import job, and every page of every kind. The
`ledgers:*` routes are shared by every kind, so they are filled in here alone."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from huanjie.conftest import TOWN

POST_ONLY = {"ledgers:move", "ledgers:import_confirm"}

# Apps that declare ledger kinds and give a builder per kind: {key: builder(cast, campaign)}.
OTHER_BUILDERS = ("huanjie.oversight.tests.routes_ledgers",)


def _builders() -> dict[str, Callable[[Any, Any], Any]]:
    found: dict[str, Callable[[Any, Any], Any]] = {}
    for name in OTHER_BUILDERS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        found |= getattr(module, "LEDGER_ITEMS", {})
    return found


def walk_items(cast: Any, campaign: Any, objects: dict[str, Any]) -> dict[str, Any]:
    if "ledgers_walk" in objects:
        return objects["ledgers_walk"]
    from huanjie.ledgers.tests.world import make_world

    items = make_world(cast, campaign)
    for key, build in _builders().items():
        items[key] = build(cast, campaign)
    objects["ledgers_walk"] = items
    return items


def routes(cast: Any, campaign: Any, objects: dict[str, Any]) -> dict[str, Any]:
    from huanjie.ledgers import framework as fw
    from huanjie.ledgers.models import LedgerImport
    from huanjie.regions.models import Region

    c = campaign.pk
    items = walk_items(cast, campaign, objects)
    kinds = [k for k in fw.kinds() if k.key in items]
    job = LedgerImport.objects.create(
        region=Region.objects.get(code=TOWN),
        kind="ledger-rectification",
        campaign=campaign,
        filename="整顿台账.xlsx",
        sha256="0" * 64,
        created_by=cast.town_officer,
        status=LedgerImport.Status.SUCCEEDED,
    )
    per_kind = [{"pk": c, "kind": k.key} for k in kinds]
    jobs = [{"job_id": job.pk}]

    def item_of(kind: Any) -> dict[str, Any]:
        return {"pk": c, "kind": kind.key, "item": items[kind.key].pk}

    moves = [{**item_of(k), "to": t.target} for k in kinds for t in k.transitions[:1]]
    return {
        "ledgers:campaign": [{"pk": c}],
        "ledgers:dual_role_missing": [{"pk": c}],
        "ledgers:list": per_kind,
        "ledgers:add": per_kind,
        "ledgers:import": per_kind,
        "ledgers:template": per_kind,
        "ledgers:item": [item_of(k) for k in kinds],
        "ledgers:move": moves,
        "ledgers:import_job": jobs,
        "ledgers:import_confirm": jobs,
        "ledgers:import_progress": jobs,
        "ledgers:import_problems": jobs,
    }
