"""Every API route, every parameter, every hostile value: 4xx, never 500 (SECURITY.md V1); the
schema and the docs only for logged-in users, with no asset from another server (H2)."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from huanjie.api.main import api
from huanjie.conftest import TOWN, make_campaign

HOSTILE = [
    "-1",
    "0",
    "abc",
    "1.5",
    "9" * 40,
    "9" * 5000,
    "１２",  # full-width digits
    "٣",  # Arabic-Indic digit
    "\x00",
    "1\x00",
    "' OR 1=1 --",
    "%",
    "",
]


def _routes() -> list[tuple[str, list[str], list[str]]]:
    """(path template, path parameters, query parameters) of every GET route, from the schema."""
    schema = api.get_openapi_schema()
    routes = []
    for path, operations in schema["paths"].items():
        params = operations["get"].get("parameters", [])
        routes.append(
            (
                path,
                [p["name"] for p in params if p["in"] == "path"],
                [p["name"] for p in params if p["in"] == "query"],
            )
        )
    return routes


def _fill(path: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: quote(values[m.group(1)], safe=""), path)


@pytest.fixture
def good(cast):
    campaign = make_campaign(cast)
    from huanjie.nomination.tests.routes_nominees import walk_nominee

    nominee = walk_nominee(cast, campaign)
    return {
        "code": TOWN,
        "pk": str(campaign.pk),
        "election": str(nominee.election_id),
        "nominee": str(nominee.pk),
    }


def test_the_walk_covers_every_route():
    paths = {p for p, _, _ in _routes()}
    assert paths == {
        "/api/regions/{code}",
        "/api/regions/{code}/children",
        "/api/campaigns",
        "/api/campaigns/{pk}",
        "/api/campaigns/{pk}/villages",
        "/api/elections/{election}/nominees",
        "/api/nominees/{nominee}/formal",
    }


@pytest.mark.parametrize("value", HOSTILE, ids=repr)
def test_a_hostile_parameter_answers_4xx_never_500(cast, good, value):
    client = cast.client(cast.county_officer)
    tried = 0
    for path, path_params, query_params in _routes():
        assert client.get(_fill(path, good)).status_code == 200, path
        for name in path_params:
            if value == "":
                continue  # an empty path segment is another URL: 404 from the resolver
            url = _fill(path, good | {name: value})
            status = client.get(url).status_code
            assert 400 <= status < 500, (url, status)
            tried += 1
        for name in query_params:
            url = _fill(path, good)
            status = client.get(url, {name: value}).status_code
            if name == "q" and value.isprintable() and len(value) <= 50:
                assert status == 200, (url, name, value, status)  # any text is a search
            elif status != 200:
                assert 400 <= status < 500, (url, name, value, status)
            tried += 1
    assert tried


@pytest.mark.parametrize(
    ("name", "value"),
    [("limit", "-1"), ("limit", "0"), ("limit", "1001"), ("limit", "9" * 30), ("offset", "-1")],
)
def test_limits_out_of_range_are_refused(cast, good, name, value):
    client = cast.client(cast.county_officer)
    for path in (f"/api/regions/{TOWN}/children", f"/api/campaigns/{good['pk']}/villages"):
        assert client.get(path, {name: value}).status_code == 422


@pytest.mark.parametrize("url", ["/api/docs", "/api/openapi.json"])
def test_the_schema_and_docs_need_a_login(client, cast, url):
    response = client.get(url)
    assert response.status_code in (302, 401)
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/login/")
    assert cast.client(cast.county_officer).get(url).status_code == 200


def test_the_docs_page_loads_nothing_from_another_server(cast):
    response = cast.client(cast.county_officer).get("/api/docs")
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    remote = re.findall(r"(?:https?:)?//[\w.-]+", html)
    assert remote == [], remote
    for src in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert src.startswith("/static/"), src
    # and Swagger UI runs under the CSP: no inline script on the page
    assert not re.search(r"<script(?![^>]*\b(?:src|type=\"application/json\"))[^>]*>", html)
