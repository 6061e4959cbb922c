"""The named cast every test uses (STYLE.md): regions of 630121 大通 and of a neighbouring county,
and one user per role, created through the services as the application would."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.test import Client

from huanjie.accounts.models import Department, Role, User
from huanjie.accounts.services import RoleSpec, user_create
from huanjie.elections.models import Campaign, CampaignVillage
from huanjie.elections.services import campaign_create
from huanjie.regions.models import Region

PASSWORD = "Test-Passw0rd-2026"

# code, name, short name, level, kind
REGIONS: list[tuple[str, str, str, int, str]] = [
    ("63", "青海省", "青海省", 1, ""),
    ("6301", "西宁市", "西宁市", 2, ""),
    ("630121", "大通回族土族自治县", "大通回族土族自治县", 3, ""),
    ("630121100", "桥头镇", "桥头镇", 4, ""),
    ("630121100001", "人民路南居委会", "人民路南社区", 5, "community"),
    ("630121100206", "红河限村委会", "红河限村", 5, "village"),
    ("630121100207", "毛家寨村委会", "毛家寨村", 5, "village"),
    ("630121101", "城关镇", "城关镇", 4, ""),
    ("630121101204", "城关村委会", "城关村", 5, "village"),
    ("630121101205", "东门村委会", "东门村", 5, "village"),
    ("630123", "湟源县", "湟源县", 3, ""),
    ("630123100", "城关镇", "城关镇", 4, ""),
    ("630123100001", "城台社区居民委员会", "城台社区", 5, "community"),
]

TOWN = "630121100"  # 桥头镇
VILLAGE = "630121100206"  # 红河限村, in 桥头镇
OTHER_TOWN_VILLAGE = "630121101205"  # 东门村, in 城关镇
OTHER_COUNTY = "630123"  # 湟源县
OTHER_COUNTY_VILLAGE = "630123100001"
ELECTION_DAY = date(2027, 1, 15)


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # PBKDF2's million rounds are the point in production and a minute lost per test file here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


LOGIN_URL = "/accounts/login/"


def otp_code(user: User) -> str:
    """The code the user's authenticator shows now (the bound one, else the one being added).
    Each login of a test is taken as a new 30-second step: the step last accepted is forgotten,
    or a second login within the step would be refused as a replay (as it is in production)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "-id").first()
    assert device is not None, f"{user.username} has no authenticator"
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def log_in(client: Client, username: str, password: str = PASSWORD, **meta: Any) -> Any:
    """Log in through the login page as a person does: the password, then, where the account
    needs one (SECURITY.md A5), the authenticator's code. An account without an authenticator
    gets one bound first, through the service (the binding page has tests of its own), so the
    answer is the login's redirect, as it was before two factors."""
    from huanjie.accounts import second_factor

    response = client.post(LOGIN_URL, {"username": username, "password": password}, **meta)
    if response.status_code != 302 or response["Location"] != "/accounts/login/code/":
        return response
    user = User.objects.get(pk=client.session["hj_pending_login"]["user"])
    if second_factor.totp_device(user) is None:
        device = second_factor.enrollment_device(user)
        assert second_factor.totp_enroll_confirm(user=user, device=device, code=otp_code(user))
    return client.post("/accounts/login/code/", {"code": otp_code(user)}, **meta)


@dataclass
class Cast:
    county_officer: User
    town_officer: User
    village_clerk: User
    reviewer: User
    inspector: User
    system_admin: User
    security_admin: User
    audit_admin: User
    other_county_officer: User

    def client(self, user: User) -> Client:
        c = Client()
        c.force_login(user)
        return c


def disable_audit_guard() -> None:
    """Drop the audit table's append-only triggers in the test database: what an intruder with
    database access would do first (the chain tests), and what a transactional test's flush needs."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_auditevent_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_auditevent_no_delete")


def make_regions() -> None:
    by_code: dict[str, Region] = {}
    for code, name, short, level, kind in REGIONS:
        parent_code = {2: 2, 4: 2, 6: 4, 9: 6, 12: 9}[len(code)]
        parent = by_code.get(code[:parent_code]) if level > 1 else None
        by_code[code] = Region.objects.create(
            code=code, name=name, short_name=short, level=level, parent=parent, kind=kind
        )


def _user(username: str, full_name: str, region: str, role: str, department: str = "") -> User:
    user, _ = user_create(
        actor=None,
        username=username,
        full_name=full_name,
        region=Region.objects.get(code=region),
        roles=[RoleSpec(role=role, department=department)],
        password=PASSWORD,
    )
    return user


@pytest.fixture
def regions(db: None) -> None:
    make_regions()


@pytest.fixture
def cast(regions: None) -> Cast:
    return Cast(
        county_officer=_user("county", "李明", "630121", Role.COUNTY_OFFICER),
        town_officer=_user("town", "马晓东", TOWN, Role.TOWN_OFFICER),
        village_clerk=_user("clerk", "祁玉兰", VILLAGE, Role.VILLAGE_CLERK),
        reviewer=_user("reviewer", "韩建国", "630121", Role.REVIEWER, Department.COURT),
        inspector=_user("inspector", "赵志刚", "630121", Role.INSPECTOR),
        system_admin=_user("sysadmin", "王强", "630121", Role.SYSTEM_ADMIN),
        security_admin=_user("secadmin", "陈静", "630121", Role.SECURITY_ADMIN),
        audit_admin=_user("auditadmin", "刘芳", "630121", Role.AUDIT_ADMIN),
        other_county_officer=_user("othercounty", "鲁成", OTHER_COUNTY, Role.COUNTY_OFFICER),
    )


def make_campaign(
    cast: Cast,
    *,
    term: int = 12,
    start: date = date(2026, 11, 1),
    end: date = date(2027, 3, 31),
    election_day: date | None = None,
) -> Campaign:
    """630121's campaign for `term`, created by the county officer through the service (every
    village-level unit taken in). With `election_day`, every village votes that day (set
    directly: the election-day service has its own tests)."""
    campaign = campaign_create(
        actor=cast.county_officer,
        name=f"第{term}届村(社区)“两委”换届",
        term_number=term,
        region=Region.objects.get(code="630121"),
        rule_province="",
        window_start=start,
        window_end=end,
    )
    if election_day is not None:
        CampaignVillage.objects.filter(campaign=campaign).update(election_date=election_day)
    return campaign


@pytest.fixture
def campaign(cast: Cast) -> Campaign:
    """The 第12届 campaign of 630121, every village voting on ELECTION_DAY."""
    return make_campaign(cast, election_day=ELECTION_DAY)


def seed_notices(
    actor: User, campaign: Campaign, village: Region, regs: list[Any], day: date
) -> tuple[Any, Any, Any]:
    """A proxy between the first two registrations, the village's list published on `day` and an
    objection two days later, through the services: what the notices and their pages print.
    Returns (proxy, publication, objection)."""
    from datetime import timedelta

    from huanjie.voters import services as voters

    proxy = voters.proxy_record(
        actor=actor,
        principal=regs[0],
        holder=regs[1],
        relation="配偶",
        close_relative=True,
        filed_on=day - timedelta(days=5),
    )
    publication = voters.voter_list_publish(
        actor=actor, campaign=campaign, village=village, published_on=day
    )
    objection = voters.objection_record(
        actor=actor,
        publication=publication,
        filer_name="马玉兰",
        subject_name="马小军",
        kind="omitted",
        detail="应登记而未登记",
        filed_on=day + timedelta(days=2),
        received_on=day + timedelta(days=2),
    )
    return proxy, publication, objection


def every_route() -> dict[str, str]:
    """Every named route of the site, "namespace:name" → its whole pattern (the scope walk and
    the full-ID scan request each one)."""
    from collections.abc import Iterator

    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns: Any, prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                yield f"{namespace}{p.name}", prefix + str(p.pattern)

    return dict(walk(get_resolver().url_patterns, "", ""))
