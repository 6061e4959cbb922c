"""The API docs page draws Swagger UI from the server's own files under the CSP (SECURITY.md H2)."""

from __future__ import annotations

import pytest

from huanjie.browser_tests.conftest import shot
from huanjie.browser_tests.test_town_officer import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_render_without_any_outside_request(page, live_server, cast):  # type: ignore[no-untyped-def]
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    login(page, live_server, "county")
    page.goto(f"{live_server.url}/api/docs")
    page.get_by_text("换届通 API").first.wait_for()
    assert page.get_by_text("/api/campaigns/{pk}/villages").count() >= 1
    shot(page, "api-docs")
    assert [u for u in outside if not u.startswith("data:")] == []
