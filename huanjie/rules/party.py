"""The Party members' meeting: who counts in the expected attendance, and its quorum
(RULES.md P1, P8, P8b).

>>> party_quorum(50, 40).met, party_quorum(50, 41).met
(False, True)
>>> party_quorum(50, 40, [Exclusion("abroad"), Exclusion("bedridden")]).met
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from huanjie.rules.arith import FOUR_FIFTHS
from huanjie.rules.errors import RulesError
from huanjie.rules.profiles import EXCLUSION_LABELS, ORG_DEPT, PARTY, Article, Rule
from huanjie.rules.verdict import Problem, problem

# 中国共产党基层组织选举工作条例 第五条: rights are suspended for a member "被依法留置、逮捕", so no
# approval is needed to leave them out.
_WITHOUT_APPROVAL = ("detained",)


@dataclass(frozen=True)
class Exclusion:
    """A full member left out of the expected attendance (应到会人数), for one of the reasons of
    the 中组部 rule (RULES.md P8b), with the higher organisation's approval and the members'
    meeting's agreement."""

    reason: str  # a key of EXCLUSION_LABELS
    approved: bool = True


@dataclass(frozen=True)
class Quorum:
    """The members' meeting's attendance: valid when `met`."""

    members: int  # full members with voting rights (预备党员 and 留党察看 not included)
    excluded: int
    expected: int  # 应到会
    present: int  # 实到会 with voting rights
    needed: int  # the least attendance that makes the meeting valid
    met: bool
    problems: tuple[Problem, ...] = ()


def party_quorum(members: int, present: int, exclusions: Sequence[Exclusion] = ()) -> Quorum:
    """The quorum of a members' meeting: "有选举权的到会人数超过应到会人数的五分之四，会议有效"
    (中国共产党基层组织选举工作条例 第二十六条), strictly more than 4/5: `5 * present > 4 * expected`.

    An exclusion without approval is refused and the member stays expected.

    >>> q = party_quorum(50, 40, [Exclusion("away", approved=False)])
    >>> q.expected, q.needed, q.met
    (50, 41, False)
    >>> q.problems[0].message
    '“工作调动、下派、外出学习或者工作半年以上，组织关系未转走”的党员不计入应到会人数，须经上级党组织同意并经党员大会通过'
    """
    if members < 0 or present < 0:
        raise RulesError("党员人数不能为负数")
    exclusions_rule: Rule[object] = Rule(None, (Article(ORG_DEPT), Article(PARTY, 5)))
    excluded = 0
    found: list[Problem] = []
    for exclusion in exclusions:
        if exclusion.reason not in EXCLUSION_LABELS:
            raise RulesError(f"不计入应到会人数的理由“{exclusion.reason}”不在规定之列")
        if exclusion.approved or exclusion.reason in _WITHOUT_APPROVAL:
            excluded += 1
        else:
            found.append(
                problem(
                    "exclusion_not_approved",
                    exclusions_rule,
                    reason=EXCLUSION_LABELS[exclusion.reason],
                )
            )
    expected = max(0, members - excluded)
    return Quorum(
        members,
        excluded,
        expected,
        present,
        FOUR_FIFTHS.smallest(expected),
        # 中国共产党基层组织选举工作条例 第二十六条: "超过应到会人数的五分之四".
        FOUR_FIFTHS.met(present, expected),
        tuple(found),
    )
