"""The 党员名册 file: previewed (nothing written), confirmed (members, statuses, flowing members
and registrations, through the services), a re-run changes nothing, one bad row keeps the whole
file out with its Chinese message by row and column, a branch outside the area answers like an
unknown one; the pages answer 404 outside the user's region; the template refuses typed values;
the command line exits 0 or 2."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from huanjie.accounts.models import User
from huanjie.audit.models import AuditEvent
from huanjie.conftest import OTHER_COUNTY_VILLAGE, OTHER_TOWN_VILLAGE, TOWN, VILLAGE
from huanjie.lib import idcard
from huanjie.party import imports
from huanjie.party.imports import (
    MSG_BRANCH_UNKNOWN,
    MSG_NAME_DIFFERS,
    MSG_OTHER_BRANCH,
    MSG_SAME_PERSON,
    MSG_STATUS_BAD,
    MSG_YES_NO_BAD,
)
from huanjie.party.models import MemberRegistration, MemberStatus, PartyMember, PartyRollImport
from huanjie.party.selectors import attendance
from huanjie.party.services import MSG_JOINED_UNDER_18, member_add, member_registration_set
from huanjie.people.models import Person
from huanjie.regions.models import Region

from .conftest import PartyWorld, new_id

HEADER: list[object] = [
    "党组织",
    "姓名",
    "公民身份号码",
    "党员状态",
    "入党日期",
    "是否流动党员",
    "是否已登记参加选举",
]
BRANCH = "中共红河限村支部委员会"
OTHER_BRANCH = "中共东门村支部委员会"


def xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def preview(
    world: PartyWorld,
    rows: Sequence[Sequence[object]],
    *,
    actor: User | None = None,
    code: str = "630121",
) -> PartyRollImport:
    return imports.party_roll_preview(
        actor=actor or world.cast.county_officer,
        campaign=world.campaign,
        area=Region.objects.get(code=code),
        upload=SimpleUploadedFile("党员名册.xlsx", xlsx(rows)),
    )


def run(world: PartyWorld, rows: Sequence[Sequence[object]]) -> PartyRollImport:
    job = preview(world, rows)
    assert job.status == "preview", job.problems
    return imports.party_roll_confirm(actor=job.created_by, job=job)


def problems(job: PartyRollImport) -> list[tuple[int, str, str]]:
    return [(p["row"], p["field"], p["message"]) for p in job.problems]


@pytest.fixture
def ids() -> dict[str, str]:
    """The ID numbers of five people not yet on record (two women)."""
    women = ("韩秀英", "马玉兰")
    names = ("马成林", "祁国强", "韩秀英", "鲁成福", "马玉兰")
    return {name: new_id("F" if name in women else "M") for name in names}


def good_rows(ids: dict[str, str]) -> list[list[object]]:
    return [
        HEADER,
        [BRANCH, "马成林", ids["马成林"], "正式党员", "1995-07-01", "否", "是"],
        [VILLAGE, "祁国强", ids["祁国强"], "预备党员", "", "是", "√"],
        ["红河限村", "韩秀英", ids["韩秀英"], "留党察看", date(1980, 7, 1), "N", ""],
        [OTHER_BRANCH, "鲁成福", ids["鲁成福"], "被依法留置、逮捕", "2001年7月1日", "", "否"],
        ["桥头镇红河限村", "马玉兰", ids["马玉兰"], "正式", "", "Y", "N"],
    ]


def test_a_good_file_is_previewed_then_imported_whole(world, ids):
    job = preview(world, good_rows(ids))
    assert job.status == "preview" and job.problems == []
    assert (job.total_rows, job.added, job.updated, job.unchanged) == (5, 5, 0, 0)
    assert not PartyMember.objects.exists() and not Person.objects.exists()
    assert not AuditEvent.objects.filter(action="party.roll_import").exists()

    done = imports.party_roll_confirm(actor=world.cast.county_officer, job=job)
    assert done.status == "succeeded", done.message
    assert done.message == "已导入：新增党员 5 人，更新 0 人，未变化 0 人"
    members = {m.person.name: m for m in PartyMember.objects.select_related("person", "branch")}
    assert {n: (m.branch.name, m.status, m.flowing) for n, m in members.items()} == {
        "马成林": (BRANCH, MemberStatus.FULL, False),
        "祁国强": (BRANCH, MemberStatus.PROBATIONARY, True),
        "韩秀英": (BRANCH, MemberStatus.PROBATION_DISCIPLINE, False),
        "鲁成福": (OTHER_BRANCH, MemberStatus.SUSPENDED, False),
        "马玉兰": (BRANCH, MemberStatus.FULL, True),
    }
    assert members["马成林"].joined_on == date(1995, 7, 1)
    assert members["韩秀英"].joined_on == date(1980, 7, 1)
    assert members["祁国强"].joined_on is None
    assert members["马成林"].person.region_id == VILLAGE
    assert members["鲁成福"].person.region_id == OTHER_TOWN_VILLAGE
    registered = MemberRegistration.objects.filter(campaign=world.campaign, registered=True)
    assert {r.member.person.name for r in registered} == {"马成林", "祁国强"}
    # 马玉兰 is a flowing member who did not register: not expected at the members' meeting.
    att = attendance(world.campaign, world.branch)
    assert [m.person.name for m in att.expected] == ["马成林"]
    assert [m.person.name for m in att.unregistered_flowing] == ["马玉兰"]
    event = AuditEvent.objects.get(action="party.roll_import")
    assert event.changes["added"] == 5 and event.changes["rows"] == 5
    assert AuditEvent.objects.filter(action="party.member_add").count() == 5
    assert done.stored_path == ""


def test_running_the_same_file_again_changes_nothing(world, ids):
    run(world, good_rows(ids))
    before = AuditEvent.objects.exclude(action="party.roll_import").count()
    registrations = list(MemberRegistration.objects.values_list("pk", "registered", "updated_at"))
    again = run(world, good_rows(ids))
    assert again.status == "succeeded"
    assert (again.added, again.updated, again.unchanged) == (0, 0, 5)
    assert AuditEvent.objects.exclude(action="party.roll_import").count() == before
    assert list(MemberRegistration.objects.values_list("pk", "registered", "updated_at")) == (
        registrations
    )
    assert PartyMember.objects.count() == 5


def test_a_member_whose_values_differ_is_updated_through_the_services(world):
    number = new_id()
    member = member_add(
        actor=world.cast.county_officer, branch=world.branch, id_number=number, name="马成林"
    )
    member_registration_set(
        actor=world.cast.county_officer,
        campaign=world.campaign,
        member=member,
        registered=False,
        exclusion="abroad",
        approved=True,
    )
    job = run(world, [HEADER, [BRANCH, "马成林", number, "正式党员", "1975-07-01", "是", "是"]])
    assert (job.added, job.updated, job.unchanged) == (0, 1, 0)
    member.refresh_from_db()
    assert (member.status, member.flowing, member.joined_on) == (
        MemberStatus.FULL,
        True,
        date(1975, 7, 1),
    )
    reg = MemberRegistration.objects.get(member=member, campaign=world.campaign)
    # Registered now; the approved request to leave him out (P8b) is kept as it was.
    assert (reg.registered, reg.exclusion, reg.approved) == (True, "abroad", True)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"party.member_status", "party.member_joined_on", "party.registration_set"} <= actions

    # The status now: the member is under 留党察看, which has no vote (P1).
    again = run(world, [HEADER, [BRANCH, "马成林", number, "留党察看", "", "是", "是"]])
    assert (again.added, again.updated, again.unchanged) == (0, 1, 0)
    member.refresh_from_db()
    assert member.status == MemberStatus.PROBATION_DISCIPLINE


def test_a_blank_date_and_missing_columns_keep_what_is_recorded(world):
    number = new_id()
    member_add(
        actor=world.cast.county_officer,
        branch=world.branch,
        id_number=number,
        name="马成林",
        flowing=True,
        joined_on=date(1990, 7, 1),
    )
    job = run(world, [HEADER[:5], [BRANCH, "马成林", number, "正式党员", ""]])
    assert (job.added, job.updated, job.unchanged) == (0, 0, 1)
    member = PartyMember.objects.get()
    assert (member.flowing, member.joined_on) == (True, date(1990, 7, 1))
    assert not MemberRegistration.objects.exists()


def _bad_check_digit(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


@pytest.mark.parametrize(
    ("column", "cell", "field", "message"),
    [
        (2, "bad check digit", "公民身份号码", "身份证号校验码不符，请核对是否有数字录入错误"),
        (
            0,
            "中共不存在村支部委员会",
            "党组织",
            MSG_BRANCH_UNKNOWN.format(value="中共不存在村支部委员会", area="大通回族土族自治县"),
        ),
        (3, "积极分子", "党员状态", MSG_STATUS_BAD.format(value="积极分子")),
        (5, "可能", "是否流动党员", MSG_YES_NO_BAD.format(label="是否流动党员", value="可能")),
    ],
)
def test_one_bad_row_rejects_the_whole_file_naming_its_column(
    world, ids, column, cell, field, message
):
    rows = good_rows(ids)
    rows[3][column] = _bad_check_digit(ids["韩秀英"]) if cell == "bad check digit" else cell
    job = preview(world, rows)
    assert job.status == "rejected"
    assert job.message == "文件有 1 处错误，未导入任何数据，请修改后重新上传"
    assert problems(job) == [(4, field, message)]
    assert field in message or field == "公民身份号码"  # the message names its column
    assert not PartyMember.objects.exists() and not Person.objects.exists()
    assert job.stored_path == ""


def test_a_branch_of_another_town_or_county_answers_like_an_unknown_one(world, ids):
    town = world.cast.town_officer
    rows = [
        HEADER,
        [OTHER_BRANCH, "马成林", ids["马成林"], "正式党员", "", "否", "是"],
        [OTHER_TOWN_VILLAGE, "祁国强", ids["祁国强"], "正式党员", "", "否", "是"],
        [OTHER_COUNTY_VILLAGE, "韩秀英", ids["韩秀英"], "正式党员", "", "否", "是"],
        ["没有这个村", "鲁成福", ids["鲁成福"], "正式党员", "", "否", "是"],
    ]
    job = preview(world, rows, actor=town, code=TOWN)
    assert job.status == "rejected"
    assert problems(job) == [
        (row, "党组织", MSG_BRANCH_UNKNOWN.format(value=value, area="桥头镇"))
        for row, value in enumerate(
            (OTHER_BRANCH, OTHER_TOWN_VILLAGE, OTHER_COUNTY_VILLAGE, "没有这个村"), start=2
        )
    ]


def test_the_same_person_twice_is_an_error_on_the_second_row(world, ids):
    rows = good_rows(ids)
    rows.append([OTHER_BRANCH, "马成林", ids["马成林"], "正式党员", "", "否", "否"])
    job = preview(world, rows)
    assert problems(job) == [(7, "公民身份号码", MSG_SAME_PERSON.format(row=2))]


def test_a_known_number_under_another_name_is_never_attached(world):
    number = new_id()
    member_add(
        actor=world.cast.county_officer, branch=world.branch, id_number=number, name="马成林"
    )
    job = preview(world, [HEADER, [OTHER_BRANCH, "马承林", number, "正式党员", "", "否", "否"]])
    assert problems(job) == [(2, "姓名", MSG_NAME_DIFFERS.format(name="马成林"))]
    assert PartyMember.objects.count() == 1


def test_a_member_of_another_branch_is_not_added_twice(world):
    number = new_id()
    member_add(
        actor=world.cast.county_officer, branch=world.branch, id_number=number, name="马成林"
    )
    job = preview(world, [HEADER, [OTHER_BRANCH, "马成林", number, "正式党员", "", "否", "否"]])
    assert problems(job) == [(2, "党组织", MSG_OTHER_BRANCH.format(branch=BRANCH))]


def test_a_date_of_joining_before_the_eighteenth_birthday_is_refused(world):
    number = idcard.generate("630121", date(1950, 1, 1), "M", 321)
    job = preview(world, [HEADER, [BRANCH, "马成林", number, "正式党员", "1967-12-31", "否", "否"]])
    message = MSG_JOINED_UNDER_18.format(day="1967-12-31", birth="1950-01-01")
    assert problems(job) == [(2, "入党日期", message)]
    ok = preview(world, [HEADER, [BRANCH, "马成林", number, "正式党员", "1968-01-01", "否", "否"]])
    assert ok.status == "preview"


# ---------------------------------------------------------------------------------------------
# The pages.


def _pages(world: PartyWorld, job: PartyRollImport) -> list[str]:
    c, j = world.campaign.pk, job.pk
    return [
        f"/party/campaigns/{c}/areas/630121/import/",
        f"/party/campaigns/{c}/areas/{TOWN}/import/",
        f"/party/campaigns/{c}/areas/630121/import/template.xlsx",
        f"/party/campaigns/{c}/areas/{TOWN}/import/template.xlsx",
        f"/party/imports/{j}/",
        f"/party/imports/{j}/run/",
        f"/party/imports/{j}/progress/",
        f"/party/imports/{j}/problems.xlsx",
    ]


def test_a_town_officer_uploads_previews_and_confirms_on_the_pages(world, ids):
    client = world.cast.client(world.cast.town_officer)
    url = f"/party/campaigns/{world.campaign.pk}/areas/{TOWN}/import/"
    page = client.get(url)
    assert page.status_code == 200
    assert f"{url}template.xlsx" in page.content.decode()
    rows = [r for r in good_rows(ids) if r[0] != OTHER_BRANCH]
    response = client.post(url, {"file": SimpleUploadedFile("名册.xlsx", xlsx(rows))})
    job = PartyRollImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/party/imports/{job.pk}/"
    body = client.get(response["Location"]).content.decode()
    assert 'data-testid="added">4<' in body
    assert client.post(f"/party/imports/{job.pk}/run/").status_code == 302
    job.refresh_from_db()
    assert job.status == "succeeded" and job.added == 4
    assert PartyMember.objects.filter(branch=world.branch).count() == 4
    assert "名册.xlsx" in client.get(url).content.decode()  # the recent jobs


def test_every_route_answers_404_outside_the_users_region(world, ids):
    job = preview(world, good_rows(ids))
    town_job = preview(world, good_rows(ids)[:2], actor=world.cast.town_officer, code=TOWN)
    refused = [
        (world.cast.other_county_officer, _pages(world, job)),
        (world.cast.village_clerk, _pages(world, town_job)),  # no right to manage Party data
        (world.cast.town_officer, _pages(world, job)[::2]),  # the county's pages and job
    ]
    for user, urls in refused:
        client = world.cast.client(user)
        for url in urls:
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                # Confirming is POST only: a GET is refused before anything is looked up.
                expected = 405 if method == "get" and url.endswith("/run/") else 404
                assert status == expected, f"{method.upper()} {url} as {user.username}: {status}"
    job.refresh_from_db()
    assert job.status == "preview"
    assert not PartyMember.objects.exists()


def test_the_branch_list_links_a_manager_to_the_import(world):
    url = f"/party/campaigns/{world.campaign.pk}/"
    town = world.cast.client(world.cast.town_officer).get(url).content.decode()
    assert f'href="/party/campaigns/{world.campaign.pk}/areas/{TOWN}/import/"' in town
    clerk = world.cast.client(world.cast.village_clerk).get(url).content.decode()
    assert 'data-testid="roll-import"' not in clerk


def test_the_template_has_the_areas_branches_and_strict_drop_downs(world):
    client = world.cast.client(world.cast.town_officer)
    response = client.get(f"/party/campaigns/{world.campaign.pk}/areas/{TOWN}/import/template.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["党员名册"]
    assert [c.value for c in sheet[2]] == HEADER
    # The ID column is formatted as text: Excel must not turn a number into 6.30121E+17.
    assert sheet.column_dimensions["C"].number_format == "@"
    options = book["选项"]
    validations = {str(dv.sqref)[0]: dv for dv in sheet.data_validations.dataValidation}
    assert set(validations) == {"A", "D", "F", "G"}
    for dv in validations.values():
        assert dv.type == "list" and dv.showErrorMessage
        # ECMA-376 18.3.1.32: an absent errorStyle is "stop" (xlsxwriter writes only the others).
        assert (dv.errorStyle or "stop") == "stop"
        assert str(dv.sqref).endswith(f"{imports.MAX_ROWS + 2}")

    def listed(column: str) -> list[str]:
        cells = validations[column].formula1.split("!")[1].replace("$", "")
        return [c.value for row in options[cells] for c in row]

    # Only the town's branches: 东门村 is in 城关镇.
    assert listed("A") == [BRANCH]
    assert listed("D") == ["正式党员", "预备党员", "留党察看", "被依法留置、逮捕"]
    assert listed("F") == listed("G") == ["是", "否"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "errorStyle" not in xml  # no "warning" or "information" alert lets a typed value in


# ---------------------------------------------------------------------------------------------
# The command line.


def test_the_command_imports_a_good_file_and_exits_2_on_a_bad_one(world, ids, tmp_path: Path):
    args = ["--scope", "630121", "--campaign", str(world.campaign.pk), "--user", "county"]
    good = tmp_path / "党员名册.xlsx"
    good.write_bytes(xlsx(good_rows(ids)))
    out = io.StringIO()
    call_command("import", "party", str(good), *args, stdout=out)
    assert "新增党员 5" in out.getvalue()
    assert PartyMember.objects.count() == 5

    rows = good_rows(ids)
    rows[2][3] = "积极分子"
    bad = tmp_path / "错误名册.xlsx"
    bad.write_bytes(xlsx(rows))
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import", "party", str(bad), *args, stdout=io.StringIO(), stderr=err)
    assert exit_.value.code == 2
    assert MSG_STATUS_BAD.format(value="积极分子") in err.getvalue()
    assert PartyRollImport.objects.filter(status="rejected").count() == 1
