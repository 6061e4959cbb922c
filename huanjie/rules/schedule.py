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
