from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The left menu, and which item is current: the longest menu URL the path starts with."""
    from huanjie.accounts.permissions import menu_for

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    menu = menu_for(user)
    hits = [
        item.url
        for _, items in menu
        for item in items
        if (request.path == item.url if item.url == "/" else request.path.startswith(item.url))
    ]
    return {"menu": menu, "active_menu_url": max(hits, key=len, default="")}
