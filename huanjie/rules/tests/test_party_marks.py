"""Party polls: the 党员大会 ballot's yes / no / abstain marks and write-ins (RULES.md P7, P10),
and the committee's first plenary electing the 书记 and 副书记 (P12)."""

from __future__ import annotations

import contextlib
import copy
import dataclasses
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huanjie.rules import Ballot, PollFileError, poll_from_json, tally
from huanjie.rules.poll import poll_to_json
from huanjie.rules.tests.support import post, run_both, run_cli

NOTE_P7 = (
    "中国共产党基层组织选举工作条例 第二十五条：投不赞成票者可以另选他人，弃权者不能另选他人；"
    "另选他人多于不赞成票的选票无效"
)


def _party(ballots: list[dict[str, Any]], voted: int = 41, **fields: Any) -> dict[str, Any]:
    poll: dict[str, Any] = {
        "body": "party",
        "election_date": "2026-05-10",
        "poll": "first",
        "posts": [{"post": "member", "seats": 2}],
        # 差额不少于应选人数的20% (第十三条): 3 candidates for 2 seats.
        "candidates": [
            {"name": "甲", "sex": "M", "post": "member"},
            {"name": "乙", "sex": "F", "post": "member"},
            {"name": "丙", "sex": "M", "post": "member"},
        ],
        "electorate": 50,
        "voted": voted,
        "ballots_issued": voted,
        "ballots": ballots,
    }
    poll.update(fields)
    return poll


def test_yes_votes_count_for_the_threshold_and_no_and_abstain_are_reported(
    tmp_path: Path,
) -> None:
    # 41 present: more than half is 21 yes votes (第二十八条, RULES.md §8.34).
    poll = _party(
        [
            {"n": 21, "yes": ["甲", "乙"], "no": ["丙"]},
            {"n": 10, "yes": ["丙"], "no": ["甲"], "abstain": ["乙"]},
            {"n": 10, "abstain": ["甲", "乙", "丙"]},
        ]
    )
    result = run_both(poll, tmp_path)
    member = post(result, "member")
    assert member["votes"] == {"乙": 21, "甲": 21, "丙": 10}
    assert member["against"] == {"丙": 21, "甲": 10}
    assert member["abstained"] == {"乙": 20, "甲": 10, "丙": 10}
    assert member["threshold"] == 21 and result["elected"] == ["乙", "甲"]


def test_an_abstainer_may_not_write_in(tmp_path: Path) -> None:
    # P7: "投不赞成票者可以另选他人"; a write-in on a ballot that abstains on the person it
    # replaces makes the ballot invalid; with a no mark it is a vote for the person written in.
    poll = _party(
        [
            {"n": 20, "yes": ["甲"], "abstain": ["乙"], "write_in": ["丁"]},
            {"n": 15, "yes": ["甲"], "no": ["乙"], "write_in": ["丁"]},
            {"n": 6, "yes": ["甲", "乙"]},
        ]
    )
    result = run_both(poll, tmp_path)
    assert result["ballots"] == {"returned": 41, "valid": 21, "invalid": 20}
    member = post(result, "member")
    assert member["votes"] == {"甲": 21, "丁": 15, "乙": 6}
    assert member["against"] == {"乙": 15} and member["abstained"] == {}
    assert NOTE_P7 in result["rules"]


def test_a_ballot_voting_for_more_than_the_seats_with_write_ins_is_invalid(
    tmp_path: Path,
) -> None:
    # 第二十七条: "多于规定应选人数的为无效票"; write-ins count among the people voted for.
    poll = _party([{"n": 41, "yes": ["甲", "乙"], "no": ["丙"], "write_in": ["丁"]}])
    assert run_both(poll, tmp_path)["ballots"]["invalid"] == 41


def test_the_old_ballot_form_still_counts_yes_votes(tmp_path: Path) -> None:
    result = run_both(_party([{"n": 21, "member": ["甲", "丁"]}, {"n": 20}]), tmp_path)
    member = post(result, "member")
    assert member["votes"] == {"丁": 21, "甲": 21}
    assert (member["against"], member["abstained"]) == ({}, {})
    assert result["elected"] == ["丁", "甲"]


def test_marks_per_post_on_a_poll_of_several_posts(tmp_path: Path) -> None:
    poll = _party(
        [
            {
                "n": 30,
                "secretary": {"yes": ["甲"]},
                "member": {"yes": ["乙"], "no": ["丙"], "write_in": ["丁"]},
            },
            {"n": 11, "secretary": {"no": ["甲"]}, "member": {"abstain": ["乙", "丙"]}},
        ],
        posts=[{"post": "secretary", "seats": 1}, {"post": "member", "seats": 2}],
        candidates=[
            {"name": "甲", "sex": "M", "post": "secretary"},
            {"name": "乙", "sex": "F", "post": "member"},
            {"name": "丙", "sex": "M", "post": "member"},
            {"name": "戊", "sex": "M", "post": "member"},
        ],
    )
    result = run_both(poll, tmp_path)
    assert post(result, "secretary")["against"] == {"甲": 11}
    assert post(result, "member")["votes"] == {"丁": 30, "乙": 30}
    assert post(result, "member")["abstained"] == {"丙": 11, "乙": 11}
    assert result["elected"] == ["甲", "丁", "乙"]


def test_committee_results_have_no_marks(tmp_path: Path) -> None:
    poll = {
        "body": "villagers",
        "election_date": "2026-05-10",
        "poll": "first",
        "posts": [{"post": "member", "seats": 3}],
        "electorate": 900,
        "voted": 500,
        "ballots_issued": 500,
        "ballots": [{"n": 500, "member": ["A", "B", "C"]}],
    }
    assert "against" not in post(run_both(poll, tmp_path), "member")


@pytest.mark.parametrize(
    ("ballots", "fields", "line"),
    [
        (
            [{"n": 41, "yes": ["甲"], "no": ["甲"]}],
            {},
            "ballots[0].member：“甲”在同一职位上有两种标记",
        ),
        (
            [{"n": 41, "yes": ["甲"], "no": ["丁"]}],
            {},
            "ballots[0].member：“丁”不是本次投票委员的候选人，另选他人应当填在write_in中",
        ),
        (
            [{"n": 41, "no": ["甲"], "write_in": ["乙"]}],
            {},
            "ballots[0].member：“乙”是委员的候选人，不是另选他人",
        ),
        ([{"n": 41, "yes": ["甲"], "member": ["乙"]}], {}, "ballots[0].member：" + "赞成、不赞成、弃权和另选他人不能与按职位填写的姓名同时使用"),
        ([{"n": 41, "member": {"maybe": ["甲"]}}], {}, "ballots[0].member.maybe：未知字段"),
        ([{"n": 41, "no": "甲"}], {}, "ballots[0].no：应当是数组"),
        ([{"n": 41, "no": [""]}], {}, "ballots[0].no[0]：姓名不能为空"),
        ([{"n": 41, "invalid": True, "no": ["甲"]}], {}, "ballots[0].invalid：标为无效票的选票不应再列出姓名"),
        (
            [{"n": 41, "yes": ["甲"]}],
            {"posts": [{"post": "secretary", "seats": 1}, {"post": "member", "seats": 2}]},
            "ballots[0].yes：本次投票有2个职位，赞成、不赞成、弃权和另选他人应当按职位分别填写",
        ),
        (
            [{"n": 41, "no": ["甲"]}],
            {"candidates": []},
            "ballots[0].member：填写赞成、不赞成、弃权的选票，本次投票应当列出候选人",
        ),
        (
            [{"n": 41, "no": ["甲"]}],
            {"body": "villagers", "electorate": 900},
            "ballots[0].no：只有党组织选举的选票可以填写赞成、不赞成、弃权和另选他人",
        ),
        (
            [{"n": 41, "member": {"no": ["甲"]}}],
            {"body": "villagers", "electorate": 900},
            "ballots[0].member：只有党组织选举的选票可以填写赞成、不赞成、弃权和另选他人",
        ),
    ],
    ids=[
        "marked-twice",
        "no-for-a-non-candidate",
        "write-in-a-candidate",
        "marks-with-a-post-list",
        "unknown-mark",
        "marks-not-a-list",
        "empty-name",
        "invalid-with-marks",
        "marks-on-two-posts",
        "marks-without-a-list",
        "marks-on-a-committee-poll",
        "post-marks-on-a-committee-poll",
    ],
)  # fmt: skip
def test_bad_marks_exit_2(
    ballots: list[dict[str, Any]], fields: dict[str, Any], line: str, tmp_path: Path
) -> None:
    poll = _party(ballots, **fields)
    assert run_cli(poll, tmp_path) == (2, "", line + "\n")
    with pytest.raises(PollFileError) as raised:
        tally(poll_from_json(poll))
    assert raised.value.field == line.split("：")[0]


def test_the_python_api_gives_the_same_errors_for_marks() -> None:
    poll = poll_from_json(_party([]))
    villagers = poll_from_json({**_party([]), "body": "villagers", "electorate": 900})
    marked = Ballot.marked("member", yes=["甲"], no=["乙"], n=41)
    with pytest.raises(PollFileError) as raised:
        tally(dataclasses.replace(villagers, ballots=(marked,)))
    assert raised.value.message == "只有党组织选举的选票可以填写赞成、不赞成、弃权和另选他人"
    result = tally(dataclasses.replace(poll, ballots=(marked,)))
    assert result.post("member").against == (("乙", 41),)


def test_a_marked_poll_writes_back_as_it_was_read() -> None:
    poll = _party(
        [
            {"n": 20, "yes": ["甲"], "no": ["乙"], "write_in": ["丁"]},
            {"n": 11, "member": {"abstain": ["丙"]}},
            {"n": 10, "member": ["甲", "乙"]},
        ]
    )
    parsed = poll_from_json(poll)
    assert poll_from_json(poll_to_json(parsed)) == parsed
    assert tally(poll_from_json(poll_to_json(parsed))) == tally(parsed)


# -- the committee's plenary electing the 书记 and 副书记 (P12) ----------------------------------


def _plenary(voted: int, **fields: Any) -> dict[str, Any]:
    poll: dict[str, Any] = {
        "body": "party",
        "meeting": "committee",
        "election_date": "2026-05-10",
        "poll": "first",
        "posts": [{"post": "secretary", "seats": 1}, {"post": "deputy_secretary", "seats": 1}],
        # 等额: one candidate per seat (RULES.md P12).
        "candidates": [
            {"name": "甲", "sex": "M", "post": "secretary"},
            {"name": "乙", "sex": "F", "post": "deputy_secretary"},
        ],
        "electorate": 7,
        "voted": voted,
        "ballots_issued": voted,
        "ballots": [
            {"n": voted - 1, "secretary": {"yes": ["甲"]}, "deputy_secretary": {"yes": ["乙"]}},
            {"n": 1, "secretary": {"no": ["甲"]}, "deputy_secretary": {"abstain": ["乙"]}},
        ],
    }
    poll.update(fields)
    return poll


def test_the_committee_elects_the_secretary_by_more_than_half_of_those_present(
    tmp_path: Path,
) -> None:
    result = run_both(_plenary(4), tmp_path)
    assert result["valid"] is True and result["elected"] == ["甲", "乙"]
    assert post(result, "secretary")["threshold"] == 3
    assert post(result, "secretary")["against"] == {"甲": 1}
    assert result["rules"][0].startswith("党组织委员会全体会议以等额选举产生书记、副书记")
    # Three of seven is not more than half of the committee: the meeting is not valid (our
    # reading; the 条例 sets no quorum for it that RULES.md records).
    assert run_both(_plenary(3), tmp_path)["reasons"] == ["quorum_not_met"]


def test_the_committee_elects_only_the_secretary_and_deputy(tmp_path: Path) -> None:
    poll = _plenary(4, posts=[{"post": "member", "seats": 1}], candidates=[], ballots=[])
    assert run_cli(poll, tmp_path) == (
        2,
        "",
        "posts[0].post：党组织委员会全体会议只选举书记、副书记\n",
    )


@pytest.mark.parametrize(
    ("fields", "line"),
    [
        ({"meeting": "plenary"}, "meeting：应当是members（党员大会）或committee（党组织委员会全体会议选举书记、副书记）"),
        ({"meeting": 1}, "meeting：应当是字符串"),
        ({"body": "villagers", "posts": [{"post": "member", "seats": 3}], "candidates": [], "ballots": []}, "meeting：只有党组织选举可以设置meeting（选举会议）"),
        ({"voted": 8, "ballots_issued": 8, "ballots": []}, "voted：参加投票人数（8）不能超过委员会委员人数（7）"),
    ],
    ids=["unknown", "not-a-string", "not-party", "more-present-than-members"],
)  # fmt: skip
def test_bad_meeting_exits_2(fields: dict[str, Any], line: str, tmp_path: Path) -> None:
    poll = _plenary(4)
    poll.update(fields)
    assert run_cli(poll, tmp_path) == (2, "", line + "\n")


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 2) | st.sampled_from(["", "甲", "member", "丁"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["yes", "no", "abstain", "write_in", "member", "x"]),
            children,
            max_size=3,
        )
    ),
    max_leaves=6,
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    paths=st.lists(
        st.sampled_from(
            [
                "ballots/0/yes", "ballots/0/no", "ballots/0/no/0", "ballots/0/write_in",
                "ballots/1/member", "ballots/1", "meeting", "committee_seats", "posts/0/women_only",
            ]
        ),
        min_size=1,
        max_size=3,
        unique=True,
    ),
    data=st.data(),
)  # fmt: skip
def test_any_mangled_party_file_exits_0_or_2(
    paths: list[str], data: st.DataObject, tmp_path: Path
) -> None:
    poll = _party(
        [
            {"n": 20, "yes": ["甲"], "no": ["乙"], "write_in": ["丁"]},
            {"n": 21, "member": {"yes": ["甲", "乙"], "abstain": ["丙"]}},
        ]
    )
    for path in paths:
        keys = [int(k) if k.isdigit() else k for k in path.split("/")]
        target: Any = poll
        with contextlib.suppress(KeyError, IndexError, TypeError):
            for key in keys[:-1]:
                target = target[key]
            target[keys[-1]] = data.draw(_json)
    code, out, err = run_cli(copy.deepcopy(poll), tmp_path)
    assert code in (0, 2)
    if code == 2:
        assert out == "" and err.count("\n") == 1 and "Traceback" not in err
