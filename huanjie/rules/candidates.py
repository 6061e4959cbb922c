"""Committee size, candidate surplus (差额), bars on candidacy, and the election committee's
own members who are nominated (RULES.md V1, V4, V8, V9, C1, C5, P3, §5).

>>> from datetime import date
>>> from huanjie.rules.profiles import effective_profile
>>> party = effective_profile("party", "", date(2026, 5, 10))
>>> [candidate_range(party, "member", seats)[0] for seats in (3, 5, 7)]
[4, 6, 9]
"""

from __future__ import annotations

from dataclasses import dataclass

from huanjie.rules.messages import BARS, BODY_NAMES, CANDIDATE_RANGE, POST_NAMES
from huanjie.rules.profiles import Profile
from huanjie.rules.verdict import Problem, Verdict, problem, verdict


def committee_size_check(profile: Profile, size: int) -> Verdict:
    """Whether a committee of `size` members is lawful: 3 to 7 villagers (村民委员会组织法(2025)
    第八条), 5 to 9 residents (城市居民委员会组织法(2025) 第八条; 河南 5 to 7).

    >>> from datetime import date
    >>> from huanjie.rules.profiles import effective_profile
    >>> day = date(2026, 5, 10)
    >>> committee_size_check(effective_profile("villagers", "", day), 8).messages
    ('村民委员会由3至7人组成，现为8人',)
    >>> committee_size_check(effective_profile("residents", "", day), 4).ok
    False
    >>> committee_size_check(effective_profile("residents", "", day), 5).ok
    True
    """
    rule = profile.committee_size
    if rule.value is None:
        return Verdict()
    low, high = rule.value
    if low <= size <= high:
        return Verdict()
    return verdict(
        [
            problem(
                "size_out_of_range",
                rule,
                body=BODY_NAMES[profile.body],
                low=low,
                high=high,
                size=size,
            )
        ]
    )


def candidate_range(profile: Profile, post: str, seats: int) -> tuple[int, int | None]:
    """The least and most candidates for `seats` seats of `post` (None: no upper limit).

    The law: "候选人的名额应当多于应选名额" (村民委员会组织法(2025) 第十八条). Provinces: 主任 and
    副主任 seats + 1; 委员 seats + 1 to 3 (上海 12, 河北 17, 海南 20, 四川 22) or + 1 to 2 (河南 24);
    北京 16 every post + 1 to 2. Party committees: at least 20% more, rounded up (RULES.md §7.5).

    >>> from datetime import date
    >>> from huanjie.rules.profiles import effective_profile
    >>> candidate_range(effective_profile("villagers", "51", date(2026, 5, 10)), "member", 4)
    (5, 7)
    >>> candidate_range(effective_profile("villagers", "51", date(2026, 5, 10)), "director", 1)
    (2, 2)
    >>> candidate_range(effective_profile("villagers", "", date(2026, 5, 10)), "member", 4)
    (5, None)
    """
    low, high = profile.surplus.value.extra(post, seats)
    return seats + low, None if high is None else seats + high


def candidate_count_check(profile: Profile, post: str, seats: int, candidates: int) -> Verdict:
    """Whether `candidates` formal candidates are lawful for `seats` seats of `post`; a problem
    says the number the profile allows and cites its surplus rule.

    >>> from datetime import date
    >>> from huanjie.rules.profiles import effective_profile
    >>> party = effective_profile("party", "", date(2026, 5, 10))
    >>> candidate_count_check(party, "member", 7, 8).messages
    ('委员应选7名，候选人应当不少于9名，现为8名',)
    >>> sichuan = effective_profile("villagers", "51", date(2026, 5, 10))
    >>> found = candidate_count_check(sichuan, "member", 4, 8)
    >>> found.messages, found.problems[0].article
    (('委员应选4名，候选人应当为5至7名，现为8名',), '四川省村民委员会选举条例 第二十二条')
    >>> candidate_count_check(sichuan, "director", 1, 1).messages
    ('主任应选1名，候选人应当为2名，现为1名',)
    """
    low, high = candidate_range(profile, post, seats)
    if high is None:
        allowed = CANDIDATE_RANGE["at_least"].format(low=low)
    elif low == high:
        allowed = CANDIDATE_RANGE["exactly"].format(low=low)
    else:
        allowed = CANDIDATE_RANGE["between"].format(low=low, high=high)
    name = POST_NAMES.get(post, post)
    params = {"post": name, "seats": seats, "count": candidates, "allowed": allowed}
    if candidates < low:
        return verdict([problem("too_few_candidates", profile.surplus, **params)])
    if high is not None and candidates > high:
        return verdict([problem("too_many_candidates", profile.surplus, **params)])
    return Verdict()


@dataclass(frozen=True)
class CandidateFacts:
    """The findings of the qualification review that the law itself bars (not the local "5+X"
    lists, which the application keeps as a configurable checklist)."""

    expelled_from_party: bool = False
    criminal_punishment: bool = False
    clan_illegal_activity: bool = False
    gang_illegal_activity: bool = False
    illegal_religion_or_cult: bool = False
    deprived_of_political_rights: bool = False


def candidacy_check(profile: Profile, facts: CandidateFacts) -> Verdict:
    """Whether the law bars this person from standing. From 2026: "被开除中国共产党党籍，因犯罪受过
    刑事处罚，利用宗族或者黑恶势力从事非法活动，组织或者参加非法宗教活动或者邪教活动的，不得作为候选人",
    with no time limit (村民委员会组织法(2025) 第十八条); residents' committees the same without
    "宗族" (城市居民委员会组织法(2025) 第十八条). Anyone deprived of political rights never stands.

    >>> from datetime import date
    >>> from huanjie.rules.profiles import effective_profile
    >>> new = effective_profile("villagers", "", date(2026, 5, 10))
    >>> candidacy_check(new, CandidateFacts(criminal_punishment=True)).messages
    ('因犯罪受过刑事处罚的，不得作为候选人',)
    >>> old = effective_profile("villagers", "", date(2025, 5, 10))
    >>> candidacy_check(old, CandidateFacts(criminal_punishment=True)).ok
    True
    >>> residents = effective_profile("residents", "", date(2026, 5, 10))
    >>> candidacy_check(residents, CandidateFacts(clan_illegal_activity=True)).ok
    True
    """
    bars = profile.candidacy_bars.value
    found: list[Problem] = []
    hits = {
        "expelled_from_party": facts.expelled_from_party,
        "criminal_punishment": facts.criminal_punishment,
        "clan_or_gang": facts.clan_illegal_activity or facts.gang_illegal_activity,
        "gang": facts.gang_illegal_activity,
        "illegal_religion_or_cult": facts.illegal_religion_or_cult,
    }
    for bar in bars:
        if hits[bar]:
            found.append(problem("barred", profile.candidacy_bars, condition=BARS[bar]))
    if facts.deprived_of_political_rights:
        found.append(problem("deprived", profile.age))
    return verdict(found)


def must_leave_election_committee(
    profile: Profile, *, nominated: bool, relative_nominated: bool = False
) -> bool:
    """Whether a member of the village election committee must withdraw from it: when nominated
    as a candidate (2018 第十二条), or when a close relative is (2025 第十五条).

    >>> from datetime import date
    >>> from huanjie.rules.profiles import effective_profile
    >>> new = effective_profile("villagers", "", date(2026, 5, 10))
    >>> old = effective_profile("villagers", "", date(2025, 5, 10))
    >>> [must_leave_election_committee(p, nominated=False, relative_nominated=True) for p in (old, new)]
    [False, True]
    """
    rule = profile.committee_withdrawal.value
    if rule == "self_or_relatives":
        return nominated or relative_nominated
    if rule == "self":
        return nominated
    return False
