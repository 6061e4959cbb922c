"""The ballot screen's keyboard syntax: one typed line → one ballot, or a clear Chinese reason;
and the alignment of two readings of the same ballots."""

import re

import pytest

from huanjie.polls.figures import align
from huanjie.polls.keyboard import (
    INVALID_REASONS,
    BallotSyntaxError,
    Layout,
    Parsed,
    PostLayout,
    Printed,
    ballot_words,
    parse_ballot,
    parse_command,
)

LAYOUT = Layout(
    (
        PostLayout("director", "主任", 1, (Printed(1, "张伟", "zw"), Printed(2, "李强", "lq"))),
        PostLayout(
            "member",
            "委员",
            3,
            (
                Printed(1, "王芳", "wf"),
                Printed(2, "刘洋", "ly"),
                Printed(3, "陈静", "cj"),
                Printed(4, "赵敏", "zm"),
                Printed(5, "孙丽", "sl"),
            ),
        ),
    )
)
ONE_POST = Layout((LAYOUT.posts[1],))
TWELVE = Layout(
    (PostLayout("member", "委员", 7, tuple(Printed(i, f"候选{i}", "") for i in range(1, 13))),)
)


@pytest.mark.parametrize(
    ("typed", "picks"),
    [
        ("1/2 4 5", {"director": ["张伟"], "member": ["刘洋", "赵敏", "孙丽"]}),
        ("1/245", {"director": ["张伟"], "member": ["刘洋", "赵敏", "孙丽"]}),
        ("2/5,4，1", {"director": ["李强"], "member": ["王芳", "赵敏", "孙丽"]}),
        ("lq/WF cj", {"director": ["李强"], "member": ["王芳", "陈静"]}),
        ("/1 2 3", {"member": ["王芳", "刘洋", "陈静"]}),
        ("1/", {"director": ["张伟"]}),
        ("+马六/1 +马小军", {"director": ["马六"], "member": ["王芳", "马小军"]}),
        ("１／２　３", {"director": ["张伟"], "member": ["刘洋", "陈静"]}),  # full-width keys
        ("张伟/王芳", {"director": ["张伟"], "member": ["王芳"]}),
        ("/", {}),
    ],
)
def test_it_reads_a_ballot_by_numbers_initials_and_names(typed, picks):
    assert parse_ballot(typed, LAYOUT) == Parsed(picks=picks)


def test_a_printed_name_written_in_counts_for_that_candidate_in_its_order():
    assert parse_ballot("/+陈静 1", LAYOUT).picks == {"member": ["王芳", "陈静"]}


@pytest.mark.parametrize("typed", ["", "-", "  ", "－"])
def test_an_empty_line_is_a_blank_ballot_which_is_valid(typed):
    parsed = parse_ballot(typed, LAYOUT)
    assert parsed.blank and not parsed.invalid


@pytest.mark.parametrize(("typed", "code"), [("x1", "1"), ("X 2", "2"), ("*3", "3"), ("04", "4")])
def test_x_and_a_code_is_an_invalid_ballot_with_its_reason(typed, code):
    assert parse_ballot(typed, LAYOUT) == Parsed(invalid=True, reason=INVALID_REASONS[code])


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("x", "无效票请输入 x 加原因编号"),
        ("x9", "无效票请输入 x 加原因编号"),
        ("0", "无效票请输入 x 加原因编号"),
        ("1 2 3", "本选票有2个职位（主任/委员），请用“/”分隔"),
        ("1/2/3", "本选票有2个职位"),
        ("3/1", "主任没有第3号候选人"),
        ("1/1 6", "委员没有第6号候选人"),
        ("1/1 1", "委员重复选了王芳"),
        ("1/1 wf", "委员重复选了王芳"),
        ("qq/1", "主任没有简拼为“qq”的候选人"),
        ("1/马六", "“马六”不是委员的候选人；另选他人请输入“+马六”"),
        ("1/+", "另选他人请输入“+姓名”"),
    ],
)
def test_it_refuses_what_names_no_ballot_and_says_why(typed, message):
    with pytest.raises(BallotSyntaxError, match=re.escape(message)):
        parse_ballot(typed, LAYOUT)


def test_ambiguous_initials_ask_for_the_number():
    layout = Layout(
        (PostLayout("member", "委员", 2, (Printed(1, "王芳", "wf"), Printed(2, "吴飞", "wf"))),)
    )
    with pytest.raises(BallotSyntaxError, match="对应委员的多名候选人"):
        parse_ballot("wf", layout)


def test_with_ten_or_more_candidates_numbers_are_read_whole():
    assert parse_ballot("12 1", TWELVE).picks == {"member": ["候选1", "候选12"]}
    assert parse_ballot("3", ONE_POST).picks == {"member": ["陈静"]}


def test_more_names_than_seats_are_kept_as_read_and_flagged_on_screen():
    parsed = parse_ballot("/1 2 3 4", LAYOUT)
    assert parsed.picks["member"] == ["王芳", "刘洋", "陈静", "赵敏"]
    words = ballot_words(parsed.picks, parsed.invalid, parsed.reason, LAYOUT)
    assert words == "委员：王芳、刘洋、陈静、赵敏（多于应选3名）"


def test_the_echo_names_write_ins_and_invalid_ballots():
    parsed = parse_ballot("1/2 +马六", LAYOUT)
    assert ballot_words(parsed.picks, False, "", LAYOUT) == "主任：张伟；委员：刘洋、马六（另选）"
    assert ballot_words({}, True, "无法辨认", LAYOUT) == "无效票（无法辨认）"
    assert ballot_words({}, False, "", LAYOUT) == "弃权票（未选任何人）"


def test_commands_correct_a_ballot_or_take_back_the_last():
    command = parse_command("#17 2/1", LAYOUT)
    assert (command.kind, command.seq) == ("correct", 17)
    assert command.ballot == Parsed(picks={"director": ["李强"], "member": ["王芳"]})
    assert parse_command("#-", LAYOUT).kind == "undo"
    assert parse_command("#5", LAYOUT).ballot == Parsed()
    assert parse_command("1/", LAYOUT).kind == "enter"
    with pytest.raises(BallotSyntaxError, match="更正请输入"):
        parse_command("#abc", LAYOUT)


def test_alignment_pairs_a_mistyped_ballot_and_isolates_a_missed_one():
    a = [(i, c) for i, c in enumerate("ABCDEFG", 1)]
    mistyped = [(i, c) for i, c in enumerate("ABCXEFG", 1)]
    assert [p for p in align(a, mistyped) if p[1] != p[3]] == [(4, "D", 4, "X")]
    missed = [(i, c) for i, c in enumerate("ABDEFG", 1)]
    assert [p for p in align(a, missed) if p[1] != p[3]] == [(3, "C", None, None)]
    doubled = [(i, c) for i, c in enumerate("ABCCDEFG", 1)]
    assert [p for p in align(a, doubled) if p[1] != p[3]] == [(None, None, 4, "C")]
    assert [p for p in align(a, a[:-1]) if p[1] != p[3]] == [(7, "G", None, None)]
