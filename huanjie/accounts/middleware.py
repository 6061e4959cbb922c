from __future__ import annotations

from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponseBase


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every page needs a login, except the JSON API, which answers 401 itself (django-ninja)
    instead of redirecting a program to the login page."""

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class PasswordChangeRequiredMiddleware:
    """A user who must change the password (a new or reset account, SECURITY.md A8; one older
    than 90 days, A2) reaches nothing else until it is done: every request but the password
    page, logout and static files answers with the password page (a JSON request: 403)."""

    ALLOWED: tuple[str, ...] = ("/accounts/password/", "/accounts/logout/", "/static/")

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        from django.http import HttpResponseForbidden
        from django.shortcuts import redirect

        from huanjie.accounts.passwords import password_expired

        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and (user.must_change_password or password_expired(user))
            and not request.path_info.startswith(self.ALLOWED)
        ):
            if request.path_info.startswith("/api/"):
                return HttpResponseForbidden("请先修改密码")
            return redirect("accounts:password_change")
        return self.get_response(request)


class NoStoreMiddleware:
    """Nothing a logged-in user is shown is kept by a browser's or a proxy's cache: every page
    and file may carry personal data (SECURITY.md P11). A response that set its own
    Cache-Control keeps it."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store, private"
        return response


class SessionLimitsMiddleware:
    """SECURITY.md S1 [PROJ]: a session ends 12 hours after login whatever happens, and an
    administrator's (三员) after 15 idle minutes or on a request from outside the management
    networks (A9) (an operator's idle limit is the cookie's 30
    minutes, SESSION_COOKIE_AGE). The session is ended on the server and audited; the login page
    follows."""

    ABSOLUTE = 12 * 3600
    ADMIN_IDLE = 15 * 60

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        import time

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            from django.contrib.auth import logout

            from huanjie.accounts.models import ADMIN_ROLES
            from huanjie.accounts.permissions import roles_of
            from huanjie.accounts.services import admin_network_allowed
            from huanjie.audit.services import audit_record

            now = time.time()
            session = request.session
            started = session.setdefault("hj_started", now)
            seen = session.get("hj_seen", now)
            admin = bool(set(roles_of(user)) & ADMIN_ROLES)
            reason = ""
            if now - started > self.ABSOLUTE:
                reason = "登录已超过12小时"
            elif admin and now - seen > self.ADMIN_IDLE:
                reason = "管理员账号15分钟未操作"
            elif admin and not admin_network_allowed(user):
                # SECURITY.md A9: an administrator's session moved outside the management
                # networks (a stolen cookie, a proxy misconfigured) ends at once.
                reason = "管理员账号从管理网络以外访问"
            if reason:
                audit_record(actor=user, action="auth.session_expired", obj=user, message=reason)
                logout(request)
            else:
                session["hj_seen"] = now
        return self.get_response(request)
