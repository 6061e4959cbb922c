"""The answer of a rule check: ok, or the problems found, each with its Chinese message and the
article it comes from.

>>> v = Verdict((Problem("proxy_candidate", "候选人不得接受委托投票", "村民委员会组织法(2025) 第十八条"),))
>>> v.ok, v.codes, v.messages
(False, ('proxy_candidate',), ('候选人不得接受委托投票',))
>>> Verdict().ok
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from huanjie.rules.messages import PROBLEMS
from huanjie.rules.profiles import Rule


@dataclass(frozen=True)
class Problem:
    """One thing the law does not allow: a code, the Chinese message, and the article."""

    code: str
    message: str
    article: str


@dataclass(frozen=True)
class Verdict:
    """A rule check's answer: `ok` when `problems` is empty."""

    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(p.code for p in self.problems)

    @property
    def messages(self) -> tuple[str, ...]:
        return tuple(p.message for p in self.problems)


def problem(code: str, rule: Rule[object] | None = None, **params: object) -> Problem:
    """A `Problem` with the message of `code` and the articles of `rule`.

    >>> problem("proxy_redelegated").message
    '受委托人不得再委托他人'
    """
    article = "、".join(rule.cite()) if rule is not None else ""
    return Problem(code, PROBLEMS[code].format(**params), article)


def verdict(problems: Iterable[Problem]) -> Verdict:
    """A `Verdict` from the problems found (none: ok).

    >>> verdict([]).ok
    True
    """
    return Verdict(tuple(problems))
