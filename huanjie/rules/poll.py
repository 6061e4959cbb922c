"""One poll in and its result out: the dataclasses of TALLY_FORMAT.md and their JSON form.

`poll_from_json` checks the shape and types of a poll file and raises `PollFileError` naming the
field as written; the rules themselves (posts the body has, seats the law allows, names on
ballots) are checked by `huanjie.rules.tally.tally`, so the Python API gets the same errors.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from huanjie.rules.errors import PollFileError
from huanjie.rules.messages import POLL_FILE

POLL_KINDS = ("first", "supplementary", "runoff")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
SEXES = ("M", "F")


@dataclass(frozen=True)
class PostSeats:
    """A post voted on in this poll and its seats."""

    post: str
    seats: int


@dataclass(frozen=True)
class Person:
    """Someone who may appear on a ballot as a write-in (另选他人)."""

    name: str
    sex: str  # "M" or "F"


@dataclass(frozen=True)
class Candidate:
    """Someone printed on the ballot for a post, or (in `elected_before`) already elected to it."""

    name: str
    sex: str
    post: str


@dataclass(frozen=True)
class Ballot:
    """One returned ballot, repeated `n` times: per post, the names voted for."""

    picks: tuple[tuple[str, tuple[str, ...]], ...] = ()
    n: int = 1
    invalid: bool = False  # spoiled or unreadable

    @classmethod
    def of(cls, picks: Mapping[str, Sequence[str]], n: int = 1) -> Ballot:
        """A ballot from a mapping of post → names.

        >>> Ballot.of({"director": ["张伟"], "member": ["王芳", "刘洋"]}, n=3)
        Ballot(picks=(('director', ('张伟',)), ('member', ('王芳', '刘洋'))), n=3, invalid=False)
        """
        return cls(tuple((post, tuple(names)) for post, names in picks.items()), n)

    @classmethod
    def spoiled(cls, n: int = 1) -> Ballot:
        """`n` ballots that cannot be read or were spoiled.

        >>> Ballot.spoiled(5)
        Ballot(picks=(), n=5, invalid=True)
        """
        return cls((), n, True)

    def names(self, post: str) -> tuple[str, ...]:
        """The names voted for `post` on this ballot.

        >>> Ballot.of({"member": ["王芳", "刘洋"]}).names("member"), Ballot.spoiled().names("member")
        (('王芳', '刘洋'), ())
        """
        for name, names in self.picks:
            if name == post:
                return names
        return ()


@dataclass(frozen=True)
class Box:
    """A mobile ballot box (流动票箱): `listed` voters were published for it."""

    box: str
    listed: int
    ballots: tuple[Ballot, ...] = ()


@dataclass(frozen=True)
class Poll:
    """One act of voting, as in TALLY_FORMAT.md."""

    body: str
    election_date: date
    posts: tuple[PostSeats, ...]
    electorate: int
    voted: int
    ballots_issued: int
    ballots: tuple[Ballot, ...] = ()
    poll: str = "first"
    province: str = ""
    mode: str | None = None
    candidates: tuple[Candidate, ...] = ()
    elected_before: tuple[Candidate, ...] = ()
    people: tuple[Person, ...] = ()
    boxes: tuple[Box, ...] = ()


@dataclass(frozen=True)
class BallotCount:
    """Returned ballots, of which valid (partly valid ones included) and invalid."""

    returned: int
    valid: int
    invalid: int


@dataclass(frozen=True)
class PostResult:
    """One post's count: `threshold` is the smallest vote count that can win it in this poll."""

    post: str
    seats: int
    threshold: int
    votes: tuple[tuple[str, int], ...]  # by votes, most first
    elected: tuple[str, ...]  # by votes, most first
    open: int

    def votes_for(self, name: str) -> int:
        """The votes `name` received for this post (after any transfer).

        >>> PostResult("member", 1, 2, (("甲", 3),), ("甲",), 0).votes_for("乙")
        0
        """
        return dict(self.votes).get(name, 0)


@dataclass(frozen=True)
class NextPoll:
    """What the law says happens next for some seats of a post."""

    poll: str  # "first" (the void poll again), "supplementary" or "runoff"
    post: str
    seats: int
    candidates: tuple[str, ...]
    women_only: bool = False


@dataclass(frozen=True)
class TallyResult:
    """The result of one poll, as in TALLY_FORMAT.md."""

    valid: bool
    reasons: tuple[str, ...]
    rules: tuple[str, ...]
    ballots: BallotCount
    posts: tuple[PostResult, ...]
    elected: tuple[str, ...]
    next: tuple[NextPoll, ...] = field(default=())

    def post(self, name: str) -> PostResult:
        """The result for one post; KeyError if it was not voted on.

        >>> member = PostResult("member", 1, 2, (("甲", 3),), ("甲",), 0)
        >>> TallyResult(True, (), (), BallotCount(3, 3, 0), (member,), ("甲",)).post("member").elected
        ('甲',)
        """
        for result in self.posts:
            if result.post == name:
                return result
        raise KeyError(name)

    def to_json(self) -> dict[str, Any]:
        """The result in the JSON shape of TALLY_FORMAT.md.

        >>> member = PostResult("member", 1, 2, (("甲", 3),), ("甲",), 0)
        >>> TallyResult(True, (), ("第十八条",), BallotCount(3, 3, 0), (member,), ("甲",)).to_json()
        ... # doctest: +NORMALIZE_WHITESPACE
        {'valid': True, 'reasons': [], 'rules': ['第十八条'],
         'ballots': {'returned': 3, 'valid': 3, 'invalid': 0},
         'posts': [{'post': 'member', 'seats': 1, 'threshold': 2, 'votes': {'甲': 3},
                    'elected': ['甲'], 'open': 0}],
         'elected': ['甲'], 'next': []}
        """
        return {
            "valid": self.valid,
            "reasons": list(self.reasons),
            "rules": list(self.rules),
            "ballots": {
                "returned": self.ballots.returned,
                "valid": self.ballots.valid,
                "invalid": self.ballots.invalid,
            },
            "posts": [
                {
                    "post": p.post,
                    "seats": p.seats,
                    "threshold": p.threshold,
                    "votes": dict(p.votes),
                    "elected": list(p.elected),
                    "open": p.open,
                }
                for p in self.posts
            ],
            "elected": list(self.elected),
            "next": [
                {
                    "poll": n.poll,
                    "post": n.post,
                    "seats": n.seats,
                    "candidates": list(n.candidates),
                    "women_only": n.women_only,
                }
                for n in self.next
            ],
        }


# ---------------------------------------------------------------------------------------------
# Reading a poll file.

_TOP_FIELDS = {
    "body",
    "province",
    "election_date",
    "mode",
    "poll",
    "posts",
    "candidates",
    "elected_before",
    "people",
    "electorate",
    "voted",
    "ballots_issued",
    "ballots",
    "boxes",
}


def _fail(where: str, key: str, **params: object) -> PollFileError:
    return PollFileError(where, POLL_FILE[key].format(**params))


def _object(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise _fail(where, "not_object")
    return value


def _list(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise _fail(where, "not_list")
    return value


def _required(obj: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in obj:
        raise _fail(where, "missing")
    return obj[key]


def _str(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise _fail(where, "not_string")
    return value


def _int(value: object, where: str) -> int:
    # JSON true/false are not numbers, although Python's bool is an int.
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(where, "not_int")
    if value < 0:
        raise _fail(where, "negative")
    return value


def _known(obj: Mapping[str, Any], allowed: set[str] | frozenset[str], where: str) -> None:
    for key in obj:
        if key not in allowed:
            raise _fail(f"{where}.{key}" if where else key, "unknown_field")


def _name(value: object, where: str) -> str:
    name = _str(value, where).strip()
    if not name:
        raise _fail(where, "empty_name")
    return name


def _sex(value: object, where: str) -> str:
    sex = _str(value, where)
    if sex not in SEXES:
        raise _fail(where, "bad_sex")
    return sex


def _people(data: Mapping[str, Any], key: str, with_post: bool) -> tuple[Any, ...]:
    if key not in data:
        return ()
    out: list[Any] = []
    for i, item in enumerate(_list(data[key], key)):
        where = f"{key}[{i}]"
        obj = _object(item, where)
        _known(obj, {"name", "sex", "post"} if with_post else {"name", "sex"}, where)
        name = _name(_required(obj, "name", f"{where}.name"), f"{where}.name")
        sex = _sex(_required(obj, "sex", f"{where}.sex"), f"{where}.sex")
        if with_post:
            post = _str(_required(obj, "post", f"{where}.post"), f"{where}.post")
            out.append(Candidate(name, sex, post))
        else:
            out.append(Person(name, sex))
    return tuple(out)


def _ballot(obj: Mapping[str, Any], at: str) -> Ballot:
    invalid = obj.get("invalid", False)
    if not isinstance(invalid, bool):
        raise _fail(f"{at}.invalid", "not_bool")
    picks: list[tuple[str, tuple[str, ...]]] = []
    for key, names in obj.items():
        if key in ("n", "invalid"):
            continue
        names_at = f"{at}.{key}"
        picks.append(
            (
                key,
                tuple(
                    _name(name, f"{names_at}[{j}]") for j, name in enumerate(_list(names, names_at))
                ),
            )
        )
    if invalid and any(names for _, names in picks):
        raise _fail(f"{at}.invalid", "invalid_with_names")
    return Ballot(tuple(picks), 1, invalid)


def _ballots(value: object, where: str) -> tuple[Ballot, ...]:
    out: list[Ballot] = []
    # A count of thousands of paper ballots repeats the same few hundred choices: each distinct
    # ballot is checked once and shared (its errors would be found at its first occurrence).
    seen: dict[object, Ballot] = {}
    for i, item in enumerate(_list(value, where)):
        at = f"{where}[{i}]"
        obj = _object(item, at)
        n = _int(obj["n"], f"{at}.n") if "n" in obj else 1
        if n < 1:
            raise _fail(f"{at}.n", "at_least_one")
        try:
            key: object = tuple(
                (k, tuple(v) if isinstance(v, list) else v) for k, v in obj.items() if k != "n"
            )
            ballot = seen.get(key)
        except TypeError:  # something unhashable: let the full check name it
            key, ballot = None, None
        if ballot is None:
            ballot = _ballot(obj, at)
            if key is not None:
                seen[key] = ballot
        out.append(ballot if n == 1 else Ballot(ballot.picks, n, ballot.invalid))
    return tuple(out)


def poll_from_json(data: object) -> Poll:
    """A `Poll` from the parsed JSON of a poll file. Raises `PollFileError` on a missing,
    unknown or mistyped field, naming it as written.

    >>> poll = poll_from_json({
    ...     "body": "villagers", "election_date": "2026-05-10", "poll": "first",
    ...     "posts": [{"post": "member", "seats": 3}], "electorate": 10, "voted": 6,
    ...     "ballots_issued": 6, "ballots": [{"n": 6, "member": ["甲", "乙"]}]})
    >>> poll.ballots[0]
    Ballot(picks=(('member', ('甲', '乙')),), n=6, invalid=False)
    >>> poll_from_json({"body": "villagers"})
    Traceback (most recent call last):
    ...
    huanjie.rules.errors.PollFileError: election_date：缺少此字段
    """
    if not isinstance(data, dict):
        raise _fail("", "root_not_object")
    obj: Mapping[str, Any] = data
    _known(obj, _TOP_FIELDS, "")
    body = _str(_required(obj, "body", "body"), "body")
    province = "" if obj.get("province") is None else _str(obj["province"], "province")
    raw_date = _str(_required(obj, "election_date", "election_date"), "election_date")
    if not _ISO_DATE.fullmatch(raw_date):
        raise _fail("election_date", "bad_date")
    try:
        election_date = date.fromisoformat(raw_date)
    except ValueError:
        raise _fail("election_date", "bad_date") from None
    mode = _str(obj["mode"], "mode") if obj.get("mode") is not None else None
    poll = _str(_required(obj, "poll", "poll"), "poll")
    posts: list[PostSeats] = []
    for i, item in enumerate(_list(_required(obj, "posts", "posts"), "posts")):
        where = f"posts[{i}]"
        post = _object(item, where)
        _known(post, {"post", "seats"}, where)
        name = _str(_required(post, "post", f"{where}.post"), f"{where}.post")
        seats = _int(_required(post, "seats", f"{where}.seats"), f"{where}.seats")
        posts.append(PostSeats(name, seats))
    boxes: list[Box] = []
    for i, item in enumerate(_list(obj.get("boxes", []), "boxes")):
        where = f"boxes[{i}]"
        box = _object(item, where)
        _known(box, {"box", "listed", "ballots"}, where)
        boxes.append(
            Box(
                _name(_required(box, "box", f"{where}.box"), f"{where}.box"),
                _int(_required(box, "listed", f"{where}.listed"), f"{where}.listed"),
                _ballots(_required(box, "ballots", f"{where}.ballots"), f"{where}.ballots"),
            )
        )
    return Poll(
        body=body,
        province=province,
        election_date=election_date,
        mode=mode,
        poll=poll,
        posts=tuple(posts),
        candidates=_people(obj, "candidates", with_post=True),
        elected_before=_people(obj, "elected_before", with_post=True),
        people=_people(obj, "people", with_post=False),
        electorate=_int(_required(obj, "electorate", "electorate"), "electorate"),
        voted=_int(_required(obj, "voted", "voted"), "voted"),
        ballots_issued=_int(_required(obj, "ballots_issued", "ballots_issued"), "ballots_issued"),
        ballots=_ballots(_required(obj, "ballots", "ballots"), "ballots"),
        boxes=tuple(boxes),
    )
