"""The ballot screen's keyboard syntax (唱票录入): one typed line → one ballot, against the
ballot's layout (its posts in the printed order, their numbered candidates). Pure functions,
no database: the entry services (`polls.services.entry`) call them.

One line per ballot. The posts' blocks in the ballot's order, separated by "/"; in a block the
candidates' printed numbers ("1 3 5", or "135" where a post has fewer than ten candidates),
their initials ("wf"), or "+name" for a write-in (另选他人). "x1" (or "*1", "01") is an invalid
ballot with its reason's number (INVALID_REASONS); "-" or an empty line a blank ballot (弃权,
valid). "#17 1/2 4" retypes ballot 17; "#-" takes back the last ballot.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

# Invalid ballots and their reasons, by the number a counter types after "x". The village
# election committee's published rule for invalid ballots (WORKFLOW.md §3.2 rule 15): a blank
# ballot is a valid abstention and a write-in is lawful, so neither is here.
INVALID_REASONS: Final[dict[str, str]] = {
    "1": "无法辨认",
    "2": "所选人数多于应选人数",
    "3": "选票涂改、撕毁",
    "4": "非统一印制的选票",
    "5": "代写人员违规填写",
    "6": "其他经选举委员会认定",
}
MAX_NAME: Final = 20


@dataclass(frozen=True)
class Printed:
    position: int
    name: str
    initials: str


@dataclass(frozen=True)
class PostLayout:
    post: str
    label: str
    seats: int
    candidates: tuple[Printed, ...]

    def by_position(self, position: int) -> Printed | None:
        for c in self.candidates:
            if c.position == position:
                return c
        return None

    def order(self, name: str) -> tuple[int, int, str]:
        """Printed candidates in their order, then write-ins by name."""
        for c in self.candidates:
            if c.name == name:
                return (0, c.position, "")
        return (1, 0, name)


@dataclass(frozen=True)
class Layout:
    posts: tuple[PostLayout, ...]

    def post(self, code: str) -> PostLayout | None:
        for p in self.posts:
            if p.post == code:
                return p
        return None

    @property
    def codes(self) -> list[str]:
        return [p.post for p in self.posts]


class BallotSyntaxError(ValueError):
    """A typed line that names no ballot; the message says why, in Chinese."""


@dataclass(frozen=True)
class Parsed:
    """One ballot as typed: per post the names marked, or invalid with its reason's label."""

    picks: dict[str, list[str]] = field(default_factory=dict)
    invalid: bool = False
    reason: str = ""

    @property
    def blank(self) -> bool:
        return not self.invalid and not any(self.picks.values())


@dataclass(frozen=True)
class Command:
    """A typed line: a ballot ("enter"), a retyped ballot ("correct", with its seq), or taking
    back the last ballot ("undo")."""

    kind: str
    ballot: Parsed | None = None
    seq: int | None = None


_SEPARATORS = re.compile(r"[\s,，、;；]+")

_INVALID = re.compile(r"^(?:[xX*]\s*|0)(\d*)$")

_CORRECT = re.compile(r"^#\s*(\d+)(?:\s+(.*))?$", re.S)


def normal(text: str) -> str:
    # Full-width digits, letters, "／" and "＋" from a Chinese input method are the same keys.
    return unicodedata.normalize("NFKC", text or "").strip()


def reason_codes() -> str:
    return "；".join(f"x{code} {label}" for code, label in INVALID_REASONS.items())


def parse_command(text: str, layout: Layout) -> Command:
    """A line typed on the ballot screen.

    >>> layout = Layout((PostLayout("director", "主任", 1, (Printed(1, "张伟", "zw"),)),))
    >>> parse_command("#3 1", layout)
    Command(kind='correct', ballot=Parsed(picks={'director': ['张伟']}, invalid=False, reason=''), seq=3)
    >>> parse_command("#-", layout).kind
    'undo'
    """
    line = normal(text)
    if line in ("#-", "#－"):
        return Command("undo")
    if line.startswith("#"):
        m = _CORRECT.match(line)
        if not m:
            raise BallotSyntaxError("更正请输入“#序号 内容”，如“#17 1/2 4 5”；撤销上一张请输入“#-”")
        return Command("correct", parse_ballot(m.group(2) or "", layout), int(m.group(1)))
    return Command("enter", parse_ballot(line, layout))


def parse_ballot(text: str, layout: Layout) -> Parsed:
    """One ballot in the keyboard syntax (module docstring) against the poll's layout.

    >>> layout = Layout((
    ...     PostLayout("director", "主任", 1, (Printed(1, "张伟", "zw"), Printed(2, "李强", "lq"))),
    ...     PostLayout("member", "委员", 3, tuple(
    ...         Printed(i, n, "") for i, n in enumerate(["王芳", "刘洋", "陈静"], 1))),
    ... ))
    >>> parse_ballot("1/2 3 +赵六", layout).picks
    {'director': ['张伟'], 'member': ['刘洋', '陈静', '赵六']}
    >>> parse_ballot("lq/13", layout).picks
    {'director': ['李强'], 'member': ['王芳', '陈静']}
    >>> parse_ballot("x2", layout)
    Parsed(picks={}, invalid=True, reason='所选人数多于应选人数')
    >>> parse_ballot("", layout).blank
    True
    """
    line = normal(text)
    if line in ("", "-", "－"):
        return Parsed()
    m = _INVALID.match(line)
    if m:
        code = m.group(1)
        if code not in INVALID_REASONS:
            raise BallotSyntaxError("无效票请输入 x 加原因编号：" + reason_codes())
        return Parsed(invalid=True, reason=INVALID_REASONS[code])
    blocks = line.split("/")
    if len(blocks) != len(layout.posts):
        labels = "/".join(p.label for p in layout.posts)
        raise BallotSyntaxError(
            f"本选票有{len(layout.posts)}个职位（{labels}），请用“/”分隔，"
            "未选的职位留空，如“1/2 4 5”或“/2 4 5”"
        )
    picks: dict[str, list[str]] = {}
    for post, block in zip(layout.posts, blocks, strict=True):
        names = _parse_block(post, block)
        if names:
            picks[post.post] = names
    return Parsed(picks=picks)


def _parse_block(post: PostLayout, block: str) -> list[str]:
    names: list[str] = []
    for token in _SEPARATORS.split(block.strip()):
        if not token:
            continue
        for name in _names_of(post, token):
            if name in names:
                raise BallotSyntaxError(f"{post.label}重复选了{name}")
            names.append(name)
    return sorted(names, key=post.order)


def _names_of(post: PostLayout, token: str) -> list[str]:
    if token.startswith("+"):
        name = token[1:].strip()
        if not name or len(name) > MAX_NAME:
            raise BallotSyntaxError(f"另选他人请输入“+姓名”（{MAX_NAME}字以内）")
        return [name]
    if token.isdigit():
        # "135" is 1, 3 and 5 where every number has one digit.
        numbers = [int(d) for d in token] if len(post.candidates) < 10 else [int(token)]
        names = []
        for n in numbers:
            printed = post.by_position(n)
            if printed is None:
                raise BallotSyntaxError(f"{post.label}没有第{n}号候选人")
            names.append(printed.name)
        return names
    if token.isascii() and token.isalpha():
        found = [c for c in post.candidates if c.initials and c.initials == token.lower()]
        if len(found) == 1:
            return [found[0].name]
        if found:
            raise BallotSyntaxError(f"简拼“{token}”对应{post.label}的多名候选人，请用编号")
        raise BallotSyntaxError(f"{post.label}没有简拼为“{token}”的候选人")
    if any(c.name == token for c in post.candidates):
        return [token]
    raise BallotSyntaxError(f"“{token}”不是{post.label}的候选人；另选他人请输入“+{token}”")


def ballot_words(picks: Mapping[str, list[str]], invalid: bool, reason: str, layout: Layout) -> str:
    """The ballot read back to the counter: "主任：张伟；委员：王芳、刘洋、赵六（另选）"."""
    if invalid:
        return f"无效票（{reason}）" if reason else "无效票"
    parts = []
    for post in layout.posts:
        names = picks.get(post.post) or []
        if not names:
            continue
        printed = {c.name for c in post.candidates}
        shown = "、".join(n if n in printed else f"{n}（另选）" for n in names)
        over = f"（多于应选{post.seats}名）" if len(names) > post.seats else ""
        parts.append(f"{post.label}：{shown}{over}")
    return "；".join(parts) if parts else "弃权票（未选任何人）"
