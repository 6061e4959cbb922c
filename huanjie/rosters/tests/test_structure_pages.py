"""The structure pages: the live list (by town, filter, county-level findings, xlsx), a
campaign's settings form, a village's kin page; 404 outside the user's region or role."""

from __future__ import annotations

import io

import openpyxl
import pytest

from huanjie.audit.models import AuditEvent
from huanjie.conftest import VILLAGE
from huanjie.rosters.models import Kinship, StructureRules
from huanjie.rosters.tests.structure_world import MAOJIAZHAI, structure_world

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


def test_the_county_list(cast, campaign, django_assert_max_num_queries) -> None:
    w = structure_world(campaign, cast.town_officer)
    client = cast.client(cast.county_officer)
    with django_assert_max_num_queries(20):
        response = client.get("/rosters/structure/630121/")
    assert response.status_code == 200
    page = _text(response)
    assert "第12届" in page and "桥头镇" in page
    assert "马成林（村民委员会主任）与韩军（村民委员会委员）为近亲属（父母子女）" in page
    assert "35岁以下村主要负责人0人，占0.0%，低于10%" in page
    assert 'data-testid="villages-breaking">3<' in page
    assert f"/rosters/kin/{VILLAGE}/" in page  # the county officer records kin
    assert f"/rosters/structure/campaign/{campaign.pk}/" in page
    assert all(number not in page for number in w.numbers.values())


def test_the_filter_and_the_term(cast, campaign) -> None:
    structure_world(campaign)
    client = cast.client(cast.county_officer)
    page = _text(client.get("/rosters/structure/630121/?term=12&check=committee_woman"))
    assert f"finding-{MAOJIAZHAI}-committee_woman" in page
    assert f"finding-{VILLAGE}-" not in page
    # Term 11 is a roster too (partial): another list; a word where a number goes is no term.
    assert "第11届" in _text(client.get("/rosters/structure/630121/?term=11"))
    assert client.get("/rosters/structure/630121/?term=abc&check=<x>").status_code == 200


def test_an_inspector_sees_the_checks_without_names(cast, campaign) -> None:
    structure_world(campaign, cast.town_officer)
    page = _text(cast.client(cast.inspector).get("/rosters/structure/630121/"))
    assert "委员会成员近亲属回避" in page
    assert "马成林" not in page and "/rosters/kin/" not in page


@pytest.mark.parametrize("who", ["other_county_officer", "village_clerk", "reviewer"])
def test_others_get_404(cast, campaign, who) -> None:
    structure_world(campaign)
    client = cast.client(getattr(cast, who))
    assert client.get("/rosters/structure/630121/").status_code == 404
    assert client.get("/rosters/structure/630121/xlsx").status_code == 404


def test_a_town_sees_its_own_town_only(cast, campaign) -> None:
    structure_world(campaign)
    client = cast.client(cast.town_officer)
    assert client.get("/rosters/structure/630121100/").status_code == 200
    assert client.get("/rosters/structure/630121101/").status_code == 404
    assert client.get("/rosters/structure/630121/").status_code == 404
    assert client.get("/rosters/structure/nonsense/").status_code == 404


def test_the_xlsx(cast, campaign) -> None:
    w = structure_world(campaign, cast.town_officer)
    response = cast.client(cast.county_officer).get("/rosters/structure/630121/xlsx?term=12")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["乡镇（街道）", "村(社区)代码", "村(社区)", "检查项", "性质", "情况", "依据"]
    assert rows[1][:5] == [
        "（全县统计）",
        "630121",
        "大通回族土族自治县",
        "35岁以下主要负责人比例",
        "不符合换届要求",
    ]
    assert ["桥头镇", MAOJIAZHAI, "毛家寨村", "委员会缺少妇女成员", "违反法律"] in [
        r[:5] for r in rows
    ]
    assert len(rows) == 1 + 1 + 7
    text = str(rows)
    assert all(number not in text for number in w.numbers.values())
    event = AuditEvent.objects.get(action="roster.structure_export")
    assert (event.object_id, event.changes) == ("630121", {"term": 12, "check": ""})


def test_the_settings_form(cast, campaign) -> None:
    client = cast.client(cast.county_officer)
    url = f"/rosters/structure/campaign/{campaign.pk}/"
    page = _text(client.get(url))
    assert "乡村振兴战略规划（2018－2022年）" in page and 'value="50"' in page
    form = {k: str(v) for k, v in settings_defaults().items() if not isinstance(v, bool)}
    form |= {"villagers_min": "5", "cooperative_exclusions": "on"}
    response = client.post(url, form)
    assert response.status_code == 302
    assert StructureRules.objects.get(campaign=campaign).values["villagers_min"] == 5
    # The order of sizes is the engine's rule, said by name; nothing saved.
    response = client.post(url, form | {"villagers_min": "7", "villagers_max": "6"}, follow=True)
    assert "村民委员会成员至少（7）不能大于村民委员会成员至多（6）" in _text(response)
    assert StructureRules.objects.get(campaign=campaign).values["villagers_min"] == 5
    response = client.post(url, form | {"dual_role_share": "１２"}, follow=True)
    assert "一肩挑的村比例目标（%）" in _text(response)
    for who in ("town_officer", "other_county_officer", "inspector"):
        assert cast.client(getattr(cast, who)).get(url).status_code == 404


def settings_defaults() -> dict:
    from huanjie.rules.structure import Settings

    return Settings().as_values()


def test_the_kin_page(cast, campaign) -> None:
    w = structure_world(campaign)
    client = cast.client(cast.town_officer)
    url = f"/rosters/kin/{VILLAGE}/"
    page = _text(client.get(url))
    assert w.people["韩军"].id_masked in page and w.numbers["韩军"] not in page
    response = client.post(
        url,
        {
            "person_a": w.people["祁玉兰"].pk,
            "person_b": w.people["李华"].pk,
            "relation": "spouse",
            "note": "<script>x</script>",
        },
        follow=True,
    )
    page = _text(response)
    assert "已登记：" in page and "<script>x</script>" not in page
    row = Kinship.objects.get()
    # Someone not on the roster cannot be chosen.
    response = client.post(
        url,
        {"person_a": 999999, "person_b": w.people["李华"].pk, "relation": "spouse"},
        follow=True,
    )
    assert Kinship.objects.count() == 1 and "甲" in _text(response)
    # Removal is POST only, 404 for another town.
    remove = f"/rosters/kin/{row.pk}/remove/"
    assert client.get(remove).status_code == 405
    assert cast.client(cast.other_county_officer).post(remove).status_code == 404
    assert client.post(remove).status_code == 302
    assert not Kinship.objects.exists()
    assert AuditEvent.objects.filter(action="roster.kinship_remove").count() == 1


@pytest.mark.parametrize("who", ["other_county_officer", "village_clerk", "inspector"])
def test_the_kin_page_is_404_for_others(cast, campaign, who) -> None:
    structure_world(campaign)
    assert cast.client(getattr(cast, who)).get(f"/rosters/kin/{VILLAGE}/").status_code == 404


def test_the_kin_page_of_a_town_is_404(cast, campaign) -> None:
    assert cast.client(cast.county_officer).get("/rosters/kin/630121100/").status_code == 404
