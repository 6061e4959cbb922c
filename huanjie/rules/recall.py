"""Recall (罢免) of a committee member (RULES.md V15, C8).

>>> from datetime import date
>>> from huanjie.rules.profiles import effective_profile
>>> p = effective_profile("villagers", "", date(2026, 5, 10))
>>> recall_motion_check(p, signers=200, of=1000).ok, recall_motion_check(p, signers=199, of=1000).ok
(True, False)
>>> recall_vote(p, electorate=1000, voted=501, yes=251)
RecallResult(valid=True, recalled=True, reasons=())
"""

from __future__ import annotations

from dataclasses import dataclass

from huanjie.rules.errors import RulesError
from huanjie.rules.profiles import Profile, Recall
from huanjie.rules.verdict import Verdict, problem, verdict


def _recall(profile: Profile) -> Recall:
    if profile.recall.value is None:
        raise RulesError("本规则适用的法律没有规定罢免程序")
    return profile.recall.value


def recall_motion_check(
    profile: Profile, *, signers: int, of: int, by_representatives: bool = False
) -> Verdict:
    """Whether a recall motion has enough names: "五分之一以上有选举权的村民或者三分之一以上的村民代表
    联名" (村民委员会组织法(2025) 第十九条); residents: 1/10 of voters or household representatives,
    or 1/3 of residents' representatives (城市居民委员会组织法(2025) 第二十条). "以上" includes the
    number itself.

    >>> from datetime import date
    >>> from huanjie.rules.profiles import effective_profile
    >>> p = effective_profile("residents", "", date(2026, 5, 10))
    >>> recall_motion_check(p, signers=100, of=1000).ok
    True
    >>> recall_motion_check(p, signers=19, of=60, by_representatives=True).messages
    ('罢免要求须有三分之一以上联名，现为19/60',)
    """
    rule = _recall(profile)
    share = rule.motion_representatives if by_representatives else rule.motion_voters
    if share.met(signers, of):
        return Verdict()
    # Share.describe() says "不少于三分之一" for 1/3; a motion says "三分之一以上" (the same).
    words = share.describe().replace("不少于三分之一", "三分之一以上")
    return verdict(
        [problem("motion_short", profile.recall, share=words, signers=signers, whole=of)]
    )


@dataclass(frozen=True)
class RecallResult:
    """A recall vote: `valid` when enough voted; `recalled` when it also passed."""

    valid: bool
    recalled: bool
    reasons: tuple[str, ...] = ()


def recall_vote(profile: Profile, *, electorate: int, voted: int, yes: int) -> RecallResult:
    """The result of a recall vote: "登记参加选举的村民过半数投票，并须经投票的村民过半数通过"
    (村民委员会组织法(2025) 第十九条); residents vote in their election's mode (城市居民委员会组织法(2025)
    第二十条), so representatives need more than two thirds to take part.

    >>> from datetime import date
    >>> from huanjie.rules.profiles import effective_profile
    >>> p = effective_profile("villagers", "", date(2026, 5, 10))
    >>> recall_vote(p, electorate=1000, voted=500, yes=400)
    RecallResult(valid=False, recalled=False, reasons=('turnout_not_over_half',))
    >>> recall_vote(p, electorate=1000, voted=600, yes=300)
    RecallResult(valid=True, recalled=False, reasons=('not_approved',))
    """
    rule = _recall(profile)
    if not rule.turnout.met(voted, electorate):
        return RecallResult(False, False, (profile.turnout_reason,))
    if not rule.approval.met(yes, voted):
        return RecallResult(True, False, ("not_approved",))
    return RecallResult(True, True)
