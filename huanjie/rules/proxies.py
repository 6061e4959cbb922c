"""Proxy voting (委托投票): who may hold a proxy, how many, and by when (RULES.md V13, C6, §5).

>>> from datetime import date
>>> from huanjie.rules.profiles import effective_profile
>>> day = date(2026, 5, 10)
>>> fourth = ProxyRequest(already_held=3)
>>> proxy_check(effective_profile("villagers", "33", day), fourth, day).codes
('proxy_over_cap',)
>>> proxy_check(effective_profile("villagers", "13", day), ProxyRequest(already_held=2), day).messages
('每一受委托人接受委托不得超过2人，已接受2人',)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from huanjie.lib.dates import cn_date
from huanjie.rules.profiles import Profile
from huanjie.rules.verdict import Problem, Verdict, problem, verdict


@dataclass(frozen=True)
class ProxyRequest:
    """One proxy presented for approval, seen from its holder (受委托人)."""

    holder_registered: bool = True  # the holder is a registered voter of this village/community
    holder_close_relative: bool = True  # 近亲属 of the principal (民法典 第一千零四十五条)
    holder_is_candidate: bool = False
    already_held: int = 0  # proxies the holder already holds
    filed_on: date | None = None  # when the paperwork was done
    redelegated: bool = False  # the holder passes it on to someone else


def proxy_check(profile: Profile, request: ProxyRequest, election_date: date) -> Verdict:
    """Whether the law lets this holder take this proxy.

    2018 law: close relatives only, no number; 2025 law: close relatives or other villagers, at
    most three, not a candidate (村民委员会组织法(2025) 第十八条). Provinces add their own limits:
    河北 26 two, 上海 16 five days before, 浙江 25 three days before. Party members and residents
    voting through representatives cannot vote by proxy.

    >>> from huanjie.rules.profiles import effective_profile
    >>> reps = effective_profile("residents", "", date(2026, 5, 10), "representatives")
    >>> proxy_check(reps, ProxyRequest(), date(2026, 5, 10)).messages
    ('采取居民代表选举方式的，不实行委托投票',)
    >>> sh = effective_profile("villagers", "31", date(2026, 5, 10))
    >>> proxy_check(sh, ProxyRequest(filed_on=date(2026, 5, 6)), date(2026, 5, 10)).codes
    ('proxy_late',)
    >>> old = effective_profile("villagers", "", date(2025, 5, 10))
    >>> proxy_check(old, ProxyRequest(holder_close_relative=False), date(2025, 5, 10)).codes
    ('proxy_not_relative',)
    """
    rule = profile.proxy
    value = rule.value
    if not value.allowed:
        return verdict([problem("proxy_not_allowed", rule, reason=value.refused_because)])
    found: list[Problem] = []
    if not request.holder_registered:
        found.append(problem("proxy_not_registered", rule))
    if value.holders == "close_relatives" and not request.holder_close_relative:
        found.append(problem("proxy_not_relative", rule))
    if value.cap is not None and request.already_held >= value.cap:
        found.append(problem("proxy_over_cap", rule, cap=value.cap, held=request.already_held))
    if value.candidates_excluded and request.holder_is_candidate:
        found.append(problem("proxy_candidate", rule))
    if value.filing_days is not None and request.filed_on is not None:
        last = election_date - timedelta(days=value.filing_days)
        if request.filed_on > last:
            when = cn_date(last)
            found.append(problem("proxy_late", rule, days=value.filing_days, date=when))
    if value.no_redelegation and request.redelegated:
        found.append(problem("proxy_redelegated", rule))
    return verdict(found)
