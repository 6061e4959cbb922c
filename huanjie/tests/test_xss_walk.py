"""SECURITY.md V10 (the walk) and V9 on the same data: every free-text value a user can type
(people's names, 村民小组, Party branch names, objection details and decisions, proxy relations,
reasons, notes, the campaign's name, upload file names, users' full names, a login name tried)
is given a hostile marker through the services and the upload pages, as a clerk could type it;
then every route, filled in with these objects (conftest.every_page, as the full-ID scan asks for
them), is requested as each role, the audit page and its export included.

- an HTML answer never holds the marker unescaped (`<script>alert(1)` and `<img src=x onerror`);
  its escaped forms may be there, and are (the walk would prove nothing otherwise);
- an API answer may carry the marker as data, but as `application/json`;
- a workbook holds no formula and no text cell starting with = + - @ (SECURITY.md V9: such a
  value is written with a leading ');
- a PDF is not read as HTML by a browser and is not scanned.

Where a service refuses the marker (a person's name, which holds only Han characters, letters
and the 间隔号) the refusal is the protection: it is recorded and its message, which repeats the
value, is scanned wherever it is shown (the problem list of an import, the refused form).
A field with a length limit gets the longest beginning of the marker that fits; some values
start with = + - or @ so that the exports are tried for formula injection too."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Callable
from datetime import date
from typing import Any

import openpyxl
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from huanjie.accounts.models import Role
from huanjie.accounts.services import RoleSpec, user_create
from huanjie.conftest import (
    ANONYMOUS_ONLY,
    OTHER_TOWN_VILLAGE,
    PASSWORD,
    TOWN,
    VILLAGE,
    Cast,
    every_page,
    seed_notices,
)
from huanjie.elections.models import Campaign, CampaignVillage
from huanjie.regions.models import Region
from huanjie.voters.tests.test_import import GOOD, HEADER, csv_bytes, pid

MARKER = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"
RAW = ("<script>alert(1)", "<img src=x onerror")
ESCAPED = "&lt;script&gt;alert(1)"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
OTHER_VILLAGE_OF_TOWN = "630121100207"  # 毛家寨村, left out of the campaign with a reason

# Where the marker must be seen (escaped), so the walk is known to have looked at it.
SHOWN_ESCAPED = {
    "audit:event_list (every page)",
    "accounts:user_list",
    "accounts:user_detail",
    "elections:campaign_list",
    "elections:campaign_detail",
    "voters:roll",
    "voters:objections",
    "voters:proxies",
    "voters:conflicts",
    "voters:changes",
    "voters:import_job",
    "party:branch_list",
    "party:branch_detail",
    "party:member_detail",
}
WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml"
SHOWN_IN_CELLS = {"audit:event_export", "voters:import_roll_xlsx", "voters:import_problems"}
# The fields given the marker and kept; those whose service refused it.
STORED = {
    "User.full_name",
    "login name (failed login)",
    "Campaign.name",
    "CampaignVillage.exclusion_reason",
    "region kind reason",
    "ImportJob.filename, VoterRegistration.group_name",
    "upload file names (roll, changes, Party roll)",
    "VoterRegistration.group_name (form)",
    "RegistrationConflict.group_name",
    "RegistrationConflict.note",
    "PersonStatusChange.source",
    "PersonStatusChange.correction_reason",
    "PartyBranch.name",
    "MemberRegistration.exclusion_note",
    "Proxy.relation",
    "Proxy.withdrawal_reason",
    "Objection.filer_name, subject_name, detail",
    "Objection.decision",
    "reveal reason",
}
REFUSED = {
    "User.username",
    "Person.name (import)",
    "Person.name (register)",
    "PartyMember name",
}


def hostile(max_length: int, start: str = "") -> str:
    """The marker (after `start`, one of the formula characters), cut to `max_length`."""
    return (start + MARKER)[:max_length]


class Planted:
    """What each field was given: stored, or refused by its service (with the message)."""

    def __init__(self) -> None:
        self.stored: list[str] = []
        self.refused: dict[str, str] = {}

    def __call__(self, field: str, action: Callable[[], Any]) -> Any:
        try:
            result = action()
        except ValidationError as exc:
            self.refused[field] = "; ".join(exc.messages)
            return None
        self.stored.append(field)
        return result


def test_every_page_escapes_what_users_typed(
    cast: Cast, campaign: Campaign, settings: Any, tmp_path: Any
) -> None:
    settings.VAR_DIR = tmp_path / "var"
    settings.TASKS = IMMEDIATE
    planted = Planted()
    objects, posted = _seed(cast, campaign, planted)

    unescaped: list[str] = []
    escaped_on: set[str] = set()  # the routes whose HTML shows the marker escaped
    in_json: set[str] = set()  # ... whose JSON carries it as data
    in_cells: set[str] = set()  # ... whose workbook holds it in a cell

    def check(name: str, where: str, response: Any) -> None:
        body = response.getvalue()
        content_type = response.get("Content-Type", "")
        if body[:4] == b"PK\x03\x04" and not content_type.startswith(WORD):  # xlsx: V9
            cells = _text_cells(body)
            if any(RAW[0] in value for value in cells.values()):
                in_cells.add(name)
            unescaped.extend(
                f"{where}: {at} = {value!r}"
                for at, value in cells.items()
                if at.startswith("formula ") or value.startswith(FORMULA_START)
            )
            return
        if body[:5] == b"%PDF-" or content_type.startswith(WORD):
            return  # a PDF or a Word document is no page a browser runs
        text = body.decode("utf-8", "replace")
        if content_type.startswith("application/json"):
            if RAW[0] in json.dumps(json.loads(text), ensure_ascii=False):
                in_json.add(name)  # data, for a script that reads JSON; no browser renders it
            return
        if ESCAPED in text:
            escaped_on.add(name)
        for raw in RAW:
            if raw in text:
                at = text.index(raw)
                unescaped.append(f"{where} ({content_type}): …{text[max(0, at - 80) : at + 40]!r}")

    for where, response in posted:
        check(where, where, response)
    for name in ANONYMOUS_ONLY:
        check(name, f"GET {name} (anonymous)", Client().get(reverse(name)))
    pages = 0
    for name, url, username, response in every_page(cast, campaign, objects):
        pages += 1
        check(name, f"GET {url} ({name}) as {username}", response)
    # Every page of the audit log (the walk's own reads push the seeding's rows off the first).
    from huanjie.audit.models import AuditEvent

    auditor = cast.client(cast.audit_admin)
    for number in range(1, AuditEvent.objects.count() // 50 + 2):
        url = f"{reverse('audit:event_list')}?page={number}"
        check("audit:event_list (every page)", f"GET {url}", auditor.get(url))
    lost = cast.client(cast.county_officer).get(f"/regions/{MARKER}/?q={MARKER}")
    check("404", "GET /regions/<marker>/?q=<marker> (404)", lost)

    assert not unescaped, "unescaped user text:\n" + "\n".join(sorted(set(unescaped)))
    # The walk saw the marker where it is shown: escaped on the pages, as data in the API, in
    # the workbooks' cells (with its leading ' where it starts with = + - @).
    assert pages > 150, pages
    assert escaped_on >= SHOWN_ESCAPED, sorted(SHOWN_ESCAPED - escaped_on)
    assert {"api:campaign_list", "api:campaign_get"} <= in_json, in_json
    assert in_cells >= SHOWN_IN_CELLS, sorted(SHOWN_IN_CELLS - in_cells)
    assert set(planted.stored) == STORED, set(planted.stored) ^ STORED
    # The refusals expected: a person's name holds no < or >.
    assert set(planted.refused) == REFUSED, planted.refused


def _text_cells(body: bytes) -> dict[str, str]:
    """Every text cell of a workbook, "sheet!A1" → its text, and every formula, as "formula
    sheet!A1" → its text."""
    found = {}
    book = openpyxl.load_workbook(io.BytesIO(body))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                at = f"{sheet.title}!{cell.coordinate}"
                if cell.data_type == "f":
                    found["formula " + at] = str(cell.value)
                elif isinstance(cell.value, str):
                    found[at] = cell.value
    return found


def _seed(
    cast: Cast, campaign: Campaign, plant: Planted
) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """Every free-text field a user types, given the marker through the services (and the pages
    where the page is what a user uses: the uploads, the registration form, the login). Returns
    the objects to fill the routes in with, and the answers of the pages posted to."""
    from huanjie.elections.services import campaign_update, campaign_village_set
    from huanjie.party.services import branch_create, member_add, member_registration_set
    from huanjie.people.models import PersonStatusChange, StatusKind
    from huanjie.regions.services import region_kind_correct
    from huanjie.voters import services as voters
    from huanjie.voters import status
    from huanjie.voters.imports import roll_import_preview, roll_import_run
    from huanjie.voters.models import RegistrationConflict, VoterRegistration

    county, village = cast.county_officer, Region.objects.get(code=VILLAGE)
    other_village = Region.objects.get(code=OTHER_TOWN_VILLAGE)
    posted: list[tuple[str, Any]] = []

    # Users: a full name (50) and a login name (refused: letters, digits, . _ -).
    hostile_user = plant(
        "User.full_name",
        lambda: user_create(
            actor=cast.security_admin,
            username="xss.town",
            full_name=hostile(50),
            region=Region.objects.get(code=TOWN),
            roles=[RoleSpec(role=Role.TOWN_OFFICER)],
            password=PASSWORD,
        )[0],
    )
    plant(
        "User.username",
        lambda: user_create(
            actor=cast.security_admin,
            username=hostile(150),
            full_name="韩梅",
            region=Region.objects.get(code=TOWN),
            roles=[RoleSpec(role=Role.TOWN_OFFICER)],
            password=PASSWORD,
        ),
    )
    actor = hostile_user or cast.town_officer  # the one who records, named on pages and in the log
    # A login tried with the marker as its name: the audit log keeps the name.
    posted.append(
        (
            "POST login (hostile name)",
            Client().post("/accounts/login/", {"username": "=" + MARKER, "password": "x"}),
        )
    )
    from huanjie.audit.models import AuditEvent

    if AuditEvent.objects.filter(username__contains=MARKER).exists():
        plant.stored.append("login name (failed login)")

    # The campaign: its name (100), a village left out with a reason (200), a kind corrected.
    plant(
        "Campaign.name",
        lambda: campaign_update(
            actor=county,
            campaign=campaign,
            name=hostile(100),
            rule_province=campaign.rule_province,
            window_start=campaign.window_start,
            window_end=campaign.window_end,
        ),
    )
    plant(
        "CampaignVillage.exclusion_reason",
        lambda: campaign_village_set(
            actor=county,
            entry=CampaignVillage.objects.get(campaign=campaign, region_id=OTHER_VILLAGE_OF_TOWN),
            included=False,
            reason=hostile(200),
        ),
    )
    plant(
        "region kind reason",
        lambda: region_kind_correct(
            actor=county,
            region=Region.objects.get(code=OTHER_VILLAGE_OF_TOWN),
            kind="village",
            reason=hostile(200, "+"),
        ),
    )

    # The roll, imported: a file named by the marker, 村民小组 hostile (an import refuses a cell
    # starting with = + - @ as a formula: those are in the refused file below).
    rows = [
        HEADER,
        [*GOOD[1][:4], hostile(50)],
        [*GOOD[2][:4], hostile(50)],
        [*GOOD[3][:4], hostile(50)],
        ["韩晓梅", pid(4, "F"), "女", "汉族", hostile(50)],
    ]
    job = roll_import_preview(
        actor=actor,
        campaign=campaign,
        village=CampaignVillage.objects.get(campaign=campaign, region=village),
        upload=SimpleUploadedFile(hostile(190) + ".csv", csv_bytes(rows)),
    )
    assert job.status == "preview", job.problems
    plant(
        "ImportJob.filename, VoterRegistration.group_name",
        lambda: roll_import_run(actor=actor, job=job),
    )
    # A file whose names and 村民小组 are the marker: refused whole, its problem list (a page,
    # a workbook) repeats them.
    bad = [
        HEADER,
        [hostile(50), pid(5), "男", "汉族", "第一组"],
        [hostile(50, "="), pid(6), "男", "汉族", hostile(50, "@")],
        ["韩雪", pid(13, "F"), "女", "汉族", hostile(50, "-")],
    ]
    rejected = roll_import_preview(
        actor=actor,
        campaign=campaign,
        village=CampaignVillage.objects.get(campaign=campaign, region=village),
        upload=SimpleUploadedFile(hostile(190, "=") + ".csv", csv_bytes(bad)),
    )
    assert rejected.status == "rejected"
    plant.refused["Person.name (import)"] = str(rejected.problems)[:200]

    # The upload pages, a file named by the marker (Django keeps what follows the last "/").
    name = MARKER + ".csv"
    uploads = {
        "roll": (cast.village_clerk, reverse("voters:import_upload", args=[campaign.pk, VILLAGE])),
        "changes": (cast.town_officer, reverse("voters:changes", args=[TOWN])),
        "party": (cast.town_officer, reverse("party:roll_import_upload", args=[campaign.pk, TOWN])),
    }
    for kind, (user, url) in uploads.items():
        client = cast.client(user)
        response = client.post(url, {"file": SimpleUploadedFile(name, csv_bytes(bad))})
        assert response.status_code == 302, (kind, response.content.decode()[:500])
        posted.append(
            (
                f"GET {response['Location']} (after the {kind} upload)",
                client.get(response["Location"]),
            )
        )
    plant.stored.append("upload file names (roll, changes, Party roll)")

    # The registration form: a name refused (the form shows it back), a 村民小组 kept.
    client = cast.client(county)
    register = reverse("voters:register", args=[campaign.pk, VILLAGE])
    form = {"category": "hukou_resident", "sex": "F", "region_code": ""}
    response = client.post(
        register, {**form, "id_number": pid(7, "F"), "name": MARKER, "group_name": "第一组"}
    )
    posted.append(("POST register (hostile name)", response))
    plant(
        "Person.name (register)",
        lambda: voters.voter_register_by_number(
            actor=county,
            campaign=campaign,
            village=village,
            id_number=pid(7, "F"),
            name=hostile(50),
            sex="F",
            region=village,
            category="hukou_resident",
        ),
    )
    response = client.post(
        register, {**form, "id_number": pid(8, "F"), "name": "韩梅", "group_name": hostile(50, "+")}
    )
    posted.append(("POST register (hostile group)", response))
    if VoterRegistration.objects.filter(village=village, group_name=hostile(50, "+")).exists():
        plant.stored.append("VoterRegistration.group_name (form)")

    # Two people registered in another village, then here: conflicts with a hostile 村民小组;
    # one decided with a hostile note.
    conflicts, elsewhere = [], []
    for seq in (9, 10):
        number = pid(seq, "F")
        elsewhere.append(
            voters.voter_register_by_number(
                actor=county,
                campaign=campaign,
                village=other_village,
                id_number=number,
                name="鲁成福",
                sex="F",
                region=other_village,
                category="hukou_resident",
            )
        )
        with contextlib.suppress(ValidationError):  # refused: kept as a conflict
            voters.voter_register_by_number(
                actor=county,
                campaign=campaign,
                village=village,
                id_number=number,
                name="鲁成福",
                sex="F",
                region=other_village,
                category="hukou_resident",
                group_name=hostile(50, "-"),
            )
        conflicts.append(RegistrationConflict.objects.latest("pk"))
    if all(c.group_name == hostile(50, "-") for c in conflicts):
        plant.stored.append("RegistrationConflict.group_name")
    plant(
        "RegistrationConflict.note",
        lambda: voters.conflict_resolve(
            actor=county, conflict=conflicts[1], decision="kept_first", note=hostile(200, "@")
        ),
    )

    # A person's status: recorded from a hostile source, then corrected for a hostile reason.
    somebody = elsewhere[1].person
    change = plant(
        "PersonStatusChange.source",
        lambda: status.person_status_record(
            actor=county,
            person=somebody,
            kind=StatusKind.RIGHTS_DEPRIVED,
            on=date(2026, 6, 1),
            until=date(2027, 6, 1),
            source=hostile(200, "="),
        ),
    )
    plant(
        "PersonStatusChange.correction_reason",
        lambda: status.person_status_correct(actor=county, change=change, reason=hostile(200)),
    )

    # The Party: a branch name (100), a member's name (refused), an exclusion's note (200).
    branch = plant(
        "PartyBranch.name",
        lambda: branch_create(actor=actor, village=village, name=hostile(100, "="), kind="branch"),
    )
    plant(
        "PartyMember name",
        lambda: member_add(actor=actor, branch=branch, id_number=pid(11), name=hostile(50)),
    )
    member = member_add(actor=actor, branch=branch, id_number=pid(12), name="祁国强")
    plant(
        "MemberRegistration.exclusion_note",
        lambda: member_registration_set(
            actor=actor,
            campaign=campaign,
            member=member,
            registered=True,
            exclusion="abroad",
            note=hostile(200),
        ),
    )

    # Proxies: a relation (20), a withdrawal's reason (200); the published list, objections
    # (names 50, detail 500, a decision 500); a reveal's reason.
    regs = list(VoterRegistration.objects.filter(village=village, active=True).order_by("pk"))
    second = voters.proxy_record(
        actor=actor,
        principal=regs[2],
        holder=regs[3],
        relation="父子",
        close_relative=True,
        filed_on=date(2026, 12, 10),
    )
    plant(
        "Proxy.withdrawal_reason",
        lambda: voters.proxy_withdraw(
            actor=actor, proxy=second, on=date(2026, 12, 12), reason=hostile(200, "-")
        ),
    )
    proxy, publication, objection = seed_notices(
        actor,
        campaign,
        village,
        regs,
        date(2026, 12, 20),
        relation=hostile(20),
        filer_name=hostile(50),
        subject_name=hostile(50, "="),
        detail=hostile(500, "@"),
    )
    plant.stored += ["Proxy.relation", "Objection.filer_name, subject_name, detail"]
    decided = voters.objection_record(
        actor=actor,
        publication=publication,
        filer_name=hostile(50, "+"),
        subject_name=hostile(50),
        kind="omitted",
        detail=hostile(500),
        filed_on=date(2026, 12, 21),
        received_on=date(2026, 12, 21),
    )
    plant(
        "Objection.decision",
        lambda: voters.objection_decide(
            actor=actor,
            objection=decided,
            outcome="rejected",
            decision=hostile(500, "="),
            decided_on=date(2026, 12, 22),
        ),
    )
    plant(
        "reveal reason",
        lambda: voters.person_reveal_id(actor=county, person=regs[0].person, reason=hostile(200)),
    )

    objects = {
        "user": hostile_user or cast.town_officer,
        "registration": regs[0],
        "branch": branch,
        "member": member,
        "publication": publication,
        "objection": objection,
        "proxy": proxy,
        "conflict": conflicts[0],
        "status_change": PersonStatusChange.objects.order_by("pk").first(),
    }
    return objects, posted
