"""The named cast every test uses (STYLE.md): regions of 630121 大通 and of a neighbouring county,
and one user per role, created through the services as the application would."""

from __future__ import annotations

from collections.abc import Iterator
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
COUNTY = "630121"  # 大通
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
    actor: User,
    campaign: Campaign,
    village: Region,
    regs: list[Any],
    day: date,
    *,
    relation: str = "配偶",
    filer_name: str = "马玉兰",
    subject_name: str = "马小军",
    detail: str = "应登记而未登记",
) -> tuple[Any, Any, Any]:
    """A proxy between the first two registrations, the village's list published on `day` and an
    objection two days later, through the services: what the notices and their pages print (the
    texts typed may be given, as the XSS walk does). Returns (proxy, publication, objection)."""
    from datetime import timedelta

    from huanjie.voters import services as voters

    proxy = voters.proxy_record(
        actor=actor,
        principal=regs[0],
        holder=regs[1],
        relation=relation,
        close_relative=True,
        filed_on=day - timedelta(days=5),
    )
    publication = voters.voter_list_publish(
        actor=actor, campaign=campaign, village=village, published_on=day
    )
    objection = voters.objection_record(
        actor=actor,
        publication=publication,
        filer_name=filer_name,
        subject_name=subject_name,
        kind="omitted",
        detail=detail,
        filed_on=day + timedelta(days=2),
        received_on=day + timedelta(days=2),
    )
    return proxy, publication, objection


def every_route() -> dict[str, str]:
    """Every named route of the site, "namespace:name" → its whole pattern (the scope walk and
    the full-ID scan request each one)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns: Any, prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                yield f"{namespace}{p.name}", prefix + str(p.pattern)

    return dict(walk(get_resolver().url_patterns, "", ""))


# A route a GET with these names in it would answer with a file (the scans open it).
FILE_WORDS = ("xlsx", "pdf", "docx", "csv", "template", "problems", "export", "notice", "print")

# Routes not filled in by routes_to_fill, each with its reason; the test fails on a route that is
# neither filled in nor named here. None at present: every route is asked for.
NOT_FILLED: dict[str, str] = {}
# Routes that answer no role with a page, each with its reason.
NO_PAGE: dict[str, str] = {"api:api-root": "django-ninja's root: 404 by design"}
# Routes only an anonymous client asks for (a logged-in user is sent on, or logged out).
ANONYMOUS_ONLY = ("accounts:login", "accounts:logout", "accounts:second_factor")


def takes_arguments(pattern: str) -> bool:
    return "<" in pattern or "(?P" in pattern


def routes_to_fill(cast: Cast, campaign: Campaign, objects: dict[str, Any]) -> dict[str, list]:
    """Route name → the keyword arguments of every URL asked for (an own-county object each:
    `objects` as every_page takes them; "user" is optional, the town officer by default)."""
    from huanjie.party.models import PartyRollImport
    from huanjie.people.models import PersonChangeImport
    from huanjie.voters.models import ImportJob

    c = campaign.pk
    user = objects.get("user", cast.town_officer)
    roll = {"pk": c, "code": VILLAGE}
    reg = {**roll, "reg": objects["registration"].pk}
    branch = {"pk": c, "branch_pk": objects["branch"].pk}
    member = {**branch, "member_pk": objects["member"].pk}
    areas = [{"code": COUNTY}, {"code": TOWN}]
    campaign_areas = [{"pk": c, "code": COUNTY}, {"pk": c, "code": TOWN}]

    def jobs(model: Any) -> list[dict[str, int]]:
        return [{"job_id": pk} for pk in model.objects.values_list("pk", flat=True)]

    # Every route without an argument is asked for as it is; those with one are filled in here.
    routes: dict[str, list] = {
        name: [{}] for name, pattern in every_route().items() if not takes_arguments(pattern)
    }
    routes |= {
        "accounts:user_detail": [{"pk": user.pk}],
        "accounts:user_action": [{"pk": user.pk, "action": "unlock"}],
        "regions:detail": [{"code": VILLAGE}, {"code": TOWN}, {"code": COUNTY}],
        "regions:kind": [{"code": VILLAGE}],
        "elections:campaign_detail": [{"pk": c}],
        "elections:campaign_edit": [{"pk": c}],
        "elections:campaign_retention": [{"pk": c}],
        "elections:campaign_village": [roll],
        "voters:roll": [roll, {"pk": c, "code": OTHER_TOWN_VILLAGE}],
        "voters:election_date": [roll],
        "voters:register": [roll],
        "voters:remove": [reg],
        "voters:reveal": [reg],
        "voters:person_status": [reg],
        "voters:carry_over": [roll],
        "voters:roll_build": [roll],
        "voters:publish": [roll],
        "voters:notice_pdf": [{**roll, "version": objects["publication"].version}],
        "voters:objections": [roll],
        "voters:objection_decide": [{**roll, "objection": objects["objection"].pk}],
        "voters:proxies": [roll],
        "voters:proxy_notice": [roll],
        "voters:proxy_withdraw": [{**roll, "proxy": objects["proxy"].pk}],
        "voters:figures": [{"pk": c, "region_code": COUNTY}, {"pk": c, "region_code": TOWN}],
        "voters:conflicts": [{"pk": c}],
        "voters:conflict_resolve": [{"pk": c, "conflict": objects["conflict"].pk}],
        "voters:import_upload": [roll],
        "voters:import_area": campaign_areas,
        "voters:import_template": [roll],
        "voters:import_roll_xlsx": [roll, {"pk": c, "code": OTHER_TOWN_VILLAGE}],
        "voters:import_area_template": campaign_areas,
        "voters:import_job": jobs(ImportJob),
        "voters:import_confirm": jobs(ImportJob),
        "voters:import_progress": jobs(ImportJob),
        "voters:import_problems": jobs(ImportJob),
        "voters:changes": areas,
        "voters:changes_template": areas,
        "voters:change_correct": [{"code": COUNTY, "change": objects["status_change"].pk}],
        "voters:change_import_job": jobs(PersonChangeImport),
        "voters:change_import_confirm": jobs(PersonChangeImport),
        "voters:change_import_progress": jobs(PersonChangeImport),
        "voters:change_import_problems": jobs(PersonChangeImport),
        "nomination:board": campaign_areas,
        "party:branch_list": [{"pk": c}],
        "party:branch_create": [{"pk": c}],
        "party:branch_detail": [branch],
        "party:member_add": [branch],
        "party:member_detail": [member],
        "party:member_status": [member],
        "party:member_registration": [member],
        "party:roll_import_upload": campaign_areas,
        "party:roll_import_template": campaign_areas,
        "party:roll_import_job": jobs(PartyRollImport),
        "party:roll_import_confirm": jobs(PartyRollImport),
        "party:roll_import_progress": jobs(PartyRollImport),
        "party:roll_import_problems": jobs(PartyRollImport),
        "api:region_get": [{"code": COUNTY}, {"code": VILLAGE}],
        "api:region_children": [{"code": COUNTY}, {"code": TOWN}],
        "api:campaign_get": [{"pk": c}],
        "api:campaign_villages": [{"pk": c}],
    }
    # The newer apps fill in their own routes: `huanjie/<app>/tests/routes.py` with
    # `routes(cast, campaign, objects) -> dict` (creating the objects its URLs need, own-county)
    # and, optionally, `POST_ONLY: set[str]`.
    for module in app_route_modules():
        routes |= module.routes(cast, campaign, objects)
    for name in ANONYMOUS_ONLY:
        routes.pop(name, None)
    return routes


def part_modules(package: str, parts: tuple[str, ...]) -> list[Any]:
    """The modules `package.<part>` of an app's tests that exist (an app's routes and matrix
    gathered from the files of its parts)."""
    import importlib

    found = []
    for part in parts:
        try:
            found.append(importlib.import_module(f"{package}.{part}"))
        except ModuleNotFoundError:
            continue
    return found


def app_route_modules() -> list[Any]:
    """The `tests/routes.py` modules of the installed huanjie apps that have one."""
    import importlib
    import importlib.util

    from django.apps import apps

    modules = []
    for config in apps.get_app_configs():
        name = f"{config.name}.tests.routes"
        if (
            config.name.startswith("huanjie.")
            and importlib.util.find_spec(config.name + ".tests")
            and importlib.util.find_spec(name)
        ):
            modules.append(importlib.import_module(name))
    return modules


def post_only() -> set[str]:
    """Every POST-only route: POST_ONLY and those the apps' routes modules name."""
    return POST_ONLY | {n for m in app_route_modules() for n in getattr(m, "POST_ONLY", ())}


# POST-only routes: a GET answers 405, and there is no page to scan.
POST_ONLY = {
    "accounts:user_action",
    "elections:campaign_village",
    "elections:campaign_retention",
    "voters:election_date",
    "voters:remove",
    "voters:objection_decide",
    "voters:proxy_withdraw",
    "voters:change_correct",
    "voters:import_confirm",
    "voters:change_import_confirm",
    "voters:conflict_resolve",
    "party:member_status",
    "party:member_registration",
    "party:roll_import_confirm",
}


ROLES_WALKED = (
    "county_officer",
    "town_officer",
    "village_clerk",
    "reviewer",
    "security_admin",
    "audit_admin",
    "system_admin",
)


def every_page(
    cast: Cast, campaign: Campaign, objects: dict[str, Any]
) -> Iterator[tuple[str, str, str, Any]]:
    """GET every route, filled in with `objects` (routes_to_fill), as each role that works on it,
    following redirects; yields (route name, URL, username, response) of each 200 answer. Once
    all are yielded it fails on a route neither filled in nor named in NOT_FILLED, a POST-only
    route that answered a GET, and a route that answered no role (the full-ID scan and the XSS
    walk share it)."""
    from django.urls import reverse

    routes = routes_to_fill(cast, campaign, objects)
    missing = set(every_route()) - set(routes) - set(NOT_FILLED) - set(ANONYMOUS_ONLY)
    assert not missing, f"fill these routes in: {sorted(missing)}"
    clients = [(getattr(cast, r).username, cast.client(getattr(cast, r))) for r in ROLES_WALKED]
    wrong: list[str] = []
    for name, kwargs_list in sorted(routes.items()):
        assert kwargs_list, f"{name}: no object to fill it in with"
        for kwargs in kwargs_list:
            url = reverse(name, kwargs=kwargs)
            answered = []
            for username, client in clients:
                response = client.get(url, follow=True)  # a page sending on: where it sends
                answered.append(response.status_code)
                if response.status_code == 200:
                    yield name, url, username, response
            if name in NO_PAGE:
                continue
            if name in post_only():
                if not set(answered) <= {404, 405}:
                    wrong.append(f"{url} ({name}) is POST only but answered {answered}")
            elif 200 not in answered:
                wrong.append(f"{url} ({name}) answered {answered} to every role")
    assert not wrong, "\n".join(wrong)
