"""The roster import's routes for the site-wide walks (merged by rosters/tests/routes.py): the
upload page and template of the county and the town, and a job's pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from huanjie.conftest import COUNTY, TOWN

POST_ONLY = {"rosters:import_confirm"}


def routes(cast: Any, campaign: Any, objects: dict[str, Any]) -> dict[str, list[dict]]:
    from huanjie.regions.models import Region
    from huanjie.rosters.models import RosterImport

    if "roster_import" not in objects:
        objects["roster_import"] = RosterImport.objects.create(
            region=Region.objects.get(code=COUNTY),
            filename="干部名册.xlsx",
            sha256="0" * 64,
            created_by=cast.county_officer,
            term_number=11,
            reference_date=date(2022, 1, 31),
        )
    jobs = [{"job_id": objects["roster_import"].pk}]
    areas = [{"code": COUNTY}, {"code": TOWN}]
    return {
        "rosters:import_upload": areas,
        "rosters:import_template": areas,
        "rosters:import_job": jobs,
        "rosters:import_confirm": jobs,
        "rosters:import_progress": jobs,
        "rosters:import_problems": jobs,
    }
