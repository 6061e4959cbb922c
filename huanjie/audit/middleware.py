"""Keeps who is asking and from where for the length of a request, so every service's audit row
can carry the IP and request ID without each view passing them down."""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class RequestContext:
    ip: str | None
    request_id: str


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "huanjie_request", default=None
)


def current_request_context() -> RequestContext | None:
    return _current.get()


def client_ip(request: HttpRequest) -> str | None:
    # Behind the county's reverse proxy the address is in X-Forwarded-For only when the
    # operator says the proxy is trusted; the plain peer address otherwise.
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(RequestContext(ip=client_ip(request), request_id=uuid.uuid4().hex))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
