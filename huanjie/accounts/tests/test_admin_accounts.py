"""The administrators from the command line and no stale or default accounts: `huanjie accounts
bootstrap` and `reset-admin-password` (SECURITY.md C1, A8), `check` and the deploy check (A1, A6,
C2), `disable-dormant` (A7)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from huanjie.accounts import services
from huanjie.accounts.checks import accounts_in_order
from huanjie.accounts.demo import users_seed
from huanjie.accounts.models import Role, RoleGrant, User, UserSession
from huanjie.audit.models import AuditEvent
from huanjie.conftest import PASSWORD, TOWN
from huanjie.regions.models import Region

LOGIN = "/accounts/login/"
BOOTSTRAP = {
    "region": "630121",
    "system": "wanghai:王海:13800001111",
    "security": "yexiulan:冶秀兰",
    "audit": "zhulixin：朱立新：13800002222",
}


def _accounts(*args: str, **options: str) -> str:
    out = io.StringIO()
    call_command("accounts", *args, stdout=out, stderr=out, **options)
    return out.getvalue()


def _check() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("accounts", "check", stdout=out, stderr=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


# --- bootstrap ----------------------------------------------------------------------------------
def test_bootstrap_creates_three_administrators_with_one_role_each_and_one_time_passwords(regions):
    out = _accounts("bootstrap", **BOOTSTRAP)
    users = {u.username: u for u in User.objects.all()}
    assert set(users) == {"wanghai", "yexiulan", "zhulixin"}
    roles = {u.username: list(u.role_grants.values_list("role", flat=True)) for u in users.values()}
    assert roles == {
        "wanghai": [Role.SYSTEM_ADMIN],
        "yexiulan": [Role.SECURITY_ADMIN],
        "zhulixin": [Role.AUDIT_ADMIN],
    }
    assert users["zhulixin"].full_name == "朱立新" and users["zhulixin"].phone == "13800002222"
    for user in users.values():
        assert user.region_id == "630121" and user.must_change_password and user.is_active
        assert not user.is_superuser and not user.is_staff
        password = out.split(f"（{user.username}） 初始密码：")[1].split()[0]
        assert user.check_password(password)
    created = AuditEvent.objects.filter(action="user.create", user_id=None)
    assert sorted(created.values_list("object_repr", flat=True)) == sorted(
        str(u) for u in users.values()
    )


def test_bootstrap_refuses_a_second_run(regions):
    _accounts("bootstrap", **BOOTSTRAP)
    again = BOOTSTRAP | {
        "system": "liming:李明",
        "security": "chenjing:陈静",
        "audit": "liufang:刘芳",
    }
    with pytest.raises(CommandError) as exc:
        _accounts("bootstrap", **again)
    assert "已有系统管理员账号“wanghai”" in str(exc.value)
    assert User.objects.count() == 3


@pytest.mark.parametrize("login", ["admin", "ＡＤＭＩＮ", " Root ", "sa", "Administrator"])
def test_bootstrap_refuses_a_default_login_name_in_any_spelling(regions, login):
    with pytest.raises(CommandError) as exc:
        _accounts("bootstrap", **BOOTSTRAP | {"security": f"{login}:冶秀兰"})
    expected = services.normalize_username(login)
    assert services.MSG_RESERVED_USERNAME.format(username=expected) in str(exc.value)
    assert not User.objects.exists()  # all three or none


def test_bootstrap_refuses_one_person_in_two_roles(regions):
    with pytest.raises(CommandError) as exc:
        _accounts("bootstrap", **BOOTSTRAP | {"audit": "zhulixin:王海:+86 138-0000-1111"})
    assert "姓名“王海”重复" in str(exc.value) and "手机号“138****1111”重复" in str(exc.value)
    assert not User.objects.exists()


def test_the_application_refuses_a_default_login_name_too(cast):
    with pytest.raises(ValidationError):
        services.user_create(
            actor=cast.security_admin,
            username="Test",
            full_name="测试",
            region=Region.objects.get(code=TOWN),
            roles=[services.RoleSpec(role=Role.TOWN_OFFICER)],
        )


# --- reset-admin-password -----------------------------------------------------------------------
def test_reset_admin_password_sets_a_one_time_password_and_enables_a_disabled_administrator(cast):
    admin = cast.audit_admin
    User.objects.filter(pk=admin.pk).update(is_active=False)
    out = _accounts("reset-admin-password", "ＡuditAdmin")
    admin.refresh_from_db()
    password = out.split("新密码：")[1].split()[0]
    assert admin.check_password(password) and admin.must_change_password and admin.is_active
    events = AuditEvent.objects.filter(object_id=str(admin.pk), user_id=None)
    assert set(events.values_list("action", "message")) >= {
        ("user.password_reset", services.MSG_ADMIN_RESET),
        ("user.activate", services.MSG_ADMIN_REENABLED),
    }


def test_reset_admin_password_refuses_an_operator(cast):
    with pytest.raises(CommandError) as exc:
        _accounts("reset-admin-password", "town")
    assert str(exc.value) == services.MSG_NOT_ADMIN.format(username="town")
    assert cast.town_officer.check_password(PASSWORD)


# --- check ----------------------------------------------------------------------------------------
def test_the_check_passes_on_the_cast_and_on_the_demo_users(cast):
    places = {code: Region.objects.get(code=code) for code in ("630121", TOWN, "630121101")}
    users_seed(
        county=places["630121"],
        town=places[TOWN],
        other_town=places["630121101"],
        village=Region.objects.get(code="630121100206"),
    )
    code, out = _check()
    assert code == 0 and "账号检查通过" in out
    assert accounts_in_order(None) == []


def test_the_check_fails_on_an_active_account_named_test(cast):
    user = User.objects.create(username="Test", full_name="测试")
    RoleGrant.objects.create(user=user, role=Role.INSPECTOR)
    code, out = _check()
    assert code == 1
    assert out.splitlines() == [services.PROBLEM_RESERVED.format(username="Test")]
    assert [e.id for e in accounts_in_order(None)] == ["accounts.E001"]
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert _check()[0] == 0  # disabled, as A6 allows


def test_the_check_fails_on_an_account_without_a_role(cast):
    cast.inspector.role_grants.all().delete()
    assert _check() == (1, services.PROBLEM_NO_ROLE.format(username="inspector") + "\n")


def test_the_check_fails_on_an_administrator_with_a_business_role(cast):
    # Two administrator roles on one account the database refuses (rolegrant_one_admin_role);
    # an administrator role with a business role is refused by the service only.
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrant.objects.create(user=cast.system_admin, role=Role.AUDIT_ADMIN)
    RoleGrant.objects.create(user=cast.system_admin, role=Role.COUNTY_OFFICER)
    code, out = _check()
    assert code == 1 and "已启用的账号“sysadmin”角色冲突：三员分立" in out


def test_the_database_refuses_a_superuser(cast):
    # SECURITY.md C2: the check also names superusers, but no row can hold one to test it with.
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=cast.town_officer.pk).update(is_superuser=True)


def test_the_check_fails_on_two_active_accounts_with_one_phone(cast):
    User.objects.filter(pk=cast.town_officer.pk).update(phone="13912345678")
    User.objects.filter(pk=cast.village_clerk.pk).update(phone="+86 139-1234-5678")
    code, out = _check()
    assert code == 1
    assert out.splitlines() == [
        services.PROBLEM_SHARED_PHONE.format(usernames="“clerk”、“town”", phone="139****5678")
    ]
    User.objects.filter(pk=cast.village_clerk.pk).update(is_active=False)
    assert _check()[0] == 0


def test_the_deploy_check_does_not_fail_before_the_first_migrate(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUANJIE_", "DATABASE_URL"))}
    env |= {"DJANGO_SETTINGS_MODULE": "huanjie.settings", "HUANJIE_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "huanjie", "check", "--deploy"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert "Traceback" not in result.stderr and "accounts.E001" not in result.stderr


# --- disable-dormant ----------------------------------------------------------------------------
def _idle(user: User, days: int, *, logged_in: bool = True) -> None:
    then = timezone.now() - timedelta(days=days)
    User.objects.filter(pk=user.pk).update(last_login=then if logged_in else None, date_joined=then)


def test_disable_dormant_disables_an_account_idle_91_days_and_ends_its_session(cast):
    client = cast.client(cast.town_officer)
    services.session_started(user=cast.town_officer, session_key=client.session.session_key)
    assert client.get("/").status_code == 200
    _idle(cast.town_officer, 91)
    _idle(cast.village_clerk, 89)
    _idle(cast.inspector, 91, logged_in=False)
    out = _accounts("disable-dormant")
    assert "2 个" in out
    assert set(User.objects.filter(is_active=False).values_list("username", flat=True)) == {
        "town",
        "inspector",
    }
    assert client.get("/")["Location"].startswith(LOGIN)
    assert not UserSession.objects.filter(user=cast.town_officer).exists()
    event = AuditEvent.objects.get(action="user.deactivate", object_id=str(cast.town_officer.pk))
    assert event.user_id is None and event.message == services.MSG_DORMANT.format(days=90)


def test_an_account_enabled_again_has_ninety_days_to_log_in(cast):
    _idle(cast.town_officer, 120)
    assert services.users_disable_dormant() == [cast.town_officer]
    services.user_set_active(actor=cast.security_admin, user=cast.town_officer, active=True)
    assert services.users_disable_dormant() == []


def test_a_dormant_administrator_is_disabled_and_comes_back_on_the_command_line(cast):
    _idle(cast.security_admin, 91)
    assert services.users_disable_dormant() == [cast.security_admin]
    _accounts("reset-admin-password", "secadmin")
    assert services.users_disable_dormant() == []
    assert User.objects.get(pk=cast.security_admin.pk).is_active


@pytest.mark.parametrize("name", ["<script>x", "李明", "a b", "ab", "x" * 41])
def test_the_service_keeps_the_forms_login_name_rule(cast, name):
    """A login name from the command line or the demo obeys the page's rule too."""
    with pytest.raises(ValidationError, match="用户名只能包含"):
        services.user_create(
            actor=None,
            username=name,
            full_name="某人",
            region=Region.objects.get(code=TOWN),
            roles=[services.RoleSpec(Role.INSPECTOR)],
        )
