"""A village clerk imports the village's roll from xlsx, sees and fixes the rejected rows,
publishes the list, records an objection and a proxy, and prints the notice."""

from __future__ import annotations

import io
import subprocess
from datetime import date

import openpyxl
import pytest

from huanjie.browser_tests.conftest import SCREENSHOTS, shot
from huanjie.browser_tests.test_town_officer import login
from huanjie.conftest import VILLAGE, make_campaign
from huanjie.elections.models import CampaignVillage
from huanjie.elections.services import campaign_village_set_election_date
from huanjie.lib import idcard
from huanjie.voters.models import Objection, Proxy, VoterListPublication, VoterRegistration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
HEADER = ["序号", "姓名", "公民身份号码", "性别", "民族", "村民小组"]


def roll_xlsx(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["红河限村选民登记表"])  # a title row above the header, as towns send them
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def people() -> list[list[str]]:
    return [
        [
            "1",
            "马玉兰",
            idcard.generate("630121", date(1975, 3, 8), "F", 11),
            "女",
            "回族",
            "第一村民小组",
        ],
        [
            "2",
            "祁国强",
            idcard.generate("630121", date(1972, 9, 1), "M", 12),
            "男",
            "土族",
            "第一村民小组",
        ],
        [
            "3",
            "李春梅",
            idcard.generate("630121", date(1988, 6, 30), "F", 13),
            "女",
            "汉族",
            "第二村民小组",
        ],
        [
            "4",
            "韩建军",
            idcard.generate("630121", date(1990, 1, 2), "M", 14),
            "男",
            "回族",
            "第二村民小组",
        ],
    ]


def test_a_clerk_imports_fixes_publishes_and_prints(page, live_server, cast, settings, tmp_path):
    settings.TASKS = IMMEDIATE
    campaign = make_campaign(cast)
    entry = CampaignVillage.objects.select_related("campaign").get(
        campaign=campaign, region_id=VILLAGE
    )
    campaign_village_set_election_date(
        actor=cast.town_officer, entry=entry, election_date=date(2027, 1, 15)
    )
    roll_url = f"{live_server.url}/voters/{campaign.pk}/{VILLAGE}/"

    login(page, live_server, "clerk")
    page.goto(roll_url)
    page.get_by_role("link", name="导入名单").click()

    # A file with a wrong check digit on row 5 (韩建军): refused whole, the row named.
    rows = people()
    good_id = rows[3][2]
    rows[3][2] = good_id[:17] + ("0" if good_id[17] != "0" else "1")
    bad = tmp_path / "红河限村选民.xlsx"
    bad.write_bytes(roll_xlsx(rows))
    page.get_by_label("选民名单文件").set_input_files(str(bad))
    page.get_by_role("button", name="上传并预览").click()
    assert "未导入" in page.get_by_test_id("job-message").inner_text()
    problems = page.locator("table").last.inner_text()
    assert "6" in problems and "校验码" in problems  # row 6 of the sheet: title, header, 4 rows
    shot(page, "clerk-import-rejected")
    assert VoterRegistration.objects.count() == 0

    # The clerk fixes the number and uploads again: previewed, then imported in the background.
    rows[3][2] = good_id
    bad.write_bytes(roll_xlsx(rows))
    page.get_by_role("link", name="重新上传").click()
    page.get_by_label("选民名单文件").set_input_files(str(bad))
    page.get_by_role("button", name="上传并预览").click()
    assert page.get_by_test_id("accepted").inner_text() == "4"
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_load_state()
    page.goto(roll_url)
    assert VoterRegistration.objects.filter(village_id=VILLAGE, active=True).count() == 4
    for name in ("马玉兰", "祁国强", "李春梅", "韩建军"):
        assert page.get_by_text(name).count() >= 1
    assert good_id not in page.content()
    shot(page, "clerk-roll")

    # Publish the list 45 days before election day.
    page.get_by_role("link", name="公布选民名单").click()
    page.get_by_label("公布日期").fill("2026-12-01")
    page.get_by_role("button", name="确定").click()
    publication = VoterListPublication.objects.get(campaign=campaign, village_id=VILLAGE)
    assert publication.voters == 4

    # An objection within five days of publication.
    page.goto(roll_url)
    page.get_by_role("link", name="申诉").first.click()
    page.get_by_label("申诉人", exact=True).fill("马玉兰")
    page.get_by_label("涉及人员", exact=True).fill("马小军")
    page.get_by_label("申诉事由").select_option("omitted")
    page.get_by_label("申诉内容").fill("马小军户籍在本村，已满十八周岁，未登记")
    page.get_by_label("提出日期").fill("2026-12-03")
    page.get_by_label("受理日期").fill("2026-12-03")
    page.get_by_role("button", name="登记").click()
    assert Objection.objects.filter(subject_name="马小军").exists()
    shot(page, "clerk-objections")

    # A proxy: 马玉兰 authorises her husband 祁国强.
    page.goto(roll_url)
    page.get_by_role("link", name="委托投票").click()
    for label, name in (("委托人", "马玉兰"), ("受委托人", "祁国强")):
        select = page.get_by_label(label, exact=True)
        select.select_option(select.locator("option", has_text=name).get_attribute("value"))
    page.get_by_label("与委托人关系").fill("配偶")
    page.get_by_label("办理日期").fill("2026-12-10")
    page.get_by_role("button", name="登记").click()
    assert Proxy.objects.filter(
        principal__person__name="马玉兰", holder__person__name="祁国强"
    ).exists()
    shot(page, "clerk-proxies")

    # Print the notice: an A4 PDF with the names by group and no ID numbers.
    page.goto(roll_url)
    href = page.get_by_role("link", name="打印公告(PDF)").first.get_attribute("href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.status == 200 and response.body().startswith(b"%PDF")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf = SCREENSHOTS / "clerk-notice.pdf"
    pdf.write_bytes(response.body())
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "选民名单公告" in text and "马玉兰" in text and "第一村民小组" in text
    assert good_id not in text and idcard.mask(good_id) not in text
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "70",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            str(pdf),
            str(SCREENSHOTS / "clerk-notice"),
        ],
        check=True,
    )
