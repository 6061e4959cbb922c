"""One poll in and its result out: the dataclasses of TALLY_FORMAT.md and their JSON form.

`poll_from_json` checks the shape and types of a poll file and raises `PollFileError` naming the
field as written; the rules themselves (posts the body has, seats the law allows, names on
ballots) are checked by `huanjie.rules.poll_checks` when `huanjie.rules.tally.tally` runs, so the
Python API gets the same errors.
`poll_to_json` is its inverse, for storing a poll as it was counted.
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
# A Party ballot's marks per candidate (RULES.md P7): 赞成, 不赞成, 弃权, and 另选他人.
MARKS = ("yes", "no", "abstain", "write_in")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
SEXES = ("M", "F")


@dataclass(frozen=True)
class PostSeats:
    """A post voted on in this poll and its seats. `women_only`: only women can win these seats
    in this poll (the seat reserved for a woman member, 四川 34, 海南 32)."""

    post: str
    seats: int
    women_only: bool = False


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


Marks = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Ballot:
    """One returned ballot, repeated `n` times: per post, the names voted for.

    A Party ballot may also record, per post, the candidates marked no (`against`, 不赞成) and
    abstain (`abstained`, 弃权), and the people written in (`write_ins`, 另选他人) who get a vote
    as `picks` do: "投不赞成票者可以另选他人" (中国共产党基层组织选举工作条例 第二十五条), so a ballot
    with more write-ins for a post than candidates marked no is invalid. A candidate marked
    neither yes, no nor abstain is counted in none of them."""

    picks: Marks = ()
    n: int = 1
    invalid: bool = False  # spoiled or unreadable
    against: Marks = ()
    abstained: Marks = ()
    write_ins: Marks = ()

    @classmethod
    def of(cls, picks: Mapping[str, Sequence[str]], n: int = 1) -> Ballot:
        """A ballot from a mapping of post → names.

        >>> b = Ballot.of({"director": ["张伟"], "member": ["王芳", "刘洋"]}, n=3)
        >>> b.picks, b.n, b.invalid
        ((('director', ('张伟',)), ('member', ('王芳', '刘洋'))), 3, False)
        """
        return cls(tuple((post, tuple(names)) for post, names in picks.items()), n)

    @classmethod
    def marked(
        cls,
        post: str,
        *,
        yes: Sequence[str] = (),
        no: Sequence[str] = (),
        abstain: Sequence[str] = (),
        write_in: Sequence[str] = (),
        n: int = 1,
    ) -> Ballot:
        """A Party ballot with yes / no / abstain marks for one post's candidates, and write-ins.

        >>> b = Ballot.marked("member", yes=["甲"], no=["乙"], write_in=["丙"], n=2)
        >>> b.votes("member"), b.n
        (('甲', '丙'), 2)
        """

        def one(names: Sequence[str]) -> Marks:
            return ((post, tuple(names)),) if names else ()

        return cls(
            ((post, tuple(yes)),),
            n,
            False,
            against=one(no),
            abstained=one(abstain),
            write_ins=one(write_in),
        )

    @classmethod
    def spoiled(cls, n: int = 1) -> Ballot:
        """`n` ballots that cannot be read or were spoiled.

        >>> Ballot.spoiled(5) == Ballot((), n=5, invalid=True)
        True
        """
        return cls((), n, True)

    def times(self, n: int) -> Ballot:
        """The same ballot, `n` times."""
        return Ballot(self.picks, n, self.invalid, self.against, self.abstained, self.write_ins)

    @property
    def content(self) -> tuple[object, ...]:
        """Everything on the ballot but its number, to group identical ballots."""
        return (self.invalid, self.picks, self.against, self.abstained, self.write_ins)

    def names(self, post: str) -> tuple[str, ...]:
        """The names voted for `post` on this ballot.

        >>> Ballot.of({"member": ["王芳", "刘洋"]}).names("member"), Ballot.spoiled().names("member")
        (('王芳', '刘洋'), ())
        """
        return names_for(self.picks, post)

    def votes(self, post: str) -> tuple[str, ...]:
        """Everyone this ballot votes for on `post`: the names marked and the write-ins."""
        return self.names(post) + names_for(self.write_ins, post)

    @property
    def has_marks(self) -> bool:
        """Whether the ballot records no, abstain or write-in marks (a Party ballot's form)."""
        return bool(self.against or self.abstained or self.write_ins)


def names_for(marks: Marks, post: str) -> tuple[str, ...]:
    """The names `marks` give for `post`."""
    for name, names in marks:
        if name == post:
            return names
    return ()


@dataclass(frozen=True)
class Counted:
    """The totals of a tally sheet (计票结果报告单), for ballots counted on paper rather than
    entered one by one: the valid and invalid ballots as the counters judged them, and per post
    the votes per name (as marked; no transfer between posts)."""

    valid: int
    invalid: int
    votes: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = ()

    @property
    def returned(self) -> int:
        return self.valid + self.invalid

    def for_post(self, post: str) -> tuple[tuple[str, int], ...]:
        """The votes per name for `post`.

        >>> Counted(5, 1, (("member", (("甲", 4),)),)).for_post("member")
        (('甲', 4),)
        """
        for name, votes in self.votes:
            if name == post:
                return votes
        return ()


@dataclass(frozen=True)
class Box:
    """A mobile ballot box (流动票箱): `listed` voters were published for it. Its ballots are
    entered one by one (`ballots`), or as a tally sheet's totals (`counted`), or both."""

    box: str
    listed: int
    ballots: tuple[Ballot, ...] = ()
    counted: Counted | None = None

    @property
    def returned(self) -> int:
        return sum(b.n for b in self.ballots) + (self.counted.returned if self.counted else 0)


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
    # The whole committee's seats across its rounds (上海 15, 四川 29, 河北 23, 海南 26 allow
    # electing the director, the deputies and the members in separate rounds); None: not given.
    committee_seats: int | None = None
    # party only: "members" (党员大会, the default) or "committee" (委员会全体会议, RULES.md P12)
    meeting: str | None = None
    # The totals of tally sheets for the ballots not entered one by one (计票结果报告单).
    counted: Counted | None = None


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
    # party only: the valid ballots marking each candidate no (不赞成) and abstain (弃权)
    against: tuple[tuple[str, int], ...] | None = None
    abstained: tuple[tuple[str, int], ...] | None = None

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
            "posts": [_post_json(p) for p in self.posts],
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


def _post_json(p: PostResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "post": p.post,
        "seats": p.seats,
        "threshold": p.threshold,
        "votes": dict(p.votes),
        "elected": list(p.elected),
        "open": p.open,
    }
    if p.against is not None:
        out["against"] = dict(p.against)
    if p.abstained is not None:
        out["abstained"] = dict(p.abstained)
    return out


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
    "committee_seats",
    "meeting",
    "counted",
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


def _names_at(value: object, where: str) -> tuple[str, ...]:
    return tuple(_name(name, f"{where}[{j}]") for j, name in enumerate(_list(value, where)))


def _ballot(obj: Mapping[str, Any], at: str, posts: Sequence[str], party: bool) -> Ballot:
    """One ballot object: per post a list of names, or (a Party ballot) an object of marks
    `{"yes": [...], "no": [...], "abstain": [...], "write_in": [...]}`; a poll of one post may
    put those marks on the ballot itself."""
    invalid = obj.get("invalid", False)
    if not isinstance(invalid, bool):
        raise _fail(f"{at}.invalid", "not_bool")
    top = [key for key in obj if key in MARKS]
    items: list[tuple[str, object, str]]
    if top and not party:
        raise _fail(f"{at}.{top[0]}", "marks_not_party")
    if top and not posts:
        # No post to put the marks on: the poll is refused on `posts` (tally's check).
        items = []
    elif top:
        if len(posts) != 1:
            raise _fail(f"{at}.{top[0]}", "marks_need_post", count=len(posts))
        other = [key for key in obj if key not in ("n", "invalid", *MARKS)]
        if other:
            raise _fail(f"{at}.{other[0]}", "marks_with_posts")
        items = [(posts[0], {key: obj[key] for key in top}, at)]
    else:
        items = [
            (key, value, f"{at}.{key}") for key, value in obj.items() if key not in ("n", "invalid")
        ]
    found: dict[str, list[tuple[str, tuple[str, ...]]]] = {mark: [] for mark in MARKS}
    for post, value, where in items:
        if not isinstance(value, dict):
            found["yes"].append((post, _names_at(value, where)))
            continue
        if not party:
            raise _fail(f"{at}.{top[0]}" if top else where, "marks_not_party")
        _known(value, frozenset(MARKS), where)
        for mark in MARKS:
            if mark in value:
                names = _names_at(value[mark], f"{where}.{mark}")
                if names:
                    found[mark].append((post, names))
        # Every post marked keeps its (maybe empty) yes list, so the ballot writes back alike.
        if not any(p == post for p, _ in found["yes"]):
            found["yes"].append((post, ()))
    if invalid and any(names for marks in found.values() for _, names in marks):
        raise _fail(f"{at}.invalid", "invalid_with_names")
    return Ballot(
        tuple(found["yes"]),
        1,
        invalid,
        against=tuple(found["no"]),
        abstained=tuple(found["abstain"]),
        write_ins=tuple(found["write_in"]),
    )


def _frozen(value: object) -> object:
    """A hashable copy of parsed JSON, to recognise a ballot seen before."""
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _frozen(v)) for k, v in value.items())
    return value


def _ballots(
    value: object, where: str, posts: Sequence[str] = (), party: bool = False
) -> tuple[Ballot, ...]:
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
                (k, tuple(v) if isinstance(v, list) else _frozen(v) if isinstance(v, dict) else v)
                for k, v in obj.items()
                if k != "n"
            )
            ballot = seen.get(key)
        except TypeError:  # something unhashable: let the full check name it
            key, ballot = None, None
        if ballot is None:
            ballot = _ballot(obj, at, posts, party)
            if key is not None:
                seen[key] = ballot
        out.append(ballot if n == 1 else ballot.times(n))
    return tuple(out)


def poll_from_json(data: object) -> Poll:
    """A `Poll` from the parsed JSON of a poll file. Raises `PollFileError` on a missing,
    unknown or mistyped field, naming it as written.

    >>> poll = poll_from_json({
    ...     "body": "villagers", "election_date": "2026-05-10", "poll": "first",
    ...     "posts": [{"post": "member", "seats": 3}], "electorate": 10, "voted": 6,
    ...     "ballots_issued": 6, "ballots": [{"n": 6, "member": ["甲", "乙"]}]})
    >>> poll.ballots[0] == Ballot.of({"member": ["甲", "乙"]}, n=6)
    True
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
    meeting = _str(obj["meeting"], "meeting") if obj.get("meeting") is not None else None
    committee_seats = (
        _int(obj["committee_seats"], "committee_seats")
        if obj.get("committee_seats") is not None
        else None
    )
    poll = _str(_required(obj, "poll", "poll"), "poll")
    posts: list[PostSeats] = []
    for i, item in enumerate(_list(_required(obj, "posts", "posts"), "posts")):
        where = f"posts[{i}]"
        post = _object(item, where)
        _known(post, {"post", "seats", "women_only"}, where)
        name = _str(_required(post, "post", f"{where}.post"), f"{where}.post")
        seats = _int(_required(post, "seats", f"{where}.seats"), f"{where}.seats")
        women_only = post.get("women_only", False)
        if not isinstance(women_only, bool):
            raise _fail(f"{where}.women_only", "not_bool")
        posts.append(PostSeats(name, seats, women_only))
    names = tuple(p.post for p in posts)
    party = body == "party"
    boxes: list[Box] = []
    for i, item in enumerate(_list(obj.get("boxes", []), "boxes")):
        where = f"boxes[{i}]"
        box = _object(item, where)
        _known(box, {"box", "listed", "ballots", "counted"}, where)
        counted = _counted(box["counted"], f"{where}.counted") if "counted" in box else None
        raw_ballots = (
            box.get("ballots", [])
            if counted is not None
            else _required(box, "ballots", f"{where}.ballots")
        )
        boxes.append(
            Box(
                _name(_required(box, "box", f"{where}.box"), f"{where}.box"),
                _int(_required(box, "listed", f"{where}.listed"), f"{where}.listed"),
                _ballots(raw_ballots, f"{where}.ballots", names, party),
                counted,
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
        ballots=_ballots(_required(obj, "ballots", "ballots"), "ballots", names, party),
        boxes=tuple(boxes),
        committee_seats=committee_seats,
        meeting=meeting,
        counted=_counted(obj["counted"], "counted") if obj.get("counted") is not None else None,
    )


def _counted(value: object, where: str) -> Counted:
    """A tally sheet's totals: `{"valid": n, "invalid": n, "votes": {post: {name: n}}}`."""
    obj = _object(value, where)
    _known(obj, {"valid", "invalid", "votes"}, where)
    valid = _int(_required(obj, "valid", f"{where}.valid"), f"{where}.valid")
    invalid = _int(_required(obj, "invalid", f"{where}.invalid"), f"{where}.invalid")
    votes: list[tuple[str, tuple[tuple[str, int], ...]]] = []
    for post, by_name in _object(obj.get("votes", {}), f"{where}.votes").items():
        at = f"{where}.votes.{post}"
        votes.append(
            (
                post,
                tuple(
                    (_name(name, f"{at}.{name}"), _int(n, f"{at}.{name}"))
                    for name, n in _object(by_name, at).items()
                ),
            )
        )
    return Counted(valid, invalid, tuple(votes))


def _counted_json(counted: Counted) -> dict[str, Any]:
    return {
        "valid": counted.valid,
        "invalid": counted.invalid,
        "votes": {post: dict(by_name) for post, by_name in counted.votes},
    }


def _ballot_json(ballot: Ballot) -> dict[str, Any]:
    out: dict[str, Any] = {"n": ballot.n} if ballot.n != 1 else {}
    if ballot.invalid:
        out["invalid"] = True
    marked = {
        post for marks in (ballot.against, ballot.abstained, ballot.write_ins) for post, _ in marks
    }
    posts = [post for post, _ in ballot.picks]
    posts += [post for post in sorted(marked) if post not in posts]
    for post in posts:
        if post not in marked:
            out[post] = list(ballot.names(post))
            continue
        marks: dict[str, list[str]] = {}
        if any(p == post for p, _ in ballot.picks):
            marks["yes"] = list(ballot.names(post))
        for key, kept in (
            ("no", ballot.against),
            ("abstain", ballot.abstained),
            ("write_in", ballot.write_ins),
        ):
            names = names_for(kept, post)
            if names:
                marks[key] = list(names)
        out[post] = marks
    return out


def poll_to_json(poll: Poll) -> dict[str, Any]:
    """The poll file of `poll`: `poll_from_json(poll_to_json(p)) == p` for a poll read from a
    file, so a poll can be stored as it was counted and counted again.

    >>> data = {
    ...     "body": "party", "election_date": "2026-05-10", "poll": "first",
    ...     "posts": [{"post": "member", "seats": 1}], "electorate": 9, "voted": 8,
    ...     "ballots_issued": 8, "ballots": [{"n": 5, "yes": ["甲"], "no": ["乙"]}]}
    >>> poll_to_json(poll_from_json(data))["ballots"]
    [{'n': 5, 'member': {'yes': ['甲'], 'no': ['乙']}}]
    >>> poll_from_json(poll_to_json(poll_from_json(data))) == poll_from_json(data)
    True
    """

    def person(p: Candidate | Person) -> dict[str, str]:
        out = {"name": p.name, "sex": p.sex}
        if isinstance(p, Candidate):
            out["post"] = p.post
        return out

    def post(p: PostSeats) -> dict[str, Any]:
        out: dict[str, Any] = {"post": p.post, "seats": p.seats}
        if p.women_only:
            out["women_only"] = True
        return out

    data: dict[str, Any] = {
        "body": poll.body,
        "province": poll.province,
        "election_date": poll.election_date.isoformat(),
    }
    if poll.mode is not None:
        data["mode"] = poll.mode
    if poll.meeting is not None:
        data["meeting"] = poll.meeting
    data["poll"] = poll.poll
    data["posts"] = [post(p) for p in poll.posts]
    if poll.committee_seats is not None:
        data["committee_seats"] = poll.committee_seats
    data["candidates"] = [person(c) for c in poll.candidates]
    data["elected_before"] = [person(c) for c in poll.elected_before]
    data["people"] = [person(p) for p in poll.people]
    data["electorate"] = poll.electorate
    data["voted"] = poll.voted
    data["ballots_issued"] = poll.ballots_issued
    data["ballots"] = [_ballot_json(b) for b in poll.ballots]
    if poll.counted is not None:
        data["counted"] = _counted_json(poll.counted)
    if poll.boxes:
        data["boxes"] = []
        for b in poll.boxes:
            box: dict[str, Any] = {
                "box": b.box,
                "listed": b.listed,
                "ballots": [_ballot_json(x) for x in b.ballots],
            }
            if b.counted is not None:
                box["counted"] = _counted_json(b.counted)
            data["boxes"].append(box)
    return data
