"""The one upload pipeline as people use it: a town officer downloads the Party roll template,
fills it in Excel's stead (openpyxl), uploads it with one bad row, sees that row's message, fixes
it, confirms, and sees the members; a village clerk builds the village's roll from the people
already known (户籍 in the village, 18 on election day), previewed then confirmed."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest

from huanjie.browser_tests.conftest import shot
from huanjie.browser_tests.test_town_officer import login
from huanjie.conftest import ELECTION_DAY, VILLAGE, make_campaign
from huanjie.lib import idcard
from huanjie.party.models import PartyMember
from huanjie.party.services import branch_create
from huanjie.people.services import PersonIn, people_bulk_create
from huanjie.regions.models import Region
from huanjie.voters.models import VoterRegistration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


MEMBERS = [
    # name, birth, sex, status, joined, flowing, registered
    ("马成林", date(1950, 4, 12), "M", "正式党员", "1975-07-01", "否", "是"),
    ("祁玉梅", date(1975, 3, 8), "F", "正式党员", "2001-07-01", "是", "否"),
    ("韩建军", date(1990, 1, 2), "M", "预备党员", "2026-06-30", "否", "是"),
]


def test_a_town_officer_imports_the_party_roll_from_its_template(page, live_server, cast, tmp_path):
    campaign = make_campaign(cast, election_day=ELECTION_DAY)
    branch = branch_create(
        actor=cast.town_officer,
        village=Region.objects.get(code=VILLAGE),
        name="红河限村党支部",
        kind="branch",
    )
    numbers = [idcard.generate("630121", b, s, i) for i, (_, b, s, *_r) in enumerate(MEMBERS, 31)]
    login(page, live_server, "town")
    page.goto(f"{live_server.url}/party/campaigns/{campaign.pk}/")
    page.get_by_test_id("roll-import").click()
    page.wait_for_load_state()
    with page.expect_download() as download:
        page.get_by_test_id("template").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)

    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[2]]
    col = {label: header.index(label) + 1 for label in header if label}
    # The drop-down offers the town's branch; the clerk picks it.
    options = [c.value for c in book["选项"]["A"] if c.value]
    assert "红河限村党支部" in " ".join(options)
    for r, (name, _b, _s, status, joined, flowing, registered) in enumerate(MEMBERS, 3):
        number = numbers[r - 3]
        if r == 4:  # a mistyped check digit on the second member
            number = number[:-1] + ("0" if number[-1] != "0" else "1")
        values = {
            "党组织": options[0],
            "姓名": name,
            "公民身份号码": number,
            "党员状态": status,
            "入党日期": joined,
            "是否流动党员": flowing,
            "是否已登记参加选举": registered,
        }
        for label, value in values.items():
            sheet.cell(row=r, column=col[label], value=value)
    filled = tmp_path / "桥头镇党员名册.xlsx"
    book.save(filled)

    page.locator("input[type=file]").set_input_files(str(filled))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_load_state()
    assert "1 处错误" in page.get_by_test_id("job-message").inner_text()
    problem = page.get_by_role("row").filter(has_text="公民身份号码")
    assert problem.first.is_visible() and "4" in problem.first.inner_text()
    assert numbers[1] not in page.content()  # never a full ID number on a page
    shot(page, "party-roll-rejected")
    assert not PartyMember.objects.exists()

    sheet.cell(row=4, column=col["公民身份号码"], value=numbers[1])
    book.save(filled)
    page.get_by_role("link", name="重新上传").click()
    page.wait_for_load_state()
    page.locator("input[type=file]").set_input_files(str(filled))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("rejected").inner_text() == "0"
    shot(page, "party-roll-preview")
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_load_state()
    assert "已导入" in page.get_by_test_id("job-message").inner_text()
    shot(page, "party-roll-done")

    page.goto(f"{live_server.url}/party/campaigns/{campaign.pk}/branches/{branch.pk}/")
    for name, *_rest in MEMBERS:
        assert page.get_by_text(name).first.is_visible()
    shot(page, "party-roll-members")
    assert PartyMember.objects.filter(branch=branch).count() == 3


def test_a_clerk_builds_the_village_roll_from_the_people_known(page, live_server, cast):
    campaign = make_campaign(cast, election_day=ELECTION_DAY)
    people = [
        PersonIn(idcard.generate("630121", born, sex, seq), name, sex, born, "01", VILLAGE, group)
        for seq, (name, born, sex, group) in enumerate(
            [
                ("马成林", date(1950, 4, 12), "M", "第一村民小组"),
                ("马玉兰", date(1975, 3, 8), "F", "第一村民小组"),
                ("李春梅", date(1988, 6, 30), "F", "第二村民小组"),
                ("韩小军", date(2009, 1, 16), "M", "第二村民小组"),  # 18 the day after
            ],
            start=41,
        )
    ]
    people_bulk_create(actor=cast.county_officer, people=people, source="户籍登记")
    login(page, live_server, "clerk")
    page.goto(f"{live_server.url}/voters/{campaign.pk}/{VILLAGE}/")
    page.get_by_role("link", name="从人员库生成选民名单").click()
    page.wait_for_load_state()
    body = page.locator("main").inner_text()
    assert "马成林" in body and "韩小军" not in body.split("未满")[0]
    shot(page, "roll-build-preview")
    page.get_by_role("button", name="确认生成").click()
    page.wait_for_load_state()
    shot(page, "roll-build-done")
    names = set(
        VoterRegistration.objects.filter(campaign=campaign, village_id=VILLAGE).values_list(
            "person__name", flat=True
        )
    )
    assert names == {"马成林", "马玉兰", "李春梅"}
    assert "马玉兰" in page.locator("main").inner_text()
