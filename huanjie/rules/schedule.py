"""The legal deadlines of one election, counted from election day (RULES.md V7, V19, §5;
WORKFLOW.md §0.2). Only the law's own clocks are here; a county's working plan adds its own.

>>> from huanjie.rules.profiles import effective_profile
>>> day = date(2026, 5, 10)
>>> for d in legal_schedule(effective_profile("villagers", "33", day), day)[:4]:
...     print(d.key, d.day, d.bound, d.article)
voter_list 2026-04-20 latest 村民委员会组织法(2025) 第十七条
objection 2026-04-25 latest 村民委员会组织法(2025) 第十七条
objection_decision 2026-04-28 latest 村民委员会组织法(2025) 第十七条
candidate_list 2026-05-05 latest 浙江省村民委员会选举办法 第十八条
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from huanjie.rules.profiles import Profile, Rule


@dataclass(frozen=True)
class Deadline:
    """One legal deadline: `day` is the last day ("latest") on which the step may happen."""

    key: str
    name: str
    day: date
    bound: str  # "latest"
    article: str


def _deadline(key: str, name: str, day: date, rule: Rule[object]) -> Deadline:
    return Deadline(key, name, day, "latest", "、".join(rule.cite()))


def legal_schedule(
    profile: Profile, election_date: date, list_published_on: date | None = None
) -> tuple[Deadline, ...]:
    """The legal deadlines of this body's election on `election_date`, in date order.

    The objection windows run from the list's publication: from `list_published_on` if given,
    otherwise from the last lawful day, and the decision is counted from an objection received on
    the last day to file one. The Party's election has no statutory day counts (WORKFLOW.md §0.4),
    so its schedule is empty.

    >>> from huanjie.rules.profiles import effective_profile
    >>> day = date(2026, 5, 10)
    >>> [d.key for d in legal_schedule(effective_profile("villagers", "46", day), day)]
    ['voter_list', 'objection', 'objection_decision', 'proxy_list', 'mobile_box_list', 'handover', 'supplementary_poll']
    >>> legal_schedule(effective_profile("party", "", day), day)
    ()
    """
    p = profile
    out: list[Deadline] = []
    if p.voter_list_days.value is not None:
        # 村民委员会组织法(2025) 第十七条: "在选举日的二十日前" (on or before D-20, RULES.md §7.6).
        last = election_date - timedelta(days=p.voter_list_days.value)
        out.append(_deadline("voter_list", "公布选民名单", last, p.voter_list_days))
        published = list_published_on or last
        if p.objection_days.value is not None:
            # 同上: "自名单公布之日起五日内"; "自收到申诉之日起三日内" (民法典 第二百零一条: the first
            # day is not counted).
            objection = published + timedelta(days=p.objection_days.value)
            out.append(_deadline("objection", "对选民名单提出申诉", objection, p.objection_days))
            if p.objection_decision_days.value is not None:
                decided = objection + timedelta(days=p.objection_decision_days.value)
                out.append(
                    _deadline(
                        "objection_decision", "作出申诉处理决定", decided, p.objection_decision_days
                    )
                )
    before = (
        ("nominee_list", "公布提名人选名单", p.nominee_list_days),
        ("candidate_list", "公布正式候选人名单", p.candidate_list_days),
        ("withdrawal", "候选人申请退出", p.withdrawal_days),
    )
    for key, name, rule in before:
        if rule.value is not None:
            out.append(_deadline(key, name, election_date - timedelta(days=rule.value), rule))
    proxy = p.proxy.value
    if proxy.allowed and proxy.filing_days is not None:
        day = election_date - timedelta(days=proxy.filing_days)
        out.append(_deadline("proxy_filing", "办理委托投票手续", day, p.proxy))
    if proxy.allowed and proxy.list_days is not None:
        day = election_date - timedelta(days=proxy.list_days)
        out.append(_deadline("proxy_list", "公布委托投票名单", day, p.proxy))
    if p.mobile_box_void.value:
        # 海南省村民委员会选举办法 第二十五条: the mobile-box list is published three days before.
        day = election_date - timedelta(days=3)
        out.append(
            Deadline(
                "mobile_box_list",
                "公布使用流动票箱的选民名单",
                day,
                "latest",
                "海南省村民委员会选举办法 第二十五条",
            )
        )
    if p.supplementary_window_days.value is not None:
        day = election_date + timedelta(days=p.supplementary_window_days.value)
        out.append(_deadline("supplementary_poll", "另行选举", day, p.supplementary_window_days))
    if p.handover_days.value is not None:
        # 村民委员会组织法(2025) 第二十四条: within ten days of the new committee being formed,
        # counted here from election day.
        day = election_date + timedelta(days=p.handover_days.value)
        out.append(_deadline("handover", "新老村民委员会工作移交", day, p.handover_days))
    return tuple(sorted(out, key=lambda d: d.day))


# ---------------------------------------------------------------------------------------------
# The working plan: the county's stages around election day, bounded by the law's deadlines.


@dataclass(frozen=True)
class PlanStage:
    """One stage of a village's working plan: its window (`starts` … `due`, both days counted)
    and what fixes `due`: "law" when a legal deadline is the binding one, "plan" when the
    county's plan is stricter (or the law sets no day). `article` cites both."""

    key: str
    name: str
    order: int
    starts: date
    due: date
    bound: str  # "law" or "plan"
    article: str


@dataclass(frozen=True)
class PlanRow:
    """A stage of the county plan as data: offsets from election day D (negative: before) and
    the keys of the legal deadlines (`legal_schedule`) that bound its last day."""

    key: str
    name: str
    community_name: str
    starts: int
    due: int
    basis: str
    legal: tuple[str, ...] = ()


# The county plan (县级工作方案). Offsets from the 城厢区 16-stage template (WORKFLOW.md §3.1, READ):
# 1 prep D-35 and 2 elect_committee D-34 → committee; 3 voter_reg D-33~-29; 4 voter_list
# D-28~-24; 5 voter_appeal D-23~-21; 7–9 nominate D-15~-13; 10–11 primary election and joint
# review D-12~-5; 12 formal_notice D-4; 13 campaign_prep D-3~-1 (proxies); 14 election_day D0;
# 15 result_filing D+1~+5; 16 handover D+6~+10. The Party's election goes first (先党组织后村委会,
# WORKFLOW.md §0.4 and §2: "the party election precedes 村委会 step 1"); no statute counts its
# days, so the plan gives it the weeks before the election committee is formed, ending a week
# before it (D-40) for the town Party committee's approval of the result (§2 step 10, ~1 week).
COUNTY_PLAN: tuple[PlanRow, ...] = (
    PlanRow(
        "party_election", "村党组织换届选举", "社区党组织换届选举", -60, -40,
        "县级工作方案：先党组织后村委会，D-60～D-40",
    ),
    PlanRow(
        "committee", "推选村民选举委员会", "推选居民选举委员会", -35, -34,
        "县级工作方案 第1—2环节 D-35～D-34",
    ),
    PlanRow(
        "voter_registration", "选民登记", "居民（户代表）登记", -33, -29,
        "县级工作方案 第3环节 D-33～D-29",
    ),
    PlanRow(
        "voter_list", "公布选民名单", "公示登记名册", -28, -24,
        "县级工作方案 第4环节 D-28～D-24", ("voter_list",),
    ),
    PlanRow(
        "objections", "受理和处理选民申诉", "受理和核查申诉", -23, -21,
        "县级工作方案 第5环节 D-23～D-21", ("objection", "objection_decision"),
    ),
    PlanRow(
        "nomination", "提名候选人", "提名候选人", -15, -13,
        "县级工作方案 第7—9环节 D-15～D-13", ("nominee_list",),
    ),
    PlanRow(
        "joint_review", "资格审查（联审）", "资格审查（多部门联审、党工委考察）", -12, -5,
        "县级工作方案 第10—11环节 D-12～D-5",
    ),
    PlanRow(
        "candidate_list", "公布正式候选人名单", "公布正式候选人名单", -4, -4,
        "县级工作方案 第12环节 D-4", ("candidate_list",),
    ),
    PlanRow(
        "proxies", "办理委托投票、公布委托投票名单", "办理委托投票、公布委托投票名单", -3, -1,
        "县级工作方案 第13环节 D-3～D-1", ("proxy_filing", "proxy_list"),
    ),
    PlanRow("election_day", "投票选举", "投票选举", 0, 0, "县级工作方案 第14环节 D0"),
    PlanRow(
        "results", "选举结果确认备案", "选举结果确认备案", 1, 5,
        "县级工作方案 第15环节 D+1～D+5",
    ),
    PlanRow(
        "handover", "新老班子工作移交", "新老班子工作移交", 6, 10,
        "县级工作方案 第16环节 D+6～D+10", ("handover",),
    ),
)  # fmt: skip

PLAN_KEYS: tuple[str, ...] = tuple(row.key for row in COUNTY_PLAN)

# The articles that found a stage without a legal day of its own.
_COMMITTEE_ARTICLE = {  # 村民选举委员会主持选举 (RULES.md V4)
    "2010": "村民委员会组织法(2010) 第十二条",
    "2018": "村民委员会组织法(2018) 第十二条",
    "2025": "村民委员会组织法(2025) 第十五条",
}


def working_plan(
    profile: Profile, election_date: date, *, community: bool
) -> tuple[PlanStage, ...]:
    """The working plan of one village's (or, `community`, one community's) renewal whose
    committee is elected on `election_date` under `profile` (its villagers' or residents'
    committee rules): the county plan's stages, each due on the plan's day or on the law's
    last day when that is earlier, in order.

    A stage bounded by the law never falls after its deadline, and no stage before election
    day falls due after the stage that follows it (a province's earlier candidate list pulls
    the review forward). Where proxies are not allowed (a residents' committee elected by
    representatives, 城市居民委员会组织法(2025) 第十九条) the plan has no proxy stage.

    >>> from huanjie.rules.profiles import effective_profile
    >>> day = date(2027, 1, 10)
    >>> plan = working_plan(effective_profile("villagers", "", day), day, community=False)
    >>> [(s.key, str(s.due), s.bound) for s in plan][:4]
    [('party_election', '2026-12-01', 'plan'), ('committee', '2026-12-07', 'plan'), ('voter_registration', '2026-12-12', 'plan'), ('voter_list', '2026-12-17', 'plan')]
    >>> handover = plan[-1]
    >>> handover.key, str(handover.due), handover.bound, handover.article
    ('handover', '2027-01-20', 'law', '县级工作方案 第16环节 D+6～D+10；村民委员会组织法(2025) 第二十四条')

    Zhejiang's candidate list five days before (浙江省村民委员会选举办法 第十八条) comes before the
    plan's D-4, and the review before it:

    >>> zj = {s.key: s for s in working_plan(effective_profile("villagers", "33", day), day,
    ...                                      community=False)}
    >>> str(zj["candidate_list"].due), zj["candidate_list"].bound, str(zj["joint_review"].due)
    ('2027-01-05', 'law', '2027-01-05')
    >>> rep = effective_profile("residents", "", day, mode="representatives")
    >>> [s.name for s in working_plan(rep, day, community=True)][1:3]
    ['推选居民选举委员会', '居民（户代表）登记']
    >>> "proxies" in [s.key for s in working_plan(rep, day, community=True)]
    False
    """
    legal = {d.key: d for d in legal_schedule(profile, election_date)}
    proxies_allowed = profile.proxy.value.allowed
    rows = [r for r in COUNTY_PLAN if r.key != "proxies" or proxies_allowed]
    dues: list[date] = []
    bounds: list[str] = []
    articles: list[str] = []
    for row in rows:
        due = election_date + timedelta(days=row.due)
        bound = "plan"
        cited = [row.basis]
        for key in row.legal:
            deadline = legal.get(key)
            if deadline is None:
                continue
            cited.append(deadline.article)
            if deadline.day <= due:
                due, bound = deadline.day, "law"
        if row.key == "committee" and profile.body == "villagers" and profile.law:
            cited.append(_COMMITTEE_ARTICLE.get(profile.law, ""))
        if row.key == "election_day":
            cited.extend(profile.turnout.cite())
        dues.append(due)
        bounds.append(bound)
        articles.append("；".join(dict.fromkeys(c for c in cited if c)))
    # Before election day each stage is done by the time the next one is due.
    last = next(i for i, r in enumerate(rows) if r.key == "election_day")
    for i in range(last - 1, -1, -1):
        if dues[i] > dues[i + 1]:
            dues[i], bounds[i] = dues[i + 1], bounds[i + 1]
    out = []
    for order, (row, due, bound, article) in enumerate(
        zip(rows, dues, bounds, articles, strict=True), 1
    ):
        starts = min(election_date + timedelta(days=row.starts), due)
        name = row.community_name if community else row.name
        out.append(PlanStage(row.key, name, order, starts, due, bound, article))
    return tuple(out)
