"""The oversight app's routes for the site-wide walks (huanjie/conftest.py app_route_modules),
gathered from its parts (routes_*.py beside this file), each with its own POST_ONLY names."""

from __future__ import annotations

from typing import Any

from huanjie.conftest import part_modules

PARTS = ("routes_oversight",)
MODULES = part_modules(__package__ or "", PARTS)

POST_ONLY: set[str] = set().union(*(getattr(m, "POST_ONLY", set()) for m in MODULES))


def routes(cast: Any, campaign: Any, objects: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for module in MODULES:
        found |= module.routes(cast, campaign, objects)
    return found
