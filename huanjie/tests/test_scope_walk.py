"""Walk every URL that names an object and ask for an object of another county: 404 on every
one, GET and POST (SECURITY.md C3). A new route that takes an argument must be added here, or, for the newer apps, to the
app's `tests/routes.py` (conftest.routes_to_fill), which is asked here as well."""

from __future__ import annotations

from datetime import date

import pytest

from huanjie.accounts.models import Role
from huanjie.accounts.services import RoleSpec, user_create
from huanjie.conftest import VILLAGE, every_route, make_campaign, seed_notices
from huanjie.regions.models import Region


def routes_with_arguments() -> dict[str, str]:
    out = {}
    for name, pattern in every_route().items():
        if "<" in pattern or "(?P" in pattern or "{" in pattern:
            out[name] = pattern
    return out


@pytest.fixture
def objects(cast):
    campaign = make_campaign(cast)
    other_admin, _ = user_create(
        actor=None,
        username="othersec",
        full_name="外县安全员",
        region=Region.objects.get(code="630123"),
        roles=[RoleSpec(Role.SECURITY_ADMIN)],
        password="Other-Passw0rd-1",
    )
    from huanjie.lib import idcard
    from huanjie.party.services import branch_create, member_add

    branch = branch_create(
        actor=cast.town_officer,
        village=Region.objects.get(code=VILLAGE),
        name="中共红河限村支部委员会",
        kind="branch",
    )
    member = member_add(
        actor=cast.town_officer,
        branch=branch,
        id_number=idcard.generate("630121", date(1970, 3, 1), "M", 7),
        name="马成林",
    )
    from huanjie.party.models import PartyRollImport

    party_import = PartyRollImport.objects.create(
        campaign=campaign,
        region=Region.objects.get(code="630121"),
        filename="党员名册.xlsx",
        sha256="0" * 64,
        created_by=cast.county_officer,
    )
    from huanjie.people.models import PersonChangeImport

    change_import = PersonChangeImport.objects.create(
        region=Region.objects.get(code="630121"),
        filename="变动名单.xlsx",
        sha256="0" * 64,
        created_by=cast.county_officer,
    )
    from huanjie.voters.status import person_status_record
    from huanjie.voters.tests.test_roll_cast import make_person

    dead, _ = make_person("韩秀英")
    status_change = person_status_record(
        actor=cast.county_officer, person=dead, kind="died", on=date(2026, 10, 5), source="死亡证明"
    )
    return {
        "campaign": campaign,
        "other_security_admin": other_admin,
        "change_import": change_import,
        "status_change": status_change,
        "branch": branch,
        "member": member,
        "party_import": party_import,
        **voter_objects(cast, campaign),
    }


def voter_objects(cast, campaign):
    """A registration, a published list, an objection, a proxy and an open conflict in 红河限村."""
    from huanjie.conftest import OTHER_TOWN_VILLAGE
    from huanjie.elections.models import CampaignVillage
    from huanjie.elections.services import campaign_village_set_election_date
    from huanjie.voters import services as voters
    from huanjie.voters.tests.test_roll_cast import make_person

    for code in (VILLAGE, OTHER_TOWN_VILLAGE):
        entry = CampaignVillage.objects.get(campaign=campaign, region_id=code)
        campaign_village_set_election_date(
            actor=cast.county_officer, entry=entry, election_date=date(2026, 12, 20)
        )
    village = Region.objects.get(code=VILLAGE)
    regs = []
    for name in ("马玉兰", "祁国强"):
        person, _ = make_person(name)
        regs.append(
            voters.voter_register(
                actor=cast.county_officer,
                campaign=campaign,
                village=village,
                person=person,
                category="hukou_resident",
            )
        )
    twice, _ = make_person("鲁成福", region=OTHER_TOWN_VILLAGE)
    voters.voter_register(
        actor=cast.county_officer,
        campaign=campaign,
        village=Region.objects.get(code=OTHER_TOWN_VILLAGE),
        person=twice,
        category="hukou_resident",
    )
    try:
        voters.voter_register(
            actor=cast.county_officer,
            campaign=campaign,
            village=village,
            person=twice,
            category="hukou_resident",
        )
    except voters.DuplicateRegistration as exc:
        conflict = exc.conflict
    proxy, publication, objection = seed_notices(
        cast.county_officer, campaign, village, regs, date(2026, 11, 25)
    )
    from huanjie.voters.models import ImportJob

    job = ImportJob.objects.create(
        campaign=campaign,
        region=village,
        filename="红河限村.xlsx",
        sha256="0" * 64,
        created_by=cast.county_officer,
    )
    return {
        "import_job": job,
        "registration": regs[0],
        "publication": publication,
        "objection": objection,
        "proxy": proxy,
        "conflict": conflict,
    }


def voter_cases(objects, officer):
    c = objects["campaign"].pk
    base = f"/voters/{c}/{VILLAGE}"
    r, p, o, k, j, x = (
        objects[n].pk
        for n in ("registration", "publication", "objection", "conflict", "import_job", "proxy")
    )
    return {
        "voters:roll": [(f"{base}/", officer)],
        "voters:election_date": [(f"{base}/election-date/", officer)],
        "voters:register": [(f"{base}/register/", officer)],
        "voters:remove": [(f"{base}/registrations/{r}/remove/", officer)],
        "voters:reveal": [(f"{base}/registrations/{r}/reveal/", officer)],
        "voters:person_status": [(f"{base}/registrations/{r}/status/", officer)],
        "voters:carry_over": [(f"{base}/carry-over/", officer)],
        "voters:roll_build": [(f"{base}/build/", officer)],
        "voters:publish": [(f"{base}/publish/", officer)],
        "voters:notice_pdf": [(f"{base}/publications/{p}/notice.pdf", officer)],
        "voters:objections": [(f"{base}/objections/", officer)],
        "voters:objection_decide": [(f"{base}/objections/{o}/decide/", officer)],
        "voters:proxies": [(f"{base}/proxies/", officer)],
        "voters:proxy_notice": [(f"{base}/proxies/notice.pdf", officer)],
        "voters:proxy_withdraw": [(f"{base}/proxies/{x}/withdraw/", officer)],
        "voters:figures": [
            (f"/voters/{c}/figures/630121/", officer),
            (f"/voters/{c}/figures/630121100/", officer),
        ],
        "voters:conflicts": [(f"/voters/{c}/conflicts/", officer)],
        "voters:conflict_resolve": [(f"/voters/{c}/conflicts/{k}/resolve/", officer)],
        "voters:import_upload": [(f"{base}/import/", officer)],
        "voters:import_area": [
            (f"/voters/{c}/areas/630121/import/", officer),
            (f"/voters/{c}/areas/630121100/import/", officer),
        ],
        "voters:import_template": [(f"{base}/import/template.xlsx", officer)],
        "voters:import_area_template": [
            (f"/voters/{c}/areas/630121/import/template.xlsx", officer),
            (f"/voters/{c}/areas/630121100/import/template.xlsx", officer),
        ],
        "voters:import_roll_xlsx": [(f"{base}/roll.xlsx", officer)],
        "voters:import_job": [(f"/voters/imports/{j}/", officer)],
        "voters:import_confirm": [(f"/voters/imports/{j}/run/", officer)],
        "voters:import_progress": [(f"/voters/imports/{j}/progress/", officer)],
        "voters:import_problems": [(f"/voters/imports/{j}/problems.xlsx", officer)],
    }


def party_cases(c, b, m, officer, j):
    base = f"/party/campaigns/{c}"
    return {
        "party:roll_import_upload": [
            (f"{base}/areas/630121/import/", officer),
            (f"{base}/areas/630121100/import/", officer),
        ],
        "party:roll_import_template": [(f"{base}/areas/630121/import/template.xlsx", officer)],
        "party:roll_import_job": [(f"/party/imports/{j}/", officer)],
        "party:roll_import_confirm": [(f"/party/imports/{j}/run/", officer)],
        "party:roll_import_progress": [(f"/party/imports/{j}/progress/", officer)],
        "party:roll_import_problems": [(f"/party/imports/{j}/problems.xlsx", officer)],
        "party:branch_list": [(f"{base}/", officer)],
        "party:branch_create": [(f"{base}/branches/new/", officer)],
        "party:branch_detail": [(f"{base}/branches/{b}/", officer)],
        "party:member_add": [(f"{base}/branches/{b}/members/new/", officer)],
        "party:member_detail": [(f"{base}/branches/{b}/members/{m}/", officer)],
        "party:member_status": [(f"{base}/branches/{b}/members/{m}/status/", officer)],
        "party:member_registration": [(f"{base}/branches/{b}/members/{m}/registration/", officer)],
    }


def status_cases(j, s, officer):
    """The 变动名单 pages (voters.status_views)."""
    return {
        "voters:changes": [
            ("/voters/630121/changes/", officer),
            ("/voters/630121100/changes/", officer),
        ],
        "voters:changes_template": [
            ("/voters/630121/changes/template.xlsx", officer),
            ("/voters/630121100/changes/template.xlsx", officer),
        ],
        "voters:change_correct": [
            (f"/voters/630121/changes/{s}/correct/", officer),
            (f"/voters/630121100/changes/{s}/correct/", officer),
            # Their own county's page, another county's change.
            (f"/voters/{officer.region_id}/changes/{s}/correct/", officer),
        ],
        "voters:change_import_job": [(f"/voters/change-imports/{j}/", officer)],
        "voters:change_import_confirm": [(f"/voters/change-imports/{j}/run/", officer)],
        "voters:change_import_progress": [(f"/voters/change-imports/{j}/progress/", officer)],
        "voters:change_import_problems": [(f"/voters/change-imports/{j}/problems.xlsx", officer)],
    }


def app_cases(cast, objects):
    """The newer apps' routes (their `tests/routes.py`, filled with own-county objects), each
    asked for by another county's officer."""
    from django.urls import reverse

    from huanjie.conftest import app_route_modules

    officer = cast.other_county_officer
    out = {}
    for module in app_route_modules():
        for name, kwargs_list in module.routes(cast, objects["campaign"], objects).items():
            out[name] = [(reverse(name, kwargs=kwargs), officer) for kwargs in kwargs_list]
    return out


def cases(cast, objects):
    c = objects["campaign"].pk
    u = cast.town_officer.pk
    officer = cast.other_county_officer
    admin = objects["other_security_admin"]
    return {
        "regions:detail": [
            (f"/regions/{VILLAGE}/", officer),
            ("/regions/630121100/", officer),
            ("/regions/630121/", officer),
        ],
        "regions:kind": [(f"/regions/{VILLAGE}/kind/", officer)],
        "elections:campaign_detail": [(f"/campaigns/{c}/", officer)],
        "elections:campaign_edit": [(f"/campaigns/{c}/edit/", officer)],
        "elections:campaign_retention": [(f"/campaigns/{c}/retention/", officer)],
        "elections:campaign_village": [(f"/campaigns/{c}/villages/{VILLAGE}/", officer)],
        "accounts:user_detail": [(f"/accounts/users/{u}/", admin)],
        "accounts:user_action": [
            (f"/accounts/users/{u}/{a}/", admin)
            for a in ("unlock", "deactivate", "activate", "reset_password")
        ],
        **party_cases(
            c, objects["branch"].pk, objects["member"].pk, officer, objects["party_import"].pk
        ),
        **voter_cases(objects, officer),
        "nomination:board": [
            (f"/nomination/campaigns/{c}/progress/630121/", officer),
            (f"/nomination/campaigns/{c}/progress/630121100/", officer),
        ],
        **app_cases(cast, objects),
        **status_cases(objects["change_import"].pk, objects["status_change"].pk, officer),
        "api:region_get": [("/api/regions/630121", officer), (f"/api/regions/{VILLAGE}", officer)],
        "api:region_children": [("/api/regions/630121/children", officer)],
        "api:campaign_get": [(f"/api/campaigns/{c}", officer)],
        "api:campaign_villages": [(f"/api/campaigns/{c}/villages", officer)],
    }


def test_every_route_with_an_argument_is_covered(cast, objects):
    covered = set(cases(cast, objects))
    # The API's own documentation pages take no object.
    missing = set(routes_with_arguments()) - covered - {"api:openapi-json", "api:openapi-view"}
    assert not missing, f"add these routes to the scope walk: {sorted(missing)}"


def test_every_object_of_another_county_answers_404(cast, objects):
    from huanjie.audit.models import AuditEvent
    from huanjie.audit.services import ACCESS_DENIED

    denied = AuditEvent.objects.filter(action=ACCESS_DENIED)
    failures = []
    for name, requests in cases(cast, objects).items():
        for url, user in requests:
            client = cast.client(user)
            for method in ("get", "post"):
                before = denied.count()
                status = getattr(client, method)(url).status_code
                if status not in (404, 405):
                    failures.append(f"{method.upper()} {url} ({name}) as {user.username}: {status}")
                # SECURITY.md L1: the refusal of an object that exists is audited, once.
                if status == 404 and denied.count() - before != 1:
                    failures.append(
                        f"{method.upper()} {url} ({name}): {denied.count() - before} "
                        "access.denied rows, not 1"
                    )
                if method == "get" and name.startswith("api:") and status == 405:
                    failures.append(f"GET {url} should be 404, got 405")
    assert not failures, "\n".join(failures)
    # Nothing was changed by the refused requests.
    cast.town_officer.refresh_from_db()
    assert cast.town_officer.is_active
    objects["proxy"].refresh_from_db()
    assert objects["proxy"].in_force
    objects["change_import"].refresh_from_db()
    assert objects["change_import"].status == "preview"
    objects["status_change"].refresh_from_db()
    assert objects["status_change"].corrected_at is None
    assert not objects["registration"].person.status_changes.exists()


def test_the_same_objects_answer_200_to_their_own_county(cast, objects):
    client = cast.client(cast.county_officer)
    c = objects["campaign"].pk
    for url in (
        f"/regions/{VILLAGE}/",
        "/regions/630121/",
        f"/campaigns/{c}/",
        "/api/regions/630121",
        f"/api/campaigns/{c}/villages",
    ):
        assert client.get(url).status_code == 200, url
