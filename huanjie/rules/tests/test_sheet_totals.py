"""A count from tally sheets (计票结果报告单): `counted` gives the totals the counters agreed
instead of each ballot; the result is the one the same ballots give entered one by one."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huanjie.rules import poll_from_json, tally
from huanjie.rules.poll import poll_to_json
from huanjie.rules.tests.support import post, run_api, run_both, run_cli, villagers

DIRECTORS = ["张伟", "李强"]
MEMBERS = ["王芳", "刘洋", "陈静", "赵敏", "孙丽"]
SEXES = {"王芳": "F", "陈静": "F", "赵敏": "F", "孙丽": "F"}


def _totals(ballots: list[dict[str, Any]]) -> dict[str, Any]:
    """What a tally sheet says of valid ballots (none over-voted) and spoiled ones."""
    votes: dict[str, Counter[str]] = {}
    valid = invalid = 0
    for ballot in ballots:
        n = ballot.get("n", 1)
        if ballot.get("invalid"):
            invalid += n
            continue
        valid += n
        for key, names in ballot.items():
            if key != "n":
                for name in names:
                    votes.setdefault(key, Counter())[name] += n
    return {
        "valid": valid,
        "invalid": invalid,
        "votes": {key: dict(by_name) for key, by_name in votes.items()},
    }


def _without_rules(result: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in result.items() if key != "rules"}


@st.composite
def _polls(draw: st.DrawFn) -> dict[str, Any]:
    ballots: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(1, 8))):
        n = draw(st.integers(1, 80))
        if draw(st.integers(0, 8)) == 0:
            ballots.append({"n": n, "invalid": True})
            continue
        ballot: dict[str, Any] = {"n": n}
        director = draw(st.lists(st.sampled_from(DIRECTORS), max_size=1, unique=True))
        members = draw(st.lists(st.sampled_from(MEMBERS), max_size=3, unique=True))
        if director:
            ballot["director"] = director
        if members:
            ballot["member"] = members
        ballots.append(ballot)
    returned = sum(b["n"] for b in ballots)
    voted = returned + draw(st.integers(0, 5))
    return villagers(
        # Provinces that carry no vote between posts (海南 31, 河南 25, 河北 29 do).
        province=draw(st.sampled_from(["", "33", "31", "11", "51"])),
        posts=[{"post": "director", "seats": 1}, {"post": "member", "seats": 3}],
        people=[{"name": name, "sex": SEXES.get(name, "M")} for name in DIRECTORS + MEMBERS],
        electorate=draw(st.integers(voted, 2 * voted + 1)),
        voted=voted,
        ballots_issued=voted,
        ballots=ballots,
    )


@settings(max_examples=150, deadline=None)
@given(poll=_polls(), split=st.integers(0, 8))
def test_the_sheet_totals_count_like_the_ballots(poll: dict[str, Any], split: int) -> None:
    by_ballot = run_api(poll)
    # Some ballots entered one by one, the rest on a sheet.
    entered, sheet = poll["ballots"][:split], poll["ballots"][split:]
    mixed = {**poll, "ballots": entered, "counted": _totals(sheet)}
    assert _without_rules(run_api(mixed)) == _without_rules(by_ballot)


def test_a_mobile_box_counted_on_a_sheet(tmp_path: Path) -> None:
    # 海南省村民委员会选举办法 第二十九条: the box holds 13 ballots for 12 listed voters: void.
    poll = villagers(
        province="46",
        electorate=900,
        voted=513,
        ballots_issued=513,
        ballots=[{"n": 500, "member": ["甲", "乙", "丙"]}],
        boxes=[
            {
                "box": "流动1",
                "listed": 12,
                "counted": {"valid": 12, "invalid": 1, "votes": {"member": {"丁": 12}}},
            }
        ],
    )
    result = run_both(poll, tmp_path)
    assert result["reasons"] == ["box_void:流动1"]
    assert result["ballots"] == {"returned": 500, "valid": 500, "invalid": 0}
    assert post(result, "member")["votes"] == {"丙": 500, "乙": 500, "甲": 500}
    standing = {**poll, "boxes": [{**poll["boxes"][0], "listed": 13}]}
    counted = run_both(standing, tmp_path)
    assert counted["ballots"] == {"returned": 513, "valid": 512, "invalid": 1}
    assert post(counted, "member")["votes"]["丁"] == 12


def test_a_runoff_sheet_counts_only_the_tied(tmp_path: Path) -> None:
    poll = villagers(
        province="33",
        poll="runoff",
        posts=[{"post": "member", "seats": 1}],
        candidates=[
            {"name": "甲", "sex": "M", "post": "member"},
            {"name": "乙", "sex": "F", "post": "member"},
        ],
        counted={"valid": 500, "invalid": 0, "votes": {"member": {"甲": 200, "乙": 250, "丙": 50}}},
    )
    result = run_both(poll, tmp_path)
    assert post(result, "member")["votes"] == {"乙": 250, "甲": 200}
    assert result["elected"] == ["乙"]


def test_a_transfer_province_needs_the_ballots(tmp_path: Path) -> None:
    poll = villagers(
        province="46",
        posts=[{"post": "director", "seats": 1}, {"post": "member", "seats": 2}],
        counted={"valid": 500, "invalid": 0, "votes": {"director": {"甲": 300}}},
    )
    assert run_cli(poll, tmp_path) == (
        2,
        "",
        "counted：海南省村民委员会选举办法 第三十一条规定高职位的得票计入低职位，"
        "每张选票对同一人只计一次，须逐票录入选票，不能只录入计票结果报告单的合计数\n",
    )
    # One post carries nothing: the sheet will do.
    one_post = {**poll, "posts": [{"post": "member", "seats": 3}], "counted": _totals([])}
    assert run_both(one_post, tmp_path)["valid"] is False  # nobody voted on the sheet


@pytest.mark.parametrize(
    ("counted", "line"),
    [
        ({"valid": 500, "invalid": 0, "votes": {"member": {"甲": 501}}}, "counted.votes.member.甲：得501票，多于有效票500张"),
        ({"valid": 100, "invalid": 0, "votes": {"member": {"甲": 100, "乙": 100, "丙": 100, "丁": 1}}}, "counted.votes.member：委员应选3名，得票合计301票，多于3×100张有效票"),
        ({"valid": 500, "invalid": 0, "votes": {"director": {"甲": 1}}}, "counted.votes.director：本次投票没有“director”职位"),
        ({"invalid": 0}, "counted.valid：缺少此字段"),
        ({"valid": "500", "invalid": 0}, "counted.valid：应当是整数"),
        ({"valid": 500, "invalid": -1}, "counted.invalid：不能为负数"),
        ({"valid": 500, "invalid": 0, "blank": 3}, "counted.blank：未知字段"),
        ({"valid": 500, "invalid": 0, "votes": {"member": {"甲": 1.5}}}, "counted.votes.member.甲：应当是整数"),
        ({"valid": 500, "invalid": 0, "votes": {"member": ["甲"]}}, "counted.votes.member：应当是JSON对象"),
        ([500], "counted：应当是JSON对象"),
    ],
    ids=["over-valid", "over-seats", "post", "missing", "string", "negative", "unknown", "float", "list", "not-object"],
)  # fmt: skip
def test_a_bad_sheet_exits_2(counted: Any, line: str, tmp_path: Path) -> None:
    assert run_cli(villagers(counted=counted), tmp_path) == (2, "", line + "\n")


def test_a_box_needs_ballots_or_a_sheet(tmp_path: Path) -> None:
    poll = villagers(boxes=[{"box": "流动1", "listed": 3}])
    assert run_cli(poll, tmp_path) == (2, "", "boxes[0].ballots：缺少此字段\n")


def test_a_counted_poll_writes_back_as_it_was_read() -> None:
    poll = villagers(
        ballots=[{"n": 3, "member": ["甲"]}],
        counted={"valid": 400, "invalid": 2, "votes": {"member": {"甲": 390, "乙": 300}}},
        boxes=[{"box": "流动1", "listed": 9, "counted": {"valid": 9, "invalid": 0, "votes": {}}}],
    )
    parsed = poll_from_json(poll)
    assert poll_from_json(poll_to_json(parsed)) == parsed
    assert tally(parsed).ballots.returned == 3 + 402 + 9
