"""The voter-registration figures page (voters:figures), as the board's part left it: town
subtotals above a county's villages, a search, a page of villages, and the xlsx export."""

from __future__ import annotations

import io

import openpyxl

from huanjie.conftest import OTHER_TOWN_VILLAGE, VILLAGE
from huanjie.voters.tests.test_figures import campaign  # noqa: F401  (the fixture)


def test_the_county_sees_town_subtotals_above_its_villages(cast, campaign):  # noqa: F811
    response = cast.client(cast.county_officer).get(f"/voters/{campaign.pk}/figures/630121/")
    subtotals = response.context["subtotals"]
    assert subtotals.labels[:4] == ("村(社区)", "在册", "男", "女")
    assert [(t.name, t.counts[:4]) for t in subtotals.rows] == [
        ("桥头镇", (3, 3, 2, 1)),
        ("城关镇", (2, 1, 1, 0)),
    ]
    assert subtotals.total[:2] == (5, 4)
    assert 'data-testid="town-subtotals"' in response.content.decode()


def test_a_town_filter_and_a_search_keep_their_villages_and_total(cast, campaign):  # noqa: F811
    client = cast.client(cast.county_officer)
    town = client.get(f"/voters/{campaign.pk}/figures/630121/", {"town": "630121101"})
    assert [f.region.code for f in town.context["rows"]] == ["630121101204", OTHER_TOWN_VILLAGE]
    assert town.context["total"].registered == 1
    found = client.get(f"/voters/{campaign.pk}/figures/630121/", {"q": "红河"})
    assert [f.region.code for f in found.context["rows"]] == [VILLAGE]
    assert (
        cast.client(cast.town_officer)
        .get(f"/voters/{campaign.pk}/figures/630121100/")
        .context["subtotals"]
        is None
    )


def test_the_figures_export_every_filtered_village_and_the_total(cast, campaign):  # noqa: F811
    response = cast.client(cast.county_officer).get(
        f"/voters/{campaign.pk}/figures/630121/", {"format": "xlsx"}
    )
    assert response.status_code == 200
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )
    assert rows[0][:6] == ("区划代码", "村(社区)", "选举日", "在册", "男", "女")
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code[VILLAGE][1:6] == ("红河限村", "2026-12-20", 3, 2, 1)
    assert rows[-1][1] == "合计" and rows[-1][3] == 4
    assert len(rows) == 1 + 5 + 1
