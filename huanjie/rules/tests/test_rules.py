"""The rules other than the count, as tables from the statutes: (case, article, expected)."""

from __future__ import annotations

from datetime import date

import pytest

from huanjie.rules import (
    PROVINCE_PROFILES,
    CandidateFacts,
    Exclusion,
    ProfileError,
    ProxyRequest,
    RulesError,
    VoterFacts,
    age_on,
    candidacy_check,
    candidate_range,
    coming_of_age,
    committee_size_check,
    effective_profile,
    legal_schedule,
    must_leave_election_committee,
    party_quorum,
    proxy_check,
    recall_motion_check,
    recall_vote,
    voter_check,
    voter_list_check,
)
from huanjie.rules.messages import PROBLEMS

NEW = date(2026, 5, 10)
OLD = date(2025, 5, 10)


def test_the_province_list_for_the_campaign_form() -> None:
    assert PROVINCE_PROFILES == {
        "11": "北京市",
        "13": "河北省",
        "31": "上海市",
        "33": "浙江省",
        "41": "河南省",
        "46": "海南省",
        "51": "四川省",
    }


@pytest.mark.parametrize(
    ("body", "province", "mode", "field"),
    [
        ("cooperative", "", None, "body"),
        ("villagers", "00", None, "province"),
        ("villagers", "", "households", "mode"),
        ("residents", "", "everyone", "mode"),
    ],
)
def test_an_unknown_profile_is_refused(
    body: str, province: str, mode: str | None, field: str
) -> None:
    with pytest.raises(ProfileError) as raised:
        effective_profile(body, province, NEW, mode)
    assert raised.value.field == field


def test_the_2025_law_governs_from_1_january_2026() -> None:
    # 村民委员会组织法 2025 修正决定: "本决定自2026年1月1日起施行".
    assert effective_profile("villagers", "", date(2025, 12, 31)).law == "2018"
    assert effective_profile("villagers", "", date(2026, 1, 1)).law == "2025"
    assert effective_profile("villagers", "", date(2026, 1, 1)).turnout.cite() == (
        "村民委员会组织法(2025) 第十八条",
    )
    assert effective_profile("villagers", "", date(2025, 12, 31)).turnout.cite() == (
        "村民委员会组织法(2018) 第十五条",
    )


def test_a_provincial_rule_that_conflicts_with_the_2025_law_yields() -> None:
    # 浙江 25 limits proxies to close relatives; from 2026 any villager may hold one (第十八条).
    before = effective_profile("villagers", "33", OLD)
    after = effective_profile("villagers", "33", NEW)
    relative_only = ProxyRequest(holder_close_relative=False)
    assert proxy_check(before, relative_only, OLD).codes == ("proxy_not_relative",)
    assert proxy_check(after, relative_only, NEW).ok
    assert "抵触" in after.proxy.note


def test_henan_residents_committees_have_five_to_seven_members() -> None:
    # 河南省实施《城市居民委员会组织法》办法 第七条.
    henan = effective_profile("residents", "41", NEW)
    assert not committee_size_check(henan, 8).ok and committee_size_check(henan, 7).ok
    # 第九条 allows one candidate per seat, which the 2025 law (第十八条) no longer does.
    assert candidate_range(effective_profile("residents", "41", OLD), "member", 5) == (5, None)
    assert candidate_range(henan, "member", 5) == (6, None)


# -- voters -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "day", "eligible"),
    [
        (date(2008, 3, 15), date(2026, 3, 15), True),  # RULES.md §8.25
        (date(2008, 3, 16), date(2026, 3, 15), False),
        (date(2008, 2, 29), date(2026, 2, 28), True),  # 民法典 第二百零三条: month end
        (date(2008, 2, 29), date(2026, 2, 27), False),
        (date(2008, 2, 29), date(2028, 2, 28), True),
    ],
)
def test_age_is_counted_to_election_day(birth: date, day: date, eligible: bool) -> None:
    profile = effective_profile("villagers", "", day)
    assert voter_check(profile, VoterFacts(birth, True, True), day).eligible is eligible
    assert (age_on(birth, day) >= 18) is eligible


def test_a_leap_day_birthday_in_a_leap_year() -> None:
    assert coming_of_age(date(2006, 2, 28)) == date(2024, 2, 28)
    assert coming_of_age(date(2008, 2, 29), 20) == date(2028, 2, 29)


ADULT = date(1980, 1, 1)


@pytest.mark.parametrize(
    ("case", "facts", "day", "category", "codes"),
    [
        ("hukou and living here", VoterFacts(ADULT, True, True), NEW, "hukou_resident", ()),
        ("hukou, away, wants to vote", VoterFacts(ADULT, True, False), NEW, "hukou_absent", ()),
        (
            "hukou, away, silent",
            VoterFacts(ADULT, True, False, wishes_to_vote=False),
            NEW,
            "hukou_absent",
            ("absent_not_declared",),
        ),
        (
            "incomer of one year, applied and approved",
            VoterFacts(
                ADULT,
                False,
                True,
                resident_since=date(2025, 5, 10),
                applied=True,
                approved_by_meeting=True,
            ),
            NEW,
            "incomer_or_worker_one_year",
            (),
        ),
        (
            "incomer one day short, not approved",
            VoterFacts(ADULT, False, True, resident_since=date(2025, 5, 11), applied=True),
            NEW,
            "incomer_or_worker_one_year",
            ("incomer_not_long_enough", "incomer_not_approved"),
        ),
        (
            "village worker under the 2018 law",
            VoterFacts(
                ADULT,
                False,
                False,
                work_since=date(2020, 1, 1),
                applied=True,
                approved_by_meeting=True,
            ),
            OLD,
            None,
            ("no_category",),
        ),
        (
            "registered in another village",
            VoterFacts(ADULT, True, True, registered_elsewhere=True),
            NEW,
            "hukou_resident",
            ("registered_elsewhere",),
        ),
        (
            "deprived of political rights",
            VoterFacts(ADULT, True, True, deprived_of_political_rights=True),
            NEW,
            "hukou_resident",
            ("deprived",),
        ),
    ],
)
def test_village_registration_categories(
    case: str, facts: VoterFacts, day: date, category: str | None, codes: tuple[str, ...]
) -> None:
    # 村民委员会组织法(2025) 第十六条 (2018 第十三条).
    check = voter_check(effective_profile("villagers", "", day), facts, day)
    assert check.category == category
    assert tuple(p.code for p in check.problems) == codes
    assert check.eligible is (not codes)


def test_community_registration_2025() -> None:
    # 城市居民委员会组织法(2025) 第十六条.
    p = effective_profile("residents", "", NEW)
    assert voter_check(p, VoterFacts(ADULT, False, True), NEW).category == "community_resident"
    worker = VoterFacts(ADULT, False, False, work_since=date(2025, 11, 10), applied=True)
    assert voter_check(p, worker, NEW).eligible
    early = VoterFacts(ADULT, False, False, work_since=date(2025, 11, 11), applied=True)
    assert voter_check(p, early, NEW).problems[0].code == "worker_not_long_enough"


def test_party_members_are_not_registered_as_voters() -> None:
    with pytest.raises(RulesError):
        voter_check(effective_profile("party", "", NEW), VoterFacts(ADULT, True, True), NEW)


def test_the_voter_list_is_due_twenty_days_before() -> None:
    p = effective_profile("villagers", "", date(2026, 4, 20))
    assert voter_list_check(p, date(2026, 3, 31), date(2026, 4, 20)).ok
    late = voter_list_check(p, date(2026, 4, 1), date(2026, 4, 20))
    assert late.messages == (PROBLEMS["list_late"].format(days=20, date="2026年3月31日"),)
    assert late.problems[0].article == "村民委员会组织法(2025) 第十七条"


# -- proxies ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("province", "day", "request_", "codes"),
    [
        ("", NEW, ProxyRequest(holder_is_candidate=True), ("proxy_candidate",)),
        ("", OLD, ProxyRequest(holder_is_candidate=True), ()),  # 2018: not barred nationally
        ("11", OLD, ProxyRequest(holder_is_candidate=True), ("proxy_candidate",)),  # 北京 25
        ("", NEW, ProxyRequest(holder_registered=False), ("proxy_not_registered",)),
        ("33", NEW, ProxyRequest(filed_on=date(2026, 5, 7)), ()),  # 浙江 25: 3 days before
        ("33", NEW, ProxyRequest(filed_on=date(2026, 5, 8)), ("proxy_late",)),
        ("31", NEW, ProxyRequest(filed_on=date(2026, 5, 5)), ()),  # 上海 16: 5 days before
        ("31", NEW, ProxyRequest(filed_on=date(2026, 5, 10)), ("proxy_late",)),
        ("33", NEW, ProxyRequest(redelegated=True), ("proxy_redelegated",)),
        ("13", NEW, ProxyRequest(already_held=2), ("proxy_over_cap",)),  # 河北 26
        ("41", OLD, ProxyRequest(already_held=3), ("proxy_over_cap",)),  # 河南 30
    ],
)
def test_proxy_rules(
    province: str, day: date, request_: ProxyRequest, codes: tuple[str, ...]
) -> None:
    assert proxy_check(effective_profile("villagers", province, day), request_, day).codes == codes


def test_no_proxy_for_party_members() -> None:
    # 中国共产党基层组织选举工作条例 第二十四条.
    verdict = proxy_check(effective_profile("party", "", NEW), ProxyRequest(), NEW)
    assert verdict.messages == ("党员不能委托他人代为投票，不实行委托投票",)


# -- candidates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("province", "post", "seats", "expected"),
    [
        ("", "member", 3, (4, None)),
        ("33", "member", 3, (4, None)),
        ("31", "director", 1, (2, 2)),
        ("31", "member", 3, (4, 6)),
        ("41", "member", 3, (4, 5)),
        ("11", "director", 1, (2, 3)),
        ("11", "member", 3, (4, 5)),
        ("13", "deputy_director", 2, (3, 3)),
        ("46", "member", 4, (5, 7)),
    ],
)
def test_candidate_surplus_by_province(
    province: str, post: str, seats: int, expected: tuple[int, int | None]
) -> None:
    assert candidate_range(effective_profile("villagers", province, NEW), post, seats) == expected


@pytest.mark.parametrize(
    ("body", "facts", "day", "barred"),
    [
        ("villagers", CandidateFacts(expelled_from_party=True), NEW, True),
        ("villagers", CandidateFacts(clan_illegal_activity=True), NEW, True),
        ("villagers", CandidateFacts(illegal_religion_or_cult=True), NEW, True),
        ("villagers", CandidateFacts(expelled_from_party=True), OLD, False),
        ("residents", CandidateFacts(gang_illegal_activity=True), NEW, True),
        ("residents", CandidateFacts(clan_illegal_activity=True), NEW, False),
        ("villagers", CandidateFacts(deprived_of_political_rights=True), OLD, True),
    ],
)
def test_bars_on_candidacy(body: str, facts: CandidateFacts, day: date, barred: bool) -> None:
    # 村民委员会组织法(2025) 第十八条; 城市居民委员会组织法(2025) 第十八条.
    assert candidacy_check(effective_profile(body, "", day), facts).ok is not barred


def test_election_committee_members_withdraw() -> None:
    # 村民委员会组织法(2018) 第十二条; (2025) 第十五条 adds close relatives.
    old, new = effective_profile("villagers", "", OLD), effective_profile("villagers", "", NEW)
    assert must_leave_election_committee(old, nominated=True)
    assert not must_leave_election_committee(old, nominated=False, relative_nominated=True)
    assert must_leave_election_committee(new, nominated=False, relative_nominated=True)


# -- party quorum -----------------------------------------------------------------------------


def test_lawful_exclusions_lower_the_expected_attendance() -> None:
    # 中组部 rule (RULES.md P8b): approved exclusions leave the expected count.
    quorum = party_quorum(52, 41, [Exclusion("abroad"), Exclusion("serving_sentence")])
    assert (quorum.expected, quorum.needed, quorum.met) == (50, 41, True)
    refused = party_quorum(52, 41, [Exclusion("abroad", approved=False)])
    assert (refused.expected, refused.met) == (52, False)
    assert refused.problems[0].code == "exclusion_not_approved"
    # A detained member's rights are suspended (第五条): no approval needed.
    assert party_quorum(51, 41, [Exclusion("detained", approved=False)]).expected == 50


def test_an_unknown_exclusion_is_refused() -> None:
    with pytest.raises(RulesError):
        party_quorum(50, 41, [Exclusion("on_holiday")])


# -- recall -----------------------------------------------------------------------------------


def test_recall_thresholds() -> None:
    # 村民委员会组织法(2025) 第十九条; 城市居民委员会组织法(2025) 第二十条.
    village = effective_profile("villagers", "", NEW)
    assert recall_motion_check(village, signers=20, of=60, by_representatives=True).ok
    assert not recall_motion_check(village, signers=19, of=60, by_representatives=True).ok
    assert recall_vote(village, electorate=1000, voted=501, yes=250).reasons == ("not_approved",)
    reps = effective_profile("residents", "", NEW, "representatives")
    assert recall_vote(reps, electorate=60, voted=40, yes=40).reasons == (
        "turnout_not_over_two_thirds",
    )
    assert recall_vote(reps, electorate=60, voted=41, yes=21).recalled
    households = effective_profile("residents", "", NEW, "households")
    assert recall_motion_check(households, signers=30, of=300).ok
    with pytest.raises(RulesError):
        recall_vote(effective_profile("party", "", NEW), electorate=10, voted=9, yes=9)


# -- schedule ---------------------------------------------------------------------------------


def test_the_legal_schedule_of_each_province() -> None:
    day = date(2026, 5, 10)
    keys = {
        code: {d.key: d.day for d in legal_schedule(effective_profile("villagers", code, day), day)}
        for code in ("", *PROVINCE_PROFILES)
    }
    assert keys[""]["voter_list"] == date(2026, 4, 20)
    assert keys[""]["handover"] == date(2026, 5, 20)
    assert "supplementary_poll" not in keys[""]
    assert keys["33"]["withdrawal"] == date(2026, 5, 7)  # 浙江 19
    assert keys["33"]["proxy_filing"] == date(2026, 5, 7)  # 浙江 25
    assert keys["31"]["proxy_filing"] == date(2026, 5, 5)  # 上海 16
    assert keys["31"]["proxy_list"] == date(2026, 5, 8)
    assert keys["51"]["nominee_list"] == date(2026, 4, 25)  # 四川 23
    assert keys["51"]["candidate_list"] == date(2026, 5, 5)
    assert keys["11"]["supplementary_poll"] == date(2026, 5, 25)  # 北京 30
    assert keys["13"]["supplementary_poll"] == date(2026, 5, 20)  # 河北 31


def test_the_objection_windows_follow_the_actual_publication() -> None:
    day = date(2026, 5, 10)
    profile = effective_profile("villagers", "", day)
    schedule = {d.key: d.day for d in legal_schedule(profile, day, date(2026, 4, 1))}
    assert schedule["objection"] == date(2026, 4, 6)
    assert schedule["objection_decision"] == date(2026, 4, 9)
