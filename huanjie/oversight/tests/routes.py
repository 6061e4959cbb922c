"""The oversight app's routes for the site-wide walks (huanjie/conftest.py app_route_modules),
gathered from its parts (routes_*.py beside this file), each with its own POST_ONLY names."""

from __future__ import annotations

import importlib
from typing import Any

PARTS = ("routes_oversight",)


def _modules() -> list[Any]:
    found = []
    for part in PARTS:
        try:
            found.append(importlib.import_module(f"huanjie.oversight.tests.{part}"))
        except ModuleNotFoundError:
            continue
    return found


POST_ONLY: set[str] = set().union(*(getattr(m, "POST_ONLY", set()) for m in _modules()))


def routes(cast: Any, campaign: Any, objects: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for module in _modules():
        found |= module.routes(cast, campaign, objects)
    return found
