from __future__ import annotations

import pytest
from django.urls import reverse

from huanjie.accounts.forms import MSG_LOGIN_FAILED
from huanjie.audit.models import AuditEvent
from huanjie.conftest import PASSWORD, log_in

LOGIN = "/accounts/login/"


def _post(client, username, password):
    return log_in(client, username, password)


def test_a_login_is_audited_with_the_ip(client, cast):
    response = _post(client, "town", PASSWORD)
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="auth.login").latest("id")
    assert event.username == "town"
    assert event.ip == "127.0.0.1"
    assert event.role == "town_officer"


def test_a_failed_login_is_audited_and_says_nothing_about_the_account(client, cast):
    unknown = _post(client, "nobody", "whatever-123")
    wrong = _post(client, "town", "wrong-password-1")
    assert MSG_LOGIN_FAILED in unknown.content.decode()
    assert MSG_LOGIN_FAILED in wrong.content.decode()
    assert AuditEvent.objects.filter(action="auth.login_failed", outcome="failure").count() == 2


def test_it_locks_the_account_after_five_failures(client, cast):
    for _ in range(5):
        _post(client, "town", "wrong-password-1")
    cast.town_officer.refresh_from_db()
    assert cast.town_officer.locked_until is not None
    response = _post(client, "town", PASSWORD)
    assert response.status_code == 200
    assert MSG_LOGIN_FAILED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_security_administrator_unlocks_early(client, cast):
    for _ in range(5):
        _post(client, "town", "wrong-password-1")
    admin = cast.client(cast.security_admin)
    admin.post(reverse("accounts:user_action", args=[cast.town_officer.pk, "unlock"]))
    assert _post(client, "town", PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(action="user.unlock").exists()


def test_logout_ends_the_session_and_is_audited(client, cast):
    _post(client, "town", PASSWORD)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="auth.logout", username="town").exists()
    assert client.get("/").status_code == 302  # back to the login page


def test_every_page_needs_a_login(client, cast):
    response = client.get("/regions/630121/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_the_api_answers_401_without_a_login(client, cast):
    assert client.get("/api/regions/630121").status_code == 401


@pytest.mark.parametrize("field", ["username", "password"])
def test_an_empty_field_is_refused_in_chinese(client, cast, field):
    data = {"username": "town", "password": PASSWORD, field: ""}
    response = client.post(LOGIN, data)
    assert response.status_code == 200
    assert "这个字段是必填项" in response.content.decode()
