"""The second factor of a login (SECURITY.md A5): a TOTP code from an authenticator app on the
user's phone (RFC 6238, HMAC-SHA1, 30-second steps; django-otp), or one of ten single-use
recovery codes for the day the phone is lost.

GB/T 22239-2019 8.1.4.1 d) asks for two authentication techniques, one of them cryptographic,
for every account that can see unmasked personal data, change rolls or results, or administer
the system. `needs_second_factor` says who; a user who enrolled voluntarily is asked as well.

The login is in two steps (accounts.views): the password, then the code. Between them nobody is
logged in: the session holds only the pending user's id for five minutes, so no page, file or
API call is reachable with the password alone. A wrong code counts against the account's lock
like a wrong password (SECURITY.md A3). A code is accepted once: django-otp remembers the last
accepted step, and throttles after failures.
"""

from __future__ import annotations

import secrets
import unicodedata
from typing import TYPE_CHECKING, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from huanjie.accounts.models import User
from huanjie.accounts.permissions import ROLE_ACTIONS, Action, roles_of
from huanjie.audit.models import Outcome
from huanjie.audit.services import audit_record

if TYPE_CHECKING:
    from django_otp.models import Device

# SECURITY.md A5: the actions that make an account need two factors: full ID numbers, rolls,
# campaigns, Party rolls, the duplicates across villages, users, the system and the audit log;
# the review departments, who see the people sent to them and may reveal their ID numbers.
SECOND_FACTOR_ACTIONS: frozenset[Action] = frozenset(
    {
        Action.REVEAL_ID,
        Action.MANAGE_VOTERS,
        Action.MANAGE_CAMPAIGNS,
        Action.MANAGE_PARTY,
        Action.RESOLVE_DUPLICATES,
        Action.SET_ELECTION_DATE,
        Action.VIEW_PEOPLE,
        Action.MANAGE_USERS,
        Action.VIEW_SYSTEM,
        Action.VIEW_AUDIT,
        Action.EXPORT_AUDIT,
        Action.ANSWER_REVIEW,
    }
)
RECOVERY_CODES = 10
# Letters and digits nobody confuses when copying from paper (no 0/o, 1/l/i).
_RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"

MSG_BAD_CODE = "动态口令或恢复码不正确"
MSG_BAD_PASSWORD = "当前密码不正确"
MSG_NOT_ADMIN = "账号“{username}”不是管理员；其他账号的两步验证由安全管理员在系统中解除"

Method = Literal["totp", "recovery"]


def needs_second_factor(user: User) -> bool:
    """Whether the user must give a second factor at every login: by role (SECURITY.md A5), or
    because the user enrolled a device."""
    actions: set[Action] = set()
    for role in roles_of(user):
        actions |= ROLE_ACTIONS.get(role, frozenset())
    return bool(actions & SECOND_FACTOR_ACTIONS) or totp_device(user) is not None


def totp_device(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def normalize_code(text: str) -> str:
    """One spelling of a typed code: NFKC (full-width digits), no spaces or dashes, lower case.

    >>> normalize_code(" １２３ ４５６ ")
    '123456'
    >>> normalize_code("ABCD-EFGH")
    'abcdefgh'
    """
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if ch not in " -\u3000\t").lower()


def _is_totp(code: str) -> bool:
    # ASCII digits only: int() would take "+12345" or Arabic-Indic digits (SECURITY.md V11).
    return len(code) == 6 and all("0" <= ch <= "9" for ch in code)


def enrollment_device(user: User) -> TOTPDevice:
    """The unconfirmed authenticator the user is adding (a new random key, kept while the user
    scans it and types the first code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="手机验证器", confirmed=False)
    return device


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="恢复码", confirmed=True)
    codes = [
        "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(8)) for _ in range(RECOVERY_CODES)
    ]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return [f"{code[:4]}-{code[4:]}" for code in codes]


def totp_enroll_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the authenticator with its first code. Returns the new recovery codes (shown once),
    or None when the code is wrong. Any other device of the user goes."""
    code = normalize_code(code)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if device.confirmed or not _is_totp(code) or not device.verify_token(code):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = _new_recovery_codes(user)
        audit_record(
            actor=user,
            action="auth.otp_enrolled",
            obj=user,
            changes={"recovery_codes": RECOVERY_CODES},
        )
    return codes


def second_factor_verify(*, user: User, code: str) -> Device | None:
    """The device that accepts `code` (a TOTP code or a recovery code, which is then spent), or
    None. Failures are counted by the caller, as a failed login (SECURITY.md A3)."""
    code = normalize_code(code)
    if not code or len(code) > 16:
        return None
    with transaction.atomic():
        if _is_totp(code):
            device = (
                TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            )
            return device if device is not None and device.verify_token(code) else None
        static = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if static is None or not static.verify_token(code):
            return None
        audit_record(
            actor=user,
            action="auth.recovery_code_used",
            obj=user,
            changes={"left": recovery_codes_left(user)},
        )
        return static


def recovery_codes_renew(*, user: User, password: str, keep_session: str) -> list[str]:
    """New recovery codes for the signed-in user, the old ones void. Changing a factor asks for
    the current password and ends the user's other sessions (SECURITY.md S5)."""
    from huanjie.accounts.services import _end_sessions

    if not user.check_password(password):
        raise ValidationError(MSG_BAD_PASSWORD)
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        _end_sessions(user, keep=keep_session)
        audit_record(actor=user, action="auth.recovery_codes_renewed", obj=user)
    return codes


def second_factor_reset(*, actor: User | None, user: User, message: str = "") -> None:
    """Remove a user's authenticator and recovery codes (a lost phone): the user enrolls anew at
    the next login, with the password. A security administrator does it for the users of the
    region, never for an administrator nor for itself (三员分立, SECURITY.md C1); `actor` None is
    the command line. The user's sessions end."""
    from huanjie.accounts.services import _check_manage, _check_not_self_or_admin, _end_sessions

    if actor is not None:
        _check_manage(actor, user.region_id or "", user.region, user)  # SECURITY.md C1/C3
    _check_not_self_or_admin(actor, user)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        _end_sessions(user)
        audit_record(
            actor=actor,
            action="user.otp_reset",
            obj=user,
            message=message,
            outcome=Outcome.SUCCESS,
        )


def admin_second_factor_reset(*, username: str) -> User:
    """The command line's unbinding of an administrator's lost authenticator: no administrator
    may do it for another (三员分立), so the system does, audited; the administrator binds a new
    one at the next login, from the management network (SECURITY.md A9)."""
    from huanjie.accounts.models import ADMIN_ROLES
    from huanjie.accounts.services import MSG_NO_SUCH_USER, normalize_username

    name = normalize_username(username)
    user = User.objects.filter(username=name).first()
    if user is None:
        raise ValidationError(MSG_NO_SUCH_USER.format(username=name))
    if not set(roles_of(user)) & ADMIN_ROLES:
        raise ValidationError(MSG_NOT_ADMIN.format(username=name))
    second_factor_reset(actor=None, user=user, message="命令行解除管理员两步验证绑定")
    return user


def qr_svg_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// address of the device as a QR code, an SVG data: URI (no outside request,
    CSP img-src allows data:)."""
    import segno

    return str(segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2))


def base32_key(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed in, in groups of four."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))
