"""Project-wide middleware that belongs to no app."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed

# The methods a browser, htmx and the JSON API use. TRACE echoes the request, cookies included,
# back to the client (cross-site tracing); CONNECT, WebDAV's PROPFIND and the like have no use
# here (SECURITY.md H2).
ALLOWED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class RefuseUnusualMethodsMiddleware:
    """Answer 405 to any method outside ALLOWED_METHODS before any view, session or database."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method not in ALLOWED_METHODS:
            response: HttpResponse = HttpResponseNotAllowed(ALLOWED_METHODS)
            return response
        return self.get_response(request)
