"""The one upload pipeline as every import uses it: the command line (`huanjie import`), the
file deleted in every outcome including a crash, a workbook claiming the whole sheet refused
through the upload page (never a dead process), templates with drop-downs that refuse a typed
value."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from huanjie.audit.models import AuditEvent
from huanjie.conftest import OTHER_COUNTY, VILLAGE
from huanjie.elections.models import CampaignVillage
from huanjie.uploads import importers, services
from huanjie.uploads.models import UploadJob
from huanjie.uploads.services import uploads_dir
from huanjie.voters import imports
from huanjie.voters.imports import ROLL
from huanjie.voters.models import ImportJob, VoterRegistration
from huanjie.voters.tests.test_import import GOOD, csv_bytes, pid, xlsx_bytes


@pytest.fixture(autouse=True)
def _own_uploads_dir(settings, tmp_path):
    # Each test its own upload folder, so "no file left behind" is about this test's files.
    settings.VAR_DIR = tmp_path / "var"


def _import(tmp_path: Path, data: bytes, *args: str, name: str = "名单.csv") -> tuple[int, str]:
    path = tmp_path / name
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", *args[:1], str(path), *args[1:], stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def _roll_args(cast, campaign, *extra: str) -> list[str]:
    return [
        "roll",
        "--scope",
        VILLAGE,
        "--campaign",
        str(campaign.pk),
        "--user",
        cast.village_clerk.username,
        *extra,
    ]


def test_the_command_line_imports_a_roll_file_as_that_user(cast, campaign, tmp_path):
    code, out = _import(tmp_path, csv_bytes(GOOD), *_roll_args(cast, campaign))
    assert code == 0, out
    assert "已导入" in out and "已登记 3" in out
    assert VoterRegistration.objects.filter(village_id=VILLAGE).count() == 3
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.SUCCEEDED and not job.stored_path
    event = AuditEvent.objects.get(action="voters.import", object_id=str(job.pk))
    assert event.user_id == cast.village_clerk.pk
    assert list(uploads_dir().glob("*.csv")) == []


def test_the_command_line_may_set_the_row_and_size_limits(cast, campaign, tmp_path):
    # A province loads its roll in one file past the web's limits; the limits given reach the
    # preview and the run alike (here lowered, to see them bite).
    from huanjie.lib import workbooks

    code, out = _import(tmp_path, csv_bytes(GOOD), *_roll_args(cast, campaign, "--max-rows", "2"))
    assert code == 2 and workbooks.MSG_TOO_MANY_ROWS.format(n=2) in out
    code, out = _import(tmp_path, csv_bytes(GOOD), *_roll_args(cast, campaign, "--max-mb", "0"))
    assert code == 2 and "须为正整数" in out
    code, out = _import(tmp_path, csv_bytes(GOOD), *_roll_args(cast, campaign, "--max-rows", "3"))
    assert code == 0, out
    assert VoterRegistration.objects.count() == 3


def test_the_command_line_refuses_a_bad_file_with_exit_2_and_writes_nothing(
    cast, campaign, tmp_path
):
    rows = [*GOOD, ["赵六", pid(4)[:-1] + ("0" if pid(4)[-1] != "0" else "1")]]
    code, out = _import(tmp_path, csv_bytes(rows), *_roll_args(cast, campaign))
    assert code == 2
    assert "第5行 公民身份号码" in out and "未导入任何数据" in out
    assert not VoterRegistration.objects.exists()
    # The ID number is shown masked, never in full.
    assert pid(4)[:-1] not in out


def test_the_command_line_dry_run_checks_and_writes_nothing(cast, campaign, tmp_path):
    code, out = _import(tmp_path, csv_bytes(GOOD), *_roll_args(cast, campaign, "--dry-run"))
    assert code == 0 and "预览通过（未写入）" in out and "将登记 3" in out
    assert not VoterRegistration.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ballots", "--scope", VILLAGE, "--user", "x"], "未知的导入类型“ballots”"),
        (["roll", "--scope", VILLAGE, "--user", "nobody", "--campaign", "1"], "找不到用户"),
        (["roll", "--scope", "999999", "--user", "{clerk}", "--campaign", "1"], "找不到区划代码"),
        (["roll", "--scope", VILLAGE, "--user", "{clerk}"], "须用 --campaign 指定换届编号"),
        # Another county: the same refusal as on the page.
        (["roll", "--scope", OTHER_COUNTY, "--user", "{clerk}", "--campaign", "{c}"], "没有"),
    ],
)
def test_the_command_line_refuses_what_the_page_would(cast, campaign, tmp_path, args, message):
    filled = [a.format(clerk=cast.village_clerk.username, c=campaign.pk) for a in args]
    code, out = _import(tmp_path, csv_bytes(GOOD), *filled)
    assert code == 2 and message in out
    assert not VoterRegistration.objects.exists()


def test_a_crash_while_writing_deletes_the_file_and_fails_the_job(cast, campaign, monkeypatch):
    job = imports.roll_import_preview(
        actor=cast.county_officer,
        campaign=campaign,
        village=CampaignVillage.objects.get(campaign=campaign, region_id=VILLAGE),
        upload=SimpleUploadedFile("名单.csv", csv_bytes(GOOD)),
    )
    stored = Path(job.stored_path)
    assert stored.exists()

    def boom(self, rows):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(imports.RollLoad, "write", boom)
    done = services.upload_confirm(importer=ROLL, actor=cast.county_officer, job=job, wait=True)
    assert done.status == ImportJob.Status.FAILED and done.message == services.MSG_FAILED
    assert not stored.exists() and not done.stored_path
    assert not VoterRegistration.objects.exists()
    assert AuditEvent.objects.filter(action="voters.import", outcome="failure").exists()


def _stray_cell_workbook() -> bytes:
    """A real roll with one stray value in XFD1048576, the last cell of a sheet."""
    data = io.BytesIO(xlsx_bytes(GOOD))
    out = io.BytesIO()
    with zipfile.ZipFile(data) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(
                    b"</sheetData>",
                    b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>'
                    b"</row></sheetData>",
                )
            dst.writestr(info, body)
    return out.getvalue()


def test_a_stray_cell_at_the_sheets_end_is_refused_on_the_page_not_fatal(cast, campaign):
    client = cast.client(cast.village_clerk)
    response = client.post(
        reverse("voters:import_upload", args=[campaign.pk, VILLAGE]),
        {"file": SimpleUploadedFile("名单.xlsx", _stray_cell_workbook())},
    )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.REJECTED
    assert "XFD1048576" in job.message
    assert not job.stored_path and list(uploads_dir().glob("*.xlsx")) == []
    page = client.get(response["Location"]).content.decode()
    assert "XFD1048576" in page


def test_every_import_is_registered_with_a_schema_and_a_job_model():
    kinds = {i.kind: i for i in importers.importers()}
    assert {"roll", "changes", "party"} <= set(kinds)
    for importer in kinds.values():
        assert importer.schema.required, importer.kind
        assert issubclass(importer.job_model, UploadJob)


def test_the_roll_template_refuses_typed_values_for_every_accepted_row(cast, campaign):
    client = cast.client(cast.town_officer)
    for url in (
        reverse("voters:import_template", args=[campaign.pk, VILLAGE]),
        reverse("voters:import_area_template", args=[campaign.pk, "630121100"]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        sheet = book.worksheets[0]
        validations = sheet.data_validations.dataValidation
        assert validations
        for dv in validations:
            assert dv.type == "list" and dv.showErrorMessage
            assert (dv.errorStyle or "stop") == "stop"
            assert str(dv.sqref).endswith(str(2 + ROLL.limits.max_rows))
    # The town's template lists its villages in the campaign, code first.
    options = book["选项"]
    assert f"{VILLAGE} 红河限村" in [c.value for c in options["A"]]


def test_a_formula_in_a_workbook_is_reported_on_its_row_never_taken(cast, campaign):
    """Excel keeps a formula's last result beside it; the import never takes a value nobody
    typed: the cell is reported as the formula it is (the CSV case is in voters' tests)."""
    number = pid(7)
    rows = [*GOOD, ["赵六", f'="{number[:9]}"&"{number[9:]}"', "男"]]
    job = imports.roll_import_preview(
        actor=cast.county_officer,
        campaign=campaign,
        village=CampaignVillage.objects.get(campaign=campaign, region_id=VILLAGE),
        upload=SimpleUploadedFile("名单.xlsx", xlsx_bytes(rows)),
    )
    assert job.status == ImportJob.Status.REJECTED
    assert {(p["row"], p["field"]) for p in job.problems} == {(5, "公民身份号码")}
    assert any(p["message"].startswith("单元格是公式") for p in job.problems)
    assert number not in str(job.problems)  # masked, as every ID number shown


@pytest.mark.parametrize("kind", ["roll", "changes", "party"])
def test_shuffled_columns_never_put_a_full_id_number_in_problems_or_output(
    cast, campaign, tmp_path, kind
):
    """The clerk's columns are in the wrong order: ID numbers under 姓名, 村民小组, 变动类型,
    党组织. Every message that echoes a value masks whatever could be an ID number: in the
    job's problems, the problems xlsx and the command's output (SECURITY.md P3)."""
    numbers = [pid(60 + i) for i in range(3)]
    if kind == "party":
        from huanjie.party.services import branch_create
        from huanjie.regions.models import Region

        branch_create(
            actor=cast.town_officer,
            village=Region.objects.get(code=VILLAGE),
            name="红河限村党支部",
            kind="branch",
        )
    header = {
        "roll": ["公民身份号码", "姓名", "村民小组"],
        "changes": ["公民身份号码", "姓名", "变动类型", "变动日期"],
        "party": ["党组织", "姓名", "公民身份号码", "党员状态"],
    }[kind]
    rows = [header] + [[n, n, n, n][: len(header)] for n in numbers]
    code, out = _import(
        tmp_path,
        csv_bytes(rows),
        kind,
        "--scope",
        VILLAGE if kind == "roll" else "630121100",
        *(["--campaign", str(campaign.pk)] if kind != "changes" else []),
        "--user",
        cast.town_officer.username,
        "--dry-run",
    )
    assert code == 2, out
    jobs = [i.job_model.objects.get() for i in importers.importers() if i.kind == kind]
    problems = str(jobs[0].problems)
    assert problems != "[]", (jobs[0].message, out)
    sheet = problems_xlsx_text(jobs[0])
    for number in numbers:
        assert number not in out and number not in problems and number not in sheet
        assert number[:6] + "********" + number[-4:] in problems


def problems_xlsx_text(job) -> str:  # type: ignore[no-untyped-def]
    from huanjie.uploads.exports import problems_xlsx

    book = openpyxl.load_workbook(io.BytesIO(problems_xlsx(job)))
    return " ".join(str(c.value) for row in book.worksheets[0].iter_rows() for c in row)


def test_a_header_of_many_unknown_columns_is_cut_and_masked_not_a_500(cast, campaign):
    number = pid(70)
    header = ["姓名", "公民身份号码", number] + [f"第{i}列多余的说明文字" for i in range(80)]
    job = imports.roll_import_preview(
        actor=cast.county_officer,
        campaign=campaign,
        village=CampaignVillage.objects.get(campaign=campaign, region_id=VILLAGE),
        upload=SimpleUploadedFile("名单.csv", csv_bytes([header, ["张伟", pid(1)]])),
    )
    assert job.status == ImportJob.Status.PREVIEW
    assert job.message.startswith("以下列不导入：") and len(job.message) <= 500
    assert number not in job.message


def test_control_characters_in_a_file_are_never_stored(cast, campaign, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    rows = [["姓名", "公民身份号码", "村民小组", "户号"], ["张伟", pid(1), "第一\x00组", "12\x07"]]
    job = imports.roll_import_preview(
        actor=cast.county_officer,
        campaign=campaign,
        village=CampaignVillage.objects.get(campaign=campaign, region_id=VILLAGE),
        upload=SimpleUploadedFile("名单.csv", csv_bytes(rows)),
    )
    assert job.status == ImportJob.Status.PREVIEW, job.problems
    imports.roll_import_run(actor=cast.county_officer, job=job)
    registration = VoterRegistration.objects.select_related("person").get()
    assert registration.group_name == "第一组" and registration.person.household_no == "12"


def test_a_refused_upload_and_every_export_leave_an_audit_event(cast, campaign):
    client = cast.client(cast.village_clerk)
    client.post(
        reverse("voters:import_upload", args=[campaign.pk, VILLAGE]),
        {"file": SimpleUploadedFile("名单.txt", b"not a roll")},
    )
    job = ImportJob.objects.get()
    refused = AuditEvent.objects.get(action="voters.import", object_id=str(job.pk))
    assert refused.outcome == "failure" and refused.user_id == cast.village_clerk.pk
    client.get(reverse("voters:import_problems", args=[job.pk]))
    assert AuditEvent.objects.filter(action="uploads.problems_export").count() == 1
    client.get(reverse("voters:import_roll_xlsx", args=[campaign.pk, VILLAGE]))
    export = AuditEvent.objects.get(action="voters.roll_export")
    assert export.user_id == cast.village_clerk.pk
