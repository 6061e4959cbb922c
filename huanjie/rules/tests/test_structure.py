"""The structure checks (huanjie.rules.structure): each check as seed 003 and the laws say it,
on small villages built here, and properties that hold for every roster."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huanjie.rules.structure import (
    CHECKS,
    DOUBTFUL,
    LAW,
    POLICY,
    Finding,
    KinPair,
    Member,
    Settings,
    SettingsError,
    VillageSummary,
    check_county,
    check_village,
    settings_problems,
    share_text,
    village_summary,
)

S = Settings()


def sound(committee: str = "villagers") -> list[Member]:
    """A village breaking nothing: a dual-role head, a young woman, three committee members
    (five for residents), nobody on two bodies that must be apart."""
    rows = [
        Member("1", "马成林", "party", "secretary", sex="M", age=48),
        Member("1", "马成林", committee, "director", sex="M", age=48),
        Member("2", "祁玉兰", committee, "woman_member", sex="F", age=33),
        Member("3", "韩军", committee, "member", sex="M", age=41),
        Member("4", "李华", "supervision", "director", sex="M", age=50),
    ]
    if committee == "residents":
        rows += [
            Member("5", "赵强", committee, "member", sex="M", age=44),
            Member("6", "孙丽", committee, "member", sex="F", age=39),
        ]
    return rows


def codes(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.code, f.severity) for f in findings]


def check(members: list[Member], kin: list[KinPair] | None = None, **kw) -> list[Finding]:
    settings = kw.pop("settings", S)
    return check_village(members, kin or [], settings, has_previous=kw.pop("previous", True), **kw)


def test_a_sound_village_breaks_nothing() -> None:
    assert check(sound()) == []
    assert check(sound("residents")) == []


def committee_of(n: int, body: str = "villagers", woman: bool = True) -> list[Member]:
    rows = [Member("h", "书记甲", "party", "secretary", sex="M", age=30)]
    for i in range(n):
        sex = "F" if woman and i == 0 else "M"
        rows.append(Member(f"c{i}", f"委员{i}", body, "member", sex=sex, age=40 + i))
    return rows


@pytest.mark.parametrize(
    ("body", "size", "expected"),
    [
        # 村民委员会组织法(2025) 第八条 "共三至七人组成" (RULES.md V1): the law's bounds.
        ("villagers", 2, [("committee_size", LAW)]),
        ("villagers", 3, []),
        ("villagers", 7, []),
        ("villagers", 8, [("committee_size", LAW)]),
        # 城市居民委员会组织法(2025) 第八条 "五至九人" (C1).
        ("residents", 4, [("committee_size", LAW)]),
        ("residents", 5, []),
        ("residents", 9, []),
        ("residents", 10, [("committee_size", LAW)]),
    ],
)
def test_committee_sizes_follow_the_law(body: str, size: int, expected: list) -> None:
    # Cadre counts are not this test's concern.
    loose = replace(S, cadres_usual_max=30, cadres_max=30)
    found = [
        f for f in check(committee_of(size, body), settings=loose) if f.code == "committee_size"
    ]
    assert codes(found) == expected


def test_a_campaign_narrowing_the_size_makes_a_policy_finding() -> None:
    narrow = replace(S, villagers_min=5)
    found = [f for f in check(committee_of(4), settings=narrow) if f.code == "committee_size"]
    assert codes(found) == [("committee_size", POLICY)]
    assert found[0].message == "村民委员会成员4人，少于本次换届要求的5人"


def test_the_committee_needs_a_woman_member() -> None:
    # 村民委员会组织法(2025) 第八条 "应当有妇女成员" (RULES.md V2).
    found = check(committee_of(3, woman=False))
    assert ("committee_woman", LAW) in codes(found)
    assert "村民委员会成员中没有妇女" in [f.message for f in found]
    # Unknown sex: the roster cannot say; a person decides.
    rows = [replace(m, sex="") if m.key == "c1" else m for m in committee_of(3, woman=False)]
    assert ("committee_woman", DOUBTFUL) in codes(check(rows))


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (0, []),
        (3, [("cadres_over_usual", POLICY)]),  # 6: "职数为3-5名"
        (5, [("cadres_over_max", POLICY)]),  # 8: "不得超过7名"
    ],
)
def test_cadre_counts_of_seed_003(extra: int, expected: list) -> None:
    rows = sound() + [
        Member(f"x{i}", f"成员{i}", "cooperative", "member", sex="M", age=45) for i in range(extra)
    ]
    found = [f for f in check(rows) if f.code.startswith("cadres_")]
    assert codes(found) == expected


def test_college_officials_take_no_post_but_are_cadres() -> None:
    # seed 003: "大学生村官进班子后不占职数": two of them do not make 5 cadres into 7.
    rows = sound() + [
        Member(f"u{i}", f"村官{i}", "party", "member", sex="F", age=24, college_official=True)
        for i in range(2)
    ]
    rows += [Member("x", "社员", "cooperative", "member", sex="M", age=45)]
    assert [f for f in check(rows) if f.code.startswith("cadres_")] == []
    # ... yet a young woman among them is a woman cadre and a young one.
    rows = [m for m in sound() if m.key != "2"] + [
        Member("2", "祁玉兰", "villagers", "member", sex="F", age=24, college_official=True)
    ]
    assert not {"women_cadres", "young_cadres"} & {f.code for f in check(rows)}


def test_too_few_cadres() -> None:
    rows = [
        Member("1", "马成林", "party", "secretary", sex="M", age=30),
        Member("1", "马成林", "villagers", "director", sex="M", age=30),
        Member("2", "祁玉兰", "villagers", "member", sex="F", age=40),
    ]
    found = [f for f in check(rows) if f.code == "cadres_under"]
    assert [f.message for f in found] == ["村干部（不含大学生村官）仅2人，少于3名"]


def test_a_woman_cadre_and_a_young_one() -> None:
    rows = [replace(m, sex="M", age=50) for m in sound()]
    found = check(rows)
    assert ("women_cadres", POLICY) in codes(found)
    assert ("young_cadres", POLICY) in codes(found)
    assert "35岁以下干部0人，少于1名" in [f.message for f in found]
    # 35 is "35岁以下" (以下包括本数).
    rows = [replace(m, age=35) if m.key == "3" else m for m in rows]
    assert "young_cadres" not in {f.code for f in check(rows)}
    # Unknown age: doubtful, not a breach.
    rows = [replace(m, age=None) if m.key == "3" else replace(m, age=50) for m in sound()]
    assert ("young_cadres", DOUBTFUL) in codes(check(rows))


def test_a_man_of_55_or_more_newly_joining() -> None:
    rows = [*sound(), Member("9", "老王", "cooperative", "member", sex="M", age=56)]
    found = [f for f in check(rows) if f.code == "men_over_age_new"]
    assert [f.message for f in found] == [
        "55岁以上的男性新进班子：老王（56岁，经济合作社管委会委员）"
    ]
    # On the previous term's roster: he stays, nothing said.
    kept = [*rows[:-1], replace(rows[-1], on_previous=True)]
    assert "men_over_age_new" not in {f.code for f in check(kept)}
    # Exactly 55 is "55岁以上" (以上包括本数); 54, a woman, or no previous roster: nothing said.
    assert "men_over_age_new" in {f.code for f in check([*rows[:-1], replace(rows[-1], age=55)])}
    assert "men_over_age_new" not in {
        f.code for f in check([*rows[:-1], replace(rows[-1], age=54)])
    }
    assert "men_over_age_new" not in {
        f.code for f in check([*rows[:-1], replace(rows[-1], sex="F")])
    }
    assert "men_over_age_new" not in {f.code for f in check(rows, previous=False)}
    # The supervision committee is no 班子 of cadres.
    rows = [*sound(), Member("9", "老王", "supervision", "member", sex="M", age=60)]
    assert "men_over_age_new" not in {f.code for f in check(rows)}


def test_close_relatives_on_the_committee_and_on_supervision() -> None:
    found = check(sound(), [KinPair("1", "3", "父母子女"), KinPair("2", "4", "配偶")])
    assert codes(found) == [("kin_committee", LAW), ("kin_supervision", LAW)]
    assert (
        found[0].message == "马成林（村民委员会主任）与韩军（村民委员会委员）为近亲属（父母子女）"
    )
    assert found[0].source.startswith("村民委员会组织法(2025) 第八条")
    assert (
        found[1].message
        == "祁玉兰（村民委员会妇女委员）与李华（村务监督委员会主任）为近亲属（配偶）"
    )
    assert found[1].source == "村民委员会组织法(2025) 第三十七条（2018年文本 第三十二条）"
    # Residents: 城市居民委员会组织法(2025) 第三十六条 and its 居务监督委员会.
    found = check(sound("residents"), [KinPair("4", "2", "配偶")])
    assert [f.message for f in found] == [
        "祁玉兰（居民委员会妇女委员）与李华（居务监督委员会主任）为近亲属（配偶）"
    ]
    assert found[0].source == "城市居民委员会组织法(2025) 第三十六条"
    # Relatives on the Party organisation and the cooperative: no law the engine applies.
    rows = [*sound(), Member("7", "马小军", "cooperative", "member", sex="M", age=30)]
    assert check(rows, [KinPair("1", "7", "父母子女")]) == []


def test_exclusions_between_bodies() -> None:
    rows = [
        *sound(),
        Member("3", "韩军", "supervision", "member", sex="M", age=41),
        Member("5", "周平", "cooperative", "director", sex="M", age=44),
        Member("5", "周平", "cooperative_supervision", "member", sex="M", age=44),
        Member("6", "吴刚", "cooperative", "member", sex="M", age=38),
        Member("6", "吴刚", "supervision", "member", sex="M", age=38),
    ]
    found = [f for f in check(rows) if f.code not in ("cadres_over_usual",)]
    assert codes(found) == [
        ("committee_supervision", LAW),
        ("coop_supervision_board", POLICY),
        ("coop_supervision_committee", POLICY),
    ]
    assert found[0].message == "韩军同时任村民委员会委员和村务监督委员会委员"
    assert found[1].message == "周平同时任经济合作社管委会主任和经济合作社监事会委员"
    # A campaign without seed 003's cooperative rule keeps the law's.
    off = replace(S, cooperative_exclusions=False)
    found = [f for f in check(rows, settings=off) if f.code not in ("cadres_over_usual",)]
    assert codes(found) == [("committee_supervision", LAW)]


def test_one_household_is_a_doubt_unless_declared() -> None:
    rows = [replace(m, household="h1") if m.key in ("2", "4") else m for m in sound()]
    found = check(rows)
    assert codes(found) == [("possible_kin", DOUBTFUL)]
    assert found[0].message == (
        "祁玉兰（村民委员会妇女委员）与李华（村务监督委员会主任）同户，可能为近亲属，请核实并登记"
    )
    # Declared: the law's finding replaces the doubt.
    assert codes(check(rows, [KinPair("2", "4", "配偶")])) == [("kin_supervision", LAW)]
    # Unknown households are no household.
    rows = [replace(m, household="") for m in sound()]
    assert check(rows) == []


def test_heads_and_the_county_shares() -> None:
    assert village_summary(sound(), S) == VillageSummary(1, 0, 0, True)
    split = [
        Member("1", "甲", "party", "secretary", age=30),
        Member("2", "乙", "villagers", "director", age=None),
    ]
    assert village_summary(split, S) == VillageSummary(2, 1, 1, False)
    # 10 heads, 1 young: "达到10%以上" met at exactly 10%.
    villages = [VillageSummary(1, 1, 0, True)] + [VillageSummary(1, 0, 0, True)] * 9
    assert check_county(villages, S) == []
    villages = [VillageSummary(1, 1, 0, False)] + [VillageSummary(1, 0, 0, False)] * 10
    found = check_county(villages, S)
    assert codes(found) == [("young_heads_share", POLICY), ("dual_role_share", POLICY)]
    assert found[0].message == "35岁以下村主要负责人1人，占9.1%，低于10%"
    assert found[1].message == "书记、主任一肩挑的村0个，占0.0%，低于50%"
    assert "乡村振兴战略规划（2018－2022年）" in found[1].source
    # Unknown ages that could reach the share: doubtful.
    villages = [VillageSummary(1, 0, 1, True)] + [VillageSummary(1, 0, 0, True)] * 9
    assert codes(check_county(villages, S)) == [("young_heads_share", DOUBTFUL)]
    assert check_county([], S) == []


def test_settings_round_trip_and_refusals() -> None:
    assert Settings.from_values(S.as_values()) == S
    assert Settings.from_values({}) == S
    assert Settings.from_values({"villagers_min": 5}).villagers_min == 5
    with pytest.raises(SettingsError) as exc:
        Settings.from_values({"villagers_max": 8, "young_heads_share": True, "x": 1})
    assert exc.value.messages == (
        "未知的设置项“x”",
        "村民委员会成员至多：须为3至7之间的整数",
        "35岁以下主要负责人比例（%）：须为0至100之间的整数",
    )
    assert settings_problems({"residents_min": 9, "residents_max": 6}) == [
        "居民委员会成员至少（9）不能大于居民委员会成员至多（6）"
    ]
    assert settings_problems({"cooperative_exclusions": "yes"}) == [
        "社管会与社监会、村务监督委员会成员不得交叉任职：须为是或否"
    ]


def test_every_finding_has_a_known_code_and_a_source() -> None:
    rows = [replace(m, sex="M", age=60, household="h") for m in sound()]
    found = check(rows, [KinPair("1", "3", "配偶")]) + check_county(
        [VillageSummary(3, 0, 0, False)], S
    )
    assert found
    for f in found:
        assert f.code in CHECKS and f.source and f.severity in (LAW, POLICY, DOUBTFUL)


@pytest.mark.parametrize(
    ("part", "whole", "text"), [(409, 1010, "40.5"), (1, 8, "12.5"), (2, 3, "66.7")]
)
def test_shares_round_half_up(part: int, whole: int, text: str) -> None:
    assert share_text(part, whole) == text


# ---------------------------------------------------------------------------------------------
# Properties.

BODIES = ["party", "villagers", "supervision", "cooperative", "cooperative_supervision"]
members = st.lists(
    st.builds(
        Member,
        key=st.sampled_from("123456789"),
        name=st.just("某人"),
        body=st.sampled_from(BODIES),
        post=st.sampled_from(["secretary", "director", "member", "woman_member"]),
        sex=st.sampled_from(["M", "F", ""]),
        age=st.one_of(st.none(), st.integers(18, 80)),
        household=st.sampled_from(["", "a", "b"]),
        on_previous=st.booleans(),
    ),
    max_size=10,
)
kin = st.lists(
    st.builds(KinPair, st.sampled_from("123456789"), st.sampled_from("123456789"), st.just("配偶")),
    max_size=3,
)


RELAXED = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _consistent(rows: list[Member]) -> list[Member]:
    """One person's rows agree on the person's facts (as the adapter builds them)."""
    first: dict[str, Member] = {}
    out = []
    for m in rows:
        f = first.setdefault(m.key, m)
        out.append(
            replace(m, sex=f.sex, age=f.age, household=f.household, on_previous=f.on_previous)
        )
    return out


@RELAXED
@given(members, kin, st.randoms(use_true_random=False))
def test_order_never_matters(rows: list[Member], pairs: list[KinPair], rnd) -> None:
    rows = _consistent(rows)
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    one = {(f.code, f.severity) for f in check(rows, pairs)}
    assert one == {(f.code, f.severity) for f in check(shuffled, pairs)}


@RELAXED
@given(members, kin)
def test_a_woman_on_the_committee_ends_that_finding(
    rows: list[Member], pairs: list[KinPair]
) -> None:
    rows = [*_consistent(rows), Member("w", "某女", "villagers", "member", sex="F", age=30)]
    found = {f.code for f in check(rows, pairs)}
    assert "committee_woman" not in found
    assert "women_cadres" not in found and "young_cadres" not in found


@RELAXED
@given(members)
def test_without_a_previous_roster_nobody_joins_newly(rows: list[Member]) -> None:
    assert "men_over_age_new" not in {f.code for f in check(_consistent(rows), previous=False)}
