"""The report's routes for the site-wide walks (huanjie/conftest.py app_route_modules, through
rosters/tests/routes.py): the county's and a town's report, each as a page, a workbook and a
Word file, so that the full-ID scan reads every kind of file they make. Without a roster on the
walk's data the downloads send back to the page, which says so: still a page to scan."""

from __future__ import annotations

from typing import Any

POST_ONLY: set[str] = set()


def routes(cast: Any, campaign: Any, objects: dict[str, Any]) -> dict[str, list[dict]]:
    from huanjie.conftest import COUNTY, TOWN

    areas = [{"code": COUNTY}, {"code": TOWN}]
    return {
        "rosters:report": areas,
        "rosters:report_xlsx": areas,
        "rosters:report_docx": areas,
    }
