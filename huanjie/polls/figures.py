"""A count's figures (CountSheet.agreed, SheetEntry.figures) — the contract between the entry
and the closing — and the comparison of two entries. Pure functions, no database.

    {"returned": n, "valid": n, "invalid": n, "blank": n, "spoiled": n, "replaced": n,
     "invalid_reasons": {reason: n}, "votes": {post: {name: n}},
     "ballots": [{"n": k, post: [names]}, {"n": k, "invalid": true}]}   # ballot by ballot only

Only their shape is checked (`clean_figures`); the numbered checks (returned ≤ issued, …) are
the closing's. Two entries are compared on flat fields (`flatten`: "returned",
"votes.member.王芳", "invalid_reasons.无法辨认"); ballots read one by one are compared one by one,
aligned (`align`) so that a ballot one counter missed shows as that ballot alone.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from django.core.exceptions import ValidationError

from huanjie.polls.keyboard import INVALID_REASONS, MAX_NAME, Layout, PostLayout, normal

MSG_NUMBER = "请填写非负整数"
MSG_REQUIRED = "请填写"
MSG_UNKNOWN_FIELD = "没有这一项"
MSG_UNKNOWN_POST = "本次投票没有“{post}”职位"
MSG_NAME = "姓名应为1至20个字"
MSG_NAME_TWICE = "“{name}”重复填写"
MSG_FIGURES = "计票结果格式不正确"

HEADER: Final[dict[str, str]] = {
    "returned": "收回选票数",
    "valid": "有效票数",
    "invalid": "无效票数",
    "blank": "弃权票数（空白有效票）",
    "spoiled": "写错作废的选票数",
    "replaced": "换发的选票数",
}
# What the desk counts beside the ballots when the count is read ballot by ballot.
DESK_FIELDS: Final = ("spoiled", "replaced")
MAX_NUMBER: Final = 1_000_000


def count_of(value: Any, key: str, errors: dict[str, str]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_NUMBER:
        errors[key] = MSG_REQUIRED if value is None else MSG_NUMBER
        return 0
    return value


def name_of(value: Any) -> str | None:
    name = normal(value) if isinstance(value, str) else ""
    return name if 0 < len(name) <= MAX_NAME else None


def clean_figures(figures: Mapping[str, Any], layout: Layout) -> dict[str, Any]:
    """A sheet's figures in their one shape, or a ValidationError per field (flat keys): the
    six counts, the invalid ballots by reason, per post every printed candidate and the
    write-ins (names trimmed; a write-in with no votes is dropped)."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for key in figures:
        if key not in (*HEADER, "invalid_reasons", "votes"):
            errors[str(key)] = MSG_UNKNOWN_FIELD
    for key in HEADER:
        out[key] = count_of(figures.get(key), key, errors)
    reasons = figures.get("invalid_reasons") or {}
    out["invalid_reasons"] = {}
    if not isinstance(reasons, Mapping):
        errors["invalid_reasons"] = MSG_FIGURES
        reasons = {}
    for raw, n in reasons.items():
        name = name_of(raw)
        key = f"invalid_reasons.{raw}"
        if name is None or len(name) > 50:
            errors[key] = MSG_NAME
            continue
        if name in out["invalid_reasons"]:
            errors[key] = MSG_NAME_TWICE.format(name=name)
        value = count_of(n, key, errors)
        if value:
            out["invalid_reasons"][name] = value
    votes = figures.get("votes")
    if not isinstance(votes, Mapping):
        errors["votes"] = MSG_FIGURES
        votes = {}
    out["votes"] = {}
    for post in votes:
        if layout.post(str(post)) is None:
            errors[f"votes.{post}"] = MSG_UNKNOWN_POST.format(post=post)
    for post in layout.posts:
        by_name = votes.get(post.post, {})
        if not isinstance(by_name, Mapping):
            errors[f"votes.{post.post}"] = MSG_FIGURES
            by_name = {}
        out["votes"][post.post] = _clean_votes(post, by_name, errors)
    if errors:
        raise ValidationError(errors)
    return out


def _clean_votes(post: PostLayout, by_name: Mapping[str, Any], errors: dict[str, str]) -> dict:
    printed = [c.name for c in post.candidates]
    clean: dict[str, int] = {}
    for raw, n in by_name.items():
        key = f"votes.{post.post}.{raw}"
        name = name_of(raw)
        if name is None:
            errors[key] = MSG_NAME
            continue
        if name in clean:
            errors[f"votes.{post.post}.{name}"] = MSG_NAME_TWICE.format(name=name)
            continue
        clean[name] = count_of(n, f"votes.{post.post}.{name}", errors)
    for name in printed:
        if name not in clean:
            errors[f"votes.{post.post}.{name}"] = MSG_REQUIRED
    ordered = sorted(clean, key=post.order)
    return {n: clean[n] for n in ordered if n in printed or clean[n]}


def ballot_figures(
    rows: Iterable[tuple[dict[str, Any], bool, str]], layout: Layout, desk: Mapping[str, int]
) -> dict[str, Any]:
    """The figures of ballots read one by one ((picks, invalid, reason) each): returned = the
    ballots, blank = valid ones marking nobody, votes per printed candidate (0 included) and
    write-in, `ballots` the identical ballots aggregated (the engine's input)."""
    returned = invalid = blank = 0
    reasons: Counter[str] = Counter()
    votes: dict[str, Counter[str]] = {p.post: Counter() for p in layout.posts}
    same: Counter[tuple[bool, tuple[tuple[str, tuple[str, ...]], ...]]] = Counter()
    for picks, is_invalid, reason in rows:
        returned += 1
        if is_invalid:
            invalid += 1
            reasons[reason or INVALID_REASONS["6"]] += 1
            same[(True, ())] += 1
            continue
        marked = tuple((p, tuple(picks[p])) for p in layout.codes if picks.get(p))
        if not marked:
            blank += 1
        for code, names in marked:
            votes[code].update(names)
        same[(False, marked)] += 1
    out_votes: dict[str, dict[str, int]] = {}
    for post in layout.posts:
        counted = votes[post.post]
        everyone = sorted({c.name for c in post.candidates} | set(counted), key=post.order)
        out_votes[post.post] = {n: counted.get(n, 0) for n in everyone}
    ballots: list[dict[str, Any]] = [
        {"n": n, "invalid": True} if is_invalid else {"n": n, **{p: list(ns) for p, ns in marked}}
        for (is_invalid, marked), n in same.items()
    ]
    return {
        "returned": returned,
        "valid": returned - invalid,
        "invalid": invalid,
        "blank": blank,
        "spoiled": int(desk.get("spoiled", 0)),
        "replaced": int(desk.get("replaced", 0)),
        "invalid_reasons": dict(reasons),
        "votes": out_votes,
        "ballots": ballots,
    }


def digest(figures: Mapping[str, Any]) -> str:
    """SHA-256 of figures in canonical JSON: the audit event pins what was entered."""
    text = json.dumps(figures, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def flatten(figures: Mapping[str, Any]) -> dict[str, Any]:
    """Figures as flat fields: "returned", "invalid_reasons.无法辨认", "votes.member.王芳"
    (`ballots` left out: ballots are compared one by one).

    >>> flatten({"returned": 3, "votes": {"member": {"王芳": 2}}, "invalid_reasons": {}})
    {'returned': 3, 'votes.member.王芳': 2}
    """
    flat: dict[str, Any] = {}
    for key, value in figures.items():
        if key == "ballots":
            continue
        if key == "invalid_reasons" and isinstance(value, Mapping):
            for reason, n in value.items():
                flat[f"invalid_reasons.{reason}"] = n
        elif key == "votes" and isinstance(value, Mapping):
            for post, by_name in value.items():
                for name, n in (by_name or {}).items():
                    flat[f"votes.{post}.{name}"] = n
        else:
            flat[key] = value
    return flat


def unflatten(flat: Mapping[str, Any]) -> dict[str, Any]:
    """The inverse of `flatten` (a name may hold dots: the post never does)."""
    out: dict[str, Any] = {"invalid_reasons": {}, "votes": {}}
    for key, value in flat.items():
        if key.startswith("invalid_reasons."):
            out["invalid_reasons"][key.split(".", 1)[1]] = value
        elif key.startswith("votes."):
            _, post, name = key.split(".", 2)
            out["votes"].setdefault(post, {})[name] = value
        else:
            out[key] = value
    return out


@dataclass(frozen=True)
class Difference:
    """One field on which the two entries differ. `first`/`second`: the values (a ballot's
    content; None where that entry has no such field or ballot). `derived`: a total of a
    sheet read ballot by ballot, which follows from the decisions on its ballots."""

    field: str
    label: str
    first: Any
    second: Any
    derived: bool = False
    seqs: tuple[int | None, int | None] = (None, None)

    @property
    def paired(self) -> bool:
        return self.first is not None and self.second is not None


def field_label(key: str, layout: Layout) -> str:
    if key in HEADER:
        return HEADER[key]
    if key.startswith("invalid_reasons."):
        return f"无效原因·{key.split('.', 1)[1]}"
    if key.startswith("votes."):
        _, code, name = key.split(".", 2)
        post = layout.post(code)
        label = post.label if post else code
        printed = post is not None and any(c.name == name for c in post.candidates)
        return f"{label}·{name}" if printed else f"{label}·{name}（另选）"
    if key.startswith("ballot.second."):
        return f"第二次录入的第{key.rsplit('.', 1)[1]}张选票（第一次录入没有）"
    if key.startswith("ballot."):
        return f"第{key.split('.', 1)[1]}张选票"
    return key


def compare_flat(
    a: Mapping[str, Any], b: Mapping[str, Any], layout: Layout, derived: bool
) -> list[Difference]:
    out = []
    for key in ordered_keys(set(a) | set(b), layout):
        # A write-in or a reason an entry does not have is a zero.
        zero = 0 if key.startswith(("votes.", "invalid_reasons.")) else None
        va, vb = a.get(key, zero), b.get(key, zero)
        if va != vb:
            out.append(Difference(key, field_label(key, layout), va, vb, derived))
    return out


def ordered_keys(keys: set[str], layout: Layout) -> list[str]:
    header = list(HEADER)

    def rank(key: str) -> tuple[Any, ...]:
        if key in HEADER:
            return (0, header.index(key))
        if key.startswith("invalid_reasons."):
            return (1, key)
        if key.startswith("votes."):
            _, code, name = key.split(".", 2)
            post = layout.post(code)
            at = layout.codes.index(code) if post else 99
            return (2, at, *(post.order(name) if post else (1, 0, name)))
        return (3, key)

    return sorted(keys, key=rank)


# Ballots: aligned so that a ballot one counter missed (or typed twice) shows as that one
# ballot, not as every ballot after it. A mismatch is a mistyped ballot when the next ballots
# agree again; else a ballot only one entry has, when skipping it brings them back in step.
_RESYNC = 3
_LOOKAHEAD = 3


def ballot_key(content: Mapping[str, Any]) -> str:
    return json.dumps(content, ensure_ascii=False, sort_keys=True)


def align(
    first: list[tuple[int, Any]], second: list[tuple[int, Any]]
) -> list[tuple[int | None, Any, int | None, Any]]:
    """Pairs (seq1, content1, seq2, content2) of the two readings; None where one reading has no
    such ballot.

    >>> align([(1, "a"), (2, "b"), (3, "c")], [(1, "a"), (2, "c")])
    [(1, 'a', 1, 'a'), (2, 'b', None, None), (3, 'c', 2, 'c')]
    """
    ka = [ballot_key(c) if not isinstance(c, str) else c for _, c in first]
    kb = [ballot_key(c) if not isinstance(c, str) else c for _, c in second]
    out: list[tuple[int | None, Any, int | None, Any]] = []
    i = j = 0

    def agree(i2: int, j2: int) -> bool:
        n = min(_RESYNC, len(ka) - i2, len(kb) - j2)
        if i2 >= len(ka) and j2 >= len(kb):
            return True
        return n > 0 and ka[i2 : i2 + n] == kb[j2 : j2 + n]

    while i < len(ka) and j < len(kb):
        if ka[i] == kb[j] or agree(i + 1, j + 1):
            out.append((first[i][0], first[i][1], second[j][0], second[j][1]))
            i, j = i + 1, j + 1
            continue
        step = None
        for d in range(1, _LOOKAHEAD + 1):
            if agree(i + d, j):
                step = ("first", d)
                break
            if agree(i, j + d):
                step = ("second", d)
                break
        if step is None:
            out.append((first[i][0], first[i][1], second[j][0], second[j][1]))
            i, j = i + 1, j + 1
        elif step[0] == "first":
            out.extend((s, c, None, None) for s, c in first[i : i + step[1]])
            i += step[1]
        else:
            out.extend((None, None, s, c) for s, c in second[j : j + step[1]])
            j += step[1]
    out.extend((s, c, None, None) for s, c in first[i:])
    out.extend((None, None, s, c) for s, c in second[j:])
    return out


def add_figures(into: dict[str, Any], figures: Mapping[str, Any]) -> None:
    """Add one sheet's figures into a box's (counting groups add up)."""
    for key in HEADER:
        into[key] = into.get(key, 0) + int(figures.get(key, 0))
    reasons = into.setdefault("invalid_reasons", {})
    for reason, n in (figures.get("invalid_reasons") or {}).items():
        reasons[reason] = reasons.get(reason, 0) + n
    votes = into.setdefault("votes", {})
    for post, by_name in (figures.get("votes") or {}).items():
        target = votes.setdefault(post, {})
        for name, n in by_name.items():
            target[name] = target.get(name, 0) + n


def merge_ballots(groups: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    same: Counter[str] = Counter()
    shape: dict[str, dict[str, Any]] = {}
    for ballots in groups:
        for b in ballots:
            body = {k: v for k, v in b.items() if k != "n"}
            key = ballot_key(body)
            same[key] += int(b.get("n", 1))
            shape[key] = body
    return [{"n": n, **shape[key]} for key, n in same.items()]
