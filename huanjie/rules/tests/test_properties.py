"""Hypothesis properties of the count, over random polls of every body, province and poll kind."""

from __future__ import annotations

import copy
import json
import random
from collections import Counter
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from huanjie.rules import poll_from_json, tally
from huanjie.rules.poll import poll_to_json
from huanjie.rules.profiles import Profile, effective_profile

PROVINCES = ["", "33", "31", "11", "41", "13", "51", "46"]
NAMES = ["甲", "乙", "丙", "丁", "戊", "己"]
BEFORE = ["X", "Y"]
FAST = settings(max_examples=100, deadline=None)

Poll = dict[str, Any]


@st.composite
def polls(
    draw: st.DrawFn,
    single_post: bool = False,
    bodies: tuple[str, ...] = ("villagers", "villagers", "villagers", "party"),
    provinces: tuple[str, ...] = tuple(PROVINCES),
    kinds: tuple[str, ...] = ("first", "first", "supplementary", "runoff"),
) -> Poll:
    body = draw(st.sampled_from(bodies))
    province = draw(st.sampled_from(provinces)) if body == "villagers" else ""
    kind = draw(st.sampled_from(kinds))
    if body == "party":
        posts = [("member", draw(st.integers(1, 4)))]
    elif kind != "first":
        posts = [("member", draw(st.integers(1, 3)))]
        if not single_post and draw(st.booleans()):
            posts.insert(0, ("director", 1))
    elif single_post:
        posts = [("member", draw(st.integers(3, 5)))]
    else:
        layout = draw(st.integers(0, 3))
        posts = [
            [("member", draw(st.integers(3, 5)))],
            [("director", 1), ("member", draw(st.integers(2, 4)))],
            [("director", 1), ("deputy_director", 1), ("member", draw(st.integers(1, 3)))],
            [("director", 1), ("woman_member", 1), ("member", draw(st.integers(1, 3)))],
        ][layout]
    seats = dict(posts)
    sexes = {name: draw(st.sampled_from("MF")) for name in NAMES}
    candidates: list[dict[str, str]] = []
    if kind == "runoff":
        pool = list(NAMES)
        for post, _ in posts:
            for _ in range(2):
                name = pool.pop(draw(st.integers(0, len(pool) - 1)))
                candidates.append({"name": name, "sex": sexes[name], "post": post})
    listed = {c["name"] for c in candidates}
    people = [{"name": n, "sex": sexes[n]} for n in NAMES if n not in listed]
    elected_before = []
    if kind != "first" and body != "party":
        for name in BEFORE[: draw(st.integers(0, 2))]:
            elected_before.append(
                {"name": name, "sex": draw(st.sampled_from("MF")), "post": "member"}
            )
    ballots: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(1, 8))):
        n = draw(st.integers(1, 60))
        if draw(st.integers(0, 9)) == 0:
            ballots.append({"n": n, "invalid": True})
            continue
        ballot: dict[str, Any] = {"n": n}
        for post, k in seats.items():
            names = draw(st.lists(st.sampled_from(NAMES), max_size=k + 1, unique=True))
            if names:
                ballot[post] = names
        ballots.append(ballot)
    returned = sum(b["n"] for b in ballots)
    voted = returned + draw(st.integers(0, 10))
    if body == "party":
        electorate = draw(st.integers(max(1, voted - 5), voted + voted // 4))
    else:
        electorate = draw(st.integers(voted, 2 * voted))
    return {
        "body": body,
        "province": province,
        "election_date": draw(st.sampled_from(["2025-11-20", "2026-05-10"])),
        "poll": kind,
        "posts": [{"post": post, "seats": k} for post, k in posts],
        "candidates": candidates,
        "elected_before": elected_before,
        "people": people,
        "electorate": electorate,
        "voted": voted,
        "ballots_issued": voted + draw(st.integers(0, 3)),
        "ballots": ballots,
    }


def _count(poll: Poll) -> dict[str, Any]:
    return tally(poll_from_json(poll)).to_json()


@FAST
@given(poll=polls(), seed=st.integers(0, 2**32))
def test_ballot_order_never_changes_the_result(poll: Poll, seed: int) -> None:
    shuffled = copy.deepcopy(poll)
    random.Random(seed).shuffle(shuffled["ballots"])
    for ballot in shuffled["ballots"]:
        for post in ballot:
            if isinstance(ballot[post], list):
                random.Random(seed).shuffle(ballot[post])
    assert _count(shuffled) == _count(poll)


@FAST
@given(poll=polls())
def test_elected_never_exceed_seats(poll: Poll) -> None:
    result = _count(poll)
    for post in result["posts"]:
        assert len(post["elected"]) + post["open"] == post["seats"]
        assert len(post["elected"]) <= post["seats"]
    assert len(result["elected"]) == sum(len(p["elected"]) for p in result["posts"])
    assert len(set(result["elected"])) == len(result["elected"])


@FAST
@given(poll=polls())
def test_nobody_below_the_threshold_is_elected(poll: Poll) -> None:
    result = _count(poll)
    base = result["ballots"]["returned"] if poll["province"] == "46" else poll["voted"]
    for post in result["posts"]:
        for name in post["elected"]:
            votes = post["votes"][name]
            assert votes >= post["threshold"]
            if poll["poll"] == "first":
                # "过半数": at or below half is never enough.
                assert 2 * votes > base
            elif poll["poll"] == "supplementary" and poll["body"] != "party":
                # "不得少于已投选票总数的三分之一".
                assert 3 * votes >= result["ballots"]["returned"]


@FAST
@given(poll=polls(single_post=True), k=st.integers(1, 40), pick=st.integers(0, 10))
def test_more_identical_ballots_for_a_winner_never_unseat_them(
    poll: Poll, k: int, pick: int
) -> None:
    before = _count(poll)
    winners = [(p["post"], name) for p in before["posts"] for name in p["elected"]]
    if not before["valid"] or not winners:
        return
    post, winner = winners[pick % len(winners)]
    more = copy.deepcopy(poll)
    more["ballots"].append({"n": k, post: [winner]})
    for key in ("electorate", "voted", "ballots_issued"):
        more[key] += k
    after = _count(more)
    assert after["valid"]
    assert winner in next(p for p in after["posts"] if p["post"] == post)["elected"]


@FAST
@given(poll=polls(), seed=st.integers(0, 2**32), slack=st.integers(0, 3))
def test_ballots_split_into_boxes_give_the_same_result(poll: Poll, seed: int, slack: int) -> None:
    rng = random.Random(seed)
    split = copy.deepcopy(poll)
    ballots: list[dict[str, Any]] = []
    boxes: list[dict[str, Any]] = []
    for ballot in split["ballots"]:
        if rng.random() < 0.4:
            boxes.append(
                {"box": f"流动{len(boxes) + 1}", "listed": ballot["n"] + slack, "ballots": [ballot]}
            )
        else:
            ballots.append(ballot)
    split["ballots"], split["boxes"] = ballots, boxes
    assert _count(split) == _count(poll)


@FAST
@given(poll=polls())
def test_a_valid_poll_stays_valid_when_one_more_voter_turns_out(poll: Poll) -> None:
    if not _count(poll)["valid"] or (
        poll["body"] != "party" and poll["voted"] >= poll["electorate"]
    ):
        return
    more = copy.deepcopy(poll)
    more["voted"] += 1
    more["ballots_issued"] += 1
    more["ballots"].append({"n": 1})
    assert _count(more)["valid"]


# ---------------------------------------------------------------------------------------------
# Whole polls (SECURITY.md E2): the polls above with a printed candidate list on a first poll and
# ballots spread over mobile boxes, some of them over their published number (void in 海南).

SPARE = ["庚", "辛", "壬", "癸"]  # on the printed list, and nobody votes for them
_CHAIN = ("director", "deputy_director", "member")  # the posts a transfer carries votes down


@st.composite
def whole_polls(draw: st.DrawFn, **kinds: Any) -> Poll:
    poll: Poll = draw(polls(**kinds))
    if poll["poll"] == "first" and draw(st.booleans()):
        # seats + 1 for every post is inside the 差额 of every profile (RULES.md P12, §7.5).
        sexes = {p["name"]: p["sex"] for p in poll["people"]}
        sexes |= {name: draw(st.sampled_from("MF")) for name in SPARE}
        pool = draw(st.permutations([*NAMES, *SPARE]))
        for post in poll["posts"]:
            for _ in range(post["seats"] + 1):
                name = pool.pop()
                poll["candidates"].append({"name": name, "sex": sexes[name], "post": post["post"]})
        listed = {c["name"] for c in poll["candidates"]}
        poll["people"] = [p for p in poll["people"] if p["name"] not in listed]
    x, y = draw(st.permutations(NAMES))[:2]
    if draw(st.booleans()):
        # Every ballot again with x and y swapped: they tie.
        swap = {x: y, y: x}
        poll["ballots"] += [
            {k: [swap.get(n, n) for n in v] if isinstance(v, list) else v for k, v in b.items()}
            for b in poll["ballots"]
        ]
    # A bloc outweighing the ballots drawn so far.
    bloc = draw(st.integers(0, 2))
    n = sum(b["n"] for b in poll["ballots"]) + draw(st.integers(1, 100))
    if bloc == 1:
        # Many identical ballots, so that some people pass the threshold.
        ballot: dict[str, Any] = {"n": n}
        for post in poll["posts"]:
            names = draw(st.lists(st.sampled_from(NAMES), max_size=post["seats"], unique=True))
            if names:
                ballot[post["post"]] = names
        poll["ballots"].append(ballot)
    elif bloc == 2:
        # seats + 1 people, each left out by one group of n ballots: with two seats or more all
        # of them pass half and tie at the last seat.
        post = max(poll["posts"], key=lambda p: p["seats"])
        ring = [x, y, *[m for m in NAMES if m not in (x, y)][: post["seats"] - 1]]
        for out in ring:
            poll["ballots"].append({"n": n, post["post"]: [m for m in ring if m != out]})
    # Turnout around its bounds: exactly half (villagers) or four fifths (Party) of the electorate.
    voted = sum(b["n"] for b in poll["ballots"]) + draw(st.integers(0, 3))
    bounds = [2 * voted, 2 * voted - 1] if poll["body"] != "party" else [voted * 5 // 4]
    electorate = draw(st.sampled_from(bounds) | st.integers(voted - 3, 2 * voted + 3))
    poll["electorate"] = max(electorate, voted if poll["body"] != "party" else 0)
    poll["voted"], poll["ballots_issued"] = voted, voted + draw(st.integers(-1, 3))
    ballots: list[dict[str, Any]] = []
    boxes: list[dict[str, Any]] = []
    for ballot in poll["ballots"]:
        where = draw(st.integers(0, 3))
        if where == 0:
            ballots.append(ballot)
            continue
        while len(boxes) < where:
            boxes.append({"box": f"流动{len(boxes) + 1}", "listed": 0, "ballots": []})
        boxes[where - 1]["ballots"].append(ballot)
    for box in boxes:
        box["listed"] = max(0, sum(b["n"] for b in box["ballots"]) + draw(st.integers(-3, 3)))
    poll["ballots"], poll["boxes"] = ballots, boxes
    return poll


def _profile(poll: Poll) -> Profile:
    return effective_profile(
        poll["body"], poll["province"], date.fromisoformat(poll["election_date"]), poll.get("mode")
    )


def _void_boxes(poll: Poll) -> set[str]:
    # 海南省村民委员会选举办法 第二十九条: a box holding more ballots than its published voters.
    if not _profile(poll).mobile_box_void.value:
        return set()
    return {b["box"] for b in poll["boxes"] if sum(x["n"] for x in b["ballots"]) > b["listed"]}


def _counted(poll: Poll) -> list[dict[str, Any]]:
    """Every ballot that counts: the main box's and those of the mobile boxes that stand."""
    void = _void_boxes(poll)
    boxed = [b for box in poll["boxes"] if box["box"] not in void for b in box["ballots"]]
    return [*poll["ballots"], *boxed]


def _carried(poll: Poll) -> set[str]:
    """The posts whose counts may hold votes carried down from a higher post (海南 31, 河南 25,
    河北 29): every post of the chain below the first one voted on."""
    if _profile(poll).transfer.value == "none" or poll["poll"] == "runoff":
        return set()
    chain = [p for p in _CHAIN if p in {x["post"] for x in poll["posts"]}]
    return set(chain[1:])


def _shape(result: dict[str, Any]) -> dict[str, Any]:
    """Winners and counts, whatever the order of the file."""
    return {
        "valid": result["valid"],
        "reasons": sorted(result["reasons"]),
        "rules": sorted(result["rules"]),
        "ballots": result["ballots"],
        "posts": {p["post"]: p for p in result["posts"]},
        "elected": result["elected"],
        "next": [{**n, "candidates": sorted(n["candidates"])} for n in result["next"]],
    }


@FAST
@given(poll=whole_polls())
def test_tallying_the_same_poll_twice_gives_the_same_result(poll: Poll) -> None:
    before = copy.deepcopy(poll)
    parsed = poll_from_json(poll)
    first = tally(parsed)
    assert tally(parsed) == first
    assert tally(poll_from_json(json.loads(json.dumps(poll)))) == first
    assert poll == before and poll_from_json(poll) == parsed


@FAST
@given(poll=whole_polls(), seed=st.integers(0, 2**32))
def test_the_order_of_the_file_never_changes_the_result(poll: Poll, seed: int) -> None:
    rng = random.Random(seed)
    shuffled = copy.deepcopy(poll)
    for key in ("posts", "candidates", "people", "elected_before", "ballots", "boxes"):
        rng.shuffle(shuffled[key])
    for group in [shuffled["ballots"], *(box["ballots"] for box in shuffled["boxes"])]:
        rng.shuffle(group)
        for i, ballot in enumerate(group):
            items = list(ballot.items())
            rng.shuffle(items)
            group[i] = {k: rng.sample(v, len(v)) if isinstance(v, list) else v for k, v in items}
    assert _shape(_count(shuffled)) == _shape(_count(poll))


@FAST
@given(poll=whole_polls())
def test_the_count_is_the_sum_of_the_boxes(poll: Poll) -> None:
    whole = _count(poll)
    void = _void_boxes(poll)
    assert {r for r in whole["reasons"] if r.startswith("box_void:")} == {
        f"box_void:{box}" for box in void
    }
    parts = [poll["ballots"], *(b["ballots"] for b in poll["boxes"] if b["box"] not in void)]
    counts = [_count({**poll, "ballots": part, "boxes": []}) for part in parts]
    for key in ("returned", "valid", "invalid"):
        assert whole["ballots"][key] == sum(c["ballots"][key] for c in counts)
    carried = _carried(poll)  # a part may stand, and carry votes, where the whole is void
    for result in whole["posts"]:
        if result["post"] in carried:
            continue
        total: Counter[str] = Counter()
        for c in counts:
            total.update(next(p for p in c["posts"] if p["post"] == result["post"])["votes"])
        assert result["votes"] == dict(total)


@FAST
@given(poll=whole_polls())
def test_votes_are_conserved(poll: Poll) -> None:
    result = _count(poll)
    returned = sum(b["n"] for b in _counted(poll))
    valid = result["ballots"]["valid"]
    assert result["ballots"]["returned"] == returned == valid + result["ballots"]["invalid"]
    seats = {p["post"]: p["seats"] for p in poll["posts"]}
    carried = _carried(poll) if result["valid"] else set()
    for post in result["posts"]:
        # A ballot counts once per person per post, for at most as many people as seats; where
        # votes are carried down, also for the people it named for the posts above.
        bound = post["seats"]
        if post["post"] in carried:
            bound += sum(seats[p] for p in _CHAIN[: _CHAIN.index(post["post"])] if p in seats)
        assert sum(post["votes"].values()) <= valid * bound
        assert all(0 < votes <= valid for votes in post["votes"].values())


# A reference count in a few lines, for the polls it covers: a first poll under the national law
# (村民委员会组织法 第十八条) or the Party's 条例 (第二十六条, 第二十八条). It shares nothing with
# the engine but the file format.
_ORDER = ("director", "deputy_director", "woman_member", "member")


def reference(poll: Poll) -> dict[str, Any]:
    party = poll["body"] == "party"
    seats = {p["post"]: p["seats"] for p in poll["posts"]}
    women = {p["name"] for p in [*poll["candidates"], *poll["people"]] if p["sex"] == "F"}
    ballots = [*poll["ballots"], *(b for box in poll["boxes"] for b in box["ballots"])]
    returned = sum(b["n"] for b in ballots)
    # A ballot naming more people than seats for any post is invalid as a whole.
    valid = [
        b
        for b in ballots
        if not b.get("invalid") and all(len(b.get(p, [])) <= k for p, k in seats.items())
    ]
    votes = {post: Counter[str]() for post in seats}
    for b in valid:
        for post in seats:
            for name in b.get(post, []):
                votes[post][name] += b["n"]
    voted, electorate = poll["voted"], poll["electorate"]
    # Turnout strictly over half (villagers), strictly over four fifths (Party).
    turnout = 5 * voted > 4 * electorate if party else 2 * voted > electorate
    ok = turnout and returned <= poll["ballots_issued"] and returned <= voted
    out: dict[str, Any] = {
        "valid": ok,
        "ballots": {"returned": returned, "valid": sum(b["n"] for b in valid)},
        "votes": {post: dict(v) for post, v in votes.items()},
        "threshold": voted // 2 + 1,  # 过半数: strictly more than half of those who voted
        "elected": {post: set() for post in seats},
        "tied": {post: set() for post in seats},
    }
    if not ok:
        return out
    blocked: set[str] = set()  # elected to, or tied for, a higher post
    for post in [p for p in _ORDER if p in seats]:
        eligible = {
            name: v
            for name, v in votes[post].items()
            if 2 * v > voted and name not in blocked and (post != "woman_member" or name in women)
        }
        ranked = sorted(eligible.values(), reverse=True)
        cut = ranked[seats[post] - 1] if len(ranked) > seats[post] else 0
        reach = {name for name, v in eligible.items() if v >= cut}
        if len(reach) <= seats[post]:
            out["elected"][post] = reach
        else:  # a tie at the last seat: nobody picks, the tied vote again
            out["elected"][post] = {name for name, v in eligible.items() if v > cut}
            out["tied"][post] = reach - out["elected"][post]
        blocked |= reach
    return out


@settings(max_examples=200, deadline=None)
@given(poll=whole_polls(bodies=("villagers", "party"), provinces=("",), kinds=("first",)))
def test_the_count_agrees_with_a_reference_count(poll: Poll) -> None:
    result, want = _count(poll), reference(poll)
    assert result["valid"] == want["valid"]
    assert {k: result["ballots"][k] for k in ("returned", "valid")} == want["ballots"]
    for post in result["posts"]:
        name = post["post"]
        assert post["votes"] == want["votes"][name]
        assert post["threshold"] == want["threshold"]
        assert set(post["elected"]) == want["elected"][name]
        runoffs = [n for n in result["next"] if n["post"] == name and n["poll"] == "runoff"]
        assert {c for n in runoffs for c in n["candidates"]} == want["tied"][name]


@FAST
@given(poll=whole_polls())
def test_a_poll_writes_back_as_it_was_read(poll: Poll) -> None:
    # poll_to_json is the inverse of poll_from_json: a poll stored as counted counts alike.
    parsed = poll_from_json(poll)
    again = poll_from_json(json.loads(json.dumps(poll_to_json(parsed))))
    assert again == parsed
    assert tally(again) == tally(parsed)
