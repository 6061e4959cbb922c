"""Fixture polls in `polls/` (SECURITY.md E3), each with its whole expected result but `rules`,
counted through the Python API and through `huanjie tally`.

The other cases of E3 are stated where their rule is: exactly half (test_scenarios.py case 4),
ties at the last seat (case 6), overvotes (case 13, test_tally.py::test_an_overvote_on_one_post),
write-ins (test_tally.py::test_a_write_in_winner_goes_to_qualification_review)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from huanjie.rules.tests.support import POLLS, run_both


def _post(
    post: str, seats: int, threshold: int, votes: dict[str, int], *elected: str
) -> dict[str, Any]:
    return {
        "post": post,
        "seats": seats,
        "threshold": threshold,
        "votes": votes,
        "elected": list(elected),
        "open": seats - len(elected),
    }


def _next(poll: str, post: str, seats: int, *candidates: str) -> dict[str, Any]:
    return {
        "poll": poll,
        "post": post,
        "seats": seats,
        "candidates": list(candidates),
        "women_only": False,
    }


# 村民委员会组织法(2025) 第十八条: 过半数 of those who voted; the counts of the boxes below, for
# one box or several (the national law voids no mobile box).
_BOXES = {
    "valid": True,
    "reasons": [],
    # 15 spoiled, and 5 naming two people for the one 主任 seat: invalid as a whole.
    "ballots": {"returned": 420, "valid": 400, "invalid": 20},
    "posts": [
        _post("director", 1, 211, {"王": 280, "李": 120}, "王"),
        _post("member", 2, 211, {"张": 370, "刘": 280, "陈": 150}, "张", "刘"),
    ],
    "elected": ["王", "张", "刘"],
    "next": [],
}

FIXTURES: list[tuple[str, str, dict[str, Any]]] = [
    (
        "zero_turnout",
        # 村民委员会组织法(2025) 第十八条: nobody voted, so not more than half: held again.
        "村民委员会组织法(2025) 第十八条",
        {
            "valid": False,
            "reasons": ["turnout_not_over_half"],
            "ballots": {"returned": 0, "valid": 0, "invalid": 0},
            "posts": [_post("director", 1, 1, {}), _post("member", 2, 1, {})],
            "elected": [],
            "next": [
                _next("first", "director", 1, "张伟", "李强"),
                _next("first", "member", 2, "王芳", "刘洋", "陈静"),
            ],
        },
    ),
    (
        "zero_turnout_party",
        "中国共产党基层组织选举工作条例 第二十六条",
        {
            "valid": False,
            "reasons": ["quorum_not_met"],
            "ballots": {"returned": 0, "valid": 0, "invalid": 0},
            # A Party result reports the no and abstain marks per candidate (none here).
            "posts": [_post("member", 3, 1, {}) | {"against": {}, "abstained": {}}],
            "elected": [],
            "next": [_next("first", "member", 3, "赵军", "钱敏", "孙浩", "李娟")],
        },
    ),
    (
        "undervotes_and_blanks",
        # Ballots naming fewer than three, and 90 blank ones, are valid and count among those who
        # voted: 201 of 400 is needed, so C's 190 is short (without the blanks 156 would do).
        "村民委员会组织法(2025) 第十八条",
        {
            "valid": True,
            "reasons": [],
            "ballots": {"returned": 400, "valid": 400, "invalid": 0},
            "posts": [
                _post("member", 3, 201, {"A": 210, "B": 210, "C": 190, "D": 70, "E": 70}, "A", "B")
            ],
            "elected": ["A", "B"],
            # 差额 of one for one seat; D and E tie at the cut-off, so both stand.
            "next": [_next("supplementary", "member", 1, "C", "D", "E")],
        },
    ),
    (
        "seats_over_candidates",
        # No list (海选) and only two people voted for, for three seats: the third seat goes to a
        # supplementary poll, with nobody left who received a vote to propose.
        "村民委员会组织法(2025) 第十八条",
        {
            "valid": True,
            "reasons": [],
            "ballots": {"returned": 300, "valid": 300, "invalid": 0},
            "posts": [_post("member", 3, 151, {"甲": 300, "乙": 200}, "甲", "乙")],
            "elected": ["甲", "乙"],
            "next": [_next("supplementary", "member", 1)],
        },
    ),
    (
        "seats_over_candidates_supplementary",
        # One candidate for two seats: one third of 600 elects A; with three elected the last
        # seat may stay empty.
        "村民委员会组织法(2025) 第十八条",
        {
            "valid": True,
            "reasons": [],
            "ballots": {"returned": 600, "valid": 600, "invalid": 0},
            "posts": [_post("member", 2, 200, {"A": 350}, "A")],
            "elected": ["A"],
            "next": [],
        },
    ),
    ("one_box", "村民委员会组织法(2025) 第十八条", _BOXES),
    ("many_boxes", "村民委员会组织法(2025) 第十八条", _BOXES),
    (
        "many_boxes_hainan",
        # 流动2 holds 20 ballots for 15 published voters: that box alone is void; the threshold is
        # over half of the 500 ballots returned.
        "海南省村民委员会选举办法 第二十九条",
        {
            "valid": True,
            "reasons": ["box_void:流动2"],
            "ballots": {"returned": 500, "valid": 500, "invalid": 0},
            "posts": [
                _post("member", 3, 251, {"A": 450, "B": 450, "C": 330, "D": 180}, "A", "B", "C")
            ],
            "elected": ["A", "B", "C"],
            "next": [],
        },
    ),
]


@pytest.mark.parametrize(("name", "article", "expected"), FIXTURES, ids=[f[0] for f in FIXTURES])
def test_fixture_poll(name: str, article: str, expected: dict[str, Any], tmp_path: Path) -> None:
    poll = json.loads((POLLS / f"{name}.json").read_text(encoding="utf-8"))
    result = run_both(poll, tmp_path)
    assert article in result["rules"]
    assert {k: v for k, v in result.items() if k != "rules"} == expected


def test_one_box_or_many_give_the_same_result(tmp_path: Path) -> None:
    one, many = (
        run_both(json.loads((POLLS / f"{name}.json").read_text(encoding="utf-8")), tmp_path)
        for name in ("one_box", "many_boxes")
    )
    assert one == many
