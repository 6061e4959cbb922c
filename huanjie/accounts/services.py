"""Write services for accounts: users, roles, logins. Each writes its audit event."""

from __future__ import annotations

import secrets
import string
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from huanjie.accounts.models import (
    ADMIN_ROLES,
    Department,
    PasswordHistory,
    Role,
    RoleGrant,
    User,
    UserSession,
)
from huanjie.accounts.permissions import RoleConflict, check_role_set, in_scope, roles_of
from huanjie.audit.models import Outcome
from huanjie.audit.services import audit_record
from huanjie.regions.models import Region

# SECURITY.md A3: 5 failures within 15 minutes lock the account for 30 minutes.
LOCK_AFTER_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_DURATION = timedelta(minutes=30)

MSG_USERNAME_TAKEN = "用户名“{username}”已被使用"
MSG_REGION_OUT_OF_SCOPE = "不能在本人管辖范围以外的区划“{region}”创建或修改用户"
MSG_REVIEWER_NEEDS_DEPARTMENT = "联审部门角色必须选择所属部门"
MSG_NO_ROLE = "至少授予一个角色"
MSG_OWN_ACCOUNT = "不能修改本人账号的角色、启用状态或密码（请由其他管理员办理）"
MSG_OTHER_ADMIN = "管理员不能重置或设置另一位管理员的密码或角色（三员分立）"


def _check_not_self_or_admin(actor: User | None, user: User) -> None:
    """三员分立 in the services, not only in the menus (SECURITY.md C1): nobody changes their own
    roles, state or password through the administration pages, and no administrator changes
    another administrator's (the first three are created on the command line)."""
    if actor is None:
        return  # the system: the command line and the demo loader
    if actor.pk == user.pk:
        raise ValidationError(MSG_OWN_ACCOUNT)
    if set(roles_of(user)) & ADMIN_ROLES:
        raise ValidationError(MSG_OTHER_ADMIN)


@dataclass(frozen=True)
class RoleSpec:
    role: str
    department: str = ""


def generate_password(length: int = 14) -> str:
    """A random password meeting SECURITY.md A2: at least 3 of the 4 character classes."""
    alphabet = string.ascii_letters + string.digits + "@#%+=-"
    while True:
        pw = "".join(secrets.choice(alphabet) for _ in range(length))
        classes = sum(
            any(c in group for c in pw)
            for group in (string.ascii_lowercase, string.ascii_uppercase, string.digits, "@#%+=-")
        )
        if classes >= 3:
            return pw


def _validate_roles(roles: list[RoleSpec]) -> None:
    if not roles:
        raise ValidationError(MSG_NO_ROLE)
    try:
        check_role_set(spec.role for spec in roles)
    except RoleConflict as exc:
        raise ValidationError(str(exc)) from exc
    for spec in roles:
        if spec.role == Role.REVIEWER and spec.department not in Department.values:
            raise ValidationError(MSG_REVIEWER_NEEDS_DEPARTMENT)


def _role_summary(roles: list[RoleSpec]) -> list[str]:
    return sorted(f"{s.role}:{s.department}" if s.department else s.role for s in roles)


def normalize_username(text: str) -> str:
    """The one spelling of a login name, for every lookup, lock and counter: NFKC (full-width
    ｃｏｕｎｔｙ is county), no surrounding spaces, lower case. SECURITY.md A3: a lock must not be
    escaped by typing the name another way.

    >>> normalize_username(" ＣＯＵＮＴＹ ")
    'county'
    """
    return unicodedata.normalize("NFKC", text).strip().lower()


def _set_password(user: User, password: str) -> None:
    """Keep the old hash in the history, then set the new one (call inside a transaction)."""
    if user.pk and user.password:
        PasswordHistory.objects.create(user=user, password=user.password)
    user.set_password(password)
    user.password_changed_at = timezone.now()


def user_create(
    *,
    actor: User | None,
    username: str,
    full_name: str,
    region: Region,
    roles: list[RoleSpec],
    phone: str = "",
    password: str | None = None,
) -> tuple[User, str]:
    """Create an account with its roles. Returns the user and the initial password, which must
    be changed at first login (SECURITY.md A8). `actor` None means the system (the demo loader)."""
    if actor is not None and not in_scope(actor, region.code):
        raise ValidationError(MSG_REGION_OUT_OF_SCOPE.format(region=region.display_name))
    _validate_roles(roles)
    username = normalize_username(username)
    if User.objects.filter(username=username).exists():
        raise ValidationError(MSG_USERNAME_TAKEN.format(username=username))
    initial = password or generate_password()
    user = User(username=username, full_name=full_name, region=region, phone=phone)
    validate_password(initial, user)
    _set_password(user, initial)
    user.must_change_password = password is None
    with transaction.atomic():
        user.save()
        RoleGrant.objects.bulk_create(
            RoleGrant(user=user, role=s.role, department=s.department) for s in roles
        )
        audit_record(
            actor=actor,
            action="user.create",
            obj=user,
            changes={"region": region.code, "roles": _role_summary(roles)},
        )
    return user, initial


def user_roles_set(*, actor: User, user: User, roles: list[RoleSpec]) -> User:
    """Replace a user's roles (三员分立 checked here and by the database)."""
    if not in_scope(actor, user.region_id or ""):
        raise ValidationError(MSG_REGION_OUT_OF_SCOPE.format(region=user.region))
    _check_not_self_or_admin(actor, user)
    _validate_roles(roles)
    before = sorted(
        f"{r}:{d}" if d else r for r, d in user.role_grants.values_list("role", "department")
    )
    with transaction.atomic():
        user.role_grants.all().delete()
        RoleGrant.objects.bulk_create(
            RoleGrant(user=user, role=s.role, department=s.department) for s in roles
        )
        user.__dict__.pop("_huanjie_roles", None)
        audit_record(
            actor=actor,
            action="user.roles_set",
            obj=user,
            changes={"roles": {"old": before, "new": _role_summary(roles)}},
        )
    return user


def user_set_active(*, actor: User, user: User, active: bool) -> User:
    if not in_scope(actor, user.region_id or ""):
        raise ValidationError(MSG_REGION_OUT_OF_SCOPE.format(region=user.region))
    _check_not_self_or_admin(actor, user)
    with transaction.atomic():
        old = user.is_active
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            _end_sessions(user)
        audit_record(
            actor=actor,
            action="user.activate" if active else "user.deactivate",
            obj=user,
            changes={"is_active": {"old": old, "new": active}},
        )
    return user


def user_unlock(*, actor: User, user: User) -> User:
    """A security administrator lifts a lock early (SECURITY.md A3)."""
    if not in_scope(actor, user.region_id or ""):
        raise ValidationError(MSG_REGION_OUT_OF_SCOPE.format(region=user.region))
    with transaction.atomic():
        user.failed_logins = 0
        user.locked_until = None
        user.save(update_fields=["failed_logins", "locked_until"])
        audit_record(actor=actor, action="user.unlock", obj=user)
    return user


def user_reset_password(*, actor: User | None, user: User, message: str = "") -> str:
    """A new random password, which must be changed at first login, and the end of the user's
    sessions and of any lock. `actor` None means the system (the demo loader), whose users keep
    the printed password (SECURITY.md A8 applies to people, not to a demo)."""
    if actor is not None and not in_scope(actor, user.region_id or ""):
        raise ValidationError(MSG_REGION_OUT_OF_SCOPE.format(region=user.region))
    _check_not_self_or_admin(actor, user)
    new = generate_password()
    with transaction.atomic():
        _set_password(user, new)
        user.must_change_password = actor is not None
        user.failed_logins = 0
        user.locked_until = None
        user.save(
            update_fields=[
                "password",
                "password_changed_at",
                "must_change_password",
                "failed_logins",
                "locked_until",
            ]
        )
        _end_sessions(user)
        audit_record(actor=actor, action="user.password_reset", obj=user, message=message)
    return new


def password_change(*, user: User, new_password: str, keep_session: str = "") -> None:
    """Change the user's own password; every other session of the user ends (SECURITY.md S5)."""
    validate_password(new_password, user)
    with transaction.atomic():
        _set_password(user, new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "password_changed_at", "must_change_password"])
        _end_sessions(user, keep=keep_session)
        audit_record(actor=user, action="auth.password_change", obj=user)


def _end_sessions(user: User, *, keep: str = "") -> None:
    """End the user's sessions on the server (all but `keep`): the old cookies then lead to
    the login page (SECURITY.md S2, S5)."""
    from django.contrib.sessions.models import Session

    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key != keep and session.get_decoded().get("_auth_user_id") == str(
            user.pk
        ):
            session.delete()
    UserSession.objects.filter(user=user).exclude(session_key=keep).delete()


# SECURITY.md S4 [PROJ]: concurrent sessions a user may hold; the oldest give way to a new login.
MAX_SESSIONS_ADMIN = 1
MAX_SESSIONS = 3


def session_started(*, user: User, session_key: str) -> None:
    """Record a login's session and end the oldest of the user's sessions past the cap."""
    from django.contrib.sessions.models import Session

    with transaction.atomic():
        UserSession.objects.get_or_create(user=user, session_key=session_key)
        cap = MAX_SESSIONS_ADMIN if set(roles_of(user)) & ADMIN_ROLES else MAX_SESSIONS
        live = list(UserSession.objects.filter(user=user).order_by("-created_at", "-id"))
        for old in live[cap:]:
            Session.objects.filter(session_key=old.session_key).delete()
            old.delete()


def is_locked(user: User) -> bool:
    return user.locked_until is not None and user.locked_until > timezone.now()


def login_succeeded(*, user: User) -> None:
    with transaction.atomic():
        user.failed_logins = 0
        user.locked_until = None
        user.last_login = timezone.now()
        user.save(update_fields=["failed_logins", "locked_until", "last_login"])
        audit_record(actor=user, action="auth.login", obj=user)


def login_failed(*, username: str, reason: str) -> None:
    """Count a failure against the account (if it exists) and lock it after too many."""
    with transaction.atomic():
        username = normalize_username(username)
        user = User.objects.select_for_update().filter(username=username).first()
        message = reason
        if user is not None:
            now = timezone.now()
            recent = user.last_failed_at is not None and now - user.last_failed_at < FAILURE_WINDOW
            user.failed_logins = user.failed_logins + 1 if recent else 1
            user.last_failed_at = now
            if user.failed_logins >= LOCK_AFTER_FAILURES and not is_locked(user):
                user.locked_until = now + LOCK_DURATION
                message = f"{reason}；连续失败{user.failed_logins}次，账号锁定30分钟"
            user.save(update_fields=["failed_logins", "last_failed_at", "locked_until"])
        audit_record(
            actor=None,
            username=username,
            action="auth.login_failed",
            object_type="accounts.user",
            object_id=str(user.pk) if user else "",
            outcome=Outcome.FAILURE,
            message=message,
        )


def logged_out(*, user: User) -> None:
    audit_record(actor=user, action="auth.logout", obj=user)


def describe_roles(user: User) -> str:
    grants = list(user.role_grants.all())
    return "、".join(str(g) for g in grants) or "（无角色）"


__all__ = [
    "RoleSpec",
    "describe_roles",
    "generate_password",
    "is_locked",
    "logged_out",
    "login_failed",
    "login_succeeded",
    "normalize_username",
    "password_change",
    "roles_of",
    "session_started",
    "user_create",
    "user_reset_password",
    "user_roles_set",
    "user_set_active",
    "user_unlock",
]
