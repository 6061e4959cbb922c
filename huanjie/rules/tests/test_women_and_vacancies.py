"""The women's seat of 四川 34 and 海南 32 as a women-only poll of the post it belongs to, and the
seats that may stay open after a supplementary poll (浙江 30, 四川 38, 北京 30, 上海 21)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from huanjie.rules.tests.support import post, run_both, run_cli, villagers

MEN_BEFORE = [
    {"name": "D1", "sex": "M", "post": "director"},
    {"name": "P1", "sex": "M", "post": "deputy_director"},
    {"name": "M1", "sex": "M", "post": "member"},
    {"name": "M2", "sex": "M", "post": "member"},
]


def test_the_reserved_womens_seat_is_a_women_only_poll_of_the_member_post(
    tmp_path: Path,
) -> None:
    # 四川省村民委员会选举条例 第三十四条: no woman is elected 主任 or 副主任 and none of the
    # members gets more than half: "在委员的应选人数中确定一个名额另行选举妇女成员".
    poll = villagers(
        province="51",
        people=[{"name": "W1", "sex": "F"}, {"name": "W2", "sex": "F"}],
        ballots=[
            {"n": 300, "member": ["M1", "M2", "M3"]},
            {"n": 150, "member": ["M1", "M2", "W1"]},
            {"n": 50, "member": ["W2"]},
        ],
    )
    result = run_both(poll, tmp_path)
    assert post(result, "member")["elected"] == ["M1", "M2"]
    assert result["next"] == [
        {
            "poll": "supplementary",
            "post": "member",
            "seats": 1,
            "candidates": ["W1", "W2"],
            "women_only": True,
        }
    ]
    assert "四川省村民委员会选举条例 第三十四条" in result["rules"]


def _women_only(province: str, man: int, woman: int, **fields: Any) -> dict[str, Any]:
    # The supplementary poll the first poll asked for: one member seat, women only.
    poll = villagers(
        province=province,
        poll="supplementary",
        posts=[{"post": "member", "seats": 1, "women_only": True}],
        elected_before=MEN_BEFORE,
        candidates=[
            {"name": "W1", "sex": "F", "post": "member"},
            {"name": "W2", "sex": "F", "post": "member"},
        ],
        people=[{"name": "M3", "sex": "M"}],
        ballots=[
            {"n": man, "member": ["M3"]},
            {"n": woman, "member": ["W1"]},
            {"n": 500 - man - woman, "member": ["W2"]},
        ],
    )
    poll.update(fields)
    return poll


@pytest.mark.parametrize("province", ["51", "46"])
def test_only_a_woman_can_win_a_women_only_seat(province: str, tmp_path: Path) -> None:
    # 500 ballots, one third is 167: M3 has the most votes but is a man.
    result = run_both(_women_only(province, 300, 170), tmp_path)
    assert post(result, "member")["votes"] == {"M3": 300, "W1": 170, "W2": 30}
    assert result["elected"] == ["W1"] and result["next"] == []


def test_a_women_only_seat_left_empty_is_held_again_for_a_woman(tmp_path: Path) -> None:
    result = run_both(_women_only("51", 400, 90), tmp_path)
    assert result["elected"] == []
    # Four are elected, so 四川 38 would let an ordinary seat stay open; the woman member the
    # law requires (村民委员会组织法(2025) 第八条) cannot be left out.
    assert result["next"] == [
        {
            "poll": "supplementary",
            "post": "member",
            "seats": 1,
            "candidates": ["W1", "W2"],
            "women_only": True,
        }
    ]


def test_women_tied_for_a_women_only_seat_vote_again_as_that_post(tmp_path: Path) -> None:
    result = run_both(_women_only("51", 100, 200, ballots=_tie()), tmp_path)
    assert result["next"] == [
        {
            "poll": "runoff",
            "post": "member",
            "seats": 1,
            "candidates": ["W1", "W2"],
            "women_only": True,
        }
    ]
    runoff = _women_only("51", 0, 0, poll="runoff", ballots=[{"n": 260, "member": ["W2"]}])
    assert run_both(runoff, tmp_path)["elected"] == ["W2"]


def _tie() -> list[dict[str, Any]]:
    return [
        {"n": 200, "member": ["W1"]},
        {"n": 200, "member": ["W2"]},
        {"n": 100, "member": ["M3"]},
    ]


def test_women_only_must_be_true_or_false(tmp_path: Path) -> None:
    poll = _women_only("51", 300, 170)
    poll["posts"][0]["women_only"] = "yes"
    assert run_cli(poll, tmp_path) == (2, "", "posts[0].women_only：应当是true或false\n")


def test_zhejiang_keeps_its_separate_womens_post(tmp_path: Path) -> None:
    # 浙江省村民委员会选举办法 第二十一条: the women's post is its own post.
    poll = villagers(
        province="33",
        posts=[
            {"post": "director", "seats": 1},
            {"post": "woman_member", "seats": 1},
            {"post": "member", "seats": 1},
        ],
        ballots=[
            {"n": 300, "director": ["A"], "woman_member": ["M9"], "member": ["B"]},
            {"n": 200},
        ],
        people=[{"name": "F1", "sex": "F"}],
    )
    result = run_both(poll, tmp_path)
    assert [(n["post"], n["women_only"]) for n in result["next"]] == [("woman_member", True)]


# -- open seats after a supplementary poll ------------------------------------------------------


def _after(province: str, before: list[tuple[str, str]]) -> dict[str, Any]:
    # Nobody reaches one third of the 600 ballots, so the member seat stays open.
    return villagers(
        province=province,
        poll="supplementary",
        posts=[{"post": "member", "seats": 1}],
        electorate=1000,
        voted=600,
        ballots_issued=600,
        elected_before=[
            {"name": name, "sex": "F" if i == 0 else "M", "post": post_name}
            for i, (name, post_name) in enumerate(before)
        ],
        ballots=[{"n": 150, "member": ["P"]}, {"n": 140, "member": ["Q"]}, {"n": 310}],
    )


THREE = [("X", "director"), ("Y", "member"), ("Z", "member")]
FOUR = [*THREE, ("W", "member")]


@pytest.mark.parametrize(
    ("province", "before", "note"),
    [
        ("33", THREE, "浙江省村民委员会选举办法 第三十条：当选人数已达3人，不足的名额可以暂缺"),
        ("51", THREE, "四川省村民委员会选举条例 第三十八条：当选人数已达3人，不足的名额可以暂缺"),
        (
            "11",
            FOUR,
            "北京市村民委员会选举办法 第三十条：当选人数已达4人，是否另行选举由村民会议决定",
        ),
        (
            "31",
            THREE,
            "上海市村民委员会选举办法 第二十一条：当选人数已达3人，是否另行选举由村民会议决定",
        ),
    ],
)
def test_after_a_supplementary_poll_the_open_seat_may_stay_empty(
    province: str, before: list[tuple[str, str]], note: str, tmp_path: Path
) -> None:
    result = run_both(_after(province, before), tmp_path)
    assert post(result, "member")["open"] == 1
    assert result["next"] == []
    assert note in result["rules"]


@pytest.mark.parametrize(
    ("province", "before"),
    [
        ("33", THREE[:2]),
        ("51", THREE[:2]),
        ("11", THREE),  # 北京 30: more than three
        ("11", [("V", "member"), *FOUR[1:]]),  # 北京 30: and the director
        ("31", THREE[:2]),
    ],
)
def test_too_few_elected_hold_another_supplementary_poll(
    province: str, before: list[tuple[str, str]], tmp_path: Path
) -> None:
    result = run_both(_after(province, before), tmp_path)
    assert [(n["poll"], n["post"], n["candidates"]) for n in result["next"]] == [
        ("supplementary", "member", ["P", "Q"])
    ]
    assert not any("暂缺" in rule or "村民会议决定" in rule for rule in result["rules"])
