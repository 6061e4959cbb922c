"""The canonical result file (docs/results.md): one JSON document per result version, built
from the election's closed official polls exactly as they were frozen when they closed (or as a
correction recounted them), with its SHA-256 and the short code a notice prints.

    {"format": "huanjie-result/1",
     "village": {"code": "630121100201", "name": "…村", "town": "…镇", "county": "…县"},
     "body": "villagers", "body_label": "村民委员会", "term": 12, "campaign": "…",
     "version": 1, "reason": "",
     "polls": [{"number": 1, "kind": "first", "held_on": "2026-05-10",
                "input": {"poll_file": {…}, "engine": "0.1.0", "county_profile": {…}?},
                "output": {…TALLY_FORMAT output…}, "sha256": "…"}],
     "outcome": {"elected": [{"name": "…", "sex": "F", "post": "director", "poll": 1,
                              "votes": 301}],
                 "open": [{"post": "member", "seats": 1}],
                 "pending": [{"poll": "supplementary", "post": "member", …}]}}

`input` and `output` of a poll are those of the closed `Poll` row (polls.services.closing), so a
poll's `sha256` is the same `engine_hash` the count froze; a corrected poll carries its
corrected input and the engine's output on it. The document's own hash is the SHA-256 of its
canonical spelling (sorted keys, no spaces, UTF-8). Nothing in it identifies a voter: names of
candidates and write-ins with their sex and votes, which the count announced in public.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any, Final

from huanjie.elections.models import Election, Post
from huanjie.polls.models import Poll, PollStatus
from huanjie.polls.services.closing import canonical, frozen_hash

FORMAT: Final = "huanjie-result/1"
POST_ORDER: Final = [p.value for p in Post]
OPEN_STATUSES: Final = (PollStatus.SETUP, PollStatus.VOTING, PollStatus.COUNTING)


def official_polls(election: Election) -> list[Poll]:
    """The election's closed polls that count: never a rehearsal's, never a cancelled one."""
    return list(election.polls.filter(rehearsal=False, status=PollStatus.CLOSED).order_by("number"))


def pending_polls(election: Election) -> list[Poll]:
    """The election's official polls not closed yet (a result waits for them)."""
    return list(election.polls.filter(rehearsal=False, status__in=OPEN_STATUSES).order_by("number"))


def poll_entry(
    poll: Poll,
    engine_input: dict[str, Any] | None = None,
    engine_output: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One poll of the document: as frozen at closing, or with a correction's input and output."""
    data_in = poll.engine_input if engine_input is None else engine_input
    data_out = poll.engine_output if engine_output is None else engine_output
    assert data_in is not None and data_out is not None, "a closed poll has its frozen count"
    return {
        "number": poll.number,
        "kind": poll.kind,
        "held_on": poll.held_on.isoformat(),
        "input": data_in,
        "output": data_out,
        "sha256": frozen_hash(data_in, data_out),
    }


def outcome(polls: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Who was elected to which post (in post order, then in the order of the polls), the seats
    still open, and what the last poll said must follow when nothing followed it.

    The seats of a post are those of the first poll that voted on it; a supplementary poll or a
    run-off fills what the earlier ones left."""
    seats: dict[str, int] = {}
    elected: list[dict[str, Any]] = []
    entries = list(polls)
    sexes: dict[str, str] = {}
    for entry in entries:
        data = entry["input"]["poll_file"]
        for key in ("people", "candidates", "elected_before"):
            for person in data.get(key, []):
                sexes.setdefault(person["name"], person["sex"])
    for entry in entries:
        out = entry["output"]
        if not out.get("valid"):
            continue
        for post in out.get("posts", []):
            seats.setdefault(post["post"], int(post["seats"]))
            for name in post.get("elected", []):
                elected.append(
                    {
                        "name": name,
                        "sex": sexes.get(name, "M"),
                        "post": post["post"],
                        "poll": entry["number"],
                        "votes": int(post.get("votes", {}).get(name, 0)),
                    }
                )
    # A poll declared invalid still names its posts' seats (a re-vote fills them).
    for entry in entries:
        for post in entry["input"]["poll_file"].get("posts", []):
            seats.setdefault(post["post"], int(post["seats"]))
    elected.sort(key=lambda e: (POST_ORDER.index(e["post"]), e["poll"]))
    filled: dict[str, int] = {}
    for e in elected:
        filled[e["post"]] = filled.get(e["post"], 0) + 1
    open_ = [
        {"post": post, "seats": seats[post] - filled.get(post, 0)}
        for post in sorted(seats, key=POST_ORDER.index)
        if seats[post] > filled.get(post, 0)
    ]
    pending = list(entries[-1]["output"].get("next", [])) if entries else []
    return {"elected": elected, "open": open_, "pending": pending}


def village_of(election: Election) -> dict[str, str]:
    region = election.village.region
    town = region.parent
    county = town.parent if town is not None else None
    return {
        "code": region.code,
        "name": region.display_name,
        "town": town.display_name if town is not None else "",
        "county": county.display_name if county is not None else "",
    }


def build(
    election: Election, *, version: int, reason: str, polls: list[dict[str, Any]]
) -> dict[str, Any]:
    """The canonical document of `election`'s result, version `version`."""
    campaign = election.village.campaign
    return {
        "format": FORMAT,
        "village": village_of(election),
        "body": election.body,
        "body_label": election.get_body_display(),
        "term": campaign.term_number,
        "campaign": campaign.name,
        "version": version,
        "reason": reason,
        "polls": polls,
        "outcome": outcome(polls),
    }


def digest(document: dict[str, Any]) -> str:
    """The SHA-256 of the document's canonical spelling."""
    return hashlib.sha256(canonical(document).encode("utf-8")).hexdigest()


def short_code(sha256: str) -> str:
    """The code a notice prints: the hash's first 12 hex digits in three groups of four,
    upper case ("3F9A-C2D1-7B40"); 48 bits, unique among versions (a constraint says so)."""
    head = sha256[:12].upper()
    return "-".join(head[i : i + 4] for i in range(0, 12, 4))


def normal_code(text: str) -> str:
    """A code as someone typed it: spaces, dashes, lower case, full-width digits and letters,
    the letter O for zero all accepted; "" when it cannot be a code.

    >>> normal_code(" 3f9a c2d1-7b4０ ")
    '3F9A-C2D1-7B40'
    >>> normal_code("3F9A")
    ''
    """
    import unicodedata

    flat = unicodedata.normalize("NFKC", text or "").upper()
    flat = "".join(ch for ch in flat if ch.isalnum()).replace("O", "0")
    if len(flat) != 12 or any(ch not in "0123456789ABCDEF" for ch in flat):
        return ""
    return "-".join(flat[i : i + 4] for i in range(0, 12, 4))
