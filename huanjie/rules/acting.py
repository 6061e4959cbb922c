"""What follows a seat left open on a committee: who presides over its work (主持工作) while the
head's seat (主任, 书记) is open, whether open seats may stay empty (暂缺) or go to a by-election
(补选), and how long a by-election's winner serves.

The national texts as RULES.md records them say nothing about who presides when the director's
seat is open; some provincial texts do. What the engine applies, by body and province:

- 北京: "主任暂缺的，由副主任主持工作", read from RULES.md §5 beside 北京市村民委员会选举办法
  第三十条 (the research marked it VERIFIED; its wording was not found again for this module).
- Everywhere else, the project's reading (本系统的解释), modelled on the one provincial article
  found in full (a municipality's 村民委员会选举办法 第三十四条, province not identified,
  https://code.fabao365.com/law_575573_4.html): "主任暂缺的，由一名得票多的副主任临时主持村务工作；
  主任和副主任都暂缺的，由一名得票多的委员临时主持村务工作，直至选出主任为止".

>>> from datetime import date
>>> from huanjie.rules.profiles import effective_profile
>>> p = effective_profile("villagers", "", date(2026, 5, 10))
>>> a = acting(p, {"director": 0, "deputy_director": 1, "member": 2})
>>> a.post, a.text, a.articles
('deputy_director', '主任暂缺，由副主任主持工作', ())
>>> a.note.startswith("本系统的解释")
True
>>> acting(p, {"director": 1, "member": 2}) is None
True
>>> acting(effective_profile("villagers", "11", date(2026, 5, 10)), {"deputy_director": 2}).articles
('北京市村民委员会选举办法 第三十条',)
>>> [s.may_stay_empty for s in open_seats(p, {"member": 1}, in_office={"director": 1, "member": 2})]
[True]
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Final

from huanjie.rules.messages import POST_NAMES
from huanjie.rules.profiles import BJ, HN, VC2010, VC2018, VC2025, Article, Profile
from huanjie.rules.tally import may_stay_empty

# The head of each body's committee, and who stands in, in order (RULES.md §1, §3).
HEADS: Final = {
    "villagers": "director",
    "residents": "director",
    "supervision": "director",
    "party": "secretary",
}
_DEPUTY: Final = {"director": "deputy_director", "secretary": "deputy_secretary"}
# Members who may preside when no deputy is in office; the women's member post is a member's.
_MEMBERS: Final = ("member", "woman_member")

READING: Final = "本系统的解释"

TEXTS: Final = {
    "deputy": "{head}暂缺，由{deputy}主持工作",
    "deputy_votes": "{head}暂缺，由得票多的一名{deputy}主持工作",
    "member": "{head}、{deputy}暂缺，由得票多的一名委员主持工作，直至选出{head}",
    "party_member": "{head}、{deputy}暂缺，由上级党组织指定一名委员主持工作",
    "nobody": "委员会没有在任成员，须依法补选",
    "reading_committee": (
        "本系统的解释：本系统收录的法律条文未规定主任暂缺时由谁主持工作；参照已见的省级选举办法，"
        "由副主任（多于一人的，由得票多的一人）主持，没有副主任的，由得票多的一名委员主持"
    ),
    "reading_party": (
        "本系统的解释：本系统未收录书记暂缺时主持工作的规定，按副书记主持、没有副书记的由上级党组织指定处理"
    ),
    "reading_member": "本系统的解释：{source}只规定由副主任主持；没有副主任的，由得票多的一名委员主持",
    # Open seats.
    "pending": "计票结果要求另行选举，不足的名额须另行选举",
    "may_stay": "现有成员{count}人，不足的名额可以暂缺",
    "meeting_decides": "现有成员{count}人，是否补选由村民会议决定",
    "must_fill": "现有成员{count}人，不足的名额须依法补选",
    "must_fill_head": "{head}暂缺，须依法补选",
    "term": "补选产生的成员，任期至本届委员会任期届满",
    "term_reading": "本系统的解释：参照{article}，补选产生的成员任期至本届委员会任期届满",
}


@dataclass(frozen=True)
class Acting:
    """Who presides while the head's seat is open: a holder of `post` (the one with the most
    votes when `by_votes` and several hold it); `post` "" when nobody on the committee can
    (the text says what follows). `articles` the texts applied, `note` how it is read."""

    post: str
    by_votes: bool
    text: str
    articles: tuple[str, ...] = ()
    note: str = ""


def acting(profile: Profile, elected: Mapping[str, int]) -> Acting | None:
    """Who presides over the committee's work (主持工作) when its head's seat is open, given the
    number of people in office in each post (`{"director": 0, "deputy_director": 1, ...}`); None
    when the head is in office.

    >>> from datetime import date
    >>> from huanjie.rules.profiles import effective_profile
    >>> p = effective_profile("residents", "", date(2026, 5, 10))
    >>> acting(p, {"deputy_director": 2, "member": 3}).text
    '主任暂缺，由得票多的一名副主任主持工作'
    >>> a = acting(p, {"member": 1, "woman_member": 1})
    >>> a.post, a.by_votes, a.text
    ('member', True, '主任、副主任暂缺，由得票多的一名委员主持工作，直至选出主任')
    >>> acting(p, {}).text
    '委员会没有在任成员，须依法补选'
    >>> party = effective_profile("party", "", date(2026, 5, 10))
    >>> acting(party, {"member": 3}).text
    '书记、副书记暂缺，由上级党组织指定一名委员主持工作'
    """
    head = HEADS[profile.body]
    if elected.get(head, 0) > 0:
        return None
    deputy = _DEPUTY[head]
    names = {"head": POST_NAMES[head], "deputy": POST_NAMES[deputy]}
    party = profile.body == "party"
    reading = TEXTS["reading_party" if party else "reading_committee"]
    deputies = elected.get(deputy, 0)
    if deputies > 0:
        key = "deputy_votes" if deputies > 1 else "deputy"
        text = TEXTS[key].format(**names)
        # 北京市村民委员会选举办法 第三十条, as RULES.md §5 reads it: "If the 主任 is missing, the
        # 副主任 presides". The copy of the 2012 text found for this module
        # (https://zongyoufa.com/portal.php?aid=18816&mod=view) shows its opening articles only.
        if profile.body == "villagers" and profile.province == "11":
            return Acting(deputy, deputies > 1, text, (str(Article(BJ, 30)),))
        return Acting(deputy, deputies > 1, text, note=reading)
    members = sum(elected.get(post, 0) for post in _MEMBERS)
    if members > 0:
        if party:
            return Acting("member", False, TEXTS["party_member"].format(**names), note=reading)
        note = reading
        if profile.body == "villagers" and profile.province == "11":
            note = TEXTS["reading_member"].format(source=Article(BJ, 30))
        return Acting("member", True, TEXTS["member"].format(**names), note=note)
    return Acting("", False, TEXTS["nobody"], note=reading)


@dataclass(frozen=True)
class OpenSeat:
    """Seats of one post open on the roster, and whether they may stay empty (暂缺) or must be
    filled (另行选举 when the count asked for it, 补选 otherwise), with the articles."""

    post: str
    seats: int
    may_stay_empty: bool
    text: str
    articles: tuple[str, ...] = ()
    note: str = ""


def open_seats(
    profile: Profile,
    open_: Mapping[str, int],
    *,
    in_office: Mapping[str, int],
    pending: Collection[str] = (),
    poll: str = "supplementary",
) -> tuple[OpenSeat, ...]:
    """The open seats of `open_` (post → seats), judged under `profile`'s vacancy rule with the
    people `in_office` now (post → number): a post in `pending` (the count's `next`) must go to
    another poll; otherwise the seats may stay empty as the count's own rule says
    (huanjie.rules.tally.may_stay_empty, after the `poll` that left them; a seat opened during the
    term is read as after the supplementary poll, 本系统的解释), else they go to a by-election.

    >>> from datetime import date
    >>> from huanjie.rules.profiles import effective_profile
    >>> p = effective_profile("villagers", "51", date(2026, 5, 10))
    >>> [(s.post, s.may_stay_empty, s.text) for s in open_seats(
    ...     p, {"member": 2}, in_office={"director": 1, "member": 1})]
    [('member', False, '现有成员2人，不足的名额须依法补选')]
    >>> open_seats(p, {"member": 1}, in_office={"director": 1, "member": 2})[0].articles
    ('四川省村民委员会选举条例 第三十八条',)
    >>> hn = effective_profile("villagers", "46", date(2026, 5, 10))
    >>> s = open_seats(hn, {"director": 1}, in_office={"deputy_director": 1, "member": 3})[0]
    >>> s.may_stay_empty, s.text, s.articles
    (False, '主任暂缺，须依法补选', ('海南省村民委员会选举办法 第四十四条',))
    >>> open_seats(p, {"member": 1}, in_office={"director": 1}, pending={"member"})[0].text
    '计票结果要求另行选举，不足的名额须另行选举'
    """
    head = HEADS[profile.body]
    members = sum(n for n in in_office.values() if n > 0)
    director = in_office.get(head, 0) > 0
    rule = profile.vacancy.value
    out: list[OpenSeat] = []
    for post, seats in open_.items():
        if seats <= 0:
            continue
        if post in pending:
            cited = profile.supplementary_threshold.cite()
            out.append(OpenSeat(post, seats, False, TEXTS["pending"], cited))
            continue
        if may_stay_empty(profile, poll, members=members, director=director):
            assert rule is not None  # may_stay_empty says no without a rule
            key = "meeting_decides" if rule.meeting_decides else "may_stay"
            out.append(
                OpenSeat(
                    post,
                    seats,
                    True,
                    TEXTS[key].format(count=members),
                    profile.vacancy.cite(),
                    profile.vacancy.note,
                )
            )
            continue
        text = (
            TEXTS["must_fill_head"].format(head=POST_NAMES[head])
            if post == head
            else TEXTS["must_fill"].format(count=members)
        )
        term = by_election_term(profile)
        articles = term.articles
        if profile.body == "villagers" and profile.province == "46":
            # 海南省村民委员会选举办法 第四十四条 (as amended in 2025: "将第四十五条改为第四十四条"):
            # "人数少于三人或者村民委员会主任缺额的，应当在三个月内进行补选；村民委员会成员人数已足三人，
            # 副主任或者委员缺额的，是否补选由村民会议或者村民代表会议决定；妇女成员缺额的，应当补选"
            # (海南日报 2025-12-27, http://news.hndaily.cn/html/2025-12/27/content_58471_19168707.htm).
            articles = (str(Article(HN, 44)),)
        out.append(OpenSeat(post, seats, False, text, articles, term.note))
    return tuple(out)


def outcome_open_seats(profile: Profile, outcome: Mapping[str, Any]) -> tuple[OpenSeat, ...]:
    """The seats a certified result left open, from its canonical `outcome` (huanjie.results
    .canonical: `elected`, `open`, `pending`): what `open_seats` says of them with the winners in
    office and the count's pending polls.

    >>> from datetime import date
    >>> from huanjie.rules.profiles import effective_profile
    >>> outcome = {"elected": [{"name": "甲", "post": "director"}, {"name": "乙", "post": "member"},
    ...                        {"name": "丙", "post": "member"}],
    ...            "open": [{"post": "member", "seats": 1}], "pending": []}
    >>> [(s.post, s.seats, s.may_stay_empty) for s in outcome_open_seats(
    ...     effective_profile("villagers", "33", date(2026, 5, 10)), outcome)]
    [('member', 1, True)]
    """
    in_office: dict[str, int] = {}
    for e in outcome.get("elected", []):
        in_office[e["post"]] = in_office.get(e["post"], 0) + 1
    gaps = {o["post"]: int(o["seats"]) for o in outcome.get("open", [])}
    pending = {n["post"] for n in outcome.get("pending", [])}
    return open_seats(profile, gaps, in_office=in_office, pending=pending)


@dataclass(frozen=True)
class Term:
    """How long a by-election's winner serves, and the article."""

    text: str
    articles: tuple[str, ...] = ()
    note: str = ""


# RULES.md V18: "By-elections (补选) … The term runs to the end of the current term": 村民委员会
# 组织法(2025) 第二十三条, (2018) and (2010) 第十九条 (VERIFIED there).
_TERM_ARTICLES: Final = {"2010": (VC2010, 19), "2018": (VC2018, 19), "2025": (VC2025, 23)}


def by_election_term(profile: Profile) -> Term:
    """The term of a by-election's winner: to the end of the current term (村民委员会组织法(2025)
    第二十三条). The residents' and the Party's texts carried say nothing the engine has read:
    the village law's rule is applied to them as the project's reading.

    >>> from datetime import date
    >>> from huanjie.rules.profiles import effective_profile
    >>> by_election_term(effective_profile("villagers", "", date(2026, 5, 10))).articles
    ('村民委员会组织法(2025) 第二十三条',)
    >>> by_election_term(effective_profile("supervision", "", date(2020, 5, 10))).articles
    ('村民委员会组织法(2018) 第十九条',)
    >>> by_election_term(effective_profile("residents", "", date(2026, 5, 10))).note
    '本系统的解释：参照村民委员会组织法(2025) 第二十三条，补选产生的成员任期至本届委员会任期届满'
    """
    if profile.body in ("villagers", "supervision") and profile.law in _TERM_ARTICLES:
        return Term(TEXTS["term"], (str(Article(*_TERM_ARTICLES[profile.law])),))
    # 城市居民委员会组织法 and the Party's 条例: no by-election article read (RULES.md §2, §3).
    village = Article(*_TERM_ARTICLES["2025"])
    return Term(TEXTS["term"], note=TEXTS["term_reading"].format(article=village))


__all__ = [
    "HEADS",
    "Acting",
    "OpenSeat",
    "Term",
    "acting",
    "by_election_term",
    "open_seats",
    "outcome_open_seats",
]
