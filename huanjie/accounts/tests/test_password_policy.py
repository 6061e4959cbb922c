"""SECURITY.md A2, A3, A8 in the services and on every request: one spelling of a login name for
the lock and its counter, the password policy, no reuse, and the forced change that no other page
escapes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from huanjie.accounts import passwords, services
from huanjie.accounts.forms import MSG_LOGIN_FAILED
from huanjie.accounts.models import User
from huanjie.conftest import PASSWORD

LOGIN = "/accounts/login/"


def test_a_full_width_spelling_of_a_locked_name_is_still_locked_and_counted(client, cast):
    for spelling in ("ｔｏｗｎ", " TOWN", "Town", "ｔｏｗｎ ", "town"):
        client.post(LOGIN, {"username": spelling, "password": "wrong-Password-1"})
    cast.town_officer.refresh_from_db()
    assert cast.town_officer.failed_logins == 5 and services.is_locked(cast.town_officer)
    response = client.post(LOGIN, {"username": "ＴＯＷＮ", "password": PASSWORD})
    assert MSG_LOGIN_FAILED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_name_is_stored_in_its_one_spelling(cast):
    assert services.normalize_username("ＣＯＵＮＴＹ２") == "county2"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password123", passwords.MSG_CLASSES),  # two classes
        ("Aa1!" * 33, passwords.MSG_TOO_LONG.format(n=128)),  # 132 characters
        ("Admin-Passw0rd", passwords.MSG_CONTAINS.format(what="admin")),
        ("XuanJu#2026ab", passwords.MSG_CONTAINS.format(what="xuanju")),
        ("Town#Passw0rd", passwords.MSG_CONTAINS.format(what="用户名")),
        ("桥头镇#Pass2026", passwords.MSG_CONTAINS.format(what="所在地名称")),
    ],
)
def test_the_password_policy_refuses(cast, password, message):
    with pytest.raises(ValidationError) as exc:
        validate_password(password, cast.town_officer)
    assert message in exc.value.messages


def test_a_good_password_passes(cast):
    validate_password("Lan-Zhou#2026qx", cast.town_officer)


def test_none_of_the_last_five_passwords_nor_the_current_one_comes_back(cast):
    user = cast.village_clerk
    used = [f"Qq-{n}-Lanzhou#x" for n in range(5)]
    for new in used:
        services.password_change(user=user, new_password=new)
    for old in [PASSWORD, *used]:
        with pytest.raises(ValidationError) as exc:
            services.password_change(user=user, new_password=old)
        assert passwords.MSG_REUSED.format(n=5) in exc.value.messages
    services.password_change(user=user, new_password="Fresh-Qinghai#9")


def _logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_new_account_reaches_nothing_before_it_changes_the_password(cast):
    user, initial = services.user_create(
        actor=cast.security_admin,
        username="newclerk",
        full_name="新人",
        region=cast.village_clerk.region,
        roles=[services.RoleSpec(role="village_clerk")],
    )
    client = _logged_in(user)
    for url in ("/", "/regions/630121/", "/voters/changes/", "/campaigns/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/accounts/password/"
    assert client.get("/api/regions/630121").status_code == 403
    assert client.get("/accounts/password/").status_code == 200
    client.post(
        "/accounts/password/",
        {
            "old_password": initial,
            "new_password": "Qinghai-Datong#7",
            "new_password2": "Qinghai-Datong#7",
        },
    )
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get("/").status_code == 200


def test_a_password_older_than_ninety_days_must_be_changed(cast):
    user = cast.town_officer
    User.objects.filter(pk=user.pk).update(
        password_changed_at=timezone.now() - passwords.MAX_AGE - timedelta(days=1)
    )
    user.refresh_from_db()
    assert passwords.password_expired(user)
    response = _logged_in(user).get("/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/"


def test_no_page_a_logged_in_user_sees_is_cached(cast):
    client = _logged_in(cast.town_officer)
    for url in ("/", "/regions/630121100/", "/voters/changes/"):
        response = client.get(url, follow=True)
        assert response["Cache-Control"] == "no-store, private", url


def test_a_temporary_password_opens_nothing_after_a_day(client, cast):
    from huanjie.audit.models import AuditEvent

    user = cast.town_officer
    user.must_change_password = True
    user.password_changed_at = timezone.now() - timedelta(hours=25)
    user.save(update_fields=["must_change_password", "password_changed_at"])
    response = client.post(LOGIN, {"username": "town", "password": PASSWORD})
    assert MSG_LOGIN_FAILED in response.content.decode()
    assert "_auth_user_id" not in client.session and "hj_pending_login" not in client.session
    event = AuditEvent.objects.filter(action="auth.login_failed").latest("id")
    assert "24小时" in event.message
    user.password_changed_at = timezone.now() - timedelta(hours=23)
    user.save(update_fields=["password_changed_at"])
    assert client.post(LOGIN, {"username": "town", "password": PASSWORD}).status_code == 302
