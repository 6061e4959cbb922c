"""The rosters as a county officer uses them: the previous two terms' rosters imported from xlsx
through the upload page (preview, confirm), then the statistics report with its charts drawn,
its Word document downloaded, a town's own report by drill-down, the structure checks' list and
a village's roster."""

from __future__ import annotations

import io
import zipfile

import pytest

from huanjie.browser_tests.conftest import shot
from huanjie.browser_tests.test_town_officer import login
from huanjie.conftest import TOWN
from huanjie.regions.models import Region
from huanjie.rosters.demo import TERMS, DemoVillage, generate_roster_rows, roster_xlsx
from huanjie.rosters.models import Cadre

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COUNTY = "630121"


def test_a_county_officer_imports_two_terms_and_reads_the_report(page, live_server, cast, tmp_path):  # type: ignore[no-untyped-def]
    villages = [
        DemoVillage(v.code, v.short_name or v.name, v.kind == Region.Kind.COMMUNITY)
        for v in Region.objects.filter(level=Region.Level.VILLAGE, code__startswith=COUNTY)
    ]
    rows = generate_roster_rows(villages, seed=5)
    login(page, live_server, "county")
    page.get_by_role("link", name="干部名册").first.click()
    page.wait_for_load_state()
    shot(page, "rosters-index")

    for number, reference in TERMS.items():
        page.goto(f"{live_server.url}/rosters/import/{COUNTY}/")
        path = tmp_path / f"第{number}届干部名册.xlsx"
        path.write_bytes(roster_xlsx(rows[number]))
        page.locator("input[type=file]").set_input_files(str(path))
        page.get_by_label("届次").fill(str(number))
        page.get_by_label("基准日期", exact=False).fill(reference.isoformat())
        page.get_by_role("button", name="上传并预览").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("rejected").inner_text() == "0"
        shot(page, f"rosters-import-preview-{number}")
        page.get_by_role("button", name="确认导入").click()
        page.wait_for_load_state()
        assert "已导入" in page.get_by_test_id("job-message").inner_text()
    assert Cadre.objects.filter(term__number=11).count() == len(rows[11])

    page.goto(f"{live_server.url}/rosters/report/{COUNTY}/?term=11")
    assert "35岁以下" in page.get_by_test_id("headline").inner_text()
    assert "比上届" in page.get_by_test_id("headline").inner_text()
    # Every chart is drawn by the vendored ECharts (a canvas inside each chart's box).
    charts = page.locator(".hj-chart[data-chart]")
    assert charts.count() >= 3
    page.wait_for_function(
        "() => [...document.querySelectorAll('.hj-chart[data-chart]')]"
        ".every(n => n.querySelector('canvas'))"
    )
    shot(page, "rosters-report-county")
    with page.expect_download() as download:
        page.get_by_test_id("report-docx").click()
    document = tmp_path / "report.docx"
    download.value.save_as(document)
    with zipfile.ZipFile(io.BytesIO(document.read_bytes())) as docx:
        text = docx.read("word/document.xml").decode()
    assert "村干部中" in text and "个百分点" in text

    # Drill down to a town from the children table.
    page.get_by_test_id(f"child-{TOWN}").get_by_role("link").first.click()
    page.wait_for_load_state()
    assert page.url.startswith(f"{live_server.url}/rosters/report/{TOWN}/")
    shot(page, "rosters-report-town")

    page.goto(f"{live_server.url}/rosters/structure/{COUNTY}/?term=11")
    assert page.locator("main").inner_text()
    shot(page, "rosters-structure")

    village = rows[11][0][0]
    page.goto(f"{live_server.url}/rosters/village/{village}/?term=11")
    assert rows[11][0][2] in page.locator("main").inner_text()
    assert rows[11][0][3] not in page.content()  # never a full ID number on a page
    shot(page, "rosters-village")
