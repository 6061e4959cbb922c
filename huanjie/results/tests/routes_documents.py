"""The documents' routes for the site-wide walks: the walk's certified version (a residents'
committee), its list page and one download of each document (PDF and Word both asked for), so
that the full-ID scan reads the text of every kind of file they make."""

from __future__ import annotations

from typing import Any

POST_ONLY: set[str] = set()


def routes(cast: Any, campaign: Any, objects: dict[str, Any]) -> dict[str, list[dict]]:
    from huanjie.results.tests.routes import walk_result

    pk = walk_result(cast, campaign, objects).pk
    return {
        "results:documents": [{"pk": pk}],
        "results:document": [
            {"pk": pk, "kind": "notice", "fmt": "pdf"},
            {"pk": pk, "kind": "certificates", "fmt": "docx"},
            {"pk": pk, "kind": "record", "fmt": "pdf"},
            {"pk": pk, "kind": "record", "fmt": "docx"},
        ],
    }
