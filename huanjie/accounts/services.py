"""Write services for accounts: users, roles, logins. Each writes its audit event."""

from __future__ import annotations

import re
import secrets
import string
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from huanjie.accounts.models import (
    ADMIN_ROLES,
    AddressFailures,
    Department,
    PasswordHistory,
    Role,
    RoleGrant,
    User,
    UserSession,
    mask_phone,
)
from huanjie.accounts.permissions import (
    Action,
    RoleConflict,
    audit_denied,
    can,
    check_role_set,
    in_scope,
    roles_of,
)
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
MSG_NOT_ALLOWED = "无权管理用户"


def _check_manage(actor: User, code: str, shown: object, target: User | None = None) -> None:
    """SECURITY.md C1/C3: account administration is the security administrator's (MANAGE_USERS),
    within their region (`code`), checked in the service as well as by the view; audited."""
    allowed = can(actor, Action.MANAGE_USERS)
    if not allowed or not in_scope(actor, code):
        audit_denied(
            actor,
            Action.MANAGE_USERS,
            obj=target,
            object_type="accounts.user",
            lookup={"region": code},
        )
        raise ValidationError(
            MSG_REGION_OUT_OF_SCOPE.format(region=shown) if allowed else MSG_NOT_ALLOWED
        )


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
    if actor is not None:
        _check_manage(actor, region.code, region.display_name)
    _validate_roles(roles)
    username = normalize_username(username)
    _check_username_allowed(username)  # SECURITY.md A6
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
    _check_manage(actor, user.region_id or "", user.region, user)
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
    _check_manage(actor, user.region_id or "", user.region, user)
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
    _check_manage(actor, user.region_id or "", user.region, user)
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
    if actor is not None:
        _check_manage(actor, user.region_id or "", user.region, user)
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


def login_succeeded(*, user: User, second_factor: str = "") -> None:
    """A complete login (password, and the second factor where one is needed)."""
    with transaction.atomic():
        user.failed_logins = 0
        user.locked_until = None
        user.last_login = timezone.now()
        user.save(update_fields=["failed_logins", "locked_until", "last_login"])
        audit_record(
            actor=user,
            action="auth.login",
            obj=user,
            changes={"second_factor": second_factor} if second_factor else None,
        )


# SECURITY.md A3 (anti-spraying) [PROJ]: 20 failures from one address within 10 minutes, across
# accounts, refuse every login from it until the window ends.
ADDRESS_MAX_FAILURES = 20
ADDRESS_WINDOW = timedelta(minutes=10)


def _source_address() -> str:
    from huanjie.audit.middleware import current_request_context

    context = current_request_context()
    return (context.ip if context else None) or ""


def address_blocked(address: str | None = None) -> bool:
    """Whether logins from the address (the request's, by default) are refused for now."""
    address = _source_address() if address is None else address
    if not address:
        return False
    row = AddressFailures.objects.filter(address=address).first()
    return (
        row is not None
        and row.failures >= ADDRESS_MAX_FAILURES
        and timezone.now() - row.window_start < ADDRESS_WINDOW
    )


def _count_address_failure(address: str) -> str:
    """Count one failure against the address; a note for the audit row when it is blocked."""
    if not address:
        return ""
    now = timezone.now()
    row, _ = AddressFailures.objects.select_for_update().get_or_create(
        address=address, defaults={"window_start": now, "failures": 0}
    )
    if now - row.window_start >= ADDRESS_WINDOW:
        row.window_start, row.failures = now, 0
    row.failures += 1
    row.save(update_fields=["window_start", "failures"])
    if row.failures == ADDRESS_MAX_FAILURES:
        return f"；来源地址10分钟内失败{row.failures}次，暂停该地址登录"
    return ""


def admin_network_allowed(user: User, address: str | None = None) -> bool:
    """SECURITY.md A9 (DB 8.1.4.1 c): the three administrators log in and work only from the
    management networks (settings.HUANJIE_ADMIN_NETWORKS); other accounts from anywhere."""
    import ipaddress

    from django.conf import settings

    if not set(roles_of(user)) & ADMIN_ROLES:
        return True
    address = _source_address() if address is None else address
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for net in settings.HUANJIE_ADMIN_NETWORKS:
        try:
            if ip in ipaddress.ip_network(net, strict=False):
                return True
        except ValueError:
            continue  # a typo lets nobody in; `huanjie check` names it (huanjie.E010)
    return False


def login_failed(*, username: str, reason: str, count_account: bool = True) -> None:
    """Count a failure against the source address and (unless the attempt was refused before
    the password was looked at) against the account, and lock them after too many (SECURITY.md
    A3)."""
    with transaction.atomic():
        username = normalize_username(username)
        user = User.objects.select_for_update().filter(username=username).first()
        message = reason + _count_address_failure(_source_address())
        if user is not None and count_account:
            now = timezone.now()
            recent = user.last_failed_at is not None and now - user.last_failed_at < FAILURE_WINDOW
            user.failed_logins = user.failed_logins + 1 if recent else 1
            user.last_failed_at = now
            if user.failed_logins >= LOCK_AFTER_FAILURES and not is_locked(user):
                user.locked_until = now + LOCK_DURATION
                message += f"；连续失败{user.failed_logins}次，账号锁定30分钟"
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
    "address_blocked",
    "admin_network_allowed",
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


# --- The administrators from the command line, default accounts, dormant accounts -------------

# SECURITY.md A6 (DB 8.1.4.2 b): default and shared login names, in their normalized spelling;
# no named person's account carries one.
RESERVED_USERNAMES: frozenset[str] = frozenset(
    {"admin", "root", "test", "administrator", "superuser", "sa"}
)
# SECURITY.md A7 [PROJ]: an account not used for this long is disabled.
DORMANT_AFTER = timedelta(days=90)

MSG_RESERVED_USERNAME = (
    "登录名“{username}”是默认或通用账号名，不得使用（一人一号，请用本人的登录名）"
)
MSG_ADMIN_EXISTS = "已有{role}账号“{username}”，不再初始化（忘记密码请用 reset-admin-password）"
MSG_ADMIN_ROLES_NEEDED = "须同时指定系统管理员、安全管理员、审计管理员三人"
MSG_ADMIN_SAME_PERSON = "三员须由三个不同的人担任：{what}“{value}”重复"
MSG_PHONE_TAKEN = "手机号 {phone} 已被账号“{username}”使用（一人一号）"
MSG_NOT_ADMIN = "账号“{username}”不是管理员；其他账号的密码由安全管理员在系统中重置"
MSG_NO_SUCH_USER = "没有登录名为“{username}”的账号"
MSG_ADMIN_RESET = "命令行重置管理员密码"
MSG_ADMIN_REENABLED = "命令行重置管理员密码时重新启用"
MSG_DORMANT = "连续{days}天未使用，系统自动停用（SECURITY.md A7）"
# `huanjie accounts check` and the deploy check: one line per problem.
PROBLEM_RESERVED = "已启用的账号“{username}”使用默认或通用账号名，须停用（SECURITY.md A6）"
PROBLEM_SUPERUSER = "账号“{username}”是超级用户（is_superuser），生产环境不得存在（SECURITY.md C2）"
PROBLEM_NO_ROLE = (
    "已启用的账号“{username}”没有任何角色，属多余账户，须授予角色或停用（SECURITY.md A6）"
)
PROBLEM_ROLES = "已启用的账号“{username}”角色冲突：{reason}（SECURITY.md C1）"
PROBLEM_SHARED_PHONE = (
    "已启用的账号{usernames}使用同一手机号 {phone}，不得共用账号（SECURITY.md A1）"
)


# The form's rule, held by the service too, so the command line and the demo keep it: a login
# name is typed on every login and shown in every audit row (SECURITY.md A1, V1).
USERNAME_PATTERN = re.compile(r"[a-z0-9_.-]{3,40}")
MSG_USERNAME_FORM = "用户名只能包含字母、数字、下划线、点和短横线，3至40位"


def _check_username_allowed(username: str) -> None:
    """Refuse a default login name in any spelling, and any but the form's characters
    (`username` already normalized)."""
    if not USERNAME_PATTERN.fullmatch(username):
        raise ValidationError(MSG_USERNAME_FORM)
    if username in RESERVED_USERNAMES:
        raise ValidationError(MSG_RESERVED_USERNAME.format(username=username))


def _phone_key(phone: str) -> str:
    """The digits of a phone number, without the country code, to compare two spellings."""
    digits = "".join(c for c in unicodedata.normalize("NFKC", phone) if c.isdigit())
    return digits[2:] if len(digits) == 13 and digits.startswith("86") else digits


@dataclass(frozen=True)
class AdminSpec:
    """One of the three administrators a fresh installation starts with."""

    role: str
    username: str
    full_name: str
    phone: str = ""


def _admins_bootstrap_errors(admins: list[AdminSpec]) -> list[str]:
    errors: list[str] = []
    if sorted(a.role for a in admins) != sorted(ADMIN_ROLES):
        errors.append(MSG_ADMIN_ROLES_NEEDED)
    for admin in admins:
        username = normalize_username(admin.username)
        if username in RESERVED_USERNAMES:
            errors.append(MSG_RESERVED_USERNAME.format(username=username))
        holder = User.objects.filter(role_grants__role=admin.role).order_by("pk").first()
        if holder is not None:
            label = Role(admin.role).label
            errors.append(MSG_ADMIN_EXISTS.format(role=label, username=holder.username))
        phone = _phone_key(admin.phone)
        if phone:
            for other in User.objects.filter(is_active=True).exclude(phone=""):
                if _phone_key(other.phone) == phone:
                    masked = mask_phone(phone)
                    errors.append(MSG_PHONE_TAKEN.format(phone=masked, username=other.username))
    # SECURITY.md A1, C1: three named people, not one person thrice.
    for what, values in (
        ("登录名", [normalize_username(a.username) for a in admins]),
        ("姓名", [a.full_name.strip() for a in admins]),
        ("手机号", [_phone_key(a.phone) for a in admins if _phone_key(a.phone)]),
    ):
        for value in sorted({v for v in values if values.count(v) > 1}):
            shown = mask_phone(value) if what == "手机号" else value
            errors.append(MSG_ADMIN_SAME_PERSON.format(what=what, value=shown))
    return errors


def admins_bootstrap(*, region: Region, admins: list[AdminSpec]) -> list[tuple[User, str]]:
    """Create the three administrators of a fresh installation (三员分立, SECURITY.md C1), the
    system as the actor: all three or none. Refused when an account of one of the roles already
    exists (later administrators are created by the security administrator in the application),
    for a default login name (A6) or when two of them are one person (A1). Returns each user
    with a random initial password, to be changed at first login (A8)."""
    errors = _admins_bootstrap_errors(admins)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return [
            user_create(
                actor=None,
                username=admin.username,
                full_name=admin.full_name.strip(),
                region=region,
                roles=[RoleSpec(role=admin.role)],
                phone=admin.phone.strip(),
            )
            for admin in admins
        ]


def admin_password_reset(*, username: str) -> tuple[User, str]:
    """The command line's reset of an administrator's password: the one way back for an
    administrator who lost it, since no administrator may reset another's (三员分立). The new
    password is random and must be changed at the next login (SECURITY.md A8); the sessions end;
    an account disabled (A7: unused for 90 days) is enabled again, audited."""
    name = normalize_username(username)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=name).first()
        if user is None:
            raise ValidationError(MSG_NO_SUCH_USER.format(username=name))
        if not set(roles_of(user)) & ADMIN_ROLES:
            raise ValidationError(MSG_NOT_ADMIN.format(username=name))
        password = user_reset_password(actor=None, user=user, message=MSG_ADMIN_RESET)
        # user_reset_password lets the system's (the demo's) passwords stand; a person's not.
        user.must_change_password = True
        user.save(update_fields=["must_change_password"])
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
            audit_record(
                actor=None,
                action="user.activate",
                obj=user,
                changes={"is_active": {"old": False, "new": True}},
                message=MSG_ADMIN_REENABLED,
            )
    return user, password


def accounts_problems() -> list[str]:
    """What `huanjie accounts check` and `check --deploy` report, one Chinese line per problem:
    a superuser (C2), an active default account (A6), an active account without a role or with
    roles 三员分立 forbids (A6, C1), two active accounts with one phone number (A1)."""
    problems = [
        PROBLEM_SUPERUSER.format(username=username)
        for username in User.objects.filter(is_superuser=True)
        .order_by("username")
        .values_list("username", flat=True)
    ]
    by_phone: dict[str, list[str]] = {}
    active = (
        User.objects.filter(is_active=True).order_by("username").prefetch_related("role_grants")
    )
    for user in active:
        if normalize_username(user.username) in RESERVED_USERNAMES:
            problems.append(PROBLEM_RESERVED.format(username=user.username))
        roles = [grant.role for grant in user.role_grants.all()]
        if not roles:
            problems.append(PROBLEM_NO_ROLE.format(username=user.username))
        try:
            check_role_set(roles)
        except RoleConflict as exc:
            problems.append(PROBLEM_ROLES.format(username=user.username, reason=exc))
        if phone := _phone_key(user.phone):
            by_phone.setdefault(phone, []).append(user.username)
    for phone, usernames in sorted(by_phone.items()):
        if len(usernames) > 1:
            names = "、".join(f"“{u}”" for u in usernames)
            problems.append(PROBLEM_SHARED_PHONE.format(usernames=names, phone=mask_phone(phone)))
    return problems


def users_disable_dormant(*, now: datetime | None = None) -> list[User]:
    """Disable every active account unused for DORMANT_AFTER and end its sessions at once
    (SECURITY.md A7), each disabling audited with the system as the actor. "Used" is the last
    login, or else the account's creation; enabling an account again or resetting its password
    restarts the clock, so a returning user has DORMANT_AFTER to log in."""
    from huanjie.audit.models import AuditEvent

    cutoff = (now or timezone.now()) - DORMANT_AFTER
    restarted = AuditEvent.objects.filter(
        object_type=User._meta.label_lower,
        action__in=["user.activate", "user.password_reset"],
        at__gte=cutoff,
    ).values_list("object_id", flat=True)
    dormant = (
        User.objects.filter(is_active=True)
        .filter(Q(last_login__lt=cutoff) | Q(last_login=None, date_joined__lt=cutoff))
        .exclude(pk__in=[int(pk) for pk in restarted if pk.isdigit()])
        .order_by("pk")
    )
    days = DORMANT_AFTER.days
    disabled: list[User] = []
    for user in dormant:
        with transaction.atomic():
            user.is_active = False
            user.save(update_fields=["is_active"])
            _end_sessions(user)
            audit_record(
                actor=None,
                action="user.deactivate",
                obj=user,
                changes={"is_active": {"old": True, "new": False}},
                message=MSG_DORMANT.format(days=days),
            )
        disabled.append(user)
    return disabled


__all__ += [
    "AdminSpec",
    "accounts_problems",
    "admin_password_reset",
    "admins_bootstrap",
    "users_disable_dormant",
]


# --- Ending sessions by hand (SECURITY.md S4) ------------------------------------------------


def sessions_end(*, actor: User, user: User, keep_session: str = "") -> int:
    """End a user's sessions on the server: one's own (all but the current one, `keep_session`),
    or, for the security administrator, any user's in the region but an administrator's
    (三员分立, SECURITY.md C1, S4). Returns how many ended; audited."""
    if actor.pk != user.pk:
        _check_manage(actor, user.region_id or "", user.region, user)  # SECURITY.md C1/C3
        _check_not_self_or_admin(actor, user)
        keep_session = ""
    with transaction.atomic():
        ended = UserSession.objects.filter(user=user).exclude(session_key=keep_session).count()
        _end_sessions(user, keep=keep_session)
        audit_record(actor=actor, action="user.sessions_ended", obj=user, changes={"ended": ended})
    return ended


def sessions_of(user: User) -> list[UserSession]:
    """The user's live logins, newest first."""
    from django.contrib.sessions.models import Session

    rows = list(UserSession.objects.filter(user=user).order_by("-created_at", "-id"))
    live = set(
        Session.objects.filter(
            session_key__in=[r.session_key for r in rows], expire_date__gt=timezone.now()
        ).values_list("session_key", flat=True)
    )
    return [r for r in rows if r.session_key in live]
