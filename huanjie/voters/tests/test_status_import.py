"""A 变动名单 file: previewed (nothing recorded), confirmed (all recorded, the rolls follow), every
bad row named by row and column in Chinese, and any bad row keeps the whole file out."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from huanjie.audit.models import AuditEvent
from huanjie.conftest import OTHER_COUNTY_VILLAGE, OTHER_TOWN_VILLAGE, TOWN
from huanjie.lib import idcard
from huanjie.lib.sheets import find_header
from huanjie.people.models import Person, PersonChangeImport, PersonStatusChange
from huanjie.regions.models import Region
from huanjie.uploads.services import uploads_expire
from huanjie.voters import importing, status
from huanjie.voters import services as voters
from huanjie.voters.models import ChangeReason, VoterRegistration
from huanjie.voters.tests.test_import import csv_bytes, xlsx_bytes
from huanjie.voters.tests.test_roll_cast import make_person, make_roll

HEADER = ["公民身份号码", "姓名", "变动类型", "变动日期", "截止日期"]


def preview(cast, data: bytes, name: str = "变动名单.csv", code: str = "630121", actor=None):
    return status.person_changes_preview(
        actor=actor or cast.county_officer,
        region=Region.objects.get(code=code),
        upload=SimpleUploadedFile(name, data),
    )


def confirm(cast, job, actor=None):
    return status.person_changes_confirm(actor=actor or cast.county_officer, job=job)


def problems(job) -> list[tuple[int, str, str]]:
    return [(p["row"], p["field"], p["message"]) for p in job.problems]


@pytest.fixture
def people(cast):
    """Four people of 红河限村, all registered on its roll; one already deprived for life."""
    roll = make_roll(cast)
    found = {}
    for name in ("马成林", "祁国强", "韩建业", "鲁秀英"):
        person, number = make_person(name)
        voters.voter_register(
            actor=cast.county_officer,
            campaign=roll.campaign,
            village=roll.village,
            person=person,
            category="hukou_resident",
        )
        found[name] = (person, number)
    status.person_status_record(
        actor=cast.county_officer,
        person=found["鲁秀英"][0],
        kind="rights_deprived",
        on=date(2019, 5, 1),
        source="判决书",
    )
    return found


def good_rows(people):
    return [
        HEADER,
        [people["马成林"][1], "马成林", "死亡", "2026-10-05", ""],
        [people["祁国强"][1], "祁国强", "剥夺政治权利", "2025年1月1日", "2027年6月30日"],
        [people["韩建业"][1], "韩建业", "被剥夺政治权利", "2026.3.1", ""],
        [people["鲁秀英"][1], "鲁秀英", "恢复政治权利", "2026-11-01", ""],
    ]


def test_a_good_file_is_previewed_then_recorded_whole_and_the_roll_follows(cast, people):
    job = preview(cast, csv_bytes(good_rows(people)))
    assert job.status == PersonChangeImport.Status.PREVIEW, job.problems
    assert (job.total_rows, job.applied, job.unchanged, job.removed, job.flagged) == (4, 4, 0, 3, 1)
    # The preview records nothing.
    assert not Person.objects.filter(died_on__isnull=False).exists()
    assert PersonStatusChange.objects.count() == 1
    assert VoterRegistration.objects.filter(active=True).count() == 3
    assert Path(job.stored_path).exists()

    job = confirm(cast, job)
    assert job.status == PersonChangeImport.Status.SUCCEEDED, job.problems
    assert job.message == "已登记变动 4 人（已登记过 0 人），选民登记除名 3 人，待核实 1 人"
    assert not job.stored_path
    by_name = {p.name: p for p in Person.objects.all()}
    assert by_name["马成林"].died_on == date(2026, 10, 5)
    assert (by_name["祁国强"].rights_deprived_from, by_name["祁国强"].rights_deprived_until) == (
        date(2025, 1, 1),
        date(2027, 6, 30),
    )
    assert by_name["韩建业"].rights_deprived_until is None  # 终身
    assert by_name["鲁秀英"].rights_deprived_until == date(2026, 10, 31)
    regs = {r.person.name: r for r in VoterRegistration.objects.select_related("person")}
    assert regs["马成林"].removed_reason == ChangeReason.DIED
    assert regs["祁国强"].removed_reason == ChangeReason.LOST_RIGHTS
    assert regs["韩建业"].removed_reason == ChangeReason.LOST_RIGHTS
    assert regs["鲁秀英"].flag == voters.FLAG_RIGHTS_BACK
    changes = PersonStatusChange.objects.filter(batch=job)
    assert changes.count() == 4
    assert {c.source for c in changes} == {"变动名单：变动名单.csv"}
    event = AuditEvent.objects.get(action="people.changes_import")
    assert event.changes["applied"] == 4 and event.changes["sha256"] == job.sha256
    assert AuditEvent.objects.filter(action="people.status_record").count() == 5
    assert all(number not in str(event.changes) for _, number in people.values())


def test_the_same_file_twice_records_nothing_new(cast, people):
    confirm(cast, preview(cast, csv_bytes(good_rows(people))))
    job = preview(cast, csv_bytes(good_rows(people)))
    assert (job.applied, job.unchanged) == (0, 4)
    job = confirm(cast, job)
    assert job.status == PersonChangeImport.Status.SUCCEEDED
    assert PersonStatusChange.objects.count() == 5


def test_an_xlsx_with_a_title_row_date_cells_and_synonyms_is_read(cast, people):
    rows = [
        ["桥头镇2026年人员变动名单"],
        ["序号", "身份证号", "姓名", "变动情况", "日期", "期满日期"],
        [
            1,
            people["祁国强"][1],
            "祁国强",
            "剥夺政治权利",
            datetime(2025, 1, 1),
            datetime(2027, 6, 30),
        ],
    ]
    job = preview(cast, xlsx_bytes(rows), "名单.xlsx")
    assert job.status == PersonChangeImport.Status.PREVIEW, (job.message, job.problems)
    assert (job.applied, job.removed) == (1, 1)


def test_every_bad_row_is_named_and_nothing_is_recorded(cast, people):
    _, outsider_number = make_person("外县人", region=OTHER_COUNTY_VILLAGE)
    bad_digit = people["韩建业"][1][:17] + ("0" if people["韩建业"][1][17] != "0" else "1")
    unknown = idcard.generate("630121", date(1975, 1, 1), "M", 401)
    rows = [
        HEADER,
        [people["马成林"][1], "马成林", "死亡", "2026-10-05", ""],  # good, but not recorded
        [bad_digit, "韩建业", "死亡", "2026-10-05", ""],
        [unknown, "张三", "死亡", "2026-10-05", ""],
        [outsider_number, "外县人", "死亡", "2026-10-05", ""],
        [people["祁国强"][1], "祁国祥", "死亡", "2026-10-05", ""],
        [people["祁国强"][1], "祁国强", "迁出", "2026-10-05", ""],
        [people["祁国强"][1], "祁国强", "死亡", "10月5日", ""],
        [people["祁国强"][1], "祁国强", "死亡", "", ""],
        [people["祁国强"][1], "祁国强", "剥夺政治权利", "2026-01-01", "2025-12-31"],
        [people["祁国强"][1], "祁国强", "死亡", "2099-01-01", ""],
        [people["祁国强"][1], "祁国强", "死亡", "2026-10-05", "2026-12-31"],
        [people["韩建业"][1], "韩建业", "恢复政治权利", "2026-11-01", ""],
    ]
    job = preview(cast, csv_bytes(rows))
    assert job.status == PersonChangeImport.Status.REJECTED
    assert job.message == status.MSG_REJECTED.format(n=11)
    check_digit = idcard.check(bad_digit).problems[0].message
    expected = {
        3: ("公民身份号码", check_digit),
        4: ("公民身份号码", status.MSG_PERSON_UNKNOWN),
        5: ("公民身份号码", status.MSG_PERSON_UNKNOWN),
        6: ("姓名", "姓名与人员库中该身份证号的姓名“祁国强”不符，本行不予处理"),
        7: ("变动类型", "变动类型“迁出”无法识别，应填“死亡”“剥夺政治权利”或“恢复政治权利”"),
        8: ("变动日期", "变动日期“10月5日”无法识别，请写成 2026-01-01 或 2026年1月1日"),
        9: ("变动日期", "变动日期为空"),
        10: ("截止日期", "截止日期2025年12月31日早于变动日期2026年1月1日"),
        11: ("变动日期", "变动日期2099年1月1日晚于今天，请核对"),
        12: ("截止日期", "“死亡”不填截止日期"),
        13: ("变动类型", "人员库中该人没有剥夺政治权利的记录，不能登记恢复"),
    }
    assert {row: (field, message) for row, field, message in problems(job)} == expected
    assert len(job.problems) == len(expected)
    # All or nothing: the good row 2 was not recorded either, and the file is gone.
    assert Person.objects.get(name="马成林").died_on is None
    assert PersonStatusChange.objects.count() == 1
    assert VoterRegistration.objects.filter(active=True).count() == 3
    assert not job.stored_path
    # The masked number is shown, never the full one.
    assert all(number not in str(job.problems) for _, number in people.values())


def test_a_person_outside_the_area_reads_exactly_as_an_unknown_number(cast, people):
    _, other_number = make_person("城关人", region=OTHER_TOWN_VILLAGE)
    unknown = idcard.generate("630121", date(1975, 1, 1), "M", 402)
    rows = [
        HEADER,
        [other_number, "城关人", "死亡", "2026-10-05", ""],
        [unknown, "城关人", "死亡", "2026-10-05", ""],
    ]
    # 城关村 is in the county but not in 桥头镇: for the town it does not exist.
    job = preview(cast, csv_bytes(rows), code=TOWN, actor=cast.town_officer)
    (_, f1, m1), (_, f2, m2) = problems(job)
    assert (f1, m1) == (f2, m2) == ("公民身份号码", status.MSG_PERSON_UNKNOWN)
    # The county sees the person (and only the unknown number stays unknown).
    job = preview(cast, csv_bytes(rows))
    assert problems(job) == [(3, "公民身份号码", status.MSG_PERSON_UNKNOWN)]


def test_missing_columns_refuse_the_file(cast, people):
    job = preview(cast, csv_bytes([["公民身份号码", "姓名"], [people["马成林"][1], "马成林"]]))
    assert job.status == PersonChangeImport.Status.REJECTED
    assert job.message == "缺少必需的列：变动类型、变动日期"


def test_records_changed_since_the_preview_reject_the_whole_file_on_confirm(cast, people):
    job = preview(cast, csv_bytes(good_rows(people)))
    status.person_status_record(
        actor=cast.county_officer,
        person=people["马成林"][0],
        kind="died",
        on=date(2026, 10, 1),
        source="死亡医学证明",
    )
    job = confirm(cast, job)
    assert job.status == PersonChangeImport.Status.REJECTED
    assert job.message == status.MSG_CHANGED.format(n=1)
    assert problems(job) == [
        (2, "变动日期", "人员库已记录该人于2026年10月1日死亡，与变动日期2026年10月5日不符，请核实")
    ]
    assert Person.objects.get(name="祁国强").rights_deprived_from is None
    assert AuditEvent.objects.filter(action="people.changes_import", outcome="failure").exists()
    with pytest.raises(status.ValidationError) as exc:
        confirm(cast, job)
    assert exc.value.messages == [status.MSG_NOT_PREVIEW]


def test_only_a_county_or_town_officer_of_the_area_imports(cast, people):
    data = csv_bytes(good_rows(people))
    for actor, code in (
        (cast.other_county_officer, "630121"),
        (cast.town_officer, "630121"),
        (cast.village_clerk, "630121100206"),
        (cast.inspector, "630121"),
    ):
        with pytest.raises(status.ValidationError) as exc:
            preview(cast, data, code=code, actor=actor)
        assert exc.value.messages == [status.MSG_DENIED]
    assert not PersonChangeImport.objects.exists()


def test_an_unconfirmed_preview_expires_and_its_file_is_deleted(cast, people):
    job = preview(cast, csv_bytes(good_rows(people)))
    path = Path(job.stored_path)
    assert uploads_expire(now=job.created_at + timedelta(hours=25)) == 1
    job.refresh_from_db()
    assert job.status == PersonChangeImport.Status.FAILED and not path.exists()


def test_the_reader_shares_the_roll_imports_header_rules():
    header = find_header(
        [(1, ["身份证号", "姓名", "类型", "起始日期", "终止日期", "籍贯"])], status.CHANGES_SCHEMA
    )
    assert header.columns == {
        "id_number": 0,
        "name": 1,
        "change_kind": 2,
        "change_on": 3,
        "change_until": 4,
    }
    assert header.unknown == ("籍贯",)
    # A roll file's header does not take the change columns (they stay unknown there).
    roll = find_header([(1, ["姓名", "身份证号", "变动类型"])], importing.ROLL_SCHEMA)
    assert "change_kind" not in roll.columns and roll.unknown == ("变动类型",)
