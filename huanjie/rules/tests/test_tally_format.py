"""The examples of TALLY_FORMAT.md: the poll file in, the result's shape out, the reason codes,
standard input, and a void poll that is not an error."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from huanjie.rules.cli import main
from huanjie.rules.tests.support import POLLS, ballots_for, post, run_both, run_cli, villagers

EXAMPLE = POLLS / "tally_format_example.json"


def _cli_file(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main([str(path)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    result: dict[str, Any] = json.loads(out)
    return result


def test_the_input_example_counts(capsys: pytest.CaptureFixture[str]) -> None:
    result = _cli_file(EXAMPLE, capsys)
    assert list(result) == ["valid", "reasons", "rules", "ballots", "posts", "elected", "next"]
    assert result["valid"] is True and result["reasons"] == []
    # The example's `rules` (村民委员会组织法(2025) 第十八条, 浙江省…第二十七条) come first.
    assert result["rules"][:2] == [
        "村民委员会组织法(2025) 第十八条",
        "浙江省村民委员会选举办法 第二十七条",
    ]
    # The two ballots naming four people for three member seats are invalid under 浙江 27 (and
    # RULES.md §8.13), so 302 valid / 5 invalid in the document's sketch become 300 / 7, and
    # 王芳 has 300 votes, not 302.
    assert result["ballots"] == {"returned": 307, "valid": 300, "invalid": 7}
    director = post(result, "director")
    assert director == {
        "post": "director",
        "seats": 1,
        "threshold": 311,
        "votes": {"张伟": 300},
        "elected": [],
        "open": 1,
    }
    assert post(result, "member")["threshold"] == 311
    assert post(result, "member")["votes"]["王芳"] == 300
    assert result["elected"] == []
    first = result["next"][0]
    assert list(first) == ["poll", "post", "seats", "candidates", "women_only"]
    assert first["poll"] == "supplementary" and first["post"] == "director"
    assert first["candidates"][0] == "张伟" and first["women_only"] is False


def test_the_output_is_indented_chinese_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "张伟" in out and "\\u" not in out
    assert out.startswith('{\n  "valid": true,')


def test_it_reads_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from_file = _cli_file(EXAMPLE, capsys)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(EXAMPLE.read_bytes())))
    assert main(["-"]) == 0
    assert json.loads(capsys.readouterr().out) == from_file


def test_the_console_command_dispatches_tally(capsys: pytest.CaptureFixture[str]) -> None:
    from huanjie.cli import main as console

    assert console(["huanjie", "tally", str(EXAMPLE)]) == 0
    assert json.loads(capsys.readouterr().out)["valid"] is True


def test_a_void_poll_exits_0_with_its_reasons(tmp_path: Path) -> None:
    poll = villagers(
        electorate=1000, voted=500, ballots_issued=499, ballots=[{"n": 500, "member": ["A"]}]
    )
    code, out, err = run_cli(poll, tmp_path)
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert result["valid"] is False
    assert result["reasons"] == ["turnout_not_over_half", "ballots_exceed_issued"]
    assert result["elected"] == [] and post(result, "member")["open"] == 3
    # The vote is held again.
    assert result["next"] == [
        {"poll": "first", "post": "member", "seats": 3, "candidates": [], "women_only": False}
    ]


@pytest.mark.parametrize(
    ("poll", "reason"),
    [
        (villagers(electorate=1000), "turnout_not_over_half"),
        (
            {
                "body": "party",
                "election_date": "2026-05-10",
                "poll": "first",
                "posts": [{"post": "member", "seats": 1}],
                "electorate": 50,
                "voted": 40,
                "ballots_issued": 40,
                "ballots": [],
            },
            "quorum_not_met",
        ),
        (villagers(ballots_issued=400, ballots=[{"n": 401}]), "ballots_exceed_issued"),
        (villagers(voted=500, ballots=[{"n": 501}], ballots_issued=600), "ballots_exceed_voters"),
    ],
    ids=["turnout", "quorum", "issued", "voters"],
)
def test_each_reason_code(poll: dict[str, Any], reason: str, tmp_path: Path) -> None:
    result = run_both(poll, tmp_path)
    assert result["valid"] is False and reason in result["reasons"]


def test_a_void_mobile_box_is_left_out(tmp_path: Path) -> None:
    # 海南省村民委员会选举办法 第二十九条: the box alone is void.
    poll = villagers(
        province="46",
        ballots=ballots_for({"A": 400, "B": 400, "C": 400}, 3, 487),
        boxes=[{"box": "流动1", "listed": 12, "ballots": [{"n": 13, "member": ["D"]}]}],
    )
    result = run_both(poll, tmp_path)
    assert result["valid"] is True
    assert result["reasons"] == ["box_void:流动1"]
    assert result["ballots"]["returned"] == 487
    assert "D" not in post(result, "member")["votes"]
    assert "海南省村民委员会选举办法 第二十九条" in result["rules"]


def test_a_province_without_a_profile_says_so(tmp_path: Path) -> None:
    result = run_both(villagers(province="44", ballots=[{"n": 500, "member": ["A"]}]), tmp_path)
    assert result["rules"][0] == "本系统未收录广东省的选举办法，仅适用全国性法律"
