"""The results' own pages for the site-wide walks: the list, the walk's election result and its
certification buttons (POST only)."""

from __future__ import annotations

from typing import Any

POST_ONLY = {"results:certify_town", "results:certify_county", "results:version_return"}


def routes(cast: Any, campaign: Any, objects: dict[str, Any]) -> dict[str, list[dict]]:
    from huanjie.results.tests.routes import walk_result

    version = walk_result(cast, campaign, objects)
    election_id = version.result.election_id
    return {
        "results:election": [{"election_id": election_id}],
        "results:certify_town": [{"election_id": election_id}],
        "results:certify_county": [{"pk": version.pk}],
        "results:version_return": [{"pk": version.pk}],
    }
