"""The law in force on the election day: the national texts (村民委员会组织法 2010, 2018, 2025;
城市居民委员会组织法 1989, 2018, 2025; the Party's 暂行条例 1990 and 条例 2020), the 民政部 规程
(2013-05-02) and the provincial measures, each from its day; before the earliest text carried,
the engine refuses."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huanjie.rules import PollFileError, ProfileError, effective_profile, law_version
from huanjie.rules.profiles import (
    GUIDE,
    GUIDE_FROM,
    HEN_RC,
    HEN_RC_FROM,
    NATIONAL_TEXTS,
    PARTY,
    PARTY_1990,
    PROVINCE_MEASURES,
    Profile,
)
from huanjie.rules.tests.support import post, run_api, run_both, run_cli, villagers


@pytest.mark.parametrize(
    ("day", "body", "law"),
    [
        # 村民委员会组织法: revised 2010-10-28, amended 2018-12-29, amended 2025 (from 2026-01-01).
        (date(2010, 10, 28), "villagers", "2010"),
        (date(2018, 12, 28), "villagers", "2010"),
        (date(2018, 12, 29), "villagers", "2018"),
        (date(2025, 12, 31), "villagers", "2018"),
        (date(2026, 1, 1), "villagers", "2025"),
        (date(2012, 3, 1), "supervision", "2010"),
        # 城市居民委员会组织法: 1989 text in force 1990-01-01, amended 2018-12-29, revised 2025.
        (date(1990, 1, 1), "residents", "1989"),
        (date(2018, 12, 28), "residents", "1989"),
        (date(2018, 12, 29), "residents", "2018"),
        (date(2026, 1, 1), "residents", "2025"),
        # 中国共产党基层组织选举工作暂行条例 (1990), 条例 from 2020-07-13.
        (date(2020, 7, 12), "party", "1990"),
        (date(2020, 7, 13), "party", "2020"),
    ],
)
def test_the_text_in_force_on_the_election_day(day: date, body: str, law: str) -> None:
    assert law_version(day, body) == law
    assert effective_profile(body, "", day).law == law


def test_the_2010_text_numbers_its_articles_as_the_2018_text() -> None:
    old = effective_profile("villagers", "", date(2015, 6, 1))
    assert old.sources == ("村民委员会组织法(2010)",)
    assert old.turnout.cite() == ("村民委员会组织法(2010) 第十五条",)
    assert old.committee_size.cite() == ("村民委员会组织法(2010) 第六条",)
    assert old.recall.cite() == ("村民委员会组织法(2010) 第十六条",)
    assert old.committee_withdrawal.cite() == ("村民委员会组织法(2010) 第十二条",)
    assert old.voter_list_days.cite() == ("村民委员会组织法(2010) 第十四条",)
    # 第十一条: "每届任期三年" in 2010, "五年" from the 2018 amendment.
    assert (old.term.value, old.term.cite()) == (3, ("村民委员会组织法(2010) 第十一条",))
    assert effective_profile("villagers", "", date(2019, 6, 1)).term.value == 5


@pytest.mark.parametrize(
    ("body", "day", "line"),
    [
        (
            "villagers",
            "2010-10-27",
            "election_date：本系统未收录选举日2010年10月27日施行的村民委员会组织法文本"
            "（收录的最早文本为村民委员会组织法(2010)，自2010年10月28日起施行），无法适用\n",
        ),
        (
            "residents",
            "1989-12-31",
            "election_date：本系统未收录选举日1989年12月31日施行的城市居民委员会组织法文本"
            "（收录的最早文本为城市居民委员会组织法(1989)，自1990年1月1日起施行），无法适用\n",
        ),
    ],
)
def test_an_election_before_the_earliest_text_is_refused(
    body: str, day: str, line: str, tmp_path: Path
) -> None:
    poll = villagers(body=body, election_date=day, posts=[{"post": "member", "seats": 5}])
    assert run_cli(poll, tmp_path) == (2, "", line)
    with pytest.raises(ProfileError) as raised:
        effective_profile(body, "", date.fromisoformat(day))
    assert raised.value.field == "election_date"
    with pytest.raises(ProfileError):
        law_version(date.fromisoformat(day), body)


def test_a_party_election_before_the_1990_regulations_is_refused() -> None:
    with pytest.raises(ProfileError) as raised:
        effective_profile("party", "", date(1990, 6, 26))
    assert raised.value.field == "election_date"
    assert effective_profile("party", "", date(1990, 6, 27)).law == "1990"


def _cites(profile: Profile) -> set[str]:
    return {a.source for f in profile.rule_fields() for a in getattr(profile, f).articles}


def test_the_guide_is_not_cited_before_2_may_2013() -> None:
    # 村民委员会选举规程（民发〔2013〕76号）, dated 2013-05-02.
    before = effective_profile("villagers", "", GUIDE_FROM - timedelta(days=1))
    after = effective_profile("villagers", "", GUIDE_FROM)
    assert GUIDE not in _cites(before) and GUIDE in _cites(after)
    # The rules themselves are the same, said as the engine's reading.
    assert before.ballot_limits.value and before.ties.value == "runoff"
    assert "本系统的解释" in before.ties.note


def test_a_count_before_the_guide_cites_the_2010_law_only(tmp_path: Path) -> None:
    poll = villagers(
        election_date="2013-04-20",
        ballots=[{"n": 400, "member": ["A", "B", "C"]}, {"n": 1, "member": ["A", "B", "C", "D"]}],
    )
    result = run_both(poll, tmp_path)
    assert result["elected"] == ["A", "B", "C"] and result["ballots"]["invalid"] == 1
    assert not any(GUIDE in rule or "(2018)" in rule for rule in result["rules"])
    assert "村民委员会组织法(2010) 第十五条" in result["rules"]


@pytest.mark.parametrize(
    ("province", "title", "since"),
    [
        ("33", "浙江省村民委员会选举办法", date(2020, 1, 1)),
        ("31", "上海市村民委员会选举办法", date(2020, 1, 1)),
        ("13", "河北省村民委员会选举办法", date(2020, 1, 1)),
        ("11", "北京市村民委员会选举办法", date(2012, 1, 1)),
        ("41", "河南省实施《中华人民共和国村民委员会组织法》办法", date(2011, 1, 1)),
        ("51", "四川省村民委员会选举条例", date(2026, 1, 1)),
        ("46", "海南省村民委员会选举办法", date(2026, 1, 1)),
    ],
)
def test_a_provincial_measure_applies_from_its_day(province: str, title: str, since: date) -> None:
    # RULES.md §5 names the year of each measure; the engine reads 1 January of it.
    assert PROVINCE_MEASURES[province] == (title, since)
    before = effective_profile("villagers", province, since - timedelta(days=1))
    assert before.province == "" and title not in before.sources
    assert before.notes == (
        f"{title}自{since.year}年1月1日起施行，此前适用的文本本系统未收录，仅适用全国性法律",
    )
    after = effective_profile("villagers", province, since)
    assert after.province == province and after.sources[-1] == title


def test_a_2013_shanghai_election_gets_the_national_rules(tmp_path: Path) -> None:
    result = run_both(villagers(province="31", election_date="2013-06-01"), tmp_path)
    assert result["rules"][0] == (
        "上海市村民委员会选举办法自2020年1月1日起施行，此前适用的文本本系统未收录，仅适用全国性法律"
    )
    assert "村民委员会组织法(2010) 第十五条" in result["rules"]


def test_zhejiang_2020_under_the_2018_law_limits_proxies_to_close_relatives() -> None:
    profile = effective_profile("villagers", "33", date(2020, 5, 1))
    assert profile.law == "2018" and profile.proxy.value.holders == "close_relatives"
    assert profile.proxy.cite() == (
        "浙江省村民委员会选举办法 第二十五条",
        "村民委员会组织法(2018) 第十五条",
    )


def test_henan_residents_measure_from_2020() -> None:
    before = effective_profile("residents", "41", HEN_RC_FROM - timedelta(days=1))
    assert HEN_RC not in before.sources and before.committee_size.value == (5, 9)
    assert before.notes[-1].startswith(f"{HEN_RC}自2020年1月1日起施行")
    assert effective_profile("residents", "41", HEN_RC_FROM).committee_size.value == (5, 7)


def test_residents_1989_read_the_2010_village_law_by_analogy() -> None:
    profile = effective_profile("residents", "", date(2013, 4, 20))
    assert profile.law == "1989"
    assert profile.sources == ("城市居民委员会组织法(1989)", "村民委员会组织法(2010)")
    assert profile.committee_size.cite() == ("城市居民委员会组织法(1989) 第七条",)
    assert (profile.term.value, profile.term.cite()) == (3, ("城市居民委员会组织法(1989) 第八条",))
    assert profile.threshold.cite() == ("村民委员会组织法(2010) 第十五条",)
    assert profile.notes == (
        "城市居民委员会组织法(1989)未规定投票有效和当选的票数，参照村民委员会组织法(2010) 第十五条计算",
    )


def test_residents_before_2010_cite_no_village_law(tmp_path: Path) -> None:
    profile = effective_profile("residents", "", date(2005, 6, 1))
    assert profile.sources == ("城市居民委员会组织法(1989)",)
    assert _cites(profile) == {"城市居民委员会组织法(1989)"}
    assert "本系统未收录" in profile.notes[0] and "本系统的解释" in profile.notes[0]
    poll = villagers(
        body="residents",
        election_date="2005-06-01",
        posts=[{"post": "member", "seats": 5}],
        ballots=[{"n": 500, "member": list("ABCDE")}],
    )
    result = run_both(poll, tmp_path)
    assert result["elected"] == list("ABCDE")
    assert not any("村民委员会组织法(" in rule for rule in result["rules"][1:])


def test_supervision_under_the_2010_law() -> None:
    profile = effective_profile("supervision", "", date(2012, 3, 1))
    assert profile.relatives.cite() == ("村民委员会组织法(2010) 第三十二条",)


def test_a_party_election_before_13_july_2020_cites_the_1990_regulations(tmp_path: Path) -> None:
    poll = {
        "body": "party",
        "election_date": "2019-05-10",
        "poll": "first",
        "posts": [{"post": "member", "seats": 1}],
        "electorate": 50,
        "voted": 41,
        "ballots_issued": 41,
        "ballots": [{"n": 21, "member": ["甲"]}, {"n": 20, "member": ["乙"]}],
    }
    result = run_both(poll, tmp_path)
    # The same counting rules (RULES.md P8, P10): more than 4/5 present, more than half of them.
    assert result["elected"] == ["甲"] and post(result, "member")["threshold"] == 21
    assert result["rules"][0].startswith(
        "选举日在2020年7月13日前，适用中国共产党基层组织选举工作暂行条例(1990)"
    )
    assert PARTY_1990 in result["rules"]
    assert not any(rule.startswith(PARTY) for rule in result["rules"])
    assert run_api({**poll, "election_date": "2020-07-13"})["rules"][0] == (
        "中国共产党基层组织选举工作条例 第二十六条"
    )


def test_a_void_date_is_a_poll_file_error() -> None:
    from huanjie.rules import poll_from_json, tally

    with pytest.raises(PollFileError) as raised:
        tally(poll_from_json(villagers(election_date="1999-01-01")))
    assert raised.value.field == "election_date"


# Every source a profile cites is in force on the election day.
_SINCE = {
    GUIDE: GUIDE_FROM,
    HEN_RC: HEN_RC_FROM,
    **{text.title: text.since for texts in NATIONAL_TEXTS.values() for text in texts},
    **{title: since for title, since in PROVINCE_MEASURES.values()},
}


@settings(max_examples=150, deadline=None)
@given(
    day=st.dates(date(1990, 6, 27), date(2027, 12, 31)),
    body=st.sampled_from(["villagers", "residents", "party", "supervision"]),
    province=st.sampled_from(["", "11", "13", "31", "33", "41", "46", "51", "63"]),
)
def test_no_profile_cites_a_text_not_yet_in_force(day: date, body: str, province: str) -> None:
    try:
        profile = effective_profile(body, province, day)
    except ProfileError as exc:
        assert exc.field == "election_date"
        return
    for source in {*_cites(profile), *profile.sources}:
        assert _SINCE.get(source, date.min) <= day, (source, day)
