"""Users, the region they belong to, and the roles they hold."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from huanjie.regions.models import Region


class Role(models.TextChoices):
    COUNTY_OFFICER = "county_officer", "县级工作人员(组织部/民政局)"
    TOWN_OFFICER = "town_officer", "乡镇工作人员"
    VILLAGE_CLERK = "village_clerk", "村选举委员会工作人员"
    REVIEWER = "reviewer", "联审部门"
    INSPECTOR = "inspector", "督导组"
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "审计管理员"


# 三员分立 (GB/T 22239-2019 8.1.5; SECURITY.md C1): never two of these on one account.
ADMIN_ROLES: frozenset[str] = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


class Department(models.TextChoices):
    """The county departments of the joint review (资格联审), RULES.md §6."""

    DISCIPLINE = "discipline", "纪委监委"
    ORGANISATION = "organisation", "组织部"
    POLITICAL_LEGAL = "political_legal", "政法委"
    PUBLIC_SECURITY = "public_security", "公安局"
    PROCURATORATE = "procuratorate", "检察院"
    COURT = "court", "法院"
    JUSTICE = "justice", "司法局"
    PETITIONS = "petitions", "信访局"
    HEALTH = "health", "卫健局"
    CIVIL_AFFAIRS = "civil_affairs", "民政局"
    AGRICULTURE = "agriculture", "农业农村局"
    NATURAL_RESOURCES = "natural_resources", "自然资源局"
    MARKET = "market", "市场监管局"
    TAX = "tax", "税务局"
    UNITED_FRONT = "united_front", "统战部"


def mask_phone(phone: str) -> str:
    """138****1234: the first three and last four digits (SECURITY.md P3); "" for none.

    >>> mask_phone("13800001111"), mask_phone("")
    ('138****1111', '')
    """
    if not phone:
        return ""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 8 else "****"


class HuanjieUserManager(UserManager["User"]):
    pass


class User(AbstractUser):
    full_name = models.CharField("姓名", max_length=50)
    phone = models.CharField("手机号", max_length=20, blank=True)
    # The user's data scope: everything whose region code starts with this region's code.
    region = models.ForeignKey(
        Region, verbose_name="所属区划", on_delete=models.PROTECT, null=True, related_name="users"
    )
    must_change_password = models.BooleanField("须修改密码", default=False)
    # When the password was last set: it expires after accounts.passwords.MAX_AGE.
    password_changed_at = models.DateTimeField("密码设置时间", null=True, blank=True)
    failed_logins = models.PositiveSmallIntegerField("连续登录失败次数", default=0)
    last_failed_at = models.DateTimeField("最近登录失败时间", null=True, blank=True)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

    objects = HuanjieUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["region_id", "username"]
        constraints = [
            # SECURITY.md C2: no superuser in the application; is_superuser skips every check.
            models.CheckConstraint(
                condition=models.Q(is_superuser=False), name="user_never_superuser"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name or self.username}（{self.username}）"

    @property
    def scope_code(self) -> str | None:
        return self.region_id

    @property
    def phone_masked(self) -> str:
        """The phone as screens show it, 138****1234 (SECURITY.md P3)."""
        return mask_phone(self.phone)


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    department = models.CharField("部门", max_length=20, choices=Department.choices, blank=True)
    granted_at = models.DateTimeField("授予时间", auto_now_add=True)

    class Meta:
        verbose_name = "角色授予"
        verbose_name_plural = "角色授予"
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="rolegrant_one_per_role"),
            # 三员分立, enforced by the database as well as by the service.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(role__in=sorted(ADMIN_ROLES)),
                name="rolegrant_one_admin_role",
            ),
            models.CheckConstraint(
                condition=models.Q(role="reviewer", department__gt="") | ~models.Q(role="reviewer"),
                name="rolegrant_reviewer_has_department",
            ),
        ]

    def __str__(self) -> str:
        label = Role(self.role).label
        return f"{label}·{Department(self.department).label}" if self.department else label


class PasswordHistory(models.Model):
    """The hashes of a user's earlier passwords, so a new one is not an old one (SECURITY.md
    A2: no reuse of the last 5)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class UserSession(models.Model):
    """A live login: which session key belongs to whom since when, so that the number of a
    user's concurrent sessions is capped and a password change ends the others (SECURITY.md
    S4, S5) without decoding every session in the store."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "登录会话"
        verbose_name_plural = "登录会话"
        ordering = ["user_id", "created_at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


class AddressFailures(models.Model):
    """Failed logins from one source address in the current window, across every account
    (SECURITY.md A3: at most 20 failures per address per 10 minutes, against password spraying)."""

    address = models.CharField("来源地址", max_length=45, unique=True)
    window_start = models.DateTimeField("计数起始时间")
    failures = models.PositiveIntegerField("失败次数", default=0)

    class Meta:
        verbose_name = "来源地址登录失败计数"
        verbose_name_plural = "来源地址登录失败计数"

    def __str__(self) -> str:
        return f"{self.address} {self.failures}"


class RequestWindow(models.Model):
    """A user's requests to pages listing personal data in the current minute (SECURITY.md P6:
    at most 60 a minute, against harvesting a roll page by page)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    bucket = models.CharField(max_length=40)
    window_start = models.DateTimeField()
    requests = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "个人信息页面访问计数"
        verbose_name_plural = "个人信息页面访问计数"
        constraints = [
            models.UniqueConstraint(fields=["user", "bucket"], name="requestwindow_one_per_bucket")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.bucket} {self.requests}"
