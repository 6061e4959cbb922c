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
    path: str = ""  # the page of an access.denied event (audit.services.audit_denied)


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "huanjie_request", default=None
)


def current_request_context() -> RequestContext | None:
    return _current.get()


def client_ip(request: HttpRequest) -> str | None:
    """The address of the person at the keyboard, for the audit log, the per-address lockout
    and the administrators' network allow-list (SECURITY.md L2, A3, A9).

    Behind the county's reverse proxy (HUANJIE_TRUSTED_PROXY) it is taken from X-Forwarded-For
    by django-ipware, counting the configured proxies (HUANJIE_PROXY_HOPS) from the right, so a
    client cannot name its own address by sending the header; a malformed chain falls back to
    the peer. Without a declared proxy the header is never read: the peer address is the truth.
    """
    from django.conf import settings

    if getattr(settings, "HUANJIE_TRUSTED_PROXY", False):
        from ipware import get_client_ip

        ip, _routable = get_client_ip(
            request,
            proxy_count=settings.HUANJIE_PROXY_HOPS,
            request_header_order=["HTTP_X_FORWARDED_FOR"],
            strict=True,
        )
        if ip:
            return ip
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(
            RequestContext(
                ip=client_ip(request), request_id=uuid.uuid4().hex, path=request.path[:200]
            )
        )
        try:
            return self.get_response(request)
        finally:
            # A refusal inside a transaction that rolled back (ATOMIC_REQUESTS) is written now,
            # outside it, still with this request's IP and ID (SECURITY.md L1).
            from huanjie.audit.services import flush_denied

            try:
                flush_denied()
            finally:
                _current.reset(token)
