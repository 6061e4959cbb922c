"""No full 公民身份号码 anywhere but the encrypted column (SECURITY.md P3, L3, D2): after imports of
every kind (a good roll, columns in the wrong order, on the command line and through the upload
pages), a registration by number, a reveal with the number typed in its reason, a 404 and a 500
with a number in the address, the database (every table, every row, every column), the log
records (and what the project's own handlers wrote) and every page and file the application
serves (every member of an xlsx, the text of every PDF) hold none of the numbers the test used.
The one answer allowed to show a full number is the reveal's own.

Not scanned, on purpose or for want of a way here:
- a refused form's own field, which shows its user what they typed (the message is scanned);
- a query string a page copies into its own links (pagination, sort, a "back" field): what the
  user's browser sent, not stored or logged by the application; the 404s with a number in the
  path or the query are scanned;
- the SQL of django.db.backends (logged only under DEBUG), runserver's django.server lines and the
  web server's access log, which are outside the application;
- an upload waiting for its confirmation: it is sealed under VAR_DIR/uploads (AES-256-GCM, see
  huanjie/tests/test_sealed_uploads.py), and here every upload ends confirmed or refused anyway
  (VAR_DIR is scanned)."""

from __future__ import annotations

import contextlib
import io
import logging
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from huanjie.conftest import (
    ANONYMOUS_ONLY,
    COUNTY,
    FILE_WORDS,
    OTHER_TOWN_VILLAGE,
    TOWN,
    VILLAGE,
    Cast,
    every_page,
    seed_notices,
)
from huanjie.elections.models import Campaign
from huanjie.lib import idcard
from huanjie.regions.models import Region
from huanjie.voters.tests.test_import import GOOD, csv_bytes, pid, xlsx_bytes

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --------------------------------------------------------------------------------------------
# Finding a number.


class Finder:
    """The full numbers the test used, and where any of them turned up."""

    def __init__(self) -> None:
        self.numbers: set[str] = set()
        self.hits: list[str] = []
        self.scanned: dict[str, int] = {}
        self.masked_seen: set[str] = set()  # the kinds of text a masked number was seen in
        self.pdf_text: list[str] = []

    def add(self, *numbers: str) -> None:
        for number in numbers:
            assert idcard.is_valid(number), number  # GB 11643, check digit and date
            self.numbers.add(number)

    def scan(self, where: str, text: str, kind: str) -> None:
        self.scanned[kind] = self.scanned.get(kind, 0) + 1
        if kind == "file pdf":
            self.pdf_text.append(text)
        if any(idcard.mask(n) in text for n in self.numbers):
            self.masked_seen.add(kind)
        for number in self.numbers:
            if number in text or number.lower() in text:
                # The failure names the number masked: the test's own output is a log too.
                self.hits.append(f"{where}: {idcard.mask(number)}")


_EIGHTEEN = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")


def any_valid_number(text: str) -> list[str]:
    """Every 18-character run passing GB 11643 (SECURITY.md L3's scan of the logs)."""
    return [m for m in _EIGHTEEN.findall(text) if idcard.is_valid(m)]


def file_text(body: bytes, content_type: str) -> tuple[str, str]:
    """The text of an answer as a person could read it: every member of a zip (xlsx, docx)
    decompressed, the text of a PDF, else the body; and what kind it was."""
    if body[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(body)) as book:
            parts = [book.read(name).decode("utf-8", "replace") for name in book.namelist()]
        return "\n".join(parts), "zip"
    if body[:5] == b"%PDF-" or "pdf" in content_type:
        return pdf_text(body), "pdf"
    return body.decode("utf-8", "replace"), "text"


def pdf_text(body: bytes) -> str:
    binary = shutil.which("pdftotext")
    if binary is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: the PDFs cannot be scanned")
    done = subprocess.run(
        [binary, "-enc", "UTF-8", "-", "-"], input=body, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8", "replace") + body.decode("latin-1")


def database_text() -> Iterator[tuple[str, str]]:
    """Every row of every table as text ("table.column", value); bytes decoded as latin-1; the
    sessions decoded too (their data is signed, compressed base64)."""
    from django.contrib.sessions.backends.db import SessionStore

    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, memoryview):
                        value = value.tobytes()
                    text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
                    yield f"{table}.{column}", text
                    if table == "django_session" and column == "session_data":
                        yield "django_session (decoded)", str(SessionStore().decode(text))


# --------------------------------------------------------------------------------------------
# What the application is asked to do.


def _command(tmp_path: Path, kind: str, data: bytes, *args: str, name: str) -> tuple[int, str]:
    path = tmp_path / name
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", kind, str(path), *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def _reordered(rows: list[list[str]], order: list[int]) -> list[list[str]]:
    """The same table with its columns in another order: headers and values move together."""
    return [[row[i] for i in order if i < len(row)] for row in rows]


SHUFFLED_HEADERS = {
    "roll": ["公民身份号码", "姓名", "村民小组"],
    "changes": ["公民身份号码", "姓名", "变动类型", "变动日期"],
    "party": ["党组织", "姓名", "公民身份号码", "党员状态"],
}


def shuffled(kind: str, numbers: list[str]) -> bytes:
    """The clerk's columns in the wrong order: ID numbers under 姓名, 村民小组, 变动类型, 党组织
    (as test_uploads.py's parametrised test)."""
    header = SHUFFLED_HEADERS[kind]
    return csv_bytes([header] + [[n] * len(header) for n in numbers])


def _web_upload(client: Client, url: str, data: bytes, name: str, finder: Finder) -> str:
    response = client.post(url, {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"])
    finder.scan(
        f"GET {response['Location']} (after the upload of {idcard.redact(name)})",
        page_body(page),
        "page",
    )
    return str(response["Location"])


def page_body(response: Any) -> str:
    return file_text(response.getvalue(), response.get("Content-Type", ""))[0]


def _form_echo_removed(html: str, field: str) -> str:
    """A refused form shows what its user typed back in the field, for correcting it: that input
    of the user's own is taken out; everything else (the error message above all) is scanned."""
    return re.sub(rf'(<input[^>]*name="{field}"[^>]*?)value="[^"]*"', r"\1", html)


# --------------------------------------------------------------------------------------------


def _project_stream_handlers() -> list[logging.StreamHandler]:
    """The handlers settings.LOGGING (and Django's defaults) installed: what would be written."""
    loggers = [logging.getLogger()] + [
        lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)
    ]
    return [
        h
        for lg in loggers
        for h in lg.handlers
        if isinstance(h, logging.StreamHandler) and not type(h).__module__.startswith("_pytest")
    ]


def _swap_stream(handler: logging.StreamHandler, stream: Any) -> Any:
    with handler.lock or contextlib.nullcontext():
        old, handler.stream = handler.stream, stream
    return old


def test_no_full_id_number_anywhere_but_the_encrypted_column(
    cast: Cast, campaign: Campaign, tmp_path: Path, settings: Any, caplog: Any, monkeypatch: Any
) -> None:
    settings.VAR_DIR = tmp_path / "var"
    settings.TASKS = IMMEDIATE
    caplog.set_level(logging.DEBUG)
    written = io.StringIO()
    # The stream is swapped without setStream(): that flushes the old stream first, and a stream
    # an earlier test's capture closed would fail the swap.
    handlers = [(h, _swap_stream(h, written)) for h in _project_stream_handlers()]
    try:
        finder, objects, revealed = _run_everything(cast, campaign, tmp_path, monkeypatch)
        _walk_every_route(cast, campaign, objects, finder)
    finally:
        for handler, stream in handlers:
            _swap_stream(handler, stream)

    # (a) The database: every table, every row, every column.
    tables = connection.introspection.table_names()
    rows = 0
    for where, text in database_text():
        rows += 1
        finder.scan(f"database {where}", text, "database value")
    from django.apps import apps

    assert {m._meta.db_table for m in apps.get_models()} <= set(tables)
    assert rows > 1000, rows
    # The number is there, in full, only in the encrypted column.
    from huanjie.lib.crypto import decrypt_field
    from huanjie.people.models import Person
    from huanjie.people.services import ID_PURPOSE

    person = Person.objects.get(id_masked=idcard.mask(revealed))
    assert decrypt_field(person.id_cipher, ID_PURPOSE) == revealed

    # The files the application keeps under VAR_DIR (every upload here was confirmed or refused,
    # so none waits for its confirmation).
    for path in sorted(p for p in Path(settings.VAR_DIR).rglob("*") if p.is_file()):
        finder.scan(f"file {path}", file_text(path.read_bytes(), "")[0], "var file")

    # (b) The logs: every record's message, arguments and traceback, and what the handlers wrote.
    records = caplog.records
    assert any(r.name == "django.request" and r.levelno >= logging.ERROR for r in records)
    for record in records:
        where = f"log record {record.name} {record.levelname} {record.msg!r:.80}"
        finder.scan(where, record.getMessage(), "log record")
        finder.scan(where + " (args)", repr(record.args), "log record args")
        if record.exc_text:
            finder.scan(where + " (traceback)", record.exc_text, "log traceback")
        found = any_valid_number(record.getMessage() + (record.exc_text or ""))
        if found:
            finder.hits.append(f"{where}: a GB 11643 number {[idcard.mask(n) for n in found]}")
    finder.scan("caplog.text", caplog.text, "log text")
    assert handlers and "Not Found" in written.getvalue()
    finder.scan("the project's log handlers' output", written.getvalue(), "log text")

    # The scan looked where the data is: the reveal's number, scanned as everything else was,
    # is found (so a leak would be too).
    control = Finder()
    control.add(revealed)
    control.scan("the reveal's answer", objects["reveal_page"], "page")
    assert control.hits, "the reveal's answer should show the full number"
    # The pages, the workbooks and the database do hold the numbers, masked; the PDFs were read.
    assert {"page", "file zip", "database value"} <= finder.masked_seen, finder.masked_seen
    assert any("红河限村" in text for text in finder.pdf_text)

    assert not finder.hits, "full ID numbers found:\n" + "\n".join(sorted(set(finder.hits)))
    print(
        f"scanned {len(tables)} tables, {rows} values, {len(records)} log records; "
        + ", ".join(f"{k}: {v}" for k, v in sorted(finder.scanned.items()))
    )


def _run_everything(
    cast: Cast, campaign: Campaign, tmp_path: Path, monkeypatch: Any
) -> tuple[Finder, dict[str, Any], str]:
    from huanjie.elections.models import CampaignVillage
    from huanjie.party import imports as party_imports
    from huanjie.party.services import branch_create, member_add
    from huanjie.people.models import PersonStatusChange
    from huanjie.voters import services as voters
    from huanjie.voters import status
    from huanjie.voters.models import RegistrationConflict, VoterRegistration

    finder = Finder()
    finder.add(*(row[1] for row in GOOD[1:]))
    village = Region.objects.get(code=VILLAGE)
    branch = branch_create(
        actor=cast.town_officer, village=village, name="红河限村党支部", kind="branch"
    )

    # 1. A good roll, its columns in another order, on the command line: three people registered.
    good = _reordered(GOOD, [4, 2, 1, 0, 3])
    code, out = _command(
        tmp_path,
        "roll",
        xlsx_bytes(good),
        "--scope",
        VILLAGE,
        "--campaign",
        str(campaign.pk),
        "--user",
        cast.village_clerk.username,
        name="红河限村名单.xlsx",
    )
    assert code == 0 and "已登记 3" in out, out
    finder.scan("huanjie import roll (good)", out, "command output")

    # 2. Columns in the wrong order, every importer kind, on the command line (a dry run and a
    # real one) and through the upload pages; one file is named by an ID number.
    seq = iter(range(60, 200))
    for kind in ("roll", "changes", "party"):
        for dry in (["--dry-run"], []):
            numbers = [pid(next(seq)) for _ in range(3)]
            finder.add(*numbers)
            code, out = _command(
                tmp_path,
                kind,
                shuffled(kind, numbers),
                "--scope",
                VILLAGE if kind == "roll" else TOWN,
                *(["--campaign", str(campaign.pk)] if kind != "changes" else []),
                "--user",
                cast.town_officer.username,
                *dry,
                name=f"{kind}.csv",
            )
            assert code == 2, out
            finder.scan(f"huanjie import {kind} {dry} (shuffled)", out, "command output")
    uploads = {
        "roll": (cast.village_clerk, reverse("voters:import_upload", args=[campaign.pk, VILLAGE])),
        "changes": (cast.town_officer, reverse("voters:changes", args=[TOWN])),
        "party": (cast.town_officer, reverse("party:roll_import_upload", args=[campaign.pk, TOWN])),
    }
    for kind, (user, url) in uploads.items():
        numbers = [pid(next(seq)) for _ in range(3)]
        finder.add(*numbers)
        _web_upload(cast.client(user), url, shuffled(kind, numbers), f"{kind}.csv", finder)
    named = pid(next(seq))
    finder.add(named)
    user, url = uploads["roll"]
    _web_upload(cast.client(user), url, shuffled("roll", [named]), f"{named}.csv", finder)

    # 3. A good 变动名单 (one of the roll has died) and a good 党员名册 (a new member, a known one).
    died = GOOD[3][1]
    job = status.person_changes_preview(
        actor=cast.county_officer,
        region=Region.objects.get(code=COUNTY),
        upload=SimpleUploadedFile(
            "变动名单.csv",
            csv_bytes(
                [
                    ["公民身份号码", "姓名", "变动类型", "变动日期"],
                    [died, "马·阿里", "死亡", "2026-10-05"],
                ]
            ),
        ),
    )
    assert job.status == "preview", job.problems
    assert status.person_changes_confirm(actor=cast.county_officer, job=job).status == "succeeded"
    member_number = pid(next(seq))
    finder.add(member_number)
    party_rows = [
        ["党组织", "姓名", "公民身份号码", "党员状态"],
        ["红河限村党支部", "张伟", GOOD[1][1], "正式党员"],
        ["红河限村党支部", "马成林", member_number, "正式党员"],
    ]
    pjob = party_imports.party_roll_preview(
        actor=cast.county_officer,
        campaign=campaign,
        area=Region.objects.get(code=COUNTY),
        upload=SimpleUploadedFile("党员名册.csv", csv_bytes(party_rows)),
    )
    assert pjob.status == "preview", pjob.problems
    done = party_imports.party_roll_confirm(actor=cast.county_officer, job=pjob)
    assert done.status == "succeeded", done.message
    by_hand = pid(next(seq))
    finder.add(by_hand)
    member = member_add(actor=cast.town_officer, branch=branch, id_number=by_hand, name="祁国强")

    # 4. Registration by number, through the page: a new person; a person registered in another
    # village (a conflict); an unknown number without a name (refused).
    clerk = cast.client(cast.county_officer)
    register = reverse("voters:register", args=[campaign.pk, VILLAGE])
    new, twice, unknown = (pid(next(seq), "F") for _ in range(3))
    finder.add(new, twice, unknown)
    form = {"category": "hukou_resident", "group_name": "第一组", "sex": "F", "region_code": ""}
    page = clerk.post(register, {**form, "id_number": new, "name": "韩梅"}, follow=True)
    assert VoterRegistration.objects.filter(person__id_masked=idcard.mask(new)).exists()
    finder.scan("POST register (new person)", page_body(page), "page")
    voters.voter_register_by_number(
        actor=cast.county_officer,
        campaign=campaign,
        village=Region.objects.get(code=OTHER_TOWN_VILLAGE),
        id_number=twice,
        name="鲁成福",
        sex="F",
        region=Region.objects.get(code=OTHER_TOWN_VILLAGE),
        category="hukou_resident",
    )
    page = clerk.post(register, {**form, "id_number": twice, "name": "鲁成福"})
    assert page.status_code == 200  # refused, with the conflict sent to the county
    finder.scan(
        "POST register (registered elsewhere)",
        _form_echo_removed(page_body(page), "id_number"),
        "page",
    )
    conflict = RegistrationConflict.objects.get()
    page = clerk.post(register, {**form, "id_number": unknown, "name": ""})
    assert page.status_code == 200
    finder.scan("POST register (refused)", _form_echo_removed(page_body(page), "id_number"), "page")

    # 5. A reveal, the number typed in the reason as a clerk might: the answer shows the number,
    # the audit row keeps the reason masked.
    registration = VoterRegistration.objects.get(person__id_masked=idcard.mask(GOOD[1][1]))
    revealed = GOOD[1][1]
    answer = clerk.post(
        reverse("voters:reveal", args=[campaign.pk, VILLAGE, registration.pk]),
        {"reason": f"核对户籍：村民来电报身份证号{revealed}"},
    )
    assert answer.status_code == 200
    reveal_page = page_body(answer)
    assert revealed in reveal_page

    # 6. A proxy, a published list and an objection, so the notices have rows.
    regs = list(VoterRegistration.objects.filter(village_id=VILLAGE, active=True).order_by("pk"))
    proxy, publication, objection = seed_notices(
        cast.county_officer, campaign, village, regs, date(2026, 12, 20)
    )

    # 7. A 404 and a 500 with a number in the address.
    lost = pid(next(seq))
    finder.add(lost)
    base = f"/voters/{campaign.pk}/{VILLAGE}"
    for url in (
        f"{base}/registrations/{lost}/reveal/",
        f"/regions/{lost}/",
        f"/api/regions/{lost}",
        f"/api/campaigns/{lost}",
        f"/no-such-page/{lost}/?id={lost}",
        f"/campaigns/{campaign.pk + 1000}/?id={lost}",
        f"{base}/registrations/{registration.pk + 1000}/reveal/?q={lost}",
    ):
        response = clerk.get(url)
        assert response.status_code in (404, 422), (url, response.status_code)
        finder.scan(
            f"GET {url.replace(lost, idcard.mask(lost))}", page_body(response), "error page"
        )
    from huanjie.voters import selectors

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ValueError(f"invalid literal for int() with base 10: '{lost}'")

    monkeypatch.setattr(selectors, "registrations_of", broken)
    failing = Client(raise_request_exception=False)
    failing.force_login(cast.county_officer)
    response = failing.get(f"{base}/?q={lost}")
    assert response.status_code == 500
    finder.scan("GET roll (500)", page_body(response), "error page")
    monkeypatch.undo()

    objects = {
        "registration": registration,
        "branch": branch,
        "member": member,
        "publication": publication,
        "objection": objection,
        "proxy": proxy,
        "conflict": conflict,
        "status_change": PersonStatusChange.objects.order_by("pk").first(),
        "reveal_page": reveal_page,
    }
    assert CampaignVillage.objects.filter(campaign=campaign).exists()
    return finder, objects, revealed


def _walk_every_route(
    cast: Cast, campaign: Campaign, objects: dict[str, Any], finder: Finder
) -> None:
    """Scan the answer of every route (conftest.every_page: filled in with this county's
    objects, asked for as each role that works on it), files opened."""
    for name in ANONYMOUS_ONLY:
        response = Client().get(reverse(name))
        finder.scan(f"GET {name} (anonymous)", page_body(response), "page")
    files = 0
    for name, url, username, response in every_page(cast, campaign, objects):
        text, kind = file_text(response.getvalue(), response.get("Content-Type", ""))
        is_file = any(w in name or w in url for w in FILE_WORDS)
        files += is_file
        finder.scan(
            f"GET {url} ({name}) as {username}", text, "file " + kind if is_file else "page"
        )
    assert files > 15, files
