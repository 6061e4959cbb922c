"""The statistics report's figures (rosters.report) on a crafted roster (report_world): each
definition of the design, worked out by hand, on the county, its towns and villages, the city
and the province above it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from huanjie.regions.models import Region
from huanjie.rosters.report import FIGURES, ReportError, report
from huanjie.rosters.report_types import Report, Section
from huanjie.rosters.tests import report_world as w

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(regions: None) -> w.World:
    return w.build()


def county_report(term: int | None = 11) -> Report:
    return report(Region.objects.get(code=w.COUNTY), term)


def values(section: Section) -> dict[str, object]:
    return {f.key: f.value for f in section.figures}


def test_it_counts_the_county_by_the_definitions(world: w.World) -> None:
    rep = county_report()
    assert rep.term_number == 11 and rep.previous_term_number == 10
    assert rep.reference_dates == ("2027-01-15",)
    v = values(rep.scope)
    assert v == {
        "villages": 3,  # 206, 207, 204 (205 has no roster)
        # P1 P2 P3 P4 P8 无名氏 | Q1 Q2 Q4 | R1 R2: P5 and Q3 sit on the supervision
        # committee only; P6 corrected, P7 ended before R, P9 by-election after R.
        "cadres": 11,
        "cadres_on_posts": 9,  # 大学生村官 P3 and R2 do not count against the posts
        "per_village": Decimal("3.0"),
        "young": 4,  # P1 34, P2 35 (35 included), Q2 30, R2 25
        "age_36_45": 2,  # P3 36, 无名氏 45
        "age_46_55": 3,  # Q1 50, Q4 46, R1 55
        "age_over_55": 1,  # P4 56
        "age_unknown": 1,  # P8
        "average_age": Decimal("41.2"),  # 412 / 10
        "edu_high_school_up": 8,
        "edu_college_up": 6,
        "edu_postgraduate": 1,
        "edu_undergraduate": 4,
        "edu_college": 1,
        "edu_secondary": 2,
        "edu_junior_or_below": 2,
        "edu_unknown": 1,
        "women": 4,
        "minority": 3,  # P1 回, P3 土, Q4 回 (无名氏's ethnicity not filled is not a minority)
        "party_members": 6,  # P1 P2 P4(预备) 无名氏 Q1 R1
        "heads": 4,  # P1 (both posts, once) Q1 Q2 R1
        "young_heads": 2,  # P1 Q2
        "dual_role_villages": 2,  # 206 P1, 204 R1
        "cross_appointments": 5,  # P1 3 bodies: 2; P2 1; Q4 1; R1 1; P4 (supervision) 0
        "secretary_coop_head": 1,  # P1
        "supervision_chairs_in_party": 1,  # P4 (Q3 is not on the party organisation)
        "party_directors": 2,  # P1 R1 (Q2 群众)
        "party_committee_members": 3,  # P1 P2 R1 of P1 P2 P3 Q2 Q4 R1 R2
        "new_secretaries": 1,  # R1 (P1 and Q1 were secretaries in term 10)
        "new_directors": 2,  # P1 (P10 before), R1 (R3 before)
        "tag_college_official": 2,
        "tag_veteran": 1,
        "tag_entrepreneur": 1,
        "tag_grower": 0,
        "tag_returnee": 1,
        "departed": v["departed"],
        "departed_placed": v["departed_placed"],
        "departure_payments": v["departure_payments"],
        "reserve": v["reserve"],
        "reserve_elected": v["reserve_elected"],
    }
    assert [f.key for f in rep.scope.figures] == list(FIGURES)


def test_it_gives_the_bases_and_shares_to_one_decimal(world: w.World) -> None:
    s = county_report().scope
    young = s.figure("young")
    assert (young.base_key, young.base, young.share) == ("cadres", 11, Decimal("36.4"))
    bases = {f.key: (f.base, f.share) for f in s.figures if f.base_key}
    assert bases["young_heads"] == (4, Decimal("50.0"))
    assert bases["dual_role_villages"] == (3, Decimal("66.7"))
    assert bases["secretary_coop_head"] == (3, Decimal("33.3"))
    assert bases["supervision_chairs_in_party"] == (2, Decimal("50.0"))
    assert bases["party_directors"] == (3, Decimal("66.7"))
    assert bases["party_committee_members"] == (7, Decimal("42.9"))
    assert bases["new_secretaries"] == (3, Decimal("33.3"))
    assert s.figure("cross_appointments").share is None  # 人次 have no base


def test_it_fills_the_previous_term(world: w.World) -> None:
    s = county_report().scope
    before = {f.key: f.previous_value for f in s.figures}
    assert before["villages"] == 3
    assert before["cadres"] == 7  # P1 P10 P2 | Q1 Q2 | R3 R1
    assert before["young"] == 3  # P1 29, P2 30, Q2 25
    assert before["dual_role_villages"] == 1  # 204 R3
    assert before["heads"] == 5  # P1 P10 Q1 Q2 R3
    young = s.figure("young")
    assert young.previous_share == Decimal("42.9")
    # The change of a share is the difference of the printed shares.
    assert young.change_points == Decimal("36.4") - Decimal("42.9") == Decimal("-6.5")
    assert s.figure("dual_role_villages").change == 1
    assert s.figure("per_village").previous_value == Decimal("2.3")  # 7 / 3
    # No term 9: the new heads of term 10 are unknown.
    assert before["new_secretaries"] is None


def test_it_reports_each_town_and_sums_to_the_county(world: w.World) -> None:
    rep = county_report()
    assert [c.code for c in rep.children] == [w.TOWN_A, w.TOWN_B]
    a, b = (values(c) for c in rep.children)
    assert (a["villages"], a["cadres"], a["dual_role_villages"], a["cross_appointments"]) == (
        2,
        9,
        1,
        4,
    )
    assert (b["villages"], b["cadres"], b["dual_role_villages"], b["new_directors"]) == (1, 2, 1, 1)
    total = values(rep.scope)
    for key in ("cadres", "young", "women", "heads", "party_committee_members", "minority"):
        assert a[key] + b[key] == total[key]  # type: ignore[operator]


def test_a_town_reports_its_villages_and_one_without_previous_term_has_none(
    world: w.World,
) -> None:
    rep = report(Region.objects.get(code=w.TOWN_B), 11)
    assert rep.scope.figure("cadres").value == 2
    v204, v205 = rep.children
    assert (v204.code, v205.code) == (w.V204, w.V205)
    assert v204.figure("cadres").previous_value == 2  # R3 R1
    # 东门村 has no roster at all: zero now, nothing to compare with.
    assert v205.figure("cadres").value == 0
    assert v205.figure("young").share is None
    assert v205.figure("cadres").previous_value is None
    assert v205.figure("young").change_points is None


def test_the_ethnicity_breakdown(world: w.World) -> None:
    (eth,) = county_report().scope.breakdowns
    assert eth.key == "ethnicity"
    assert eth.rows == (
        ("01", "汉族", 7, Decimal("63.6")),
        ("03", "回族", 2, Decimal("18.2")),
        ("", "民族未填", 1, Decimal("9.1")),
        ("30", "土族", 1, Decimal("9.1")),
    )


def test_the_city_and_province_add_their_counties(world: w.World) -> None:
    # 湟源县 630123: term 11 of its own, dated otherwise, no term 10.
    t = w.make_term("630123", 11, w.date(2027, 3, 1))
    s1 = w.make_person("S1", "F", "630123100001")
    w.cadre(t, "630123100001", "party", "secretary", s1, age=40, sex="F")
    w.cadre(t, "630123100001", "residents", "director", s1, age=40, sex="F")
    w.cadre(t, "630123100001", "residents", "member", w.make_person("S2"), age=33)
    city = report(Region.objects.get(code="6301"), 11)
    assert city.reference_dates == ("2027-01-15", "2027-03-01")
    assert city.scope.figure("cadres").value == 13
    assert city.scope.figure("dual_role_villages").value == 3
    assert city.scope.figure("cadres").previous_value == 7
    by_code = {c.code: c for c in city.children}
    assert by_code["630121"].figure("cadres").value == 11
    assert by_code["630123"].figure("cadres").value == 2
    assert by_code["630123"].figure("cadres").previous_value is None
    province = report(Region.objects.get(code="63"), 11)
    assert [c.code for c in province.children] == ["6301"]
    assert province.scope.as_dict()["figures"] == province.children[0].as_dict()["figures"]


def test_an_older_term_on_request(world: w.World) -> None:
    rep = county_report(10)
    assert rep.term_number == 10 and rep.previous_term_number is None
    assert rep.scope.figure("cadres").value == 7
    assert rep.scope.figure("young").previous_share is None


def test_the_scope_must_be_a_town_or_above_with_a_roster(world: w.World) -> None:
    with pytest.raises(ReportError, match="是村级区划"):
        report(Region.objects.get(code=w.V206))
    with pytest.raises(ReportError) as refused:
        county_report(9)
    assert (
        refused.value.message
        == "大通回族土族自治县没有第9届的干部名册（有名册的届次：第10届、第11届）"
    )
    with pytest.raises(ReportError) as empty:
        report(Region.objects.get(code="630123"))
    assert empty.value.message == "湟源县还没有干部名册：没有任何一届在任的村干部记录"


def test_rounding_is_half_up(regions: None) -> None:
    term = w.make_term(w.COUNTY, 11, w.R11)
    # 21 cadres on the posts in 4 villages: 5.25 -> 5.3; 1 woman of 16 ... see below.
    villages = [w.V206, w.V207, w.V204, w.V205]
    rows = [(villages[i % 4], {"sex": "F" if i == 0 else "M"}) for i in range(21)]
    w.bulk_nameless(term, rows)
    s = county_report().scope
    assert s.figure("per_village").value == Decimal("5.3")
    # 1 of 21 = 4.7619 -> 4.8; and one of 16 (6.25) -> 6.3 in a town of 16.
    assert s.figure("women").share == Decimal("4.8")


def test_a_share_of_exactly_half_a_tenth_rounds_up(regions: None) -> None:
    term = w.make_term(w.COUNTY, 11, w.R11)
    rows = [(w.V206, {"sex": "F" if i == 0 else "M"}) for i in range(16)]
    w.bulk_nameless(term, rows)
    assert county_report().scope.figure("women").share == Decimal("6.3")  # 6.25


def test_seed_003_figures(regions: None) -> None:
    """Seed 003 §二: "全市1010名村干部中，35岁以下409人，占40.5%，比上届提高9.8个百分点；高中（中专）
    以上学历879人，占87.0%，…其中大专以上学历476人，占47.1%；女干部268名，占26.5%，…除不占职数
    的大学生村官外，共有村干部919人"."""
    t11 = w.make_term(w.COUNTY, 11, w.R11)
    t10 = w.make_term(w.COUNTY, 10, w.R10)
    villages = [w.V206, w.V207, w.V204, w.V205]
    rows11 = []
    for i in range(1010):
        education = "20" if i < 476 else ("60" if i < 879 else "70")
        rows11.append(
            (
                villages[i % 4],
                {
                    "age": 30 if i < 409 else 50,
                    "education": education,
                    "sex": "F" if i < 268 else "M",
                    "tag_college_official": i >= 1010 - 91,
                },
            )
        )
    w.bulk_nameless(t11, rows11)
    w.bulk_nameless(t10, [(villages[i % 4], {"age": 30 if i < 319 else 50}) for i in range(1040)])
    s = county_report().scope
    young = s.figure("young")
    assert (young.value, young.share, young.previous_share) == (
        409,
        Decimal("40.5"),
        Decimal("30.7"),
    )
    assert young.change_points == Decimal("9.8")
    assert s.figure("edu_high_school_up").share == Decimal("87.0")
    assert s.figure("edu_college_up").share == Decimal("47.1")
    assert s.figure("women").share == Decimal("26.5")
    assert s.figure("cadres_on_posts").value == 919
    assert s.figure("tag_college_official").value == 91


def test_by_default_the_latest_term_whose_campaign_is_complete(world: w.World) -> None:
    # Term 11 (reference date 2027-01-15) still being elected: the default is term 10, never a
    # few villages against the whole previous term; once its date has passed, term 11.
    county = Region.objects.get(code=w.COUNTY)
    assert report(county, today=w.R11 - timedelta(days=1)).term_number == 10
    assert report(county, today=w.R11).term_number == 11
    assert report(county, 11, today=w.R11 - timedelta(days=1)).term_number == 11


def test_a_term_still_being_elected_says_so(world: w.World) -> None:
    from huanjie.rosters.report_text import IN_PROGRESS, in_progress

    rep = county_report(11)
    assert in_progress(rep, today=w.R11 - timedelta(days=1)) == IN_PROGRESS
    assert in_progress(rep, today=w.R11) == ""
