"""The roster file through the one pipeline: previewed, run all or nothing; every row's problem
names its row and column with the ID number masked; the file replaces the term's imported rows
of its area; villages whose roster came from results are refused; the term's date is one."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from huanjie.audit.models import AuditEvent
from huanjie.conftest import OTHER_TOWN_VILLAGE, TOWN, VILLAGE, Cast
from huanjie.lib.workbooks import Limits
from huanjie.people.models import Person
from huanjie.people.services import PersonIn, person_row
from huanjie.regions.models import Region
from huanjie.rosters.imports import ROSTERS, roster_import_preview, roster_template
from huanjie.rosters.models import Cadre, Source, Term
from huanjie.rosters.tests.import_helpers import REFERENCE, number, preview, problems, row, run
from huanjie.uploads.exports import problems_xlsx

pytestmark = pytest.mark.django_db

COMMUNITY = "630121100001"  # 人民路南社区
SECOND = "630121100207"  # 毛家寨村

A, B, C = date(1970, 3, 2), date(1985, 7, 9), date(1996, 1, 20)


def _known(name: str, day: date, region: str = VILLAGE, sex: str = "M", seq: int = 7) -> Person:
    person = person_row(
        PersonIn(
            id_number=number(day, sex, seq),
            name=name,
            sex=sex,
            birth_date=day,
            ethnicity="03",
            region_code=region,
        )
    )
    person.save()
    return person


def test_a_good_file_makes_the_term_the_people_and_the_cadres(cast: Cast) -> None:
    known = _known("马成林", A)
    rows = [
        row(VILLAGE, "马成林", number(A), "村党组织", "支部书记", 民族="回族"),
        row(VILLAGE, "马成林", number(A), "村委会", "主任", 民族="回族"),
        row(VILLAGE, "马成林", number(A), "社管会", "社长", 民族="回族", 身份标签="致富带头人"),
        row("毛家寨村", "祁玉梅", number(B, "F", 3), "村民委员会", "妇女委员", 性别="女",
            民族="土族", 文化程度="大专", 政治面貌="群众", 身份标签="大学生“村官”；回乡创业"),
        row(SECOND, "李强", number(C), "社监会", "监事长", 文化程度="本科"),
    ]  # fmt: skip
    job = preview(cast.county_officer, "630121", rows)
    assert job.status == "preview", job.problems
    assert (job.added, job.replaced, job.total_rows) == (5, 0, 5)
    assert not Cadre.objects.exists() and not Term.objects.exists()  # a preview writes nothing
    job = run(cast.county_officer, "630121", rows)
    assert job.status == "succeeded", job.problems
    assert "人员库新增 2 人" in job.message
    term = Term.objects.get(county_id="630121", number=11)
    assert term.reference_date == REFERENCE
    cadres = {(c.name, c.body): c for c in Cadre.objects.filter(term=term)}
    assert len(cadres) == 5
    secretary = cadres["马成林", "party"]
    assert (secretary.post, secretary.person_id, secretary.source) == (
        "secretary",
        known.pk,
        "import",
    )
    assert (secretary.age, secretary.birth_date, secretary.sex) == (51, A, "M")
    assert (secretary.started_on, secretary.roster_import_id, secretary.term_number) == (
        REFERENCE,
        job.pk,
        11,
    )
    assert cadres["马成林", "villagers"].post == "director"
    coop = cadres["马成林", "cooperative"]
    assert (coop.post, coop.tag_entrepreneur, coop.ethnicity) == ("director", True, "03")
    woman = cadres["祁玉梅", "villagers"]
    assert (woman.post, woman.sex, woman.ethnicity, woman.education, woman.political_status) == (
        "woman_member", "F", "30", "30", "13"
    )  # fmt: skip
    assert (woman.tag_college_official, woman.tag_returnee, woman.tag_veteran) == (
        True,
        True,
        False,
    )
    assert woman.person is not None and woman.person.region_id == SECOND
    board = cadres["李强", "cooperative_supervision"]
    assert (board.post, board.education) == ("director", "20")
    assert AuditEvent.objects.filter(action="roster.import").count() == 1
    assert AuditEvent.objects.filter(action="people.bulk_create").count() == 1
    assert AuditEvent.objects.filter(action="roster.term_create").count() == 1


def test_each_bad_input_names_its_row_and_column_and_nothing_is_written(cast: Cast) -> None:
    _known("马成林", A)
    good = number(B)
    wrong_digit = good[:-1] + ("0" if good[-1] != "0" else "1")
    rows = [
        row(VILLAGE, "韩一", "63012119850709"),  # 2 length
        row(VILLAGE, "韩二", wrong_digit),  # 3 check digit
        row(VILLAGE, "韩三", 6.30121198507091e17),  # 4 Excel's number
        row("630121100999", "韩四", number(C)),  # 5 unknown village
        row(VILLAGE, "韩五", number(C, seq=8), 民族="火星族"),  # 6
        row(VILLAGE, "韩六", number(C, seq=9), 文化程度="火星大学"),  # 7
        row(VILLAGE, "韩七", number(C, seq=10), 政治面貌="火星党"),  # 8
        row(VILLAGE, "韩八", number(C, seq=11), "村霸组织"),  # 9 body
        row(VILLAGE, "韩九", number(C, seq=12), "村党组织", "社长"),  # 10 post of another body
        row(VILLAGE, "韩十", number(C, seq=13), 身份标签="退役军人；能人"),  # 11 tag
        row(VILLAGE, "韩十一", number(C, seq=14), 性别="女"),  # 12 sex
        row(VILLAGE, "马成林", number(B, seq=15), "村务监督委员会", "主任"),  # 13 ok
        row(VILLAGE, "马成林", number(B, seq=15), "村务监督委员会", "委员"),  # 14 same body
        row(VILLAGE, "马成", number(A), "经济合作社", "社长"),  # 15 known under another name
        row(VILLAGE, "韩十二", number(C, seq=16), "村党组织", "书记"),  # 16 ok
        row(VILLAGE, "韩十三", number(C, seq=17), "村党组织", "书记"),  # 17 second secretary
        row(COMMUNITY, "韩十四", number(C, seq=18), "村民委员会", "主任"),  # 18 community
        row(SECOND, "韩十五", number(C, seq=19), 村名="红河限村"),  # 19 name != code
    ]
    rows[-1][1] = "红河限村"
    job = preview(cast.county_officer, "630121", rows)
    assert job.status == "rejected"
    found = problems(job)
    fields = {r: f for r, (f, _, _) in found.items()}
    assert fields == {
        2: "公民身份号码", 3: "公民身份号码", 4: "公民身份号码", 5: "村代码", 6: "民族",
        7: "文化程度", 8: "政治面貌", 9: "组织", 10: "职务", 11: "身份标签", 12: "公民身份号码",
        14: "公民身份号码", 15: "姓名", 17: "职务", 18: "组织", 19: "村名",
    }  # fmt: skip
    messages = {r: m for r, (_, m, _) in found.items()}
    assert "校验码" in messages[3]
    assert "Excel" in messages[4] or "科学计数" in messages[4] or "15" in messages[4]
    assert "不是大通回族土族自治县的村(社区)" in messages[5]
    assert "村党组织没有“社长”职务" in messages[10]
    assert "能人" in messages[11]
    assert "同一人在一个组织只能填写一个职务" in messages[14]
    assert "马成林" in messages[15]
    assert "一个组织只能有一名书记" in messages[17]
    assert "居民委员会" in messages[18]
    assert not Cadre.objects.exists() and not Term.objects.exists()
    assert Person.objects.count() == 1
    shown = str(job.problems) + problems_xlsx(job).hex()
    for r in rows:
        assert str(r[3]) not in str(job.problems)
    assert good not in shown and number(A) not in str(job.problems)


def test_a_town_officer_cannot_name_another_towns_village_nor_import_its_area(cast: Cast) -> None:
    job = preview(cast.town_officer, TOWN, [row(OTHER_TOWN_VILLAGE, "韩一", number(C))])
    assert job.status == "rejected"
    assert "不是桥头镇的村(社区)" in problems(job)[2][1]
    for code in ("630121", "630121101"):
        with pytest.raises(ValidationError):
            preview(cast.town_officer, code, [row(VILLAGE, "韩一", number(C))])
    with pytest.raises(ValidationError):
        preview(cast.village_clerk, TOWN, [row(VILLAGE, "韩一", number(C))])
    with pytest.raises(ValidationError):
        preview(cast.other_county_officer, "630121", [row(VILLAGE, "韩一", number(C))])
    assert AuditEvent.objects.filter(action="access.denied").exists()


def test_a_village_named_by_its_name_alone(cast: Cast) -> None:
    job = run(cast.town_officer, TOWN, [row("红河限村", "韩一", number(C))])
    assert job.status == "succeeded", job.problems
    assert Cadre.objects.get().village_id == VILLAGE


def test_the_same_person_in_two_villages_is_flagged_and_imported(cast: Cast) -> None:
    rows = [
        row(VILLAGE, "韩一", number(C), "村党组织", "书记"),
        row(SECOND, "韩一", number(C), "村党组织", "委员"),
    ]
    job = run(cast.county_officer, "630121", rows)
    assert job.status == "succeeded"
    assert job.doubtful == 1 and problems(job)[3][2] == "doubtful"
    assert "跨村任职" in problems(job)[3][1]
    assert Cadre.objects.count() == 2 and Person.objects.count() == 1


def test_a_second_file_replaces_the_terms_imported_rows_of_its_area(cast: Cast) -> None:
    first = [row(VILLAGE, "韩一", number(C)), row(OTHER_TOWN_VILLAGE, "韩二", number(B))]
    assert run(cast.county_officer, "630121", first).status == "succeeded"
    # The town's file replaces its own villages only.
    job = run(cast.town_officer, TOWN, [row(SECOND, "韩三", number(A))])
    assert (job.status, job.added, job.replaced) == ("succeeded", 1, 1)
    assert set(Cadre.objects.values_list("name", flat=True)) == {"韩二", "韩三"}
    # Another term is another roster.
    assert run(cast.town_officer, TOWN, [row(SECOND, "韩三", number(A))], term=10,
               reference=date(2018, 12, 31)).replaced == 0  # fmt: skip
    assert Cadre.objects.count() == 3


def test_another_reference_date_for_an_existing_term_refuses_the_file(cast: Cast) -> None:
    assert (
        run(cast.county_officer, "630121", [row(VILLAGE, "韩一", number(C))]).status == "succeeded"
    )
    job = preview(cast.county_officer, "630121", [row(VILLAGE, "韩一", number(C))],
                  reference=date(2022, 2, 28))  # fmt: skip
    assert job.status == "rejected"
    assert "基准日期已定为2022年1月31日" in job.message and not job.problems


def test_villages_with_a_roster_from_results_are_refused(cast: Cast) -> None:
    run(cast.county_officer, "630121", [row(SECOND, "韩一", number(C))])
    term = Term.objects.get()
    Cadre.objects.create(
        village_id=VILLAGE, body="party", term=term, term_number=11, post="secretary",
        name="马一", sex="M", source=Source.RESULT, started_on=REFERENCE,
    )  # fmt: skip
    job = preview(cast.county_officer, "630121", [row(VILLAGE, "韩二", number(B))])
    assert job.status == "rejected"
    assert "已由选举结果" in problems(job)[2][1]
    # The import of the other villages still replaces theirs; the result's row stays.
    job = run(cast.county_officer, "630121", [row(SECOND, "韩二", number(B))])
    assert (job.status, job.replaced) == ("succeeded", 1)
    assert Cadre.objects.filter(source="result").count() == 1


def test_an_empty_file_a_file_too_long_and_a_bad_header_are_refused(cast: Cast) -> None:
    assert "没有数据行" in preview(cast.county_officer, "630121", []).message
    job = roster_import_preview(
        actor=cast.county_officer,
        area=Region.objects.get(code="630121"),
        upload=SimpleUploadedFile(
            "干部名册.xlsx",
            _book([row(VILLAGE, f"韩{i}", number(C, seq=i)) for i in range(1, 5)]),
        ),
        term_number=11,
        reference_date=REFERENCE,
        limits=Limits(max_rows=3),
    )
    assert job.status == "rejected" and "3" in job.message
    header = ["姓名", "公民身份号码", "组织", "职务"]
    job = preview(
        cast.county_officer,
        "630121",
        [],
        content=_book([["韩一", number(C), "村党组织", "书记"]], header),
    )
    assert job.status == "rejected" and "村代码" in job.message


def test_the_term_and_its_date_are_checked(cast: Cast) -> None:
    for term, day in ((0, REFERENCE), (100, REFERENCE), (11, date(2999, 1, 1))):
        with pytest.raises(ValidationError):
            preview(
                cast.county_officer,
                "630121",
                [row(VILLAGE, "韩一", number(C))],
                term=term,
                reference=day,
            )


@pytest.mark.usefixtures("regions")
def test_the_template_has_the_issues_headers_and_the_areas_villages() -> None:
    book = openpyxl.load_workbook(io.BytesIO(roster_template(Region.objects.get(code=TOWN))))
    sheet = book["干部名册"]
    assert [c.value for c in sheet[2]] == [
        "村代码", "村名", "姓名", "公民身份号码", "性别", "民族", "文化程度", "政治面貌", "组织",
        "职务", "身份标签",
    ]  # fmt: skip
    assert "红河限村" in [c.value for c in book["选项"]["A"]]
    assert ROSTERS.kind == "roster"


def _book(rows: list[list[object]], header: list[str] | None = None) -> bytes:
    from huanjie.rosters.tests.import_helpers import xlsx

    return xlsx(rows, header) if header else xlsx(rows)
