"""Hypothesis properties of the count, over random polls of every body, province and poll kind."""

from __future__ import annotations

import copy
import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from huanjie.rules import poll_from_json, tally

PROVINCES = ["", "33", "31", "11", "41", "13", "51", "46"]
NAMES = ["甲", "乙", "丙", "丁", "戊", "己"]
BEFORE = ["X", "Y"]
FAST = settings(max_examples=100, deadline=None)

Poll = dict[str, Any]


@st.composite
def polls(draw: st.DrawFn, single_post: bool = False) -> Poll:
    body = draw(st.sampled_from(["villagers", "villagers", "villagers", "party"]))
    province = draw(st.sampled_from(PROVINCES)) if body == "villagers" else ""
    kind = draw(st.sampled_from(["first", "first", "supplementary", "runoff"]))
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
