"""The progress board: a county's board with its towns and total, a town's villages, the village
list (search, filter, town subtotals, xlsx), the daily and weekly figures, and who may see what."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from huanjie.conftest import COUNTY, OTHER_COUNTY, TOWN, VILLAGE
from huanjie.progress.models import Status
from huanjie.progress.tests.board_world import mixed, progress, today


def board_url(campaign, code=COUNTY):
    return reverse("progress:board_region", kwargs={"pk": campaign.pk, "code": code})


def villages_url(campaign, code=COUNTY):
    return reverse("progress:board_villages", kwargs={"pk": campaign.pk, "code": code})


def when():
    t = today()
    return f"截至{t.month}月{t.day}日"


@pytest.fixture
def world(campaign):
    return mixed(campaign)


def test_the_county_sees_each_town_and_the_total(
    cast, campaign, world, django_assert_max_num_queries
):
    client = cast.client(cast.county_officer)
    with django_assert_max_num_queries(14):
        response = client.get(board_url(campaign))
    assert response.status_code == 200
    rows = {row.code: row.tally for row, _, _ in response.context["children"]}
    qiaotou, chengguan = rows["630121100"], rows["630121101"]
    assert (qiaotou.total, qiaotou.done, qiaotou.late, qiaotou.under_way) == (3, 1, 1, 1)
    assert (chengguan.total, chengguan.done, chengguan.not_started) == (2, 1, 1)
    total = response.context["tally"]
    assert (total.total, total.done, total.under_way, total.late, total.not_started) == (
        5,
        2,
        1,
        1,
        1,
    )
    assert (total.villages, total.communities, total.done_today) == (4, 1, 1)
    # 1350 of 1500 voted; one of the two known results needed no second poll.
    assert (total.turnout, total.first_time_rate, total.done_rate) == ("90.0%", "50.0%", "40.0%")
    html = response.content.decode()
    assert response.context["headline"] == (
        f"{when()}，全县4个村、1个社区中，已完成换届选举2个，进行中1个，滞后1个，未开始1个，完成率40.0%"
    )
    assert 'data-testid="board-total"' in html and "合计" in html
    assert f'href="{villages_url(campaign, TOWN)}?status=late"' in html
    assert board_url(campaign, TOWN) in html  # the drill-down to the town


def test_the_headline_says_all_done_as_the_county_reports_it(cast, campaign, world):
    for code in ("630121100206", "630121100207", "630121101205"):
        progress(campaign, code, Status.DONE, done_on=today())
    response = cast.client(cast.county_officer).get(board_url(campaign))
    assert response.context["headline"] == (
        f"{when()}，全县4个村、1个社区全面完成村(社区)“两委”换届选举工作"
    )


def test_a_village_left_out_is_not_counted(cast, campaign, world):
    progress(campaign, "630121101205", Status.EXCLUDED)
    response = cast.client(cast.county_officer).get(board_url(campaign))
    assert response.context["tally"].total == 4


def test_the_town_sees_its_villages_and_finds_the_late_one(cast, campaign, world):
    client = cast.client(cast.town_officer)
    response = client.get(board_url(campaign, TOWN))
    assert response.status_code == 200
    assert response.context["headline"].startswith(
        f"{when()}，全镇2个村、1个社区中，已完成换届选举1个"
    )
    assert [v["row"].region_id for v in response.context["village_rows"]] == [
        "630121100001",
        "630121100206",
        "630121100207",
    ]
    late = client.get(board_url(campaign, TOWN), {"status": "late"})
    [row] = late.context["village_rows"]
    assert (row["row"].region_id, row["status"], row["late_days"]) == (VILLAGE, "late", 3)
    assert "滞后3天" in late.content.decode()
    found = client.get(board_url(campaign, TOWN), {"q": "毛家"})
    assert [v["row"].region_id for v in found.context["village_rows"]] == ["630121100207"]


def test_the_county_village_list_has_town_subtotals(cast, campaign, world):
    client = cast.client(cast.county_officer)
    response = client.get(villages_url(campaign))
    subtotals = response.context["subtotals"]
    assert subtotals.labels == ("总数", "已完成", "进行中", "滞后", "未开始")
    assert [(r.name, r.counts) for r in subtotals.rows] == [
        ("桥头镇", (3, 1, 1, 1, 0)),
        ("城关镇", (2, 1, 0, 0, 1)),
    ]
    assert subtotals.total == (5, 2, 1, 1, 1)
    assert 'data-testid="town-subtotals"' in response.content.decode()
    one_town = client.get(villages_url(campaign), {"town": "630121101"})
    assert len(one_town.context["village_rows"]) == 2


def test_the_village_list_exports_every_filtered_row(cast, campaign, world):
    response = cast.client(cast.county_officer).get(
        villages_url(campaign), {"status": "late", "format": "xlsx"}
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("区划代码", "乡镇(街道)", "村(社区)", "类别", "选举日", "进度")
    assert len(rows) == 2
    assert rows[1][:3] == (VILLAGE, "桥头镇", "红河限村") and rows[1][5] == "滞后（逾期3天）"
    assert rows[1][6] == "公布选民名单"


def test_the_daily_figures_are_in_the_layout_a_county_sends_up(cast, campaign, world):
    url = reverse("progress:daily_xlsx", kwargs={"pk": campaign.pk, "code": COUNTY})
    response = cast.client(cast.county_officer).get(url)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    t = today()
    assert sheet["A1"].value == (
        f"大通回族土族自治县村(社区)“两委”换届工作进展情况日报表（截至{t.month}月{t.day}日）"
    )
    assert "A1:K1" in {str(r) for r in sheet.merged_cells.ranges}
    header = [c.value for c in sheet[3]]
    assert header == [
        "序号", "乡镇(街道)", "村(社区)总数", "已完成", "其中当日完成", "进行中", "滞后", "未开始",
        "完成率", "参选率", "一次成功率",
    ]  # fmt: skip
    assert [c.value for c in sheet[4]] == [
        1,
        "桥头镇",
        3,
        1,
        1,
        1,
        1,
        0,
        "33.3%",
        "90.0%",
        "100.0%",
    ]
    assert [c.value for c in sheet[5]] == [2, "城关镇", 2, 1, 0, 0, 0, 1, "50.0%", "90.0%", "0.0%"]
    assert [c.value for c in sheet[6]][:10] == ["合计", None, 5, 2, 1, 1, 1, 1, "40.0%", "90.0%"]
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9


def test_the_weekly_figures_count_this_weeks_completions_beside_the_cumulative(
    cast, campaign, world
):
    url = reverse("progress:weekly_xlsx", kwargs={"pk": campaign.pk, "code": COUNTY})
    sheet = openpyxl.load_workbook(
        io.BytesIO(cast.client(cast.county_officer).get(url).content)
    ).active
    assert "周报表" in sheet["A1"].value
    assert [c.value for c in sheet[3]][3:5] == ["本周完成", "累计完成"]
    # 人民路南社区 done today; 城关村 eight days ago, before this week's Monday.
    assert [c.value for c in sheet[6]][2:5] == [5, 1, 2]


def test_a_towns_daily_figures_list_its_villages(cast, campaign, world):
    url = reverse("progress:daily_xlsx", kwargs={"pk": campaign.pk, "code": TOWN})
    sheet = openpyxl.load_workbook(
        io.BytesIO(cast.client(cast.town_officer).get(url).content)
    ).active
    assert [c.value for c in sheet[3]][1] == "村(社区)"
    assert [sheet.cell(r, 2).value for r in (4, 5, 6)] == ["人民路南社区", "红河限村", "毛家寨村"]
    assert sheet.cell(7, 1).value == "合计"
    assert [c.value for c in sheet[5]][2:8] == [1, 0, 0, 0, 1, 0]


def test_the_children_table_exports(cast, campaign, world):
    response = cast.client(cast.county_officer).get(board_url(campaign), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "乡镇(街道)" and rows[-1][:3] == ("合计", 5, 2)


def test_the_board_index_opens_the_one_campaigns_board(cast, campaign, world):
    response = cast.client(cast.town_officer).get(reverse("progress:board"))
    assert response.status_code == 302 and response["Location"] == board_url(campaign, TOWN)
    clerk = cast.client(cast.village_clerk).get(reverse("progress:board"))
    assert clerk.status_code == 200
    assert clerk.context["rows"][0]["tally"].total == 1


def test_nobody_sees_a_board_outside_their_region(cast, campaign, world):
    town = cast.client(cast.town_officer)
    for url in (
        board_url(campaign),
        board_url(campaign, "630121101"),
        villages_url(campaign),
        reverse("progress:daily_xlsx", kwargs={"pk": campaign.pk, "code": COUNTY}),
    ):
        assert town.get(url).status_code == 404, url
    other = cast.client(cast.other_county_officer)
    assert other.get(board_url(campaign)).status_code == 404
    assert other.get(board_url(campaign, OTHER_COUNTY)).status_code == 404
    for user in (cast.reviewer, cast.system_admin, cast.village_clerk):
        assert cast.client(user).get(board_url(campaign, TOWN)).status_code == 404, user
    assert cast.client(cast.inspector).get(board_url(campaign)).status_code == 200


def test_a_village_code_has_no_board(cast, campaign, world):
    response = cast.client(cast.county_officer).get(f"/progress/{campaign.pk}/board/{VILLAGE}/")
    assert response.status_code == 404


def test_a_region_without_rows_says_so_and_a_bad_page_is_no_error(cast, campaign):
    from huanjie.progress.models import VillageProgress

    VillageProgress.objects.filter(campaign=campaign).delete()  # not refreshed yet
    client = cast.client(cast.county_officer)
    response = client.get(board_url(campaign))
    assert response.status_code == 200
    assert response.context["headline"] == f"{when()}，全县尚无纳入本次换届的村(社区)"
    assert client.get(villages_url(campaign), {"page": "x"}).status_code == 200
