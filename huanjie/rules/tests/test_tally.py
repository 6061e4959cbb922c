"""The count under each province's own rules: ballot validity, vote transfer, the women's seat,
vacancies after a supplementary poll, run-offs, write-ins and the other bodies. Each case runs
through the Python API and the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from huanjie.rules.tests.support import ballots_for, post, run_both, villagers

DIRECTOR_AND_TWO = [{"post": "director", "seats": 1}, {"post": "member", "seats": 2}]


def _transfer_poll(province: str) -> dict[str, Any]:
    # 600 voted, threshold 301. Nobody wins 主任: A 290, B 280. 委员 of their own: C 570, D 290,
    # E 280, A 30.
    # C is a woman, so 海南 32's women's seat plays no part.
    return villagers(
        province=province,
        posts=DIRECTOR_AND_TWO,
        electorate=1000,
        voted=600,
        ballots_issued=600,
        people=[{"name": "C", "sex": "F"}],
        ballots=[
            {"n": 290, "director": ["A"], "member": ["C", "D"]},
            {"n": 280, "director": ["B"], "member": ["C", "E"]},
            {"n": 30, "member": ["A"]},
        ],
    )


@pytest.mark.parametrize(
    ("province", "article"),
    [("46", "海南省村民委员会选举办法 第三十一条"), ("13", "河北省村民委员会选举办法 第二十九条")],
)
def test_higher_post_votes_count_toward_the_lower_post(
    province: str, article: str, tmp_path: Path
) -> None:
    result = run_both(_transfer_poll(province), tmp_path)
    member = post(result, "member")
    assert member["votes"]["A"] == 320 and member["votes"]["B"] == 280
    assert member["elected"] == ["C", "A"]
    assert article in result["rules"]
    # A now sits as a member, so the director's supplementary poll is B's alone.
    assert result["next"][0]["post"] == "director"
    assert result["next"][0]["candidates"] == ["B"]


def test_zhejiang_counts_each_post_separately(tmp_path: Path) -> None:
    result = run_both(_transfer_poll("33"), tmp_path)
    assert post(result, "member")["votes"]["A"] == 30
    assert post(result, "member")["elected"] == ["C"]


def test_a_transferred_vote_counts_once_per_ballot(tmp_path: Path) -> None:
    # 河北 29: a ballot naming A for 主任 and for 委员 gives A one 委员 vote, not two.
    poll = villagers(
        province="13",
        posts=DIRECTOR_AND_TWO,
        electorate=1000,
        voted=600,
        ballots_issued=600,
        ballots=[
            {"n": 300, "director": ["A"], "member": ["A", "C"]},
            {"n": 300, "director": ["B"], "member": ["C"]},
        ],
    )
    member = post(run_both(poll, tmp_path), "member")
    assert member["votes"] == {"C": 600, "A": 300, "B": 300}
    assert member["elected"] == ["C"]


def test_zhejiang_voids_a_ballot_naming_one_person_for_two_posts(tmp_path: Path) -> None:
    # 浙江省村民委员会选举办法 第二十七条.
    ballots = [
        {"n": 400, "director": ["A"], "member": ["B", "C"]},
        {"n": 1, "director": ["A"], "member": ["A", "C"]},
    ]
    poll = villagers(province="33", posts=DIRECTOR_AND_TWO, voted=401, ballots_issued=401)
    poll["ballots"] = ballots
    result = run_both(poll, tmp_path)
    assert result["ballots"] == {"returned": 401, "valid": 400, "invalid": 1}
    assert "浙江省村民委员会选举办法 第二十七条" in result["rules"]


def test_elsewhere_the_director_is_not_also_elected_member(tmp_path: Path) -> None:
    poll = villagers(
        province="31",
        posts=DIRECTOR_AND_TWO,
        ballots=[{"n": 400, "director": ["A"], "member": ["A", "C"]}, {"n": 100}],
    )
    result = run_both(poll, tmp_path)
    assert result["ballots"]["invalid"] == 0
    assert post(result, "director")["elected"] == ["A"]
    assert post(result, "member")["votes"]["A"] == 400
    assert post(result, "member")["elected"] == ["C"]
    assert result["elected"] == ["A", "C"]


@pytest.mark.parametrize(
    ("province", "valid_ballots", "member_votes"),
    [("51", 400, {"C": 400}), ("13", 401, {"C": 401})],
    ids=["sichuan-whole-ballot", "hebei-that-post-only"],
)
def test_an_overvote_on_one_post(
    province: str, valid_ballots: int, member_votes: dict[str, int], tmp_path: Path
) -> None:
    # 四川 32: "每一选票上所选的每项职务人数多于应选人数的，选票无效"; 河北 28: "部分无效票".
    poll = villagers(
        province=province,
        posts=DIRECTOR_AND_TWO,
        voted=401,
        ballots_issued=401,
        ballots=[
            {"n": 400, "director": ["A"], "member": ["C"]},
            {"n": 1, "director": ["A", "B"], "member": ["C"]},
        ],
    )
    result = run_both(poll, tmp_path)
    assert result["ballots"]["valid"] == valid_ballots
    assert post(result, "member")["votes"] == member_votes


def _supplementary(province: str, before: list[tuple[str, str]], seats: int = 1) -> dict[str, Any]:
    # Nobody reaches one third of the 600 ballots.
    return villagers(
        province=province,
        poll="supplementary",
        posts=[{"post": "member", "seats": seats}],
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
    ("province", "before", "stays_empty"),
    [
        ("33", THREE, True),  # 浙江 30: three elected
        ("33", THREE[:2], False),
        ("51", THREE, True),  # 四川 38
        ("", THREE, True),  # the law's minimum of three (our reading of 第八条)
        ("11", THREE, False),  # 北京 30: more than three, and the director
        ("11", FOUR, True),
        ("11", [("V", "member"), *FOUR[1:]], False),
        ("46", [("V", "member"), *FOUR[1:]], False),  # 海南 34: the director is missing
    ],
)
def test_open_seats_after_a_supplementary_poll(
    province: str, before: list[tuple[str, str]], stays_empty: bool, tmp_path: Path
) -> None:
    result = run_both(_supplementary(province, before), tmp_path)
    assert post(result, "member")["elected"] == [] and post(result, "member")["threshold"] == 200
    if stays_empty:
        assert result["next"] == []
        assert any("不足的名额" in r or "村民会议决定" in r for r in result["rules"])
    else:
        assert result["next"] == [
            {
                "poll": "supplementary",
                "post": "member",
                "seats": 1,
                "candidates": ["P", "Q"],
                "women_only": False,
            }
        ]


def _first(province: str, director_votes: int) -> dict[str, Any]:
    # 主任 A gets `director_votes` of 500; 委员 W, B, C get 500 each and D 200, so the fourth
    # 委员 seat is short.
    ballots: list[dict[str, Any]] = [
        {"n": director_votes, "director": ["A"], "member": ["W", "B", "C"]},
        {"n": 200, "member": ["W", "B", "C", "D"]},
    ]
    if director_votes < 300:
        ballots.append({"n": 300 - director_votes, "member": ["W", "B", "C"]})
    return villagers(
        province=province,
        posts=[{"post": "director", "seats": 1}, {"post": "member", "seats": 4}],
        # 主任 seats + 1, 委员 seats + 1 (上海 12, 海南 20, 村民委员会组织法(2025) 第十八条); X and Y
        # get no votes.
        candidates=[
            {"name": "A", "sex": "M", "post": "director"},
            {"name": "X", "sex": "M", "post": "director"},
            {"name": "W", "sex": "F", "post": "member"},
            {"name": "B", "sex": "M", "post": "member"},
            {"name": "C", "sex": "M", "post": "member"},
            {"name": "D", "sex": "M", "post": "member"},
            {"name": "Y", "sex": "M", "post": "member"},
        ],
        ballots=ballots,
    )


@pytest.mark.parametrize(
    ("province", "director_votes", "article"),
    [
        ("31", 300, "上海市村民委员会选举办法 第二十一条"),
        ("46", 300, "海南省村民委员会选举办法 第三十四条"),
    ],
)
def test_the_village_meeting_decides_after_a_first_poll(
    province: str, director_votes: int, article: str, tmp_path: Path
) -> None:
    result = run_both(_first(province, director_votes), tmp_path)
    assert result["elected"] == ["A", "B", "C", "W"]
    assert result["next"] == []
    assert f"{article}：当选人数已达4人，是否另行选举由村民会议决定" in result["rules"]


def test_hainan_without_a_director_holds_the_supplementary_poll(tmp_path: Path) -> None:
    result = run_both(_first("46", 200), tmp_path)
    assert [n["post"] for n in result["next"]] == ["director", "member"]


def test_the_national_law_holds_the_supplementary_poll_after_a_first_poll(
    tmp_path: Path,
) -> None:
    result = run_both(_first("", 300), tmp_path)
    assert result["next"][0]["post"] == "member"
    assert result["next"][0]["candidates"] == ["D"]


ZJ_POSTS = [
    {"post": "director", "seats": 1},
    {"post": "woman_member", "seats": 1},
    {"post": "member", "seats": 2},
]


def test_zhejiang_relists_the_womens_post_when_no_woman_is_elected(tmp_path: Path) -> None:
    # 浙江省村民委员会选举办法 第二十一条、第二十九条; a man cannot take the women's post.
    poll = villagers(
        province="33",
        posts=ZJ_POSTS,
        people=[{"name": "F1", "sex": "F"}, {"name": "F2", "sex": "F"}, {"name": "F3", "sex": "F"}],
        ballots=[
            {"n": 300, "director": ["A"], "woman_member": ["M9"], "member": ["B", "C"]},
            {"n": 120, "woman_member": ["F1"]},
            {"n": 80, "woman_member": ["F2"]},
        ],
    )
    result = run_both(poll, tmp_path)
    assert post(result, "woman_member")["elected"] == []
    assert result["next"] == [
        {
            "poll": "supplementary",
            "post": "woman_member",
            "seats": 1,
            "candidates": ["F1", "F2"],
            "women_only": True,
        }
    ]
    assert "浙江省村民委员会选举办法 第二十九条" in result["rules"]


def test_zhejiang_an_empty_womens_post_is_an_ordinary_seat_once_a_woman_is_elected(
    tmp_path: Path,
) -> None:
    poll = villagers(
        province="33",
        posts=ZJ_POSTS,
        people=[{"name": "F1", "sex": "F"}],
        ballots=[
            {"n": 300, "director": ["A"], "member": ["F1", "C"]},
            {"n": 200, "woman_member": ["F2"], "member": ["D"]},
        ],
    )
    result = run_both(poll, tmp_path)
    assert post(result, "member")["elected"] == ["C", "F1"]
    assert result["next"] == [
        {
            "poll": "supplementary",
            "post": "member",
            "seats": 1,
            "candidates": ["D"],
            "women_only": False,
        }
    ]


def test_sichuan_women_tied_for_the_womens_seat_vote_again(tmp_path: Path) -> None:
    counts = {"M1": 700, "M2": 650, "M3": 600, "W1": 510, "W2": 510}
    poll = villagers(
        province="51",
        people=[{"name": "W1", "sex": "F"}, {"name": "W2", "sex": "F"}],
        ballots=ballots_for(counts, 3, 1000),
        electorate=1500,
        voted=1000,
        ballots_issued=1000,
    )
    result = run_both(poll, tmp_path)
    assert post(result, "member")["elected"] == ["M1", "M2"]
    assert result["next"] == [
        {
            "poll": "runoff",
            "post": "member",
            "seats": 1,
            "candidates": ["W1", "W2"],
            "women_only": True,
        }
    ]


def test_sichuan_a_woman_above_half_displaces_the_third_man(tmp_path: Path) -> None:
    poll = villagers(
        province="51",
        people=[{"name": "W1", "sex": "F"}, {"name": "W2", "sex": "F"}],
        ballots=[
            {"n": 300, "member": ["M1", "M2", "W1"]},
            {"n": 200, "member": ["M1", "M2", "M3"]},
            {"n": 60, "member": ["M3", "W2"]},
        ],
        voted=560,
        ballots_issued=560,
    )
    result = run_both(poll, tmp_path)
    # threshold 281: M1 500, M2 500, W1 300, M3 260 → W1 takes the women's seat.
    assert post(result, "member")["elected"] == ["M1", "M2", "W1"]


def test_a_runoff_counts_only_the_tied_people(tmp_path: Path) -> None:
    poll = villagers(
        province="33",
        poll="runoff",
        posts=[{"post": "member", "seats": 1}],
        candidates=[
            {"name": "C", "sex": "M", "post": "member"},
            {"name": "D", "sex": "M", "post": "member"},
        ],
        elected_before=[
            {"name": "A", "sex": "F", "post": "member"},
            {"name": "B", "sex": "M", "post": "member"},
        ],
        ballots=[
            {"n": 200, "member": ["C"]},
            {"n": 150, "member": ["D"]},
            {"n": 150, "member": ["E"]},
        ],
    )
    result = run_both(poll, tmp_path)
    assert post(result, "member")["votes"] == {"C": 200, "D": 150}
    assert result["elected"] == ["C"] and result["next"] == []
    assert post(result, "member")["threshold"] == 1


def test_a_tied_runoff_is_held_again(tmp_path: Path) -> None:
    poll = villagers(
        poll="runoff",
        posts=[{"post": "member", "seats": 1}],
        candidates=[
            {"name": "C", "sex": "M", "post": "member"},
            {"name": "D", "sex": "M", "post": "member"},
        ],
        ballots=[{"n": 250, "member": ["C"]}, {"n": 250, "member": ["D"]}],
    )
    result = run_both(poll, tmp_path)
    assert result["elected"] == []
    assert result["next"][0]["poll"] == "runoff"
    assert result["next"][0]["candidates"] == ["C", "D"]


def test_someone_elected_before_is_not_elected_again(tmp_path: Path) -> None:
    poll = villagers(
        poll="supplementary",
        posts=[{"post": "member", "seats": 1}],
        elected_before=[{"name": "A", "sex": "F", "post": "director"}],
        ballots=[{"n": 400, "member": ["A"]}, {"n": 100, "member": ["B"]}],
    )
    assert run_both(poll, tmp_path)["elected"] == []


def test_a_write_in_winner_goes_to_qualification_review(tmp_path: Path) -> None:
    poll = villagers(
        province="51",
        # 委员 seats + 1 to 3 (四川 22); B, C and D get no votes, 甲 and 乙 are written in.
        candidates=[
            {"name": "A", "sex": "F", "post": "member"},
            {"name": "B", "sex": "M", "post": "member"},
            {"name": "C", "sex": "M", "post": "member"},
            {"name": "D", "sex": "M", "post": "member"},
        ],
        ballots=[{"n": 400, "member": ["A", "甲", "乙"]}, {"n": 100}],
    )
    result = run_both(poll, tmp_path)
    assert result["elected"] == ["A", "乙", "甲"]
    assert (
        "四川省村民委员会选举条例 第三十五条：另选他人当选的，应当进行资格审查" in result["rules"]
    )


def test_sichuan_rules_apply_only_from_2026(tmp_path: Path) -> None:
    poll = villagers(
        province="51", election_date="2025-11-20", ballots=[{"n": 500, "member": ["A", "B", "C"]}]
    )
    result = run_both(poll, tmp_path)
    assert result["rules"][0].startswith("四川省村民委员会选举条例自2026年1月1日起施行")
    assert result["rules"][1] == "村民委员会组织法(2018) 第十五条"
    assert not any(r.startswith("四川省村民委员会选举条例 第") for r in result["rules"])


def test_residents_in_a_province_with_village_rules_get_the_national_law(tmp_path: Path) -> None:
    poll = villagers(
        body="residents",
        province="33",
        mode="households",
        posts=[{"post": "member", "seats": 5}],
        ballots=[{"n": 500, "member": ["A", "B", "C", "D", "E"]}],
    )
    result = run_both(poll, tmp_path)
    assert result["rules"][:2] == [
        "浙江省村民委员会选举办法不适用于居民委员会选举，仅适用全国性法律",
        "城市居民委员会组织法(2025) 第十九条",
    ]
    assert result["elected"] == ["A", "B", "C", "D", "E"]


def test_a_supervision_committee_is_counted_by_the_village_majorities(tmp_path: Path) -> None:
    poll = villagers(
        body="supervision",
        posts=[{"post": "director", "seats": 1}, {"post": "member", "seats": 2}],
        ballots=[{"n": 300, "director": ["A"], "member": ["B", "C"]}, {"n": 200}],
    )
    result = run_both(poll, tmp_path)
    assert result["elected"] == ["A", "B", "C"]
    assert result["rules"][0].startswith("村务监督委员会成员由村民会议或者村民代表会议推选产生")


def _party(**fields: Any) -> dict[str, Any]:
    poll: dict[str, Any] = {
        "body": "party",
        "election_date": "2026-05-10",
        "poll": "first",
        "posts": [{"post": "member", "seats": 3}],
        "electorate": 30,
        "voted": 28,
        "ballots_issued": 28,
        "ballots": [],
    }
    poll.update(fields)
    return poll


def test_party_more_ballots_than_members_present_is_void(tmp_path: Path) -> None:
    # 中国共产党基层组织选举工作条例 第二十七条.
    result = run_both(_party(ballots_issued=30, ballots=[{"n": 29, "member": ["A"]}]), tmp_path)
    assert result["valid"] is False and result["reasons"] == ["ballots_exceed_voters"]


def test_party_supplementary_keeps_more_than_half_of_those_present(tmp_path: Path) -> None:
    # 中国共产党基层组织选举工作条例 第二十八条: no one-third rule for the Party.
    poll = _party(
        poll="supplementary",
        posts=[{"post": "member", "seats": 1}],
        ballots=[{"n": 14, "member": ["A"]}, {"n": 10, "member": ["B"]}, {"n": 4}],
    )
    result = run_both(poll, tmp_path)
    assert post(result, "member")["threshold"] == 15
    assert result["elected"] == []
    assert result["next"][0]["candidates"] == ["A", "B"]
    assert any("也可以减少名额" in r for r in result["rules"])


def test_party_ballot_naming_more_than_the_seats_is_invalid(tmp_path: Path) -> None:
    poll = _party(
        ballots=[{"n": 27, "member": ["A", "B", "C"]}, {"n": 1, "member": ["A", "B", "C", "D"]}]
    )
    result = run_both(poll, tmp_path)
    assert result["ballots"] == {"returned": 28, "valid": 27, "invalid": 1}
    assert result["elected"] == ["A", "B", "C"]


def test_hainan_counts_the_threshold_on_ballots_returned(tmp_path: Path) -> None:
    # 海南省村民委员会选举办法 第二十九条: 600 voted, 520 ballots returned → 261, not 301.
    poll = villagers(
        province="46",
        electorate=1000,
        voted=600,
        ballots_issued=600,
        people=[{"name": "A", "sex": "F"}],
        ballots=[{"n": 270, "member": ["A", "B", "C"]}, {"n": 250}],
    )
    result = run_both(poll, tmp_path)
    assert post(result, "member")["threshold"] == 261
    assert result["elected"] == ["A", "B", "C"]


def test_hainan_needs_more_than_half_of_the_electorate_in_ballots_returned(tmp_path: Path) -> None:
    poll = villagers(
        province="46",
        electorate=1000,
        voted=520,
        ballots_issued=520,
        ballots=[{"n": 500, "member": ["A", "B", "C"]}],
    )
    result = run_both(poll, tmp_path)
    assert result["valid"] is False and result["reasons"] == ["turnout_not_over_half"]
    poll["province"] = "33"
    assert run_both(poll, tmp_path)["valid"] is True
