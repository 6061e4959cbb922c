"""Roll import: every bad file gets its Chinese message and leaves the roll untouched; a good
file is written all at once, and again changes nothing."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from hypothesis import event, given, settings
from hypothesis import strategies as st

from huanjie.audit.models import AuditEvent
from huanjie.conftest import ELECTION_DAY, OTHER_TOWN_VILLAGE, VILLAGE
from huanjie.elections.models import CampaignVillage
from huanjie.lib import idcard, sheets, workbooks
from huanjie.lib.crypto import decrypt_field
from huanjie.lib.workbooks import Limits
from huanjie.people.models import Person
from huanjie.regions.models import Region
from huanjie.uploads.services import uploads_dir, uploads_expire
from huanjie.voters import importing, imports
from huanjie.voters.models import ImportJob, RegistrationConflict, VoterRegistration

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
ELECTION = ELECTION_DAY


def pid(seq: int, sex: str = "M", born: date = date(1980, 5, 1), region: str = "630121") -> str:
    return idcard.generate(region, born, sex, seq)


def csv_bytes(rows: Any, encoding: str = "utf-8") -> bytes:
    return "\n".join(",".join(r) for r in rows).encode(encoding)


def xlsx_bytes(rows: Any, build: Any = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for r in rows:
        sheet.append(r)
    if build:
        build(sheet)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


HEADER = ["姓名", "公民身份号码", "性别", "民族", "村民小组"]
GOOD = [
    HEADER,
    ["张伟", pid(1), "男", "汉族", "第一组"],
    ["李秀英", pid(2, "F"), "女", "回族", "第一组"],
    ["马·阿里", pid(3), "男", "回", "第二组"],
]


def preview(cast, campaign, data: bytes, name: str = "名单.csv", code: str = VILLAGE, **kw):
    entry = CampaignVillage.objects.get(campaign=campaign, region_id=code)
    return imports.roll_import_preview(
        actor=kw.pop("actor", cast.county_officer),
        campaign=campaign,
        village=entry,
        upload=SimpleUploadedFile(name, data),
        **kw,
    )


def run(cast, job: ImportJob) -> ImportJob:
    with override_settings(TASKS=IMMEDIATE):
        imports.roll_import_run(actor=cast.county_officer, job=job)
    job.refresh_from_db()
    return job


def messages_of(job: ImportJob) -> list[tuple[int, str]]:
    return [(p["row"], p["message"]) for p in job.problems]


def test_a_good_csv_is_previewed_then_written_whole_and_audited(cast, campaign):
    job = preview(cast, campaign, csv_bytes(GOOD))
    assert job.status == ImportJob.Status.PREVIEW, job.message
    assert (job.total_rows, job.accepted, job.rejected) == (3, 3, 0)
    assert not VoterRegistration.objects.exists()  # the preview rolls back
    assert Path(job.stored_path).exists()
    job = run(cast, job)
    assert job.status == ImportJob.Status.SUCCEEDED, job.message
    assert job.accepted == 3
    assert not job.stored_path
    regs = VoterRegistration.objects.select_related("person").order_by("id")
    assert [(r.person.name, r.group_name, r.category) for r in regs] == [
        ("张伟", "第一组", "hukou_resident"),
        ("李秀英", "第一组", "hukou_resident"),
        ("马·阿里", "第二组", "hukou_resident"),
    ]
    person = Person.objects.get(name="李秀英")
    assert decrypt_field(person.id_cipher, "person.id_number") == pid(2, "F")
    assert person.id_masked == idcard.mask(pid(2, "F"))
    assert person.ethnicity == "03"
    event = AuditEvent.objects.get(action="voters.import", outcome="success")
    assert event.changes["accepted"] == 3
    assert event.changes["sha256"] == job.sha256
    assert pid(1) not in str(event.changes)


def test_the_same_file_twice_changes_nothing(cast, campaign):
    run(cast, preview(cast, campaign, csv_bytes(GOOD)))
    job = preview(cast, campaign, csv_bytes(GOOD))
    assert (job.accepted, job.unchanged) == (0, 3)
    job = run(cast, job)
    assert job.status == ImportJob.Status.SUCCEEDED
    assert VoterRegistration.objects.count() == 3
    assert Person.objects.count() == 3


def test_people_and_registrations_take_their_ids_in_file_order(cast, campaign):
    # People are written in keyed-hash order (for the index) but numbered in file order, which
    # the roll's order within a group and a household's order follow. One person is known
    # already: the rest keep their order around them.
    given = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕彬辉鹏建国成福生海"
    names = [f"张{given[n]}" for n in range(40)]
    rows = [[name, pid(100 + n), "男", "汉族", "第一组"] for n, name in enumerate(names)]
    run(cast, preview(cast, campaign, csv_bytes([HEADER, rows[20]])))
    job = run(cast, preview(cast, campaign, csv_bytes([HEADER, *rows])))
    assert (job.accepted, job.unchanged) == (39, 1), job.problems
    people = list(Person.objects.order_by("id").values_list("name", flat=True))
    assert people == [names[20], *names[:20], *names[21:]]
    regs = VoterRegistration.objects.order_by("id").values_list("person__name", flat=True)
    assert list(regs) == people


def test_utf8_with_bom_gbk_and_tab_separated_files_are_read(cast, campaign):
    for data in (
        b"\xef\xbb\xbf" + csv_bytes(GOOD),
        csv_bytes(GOOD, "gbk"),
        "\n".join("\t".join(r) for r in GOOD).encode("gb18030"),
    ):
        job = preview(cast, campaign, data)
        assert job.status == ImportJob.Status.PREVIEW, job.message
        assert job.accepted == 3


def test_a_file_in_neither_utf8_nor_gb18030_is_refused():
    path = Path(uploads_dir()) / "bad-enc.csv"
    path.write_bytes("姓名,身份证号\n".encode() + b"\xff\xfe\x81\x30\xff\n")
    with pytest.raises(workbooks.ImportRefused) as exc:
        workbooks.csv_encoding(path)
    path.unlink()
    assert exc.value.message == workbooks.MSG_ENCODING


def test_synonyms_a_title_row_and_a_merged_grouped_header_are_understood(cast, campaign):
    def build(sheet):
        sheet.merge_cells("A1:F1")
        sheet.merge_cells("A2:A3")  # 姓名 spans both header rows
        sheet.merge_cells("C2:D2")  # 基本情况 over 性别/出生年月

    rows = [
        ["红河限村选民登记表"],
        ["姓名", "身份证号码", "基本情况", None, "组别", "籍贯"],
        [None, None, "性别", "出生年月", None, None],
        ["张伟", pid(1), "男", "1980年5月", "一组", "青海"],
        ["李秀英", pid(2, "F"), "女", "1980.5.1", "二组", "青海"],
    ]
    job = preview(cast, campaign, xlsx_bytes(rows, build), "名单.xlsx")
    assert job.status == ImportJob.Status.PREVIEW, job.message
    assert job.accepted == 2
    assert "籍贯" in job.message


def test_missing_required_columns_are_named(cast, campaign):
    job = preview(cast, campaign, csv_bytes([["姓名", "性别"], ["张伟", "男"]]))
    assert job.status == ImportJob.Status.REJECTED
    assert job.message == "缺少必需的列：公民身份号码"
    job = preview(cast, campaign, csv_bytes([["名称", "号码"], ["张伟", "1"]]))
    assert job.message == importing.MSG_NO_HEADER.format(n=10)


def test_bad_rows_reject_the_whole_file_with_row_numbers_in_chinese(cast, campaign):
    young = idcard.generate("630121", date(2009, 6, 1), "M", 5)
    rows = [
        [*HEADER, "出生日期"],
        ["张伟", pid(1), "男", "汉族", "一组", "1980-05-01"],
        ["李四", pid(2, "F"), "男", "汉族", "一组", ""],  # row 3: sex against the ID
        ["王五", pid(3)[:17] + "0", "男", "汉族", "一组", ""],  # row 4: check digit
        ["赵六", young, "男", "汉族", "一组", ""],  # row 5: under 18 on election day
        ["孙七", pid(6), "男", "火星族", "一组", ""],  # row 6
        ["", pid(7), "男", "汉族", "一组", ""],  # row 7
        ["周八", pid(8), "男", "汉族", "一组", "1980年5月2日"],  # row 8
        ["吴九", pid(9), "男", "汉族", "=A1", ""],  # row 9: a formula
        ["张伟", pid(1), "男", "汉族", "一组", ""],  # row 10: same person as row 2
    ]
    VoterRegistration.objects.all().delete()
    job = preview(cast, campaign, csv_bytes(rows))
    assert job.status == ImportJob.Status.REJECTED
    assert job.message == imports.MSG_REJECTED.format(n=8)
    found = messages_of(job)
    assert (3, "身份证号第17位表示性别为女，与登记的性别“男”不符") in found
    assert (4, "身份证号校验码不符，请核对是否有数字录入错误") in found
    assert (5, "选举日未满18周岁（2027年6月1日年满）") in found
    assert (6, importing.MSG_ETHNICITY_BAD.format(value="火星族")) in found
    assert (7, importing.MSG_NAME_EMPTY) in found
    assert (
        8,
        importing.MSG_BIRTH_MISMATCH.format(value="1980-05-02", id_birth="1980-05-01"),
    ) in found
    assert (9, sheets.MSG_FORMULA.format(text="=A1")) in found
    assert (10, imports.MSG_SAME_FILE_AGAIN.format(row=2)) in found
    assert (2, imports.MSG_SAME_FILE_FIRST.format(rows="10")) in found
    assert not VoterRegistration.objects.exists()
    assert not Person.objects.exists()
    assert not Path(job.stored_path or "/nonexistent").exists()


def test_an_id_stored_as_a_number_and_serial_and_text_dates(cast, campaign):
    rows = [
        ["姓名", "身份证号", "出生日期"],
        ["张伟", float(pid(1)), None],
        ["李秀英", pid(2, "F"), (date(1980, 5, 1) - date(1899, 12, 30)).days],
        ["马明", pid(3), "19800501"],
    ]
    job = preview(cast, campaign, xlsx_bytes(rows), "名单.xlsx")
    assert messages_of(job) == [(2, idcard.MESSAGES[idcard.ProblemCode.EXCEL_TRUNCATED])]


CFB_ZEROS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        # The kind is judged by the content (an .xls is read; a broken compound file is not).
        ("名单.xls", CFB_ZEROS, workbooks.MSG_BROKEN.format(detail="复合文档结构不完整")),
        ("名单.xlsx", CFB_ZEROS, workbooks.MSG_BROKEN.format(detail="复合文档结构不完整")),
        ("名单.xlsm", b"PK\x03\x04", workbooks.MSG_MACRO),
        ("名单.txt", b"x", workbooks.MSG_EXTENSION.format(name="名单.txt")),
        ("名单.xlsx", b"PK\x03\x04 broken", workbooks.MSG_BROKEN.format(detail="压缩结构不完整")),
        # Plain text under a workbook's name is read as the CSV it is: it has no header.
        ("名单.xlsx", b"not a zip at all", importing.MSG_NO_HEADER.format(n=10)),
        ("名单.csv", b"", workbooks.MSG_EMPTY_FILE),
    ],
)
def test_wrong_kinds_of_file_are_refused_before_parsing(cast, campaign, name, data, message):
    job = preview(cast, campaign, data, name)
    assert (job.status, job.message) == (ImportJob.Status.REJECTED, message)
    assert not job.stored_path


def test_a_macro_enabled_workbook_is_refused(cast, campaign):
    buf = io.BytesIO(xlsx_bytes(GOOD))
    with zipfile.ZipFile(buf, "a") as zf:
        zf.writestr("xl/vbaProject.bin", b"\0" * 10)
    job = preview(cast, campaign, buf.getvalue(), "名单.xlsx")
    assert job.message == workbooks.MSG_MACRO


def test_a_zip_bomb_is_refused(cast, campaign):
    buf = io.BytesIO(xlsx_bytes(GOOD))
    with zipfile.ZipFile(buf, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/padding.bin", b"\0" * 3_000_000)
    assert len(buf.getvalue()) < 50_000
    job = preview(
        cast, campaign, buf.getvalue(), "名单.xlsx", limits=Limits(max_uncompressed=2_000_000)
    )
    assert job.message == workbooks.MSG_BOMB.format(mb="1.90735")


def test_a_file_over_the_size_limit_is_refused_while_uploading(cast, campaign):
    job = preview(cast, campaign, csv_bytes(GOOD) * 50, limits=Limits(max_bytes=1024))
    assert job.message == workbooks.MSG_TOO_BIG.format(mb="0.000976562")
    assert not job.stored_path


def test_too_many_rows_are_refused(cast, campaign):
    job = preview(cast, campaign, csv_bytes(GOOD), limits=Limits(max_rows=2))
    assert job.message == workbooks.MSG_TOO_MANY_ROWS.format(n=2)


def test_merged_cells_in_the_data_are_refused(cast, campaign):
    rows = [
        HEADER,
        ["张伟", pid(1), "男", "汉族", "一组"],
        ["李秀英", pid(2, "F"), "女", "汉族", None],
    ]
    job = preview(cast, campaign, xlsx_bytes(rows, lambda s: s.merge_cells("E2:E3")), "名单.xlsx")
    assert job.message == sheets.MSG_MERGED_DATA.format(first=2, last=3, label="村民小组")


def test_a_village_without_an_election_day_is_refused(cast, campaign):
    CampaignVillage.objects.filter(campaign=campaign, region_id=VILLAGE).update(election_date=None)
    job = preview(cast, campaign, csv_bytes(GOOD))
    assert job.message == imports.MSG_NO_ELECTION_DATE.format(village="桥头镇红河限村")


def test_a_person_registered_in_another_village_becomes_a_conflict(cast, campaign):
    other = [HEADER, ["张伟", pid(1), "男", "汉族", "东一组"]]
    assert (
        run(cast, preview(cast, campaign, csv_bytes(other), code=OTHER_TOWN_VILLAGE)).accepted == 1
    )
    job = preview(cast, campaign, csv_bytes(GOOD))
    assert job.status == ImportJob.Status.PREVIEW
    assert (job.accepted, job.doubtful) == (2, 1)
    assert messages_of(job) == [(2, imports.MSG_REGISTERED_ELSEWHERE.format(where="城关镇东门村"))]
    job = run(cast, job)
    assert job.status == ImportJob.Status.SUCCEEDED
    conflict = RegistrationConflict.objects.get()
    assert conflict.first.village_id == OTHER_TOWN_VILLAGE
    assert conflict.village_id == VILLAGE
    assert VoterRegistration.objects.get(person__name="张伟").village_id == OTHER_TOWN_VILLAGE
    # Running it again neither adds a registration nor a second open conflict.
    run(cast, preview(cast, campaign, csv_bytes(GOOD)))
    assert RegistrationConflict.objects.count() == 1
    assert VoterRegistration.objects.count() == 3


def test_incomers_are_imported_but_flagged_for_a_person(cast, campaign):
    rows = [
        ["姓名", "身份证号", "类别"],
        ["张伟", pid(1), "户籍不在本村，在本村居住一年以上，本人申请并经同意"],
    ]
    job = run(cast, preview(cast, campaign, csv_bytes(rows)))
    assert job.status == ImportJob.Status.SUCCEEDED
    assert VoterRegistration.objects.get().flag == imports.MSG_INCOMER_REVIEW


def test_an_upload_outside_the_users_scope_is_refused(cast, campaign):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        preview(cast, campaign, csv_bytes(GOOD), code=OTHER_TOWN_VILLAGE, actor=cast.village_clerk)


def test_a_file_for_a_published_list_is_refused_whole(cast, campaign):
    from huanjie.voters.services import voter_list_publish

    job = run(cast, preview(cast, campaign, csv_bytes(GOOD)))
    assert job.status == ImportJob.Status.SUCCEEDED
    voter_list_publish(
        actor=cast.county_officer,
        campaign=campaign,
        village=Region.objects.get(code=VILLAGE),
        published_on=date(2026, 12, 20),  # 26 days before election day
    )
    again = preview(
        cast, campaign, csv_bytes([HEADER, ["赵敏", pid(9, "F"), "女", "汉族", "第三组"]])
    )
    assert again.status == ImportJob.Status.REJECTED
    assert "名单只能通过申诉处理改变" in again.message
    assert VoterRegistration.objects.count() == 3


def test_fast_reader_agrees_with_read_row():
    """The fast path answers only for rows read_row accepts without an issue, and then with
    exactly read_row's values; everything else it leaves to read_row."""
    columns = {
        "village": 0,
        "name": 1,
        "id_number": 2,
        "sex": 3,
        "ethnicity": 4,
        "birth_date": 5,
        "group_name": 6,
        "category": 7,
        "household_no": 8,
    }
    categories = importing.category_lookup(imports.Category.choices)
    born = date(1980, 5, 1)
    good_m, good_f = pid(1), pid(2, "F")
    rows: list[list[Any]] = [
        ["", "张伟", good_m, "男", "汉族", "1980-05-01", "第一组", "", "12"],
        [
            "v1",
            " 李  秀英 ",
            good_f.lower(),
            "女",
            "回",
            "1980年5月1日",
            "",
            "户籍在本村并且在本村居住",
            "",
        ],
        ["", "马·阿里", good_m, "", "", "1980.5", "", "hukou_absent", ""],
        ["", "张伟", good_m, "", "03", "19800501", "", "", ""],
        ["", "张伟", good_m, "女", "汉族", "", "", "", ""],  # sex mismatch
        ["", "张伟", good_m[:-1] + "0", "", "", "", "", "", ""],  # check digit
        ["", "张伟", good_m, "", "火星族", "", "", "", ""],
        ["", "张伟", good_m, "", "", "1980-05-02", "", "", ""],
        ["", "张伟", good_m, "", "", "1980年6月", "", "", ""],
        ["", "张伟", good_m, "", "", "", "", "没有这类", ""],
        ["", "张伟1", good_m, "", "", "", "", "", ""],
        ["", "", good_m, "", "", "", "", "", ""],
        ["", "张伟", "=A1", "", "", "", "", "", ""],
        ["", "张伟", good_m, "", "", "", "组" * 51, "", ""],
        ["", "张伟", pid(3, born=date(2026, 5, 1)), "", "", "", "", "", ""],
        ["", "张伟", good_m, "", "", "", "", "", ""],
        ["", "张伟", 630121198005010011, "", "", "", "", "", ""],
        ["", "张伟", idcard.generate("630121", born, "M", 4)[:15], "", "", "", "", "", ""],
        ["", "张伟", good_m],
    ]
    fast = importing.FastReader(columns, categories).read
    answered = 0
    for cells in rows:
        got = fast(cells)
        row, issues = importing.read_row(7, cells, columns, categories)
        if got is None:
            continue
        answered += 1
        assert not issues and row is not None, cells
        assert got == (
            row.id_number,
            row.name,
            row.sex,
            row.birth_date,
            row.ethnicity,
            row.group_name,
            row.category,
            row.household_no,
            row.village,
        )
    assert answered == 5


def test_an_unconfirmed_preview_expires_and_its_file_is_deleted(cast, campaign):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    job = preview(cast, campaign, csv_bytes(GOOD))
    stored = Path(job.stored_path)
    assert stored.exists()
    assert uploads_expire() == 0  # still fresh
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=25))
    out = io.StringIO()
    call_command("voters", "purge", stdout=out)
    assert "1 个" in out.getvalue()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and not job.stored_path
    assert not stored.exists()
    assert AuditEvent.objects.filter(action="voters.import_expire", object_id=str(job.pk)).exists()


def test_a_row_naming_a_dead_or_deprived_person_rejects_the_file_whole(cast, campaign):
    from huanjie.people.services import PersonIn, person_row
    from huanjie.voters.status import person_status_record

    def known(seq: int, name: str, sex: str = "M") -> Person:
        person = person_row(
            PersonIn(pid(seq, sex), name, sex, date(1980, 5, 1), "01", VILLAGE, "第一组")
        )
        person.save()
        return person

    for person, kind, on, until in (
        (known(1, "张伟"), "died", date(2026, 9, 30), None),
        (known(2, "李秀英", "F"), "rights_deprived", date(2025, 1, 1), date(2028, 12, 31)),
        # Deprived until the day before this election day (2027-01-15): may vote.
        (known(3, "马·阿里"), "rights_deprived", date(2023, 1, 1), date(2027, 1, 14)),
    ):
        person_status_record(
            actor=cast.county_officer,
            person=person,
            kind=kind,
            on=on,
            until=until,
            source="公安机关通知",
        )
    job = preview(cast, campaign, csv_bytes(GOOD))
    assert job.status == ImportJob.Status.REJECTED
    assert job.message == imports.MSG_REJECTED.format(n=2)
    assert [(p["row"], p["field"], p["value"], p["message"]) for p in job.problems] == [
        (
            2,
            "公民身份号码",
            idcard.mask(pid(1)),
            "人员库记录该人已于2026年9月30日死亡，不能登记为选民",
        ),
        (
            3,
            "公民身份号码",
            idcard.mask(pid(2, "F")),
            "人员库记录该人被剥夺政治权利（自2025年1月1日起至2028年12月31日止），"
            "选举日没有选举权，不能登记（村民委员会组织法(2025) 第十六条）",
        ),
    ]
    assert not VoterRegistration.objects.exists()


_VALID = {"village": ["", "630121100206"], "name": ["张伟", "李 秀英", "马·阿里"], "sex": ["男", ""],
          "ethnicity": ["汉族", "回", "03", ""], "birth_date": ["1980-05-01", "19800501", ""],
          "group_name": ["第一组", ""], "category": ["", "户籍在本村并且在本村居住", "hukou_absent"],
          "household_no": ["12", ""]}  # fmt: skip
_EDGES = ["", " ", "  ", "\u3000", "\t", "=", "\n", "\xa0"]


@given(data=st.data())
@settings(max_examples=400, deadline=None)
def test_the_fast_reader_answers_only_what_read_row_accepts_without_a_word(data):
    """Whatever the cells (spaces at either end, wide spaces, tabs, formulas, numbers) and
    whichever columns the file has, the fast path answers None or exactly read_row's row."""
    keys = [*_VALID, "id_number"]
    dropped = data.draw(st.sets(st.sampled_from(["village", "category", "household_no", "sex"])))
    present = [k for k in data.draw(st.permutations(keys)) if k not in dropped]
    columns = {k: i for i, k in enumerate(present)}
    categories = importing.category_lookup(imports.Category.choices)
    number = pid(1)
    edge = st.sampled_from(_EDGES)
    odd = data.draw(st.sets(st.sampled_from(present), max_size=2))  # these cells made awkward
    cells: list[Any] = []
    for key in present:
        valid = [number, number.lower()] if key == "id_number" else _VALID[key]
        cell = data.draw(st.sampled_from(valid))
        if key in odd:
            cell = data.draw(edge) + cell + data.draw(edge)
            cell = data.draw(st.sampled_from([cell, cell, cell, 1980, None, "组" * 51, "0" * 18]))
        cells.append(cell)
    cells += data.draw(st.lists(st.sampled_from(["", "x"]), max_size=2))
    got = importing.FastReader(columns, categories).read(cells)
    event("fast" if got is not None else "full")
    if got is None:
        return
    row, issues = importing.read_row(7, cells, columns, categories)
    assert not issues and row is not None, cells
    assert got == (row.id_number, row.name, row.sex, row.birth_date, row.ethnicity,
                   row.group_name, row.category, row.household_no, row.village)  # fmt: skip
