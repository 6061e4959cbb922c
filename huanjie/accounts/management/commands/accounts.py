"""`huanjie accounts bootstrap`: the three administrators of a fresh installation (三员分立,
SECURITY.md C1), each a named person, with one-time random passwords printed once;
`reset-admin-password LOGIN`: the one way back for an administrator who lost a password;
`check`: no default account, no superuser, one role set per account and one phone per person
(A1, A6, C2), non-zero exit otherwise; `disable-dormant`: disable accounts unused for 90 days
and end their sessions (A7), run hourly by huanjie-purge.service."""

from __future__ import annotations

import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from huanjie.accounts.models import Role
from huanjie.accounts.services import (
    AdminSpec,
    accounts_problems,
    admin_password_reset,
    admins_bootstrap,
    users_disable_dormant,
)
from huanjie.regions.models import Region

# A refused command exits with 2, as argparse does for a bad option (and as `backup` does).
REFUSED = 2

MSG_BAD_SPEC = "{option} 应为 登录名:姓名[:手机号]，收到“{value}”"
MSG_NO_REGION = "没有区划代码 {code}，请先运行 huanjie regions load"
MSG_PASSWORD_ONCE = "以上初始密码只显示这一次，首次登录时必须修改；请分别当面交给本人。"

ADMIN_OPTIONS = (
    ("--system", Role.SYSTEM_ADMIN),
    ("--security", Role.SECURITY_ADMIN),
    ("--audit", Role.AUDIT_ADMIN),
)


def _admin_spec(option: str, role: str, value: str) -> AdminSpec:
    parts = [p.strip() for p in value.replace("：", ":").split(":")]
    if len(parts) not in (2, 3) or not all(parts[:2]):
        raise CommandError(MSG_BAD_SPEC.format(option=option, value=value), returncode=REFUSED)
    phone = parts[2] if len(parts) == 3 else ""
    return AdminSpec(role=role, username=parts[0], full_name=parts[1], phone=phone)


def _refused(exc: ValidationError) -> CommandError:
    return CommandError("\n".join(exc.messages), returncode=REFUSED)


class Command(BaseCommand):
    help = (
        "用户：bootstrap 初始化三员账号；reset-admin-password 重置管理员密码；"
        "check 检查默认账号、超级用户、角色和共用手机号；disable-dormant 停用90天未使用的账号"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        boot = sub.add_parser("bootstrap", help="新装系统时建立系统、安全、审计管理员三个账号")
        boot.add_argument("--region", required=True, help="三员所属区划代码，如 630121")
        for option, role in ADMIN_OPTIONS:
            boot.add_argument(
                option,
                required=True,
                metavar="登录名:姓名[:手机号]",
                help=f"{Role(role).label}（本人）",
            )
        reset = sub.add_parser("reset-admin-password", help="重置管理员密码（下次登录须修改）")
        reset.add_argument("login", metavar="LOGIN", help="管理员的登录名")
        unbind = sub.add_parser(
            "reset-admin-second-factor", help="解除管理员的手机验证器绑定（手机丢失时）"
        )
        unbind.add_argument("login", metavar="LOGIN", help="管理员的登录名")
        sub.add_parser("check", help="检查账号：有问题时逐条列出并以非零状态退出")
        sub.add_parser("disable-dormant", help="停用90天未使用的账号并结束其会话")

    def handle(self, *args: Any, **options: Any) -> None:
        match options["sub"]:
            case "bootstrap":
                self._bootstrap(options)
            case "reset-admin-password":
                self._reset(options["login"])
            case "reset-admin-second-factor":
                self._unbind(options["login"])
            case "check":
                self._check()
            case "disable-dormant":
                self._disable_dormant()

    def _bootstrap(self, options: dict[str, Any]) -> None:
        admins = [
            _admin_spec(option, role, options[option.lstrip("-")]) for option, role in ADMIN_OPTIONS
        ]
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(MSG_NO_REGION.format(code=options["region"]), returncode=REFUSED)
        try:
            created = admins_bootstrap(region=region, admins=admins)
        except ValidationError as exc:
            raise _refused(exc) from exc
        for user, password in created:
            label = "、".join(Role(g.role).label for g in user.role_grants.all())
            self.stdout.write(f"{label}：{user.full_name}（{user.username}） 初始密码：{password}")
        self.stdout.write(MSG_PASSWORD_ONCE)

    def _reset(self, login: str) -> None:
        try:
            user, password = admin_password_reset(username=login)
        except ValidationError as exc:
            raise _refused(exc) from exc
        self.stdout.write(f"{user.full_name}（{user.username}） 新密码：{password}")
        self.stdout.write("此密码只显示这一次，下次登录时必须修改；原有会话已结束。")

    def _unbind(self, login: str) -> None:
        from huanjie.accounts.second_factor import admin_second_factor_reset

        try:
            user = admin_second_factor_reset(username=login)
        except ValidationError as exc:
            raise _refused(exc) from exc
        self.stdout.write(
            f"已解除 {user.full_name}（{user.username}）的手机验证器绑定和恢复码，原有会话已结束；"
            "下次登录时重新绑定。"
        )

    def _check(self) -> None:
        problems = accounts_problems()
        if not problems:
            self.stdout.write("账号检查通过：无默认账号、超级用户、角色冲突或共用手机号。")
            return
        for problem in problems:
            self.stderr.write(problem)
        sys.exit(1)

    def _disable_dormant(self) -> None:
        disabled = users_disable_dormant()
        names = "、".join(u.username for u in disabled)
        self.stdout.write(
            f"已停用长期未使用的账号 {len(disabled)} 个{'：' + names if names else ''}。"
        )
