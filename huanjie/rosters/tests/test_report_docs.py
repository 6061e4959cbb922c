"""The report's words, workbook and Word document, on reports built by hand (report_sample:
seed 003 §二's county), independent of the computation."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from datetime import date
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from docx import Document
from python_calamine import CalamineWorkbook

from huanjie.rosters import report_text as text
from huanjie.rosters.report_docx import report_docx
from huanjie.rosters.report_types import Figure, Report
from huanjie.rosters.report_xlsx import report_xlsx
from huanjie.rosters.tests.report_sample import seed_report

SEED_003 = (
    "全县1010名村干部中，35岁以下409人，占40.5%，比上届提高9.8个百分点；"
    "高中（中专）以上学历879人，占87.0%，比上届提高9.1个百分点，其中大专以上学历476人，"
    "占47.1%；女干部268名，占26.5%，比上届提高2.1个百分点。"
)


def _docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _figure(**fields: Any) -> Figure:
    base: dict[str, Any] = {"key": "women", "label": "女干部", "group": "sex", "unit": "人"}
    return Figure(**(base | {"value": 10} | fields))


@pytest.mark.parametrize(
    ("share", "previous", "words"),
    [
        (Decimal("40.5"), Decimal("30.7"), "，比上届提高9.8个百分点"),
        (Decimal("26.5"), Decimal("28.0"), "，比上届降低1.5个百分点"),
        (Decimal("26.5"), Decimal("26.5"), "，与上届持平"),
        (Decimal("26.5"), None, ""),
    ],
)
def test_a_share_changes_in_percentage_points(share, previous, words):
    assert text.points(_figure(share=share, previous_share=previous)) == words


@pytest.mark.parametrize(
    ("value", "previous", "unit", "words"),
    [
        (96, 95, "个", "，比上届增加1个"),
        (14, 16, "人", "，比上届减少2人"),
        (805, 805, "人次", "，与上届持平"),
        (91, None, "人", ""),
    ],
)
def test_a_count_changes_in_its_unit(value, previous, unit, words):
    f = _figure(value=value, previous_value=previous, unit=unit)
    assert text.count_change(f) == words


def test_the_first_paragraph_reads_as_seed_003():
    paragraph = text.structure_paragraph(seed_report().scope)
    assert paragraph.startswith(SEED_003)
    assert (
        "除不占职数的大学生村官外，共有村干部919人，平均每个村5.2人（上届每个村5.8人）。"
        in paragraph
    )


def test_without_a_previous_term_nothing_is_compared():
    report = seed_report(previous=False)
    words = "".join(
        [
            text.structure_paragraph(report.scope),
            text.composition_paragraph(report.scope),
            *text.roles_paragraphs(report.scope),
            text.tags_paragraph(report.scope),
        ]
    )
    assert "上届" not in words
    assert words.startswith("全县1010名村干部中，35岁以下409人，占40.5%；")


def test_a_town_speaks_of_itself_as_the_whole_town():
    town = seed_report().children[0]
    assert text.structure_paragraph(town).startswith("全镇505名村干部中，")


def test_the_roles_and_tags_read_as_seed_003():
    scope = seed_report().scope
    roles = "".join(text.roles_paragraphs(scope))
    assert "书记、主任一肩挑的村96个，占54.5%，比上届增加1个" in roles
    assert "村务监督委员会主任由村党组织成员兼任的160人，占90.9%" in roles
    assert "党员村（居）委会主任175人，占99.4%" in roles
    tags = text.tags_paragraph(scope)
    assert tags.startswith("村干部中，共有私营企业主（致富带头人）51人")
    assert "比上届增加11人" in tags and "种养大户14人，占1.4%，比上届减少2人" in tags
    assert "大学生“村官”91人，占9.0%，比上届增加73人" in tags


def test_the_care_paragraph_counts_who_left_and_who_was_placed():
    care = text.care_paragraph(seed_report().scope)
    assert care.startswith(
        "本次换届，全县共有103名村干部退出村级班子，其中另行安排工作的62名，占60.2%"
    )
    assert "合计41.2万元" in care


def test_the_word_report_has_its_title_sections_text_and_towns():
    content = report_docx(seed_report(), dated=date(2027, 2, 1))
    words = _docx_text(content)
    assert "大通回族土族自治县第11届村（社区）" in words
    assert "“两委”班子结构情况统计报告" in words
    for heading in (
        "一、班子结构",
        "二、交叉任职与一肩挑",
        "三、身份构成",
        "四、后备干部与离任关爱",
    ):
        assert heading in words
    assert SEED_003 in words
    assert "2027年2月1日" in words
    assert "桥头镇" in words and "城关镇" in words and "合计" in words
    assert "与第10届进行了比较" in words


def test_the_word_report_without_a_previous_term_compares_nothing():
    words = _docx_text(report_docx(seed_report(previous=False), dated=date(2027, 2, 1)))
    assert "比上届" not in words and "上届每个村" not in words
    assert "进行了比较" not in words


def test_the_word_report_names_east_asian_fonts():
    doc = Document(io.BytesIO(report_docx(seed_report())))
    xml = doc.element.xml
    assert 'w:eastAsia="黑体"' in xml and 'w:eastAsia="仿宋"' in xml


def test_the_workbook_holds_every_figure_as_a_number():
    report = seed_report()
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(report)))
    assert book.sheetnames == ["本级统计", "各乡镇（街道）", "民族构成"]
    sheet = book["本级统计"]
    assert sheet["A1"].value == "大通回族土族自治县第11届村（社区）“两委”班子结构情况统计表"
    assert "2026年12月31日" in sheet["A2"].value and "第10届" in sheet["A2"].value
    rows = {r[0]: r for r in sheet.iter_rows(min_row=5, values_only=True) if r[1]}
    assert len(rows) == len(report.scope.figures)
    assert rows["35岁以下"] == ("35岁以下", "人", 409, 40.5, 319, 30.7, 90, pytest.approx(9.8))
    assert rows["平均每村"][2] == 5.2
    assert rows["新任村党组织书记"][4] is None  # not compared: an empty cell, never 0
    young = next(c for c in sheet.iter_rows(min_row=5) if c[0].value == "35岁以下")
    assert young[3].number_format == "0.0"
    assert young[7].number_format == "+0.0;-0.0;0.0"


def test_the_workbook_has_a_row_per_town_and_the_total():
    report = seed_report()
    sheet = openpyxl.load_workbook(io.BytesIO(report_xlsx(report)))["各乡镇（街道）"]
    header = [c.value for c in sheet[4]]
    assert header[:4] == ["区划代码", "名称", "村(社区)数（个）", "村干部（人）"]
    body = list(sheet.iter_rows(min_row=5, values_only=True))
    assert [r[1] for r in body] == ["桥头镇", "城关镇", "合计"]
    total = dict(zip(header, body[-1], strict=True))
    assert total["村干部（人）"] == 1010
    assert total["35岁以下占比%"] == 40.5


def test_the_workbook_opens_with_calamine_and_holds_the_ethnicities():
    book = CalamineWorkbook.from_filelike(io.BytesIO(report_xlsx(seed_report())))
    rows = book.get_sheet_by_name("民族构成").to_python()
    assert ["03", "回族", 201.0, 19.9] in [list(r) for r in rows]


def test_a_region_name_is_never_a_formula():
    report = seed_report()
    evil = dataclasses.replace(report.children[0], name="=HYPERLINK(1)")
    book = openpyxl.load_workbook(
        io.BytesIO(report_xlsx(dataclasses.replace(report, children=(evil,))))
    )
    names = [r[1] for r in book["各乡镇（街道）"].iter_rows(min_row=5, values_only=True)]
    assert names[0] == "'=HYPERLINK(1)"


def test_nothing_holds_an_id_number():
    report: Report = seed_report()
    for content in (report_xlsx(report), report_docx(report)):
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            for name in package.namelist():
                assert not re.search(rb"(?<!\d)\d{17}[\dX](?!\d)", package.read(name)), name
