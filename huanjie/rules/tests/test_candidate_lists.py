"""`huanjie tally` refuses a first poll whose candidate list breaks the profile's 差额 for a post
(RULES.md V8, P3, §5 "Candidate surplus"): exit 2 and one Chinese line naming the post, the
seats, the candidates, the number the profile allows and its article. Polls without a list,
supplementary polls and run-offs have their own rules and are not held to the 差额."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from huanjie.rules import PollFileError, poll_from_json, tally
from huanjie.rules.tests.support import POLLS, run_both, run_cli, villagers

TOO_FEW = POLLS / "surplus_too_few.json"
TOO_MANY = POLLS / "surplus_too_many.json"


def _load(path: Path) -> dict[str, Any]:
    poll: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return poll


def _refused(poll: dict[str, Any], tmp_path: Path) -> str:
    code, out, err = run_cli(poll, tmp_path)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "Traceback" not in err
    line = err.rstrip("\n")
    # The Python API raises the same error.
    with pytest.raises(PollFileError) as raised:
        tally(poll_from_json(poll))
    assert str(raised.value) == line and raised.value.field == "candidates"
    return line


def _candidates(post: str, *names: str) -> list[dict[str, str]]:
    return [{"name": name, "sex": "M", "post": post} for name in names]


def test_a_list_too_short_for_a_post(tmp_path: Path) -> None:
    # One candidate for the one director seat: 等额, which the national law forbids.
    assert _refused(_load(TOO_FEW), tmp_path) == (
        "candidates：主任应选1名，候选人应当不少于2名，现为1名（村民委员会组织法(2025) 第十八条）"
    )


def test_a_list_too_long_for_a_post(tmp_path: Path) -> None:
    # 四川省村民委员会选举条例 第二十二条: 委员 seats + 1 to 3, so 5 to 7 for four seats.
    assert _refused(_load(TOO_MANY), tmp_path) == (
        "candidates：委员应选4名，候选人应当为5至7名，现为8名（四川省村民委员会选举条例 第二十二条）"
    )


def test_the_same_polls_with_lawful_lists_tally(tmp_path: Path) -> None:
    few = _load(TOO_FEW)
    few["candidates"].append({"name": "李强", "sex": "M", "post": "director"})
    assert run_both(few, tmp_path)["elected"] == ["张伟", "刘洋", "王芳", "陈静"]
    many = _load(TOO_MANY)
    many["candidates"] = [c for c in many["candidates"] if c["name"] != "冯雪"]
    assert run_both(many, tmp_path)["elected"] == ["张伟", "刘洋", "孙丽", "王芳", "陈静"]


@pytest.mark.parametrize(
    ("poll", "line"),
    [
        (
            # 四川 22: 主任 exactly seats + 1.
            villagers(
                province="51",
                posts=[{"post": "director", "seats": 1}, {"post": "member", "seats": 3}],
                candidates=_candidates("director", "A", "B", "C")
                + _candidates("member", "D", "E", "F", "G"),
            ),
            "candidates：主任应选1名，候选人应当为2名，现为3名（四川省村民委员会选举条例 第二十二条）",
        ),
        (
            # 北京 16: every post seats + 1 to 2.
            villagers(
                province="11",
                posts=[{"post": "deputy_director", "seats": 1}, {"post": "member", "seats": 3}],
                candidates=_candidates("deputy_director", "A", "B", "C", "H")
                + _candidates("member", "D", "E", "F", "G"),
            ),
            "candidates：副主任应选1名，候选人应当为2至3名，现为4名（北京市村民委员会选举办法 第十六条）",
        ),
        (
            # A poll with a list must list every post's candidates.
            villagers(
                posts=[{"post": "director", "seats": 1}, {"post": "member", "seats": 3}],
                candidates=_candidates("member", "D", "E", "F", "G"),
            ),
            "candidates：主任应选1名，候选人应当不少于2名，现为0名（村民委员会组织法(2025) 第十八条）",
        ),
        (
            # 中国共产党基层组织选举工作条例 第十三条: 7 + ⌈7 × 20%⌉ = 9 (RULES.md §8.37).
            {
                "body": "party",
                "election_date": "2026-05-10",
                "poll": "first",
                "posts": [{"post": "member", "seats": 7}],
                "candidates": _candidates("member", *"ABCDEFGH"),
                "electorate": 50,
                "voted": 45,
                "ballots_issued": 45,
                "ballots": [],
            },
            "candidates：委员应选7名，候选人应当不少于9名，现为8名（中国共产党基层组织选举工作条例 第十三条）",
        ),
        (
            # The 2018 law for a first poll held in 2025: 第十五条.
            villagers(
                election_date="2025-11-20",
                candidates=_candidates("member", "D", "E", "F"),
            ),
            "candidates：委员应选3名，候选人应当不少于4名，现为3名（村民委员会组织法(2018) 第十五条）",
        ),
    ],
    ids=[
        "sichuan-director-too-many",
        "beijing-deputy-too-many",
        "post-without-list",
        "party",
        "2018",
    ],
)
def test_each_breach_is_one_line(poll: dict[str, Any], line: str, tmp_path: Path) -> None:
    assert _refused(poll, tmp_path) == line


def test_the_first_breach_in_the_files_order_of_posts_is_named(tmp_path: Path) -> None:
    poll = villagers(
        posts=[{"post": "member", "seats": 3}, {"post": "director", "seats": 1}],
        candidates=_candidates("director", "A") + _candidates("member", "D"),
    )
    assert _refused(poll, tmp_path).startswith("candidates：委员应选3名")


def test_another_fault_of_the_file_is_named_first(tmp_path: Path) -> None:
    poll = villagers(
        candidates=_candidates("member", "D"),
        ballots=[{"n": 1, "director": ["A"]}],
    )
    code, _, err = run_cli(poll, tmp_path)
    assert (code, err) == (2, "ballots[0].director：本次投票没有“director”职位\n")


@pytest.mark.parametrize(
    "poll",
    [
        # 自荐直选 / 海选: no list, nothing to check.
        villagers(candidates=[], ballots=[{"n": 500, "member": ["A", "B", "C"]}]),
        # 另行选举: the first poll's highest unelected (村民委员会组织法(2025) 第十八条), however many.
        villagers(
            poll="supplementary",
            posts=[{"post": "member", "seats": 1}],
            candidates=_candidates("member", "D"),
            elected_before=[
                {"name": "A", "sex": "F", "post": "member"},
                {"name": "B", "sex": "M", "post": "member"},
            ],
            ballots=[{"n": 300, "member": ["D"]}],
        ),
        # 再次投票 among the tied (浙江 28): the tied people, however many.
        villagers(
            province="33",
            poll="runoff",
            posts=[{"post": "member", "seats": 2}],
            candidates=_candidates("member", "C", "D", "E", "F", "G", "H"),
            ballots=[{"n": 300, "member": ["C", "D"]}],
        ),
        # 书记 and 副书记 may be elected 等额 (RULES.md P12).
        {
            "body": "party",
            "election_date": "2026-05-10",
            "poll": "first",
            "posts": [{"post": "secretary", "seats": 1}, {"post": "deputy_secretary", "seats": 1}],
            "candidates": _candidates("secretary", "A") + _candidates("deputy_secretary", "B"),
            "electorate": 7,
            "voted": 7,
            "ballots_issued": 7,
            "ballots": [{"n": 7, "secretary": ["A"], "deputy_secretary": ["B"]}],
        },
        # 河南 residents under the 2018 text: 等额 allowed (河南省办法 第九条).
        {
            "body": "residents",
            "province": "41",
            "election_date": "2025-11-20",
            "poll": "first",
            "posts": [{"post": "member", "seats": 5}],
            "candidates": _candidates("member", *"ABCDE"),
            "electorate": 900,
            "voted": 500,
            "ballots_issued": 500,
            "ballots": [{"n": 500, "member": list("ABCDE")}],
        },
    ],
    ids=["no-list", "supplementary", "runoff", "party-secretary", "henan-residents-2018"],
)
def test_lists_the_surplus_does_not_govern_tally(poll: dict[str, Any], tmp_path: Path) -> None:
    assert run_both(poll, tmp_path)["valid"] is True
