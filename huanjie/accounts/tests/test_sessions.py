"""SECURITY.md S1, S4, S5: a session's absolute lifetime and an administrator's idle limit, a cap
on concurrent sessions, and a password change ending the other sessions — on the server."""

from __future__ import annotations

import time

from django.test import Client

from huanjie.accounts import services
from huanjie.accounts.middleware import SessionLimitsMiddleware
from huanjie.audit.models import AuditEvent
from huanjie.conftest import PASSWORD, log_in

LOGIN = "/accounts/login/"


def _login(username: str) -> Client:
    client = Client()
    response = log_in(client, username)
    assert response.status_code == 302, username
    return client


def _in(client: Client) -> bool:
    """Whether the client's session still opens a page (a login redirect otherwise)."""
    return client.get("/").status_code == 200


def _age(client: Client, key: str, seconds: int) -> None:
    session = client.session
    session[key] = time.time() - seconds
    session.save()


def test_a_session_ends_twelve_hours_after_login_on_the_server(cast):
    client = _login("town")
    assert _in(client)
    _age(client, "hj_started", SessionLimitsMiddleware.ABSOLUTE + 60)
    assert not _in(client)
    assert AuditEvent.objects.filter(action="auth.session_expired", username="town").exists()


def test_an_administrator_is_logged_out_after_fifteen_idle_minutes_an_operator_is_not(cast):
    admin, operator = _login("secadmin"), _login("town")
    _age(admin, "hj_seen", SessionLimitsMiddleware.ADMIN_IDLE + 60)
    _age(operator, "hj_seen", SessionLimitsMiddleware.ADMIN_IDLE + 60)
    assert admin.get("/accounts/users/").status_code == 302  # to the login page
    assert _in(operator)  # an operator's idle limit is the cookie's 30 minutes


def test_a_fourth_login_ends_the_oldest_of_an_operators_sessions(cast):
    clients = [_login("town") for _ in range(services.MAX_SESSIONS + 1)]
    assert not _in(clients[0])
    assert all(_in(c) for c in clients[1:])


def test_an_administrator_holds_one_session(cast):
    first, second = _login("auditadmin"), _login("auditadmin")
    assert first.get("/audit/").status_code == 302 and second.get("/audit/").status_code == 200


def test_a_password_change_ends_the_users_other_sessions(cast):
    here, elsewhere = _login("clerk"), _login("clerk")
    response = here.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password": "Qinghai-Datong#7",
            "new_password2": "Qinghai-Datong#7",
        },
    )
    assert response.status_code == 302
    assert _in(here) and not _in(elsewhere)
