"""SECURITY.md R1, R3: logout and a session's timeout delete the session's row on the server, and
logout tells the browser to clear what it kept (Clear-Site-Data)."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from huanjie.accounts.middleware import SessionLimitsMiddleware
from huanjie.conftest import log_in


def _logged_in(username: str) -> tuple[Client, str]:
    client = Client()
    assert log_in(client, username).status_code == 302
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=key).exists()
    return client, key


def test_logout_deletes_the_session_row_and_sends_clear_site_data(cast):
    client, key = _logged_in("town")
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert not Session.objects.filter(session_key=key).exists()


def test_a_session_past_its_lifetime_loses_its_row(cast):
    client, key = _logged_in("town")
    session = client.session
    session["hj_started"] = time.time() - SessionLimitsMiddleware.ABSOLUTE - 60
    session.save()
    assert client.get("/").status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
