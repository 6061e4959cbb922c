"""What election day's pages share: a service's refusal as one message, and a POST button that
calls one service and says how it went."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def refusal(exc: ValidationError) -> str:
    """A service's refusal as one Chinese line."""
    return "；".join(exc.messages)


def run(request: HttpRequest, action: Callable[[], str]) -> bool:
    """Call one service: its refusal becomes an error message, its success the text `action`
    returns. Whether it succeeded."""
    try:
        done = action()
    except ValidationError as exc:
        messages.error(request, refusal(exc))
        return False
    messages.success(request, done)
    return True
