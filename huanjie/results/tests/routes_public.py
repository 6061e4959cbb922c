"""The public verification routes for the site-wide walks: the walk's certified version's code.
The page needs no login, but a signed-in user is held to their scope there too (as on the hall's
screen), so the walks treat it like any other page: 200 for the county's own staff, 404 (logged)
for another county's officer."""

from __future__ import annotations

from typing import Any

POST_ONLY: set[str] = set()


def routes(cast: Any, campaign: Any, objects: dict[str, Any]) -> dict[str, list[dict]]:
    from huanjie.results.tests.routes import walk_result

    code = walk_result(cast, campaign, objects).code
    return {
        "verify:code": [{"code": code}],
        "verify:file": [{"code": code}],
    }
