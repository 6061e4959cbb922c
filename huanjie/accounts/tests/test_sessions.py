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


def test_the_session_key_changes_at_the_password_and_at_the_code_and_dies_at_logout(cast):
    """SECURITY.md S2: a new session ID after the password and after the second factor; the
    old cookie then opens nothing, and after logout replaying the last one opens nothing."""
    from django.conf import settings

    client = Client()
    client.get(LOGIN)
    before = (
        client.cookies[settings.SESSION_COOKIE_NAME].value
        if settings.SESSION_COOKIE_NAME in client.cookies
        else ""
    )
    client.post(LOGIN, {"username": "town", "password": PASSWORD})
    pending = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert pending and pending != before
    from huanjie.accounts import second_factor
    from huanjie.conftest import otp_code

    device = second_factor.enrollment_device(cast.town_officer)
    second_factor.totp_enroll_confirm(
        user=cast.town_officer, device=device, code=otp_code(cast.town_officer)
    )
    client.post("/accounts/login/code/", {"code": otp_code(cast.town_officer)})
    final = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert final != pending and _in(client)
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = pending
    assert not _in(replay)
    client.post("/accounts/logout/")
    replay.cookies[settings.SESSION_COOKIE_NAME] = final
    assert not _in(replay)


def test_users_end_their_own_other_sessions_and_the_security_administrator_anyones(cast):
    """SECURITY.md S4: a user ends their other logins; the security administrator ends a user's,
    never an administrator's (三员分立)."""
    from django.urls import reverse

    phone, laptop = _login("town"), _login("town")
    page = laptop.get(reverse("accounts:security")).content.decode()
    assert page.count("<tr><td>") == 2 and "当前会话" in page
    laptop.post(reverse("accounts:security"), {"do": "end_others"})
    assert not _in(phone) and _in(laptop)
    event = AuditEvent.objects.filter(action="user.sessions_ended").latest("id")
    assert event.changes == {"ended": 1} and event.username == "town"
    admin = cast.client(cast.security_admin)
    admin.post(reverse("accounts:user_action", args=[cast.town_officer.pk, "end_sessions"]))
    assert not _in(laptop)
    sysadmin = _login("sysadmin")
    refused = admin.post(
        reverse("accounts:user_action", args=[cast.system_admin.pk, "end_sessions"]), follow=True
    )
    assert services.MSG_OTHER_ADMIN in refused.content.decode()
    assert sysadmin.get(reverse("accounts:system_status")).status_code == 200
