"""The board's routes for the site-wide walks (huanjie/conftest.py app_route_modules, through
progress/tests/routes.py): the county's and a town's board, village list and figures, on a
VillageProgress row of the walk's village (made once, directly, so that its stage name is on the
pages the walks scan); and the voters' figures workbook, which the board's part added."""

from __future__ import annotations

from typing import Any

POST_ONLY: set[str] = set()


def walk_progress(campaign: Any, objects: dict[str, Any]) -> Any:
    if "board_progress" not in objects:
        from datetime import timedelta

        from huanjie.conftest import VILLAGE
        from huanjie.progress.models import Status
        from huanjie.progress.tests.board_world import progress, today

        objects["board_progress"] = progress(
            campaign,
            VILLAGE,
            Status.UNDER_WAY,
            next_due=today() - timedelta(days=2),
            stage_name="公布选民名单",
        )
    return objects["board_progress"]


def routes(cast: Any, campaign: Any, objects: dict[str, Any]) -> dict[str, list[dict]]:
    from huanjie.conftest import COUNTY, TOWN

    walk_progress(campaign, objects)
    areas = [{"pk": campaign.pk, "code": COUNTY}, {"pk": campaign.pk, "code": TOWN}]
    return {
        "progress:board_region": areas,
        "progress:board_villages": areas,
        "progress:daily_xlsx": areas,
        "progress:weekly_xlsx": areas,
    }
