"""Rule profiles: the election rules of each body, law text and province, as data.

A `Profile` is the national law in force on the election day (村民委员会组织法 2010, 2018 or 2025;
城市居民委员会组织法 1989, 2018 or 2025; 中国共产党基层组织选举工作暂行条例 1990 or 条例 2020),
overlaid with the province's own election measures where the project has them and they were in
force that day (RULES.md §5). Every value is a `Rule`: the value and the articles it comes from,
so that a result can cite them and `docs/rules.md` can print them. An election day before the
earliest text the engine carries is refused (`ProfileError` on `election_date`).

>>> p = effective_profile("villagers", "33", date(2026, 5, 10))
>>> p.law, p.province, p.proxy.value.cap
('2025', '33', 3)
>>> [str(a) for a in p.ballot_limits.articles]
['浙江省村民委员会选举办法 第二十七条']
>>> effective_profile("villagers", "44", date(2026, 5, 10)).notes
('本系统未收录广东省的选举办法，仅适用全国性法律',)
>>> PROVINCE_PROFILES["51"]
'四川省'
>>> effective_profile("villagers", "31", date(2013, 4, 20)).sources
('村民委员会组织法(2010)',)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Final, Generic, TypeVar

from huanjie.lib.dates import cn_date
from huanjie.rules.arith import FIFTH, FOUR_FIFTHS, HALF, TENTH, THIRD, TWO_THIRDS, Share
from huanjie.rules.arith import chinese_numeral as _cn
from huanjie.rules.errors import ProfileError
from huanjie.rules.messages import BODY_NAMES, NOTES, POLL_FILE

T = TypeVar("T", covariant=True)
V = TypeVar("V")

BODIES: Final = ("villagers", "residents", "party", "supervision")
MODES: Final = ("all_voters", "households", "representatives")
# The Party's electing meetings: the 党员大会 elects the committee; the committee's first plenary
# (第一次全体会议) elects the 书记 and 副书记 (RULES.md P12).
MEETINGS: Final = ("members", "committee")

# The days the national texts take effect (施行).
# 村民委员会组织法, revised 2010-10-28 (主席令第三十七号), in force on its promulgation.
LAW_2010_FROM: Final = date(2010, 10, 28)
# 村民委员会组织法 and 城市居民委员会组织法, amended 2018-12-29, in force on promulgation.
LAW_2018_FROM: Final = date(2018, 12, 29)
# The day the 2025 texts take effect: "本决定自2026年1月1日起施行" (村民委员会组织法 2025 修正决定);
# "本法自2026年1月1日起施行" (城市居民委员会组织法(2025) 第五十条).
LAW_2025_FROM: Final = date(2026, 1, 1)
# 城市居民委员会组织法, adopted 1989-12-26: "本法自1990年1月1日起施行".
RC1989_FROM: Final = date(1990, 1, 1)
# 中国共产党基层组织选举工作暂行条例, issued by the Central Committee on 1990-06-27; the 条例 that
# replaced it, issued on 2020-07-13 (RULES.md §3).
PARTY_1990_FROM: Final = date(1990, 6, 27)
PARTY_2020_FROM: Final = date(2020, 7, 13)
# 民政部 村民委员会选举规程 (民发〔2013〕76号), dated 2013-05-02: not cited for earlier elections.
GUIDE_FROM: Final = date(2013, 5, 2)

# Source titles, as cited in results and in docs/rules.md.
VC2010: Final = "村民委员会组织法(2010)"
VC2018: Final = "村民委员会组织法(2018)"
VC2025: Final = "村民委员会组织法(2025)"
RC1989: Final = "城市居民委员会组织法(1989)"
RC2018: Final = "城市居民委员会组织法(2018)"
RC2025: Final = "城市居民委员会组织法(2025)"
PARTY: Final = "中国共产党基层组织选举工作条例"
PARTY_1990: Final = "中国共产党基层组织选举工作暂行条例(1990)"
GUIDE: Final = "村民委员会选举规程（民发〔2013〕76号）"
ORG_DEPT: Final = "中组部关于党员大会应到会人数的规定"
ZJ: Final = "浙江省村民委员会选举办法"
SH: Final = "上海市村民委员会选举办法"
BJ: Final = "北京市村民委员会选举办法"
HEN: Final = "河南省实施《中华人民共和国村民委员会组织法》办法"
HEB: Final = "河北省村民委员会选举办法"
SC: Final = "四川省村民委员会选举条例"
HN: Final = "海南省村民委员会选举办法"
HEN_RC: Final = "河南省实施《中华人民共和国城市居民委员会组织法》办法"


@dataclass(frozen=True)
class Text:
    """A national text and the day it takes effect; `law` is its `Profile.law` label."""

    law: str
    title: str
    since: date


# The national texts the engine carries, oldest first. An election is governed by the latest one
# in force on its day; before the first one, the engine refuses (it does not carry that text).
# 村务监督委员会 elections follow the village law.
NATIONAL_TEXTS: Final = {
    "villagers": (
        Text("2010", VC2010, LAW_2010_FROM),
        Text("2018", VC2018, LAW_2018_FROM),
        Text("2025", VC2025, LAW_2025_FROM),
    ),
    "residents": (
        Text("1989", RC1989, RC1989_FROM),
        Text("2018", RC2018, LAW_2018_FROM),
        Text("2025", RC2025, LAW_2025_FROM),
    ),
    "party": (Text("1990", PARTY_1990, PARTY_1990_FROM), Text("2020", PARTY, PARTY_2020_FROM)),
}
_TEXT_NAMES: Final = {
    "villagers": "村民委员会组织法",
    "residents": "城市居民委员会组织法",
    "party": "中国共产党基层组织选举工作条例",
}

# All province-level divisions (GB/T 2260), for saying which province has no profile.
PROVINCE_NAMES: Final = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省",
    "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省",
    "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区", "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}  # fmt: skip

# The provinces whose village election measures the engine applies (RULES.md §5), code → name,
# for the campaign form.
PROVINCE_PROFILES: Final[dict[str, str]] = {
    code: PROVINCE_NAMES[code] for code in ("11", "13", "31", "33", "41", "46", "51")
}


@dataclass(frozen=True)
class Article:
    """One article of one text; `number` None cites the text as a whole.

    >>> str(Article(ZJ, 27)), str(Article(GUIDE))
    ('浙江省村民委员会选举办法 第二十七条', '村民委员会选举规程（民发〔2013〕76号）')
    """

    source: str
    number: int | None = None

    def __str__(self) -> str:
        if self.number is None:
            return self.source
        return f"{self.source} 第{_cn(self.number)}条"


@dataclass(frozen=True)
class Rule(Generic[T]):
    """A rule's value, the articles it comes from, and a note on how it is read."""

    value: T
    articles: tuple[Article, ...] = ()
    note: str = ""

    def cite(self) -> tuple[str, ...]:
        """The articles as strings, for a result's `rules`.

        >>> Rule(3, (Article(ZJ, 25),)).cite()
        ('浙江省村民委员会选举办法 第二十五条',)
        """
        return tuple(str(a) for a in self.articles)


def _r(value: V, *refs: tuple[str, int | None] | Article, note: str = "") -> Rule[V]:
    articles = tuple(ref if isinstance(ref, Article) else Article(*ref) for ref in refs)
    return Rule(value, articles, note)


@dataclass(frozen=True)
class ProxyRule:
    """Who may vote for an absent voter (委托投票), and within which limits."""

    allowed: bool
    # "close_relatives" (近亲属), "close_relatives_or_villagers" (近亲属或者其他村民),
    # "other_voters" (本社区其他选民); "" when proxies are not allowed.
    holders: str = ""
    cap: int | None = None  # proxies one holder may hold; None: no number in the law
    candidates_excluded: bool = False
    filing_days: int | None = None  # paperwork at least N days before election day
    list_days: int | None = None  # list of proxies published at least N days before
    no_redelegation: bool = False
    refused_because: str = ""  # why proxies are not allowed, for the message


@dataclass(frozen=True)
class Surplus:
    """How many more candidates than seats (差额) a post needs: seats + `low` to seats + `high`
    (None: no upper limit); or, with `percent`, at least that share of the seats, rounded up,
    for every post `by_post` does not name."""

    by_post: tuple[tuple[str, int, int | None], ...] = ()
    default: tuple[int, int | None] = (1, None)
    percent: int | None = None

    def extra(self, post: str, seats: int) -> tuple[int, int | None]:
        """The (least, most) number of candidates above the seats.

        >>> Surplus(percent=20).extra("member", 7)
        (2, None)
        >>> Surplus((("member", 1, 3),)).extra("member", 5), Surplus().extra("director", 1)
        ((1, 3), (1, None))
        >>> Surplus((("secretary", 0, None),), percent=20).extra("secretary", 1)
        (0, None)
        """
        for name, low, high in self.by_post:
            if name == post:
                return (low, high)
        if self.percent is not None:
            # 差额不少于应选人数的20%, rounded up (RULES.md §7.5).
            return (max(1, -(-seats * self.percent // 100)), None)
        return self.default


@dataclass(frozen=True)
class Vacancy:
    """When open seats may stay empty instead of going to another supplementary poll."""

    min_elected: int  # members elected in all, at least
    director_required: bool = False  # and the director is among them (北京 30, 海南 34)
    after_first_poll: bool = False  # already after the first poll (上海 21, 海南 34)
    meeting_decides: bool = False  # the 村民会议 decides whether they stay empty


@dataclass(frozen=True)
class Recall:
    """罢免: who may move it, and what the vote needs."""

    motion_voters: Share
    motion_representatives: Share
    turnout: Share
    approval: Share


@dataclass(frozen=True)
class Profile:
    """The effective rules of one body's election under one law text and one province."""

    body: str
    # The national text (NATIONAL_TEXTS): "2010", "2018", "2025" (villagers', supervision),
    # "1989", "2018", "2025" (residents'), "1990", "2020" (party).
    law: str
    province: str  # the province whose measures are applied, "" for none
    mode: str | None  # residents only
    sources: tuple[str, ...]  # the texts applied, national first
    notes: tuple[str, ...]  # said in every tally's `rules`
    posts: tuple[str, ...]  # the posts this body elects, highest first
    turnout_reason: str  # the reason code when the turnout or quorum is not met

    committee_size: Rule[tuple[int, int] | None]
    term: Rule[int | None]  # years of a term (每届任期)
    relatives: Rule[str]
    women: Rule[str]  # "none", "required", "separate_post" (浙江), "priority" (四川, 海南)
    age: Rule[int | None]
    registration: Rule[tuple[str, ...]]
    voter_list_days: Rule[int | None]
    objection_days: Rule[int | None]
    objection_decision_days: Rule[int | None]
    committee_withdrawal: Rule[str]  # "self", "self_or_relatives", ""
    candidacy_bars: Rule[tuple[str, ...]]
    surplus: Rule[Surplus]
    nominee_list_days: Rule[int | None]
    candidate_list_days: Rule[int | None]
    withdrawal_days: Rule[int | None]
    proxy: Rule[ProxyRule]
    mobile_box_staff: Rule[str]
    mobile_box_void: Rule[bool]
    turnout: Rule[Share]
    turnout_base: Rule[str]  # "voted", "voted_and_returned" (海南 29)
    threshold: Rule[Share]
    threshold_base: Rule[str]  # "voted", "returned" (海南 29)
    ballot_limits: Rule[bool]
    overvote: Rule[str]  # "ballot": the whole ballot is invalid; "post": only that post
    same_person_two_posts: Rule[bool]  # a ballot naming one person for two posts is invalid
    write_ins: Rule[bool]
    write_in_review: Rule[bool]
    ties: Rule[str]
    transfer: Rule[str]  # "none", "allowed", "required"
    supplementary_threshold: Rule[Share]
    supplementary_base: Rule[str]  # "returned" (ballots cast, invalid ones too) or "voted"
    supplementary_window_days: Rule[int | None]
    vacancy: Rule[Vacancy | None]
    recall: Rule[Recall | None]
    handover_days: Rule[int | None]
    quorum_exclusions: Rule[tuple[str, ...]]
    # party only: "members" (党员大会) or "committee" (委员会全体会议 electing 书记、副书记)
    meeting: str | None = None

    def rule_fields(self) -> tuple[str, ...]:
        """The names of the fields that hold rules, in order.

        >>> effective_profile("party", "", date(2026, 5, 1)).rule_fields()[:2]
        ('committee_size', 'term')
        """
        return tuple(
            f.name for f in dataclasses.fields(self) if isinstance(getattr(self, f.name), Rule)
        )


# The Chinese names of the rules, in the order docs/rules.md prints them.
RULE_LABELS: Final = {
    "committee_size": "委员会职数",
    "term": "每届任期",
    "relatives": "近亲属回避",
    "women": "妇女成员",
    "age": "选举权年龄",
    "registration": "登记参加选举的情形",
    "voter_list_days": "选民名单公布（选举日前）",
    "objection_days": "对名单有异议的申诉期限（公布之日起）",
    "objection_decision_days": "申诉处理期限（收到之日起）",
    "committee_withdrawal": "选举委员会成员退出",
    "candidacy_bars": "不得作为候选人的情形",
    "surplus": "候选人差额",
    "nominee_list_days": "提名人选公布（选举日前）",
    "candidate_list_days": "正式候选人名单公布（选举日前）",
    "withdrawal_days": "候选人退出（选举日前）",
    "proxy": "委托投票",
    "mobile_box_staff": "流动票箱人员",
    "mobile_box_void": "流动票箱票数多于公布人数的，该箱选票无效",
    "turnout": "投票有效（参加投票或到会的人数占应到人数）",
    "turnout_base": "投票有效的计算依据",
    "threshold": "当选所需票数",
    "threshold_base": "当选票数的基数",
    "ballot_limits": "收回选票多于发出选票或投票人数的，投票无效",
    "overvote": "所选人数多于应选人数",
    "same_person_two_posts": "选同一人为两项以上职务的选票无效",
    "write_ins": "可以另选他人",
    "write_in_review": "另选他人当选的须经资格审查",
    "ties": "票数相等",
    "transfer": "高职位得票计入低职位",
    "supplementary_threshold": "另行选举当选所需票数",
    "supplementary_base": "另行选举当选票数的基数",
    "supplementary_window_days": "另行选举期限（选举日后）",
    "vacancy": "名额暂缺",
    "recall": "罢免",
    "handover_days": "工作移交（新一届委员会产生后）",
    "quorum_exclusions": "不计入应到会人数的党员",
}

REGISTRATION_LABELS: Final = {
    "hukou_resident": "户籍在本村并且在本村居住",
    "hukou_absent": "户籍在本村，不在本村居住，本人表示参加选举",
    "incomer_one_year": "户籍不在本村，在本村居住一年以上，本人申请，并经村民会议或者村民代表会议同意",
    "incomer_or_worker_one_year": (
        "户籍不在本村，在本村居住或者从事村务工作一年以上，本人申请，并经村民会议或者村民代表会议同意"
    ),
    "community_hukou": "户籍在本社区",
    "community_resident": "户籍不在本社区但常住本社区",
    "community_worker": "在本社区工作六个月以上的社区工作者，本人申请",
    "area_resident": "本居住地区有选举权的居民",
    "full_member": "正式党员（预备党员、受留党察看处分的党员没有选举权）",
}

EXCLUSION_LABELS: Final = {
    "mental_illness": "患有精神病或者其他疾病导致不能表达本人意志",
    "abroad": "自费出国半年以上",
    "serving_sentence": "正在服刑（未受留党察看以上党纪处分）",
    "bedridden": "年老体弱卧床不起、长期生病生活不能自理",
    "away": "工作调动、下派、外出学习或者工作半年以上，组织关系未转走",
    "detained": "被依法留置、逮捕（党员权利中止）",
}


# Before the 规程 (2013-05-02) no national text says how ballots are judged; the engine applies
# the same common counting rules and says so.
_NO_GUIDE_YET: Final = (
    "法律未作规定；村民委员会选举规程2013年5月2日印发，此前按通行的计票规则（本系统的解释）"
)


def _guided(value: V, day: date, note: str = "") -> Rule[V]:
    """A rule the law leaves to the 民政部 规程 (民发〔2013〕76号), cited only from its date."""
    if day >= GUIDE_FROM:
        return _r(value, (GUIDE, None), note=note)
    return _r(value, note=_NO_GUIDE_YET)


def _villagers(law: str, day: date) -> Profile:
    """村民委员会组织法, 2010, 2018 or 2025 text, with no province, for an election on `day`."""
    new = law == "2025"
    v = {"2010": VC2010, "2018": VC2018, "2025": VC2025}[law]

    def art(old: int, current: int) -> tuple[str, int]:
        # The 2025 amendment renumbers from Art 5 on (RULES.md §0); the 2010 and 2018 texts
        # number alike (the 2018 amendment changed only the term in 第十一条).
        return (v, current if new else old)

    election = art(15, 18)
    return Profile(
        body="villagers",
        law=law,
        province="",
        mode=None,
        sources=(v,),
        notes=(),
        posts=("director", "deputy_director", "woman_member", "member"),
        turnout_reason="turnout_not_over_half",
        # 村民委员会组织法(2025) 第八条: "由主任、副主任和委员共三至七人组成".
        committee_size=_r((3, 7), art(6, 8)),
        # 村民委员会组织法(2025) 第十四条, (2018) 第十一条: "每届任期五年"; (2010) 第十一条: 三年.
        term=_r(3 if law == "2010" else 5, art(11, 14)),
        # 村民委员会组织法(2025) 第八条: "村民委员会成员实行近亲属回避" (new in 2025).
        relatives=_r("村民委员会成员实行近亲属回避", art(6, 8)) if new else _r(""),
        # 村民委员会组织法(2025) 第八条: "应当有妇女成员".
        women=_r("required", art(6, 8)),
        # 村民委员会组织法(2025) 第十六条: "年满十八周岁的村民…有选举权和被选举权".
        age=_r(18, art(13, 16)),
        # 村民委员会组织法(2025) 第十六条: three categories; 2025 adds "或者从事村务工作".
        registration=_r(
            (
                "hukou_resident",
                "hukou_absent",
                "incomer_or_worker_one_year" if new else "incomer_one_year",
            ),
            art(13, 16),
            note="一个村民只能在一个村登记参加选举",
        ),
        # 村民委员会组织法(2025) 第十七条: "在选举日的二十日前" / "五日内" / "三日内".
        voter_list_days=_r(20, art(14, 17)),
        objection_days=_r(5, art(14, 17)),
        objection_decision_days=_r(3, art(14, 17)),
        # 村民委员会组织法(2025) 第十五条: "成员或者其近亲属被提名…应当退出".
        committee_withdrawal=_r("self_or_relatives" if new else "self", art(12, 15)),
        # 村民委员会组织法(2025) 第十八条第一款 (no time limit); none in 2018.
        candidacy_bars=(
            _r(
                (
                    "expelled_from_party",
                    "criminal_punishment",
                    "clan_or_gang",
                    "illegal_religion_or_cult",
                ),
                election,
            )
            if new
            else _r(())
        ),
        # 村民委员会组织法(2025) 第十八条: "候选人的名额应当多于应选名额".
        surplus=_r(Surplus(), election),
        nominee_list_days=_r(None),
        candidate_list_days=_r(None),
        withdrawal_days=_r(None),
        # 村民委员会组织法(2025) 第十八条第四款: "近亲属或者其他村民…不得超过三人。候选人不得接受委托";
        # 2018 第十五条: "本村有选举权的近亲属", no number.
        proxy=_r(
            ProxyRule(True, "close_relatives_or_villagers", 3, True)
            if new
            else ProxyRule(True, "close_relatives"),
            election,
        ),
        mobile_box_staff=_r(""),
        mobile_box_void=_r(False),
        # 村民委员会组织法(2025) 第十八条第二款: "有登记参加选举的村民过半数投票，选举有效".
        turnout=_r(HALF, election),
        turnout_base=_r("voted", election),
        # 同上: "候选人获得参加投票的村民过半数的选票，始得当选".
        threshold=_r(HALF, election),
        threshold_base=_r("voted", election),
        # The law is silent; the 规程 (guidance) voids a vote with more ballots than were issued.
        ballot_limits=_guided(True, day),
        overvote=_guided("ballot", day),
        same_person_two_posts=_r(
            False,
            note="选票有效；当选较高职务的，不再计入较低职务的当选（本系统的解释）",
        ),
        write_ins=_guided(True, day),
        write_in_review=_r(False),
        ties=_guided("runoff", day),
        transfer=_r("none"),
        # 同上第二款: "所得票数不得少于已投选票总数的三分之一".
        supplementary_threshold=_r(THIRD, election),
        supplementary_base=_r("returned", election),
        supplementary_window_days=_r(None),
        # Our reading of 第八条 and 第十八条: after a supplementary poll, a committee that has its
        # lawful minimum of three may leave the remaining seats empty until a by-election.
        vacancy=_r(
            Vacancy(3),
            art(6, 8),
            note="另行选举后当选人数达到法定最低职数的，不足的名额可以暂缺（本系统的解释）",
        ),
        # 村民委员会组织法(2025) 第十九条: "五分之一以上…或者三分之一以上的村民代表联名";
        # "登记参加选举的村民过半数投票，并须经投票的村民过半数通过".
        recall=_r(Recall(FIFTH, THIRD, HALF, HALF), art(16, 19)),
        # 村民委员会组织法(2025) 第二十四条: handover within ten days.
        handover_days=_r(10, art(20, 24)),
        quorum_exclusions=_r(()),
    )


def _replace(profile: Profile, **changes: object) -> Profile:
    return dataclasses.replace(profile, **changes)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Provinces (RULES.md §5). Each function returns the overrides for one national base profile.


def _zhejiang(base: Profile) -> Profile:
    # 浙江省村民委员会选举办法 (2020).
    proxy = base.proxy.value
    if base.law != "2025":
        # 浙江省村民委员会选举办法 第二十五条: spouse, parents, children, siblings, grandparents or
        # grandchildren who are registered voters; at most three; not a candidate; 3 days before.
        proxy_rule = _r(
            ProxyRule(True, "close_relatives", 3, True, filing_days=3, no_redelegation=True),
            (ZJ, 25),
            *base.proxy.articles,
        )
    else:
        # From 2026 the national law lets any villager hold a proxy; the provincial limit to close
        # relatives conflicts with it and yields (RULES.md §0: our inference).
        proxy_rule = _r(
            dataclasses.replace(proxy, filing_days=3, no_redelegation=True),
            (ZJ, 25),
            (VC2025, 18),
            note="第二十五条限于近亲属的规定与村民委员会组织法(2025)第十八条抵触，受委托人按上位法",
        )
    return _replace(
        base,
        province="33",
        sources=(*base.sources, ZJ),
        relatives=_r("当选人为近亲属的，保留较高职务；职务相同的保留得票多者", (ZJ, 31)),
        # 浙江省村民委员会选举办法 第二十一条: "选票应当单列妇女委员职位"; 第二十九条: relisted.
        women=_r("separate_post", (ZJ, 21), (ZJ, 29)),
        # 浙江省村民委员会选举办法 第十二条: age counted to election day.
        age=_r(18, *base.age.articles, (ZJ, 12)),
        candidate_list_days=_r(5, (ZJ, 18)),
        withdrawal_days=_r(3, (ZJ, 19)),
        proxy=proxy_rule,
        mobile_box_staff=_r(
            "经乡镇指导机构批准；公布投票人和监票人名单；每个流动票箱三名以上监票人", (ZJ, 24)
        ),
        # 浙江省村民委员会选举办法 第二十七条: too many names, or "选举同一人为两项以上职务", voids the
        # ballot; more ballots returned than issued voids the vote.
        ballot_limits=_r(True, (ZJ, 27)),
        overvote=_r("ballot", (ZJ, 27)),
        same_person_two_posts=_r(True, (ZJ, 27)),
        write_ins=_r(True, (ZJ, 21)),
        write_in_review=_r(True, (ZJ, 32)),
        ties=_r("runoff", (ZJ, 28)),
        # 浙江省村民委员会选举办法 第二十九条: 1/3 of "已投选票总数"; same day or within 30 days.
        supplementary_threshold=_r(THIRD, (ZJ, 29)),
        supplementary_window_days=_r(30, (ZJ, 29)),
        vacancy=_r(Vacancy(3), (ZJ, 30)),
    )


def _shanghai(base: Profile) -> Profile:
    # 上海市村民委员会选举办法 (2020).
    proxy = base.proxy.value
    return _replace(
        base,
        province="31",
        sources=(*base.sources, SH),
        relatives=_r("配偶和直系亲属不得同时担任村民委员会成员", (SH, 2)),
        age=_r(18, *base.age.articles, (SH, 9)),
        # 上海市村民委员会选举办法 第十二条: 主任、副主任 seats + 1; 委员 seats + 1 to 3.
        surplus=_r(
            Surplus(
                (
                    ("director", 1, 1),
                    ("deputy_director", 1, 1),
                    ("member", 1, 3),
                    ("woman_member", 1, 3),
                )
            ),
            (SH, 12),
        ),
        candidate_list_days=_r(5, (SH, 12)),
        # 上海市村民委员会选举办法 第十六条: at most 3; paperwork 5 days before; list 2 days before;
        # "禁止投票现场临时委托".
        proxy=_r(
            dataclasses.replace(proxy, cap=3, filing_days=5, list_days=2),
            (SH, 16),
            *base.proxy.articles,
        ),
        ballot_limits=_r(True, (SH, 19)),
        write_ins=_r(True, (SH, 17)),
        ties=_r("runoff", (SH, 20)),
        # 上海市村民委员会选举办法 第二十一条: 1/3 of "选票"; within 30 days; only if fewer than three
        # were elected, otherwise the 村民会议 decides.
        supplementary_threshold=_r(THIRD, (SH, 21)),
        supplementary_window_days=_r(30, (SH, 21)),
        vacancy=_r(Vacancy(3, after_first_poll=True, meeting_decides=True), (SH, 21)),
    )


def _beijing(base: Profile) -> Profile:
    # 北京市村民委员会选举办法 (2012).
    proxy = base.proxy.value
    return _replace(
        base,
        province="11",
        sources=(*base.sources, BJ),
        # 北京市村民委员会选举办法 第十六条: every post seats + 1 to 2.
        surplus=_r(Surplus(default=(1, 2)), (BJ, 16)),
        mobile_box_staff=_r("三名以上监票人", (BJ, 23)),
        # 北京市村民委员会选举办法 第二十五条: at most three; candidates may not hold proxies.
        proxy=_r(
            dataclasses.replace(proxy, cap=3, candidates_excluded=True),
            (BJ, 25),
            *base.proxy.articles,
        ),
        write_ins=_r(True, (BJ, 26)),
        # 北京市村民委员会选举办法 第二十八条: "废票计入选票总数".
        ballot_limits=_r(True, (BJ, 28)),
        overvote=_r("ballot", (BJ, 28)),
        ties=_r("runoff", (BJ, 29)),
        supplementary_threshold=_r(THIRD, (BJ, 30)),
        supplementary_window_days=_r(15, (BJ, 30)),
        # 北京市村民委员会选举办法 第三十条: "当选人数超过三人并已选出村民委员会主任", and the
        # 村民会议 decides.
        vacancy=_r(Vacancy(4, director_required=True, meeting_decides=True), (BJ, 30)),
    )


def _henan(base: Profile) -> Profile:
    # 河南省实施《中华人民共和国村民委员会组织法》办法 (2011).
    proxy = base.proxy.value
    return _replace(
        base,
        province="41",
        sources=(*base.sources, HEN),
        relatives=_r("近亲属同时当选的，保留较高职务", (HEN, 8)),
        # 河南省办法 第二十四条: 主任、副主任 seats + 1; 委员 seats + 1 to 2.
        surplus=_r(
            Surplus(
                (
                    ("director", 1, 1),
                    ("deputy_director", 1, 1),
                    ("member", 1, 2),
                    ("woman_member", 1, 2),
                )
            ),
            (HEN, 24),
        ),
        # 河南省办法 第二十五条: higher-post votes may count toward a lower post.
        transfer=_r("allowed", (HEN, 25)),
        proxy=_r(
            dataclasses.replace(proxy, cap=3),
            (HEN, 30),
            *base.proxy.articles,
        ),
        mobile_box_staff=_r("三名以上工作人员；名单在选举日前公布", (HEN, 31)),
        # 河南省办法 第三十四条: a separate ballot for each post, cast together, so an overvote voids
        # that post's ballot only.
        overvote=_r("post", (HEN, 34)),
        write_ins=_r(True, (HEN, 34)),
        ballot_limits=_r(True, (HEN, 35)),
        ties=_r("runoff", (HEN, 36)),
        # 河南省办法 第三十八条: the re-vote also needs turnout above half; over half wins, falling
        # back to the most votes with at least one third.
        supplementary_threshold=_r(
            THIRD, (HEN, 38), note="过半数者当选；不足时以得票多且不少于三分之一者当选"
        ),
        supplementary_window_days=_r(None),
    )


def _hebei(base: Profile) -> Profile:
    # 河北省村民委员会选举办法 (2020).
    proxy = base.proxy.value
    return _replace(
        base,
        province="13",
        sources=(*base.sources, HEB),
        women=_r(
            "required",
            *base.women.articles,
            (HEB, 17),
            note="没有产生妇女候选人的，以得票最多的妇女为候选人（提名阶段）",
        ),
        # 河北省村民委员会选举办法 第十七条: 主任、副主任 seats + 1; 委员 seats + 1 to 3.
        surplus=_r(
            Surplus(
                (
                    ("director", 1, 1),
                    ("deputy_director", 1, 1),
                    ("member", 1, 3),
                    ("woman_member", 1, 3),
                )
            ),
            (HEB, 17),
        ),
        # 河北省村民委员会选举办法 第二十六条: "不得接受超过两个人的委托".
        proxy=_r(
            dataclasses.replace(proxy, cap=2),
            (HEB, 26),
            *base.proxy.articles,
        ),
        write_ins=_r(True, (HEB, 25)),
        # 河北省村民委员会选举办法 第二十八条: "无效票和部分无效票均计入选票总数": an overvote voids
        # that part of the ballot; the legible part still counts.
        ballot_limits=_r(True, (HEB, 28)),
        overvote=_r("post", (HEB, 28)),
        # 河北省村民委员会选举办法 第二十九条: "应当把高职务得票计入低职务得票中".
        transfer=_r("required", (HEB, 29)),
        ties=_r("runoff", (HEB, 30)),
        supplementary_threshold=_r(THIRD, (HEB, 31)),
        supplementary_window_days=_r(10, (HEB, 31)),
    )


def _sichuan(base: Profile) -> Profile:
    # 四川省村民委员会选举条例 (2025 revision, in force from 2026-01-01).
    return _replace(
        base,
        province="51",
        sources=(*base.sources, SC),
        relatives=_r("当选人为近亲属的，保留较高职务", (SC, 35)),
        # 四川省村民委员会选举条例 第三十四条: a woman above half gets a member seat first, otherwise
        # one member seat goes to a separate election of a woman.
        women=_r("priority", (SC, 34)),
        age=_r(18, *base.age.articles, (SC, 15)),
        surplus=_r(
            Surplus(
                (
                    ("director", 1, 1),
                    ("deputy_director", 1, 1),
                    ("member", 1, 3),
                    ("woman_member", 1, 3),
                )
            ),
            (SC, 22),
        ),
        nominee_list_days=_r(15, (SC, 23)),
        candidate_list_days=_r(5, (SC, 23)),
        mobile_box_staff=_r("三名以上工作人员，其中监票人不少于二名", (SC, 28)),
        # 四川省村民委员会选举条例 第三十条: close relatives or other villagers; at most 3; not a candidate.
        proxy=_r(ProxyRule(True, "close_relatives_or_villagers", 3, True), (SC, 30)),
        write_ins=_r(True, (SC, 30)),
        # 四川省村民委员会选举条例 第三十二条: "每一选票上所选的每项职务人数多于应选人数的，选票无效".
        ballot_limits=_r(True, (SC, 32)),
        overvote=_r("ballot", (SC, 32)),
        write_in_review=_r(True, (SC, 35)),
        ties=_r("runoff", (SC, 33)),
        supplementary_threshold=_r(THIRD, (SC, 37)),
        supplementary_window_days=_r(10, (SC, 37)),
        vacancy=_r(Vacancy(3), (SC, 38)),
    )


def _hainan(base: Profile) -> Profile:
    # 海南省村民委员会选举办法 (fifth amendment, 2025-11-27).
    proxy = base.proxy.value
    return _replace(
        base,
        province="46",
        sources=(*base.sources, HN),
        relatives=_r("当选人为近亲属的，保留较高职务；职务、票数相同的由村民会议决定", (HN, 33)),
        women=_r("priority", (HN, 32), (HN, 20)),
        surplus=_r(
            Surplus(
                (
                    ("director", 1, 1),
                    ("deputy_director", 1, 1),
                    ("member", 1, 3),
                    ("woman_member", 1, 3),
                )
            ),
            (HN, 20),
        ),
        # 海南省村民委员会选举办法 第二十七条: at most 3; candidates excluded; list 3 days before.
        proxy=_r(
            dataclasses.replace(proxy, cap=3, candidates_excluded=True, list_days=3),
            (HN, 27),
            *base.proxy.articles,
        ),
        mobile_box_staff=_r(
            "仅限年老、患病、残疾选民；名单在选举日三日前公布；工作人员和监票人各二名以上，乡镇派人随同",
            (HN, 25),
        ),
        # 海南省村民委员会选举办法 第二十九条: a box holding more ballots than its published voters is
        # void; "收回选票数超过本村选民半数并且等于或者少于发出票数的，选举有效".
        mobile_box_void=_r(True, (HN, 29)),
        turnout_base=_r("voted_and_returned", (HN, 29), *base.turnout.articles),
        threshold_base=_r("returned", (HN, 29)),
        ballot_limits=_r(True, (HN, 29)),
        write_ins=_r(True, (HN, 27)),
        write_in_review=_r(True, (HN, 35)),
        ties=_r("runoff", (HN, 32)),
        # 海南省村民委员会选举办法 第三十一条: "高职位的得票数不足以使其当选的，可以累加入低职位的得票数中".
        transfer=_r("allowed", (HN, 31)),
        supplementary_threshold=_r(THIRD, (HN, 34)),
        supplementary_window_days=_r(15, (HN, 34)),
        # 海南省村民委员会选举办法 第三十四条: another poll within 15 days if fewer than three were
        # elected or the director post is empty; otherwise the 村民会议 decides.
        vacancy=_r(
            Vacancy(3, director_required=True, after_first_poll=True, meeting_decides=True),
            (HN, 34),
        ),
    )


# code → (builder, title, in force from). A text in force only from a date leaves earlier
# elections to the national law, and the result says so. RULES.md §5 names the year of 浙江,
# 上海 and 河北 (2020), 北京 (2012) and 河南 (2011), not the day: the engine reads each as in
# force from 1 January of that year, which may apply a text a few months before its real day.
_PROVINCES: Final = {
    # 浙江省村民委员会选举办法 (2020): day unknown, 1 January 2020.
    "33": (_zhejiang, ZJ, date(2020, 1, 1)),
    # 上海市村民委员会选举办法 (2020): day unknown, 1 January 2020.
    "31": (_shanghai, SH, date(2020, 1, 1)),
    # 北京市村民委员会选举办法 (2012): day unknown, 1 January 2012.
    "11": (_beijing, BJ, date(2012, 1, 1)),
    # 河南省实施《村民委员会组织法》办法 (2011): day unknown, 1 January 2011.
    "41": (_henan, HEN, date(2011, 1, 1)),
    # 河北省村民委员会选举办法 (2020): day unknown, 1 January 2020.
    "13": (_hebei, HEB, date(2020, 1, 1)),
    # 四川省村民委员会选举条例 (revised 2025-11-26): "自2026年1月1日起施行".
    "51": (_sichuan, SC, LAW_2025_FROM),
    # 海南省村民委员会选举办法 fifth amendment (2025-11-27) aligns with the 2025 law; we read it as
    # applying from the same day (RULES.md does not give its effective date).
    "46": (_hainan, HN, LAW_2025_FROM),
}

# 河南省实施《城市居民委员会组织法》办法 (2020, RULES.md C10): day unknown, 1 January 2020.
HEN_RC_FROM: Final = date(2020, 1, 1)

# The provincial measures the engine carries: code → (title, in force from), for docs/rules.md.
PROVINCE_MEASURES: Final[dict[str, tuple[str, date]]] = {
    code: (title, since) for code, (_, title, since) in _PROVINCES.items()
}


def _without(profile: Profile, source: str) -> Profile:
    """`profile` with every citation of `source` taken out, the values kept: for a day on which
    that text was not yet in force and the engine carries none that was."""
    changes: dict[str, object] = {}
    for name in profile.rule_fields():
        rule: Rule[object] = getattr(profile, name)
        kept = tuple(a for a in rule.articles if a.source != source)
        if kept != rule.articles:
            changes[name] = Rule(rule.value, kept, rule.note)
    return _replace(profile, **changes)


def _residents(law: str, mode: str, day: date) -> Profile:
    """城市居民委员会组织法 in one of its three electorate modes, for an election on `day`."""
    if law != "2025":
        return _residents_before_2026(law, mode, day)
    base = _villagers("2025", day)
    r = RC2025
    election = (r, 19)
    if mode == "representatives":
        # 城市居民委员会组织法(2025) 第十九条: "超过三分之二的居民代表参加投票"; no proxies.
        turnout, reason = TWO_THIRDS, "turnout_not_over_two_thirds"
        proxy = ProxyRule(False, refused_because="采取居民代表选举方式的")
    else:
        # 同上: "选民的过半数参加投票" / "户的代表的过半数".
        turnout, reason = HALF, "turnout_not_over_half"
        # 同上第四款: "书面委托本社区其他选民…每一选民接受的委托不得超过三人。候选人不得接受委托投票".
        proxy = ProxyRule(True, "other_voters", 3, True)
    return _replace(
        base,
        body="residents",
        mode=mode,
        sources=(RC2025,),
        posts=("director", "deputy_director", "woman_member", "member"),
        turnout_reason=reason,
        # 城市居民委员会组织法(2025) 第八条: 五至九人; a woman member; near-relative avoidance.
        committee_size=_r((5, 9), (r, 8)),
        # 城市居民委员会组织法(2025) 第十四条: "每届任期五年".
        term=_r(5, (r, 14)),
        relatives=_r("居民委员会成员实行近亲属回避", (r, 8)),
        women=_r("required", (r, 8)),
        age=_r(18, (r, 14)),
        # 城市居民委员会组织法(2025) 第十六条.
        registration=_r(("community_hukou", "community_resident", "community_worker"), (r, 16)),
        # 城市居民委员会组织法(2025) 第十七条: 20 days, 5 days, 3 days.
        voter_list_days=_r(20, (r, 17)),
        objection_days=_r(5, (r, 17)),
        objection_decision_days=_r(3, (r, 17)),
        committee_withdrawal=_r(""),
        # 城市居民委员会组织法(2025) 第十八条: the village list without "宗族".
        candidacy_bars=_r(
            ("expelled_from_party", "criminal_punishment", "gang", "illegal_religion_or_cult"),
            (r, 18),
        ),
        surplus=_r(Surplus(), (r, 18)),
        proxy=_r(proxy, election),
        turnout=_r(turnout, election),
        turnout_base=_r("voted", election),
        threshold=_r(HALF, election),
        threshold_base=_r("voted", election),
        ballot_limits=_r(True, (GUIDE, None), note="参照村民委员会选举的通行规则"),
        overvote=_r("ballot", (GUIDE, None), note="参照村民委员会选举的通行规则"),
        write_ins=_r(True, (GUIDE, None), note="参照村民委员会选举的通行规则"),
        ties=_r("runoff", (GUIDE, None), note="参照村民委员会选举的通行规则"),
        supplementary_threshold=_r(THIRD, election),
        supplementary_base=_r("returned", election),
        vacancy=_r(
            Vacancy(5),
            (r, 8),
            note="另行选举后当选人数达到法定最低职数的，不足的名额可以暂缺（本系统的解释）",
        ),
        # 城市居民委员会组织法(2025) 第二十条: 1/10 of voters or household representatives, or 1/3 of
        # residents' representatives; the vote uses the election's own mode.
        recall=_r(Recall(TENTH, THIRD, turnout, HALF), (r, 20)),
        handover_days=_r(None),
    )


def _residents_before_2026(law: str, mode: str, day: date) -> Profile:
    """城市居民委员会组织法, 1989 or 2018 text. It fixes the committee size, the term and the
    electorate modes only; the counting rules are read from the village law then in force, and
    before 2010-10-28 (a village text the engine does not carry) from its majorities alone."""
    r = RC1989 if law == "1989" else RC2018
    village = "2010" if law == "1989" else "2018"
    base = _villagers(village, day)
    v = base.sources[0]
    if day >= LAW_2010_FROM:
        sources: tuple[str, ...] = (r, v)
        note = NOTES["residents_by_analogy"].format(text=r, village=v)
    else:
        base = _without(base, v)
        sources = (r,)
        note = NOTES["residents_before_2010"].format(text=r)
    proxy_refs = () if day < LAW_2010_FROM else ((v, 15),)
    return _replace(
        base,
        body="residents",
        law=law,
        mode=mode,
        sources=sources,
        notes=(note,),
        posts=("director", "deputy_director", "woman_member", "member"),
        # 城市居民委员会组织法(2018) 第七条, (1989) 第七条: "五至九人".
        committee_size=_r((5, 9), (r, 7)),
        # 城市居民委员会组织法(2018) 第八条: "每届任期五年"; (1989) 第八条: 三年.
        term=_r(3 if law == "1989" else 5, (r, 8)),
        relatives=_r(""),
        women=_r("none"),
        # 城市居民委员会组织法(2018) 第八条: "年满十八周岁的本居住地区居民…".
        age=_r(18, (r, 8)),
        registration=_r(("area_resident",), (r, 8)),
        voter_list_days=_r(None),
        objection_days=_r(None),
        objection_decision_days=_r(None),
        committee_withdrawal=_r(""),
        candidacy_bars=_r(()),
        proxy=_r(
            base.proxy.value,
            *proxy_refs,
            note=f"{r}未规定，参照村民委员会组织法",
        ),
        vacancy=_r(
            Vacancy(5),
            (r, 7),
            note="另行选举后当选人数达到法定最低职数的，不足的名额可以暂缺（本系统的解释）",
        ),
        recall=_r(None),
        handover_days=_r(None),
    )


def _henan_residents(base: Profile) -> Profile:
    # 河南省实施《城市居民委员会组织法》办法 (2020) 第七条: 5 to 7 members; 第九条: 等额 allowed.
    new = base.law == "2025"
    return _replace(
        base,
        province="41",
        sources=(*base.sources, HEN_RC),
        committee_size=_r((5, 7), (HEN_RC, 7), *base.committee_size.articles),
        surplus=(
            _r(
                Surplus(),
                (RC2025, 18),
                note="河南省办法第九条允许等额选举的规定与城市居民委员会组织法(2025)第十八条抵触，按上位法",
            )
            if new
            else _r(Surplus(default=(0, None)), (HEN_RC, 9))
        ),
    )


def _party(law: str, meeting: str) -> Profile:
    """中国共产党基层组织选举工作条例 (2020), or before 2020-07-13 its 暂行条例 (1990), for the
    党员大会 or (`meeting` "committee") the committee's plenary electing the 书记 and 副书记.

    The article numbers of 第二十六 to 第二十八条 are RECALLED (RULES.md §9); the content is
    confirmed by secondary copies and by the 暂行条例, whose rules are the same (RULES.md P7–P9)."""
    base = _villagers("2025", LAW_2025_FROM)
    profile = _replace(
        base,
        body="party",
        law="2020",
        sources=(PARTY,),
        posts=("secretary", "deputy_secretary", "member"),
        turnout_reason="quorum_not_met",
        meeting="members",
        committee_size=_r(None),
        term=_r(None),
        relatives=_r(""),
        women=_r("none"),
        age=_r(None),
        # 中国共产党基层组织选举工作条例 第五条: "正式党员有表决权、选举权、被选举权".
        registration=_r(("full_member",), (PARTY, 5)),
        voter_list_days=_r(None),
        objection_days=_r(None),
        objection_decision_days=_r(None),
        committee_withdrawal=_r(""),
        candidacy_bars=_r(()),
        # 中国共产党基层组织选举工作条例 第十三条: "委员候选人的差额不少于应选人数的20%". The 书记 and
        # 副书记 may be elected 等额 (RULES.md P12; the article is RECALLED).
        surplus=_r(
            Surplus((("secretary", 0, None), ("deputy_secretary", 0, None)), percent=20),
            (PARTY, 13),
            note="差额人数向上取整（RULES.md §7.5）；书记、副书记可以等额选举（RULES.md P12）",
        ),
        # 中国共产党基层组织选举工作条例 第二十四条: "不能委托他人代为投票".
        proxy=_r(ProxyRule(False, refused_because="党员不能委托他人代为投票"), (PARTY, 24)),
        # 中国共产党基层组织选举工作条例 第二十六条: "超过应到会人数的五分之四，会议有效".
        turnout=_r(FOUR_FIFTHS, (PARTY, 26)),
        turnout_base=_r("voted", (PARTY, 26)),
        # 中国共产党基层组织选举工作条例 第二十八条: "超过实到会有选举权的人数的一半".
        threshold=_r(HALF, (PARTY, 28)),
        threshold_base=_r("voted", (PARTY, 28), note="实到会有选举权的人数，不是有效票数"),
        # 中国共产党基层组织选举工作条例 第二十七条: returned ballots above the number of voters void
        # the election; a ballot naming more than the seats is invalid.
        ballot_limits=_r(True, (PARTY, 27)),
        overvote=_r("ballot", (PARTY, 27)),
        same_person_two_posts=_r(False),
        # 中国共产党基层组织选举工作条例 第二十五条: "投不赞成票者可以另选他人" (an abstainer may not).
        write_ins=_r(True, (PARTY, 25)),
        ties=_r("runoff", (PARTY, 28)),
        supplementary_threshold=_r(HALF, (PARTY, 28)),
        supplementary_base=_r("voted", (PARTY, 28)),
        vacancy=_r(
            None,
            (PARTY, 28),
            note="当选人数少于应选名额的，不足的名额另行选举；接近应选名额的，也可以减少名额",
        ),
        recall=_r(None),
        handover_days=_r(None),
        quorum_exclusions=_r(tuple(EXCLUSION_LABELS), (ORG_DEPT, None), (PARTY, 5)),
    )
    if meeting == "committee":
        profile = _party_committee(profile)
    if law == "1990":
        profile = _party_1990(profile)
    return profile


def _party_committee(profile: Profile) -> Profile:
    """The committee's first plenary electing the 书记 and 副书记 by 等额 election (RULES.md P12;
    the 条例's article is RECALLED, so the text is cited as a whole). The electorate is the
    committee's members; the 条例 sets no quorum for this meeting that we have read: the engine
    asks more than half of the members present, and counts "超过实到会有选举权的人数的一半"
    (第二十八条) among the members present."""
    whole = Article(PARTY)
    reading = "本系统的解读：到会委员超过全体委员的半数，会议有效"
    return _replace(
        profile,
        meeting="committee",
        notes=(*profile.notes, NOTES["party_committee_meeting"]),
        posts=("secretary", "deputy_secretary"),
        turnout=_r(HALF, whole, note=reading),
        turnout_base=_r("voted", whole, note=reading),
        threshold=_r(
            HALF, (PARTY, 28), note="超过实到会委员的一半（第二十八条用于委员会全体会议）"
        ),
        threshold_base=_r("voted", (PARTY, 28), note="实到会的委员人数，不是有效票数"),
        quorum_exclusions=_r(()),
    )


def _party_1990(profile: Profile) -> Profile:
    """The 2020 profile read under the 暂行条例 (1990): the same rules, each citing the 暂行条例
    as a whole (its article numbers differ and were not read)."""
    changes: dict[str, object] = {}
    for name in profile.rule_fields():
        rule: Rule[object] = getattr(profile, name)
        articles: list[Article] = []
        for article in rule.articles:
            moved = Article(PARTY_1990) if article.source == PARTY else article
            if moved not in articles:
                articles.append(moved)
        if tuple(articles) != rule.articles:
            changes[name] = Rule(rule.value, tuple(articles), rule.note)
    note = NOTES["party_1990"].format(since=cn_date(PARTY_2020_FROM), text=PARTY_1990)
    return _replace(
        profile,
        law="1990",
        sources=(PARTY_1990,),
        notes=(note, *profile.notes),
        **changes,
    )


def _supervision(law: str, day: date) -> Profile:
    """村务监督委员会: elected by the 村民会议 or 村民代表会议; counted by the village majorities."""
    base = _villagers(law, day)
    # 村民委员会组织法(2025) 第三十七条, (2018) and (2010) 第三十二条.
    article = (VC2025, 37) if law == "2025" else (base.sources[0], 32)
    election = base.threshold.articles[0]
    # 村民委员会组织法(2025) 第三十七条: its term equals the committee's; earlier texts are silent.
    term: Rule[int | None] = _r(None)
    if law == "2025":
        term = _r(5, article, note="与村民委员会任期相同")
    return _replace(
        base,
        body="supervision",
        posts=("director", "deputy_director", "member"),
        notes=(NOTES["supervision_by_analogy"].format(article=election),),
        committee_size=_r(None),
        term=term,
        # 村民委员会组织法(2025) 第三十七条: "村民委员会成员及其近亲属不得担任村务监督机构成员".
        relatives=_r("村民委员会成员及其近亲属不得担任村务监督机构成员", article),
        women=_r("none"),
        vacancy=_r(Vacancy(1), note="另行选举后不足的名额可以暂缺（本系统的解释）"),
        recall=_r(None),
        handover_days=_r(None),
    )


def national_text(election_date: date, body: str = "villagers") -> Text:
    """The national text that governs `body`'s election held on `election_date` (村务监督委员会:
    the village law). Raises `ProfileError` on `election_date` for a day before the earliest
    text the engine carries, and on `body` for an unknown body.

    >>> national_text(date(2013, 4, 20), "residents").title
    '城市居民委员会组织法(1989)'
    >>> national_text(date(2010, 10, 27))
    Traceback (most recent call last):
    ...
    huanjie.rules.errors.ProfileError: election_date：本系统未收录选举日2010年10月27日施行的村民委员会组织法文本（收录的最早文本为村民委员会组织法(2010)，自2010年10月28日起施行），无法适用
    """
    if body not in BODIES:
        raise ProfileError("body", POLL_FILE["bad_body"])
    key = "villagers" if body == "supervision" else body
    texts = NATIONAL_TEXTS[key]
    for text in reversed(texts):
        if election_date >= text.since:
            return text
    earliest = texts[0]
    raise ProfileError(
        "election_date",
        POLL_FILE["text_not_carried"].format(
            day=cn_date(election_date),
            law=_TEXT_NAMES[key],
            earliest=earliest.title,
            since=cn_date(earliest.since),
        ),
    )


def law_version(election_date: date, body: str = "villagers") -> str:
    """The national text in force on the election day, as `Profile.law`: for villagers' (and
    supervision) committees "2010" (from 2010-10-28), "2018" (from 2018-12-29) or "2025" (from
    2026-01-01); residents' "1989" (from 1990-01-01), "2018" or "2025"; party "1990" or "2020"
    (from 2020-07-13). Raises `ProfileError` on `election_date` before the earliest text.

    >>> law_version(date(2025, 12, 31)), law_version(date(2026, 1, 1))
    ('2018', '2025')
    >>> law_version(date(2018, 12, 28)), law_version(date(2018, 12, 29))
    ('2010', '2018')
    >>> law_version(date(2013, 4, 20), "residents"), law_version(date(2020, 7, 12), "party")
    ('1989', '1990')
    """
    return national_text(election_date, body).law


def effective_profile(
    body: str,
    province: str,
    election_date: date,
    mode: str | None = None,
    meeting: str | None = None,
) -> Profile:
    """The rules that govern `body`'s election held on `election_date` in `province` ("" for the
    national law alone). `mode` is for residents' committees only (default "all_voters");
    `meeting` for the Party only (default "members", the 党员大会; "committee" for the
    committee's plenary electing the 书记 and 副书记).

    A province without a profile, or whose text is not in force on that day, gets the national
    rules, and `notes` says so. Raises `ProfileError` for an unknown body, province code, mode or
    meeting, and (on `election_date`) for a day before the earliest national text carried.

    >>> effective_profile("villagers", "51", date(2025, 6, 1)).notes
    ('四川省村民委员会选举条例自2026年1月1日起施行，此前适用的文本本系统未收录，仅适用全国性法律',)
    >>> p = effective_profile("residents", "", date(2026, 3, 1), "representatives")
    >>> p.turnout.value.describe(), p.proxy.value.allowed
    ('超过三分之二', False)
    >>> effective_profile("party", "33", date(2026, 3, 1)).turnout.value.describe()
    '超过五分之四'
    >>> effective_profile("party", "", date(2026, 3, 1), meeting="committee").turnout.value.describe()
    '过半数'
    >>> effective_profile("villagers", "", date(2012, 5, 1)).ties.articles
    ()
    """
    if body not in BODIES:
        raise ProfileError("body", POLL_FILE["bad_body"])
    if province and province not in PROVINCE_NAMES:
        raise ProfileError("province", POLL_FILE["bad_province"].format(value=province))
    if mode is not None and body != "residents":
        raise ProfileError("mode", POLL_FILE["mode_not_residents"])
    if mode is not None and mode not in MODES:
        raise ProfileError("mode", POLL_FILE["bad_mode"])
    if meeting is not None and body != "party":
        raise ProfileError("meeting", POLL_FILE["meeting_not_party"])
    if meeting is not None and meeting not in MEETINGS:
        raise ProfileError("meeting", POLL_FILE["bad_meeting"])
    law = law_version(election_date, body)
    if body == "party":
        # The Party's rules are national; provincial village measures do not govern them.
        return _party(law, meeting or "members")
    if body == "supervision":
        return _supervision(law, election_date)
    if body == "residents":
        return _with_province_residents(
            _residents(law, mode or "all_voters", election_date), province, election_date
        )
    profile = _villagers(law, election_date)
    if not province:
        return profile
    if province not in _PROVINCES:
        note = NOTES["no_province_profile"].format(province=PROVINCE_NAMES[province])
        return _replace(profile, notes=(note,))
    build, title, in_force = _PROVINCES[province]
    if in_force is not None and election_date < in_force:
        when = cn_date(in_force)
        note = NOTES["province_not_in_force"].format(source=title, date=when)
        return _replace(profile, notes=(note,))
    return build(profile)


def _with_province_residents(profile: Profile, province: str, day: date) -> Profile:
    if province == "41":
        if day >= HEN_RC_FROM:
            return _henan_residents(profile)
        note = NOTES["province_not_in_force"].format(source=HEN_RC, date=cn_date(HEN_RC_FROM))
        return _replace(profile, notes=(*profile.notes, note))
    if province:
        # The provincial texts of RULES.md §5 govern villagers' committees only.
        source = _PROVINCES[province][1] if province in _PROVINCES else ""
        note = (
            NOTES["no_province_for_body"].format(source=source, body=BODY_NAMES["residents"])
            if source
            else NOTES["no_province_profile"].format(province=PROVINCE_NAMES[province])
        )
        return _replace(profile, notes=(*profile.notes, note))
    return profile
