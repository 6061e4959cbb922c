"""The second factor of a login, the per-address lockout, the client address behind the proxy and
the administrators' networks (SECURITY.md A3, A5, A9, L2)."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from huanjie.accounts import second_factor, services
from huanjie.accounts.forms import MSG_LOGIN_FAILED
from huanjie.accounts.models import User
from huanjie.audit.models import AuditEvent
from huanjie.conftest import PASSWORD, log_in, otp_code

LOGIN = "/accounts/login/"
CODE = "/accounts/login/code/"
CODES = re.compile(r">([2-9a-z]{4}-[2-9a-z]{4})<")  # the recovery codes as the page lists them


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    # django-otp's delay after a wrong code (1 s, 2 s, 4 s…) stays in production; these tests
    # type a right code right after a wrong one.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def _bind(user: User) -> TOTPDevice:
    device = second_factor.enrollment_device(user)
    assert second_factor.totp_enroll_confirm(user=user, device=device, code=otp_code(user))
    return second_factor.totp_device(user)  # type: ignore[return-value]


def _password(client: Client, username: str, password: str = PASSWORD, **meta: Any) -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, **meta)


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session and client.get("/").status_code == 200


def test_the_password_alone_reaches_nothing(client, cast):
    response = _password(client, "town")
    assert response.status_code == 302 and response.url == CODE
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # the login page
    assert client.get("/api/regions/630121").status_code == 401
    assert not AuditEvent.objects.filter(action="auth.login").exists()


def test_the_first_login_binds_an_authenticator_and_shows_ten_recovery_codes_once(client, cast):
    _password(client, "town")
    page = client.get(CODE).content.decode()
    assert 'src="data:image/svg+xml' in page  # the QR code, drawn by this server
    device = TOTPDevice.objects.get(user=cast.town_officer, confirmed=False)
    key = second_factor.base32_key(device)
    assert key in page
    wrong = client.post(CODE, {"code": "000000"})
    assert second_factor.MSG_BAD_CODE in wrong.content.decode()
    assert not _logged_in(client)
    response = client.post(CODE, {"code": otp_code(cast.town_officer)})
    assert response.status_code == 200
    codes = CODES.findall(response.content.decode())
    assert len(set(codes)) == second_factor.RECOVERY_CODES
    assert response["Cache-Control"].startswith("no-store")
    assert _logged_in(client)
    assert AuditEvent.objects.filter(action="auth.otp_enrolled", username="town").exists()
    event = AuditEvent.objects.filter(action="auth.login").latest("id")
    assert event.changes == {"second_factor": "totp"}


def test_a_missing_wrong_or_reused_code_is_refused(cast):
    device = _bind(cast.town_officer)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    code = otp_code(cast.town_officer)  # the binding took this step's code: a new step
    assert code == f"{totp.token():06d}"
    for bad in ("", "123", "+12345", "abcdefgh"):  # four: a fifth would lock the account
        client = Client()
        _password(client, "town")
        client.post(CODE, {"code": bad})
        assert not _logged_in(client), bad
    first = Client()
    _password(first, "town")
    assert first.post(CODE, {"code": code}).status_code == 302
    assert _logged_in(first)
    replay = Client()
    _password(replay, "town")
    response = replay.post(CODE, {"code": code})  # the same code, within its 30 seconds
    assert second_factor.MSG_BAD_CODE in response.content.decode()
    assert not _logged_in(replay)


def test_the_code_changes_every_thirty_seconds(cast):
    device = _bind(cast.town_officer)
    assert device.step == 30 and device.digits == 6 and device.tolerance <= 1


def test_a_full_width_code_is_read_as_the_same_digits(client, cast):
    _bind(cast.town_officer)
    _password(client, "town")
    code = otp_code(cast.town_officer)
    wide = "".join(chr(ord(c) + 0xFEE0) for c in code)
    assert client.post(CODE, {"code": f" {wide[:3]} {wide[3:]}"}).status_code == 302


def test_a_recovery_code_opens_once(cast):
    _bind(cast.town_officer)
    codes = second_factor.recovery_codes_renew(
        user=cast.town_officer, password=PASSWORD, keep_session=""
    )
    client = Client()
    _password(client, "town")
    assert client.post(CODE, {"code": codes[0].upper()}).status_code == 302
    assert _logged_in(client)
    assert AuditEvent.objects.filter(action="auth.recovery_code_used").count() == 1
    assert second_factor.recovery_codes_left(cast.town_officer) == 9
    again = Client()
    _password(again, "town")
    again.post(CODE, {"code": codes[0]})
    assert not _logged_in(again)


def test_wrong_codes_count_towards_the_accounts_lock(client, cast):
    _bind(cast.town_officer)
    _password(client, "town")
    for _ in range(services.LOCK_AFTER_FAILURES):
        response = client.post(CODE, {"code": "000000"})
    assert response.status_code == 302 and response.url == LOGIN
    cast.town_officer.refresh_from_db()
    assert services.is_locked(cast.town_officer)
    # Even the right code now leads back to the login page, and the password is refused.
    assert client.post(CODE, {"code": otp_code(cast.town_officer)}).url == LOGIN
    assert MSG_LOGIN_FAILED in _password(client, "town").content.decode()


def test_the_step_between_password_and_code_lasts_five_minutes(client, cast):
    _bind(cast.town_officer)
    _password(client, "town")
    session = client.session
    session["hj_pending_login"]["at"] = time.time() - 301
    session.save()
    response = client.post(CODE, {"code": otp_code(cast.town_officer)})
    assert response.status_code == 302 and response.url == LOGIN
    assert not _logged_in(client)


def test_the_code_page_without_a_password_goes_back_to_the_login(client, cast):
    assert client.get(CODE).url == LOGIN
    assert client.post(CODE, {"code": "123456"}).url == LOGIN


def test_read_only_roles_log_in_with_the_password_unless_they_bound_an_authenticator(cast):
    client = Client()
    assert _password(client, "inspector").url == "/"
    assert _logged_in(client)
    _bind(cast.inspector)
    later = Client()
    assert _password(later, "inspector").url == CODE


@pytest.mark.parametrize(
    "role", ["county_officer", "town_officer", "village_clerk", "system_admin", "security_admin"]
)
def test_every_role_that_sees_or_changes_personal_data_or_administers_needs_it(cast, role):
    user = getattr(cast, role)
    assert second_factor.needs_second_factor(user)


def test_new_recovery_codes_need_the_password_and_end_the_other_sessions(cast):
    other = Client()
    log_in(other, "town")
    client = Client()
    log_in(client, "town")
    url = reverse("accounts:security")
    refused = client.post(url, {"password": "not-my-password"})
    assert second_factor.MSG_BAD_PASSWORD in refused.content.decode()
    assert _logged_in(other)
    response = client.post(url, {"password": PASSWORD})
    assert len(CODES.findall(response.content.decode())) == 10
    assert not _logged_in(other)
    assert _logged_in(client)
    assert AuditEvent.objects.filter(action="auth.recovery_codes_renewed").exists()


def test_the_security_administrator_unbinds_a_lost_phone_but_never_an_administrators(cast):
    _bind(cast.town_officer)
    _bind(cast.system_admin)
    admin = cast.client(cast.security_admin)
    admin.post(reverse("accounts:user_action", args=[cast.town_officer.pk, "reset_second_factor"]))
    assert second_factor.totp_device(cast.town_officer) is None
    assert AuditEvent.objects.filter(action="user.otp_reset").count() == 1
    response = admin.post(
        reverse("accounts:user_action", args=[cast.system_admin.pk, "reset_second_factor"]),
        follow=True,
    )
    assert response.status_code == 200
    assert services.MSG_OTHER_ADMIN in response.content.decode()
    assert second_factor.totp_device(cast.system_admin) is not None
    own = admin.post(
        reverse("accounts:user_action", args=[cast.security_admin.pk, "deactivate"]), follow=True
    )
    assert own.status_code == 200 and services.MSG_OWN_ACCOUNT in own.content.decode()


# --- per address (A3), the address behind the proxy (L2), the administrators' networks (A9) ---


def test_twenty_failures_from_one_address_stop_every_login_from_it(cast):
    attacker = {"REMOTE_ADDR": "10.20.30.40"}
    for n in range(services.ADDRESS_MAX_FAILURES):
        _password(Client(), f"nobody{n}", "Spray-Passw0rd-1", **attacker)
    blocked = Client()
    response = _password(blocked, "inspector", PASSWORD, **attacker)
    assert MSG_LOGIN_FAILED in response.content.decode()
    assert not _logged_in(blocked)
    cast.inspector.refresh_from_db()
    assert cast.inspector.failed_logins == 0  # the account itself is not punished
    elsewhere = Client()
    assert _password(elsewhere, "inspector", PASSWORD, REMOTE_ADDR="10.20.30.41").url == "/"
    event = AuditEvent.objects.filter(action="auth.login_failed").latest("id")
    assert event.ip == "10.20.30.40" and "来源地址" in event.message


def test_behind_the_trusted_proxy_the_address_is_the_clients(client, cast, settings):
    meta = {"REMOTE_ADDR": "", "HTTP_X_FORWARDED_FOR": "10.9.8.7"}
    _password(client, "nobody", "whatever-Passw0rd", **meta)
    assert AuditEvent.objects.latest("id").ip is None  # no proxy declared: the header is ignored
    settings.HUANJIE_TRUSTED_PROXY = True
    _password(client, "nobody", "whatever-Passw0rd", **meta)
    assert AuditEvent.objects.latest("id").ip == "10.9.8.7"
    # A client's own header before the proxy's is not believed (one hop: a chain is malformed).
    _password(client, "nobody", "x", REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.9.8.7")
    assert AuditEvent.objects.latest("id").ip is None


def test_administrators_log_in_only_from_the_management_networks(cast, settings):
    _bind(cast.system_admin)
    outside = Client()
    response = _password(outside, "sysadmin", REMOTE_ADDR="10.1.1.9")
    assert MSG_LOGIN_FAILED in response.content.decode()
    event = AuditEvent.objects.filter(action="auth.login_failed").latest("id")
    assert "管理网络以外" in event.message and event.ip == "10.1.1.9"
    cast.system_admin.refresh_from_db()
    assert cast.system_admin.failed_logins == 0
    # An operator logs in from anywhere.
    assert _password(Client(), "inspector", REMOTE_ADDR="10.1.1.9").url == "/"
    settings.HUANJIE_ADMIN_NETWORKS = ["10.1.1.0/24"]
    inside = Client()
    assert log_in(inside, "sysadmin", REMOTE_ADDR="10.1.1.9").status_code == 302
    system = reverse("accounts:system_status")
    assert inside.get(system, REMOTE_ADDR="10.1.1.9").status_code == 200
    # The same session from outside the network ends at once.
    assert inside.get(system, REMOTE_ADDR="192.0.2.1").status_code == 302
    assert inside.get(system, REMOTE_ADDR="10.1.1.9").status_code == 302
    assert AuditEvent.objects.filter(
        action="auth.session_expired", message__contains="管理网络以外"
    ).exists()


def test_an_administrators_lost_phone_is_unbound_on_the_command_line_only(cast):
    import io

    from django.core.management import CommandError, call_command

    _bind(cast.security_admin)
    out = io.StringIO()
    call_command("accounts", "reset-admin-second-factor", "ＳＥＣＡＤＭＩＮ", stdout=out)
    assert "已解除" in out.getvalue()
    assert second_factor.totp_device(cast.security_admin) is None
    event = AuditEvent.objects.filter(action="user.otp_reset").latest("id")
    assert event.user_id is None and event.object_id == str(cast.security_admin.pk)
    with pytest.raises(CommandError, match="不是管理员"):
        call_command("accounts", "reset-admin-second-factor", "town")


def test_a_management_network_that_is_not_a_network_is_named_and_lets_nobody_in(cast, settings):
    from huanjie.checks import admin_networks

    settings.HUANJIE_ADMIN_NETWORKS = ["CHANGE-ME", "10.1.1.0/24"]
    errors = admin_networks(None)
    assert [e.id for e in errors] == ["huanjie.E010"] and "CHANGE-ME" in errors[0].msg
    assert not services.admin_network_allowed(cast.system_admin, "127.0.0.1")
    assert services.admin_network_allowed(cast.system_admin, "10.1.1.7")
