"""The structure checks over crafted rosters (rosters.structure): what is counted as at the
reference date, the previous term, the declared kin and one household, the campaign's settings,
the county-level shares, the scope, and a fixed number of queries."""

from __future__ import annotations

import pytest

from huanjie.conftest import VILLAGE
from huanjie.regions.models import Region
from huanjie.rosters.models import StructureRules
from huanjie.rosters.structure import structure_findings
from huanjie.rosters.tests.structure_world import (
    CHENGGUAN,
    COMMUNITY,
    MAOJIAZHAI,
    structure_world,
)

pytestmark = pytest.mark.django_db


def _by_village(found) -> dict[str, list[tuple[str, str]]]:
    return {v.code: [(f.code, f.severity) for f in v.findings] for v in found.villages}


def test_the_county_list(cast, campaign) -> None:
    structure_world(campaign, cast.town_officer)
    found = structure_findings(Region.objects.get(code="630121"), 12)
    assert _by_village(found) == {
        COMMUNITY: [("possible_kin", "doubtful")],
        VILLAGE: [("men_over_age_new", "policy"), ("kin_committee", "law")],
        MAOJIAZHAI: [
            ("cadres_under", "policy"),
            ("women_cadres", "policy"),
            ("committee_size", "law"),
            ("committee_woman", "law"),
        ],
    }
    assert CHENGGUAN not in _by_village(found)  # sound
    assert (found.checked, found.without_previous) == (4, 1)  # 毛家寨村 has no term-11 roster
    messages = {f.code: f.message for v in found.villages for f in v.findings}
    assert (
        messages["men_over_age_new"] == "55岁以上的男性新进班子：老王（58岁，经济合作社管委会委员）"
    )
    assert messages["kin_committee"] == (
        "马成林（村民委员会主任）与韩军（村民委员会委员）为近亲属（父母子女）"
    )
    assert messages["possible_kin"] == (
        "钱一（居民委员会主任）与钱二（居民委员会委员）同户，可能为近亲属，请核实并登记"
    )
    assert messages["committee_size"] == "村民委员会成员2人，少于法定的3人"
    # One county-level finding: none of the four heads is 35 or under; all four are 一肩挑.
    [area] = found.areas
    assert (area.code, area.villages) == ("630121", 4)
    assert [(f.code, f.message) for f in area.findings] == [
        ("young_heads_share", "35岁以下村主要负责人0人，占0.0%，低于10%")
    ]
    assert ("committee_size", "委员会成员人数", 1) in found.counts()
    assert found.severities() == {"law": 3, "policy": 3, "doubtful": 1}


def test_rows_not_counted_at_the_reference_date_break_nothing(cast, campaign) -> None:
    """周平 (ended before R), 吴刚 (a corrected result's), 郑明 (a by-election after R): counted,
    they would make 红河限村's committee 5, 60-year-old newcomers and an exclusion."""
    structure_world(campaign)
    found = structure_findings(Region.objects.get(code=VILLAGE), 12)
    [village] = found.villages
    assert [f.code for f in village.findings] == ["men_over_age_new"]
    assert "周平" not in village.findings[0].message and "郑明" not in village.findings[0].message


def test_the_campaigns_settings_apply(cast, campaign) -> None:
    structure_world(campaign, cast.town_officer)
    StructureRules.objects.create(
        campaign=campaign,
        values={"villagers_min": 4, "men_joining_age": 60, "young_heads_share": 0},
        updated_by=cast.county_officer,
    )
    found = _by_village(structure_findings(Region.objects.get(code="630121"), 12))
    assert found[VILLAGE] == [("committee_size", "policy"), ("kin_committee", "law")]
    assert ("committee_size", "law") in found[MAOJIAZHAI]  # the law's bound stays
    assert found[CHENGGUAN] == [("committee_size", "policy")]
    assert structure_findings(Region.objects.get(code="630121"), 12).areas[0].findings == ()


def test_a_towns_list_holds_its_villages_only(cast, campaign) -> None:
    structure_world(campaign)
    found = structure_findings(Region.objects.get(code="630121101"), 12)
    assert (found.villages, found.checked) == ([], 1)
    [area] = found.areas
    assert (area.code, area.name, area.villages) == ("630121101", "城关镇", 1)
    found = structure_findings(Region.objects.get(code="630123"), 12)
    assert list(_by_village(found)) == ["630123100001"]


def test_a_city_sees_each_county_and_the_latest_term_by_default(cast, campaign) -> None:
    structure_world(campaign)
    found = structure_findings(Region.objects.get(code="6301"), None)
    assert found.term_number == 12
    assert [a.code for a in found.areas] == ["630121", "630123"]
    assert found.checked == 5


def test_no_term_no_list(cast) -> None:
    found = structure_findings(Region.objects.get(code="630121"), None)
    assert (found.term_number, found.villages, found.areas) == (None, [], [])
    assert structure_findings(Region.objects.get(code="630121"), 9).terms == []


def test_filter_and_towns(cast, campaign) -> None:
    from huanjie.rosters.structure import towns_of

    structure_world(campaign, cast.town_officer)
    found = structure_findings(Region.objects.get(code="630121"), 12)
    only = found.only("committee_woman")
    assert [(v.code, [f.code for f in v.findings]) for v in only] == [
        (MAOJIAZHAI, ["committee_woman"])
    ]
    assert [(code, name, len(rows)) for code, name, rows in towns_of(found.villages)] == [
        ("630121100", "桥头镇", 3)
    ]


def test_the_queries_do_not_grow_with_the_villages(cast, campaign, django_assert_num_queries):
    structure_world(campaign, cast.town_officer)
    scope = Region.objects.get(code="630121")
    # terms+settings, cadres, previous, kin, regions.
    with django_assert_num_queries(5):
        structure_findings(scope, 12)
    # The latest term's number, when none is asked for: one more.
    with django_assert_num_queries(6):
        structure_findings(scope, None)
