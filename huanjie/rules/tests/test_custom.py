"""A county's own rule profile (huanjie.rules.custom): the values the national law allows, the
ones it refuses with the article each breaks, and — over random overrides — that no accepted
profile is looser than the national law."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huanjie.rules import PollFileError, poll_from_json, tally
from huanjie.rules.arith import HALF, THIRD, Share
from huanjie.rules.candidates import candidate_count_check, candidate_range
from huanjie.rules.custom import (
    PARAMETERS,
    TRANSFER_VALUES,
    CustomProfile,
    Override,
    ProxyLimits,
    Value,
    check_override,
    custom_profile,
    overrides_from_json,
    value_from_json,
    value_to_json,
)
from huanjie.rules.errors import ProfileError
from huanjie.rules.profiles import Article, Profile, Surplus, Vacancy, effective_profile
from huanjie.rules.proxies import ProxyRequest, proxy_check
from huanjie.rules.tests.support import villagers

QH = "青海省村民委员会选举办法"
DAY = date(2026, 12, 1)
BEFORE = date(2025, 6, 1)
VC = "村民委员会组织法(2025) 第十八条"


def national(body: str = "villagers", day: date = DAY, mode: str | None = None) -> Profile:
    return effective_profile(body, "", day, mode)


def build(data: dict[str, Any], base: Profile | None = None) -> CustomProfile:
    base = base or national()
    overrides, problems = overrides_from_json(base, data, QH)
    assert problems == ()
    return custom_profile(base, overrides, title=QH, province="63", note="大通县选举规则第1版")


# ---------------------------------------------------------------------------------------------
# What a county may set.


def test_a_lawful_profile_cites_the_national_law_first_then_the_county_text() -> None:
    result = build(
        {
            "surplus": {
                "value": {"by_post": {"director": [1, 1], "member": [1, 3]}},
                "article": 20,
            },
            "proxy": {"value": {"cap": 2, "filing_days": 3, "candidates_excluded": True}},
            "transfer": {"value": "allowed", "article": 31},
            "women": {"value": "priority", "article": 32},
            "vacancy": {"value": {"min_elected": 3, "meeting_decides": True}, "article": 34},
            "threshold": {"value": {"num": 1, "den": 2, "strict": True}, "article": 29},
        }
    )
    assert result.ok
    profile = result.profile
    assert profile is not None
    assert profile.sources == ("村民委员会组织法(2025)", QH)
    assert profile.province == "63"
    assert profile.notes == ("大通县选举规则第1版",)
    assert profile.surplus.cite() == (f"{QH} 第二十条",)
    assert profile.transfer.value == "allowed" and profile.transfer.cite() == (f"{QH} 第三十一条",)
    assert profile.women.value == "priority"
    assert profile.vacancy.value == Vacancy(3, meeting_decides=True)
    # The proxy rule keeps who may hold one from the national law, and cites it after the county.
    assert profile.proxy.cite() == (QH, VC)
    assert (profile.proxy.value.cap, profile.proxy.value.filing_days) == (2, 3)
    assert profile.proxy.value.holders == "close_relatives_or_villagers"
    # Parameters the county did not set stay the national law's.
    assert profile.supplementary_threshold == national().supplementary_threshold
    assert profile.turnout == national().turnout


def test_the_engine_applies_the_county_values() -> None:
    profile = build({"surplus": {"value": {"by_post": {"member": [1, 2]}}, "article": 20}}).profile
    assert profile is not None
    assert candidate_range(profile, "member", 4) == (5, 6)
    found = candidate_count_check(profile, "member", 4, 7)
    assert found.messages == ("委员应选4名，候选人应当为5至6名，现为7名",)
    assert found.problems[0].article == f"{QH} 第二十条"
    # A post the county did not name keeps the national "more candidates than seats".
    assert candidate_range(profile, "director", 1) == (2, None)
    capped = build({"proxy": {"value": {"cap": 2, "candidates_excluded": True}}}).profile
    assert capped is not None
    refused = proxy_check(capped, ProxyRequest(already_held=2), DAY)
    assert refused.messages == ("每一受委托人接受委托不得超过2人，已接受2人",)
    assert refused.problems[0].article == f"{QH}、{VC}"


def test_no_override_is_the_national_law_itself() -> None:
    result = custom_profile(national(), {}, title=QH)
    assert result.ok and result.profile == national()


def test_stricter_shares_are_accepted() -> None:
    result = build(
        {
            "turnout": {"value": {"num": 2, "den": 3, "strict": True}},
            "supplementary_threshold": {"value": {"num": 1, "den": 2, "strict": True}},
        }
    )
    assert result.ok and result.profile is not None
    assert result.profile.turnout.value == Share(2, 3, True)
    assert result.profile.supplementary_threshold.value == HALF


def test_the_json_form_round_trips() -> None:
    base = national()
    cases: list[tuple[str, Value]] = [
        ("surplus", Surplus((("director", 1, 1), ("member", 1, None)), percent=None)),
        ("proxy", ProxyLimits(3, 5, True)),
        ("transfer", "required"),
        ("women", "separate_post"),
        ("vacancy", Vacancy(4, director_required=True)),
        ("threshold", Share(3, 5, False)),
    ]
    for parameter, value in cases:
        assert value_from_json(base, parameter, value_to_json(value)) == value


# ---------------------------------------------------------------------------------------------
# What the national law refuses: the message names the parameter, the article is the law's.


@pytest.mark.parametrize(
    ("parameter", "value", "message", "article"),
    [
        (
            "surplus",
            {"by_post": {"director": [0, 0]}},
            "候选人差额：主任应选1名时，候选人至少应为2名（比应选名额多1名），不能设为1名",
            VC,
        ),
        (
            "surplus",
            {"by_post": {"member": [2, 1]}},
            "候选人差额：委员的最多差额（1）不能少于最少差额（2）",
            VC,
        ),
        (
            "proxy",
            {"cap": 4, "candidates_excluded": True},
            "委托投票：每一受委托人接受委托不得超过3人，不能设为4人",
            VC,
        ),
        (
            "proxy",
            {"cap": None, "candidates_excluded": True},
            "委托投票：全国性法律规定每一受委托人接受委托不得超过3人，不能不限人数",
            VC,
        ),
        (
            "proxy",
            {"cap": 0, "candidates_excluded": True},
            "委托投票：每一受委托人接受委托的人数至少为1人",
            VC,
        ),
        ("proxy", {"cap": 3}, "委托投票：候选人不得接受委托投票，不能取消这一限制", VC),
        (
            "proxy",
            {"cap": 3, "candidates_excluded": True, "filing_days": 21},
            "委托投票：办理委托手续的期限应当是选举日前1至20日（选民名单在选举日20日前公布），现为21日",
            "村民委员会组织法(2025) 第十七条",
        ),
        (
            "vacancy",
            {"min_elected": 2},
            "名额暂缺：当选人数至少达到3人（委员会的法定最低职数）的，不足的名额才可以暂缺，不能设为2人",
            "村民委员会组织法(2025) 第八条",
        ),
        (
            "vacancy",
            {"min_elected": 8},
            "名额暂缺：当选人数不能超过委员会的最多职数7人，现为8人",
            "村民委员会组织法(2025) 第八条",
        ),
        (
            "vacancy",
            {"min_elected": 3, "after_first_poll": True},
            "名额暂缺：当选人数不足应选名额的，不足的名额应当另行选举，第一次投票后不能暂缺",
            VC,
        ),
        (
            "threshold",
            {"num": 1, "den": 2, "strict": False},
            "当选所需票数：不能低于全国性法律规定的过半数，现为二分之一以上",
            VC,
        ),
        (
            "turnout",
            {"num": 2, "den": 5, "strict": True},
            "选举有效所需投票人数：不能低于全国性法律规定的过半数，现为超过五分之二",
            VC,
        ),
        (
            "supplementary_threshold",
            {"num": 1, "den": 4, "strict": False},
            "另行选举当选所需票数：不能低于全国性法律规定的不少于三分之一，现为四分之一以上",
            VC,
        ),
    ],
)
def test_a_looser_value_is_refused_with_the_national_article(
    parameter: str, value: Any, message: str, article: str
) -> None:
    result = build({parameter: {"value": value, "article": 20}})
    assert not result.ok and result.profile is None
    assert result.verdict.messages == (message,)
    assert result.verdict.problems[0].article == article


@pytest.mark.parametrize(
    ("parameter", "value", "message"),
    [
        ("women", "none", "妇女成员：应当是“required”、“separate_post”、“priority”"),
        ("transfer", "sometimes", "高职位得票计入低职位：应当是“none”、“allowed”、“required”"),
        (
            "threshold",
            {"num": 3, "den": 2, "strict": False},
            "当选所需票数：应当是大于0、小于1的分数，分母为2至10",
        ),
        (
            "threshold",
            {"num": 2, "den": 2, "strict": False},
            "当选所需票数：应当是大于0、小于1的分数，分母为2至10",
        ),
        ("threshold", "过半数", "当选所需票数：应当是JSON对象"),
        ("proxy", {"cap": True}, "委托投票：每人接受委托的人数应当是整数"),
        ("proxy", {"limit": 3}, "委托投票：未知字段“limit”"),
        (
            "surplus",
            {"by_post": {"secretary": [1, 1]}},
            "候选人差额：村民委员会没有“secretary”职位",
        ),
        (
            "surplus",
            {"by_post": {"member": [1]}},
            "候选人差额：委员的差额应当写成[最少, 最多]，最多可以为null（不限）",
        ),
        ("surplus", {"percent": 0}, "候选人差额：差额比例应当是1至100之间的整数（百分比）"),
        ("vacancy", {"min_elected": "三"}, "名额暂缺：当选人数应当是整数"),
    ],
)
def test_a_value_of_the_wrong_shape_is_refused(parameter: str, value: Any, message: str) -> None:
    _, problems = overrides_from_json(national(), {parameter: {"value": value}}, QH)
    assert [p.message for p in problems] == [message]


def test_an_unknown_parameter_or_article_is_refused() -> None:
    _, problems = overrides_from_json(
        national(),
        {
            "age": {"value": 16},
            "transfer": {"value": "none", "article": 0},
            "women": {"value": "required", "article": "第二十条"},
        },
        QH,
    )
    assert [p.message for p in problems] == [
        "“age”不是可以由县级设置的选举规则参数",
        "高职位得票计入低职位：引用的条文序号应当是正整数，或者不填（引用整部办法）",
        "妇女成员：引用的条文序号应当是正整数，或者不填（引用整部办法）",
    ]


def test_the_2018_law_has_no_proxy_cap_so_any_cap_of_one_or_more_is_lawful() -> None:
    base = national(day=BEFORE)
    assert check_override(base, "proxy", ProxyLimits(cap=None)).ok
    assert check_override(base, "proxy", ProxyLimits(cap=5)).ok
    assert not check_override(base, "proxy", ProxyLimits(cap=0)).ok


def test_bodies_without_proxies_or_vacancies_refuse_them() -> None:
    reps = national("residents", mode="representatives")
    assert check_override(reps, "proxy", ProxyLimits(cap=1)).messages == (
        "委托投票：采取居民代表选举方式的，不实行委托投票，不能设置委托投票的限制",
    )
    party = national("party")
    assert check_override(party, "vacancy", Vacancy(3)).messages == (
        "名额暂缺：村党组织委员会当选人数不足的，不足的名额另行选举，不设名额暂缺",
    )
    # The Party's 20% surplus for 委员 cannot be lowered to 10%.
    assert not check_override(party, "surplus", Surplus(percent=10)).ok
    assert check_override(party, "surplus", Surplus(percent=25)).ok


def test_a_province_profile_is_no_base() -> None:
    with pytest.raises(ProfileError):
        custom_profile(effective_profile("villagers", "33", DAY), {}, title=QH)


def test_every_problem_is_reported_at_once() -> None:
    base = national()
    overrides = {
        "turnout": Override(Share(1, 3, False), Article(QH)),
        "women": Override("none", Article(QH)),
    }
    result = custom_profile(base, overrides, title=QH)
    assert len(result.verdict.problems) == 2


# ---------------------------------------------------------------------------------------------
# Properties: whatever the county types, an accepted profile is never looser than the law.

BASES = [
    national(),
    national(day=BEFORE),
    national("residents"),
    national("residents", mode="representatives"),
    national("party"),
    national("supervision"),
]

small = st.integers(0, 8) | st.just(-1)
maybe_small = st.none() | small
shares = st.fixed_dictionaries(
    {"num": st.integers(0, 5), "den": st.integers(1, 11), "strict": st.booleans()}
)
posts = st.sampled_from(
    ["secretary", "deputy_secretary", "director", "deputy_director", "member", "woman_member"]
)
values: dict[str, st.SearchStrategy[Any]] = {
    "surplus": st.fixed_dictionaries(
        {
            "by_post": st.dictionaries(posts, st.tuples(small, maybe_small).map(list), max_size=3),
            "percent": st.none() | st.integers(-5, 120),
        }
    ),
    "proxy": st.fixed_dictionaries(
        {"cap": maybe_small, "filing_days": maybe_small, "candidates_excluded": st.booleans()}
    ),
    "transfer": st.sampled_from([*TRANSFER_VALUES, "x"]),
    "women": st.sampled_from(["none", "required", "separate_post", "priority"]),
    "vacancy": st.fixed_dictionaries(
        {
            "min_elected": small,
            "director_required": st.booleans(),
            "after_first_poll": st.booleans(),
            "meeting_decides": st.booleans(),
        }
    ),
    "threshold": shares,
    "supplementary_threshold": shares,
    "turnout": shares,
}


@st.composite
def county_data(draw: st.DrawFn) -> dict[str, Any]:
    chosen = draw(st.sets(st.sampled_from(list(PARAMETERS)), min_size=1, max_size=4))
    return {
        p: {"value": draw(values[p]), "article": draw(st.none() | st.integers(1, 60))}
        for p in chosen
    }


def _not_looser(base: Profile, profile: Profile) -> None:
    for post in base.posts:
        for seats in range(1, 10):
            low, high = candidate_range(profile, post, seats)
            base_low, base_high = candidate_range(base, post, seats)
            assert low >= base_low
            assert high is None or high >= low
            if base_high is not None:
                assert high is not None and high <= base_high
    law, now = base.proxy.value, profile.proxy.value
    assert (now.allowed, now.holders) == (law.allowed, law.holders)
    if law.cap is not None:
        assert now.cap is not None and 1 <= now.cap <= law.cap
    if law.candidates_excluded:
        assert now.candidates_excluded
    for name in ("threshold", "supplementary_threshold", "turnout"):
        new, old = getattr(profile, name).value, getattr(base, name).value
        for whole in range(1, 60):
            assert new.smallest(whole) >= old.smallest(whole)
            assert new.smallest(whole) <= whole + 1
    if base.women.value != "none":
        assert profile.women.value != "none"
    assert profile.transfer.value in TRANSFER_VALUES
    if base.vacancy.value is None:
        assert profile.vacancy.value is None
    else:
        vacancy = profile.vacancy.value
        assert vacancy is not None
        assert vacancy.min_elected >= base.vacancy.value.min_elected
        assert not vacancy.after_first_poll or base.vacancy.value.after_first_poll


@settings(max_examples=400, deadline=None)
@given(base=st.sampled_from(BASES), data=county_data())
def test_no_accepted_override_is_looser_than_the_national_law(
    base: Profile, data: dict[str, Any]
) -> None:
    overrides, problems = overrides_from_json(base, data, QH)
    result = custom_profile(base, overrides, title=QH, province="63")
    if problems or not result.ok:
        assert problems or result.verdict.problems
        for problem in (*problems, *result.verdict.problems):
            assert problem.message.split("：")[0] in PARAMETERS.values()
        return
    profile = result.profile
    assert profile is not None
    _not_looser(base, profile)
    assert profile.sources == (*base.sources, QH)
    for parameter, override in overrides.items():
        assert getattr(profile, parameter).articles[0] == override.article


@settings(max_examples=200, deadline=None)
@given(base=st.sampled_from(BASES), data=county_data())
def test_the_verdict_of_a_whole_profile_is_the_verdicts_of_its_parameters(
    base: Profile, data: dict[str, Any]
) -> None:
    overrides, _ = overrides_from_json(base, data, QH)
    whole = custom_profile(base, overrides, title=QH)
    each = [check_override(base, p, o.value) for p, o in overrides.items()]
    assert whole.ok == all(v.ok for v in each)


def test_the_properties_see_accepted_profiles() -> None:
    # Not vacuous: the national values themselves, set by the county, are always accepted.
    for base in BASES:
        data = {
            "threshold": {"value": value_to_json(base.threshold.value)},
            "turnout": {"value": value_to_json(base.turnout.value)},
            "supplementary_threshold": {"value": value_to_json(base.supplementary_threshold.value)},
        }
        result = build(data, base)
        assert result.ok, result.verdict.messages
        assert result.profile is not None
        _not_looser(base, result.profile)
    assert THIRD.smallest(3) == 1


def test_a_county_profile_counts_a_poll_of_its_body() -> None:
    # tally(poll, profile=...): the application passes a county's own profile.
    day = date(2026, 5, 10)
    base = effective_profile("villagers", "", day)
    data = {"threshold": {"value": {"num": 3, "den": 5, "strict": True}, "article": 30}}
    county = custom_profile(base, overrides_from_json(base, data, QH)[0], title=QH).profile
    assert county is not None
    poll = poll_from_json(villagers(ballots=[{"n": 280, "member": ["A", "B", "C"]}]))
    assert tally(poll).elected == ("A", "B", "C")
    # 3/5 of 500 who voted: more than 300 needed.
    assert tally(poll, profile=county).elected == ()
    assert tally(poll, profile=county).post("member").threshold == 301
    party = effective_profile("party", "", day)
    with pytest.raises(PollFileError) as raised:
        tally(poll, profile=party)
    assert (raised.value.field, raised.value.message) == (
        "body",
        "计票规则适用于村党组织委员会，与本次投票（村民委员会）不符",
    )
    committee = effective_profile("party", "", day, meeting="committee")
    members = poll_from_json(
        {
            "body": "party",
            "election_date": "2026-05-10",
            "poll": "first",
            "posts": [{"post": "member", "seats": 1}],
            "electorate": 50,
            "voted": 41,
            "ballots_issued": 41,
            "ballots": [],
        }
    )
    with pytest.raises(PollFileError) as raised:
        tally(members, profile=committee)
    assert raised.value.field == "meeting"
