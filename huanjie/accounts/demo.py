"""The demo users of `huanjie demo`: one per role, in the demo county, with printed passwords.

A re-run keeps the users and gives each a new password, so the printed list is always the one
that works. The users whose roles need a second factor (SECURITY.md A5) get an authenticator
bound through the service, and its key is printed: add it to any TOTP app, or type
`oathtool --totp -b KEY` (Debian's oathtool) to get the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from huanjie.accounts import second_factor
from huanjie.accounts.models import Department, Role, User
from huanjie.accounts.services import RoleSpec, generate_password, user_create, user_reset_password
from huanjie.regions.models import Region

# username, full name, where (the keyword argument of `users_seed` naming the user's region),
# role, department
DEMO_USERS: Final[tuple[tuple[str, str, str, str, str], ...]] = (
    ("dt_county", "李建华（县委组织部）", "county", Role.COUNTY_OFFICER, ""),
    ("dt_town", "马文清（桥头镇）", "town", Role.TOWN_OFFICER, ""),
    ("dt_town2", "祁永红（城关镇）", "other_town", Role.TOWN_OFFICER, ""),
    ("dt_clerk", "韩玉梅（村选委会）", "village", Role.VILLAGE_CLERK, ""),
    ("dt_review", "赵德明（县法院）", "county", Role.REVIEWER, Department.COURT),
    ("dt_inspect", "鲁国庆（督导组）", "county", Role.INSPECTOR, ""),
    ("dt_sysadmin", "王海（系统管理员）", "county", Role.SYSTEM_ADMIN, ""),
    ("dt_secadmin", "冶秀兰（安全管理员）", "county", Role.SECURITY_ADMIN, ""),
    ("dt_auditadmin", "朱立新（审计管理员）", "county", Role.AUDIT_ADMIN, ""),
)


@dataclass(frozen=True, slots=True)
class DemoUser:
    user: User
    password: str  # valid until the next run
    otp_key: str  # the authenticator's key (base32), "" for a role that needs none
    role: str
    full_name: str  # as DEMO_USERS names the user
    region: Region


def users_seed(
    *, county: Region, town: Region, other_town: Region, village: Region
) -> dict[str, DemoUser]:
    """Create the demo users, or give the existing ones new passwords (keeping their region and
    roles). Returns them by username, in the order of DEMO_USERS."""
    places = {"county": county, "town": town, "other_town": other_town, "village": village}
    users: dict[str, DemoUser] = {}
    for username, full_name, where, role, dept in DEMO_USERS:
        region = places[where]
        user = User.objects.filter(username=username).first()
        if user is None:
            password = generate_password()
            user, _ = user_create(
                actor=None,
                username=username,
                full_name=full_name,
                region=region,
                roles=[RoleSpec(role=role, department=dept)],
                password=password,
            )
        else:
            password = user_reset_password(actor=None, user=user, message="演示数据重新加载")
        users[username] = DemoUser(user, password, _otp_key(user), role, full_name, region)
    return users


def _otp_key(user: User) -> str:
    """The key of the user's authenticator, bound now (as the user would at the first login) if
    the user's roles need one and none is bound."""
    if not second_factor.needs_second_factor(user):
        return ""
    device = second_factor.totp_device(user)
    if device is None:
        from django_otp.oath import TOTP

        pending = second_factor.enrollment_device(user)
        totp = TOTP(pending.bin_key, pending.step, pending.t0, pending.digits, pending.drift)
        code = f"{totp.token():0{pending.digits}d}"
        second_factor.totp_enroll_confirm(user=user, device=pending, code=code)
        device = pending
    return second_factor.base32_key(device).replace(" ", "")
