"""The structure pages' routes for the site-wide walks: the county's live list and its xlsx,
the walk campaign's settings, and the kin page of the walk's certified roster (人民路南社区) with
one recorded pair (its removal is POST only)."""

from __future__ import annotations

from typing import Any

POST_ONLY: set[str] = {"rosters:kin_remove"}


def walk_kinship(cast: Any, campaign: Any, objects: dict[str, Any]) -> Any:
    """Two people of the walk's roster recorded close relatives (once per walk)."""
    if "roster_kinship" not in objects:
        from huanjie.results.tests.routes import walk_result
        from huanjie.rosters.models import Cadre
        from huanjie.rosters.services.structure import kinship_record

        version = walk_result(cast, campaign, objects)
        rows = Cadre.objects.filter(result_version=version, person__isnull=False)
        people = list({r.person_id: r.person for r in rows if r.person is not None}.values())[:2]
        objects["roster_kinship"] = kinship_record(
            actor=cast.county_officer,
            village=rows[0].village,
            person_a=people[0],
            person_b=people[1],
            relation="siblings",
            note="<b>候选人申报</b>",
        )
    return objects["roster_kinship"]


def routes(cast: Any, campaign: Any, objects: dict[str, Any]) -> dict[str, list[dict]]:
    kinship = walk_kinship(cast, campaign, objects)
    return {
        "rosters:structure": [{"code": "630121"}, {"code": kinship.village_id[:9]}],
        "rosters:structure_xlsx": [{"code": "630121"}],
        "rosters:structure_rules": [{"campaign_id": campaign.pk}],
        "rosters:kin": [{"code": kinship.village_id}],
        "rosters:kin_remove": [{"pk": kinship.pk}],
    }
