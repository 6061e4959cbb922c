"""The signed paper beside the numbers: pages of each box's signed tally sheet sealed on disk and
served decrypted, judged by their content; the town's and then the county's comparison; incidents
that hold certification until resolved; the pages, and another county's 404 on every one."""

from __future__ import annotations

import io
import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from huanjie.accounts.models import Role
from huanjie.audit.models import AuditEvent
from huanjie.audit.services import ACCESS_DENIED, flush_denied
from huanjie.conftest import TOWN, _user
from huanjie.polls.services.lifecycle import MSG_NOT_ALLOWED, poll_create_first
from huanjie.polls.tests.closing_helpers import to_counting
from huanjie.polls.tests.conftest import make_world
from huanjie.results.models import (
    BoxCheck,
    BoxIncident,
    CheckLevel,
    Correction,
    CorrectionKind,
    CorrectionStatus,
    Result,
    TallySheetScan,
)
from huanjie.results.services import paper
from huanjie.results.services.certify import (
    MSG_NOT_CHECKED,
    certification_problems,
    result_certify_county,
    result_certify_town,
)
from huanjie.results.tests.conftest import PNG, ResultWorld, close_poll
from huanjie.voters.tests.test_one_place import (
    _at_once,
    flushable,  # noqa: F401 (a fixture)
    postgres_only,
)


@pytest.fixture(autouse=True)
def var_dir(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = str(tmp_path / "var")
    return tmp_path / "var" / "uploads" / "results"


@pytest.fixture
def bare(cast: Any) -> ResultWorld:
    """`closed` without its paper: a closed official poll, no page, no comparison."""
    world = make_world(cast, voters=8)
    poll, box = close_poll(world)
    return ResultWorld(
        world,
        poll,
        box,
        town2=_user("town2", "马文静", TOWN, Role.TOWN_OFFICER),
        county2=_user("county2", "李秀英", "630121", Role.COUNTY_OFFICER),
    )


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, "JPEG")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def upload(w: ResultWorld, content: Any = PNG, name: str = "报告单.png", actor: Any = None):
    return paper.scan_upload(
        actor=actor or w.cast.village_clerk, box=w.box, name=name, content=content
    )


def messages_of(exc: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return exc.value.messages


# ---------------------------------------------------------------------------------------------
# Pages.


@pytest.mark.parametrize(
    ("content", "kind"),
    [(PNG, "image/png"), (jpeg(), "image/jpeg"), (PDF, "application/pdf")],
    ids=["png", "jpeg", "pdf"],
)
def test_a_page_is_sealed_on_disk_and_opens_as_uploaded(bare, var_dir, content, kind):
    scan = upload(bare, content, name="第1页")
    assert (scan.content_type, scan.size, scan.name) == (kind, len(content), "第1页")
    stored = paper.scan_file(scan.path)
    assert stored.parent == var_dir
    on_disk = stored.read_bytes()
    assert content not in on_disk and content[:5] not in on_disk
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert paper.scan_open(actor=bare.cast.inspector, scan=scan) == content
    events = list(AuditEvent.objects.filter(action__startswith="result.scan_").order_by("id"))
    assert [e.action for e in events] == ["result.scan_upload", "result.scan_view"]
    assert events[0].changes["sha256"] == scan.sha256


def test_a_file_is_judged_by_its_content_not_its_name(bare, var_dir):
    with pytest.raises(ValidationError) as exc:
        upload(bare, "收回选票15张".encode(), name="报告单.png")
    assert messages_of(exc) == [paper.MSG_TYPE.format(name="报告单.png")]
    # A photo named as a PDF is a photo.
    assert upload(bare, jpeg(), name="扫描件.pdf").content_type == "image/jpeg"
    assert TallySheetScan.objects.count() == 1
    assert len(list(var_dir.iterdir())) == 1


def test_an_empty_or_too_big_file_is_refused_naming_it(bare, var_dir):
    with pytest.raises(ValidationError) as exc:
        upload(bare, b"", name="空.jpg")
    assert messages_of(exc) == [paper.MSG_EMPTY.format(name="空.jpg")]
    big = PNG + b"\0" * paper.SCAN_MAX_BYTES
    with pytest.raises(ValidationError) as exc:
        upload(bare, big, name="大.png")
    assert messages_of(exc) == [paper.MSG_SIZE.format(name="大.png", mb=20)]
    assert not TallySheetScan.objects.exists()
    assert not var_dir.exists() or not list(var_dir.iterdir())


def test_a_size_the_client_lies_about_is_counted_while_reading(bare, var_dir, monkeypatch):
    class Lying(SimpleUploadedFile):
        size = 10  # type: ignore[assignment]

    monkeypatch.setattr(paper, "SCAN_MAX_BYTES", 1000)
    lying = Lying("大.png", PNG + b"\0" * 2000, "image/png")
    lying.size = 10
    with pytest.raises(ValidationError, match="超过"):
        upload(bare, lying, name="大.png")
    assert not list(var_dir.iterdir())


def test_the_name_kept_is_its_last_part_with_an_id_number_masked(bare):
    scan = upload(bare, name="C:\\fakepath\\630121199001010143报告单.png")
    assert scan.name == "630121********0143报告单.png"


def test_a_rehearsal_box_takes_no_paper(cast):
    world = make_world(cast, voters=4)
    poll = poll_create_first(actor=cast.town_officer, election=world.election, rehearsal=True)
    box = to_counting(world, poll, voted=3)
    with pytest.raises(ValidationError) as exc:
        paper.scan_upload(actor=cast.town_officer, box=box, name="a.png", content=PNG)
    assert messages_of(exc) == [paper.MSG_REHEARSAL]
    with pytest.raises(ValidationError, match="演练"):
        paper.incident_raise(actor=cast.town_officer, box=box, note="演练")


def test_paper_comes_once_the_count_has_begun(cast):
    from huanjie.polls.models import BallotBox

    world = make_world(cast, voters=4)
    poll = poll_create_first(actor=cast.town_officer, election=world.election)
    box = BallotBox.objects.create(poll=poll, name="设置中的票箱", issued=4)
    with pytest.raises(ValidationError, match="开始计票后才能上传"):
        paper.scan_upload(actor=cast.town_officer, box=box, name="a.png", content=PNG)
    box.delete()
    poll_counting = to_counting(world, poll, voted=3)
    assert paper.scan_upload(
        actor=cast.village_clerk, box=poll_counting, name="a.png", content=PNG
    ).pk
    # While counting a page may come (the sheet is signed at the end of the count), but the
    # figures are not final: no comparison yet.
    with pytest.raises(ValidationError, match="投票结束后才能核对"):
        paper.box_check(actor=cast.town_officer, box=poll_counting)


def test_pages_are_taken_down_with_a_reason_and_kept(bare):
    first, second = upload(bare), upload(bare, jpeg(), name="第2页.jpg")
    with pytest.raises(ValidationError) as exc:
        paper.scan_remove(actor=bare.cast.village_clerk, scan=first, reason="  ")
    assert messages_of(exc) == [paper.MSG_REASON]
    paper.scan_remove(actor=bare.cast.village_clerk, scan=first, reason="拍错了票箱")
    first.refresh_from_db()
    assert first.removed_at is not None and first.removed_by == bare.cast.village_clerk
    assert paper.scan_file(first.path).exists()
    assert paper.scan_open(actor=bare.cast.town_officer, scan=first) == PNG
    event = AuditEvent.objects.get(action="result.scan_remove")
    assert event.changes["reason"] == "拍错了票箱"
    with pytest.raises(ValidationError, match=r"已于.*撤下"):
        paper.scan_remove(actor=bare.cast.town_officer, scan=first, reason="再撤一次")
    assert list(bare.box.scans.filter(removed_at__isnull=True)) == [second]


def test_no_page_is_taken_down_once_the_town_certified(closed):
    result_certify_town(actor=closed.cast.town_officer, election=closed.election)
    scan = closed.box.scans.get()
    with pytest.raises(ValidationError) as exc:
        paper.scan_remove(actor=closed.cast.town_officer, scan=scan, reason="照片不清晰")
    assert messages_of(exc) == [paper.MSG_REMOVE_CERTIFIED]
    assert TallySheetScan.objects.get().removed_at is None


def test_a_result_in_force_takes_pages_only_inside_a_correction(certified, closed):
    with pytest.raises(ValidationError) as exc:
        upload(closed)
    assert messages_of(exc) == [paper.MSG_IN_FORCE.format(number=1)]
    with pytest.raises(ValidationError, match="已确认生效"):
        paper.incident_raise(actor=closed.cast.county_officer, box=closed.box, note="补充")
    Correction.objects.create(
        result=Result.objects.get(election=closed.election),
        poll=closed.poll,
        kind=CorrectionKind.RECOUNT,
        status=CorrectionStatus.OPEN,
        reason="重新计票",
        opened_by=closed.cast.county_officer,
    )
    assert upload(closed).pk


def test_a_page_added_after_a_comparison_withdraws_it(closed):
    assert BoxCheck.objects.filter(box=closed.box, level=CheckLevel.TOWN).exists()
    upload(closed, name="补拍.png")
    assert not BoxCheck.objects.filter(box=closed.box).exists()
    event = AuditEvent.objects.get(action="result.scan_upload")
    assert event.changes["checks_withdrawn"] == ["town"]
    assert MSG_NOT_CHECKED.format(box=closed.box.name, number=1) in certification_problems(
        closed.election
    )


# ---------------------------------------------------------------------------------------------
# Comparisons.


def _denied() -> int:
    flush_denied()
    return AuditEvent.objects.filter(action=ACCESS_DENIED).count()


def test_the_town_compares_first_then_the_county_and_never_a_clerk(bare):
    cast = bare.cast
    before = _denied()
    with pytest.raises(ValidationError) as exc:
        paper.box_check(actor=cast.village_clerk, box=bare.box)
    assert messages_of(exc) == [MSG_NOT_ALLOWED]
    assert _denied() == before + 1
    with pytest.raises(ValidationError) as exc:
        paper.box_check(actor=cast.town_officer, box=bare.box)
    assert messages_of(exc) == [paper.MSG_NO_SCAN.format(box="中心会场")]
    upload(bare)
    with pytest.raises(ValidationError) as exc:
        paper.box_check(actor=cast.county_officer, box=bare.box)
    assert messages_of(exc) == [paper.MSG_TOWN_FIRST.format(box="中心会场")]
    town, made = paper.box_check(actor=cast.town_officer, box=bare.box)
    assert (town.level, town.checked_by, made) == (CheckLevel.TOWN, cast.town_officer, True)
    # Done once per level: a second town officer is shown the first one's comparison.
    again, made = paper.box_check(actor=bare.town2, box=bare.box)
    assert (again, made) == (town, False)
    county, made = paper.box_check(actor=cast.county_officer, box=bare.box)
    assert (county.level, made) == (CheckLevel.COUNTY, True)
    assert BoxCheck.objects.count() == 2
    assert AuditEvent.objects.filter(action="result.box_check").count() == 2
    with pytest.raises(ValidationError):
        paper.box_check(actor=cast.other_county_officer, box=bare.box)


def test_the_town_comparison_is_needed_before_the_town_certifies(bare):
    upload(bare)
    problems = certification_problems(bare.election)
    assert problems == [MSG_NOT_CHECKED.format(box="中心会场", number=1)]
    with pytest.raises(ValidationError, match="尚未由乡镇与录入结果核对"):
        result_certify_town(actor=bare.cast.town_officer, election=bare.election)
    paper.box_check(actor=bare.cast.town_officer, box=bare.box)
    assert certification_problems(bare.election) == []
    assert result_certify_town(actor=bare.cast.town_officer, election=bare.election).number == 1


# ---------------------------------------------------------------------------------------------
# Incidents.


def test_an_incident_holds_certification_until_resolved(closed):
    cast = closed.cast
    note = "报告单收回选票16张，录入为15张"
    incident = paper.incident_raise(actor=cast.county_officer, box=closed.box, note=note)
    with pytest.raises(ValidationError) as exc:
        result_certify_town(actor=cast.town_officer, election=closed.election)
    assert any(note in m for m in messages_of(exc))
    with pytest.raises(ValidationError, match="有尚未处理的异常"):
        paper.box_check(actor=cast.county_officer, box=closed.box)
    # The town does not lift the county's doubt.
    before = _denied()
    with pytest.raises(ValidationError) as exc:
        paper.incident_resolve(actor=cast.town_officer, incident=incident, resolution="已核实")
    assert messages_of(exc) == [paper.MSG_COUNTY_INCIDENT]
    assert _denied() == before + 1
    with pytest.raises(ValidationError) as exc:
        paper.incident_resolve(actor=closed.county2, incident=incident, resolution=" ")
    assert messages_of(exc) == [paper.MSG_RESOLUTION]
    paper.incident_resolve(
        actor=closed.county2, incident=incident, resolution="经核实报告单笔误，录入正确"
    )
    incident.refresh_from_db()
    assert incident.resolved_by == closed.county2 and incident.resolved_at is not None
    with pytest.raises(ValidationError, match="该异常已于"):
        paper.incident_resolve(actor=cast.county_officer, incident=incident, resolution="再次")
    version = result_certify_town(actor=cast.town_officer, election=closed.election)
    assert result_certify_county(actor=cast.county_officer, version=version).status == "certified"


def test_the_town_resolves_its_own_incidents_and_the_county_any(closed):
    cast = closed.cast
    mine = paper.incident_raise(actor=cast.town_officer, box=closed.box, note="照片不清晰")
    paper.incident_resolve(actor=cast.town_officer, incident=mine, resolution="已重新拍摄")
    other = paper.incident_raise(actor=closed.town2, box=closed.box, note="签字不全")
    paper.incident_resolve(actor=cast.county_officer, incident=other, resolution="已补签")
    assert not BoxIncident.objects.filter(resolved_at__isnull=True).exists()
    actions = AuditEvent.objects.filter(action__startswith="result.incident_")
    assert actions.count() == 4


def test_an_incident_needs_its_note_and_masks_an_id_number(closed):
    with pytest.raises(ValidationError) as exc:
        paper.incident_raise(actor=closed.cast.town_officer, box=closed.box, note="")
    assert messages_of(exc) == [paper.MSG_NOTE]
    with pytest.raises(ValidationError) as exc:
        paper.incident_raise(actor=closed.cast.town_officer, box=closed.box, note="长" * 501)
    assert messages_of(exc) == [paper.MSG_TOO_LONG.format(field="异常情况", n=500)]
    incident = paper.incident_raise(
        actor=closed.cast.town_officer, box=closed.box, note="代写人630121199001010143未签字"
    )
    assert incident.note == "代写人630121********0143未签字"
    with pytest.raises(ValidationError, match=MSG_NOT_ALLOWED):
        paper.incident_raise(actor=closed.cast.village_clerk, box=closed.box, note="x")


# ---------------------------------------------------------------------------------------------
# The pages.


def url(name: str, *args: Any) -> str:
    return reverse(f"results:{name}", args=args)


def test_the_paper_page_shows_the_pages_beside_the_figures(bare):
    client = bare.cast.client(bare.cast.village_clerk)
    files = [
        SimpleUploadedFile("第1页.png", PNG, "image/png"),
        SimpleUploadedFile("第2页.pdf", PDF, "application/pdf"),
    ]
    answer = client.post(url("scan_upload", bare.box.pk), {"file": files})
    assert answer.status_code == 302
    assert answer["Location"] == url("paper", bare.election.pk) + f"#box-{bare.box.pk}"
    png, pdf = bare.box.scans.order_by("id")
    page = client.get(url("paper", bare.election.pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert f'src="{url("scan_file", png.pk)}"' in text
    assert f'data-testid="pdf-{pdf.pk}"' in text and url("scan_file", pdf.pk) in text
    # The figures as entered and agreed: 15 returned, 1 invalid, 张伟 10, 李强 4.
    figures = page.context["polls"][0].boxes[0]
    assert figures.figures["returned"] == 15 and figures.figures["invalid"] == 1
    director = figures.posts[0]
    # In the ballot's order (the printed candidates), as the sheet lists them.
    assert [(r["name"], r["votes"]) for r in director["rows"]] == [("李强", 4), ("张伟", 10)]
    assert 'data-testid="returned">15<' in text
    assert "乡镇未核对" in text
    # A clerk uploads and takes down; only the town and the county compare.
    assert f'data-testid="upload-{bare.box.pk}"' in text
    assert f'data-testid="check-{bare.box.pk}"' not in text
    assert f'data-testid="raise-{bare.box.pk}"' not in text
    town = bare.cast.client(bare.cast.town_officer).get(url("paper", bare.election.pk))
    assert f'data-testid="check-{bare.box.pk}"' in town.content.decode()


def test_a_page_is_served_decrypted_inline(bare):
    photo = jpeg()
    scan = upload(bare, photo, name="第1页.jpg")
    answer = bare.cast.client(bare.cast.inspector).get(url("scan_file", scan.pk))
    assert answer.status_code == 200
    assert answer.content == photo
    assert answer["Content-Type"] == "image/jpeg"
    assert answer["Content-Disposition"].startswith("inline; filename*=UTF-8''")
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(action="result.scan_view").count() == 1


def test_a_page_whose_file_is_gone_or_altered_answers_a_chinese_404(closed):
    client = closed.cast.client(closed.cast.town_officer)
    empty_path = closed.box.scans.get()  # a row made without a file
    gone, altered = upload(closed), upload(closed, name="第2页.png")
    paper.scan_file(gone.path).unlink()
    stored = bytearray(paper.scan_file(altered.path).read_bytes())
    stored[-1] ^= 1
    paper.scan_file(altered.path).write_bytes(bytes(stored))
    for scan in (empty_path, gone, altered):
        answer = client.get(url("scan_file", scan.pk))
        assert answer.status_code == 404
        assert paper.MSG_FILE_MISSING.format(name=scan.name) in answer.content.decode()


def test_a_refused_upload_shows_its_message(bare):
    client = bare.cast.client(bare.cast.town_officer)
    fake = SimpleUploadedFile("报告单.png", "不是图片".encode(), "image/png")
    page = client.post(url("scan_upload", bare.box.pk), {"file": fake}, follow=True)
    assert paper.MSG_TYPE.format(name="报告单.png") in page.content.decode()
    empty = client.post(url("scan_upload", bare.box.pk), {}, follow=True)
    assert paper.MSG_NO_FILE in empty.content.decode()
    assert not TallySheetScan.objects.exists()


def test_the_buttons_compare_raise_and_resolve(bare):
    upload(bare)
    town = bare.cast.client(bare.cast.town_officer)
    box_url = url("paper_box", bare.box.pk)
    answer = town.post(url("box_check", bare.box.pk), {"back": "box"})
    assert answer["Location"] == box_url
    again = town.post(url("box_check", bare.box.pk), follow=True).content.decode()
    assert "无需重复核对" in again
    town.post(url("incident_raise", bare.box.pk), {"note": "监票员未签字"})
    incident = BoxIncident.objects.get()
    page = town.get(box_url).content.decode()
    assert "监票员未签字" in page and f'data-testid="resolve-{incident.pk}"' in page
    county = bare.cast.client(bare.cast.county_officer)
    county.post(url("incident_resolve", incident.pk), {"resolution": "已补签"})
    incident.refresh_from_db()
    assert incident.resolution == "已补签"
    county.post(url("box_check", bare.box.pk))
    assert set(BoxCheck.objects.values_list("level", flat=True)) == {"town", "county"}
    scan = bare.box.scans.get()
    refused = town.post(url("scan_remove", scan.pk), {"reason": ""}, follow=True)
    assert paper.MSG_REASON in refused.content.decode()
    town.post(url("scan_remove", scan.pk), {"reason": "拍错"})
    assert bare.box.scans.get().removed_at is not None


def test_another_county_gets_404_on_every_route(bare):
    scan = upload(bare)
    incident = paper.incident_raise(actor=bare.cast.town_officer, box=bare.box, note="不清晰")
    other = bare.cast.client(bare.cast.other_county_officer)
    for route, arg in (("paper", bare.election.pk), ("paper_box", bare.box.pk)):
        assert other.get(url(route, arg)).status_code == 404
    assert other.get(url("scan_file", scan.pk)).status_code == 404
    for route, arg in (
        ("scan_upload", bare.box.pk),
        ("scan_remove", scan.pk),
        ("box_check", bare.box.pk),
        ("incident_raise", bare.box.pk),
        ("incident_resolve", incident.pk),
    ):
        assert other.post(url(route, arg), {"reason": "x", "note": "x"}).status_code == 404
    assert not AuditEvent.objects.filter(action="result.scan_view").exists()
    assert bare.box.scans.filter(removed_at__isnull=True).count() == 1
    assert BoxIncident.objects.filter(resolved_at__isnull=True).count() == 1


def test_the_paper_page_asks_no_more_queries_for_more_pages_and_incidents(bare):
    client = bare.cast.client(bare.cast.county_officer)
    upload(bare)
    client.get(url("paper", bare.election.pk))  # warm the layout cache and the session
    with CaptureQueriesContext(connection) as few:
        client.get(url("paper", bare.election.pk))
    for i in range(3):
        upload(bare, name=f"第{i + 2}页.png")
        paper.incident_raise(actor=bare.cast.town_officer, box=bare.box, note=f"异常{i}")
    with CaptureQueriesContext(connection) as many:
        client.get(url("paper", bare.election.pk))
    assert len(many) == len(few)


# ---------------------------------------------------------------------------------------------
# At once (PostgreSQL: SQLite runs one writer at a time, there is no race to lose).


@postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("flushable")
def test_the_last_page_taken_down_while_the_town_certifies_never_both(bare):
    scan = upload(bare)
    paper.box_check(actor=bare.cast.town_officer, box=bare.box)
    results = _at_once(
        [
            lambda: paper.scan_remove(actor=bare.cast.village_clerk, scan=scan, reason="拍错"),
            lambda: result_certify_town(actor=bare.cast.town_officer, election=bare.election),
        ]
    )
    failed = [r for r in results if isinstance(r, Exception)]
    assert len(failed) == 1 and isinstance(failed[0], ValidationError), results
    scan.refresh_from_db()
    certified = Result.objects.get(election=bare.election).versions.exists()
    assert certified == (scan.removed_at is None)


@postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("flushable")
def test_two_comparisons_at_once_make_one(bare):
    upload(bare)
    results = _at_once(
        [
            lambda: paper.box_check(actor=bare.cast.town_officer, box=bare.box),
            lambda: paper.box_check(actor=bare.town2, box=bare.box),
        ]
    )
    assert sorted(made for _, made in results) == [False, True], results  # type: ignore[misc]
    assert BoxCheck.objects.count() == 1
