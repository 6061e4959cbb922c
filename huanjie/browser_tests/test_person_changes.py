"""Deaths and deprivations of political rights as a person records them through the pages: a
town officer uploads a 变动名单 (refused for a name that does not match its ID, fixed, previewed,
confirmed), sees the roll follow and corrects a death recorded by mistake; a clerk records a
deprivation from the roll; a clerk records a proxy, withdraws it, and prints the list without it."""

from __future__ import annotations

import csv
import io
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from django.db import transaction

from huanjie.browser_tests.conftest import SCREENSHOTS, shot
from huanjie.browser_tests.test_town_officer import login
from huanjie.conftest import TOWN, VILLAGE, make_campaign
from huanjie.elections.models import Campaign, CampaignVillage
from huanjie.elections.services import campaign_village_set_election_date
from huanjie.lib import idcard
from huanjie.people.services import person_find_or_create
from huanjie.regions.models import Region
from huanjie.voters.services import voter_register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHANGES_HEADER = ["公民身份号码", "姓名", "变动类型", "变动日期", "截止日期"]

# name, birth, sex, group
VOTERS: list[tuple[str, date, str, str]] = [
    ("马成林", date(1950, 4, 12), "M", "第一村民小组"),
    ("马玉兰", date(1975, 3, 8), "F", "第一村民小组"),
    ("祁国强", date(1972, 9, 1), "M", "第一村民小组"),
    ("李春梅", date(1988, 6, 30), "F", "第二村民小组"),
    ("韩建军", date(1990, 1, 2), "M", "第二村民小组"),
]


@dataclass
class Roll:
    campaign: Campaign
    url: str
    numbers: dict[str, str]  # name → full ID number, to check it never shows


def make_roll(cast, live_server) -> Roll:  # type: ignore[no-untyped-def]
    """The campaign, 红河限村's election day and five voters on its roll, through the services."""
    campaign = make_campaign(cast)
    entry = CampaignVillage.objects.select_related("campaign").get(
        campaign=campaign, region_id=VILLAGE
    )
    campaign_village_set_election_date(
        actor=cast.town_officer, entry=entry, election_date=date(2027, 1, 15)
    )
    village = Region.objects.get(code=VILLAGE)
    numbers = {}
    for seq, (name, birth, sex, group) in enumerate(VOTERS, start=21):
        number = idcard.generate("630121", birth, sex, seq)
        with transaction.atomic():
            person = person_find_or_create(
                actor=cast.county_officer,
                id_number=number,
                name=name,
                region_code=VILLAGE,
                source="户籍登记",
            )
        voter_register(
            actor=cast.county_officer,
            campaign=campaign,
            village=village,
            person=person,
            category="hukou_resident",
            group_name=group,
        )
        numbers[name] = number
    return Roll(campaign, f"{live_server.url}/voters/{campaign.pk}/{VILLAGE}/", numbers)


def changes_csv(path: Path, rows: list[list[str]]) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CHANGES_HEADER)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8"))
    return path


def roll_row(page, name: str):  # type: ignore[no-untyped-def]
    return page.get_by_role("row").filter(has_text=name)


def show_status(page, label: str) -> None:  # type: ignore[no-untyped-def]
    """Pick 在册 / 已除名 / 全部 in the roll's status filter and query."""
    page.locator("select[name=status]").select_option(label=label)
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state()


def message(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator("#hj-messages").inner_text().strip()


def test_a_town_officer_uploads_a_changes_list_fixes_it_and_corrects_a_death(
    page, live_server, cast, tmp_path
):
    roll = make_roll(cast, live_server)
    login(page, live_server, "town")

    # 基础数据 → 人员变动名单, from the left menu.
    menu = page.get_by_role("navigation", name="主菜单")
    menu.get_by_role("link", name="人员变动名单").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/voters/{TOWN}/changes/"
    assert "桥头镇人员变动" in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_text("没有登记过人员变动").is_visible()

    # Row 3 names 韩建军's ID as 韩建君: the whole file is refused, the row named.
    rows = [
        [roll.numbers["马成林"], "马成林", "死亡", "2026-10-05", ""],
        [roll.numbers["韩建军"], "韩建君", "剥夺政治权利", "2026-09-01", "2029-08-31"],
    ]
    upload = changes_csv(tmp_path / "桥头镇变动名单.csv", rows)
    page.get_by_label("变动名单文件").set_input_files(str(upload))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("job-message").inner_text() == (
        "文件有 1 处错误，未登记任何变动，请修改后重新上传"
    )
    problem = page.get_by_role("row").filter(has_text="韩建君")
    cells = problem.get_by_role("cell").all_inner_texts()
    assert cells == [
        "3",
        "姓名",
        "韩建君",
        "姓名与人员库中该身份证号的姓名“韩建军”不符，本行不予处理",
        "错误",  # every import's job page shows the problem's kind
    ]
    assert page.get_by_role("button", name="确认登记").count() == 0
    shot(page, "changes-rejected")

    # Fixed and uploaded again: the preview counts, then confirmed.
    rows[1][1] = "韩建军"
    changes_csv(upload, rows)
    page.get_by_role("link", name="重新上传").click()
    page.get_by_label("变动名单文件").set_input_files(str(upload))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_load_state()
    assert page.get_by_text("将登记变动").is_visible()
    assert page.get_by_test_id("applied").inner_text() == "2"
    counts = page.locator(".card-body").first.inner_text()
    assert "将除名选民\n2" in counts and "错误\n0" in counts
    shot(page, "changes-preview")
    page.get_by_role("button", name="确认登记").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("job-message").inner_text() == (
        "已登记变动 2 人（已登记过 0 人），选民登记除名 2 人，待核实 0 人"
    )
    assert page.get_by_role("button", name="确认登记").count() == 0
    shot(page, "changes-done")

    # The roll: both gone from 在册, listed under 已除名 with their reasons.
    page.goto(roll.url)
    assert roll_row(page, "马成林").count() == 0 and roll_row(page, "韩建军").count() == 0
    assert roll_row(page, "马玉兰").count() == 1
    show_status(page, "已除名")
    dead = roll_row(page, "马成林").inner_text()
    assert "已除名" in dead and "死亡" in dead and "已死亡" in dead
    deprived = roll_row(page, "韩建军").inner_text()
    assert "已除名" in deprived and "被依法剥夺政治权利" in deprived
    assert roll_row(page, "马玉兰").count() == 0
    assert roll.numbers["马成林"] not in page.content()
    shot(page, "changes-roll-removed")

    # 马成林 is alive after all: the town officer corrects the death from the changes list.
    menu = page.get_by_role("navigation", name="主菜单")
    menu.get_by_role("link", name="人员变动名单").click()
    page.wait_for_load_state()
    change = page.get_by_role("row").filter(has_text="马成林")
    assert "死亡" in change.inner_text() and "2026年10月5日" in change.inner_text()
    assert "变动名单：桥头镇变动名单.csv" in change.inner_text()
    assert roll.numbers["马成林"] not in page.content()
    change.get_by_text("更正", exact=True).click()
    change.get_by_placeholder("更正原因（必填）").fill("误报：本人健在，系同名同姓者死亡")
    shot(page, "changes-correct-form")
    change.get_by_role("button", name="确认更正").click()
    page.wait_for_load_state()
    assert message(page) == (
        "已更正马成林的“死亡”登记：恢复选民登记 1 处，除名 0 处，待核实 0 处，撤销待核实提示 0 处"
    )
    corrected = page.get_by_role("row").filter(has_text="马成林").inner_text()
    assert "已更正" in corrected and "误报：本人健在，系同名同姓者死亡" in corrected
    assert "马晓东" in corrected  # who corrected it
    shot(page, "changes-corrected")

    page.goto(roll.url)
    back = roll_row(page, "马成林").inner_text()
    assert "在册" in back and "已死亡" not in back
    assert roll_row(page, "韩建军").count() == 0
    shot(page, "changes-roll-restored")


def test_a_clerk_records_a_deprivation_from_the_roll(page, live_server, cast):
    roll = make_roll(cast, live_server)
    login(page, live_server, "clerk")
    page.goto(roll.url)
    roll_row(page, "李春梅").get_by_role("link", name="登记死亡/剥夺政治权利").click()
    page.wait_for_load_state()
    assert "登记死亡/剥夺政治权利：李春梅" in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_test_id("note").inner_text() == "人员库现有记录：无死亡、剥夺政治权利记录"
    assert roll.numbers["李春梅"] not in page.content()
    page.get_by_label("变动类型").select_option(label="剥夺政治权利")
    page.get_by_label("变动日期").fill("2026-09-01")
    page.get_by_label("截止日期").fill("2029-08-31")
    page.get_by_label("依据").fill("（2026）青0121刑初88号刑事判决书")
    shot(page, "status-form")
    page.get_by_role("button", name="确定").click()
    page.wait_for_load_state()
    assert page.url == roll.url
    assert message(page) == (
        "已登记李春梅剥夺政治权利（2026年9月1日）：选民登记除名 1 处，待核实 0 处"
    )
    assert roll_row(page, "李春梅").count() == 0
    shot(page, "status-roll")
    show_status(page, "已除名")
    removed = roll_row(page, "李春梅").inner_text()
    assert "已除名" in removed and "被依法剥夺政治权利" in removed
    assert "被剥夺政治权利" in removed  # the badge on the name


def record_proxy(page, principal: str, holder: str, relation: str) -> None:  # type: ignore[no-untyped-def]
    for label, name in (("委托人", principal), ("受委托人", holder)):
        select = page.get_by_label(label, exact=True)
        select.select_option(select.locator("option", has_text=name).get_attribute("value"))
    page.get_by_label("与委托人关系").fill(relation)
    page.get_by_label("办理日期").fill("2026-11-20")
    page.get_by_role("button", name="登记").click()
    page.wait_for_load_state()
    assert message(page) == "委托投票已登记"


def test_a_clerk_withdraws_a_proxy_and_it_leaves_the_printed_list(page, live_server, cast):
    roll = make_roll(cast, live_server)
    login(page, live_server, "clerk")
    page.goto(roll.url)
    page.get_by_role("link", name="委托投票").click()
    page.wait_for_load_state()
    assert page.get_by_text("暂无委托投票").is_visible()
    record_proxy(page, "马玉兰", "祁国强", "配偶")
    record_proxy(page, "马成林", "祁国强", "父子")
    in_force = page.get_by_test_id("proxies-in-force")
    assert in_force.get_by_role("row").filter(has_text="马玉兰").count() == 1
    assert in_force.get_by_role("row").filter(has_text="马成林").count() == 1
    assert page.get_by_test_id("proxies-withdrawn").count() == 0

    # 马玉兰 will vote herself: the clerk withdraws her proxy.
    row = in_force.get_by_role("row").filter(has_text="马玉兰")
    row.get_by_text("撤销委托", exact=True).click()
    withdrawn_on = row.locator("input[type=date]")
    assert withdrawn_on.input_value() != ""  # today's date, filled in
    row.get_by_placeholder("撤销原因（必填）").fill("本人可以亲自参加投票")
    shot(page, "proxy-withdraw-form")
    row.get_by_role("button", name="确认撤销").click()
    page.wait_for_load_state()
    assert message(page) == "已撤销委托：马玉兰"
    in_force = page.get_by_test_id("proxies-in-force")
    assert in_force.get_by_role("row").filter(has_text="马玉兰").count() == 0
    assert in_force.get_by_role("row").filter(has_text="马成林").count() == 1
    assert page.get_by_text("已撤销的委托（不计入受委托人人数，不列入公告）").is_visible()
    gone = page.get_by_test_id("proxies-withdrawn").get_by_role("row").filter(has_text="马玉兰")
    assert "祁国强" in gone.inner_text() and "本人可以亲自参加投票" in gone.inner_text()
    shot(page, "proxy-withdrawn")

    # The printed list: 马成林's proxy in it, 马玉兰's not.
    href = page.get_by_role("link", name="打印委托投票名单公告(PDF)").get_attribute("href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.status == 200 and response.body().startswith(b"%PDF")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf = SCREENSHOTS / "proxy-notice.pdf"
    pdf.write_bytes(response.body())
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "马成林" in text and "祁国强" in text
    assert "马玉兰" not in text
    for number in roll.numbers.values():
        assert number not in text
