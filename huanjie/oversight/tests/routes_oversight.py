"""The oversight pages for the site-wide walks (huanjie/conftest.py app_route_modules): a visit
to 红河限村 by a group whose member is the cast's inspector, with a problem found; the work in
numbers of the county and of 桥头镇. (The ledgers' pages of the oversight kinds are walked by
huanjie/ledgers/tests/routes_ledgers.py through routes_ledgers.LEDGER_ITEMS.)"""

from __future__ import annotations

from typing import Any

from huanjie.conftest import COUNTY, TOWN, VILLAGE

POST_ONLY: set[str] = set()


def routes(cast: Any, campaign: Any, objects: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    from huanjie.oversight.tests import world as ow

    if "oversight_walk" not in objects:
        objects["oversight_walk"] = ow.problem(
            campaign, VILLAGE, [cast.inspector], cast.county_officer
        )
    problem = objects["oversight_walk"]
    c = campaign.pk
    areas = [{"pk": c, "code": COUNTY}, {"pk": c, "code": TOWN}]
    return {
        "oversight:campaign": [{"pk": c}],
        "oversight:numbers": areas,
        "oversight:numbers_xlsx": areas,
        "oversight:groups": [{"pk": c}],
        "oversight:group_edit": [{"pk": c, "group": problem.visit.group_id}],
        "oversight:visit_new": [{"pk": c}],
        "oversight:visit": [{"pk": c, "visit": problem.visit_id}],
    }
