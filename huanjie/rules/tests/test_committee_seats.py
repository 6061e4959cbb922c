"""Post-by-post rounds and the committee's size (RULES.md §9, last bullet): 上海 15, 四川 29,
河北 23 and 海南 26 allow electing the director, the deputies and the members in separate rounds,
so the size limits (村民委员会 3–7, 居民委员会 5–9) bind the committee, not one round. The optional
`committee_seats` gives the whole committee's seats across its rounds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from huanjie.rules import PollFileError, poll_from_json, tally
from huanjie.rules.tests.support import post, run_both, run_cli, villagers


def _residents_members(**fields: Any) -> dict[str, Any]:
    # 3 full-time members of a nine-seat residents' committee, elected in a round of their own.
    poll = villagers(
        body="residents",
        province="31",
        election_date="2013-04-20",
        posts=[{"post": "member", "seats": 3}],
        committee_seats=9,
        candidates=[
            {"name": name, "sex": sex, "post": "member"}
            for name, sex in (("甲", "F"), ("乙", "M"), ("丙", "M"), ("丁", "F"))
        ],
        ballots=[{"n": 400, "member": ["甲", "乙", "丙"]}, {"n": 100, "member": ["丁"]}],
    )
    poll.update(fields)
    return poll


@pytest.mark.parametrize("province", ["31", ""])
def test_a_2013_round_of_three_members_of_a_nine_seat_residents_committee_is_counted(
    province: str, tmp_path: Path
) -> None:
    result = run_both(_residents_members(province=province), tmp_path)
    assert result["valid"] is True and result["elected"] == ["丙", "乙", "甲"]
    assert post(result, "member")["open"] == 0
    # The 1989 text governs a 2013 election (the 2018 amendment dates from 2018-12-29), and the
    # 规程 of 2013-05-02 is not cited for an election of 2013-04-20.
    assert "城市居民委员会组织法(1989) 第七条" in result["rules"]
    assert not any("(2018)" in rule or "(2025)" in rule for rule in result["rules"])
    assert not any("规程" in rule for rule in result["rules"])


def test_a_round_of_members_without_committee_seats_is_counted_too(tmp_path: Path) -> None:
    poll = _residents_members()
    del poll["committee_seats"]
    assert run_both(poll, tmp_path)["elected"] == ["丙", "乙", "甲"]


@pytest.mark.parametrize(
    ("fields", "line"),
    [
        (
            {"committee_seats": 10},
            "committee_seats：居民委员会由主任、副主任和委员共五至九人组成"
            "（城市居民委员会组织法(1989) 第七条），委员会职数为10人",
        ),
        (
            {"committee_seats": 4},
            "committee_seats：居民委员会由主任、副主任和委员共五至九人组成"
            "（城市居民委员会组织法(1989) 第七条），委员会职数为4人",
        ),
        ({"committee_seats": 0}, "committee_seats：至少为1"),
        ({"committee_seats": -1}, "committee_seats：不能为负数"),
        ({"committee_seats": "9"}, "committee_seats：应当是整数"),
        ({"committee_seats": True}, "committee_seats：应当是整数"),
        (
            {
                "committee_seats": 5,
                "poll": "supplementary",
                "elected_before": [
                    {"name": n, "sex": "M", "post": "member"} for n in ("子", "丑", "寅")
                ],
            },
            "posts：本次应选3名，加上已当选的3名，共6名，超过委员会职数5名",
        ),
    ],
    ids=["above-nine", "below-five", "zero", "negative", "string", "boolean", "over-the-committee"],
)
def test_bad_committee_seats_exit_2(fields: dict[str, Any], line: str, tmp_path: Path) -> None:
    poll = _residents_members(**fields)
    assert run_cli(poll, tmp_path) == (2, "", line + "\n")
    with pytest.raises(PollFileError):
        tally(poll_from_json(poll))


def test_without_committee_seats_the_upper_limit_binds_a_round_and_those_before(
    tmp_path: Path,
) -> None:
    # 村民委员会组织法(2025) 第八条: 三至七人; 5 elected before and 3 more would make 8.
    before = [{"name": n, "sex": "M", "post": "member"} for n in ("子", "丑", "寅", "卯", "辰")]
    poll = villagers(poll="supplementary", elected_before=before)
    code, out, err = run_cli(poll, tmp_path)
    assert (code, out) == (2, "")
    assert err == (
        "posts：村民委员会由主任、副主任和委员共三至七人组成（村民委员会组织法(2025) 第八条），"
        "本次共8人\n"
    )


def test_the_lower_limit_binds_a_poll_that_elects_the_whole_committee(tmp_path: Path) -> None:
    whole = villagers(posts=[{"post": "director", "seats": 1}, {"post": "member", "seats": 1}])
    code, _, err = run_cli(whole, tmp_path)
    assert code == 2
    assert err == (
        "posts：村民委员会由主任、副主任和委员共三至七人组成（村民委员会组织法(2025) 第八条），"
        "本次共2人\n"
    )


def test_shanghai_elects_the_posts_round_by_round(tmp_path: Path) -> None:
    # 上海市村民委员会选举办法 第十五条: one round or several; a five-seat committee.
    director = villagers(
        province="31",
        posts=[{"post": "director", "seats": 1}],
        committee_seats=5,
        candidates=[
            {"name": "A", "sex": "M", "post": "director"},
            {"name": "B", "sex": "M", "post": "director"},
        ],
        ballots=[{"n": 400, "director": ["A"]}, {"n": 100, "director": ["B"]}],
    )
    assert run_both(director, tmp_path)["elected"] == ["A"]
    deputy = villagers(
        province="31",
        posts=[{"post": "deputy_director", "seats": 1}],
        committee_seats=5,
        elected_before=[{"name": "A", "sex": "M", "post": "director"}],
        candidates=[
            {"name": "C", "sex": "F", "post": "deputy_director"},
            {"name": "D", "sex": "M", "post": "deputy_director"},
        ],
        ballots=[{"n": 300, "deputy_director": ["C"]}, {"n": 200, "deputy_director": ["D"]}],
    )
    assert run_both(deputy, tmp_path)["elected"] == ["C"]
    members = villagers(
        province="31",
        posts=[{"post": "member", "seats": 3}],
        committee_seats=5,
        elected_before=[
            {"name": "A", "sex": "M", "post": "director"},
            {"name": "C", "sex": "F", "post": "deputy_director"},
        ],
        ballots=[{"n": 500, "member": ["E", "F", "G"]}],
    )
    result = run_both(members, tmp_path)
    assert result["elected"] == ["E", "F", "G"]
    assert "村民委员会组织法(2025) 第八条" in result["rules"]
    # A fourth member would not fit the five seats.
    code, _, err = run_cli({**members, "posts": [{"post": "member", "seats": 4}]}, tmp_path)
    assert code == 2 and err == "posts：本次应选4名，加上已当选的2名，共6名，超过委员会职数5名\n"


def test_committee_seats_on_a_body_without_a_size_rule_still_bounds_the_seats(
    tmp_path: Path,
) -> None:
    # 村党组织: no size in the 条例, but the round's seats must fit the committee given.
    poll = {
        "body": "party",
        "election_date": "2026-05-10",
        "poll": "first",
        "posts": [{"post": "member", "seats": 5}],
        "committee_seats": 3,
        "electorate": 50,
        "voted": 45,
        "ballots_issued": 45,
        "ballots": [],
    }
    code, _, err = run_cli(poll, tmp_path)
    assert code == 2 and err == "posts：本次应选5名，加上已当选的0名，共5名，超过委员会职数3名\n"
