"""The 干部名册 landing page and the statistics report's pages and downloads, on the crafted roster
of report_world (county 630121, terms 10 and 11): who may see what, the 404 of another county,
what the page, the xlsx and the Word file hold."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from docx import Document

from huanjie.accounts.permissions import menu_for
from huanjie.audit.models import AuditEvent
from huanjie.audit.services import ACCESS_DENIED
from huanjie.rosters import report_views
from huanjie.rosters.tests import report_world
from huanjie.rosters.tests.report_sample import seed_report

FULL_ID = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


@pytest.fixture
def world(cast):
    return report_world.build()


def _report_url(code: str, suffix: str = "") -> str:
    return f"/rosters/report/{code}/{suffix}"


def test_the_menu_names_the_roster_for_who_may_see_the_report(cast):
    def labels(user):
        return [i.label for _, items in menu_for(user) for i in items]

    assert "干部名册" in labels(cast.county_officer)
    assert "干部名册" in labels(cast.inspector)
    assert "干部名册" not in labels(cast.village_clerk)
    assert "干部名册" not in labels(cast.reviewer)


def test_the_landing_page_lists_the_terms_and_the_parts_that_exist(cast, world):
    page = cast.client(cast.county_officer).get("/rosters/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "第11届" in html and "第10届" in html
    assert "2027年1月15日" in html
    assert 'href="/rosters/report/630121/?term=11"' in html
    assert "结构统计" in html


def test_the_landing_page_shows_the_inspector_no_import(cast, world):
    html = cast.client(cast.inspector).get("/rosters/").content.decode()
    assert "结构统计" in html
    assert "名册导入" not in html


def test_the_landing_page_is_not_for_a_village_clerk(cast):
    assert cast.client(cast.village_clerk).get("/rosters/").status_code == 404


@pytest.mark.parametrize("who", ["county_officer", "inspector"])
def test_the_county_report_shows_the_figures_and_the_towns(cast, world, who):
    page = cast.client(getattr(cast, who)).get(_report_url("630121"))
    assert page.status_code == 200
    html = page.content.decode()
    report = page.context["report"]
    cadres = report.scope.figure("cadres")
    assert f"全县{cadres.value}名村干部中" in html
    assert page.context["headline"].startswith(f"全县{cadres.value}名村干部中")
    assert 'data-testid="report-figures"' in html
    assert 'href="/rosters/report/630121100/?term=11"' in html  # 桥头镇's own report
    assert 'data-chart="chart-age"' in html
    assert 'id="chart-age" type="application/json"' in html
    assert "echarts.common.min.js" in html
    assert "第10届" in html  # the previous term's column
    assert not FULL_ID.search(html)


def test_the_town_officer_sees_the_town_but_not_the_county(cast, world):
    client = cast.client(cast.town_officer)
    page = client.get(_report_url(report_world.TOWN_A))
    assert page.status_code == 200
    assert page.context["report"].scope.code == report_world.TOWN_A
    assert "全镇" in page.context["headline"]
    assert client.get(_report_url("630121")).status_code == 404
    assert client.get(_report_url(report_world.TOWN_B)).status_code == 404


def test_another_countys_code_answers_404_and_is_audited(cast, world):
    client = cast.client(cast.other_county_officer)
    for suffix in ("", "xlsx", "docx"):
        before = AuditEvent.objects.filter(action=ACCESS_DENIED).count()
        assert client.get(_report_url("630121", suffix)).status_code == 404
        assert AuditEvent.objects.filter(action=ACCESS_DENIED).count() == before + 1


def test_an_unknown_code_answers_404(cast):
    assert cast.client(cast.county_officer).get(_report_url("630199")).status_code == 404


def test_the_term_selector_picks_the_previous_term(cast, world):
    page = cast.client(cast.county_officer).get(_report_url("630121") + "?term=10")
    assert page.status_code == 200
    assert page.context["report"].term_number == 10
    # term 9 is not on record: no comparison for term 10
    assert page.context["report"].previous_term_number is None
    assert "比上届" not in page.context["headline"]


def test_a_term_not_on_record_falls_back_to_the_newest(cast, world):
    page = cast.client(cast.county_officer).get(_report_url("630121") + "?term=abc")
    assert page.context["report"].term_number == 11


def test_a_county_without_a_roster_says_so(cast):
    page = cast.client(cast.county_officer).get(_report_url("630121"))
    assert page.status_code == 200
    assert report_views.MSG_NO_TERMS in page.content.decode()
    xlsx = cast.client(cast.county_officer).get(_report_url("630121", "xlsx"))
    assert xlsx.status_code == 302 and xlsx["Location"] == _report_url("630121")


def test_the_xlsx_holds_the_figures_as_numbers(cast, world):
    response = cast.client(cast.county_officer).get(_report_url("630121", "xlsx") + "?term=11")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["本级统计", "各乡镇（街道）", "民族构成"]
    rows = {r[0]: r for r in book["本级统计"].iter_rows(values_only=True) if r[0]}
    report = _report("630121")
    cadres = report.scope.figure("cadres")
    young = report.scope.figure("young")
    assert rows["村干部"][2] == cadres.value
    assert rows["35岁以下"][2] == young.value
    assert rows["35岁以下"][3] == pytest.approx(float(young.share))
    towns = [r[1] for r in book["各乡镇（街道）"].iter_rows(min_row=5, values_only=True)]
    assert towns == ["桥头镇", "城关镇", "合计"]


def test_the_docx_reads_as_a_county_report(cast, world):
    response = cast.client(cast.county_officer).get(_report_url("630121", "docx"))
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    report = _report("630121")
    cadres = report.scope.figure("cadres").value
    assert "第11届村（社区）" in text and "班子结构情况统计报告" in text
    assert f"全县{cadres}名村干部中" in text
    assert "一、班子结构" in text and "四、后备干部与离任关爱" in text
    assert not FULL_ID.search(text)


def test_the_page_shows_a_report_of_seed_003s_figures(cast, world, monkeypatch):
    """The page's words for seed 003's county (a report made by hand: the page shows what the
    computation gives, whatever its size)."""
    monkeypatch.setattr(report_views, "_compute", lambda scope, term: seed_report())
    html = cast.client(cast.county_officer).get(_report_url("630121")).content.decode()
    assert "全县1010名村干部中，35岁以下409人，占40.5%，比上届提高9.8个百分点；" in html
    assert "书记、主任一肩挑的村96个，占54.5%，比上届增加1个" in html
    assert 'data-testid="figure-young"' in html


def test_a_village_code_gets_the_reports_refusal(cast, world):
    page = cast.client(cast.county_officer).get(_report_url(report_world.V206))
    assert page.status_code == 200
    assert "村级区划" in page.content.decode()


def _report(code: str):
    from huanjie.regions.models import Region
    from huanjie.rosters.report import report

    return report(Region.objects.get(code=code), 11)
