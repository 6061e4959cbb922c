"""The count entered twice, blind: sheets, the two entries (as the sheet's figures or ballot by
ballot), the comparison that shows only what differs, the coordinator's decisions and the
fields sent back, the figures the closing and the hall's board read."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from huanjie.audit.models import AuditEvent
from huanjie.polls import figures, keyboard
from huanjie.polls.models import BallotEntry, SheetDecision, SheetStatus
from huanjie.polls.services import entry as s
from huanjie.polls.services.lifecycle import poll_start_counting
from huanjie.polls.services.setup import ballots_issue, box_add

TRUTH: dict[str, Any] = {
    "returned": 10,
    "valid": 9,
    "invalid": 1,
    "blank": 1,
    "spoiled": 1,
    "replaced": 1,
    "invalid_reasons": {"无法辨认": 1},
    "votes": {
        "director": {"张伟": 6, "李强": 2},
        "member": {"王芳": 7, "刘洋": 5, "陈静": 4, "赵敏": 3, "孙丽": 2, "马六": 1},
    },
}


def counting(world: Any, poll: Any, boxes: int = 1, issued: int = 300) -> list[Any]:
    """`boxes` boxes with ballots, voting opened and the count begun: the boxes."""
    from huanjie.polls.services.lifecycle import poll_open_voting

    actor = world.cast.town_officer
    made = []
    for i in range(boxes):
        box = box_add(actor=actor, poll=poll, name=f"第{i + 1}票箱")
        ballots_issue(actor=actor, box=box, count=issued, serial_from=1 + i * issued)
        made.append(box)
    poll_open_voting(actor=actor, poll=poll)
    poll_start_counting(actor=actor, poll=poll)
    poll.refresh_from_db()
    return made


def both_entries(world: Any, sheet: Any) -> tuple[Any, Any]:
    """Entry 1 by the village clerk, entry 2 by the town officer."""
    cast = world.cast
    return (
        s.entry_start(actor=cast.village_clerk, sheet=sheet),
        s.entry_start(actor=cast.town_officer, sheet=sheet),
    )


def type_ballots(entry: Any, lines: list[str]) -> None:
    layout = s.layout_of(entry.sheet.poll)
    for seq, line in enumerate(lines, 1):
        b = keyboard.parse_ballot(line, layout)
        s.ballot_enter(
            actor=entry.user,
            entry=entry,
            seq=seq,
            picks=b.picks,
            invalid=b.invalid,
            reason=b.reason,
        )


# Typed by name here: the printed order (the numbers) is the fixed list's (姓氏笔画).
BALLOTS = [
    "张伟/王芳 刘洋 陈静",
    "张伟/王芳 刘洋 赵敏",
    "李强/王芳 陈静 孙丽",
    "张伟/刘洋 陈静 +马六",
    "",
    "x1",
    "张伟/王芳 刘洋 陈静",
    "李强/赵敏 孙丽",
]


@pytest.fixture
def box(world, poll):
    return counting(world, poll)[0]


# ---------------------------------------------------------------------------------------------
# Sheets and who enters them.


def test_sheets_of_a_box_are_numbered_by_group_and_a_group_is_taken_once(world, poll, box):
    officer = world.cast.town_officer
    first = s.sheet_create(actor=officer, poll=poll, box=box, method="sheet")
    second = s.sheet_create(actor=officer, poll=poll, box=box, method="ballots")
    assert (first.group, second.group, first.status) == (1, 2, SheetStatus.ENTERING)
    with pytest.raises(ValidationError) as exc:
        s.sheet_create(actor=officer, poll=poll, box=box, method="sheet", group=2)
    assert exc.value.message_dict == {"group": ["第1票箱已有第2计票组的报告单"]}
    with pytest.raises(ValidationError) as exc:
        s.sheet_create(actor=officer, poll=poll, box=box, method="paper")
    assert exc.value.message_dict == {"method": [s.MSG_METHOD]}
    assert AuditEvent.objects.filter(action="poll.sheet_create").count() == 2


def test_nothing_is_entered_unless_the_poll_is_counting(world, poll):
    from huanjie.polls.models import BallotBox

    box = BallotBox.objects.create(poll=poll, name="主票箱", issued=5)
    with pytest.raises(ValidationError, match="只有计票中的投票才能录入计票结果"):
        s.sheet_create(actor=world.cast.town_officer, poll=poll, box=box, method="sheet")


def test_the_second_entry_is_somebody_elses(world, poll, box):
    cast = world.cast
    sheet = s.sheet_create(actor=cast.town_officer, poll=poll, box=box, method="sheet")
    first = s.entry_start(actor=cast.village_clerk, sheet=sheet)
    assert first.number == 1
    # Coming back to an open entry finds it again.
    assert s.entry_start(actor=cast.village_clerk, sheet=sheet).pk == first.pk
    s.entry_save(actor=cast.village_clerk, entry=first, figures=TRUTH)
    s.entry_finish(actor=cast.village_clerk, entry=first)
    with pytest.raises(ValidationError, match=re.escape(s.MSG_SECOND_SAME_USER)):
        s.entry_start(actor=cast.village_clerk, sheet=sheet)
    second = s.entry_start(actor=cast.town_officer, sheet=sheet)
    assert second.number == 2
    with pytest.raises(ValidationError, match=s.MSG_BOTH_TAKEN):
        s.entry_start(actor=cast.county_officer, sheet=sheet)


def test_only_the_entrant_types_into_an_entry(world, poll, box):
    sheet = s.sheet_create(actor=world.cast.town_officer, poll=poll, box=box, method="sheet")
    first, _ = both_entries(world, sheet)
    with pytest.raises(ValidationError, match=s.MSG_NOT_YOUR_ENTRY):
        s.entry_save(actor=world.cast.town_officer, entry=first, figures=TRUTH)


def test_the_differences_stay_hidden_until_both_entries_are_finished(world, poll, box):
    sheet = s.sheet_create(actor=world.cast.town_officer, poll=poll, box=box, method="sheet")
    first, second = both_entries(world, sheet)
    s.entry_save(actor=first.user, entry=first, figures=TRUTH)
    s.entry_finish(actor=first.user, entry=first)
    s.entry_save(actor=second.user, entry=second, figures={**TRUTH, "returned": 11})
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.ENTERING
    assert s.sheet_differences(sheet) == ([], [])
    s.entry_finish(actor=second.user, entry=second)
    sheet.refresh_from_db()
    open_, derived = s.sheet_differences(sheet)
    assert [(d.field, d.first, d.second) for d in open_] == [("returned", 10, 11)]
    assert derived == []


# ---------------------------------------------------------------------------------------------
# The sheet's figures.


def test_equal_entries_agree_on_those_figures(world, poll, box):
    sheet = s.sheet_create(actor=world.cast.town_officer, poll=poll, box=box, method="sheet")
    first, second = both_entries(world, sheet)
    for e in (first, second):
        s.entry_save(actor=e.user, entry=e, figures=TRUTH)
        s.entry_finish(actor=e.user, entry=e)
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.AGREED
    assert sheet.agreed == TRUTH
    finish = AuditEvent.objects.filter(action="poll.sheet_entry_finish").latest("id")
    assert finish.changes["status"] == "agreed"
    assert finish.changes["digest"] == figures.digest(TRUTH)


def test_the_figures_shape_is_checked_field_by_field(world, poll, box):
    sheet = s.sheet_create(actor=world.cast.town_officer, poll=poll, box=box, method="sheet")
    first, _ = both_entries(world, sheet)
    bad = {
        **TRUTH,
        "returned": -1,
        "valid": "9",
        "blank": None,
        "colour": 1,
        "votes": {"director": {"张伟": 6}, "member": {**TRUTH["votes"]["member"], " ": 2}},
    }
    with pytest.raises(ValidationError) as exc:
        s.entry_save(actor=first.user, entry=first, figures=bad)
    assert exc.value.message_dict == {
        "returned": [figures.MSG_NUMBER],
        "valid": [figures.MSG_NUMBER],
        "blank": [figures.MSG_REQUIRED],
        "colour": [figures.MSG_UNKNOWN_FIELD],
        "votes.director.李强": [figures.MSG_REQUIRED],
        "votes.member. ": [figures.MSG_NAME],
    }
    with pytest.raises(ValidationError) as exc:
        s.entry_save(
            actor=first.user,
            entry=first,
            figures={**TRUTH, "votes": {**TRUTH["votes"], "secretary": {}}},
        )
    assert exc.value.message_dict == {"votes.secretary": ["本次投票没有“secretary”职位"]}


def test_names_are_trimmed_and_write_ins_without_votes_dropped(world, poll, box):
    sheet = s.sheet_create(actor=world.cast.town_officer, poll=poll, box=box, method="sheet")
    first, _ = both_entries(world, sheet)
    member = {**TRUTH["votes"]["member"], "  马六 ": 1, "牛七": 0}
    del member["马六"]
    saved = s.entry_save(
        actor=first.user,
        entry=first,
        figures={**TRUTH, "votes": {**TRUTH["votes"], "member": member}},
    )
    assert saved.figures == TRUTH


def test_keep_first_keep_second_and_a_field_sent_back(world, poll, box):
    cast = world.cast
    sheet = s.sheet_create(actor=cast.town_officer, poll=poll, box=box, method="sheet")
    first, second = both_entries(world, sheet)
    typo = {
        **TRUTH,
        "returned": 11,
        "blank": 2,
        "votes": {**TRUTH["votes"], "member": {**TRUTH["votes"]["member"], "王芳": 1}},
    }
    s.entry_save(actor=first.user, entry=first, figures=TRUTH)
    s.entry_finish(actor=first.user, entry=first)
    s.entry_save(actor=second.user, entry=second, figures=typo)
    s.entry_finish(actor=second.user, entry=second)
    sheet.refresh_from_db()
    open_, _ = s.sheet_differences(sheet)
    assert [d.field for d in open_] == ["returned", "blank", "votes.member.王芳"]
    assert [d.label for d in open_] == ["收回选票数", "弃权票数（空白有效票）", "委员·王芳"]

    # An entrant does not settle their own sheet's differences.
    with pytest.raises(ValidationError, match=s.MSG_DECIDER_ENTERED):
        s.sheet_decide(actor=cast.town_officer, sheet=sheet, decisions={"returned": "first"})
    s.sheet_decide(
        actor=cast.county_officer,
        sheet=sheet,
        decisions={"returned": "first", "votes.member.王芳": "rekey"},
        rekey_by="second",
    )
    sheet.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert sheet.status == SheetStatus.ENTERING
    assert (first.rekey, first.finished_at is not None) == ([], True)
    assert (second.rekey, second.finished_at) == (["votes.member.王芳"], None)

    # The entrant types that field and nothing else.
    with pytest.raises(ValidationError) as exc:
        s.entry_save(actor=second.user, entry=second, figures={"returned": 10})
    assert exc.value.message_dict == {
        "returned": ["只需重新录入退回的项目：votes.member.王芳"],
        "votes.member.王芳": [figures.MSG_REQUIRED],
    }
    s.entry_save(actor=second.user, entry=second, figures={"votes": {"member": {"王芳": 7}}})
    s.entry_finish(actor=second.user, entry=second)
    sheet.refresh_from_db()
    # What was kept stays kept; the undecided field is still open.
    open_, _ = s.sheet_differences(sheet)
    assert sheet.status == SheetStatus.DIFFERENT
    assert [d.field for d in open_] == ["blank"]
    s.sheet_decide(actor=cast.county_officer, sheet=sheet, decisions={"blank": "second"})
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.AGREED
    assert sheet.agreed == {**TRUTH, "blank": 2}
    assert list(SheetDecision.objects.filter(sheet=sheet).values_list("field", "choice")) == [
        ("returned", "first"),
        ("votes.member.王芳", "rekey"),
        ("blank", "second"),
    ]


def test_a_decision_names_an_open_difference_and_a_choice(world, poll, box):
    sheet = s.sheet_create(actor=world.cast.town_officer, poll=poll, box=box, method="sheet")
    first, second = both_entries(world, sheet)
    for e, typed in ((first, TRUTH), (second, {**TRUTH, "valid": 8})):
        s.entry_save(actor=e.user, entry=e, figures=typed)
        s.entry_finish(actor=e.user, entry=e)
    sheet.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        s.sheet_decide(
            actor=world.cast.county_officer,
            sheet=sheet,
            decisions={"returned": "first", "valid": "both"},
        )
    assert exc.value.message_dict == {
        "returned": ["没有差异项“returned”"],
        "valid": [s.MSG_CHOICE],
    }


# ---------------------------------------------------------------------------------------------
# Ballot by ballot.


def test_ballots_make_the_figures_when_the_entry_is_finished(world, poll, box):
    sheet = s.sheet_create(actor=world.cast.town_officer, poll=poll, box=box, method="ballots")
    first, second = both_entries(world, sheet)
    for e in (first, second):
        type_ballots(e, BALLOTS)
        s.entry_save(actor=e.user, entry=e, figures={"spoiled": 1, "replaced": 1})
        s.entry_finish(actor=e.user, entry=e)
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.AGREED
    agreed = dict(sheet.agreed or {})
    ballots = agreed.pop("ballots")
    assert agreed == {
        "returned": 8,
        "valid": 7,
        "invalid": 1,
        "blank": 1,
        "spoiled": 1,
        "replaced": 1,
        "invalid_reasons": {"无法辨认": 1},
        "votes": {
            "director": {"张伟": 4, "李强": 2},
            "member": {"王芳": 4, "刘洋": 4, "陈静": 4, "赵敏": 2, "孙丽": 2, "马六": 1},
        },
    }
    assert {"n": 2, "director": ["张伟"], "member": ["王芳", "刘洋", "陈静"]} in ballots
    assert {"n": 1, "invalid": True} in ballots
    assert {"n": 1} in ballots  # the blank ballot
    assert sum(b["n"] for b in ballots) == 8


def test_a_double_entry_that_differs_in_one_ballot_shows_only_that_ballot(world, poll, box):
    cast = world.cast
    sheet = s.sheet_create(actor=cast.town_officer, poll=poll, box=box, method="ballots")
    first, second = both_entries(world, sheet)
    type_ballots(first, BALLOTS)
    typo = list(BALLOTS)
    typo[2] = "李强/王芳 陈静 赵敏"  # ballot 3: 赵敏 for 孙丽
    type_ballots(second, typo)
    for e in (first, second):
        s.entry_finish(actor=e.user, entry=e)
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DIFFERENT
    open_, derived = s.sheet_differences(sheet)
    assert [(d.field, d.label) for d in open_] == [("ballot.3", "第3张选票")]
    assert sorted(open_[0].first["picks"]["member"]) == sorted(["王芳", "陈静", "孙丽"])
    assert sorted(open_[0].second["picks"]["member"]) == sorted(["王芳", "陈静", "赵敏"])
    # The totals that follow are shown beside it, not decided on.
    assert {(d.field, d.first, d.second) for d in derived} == {
        ("votes.member.赵敏", 2, 3),
        ("votes.member.孙丽", 2, 1),
    }

    # Sent back: each entrant retypes ballot 3 only.
    s.sheet_decide(actor=cast.county_officer, sheet=sheet, decisions={"ballot.3": "rekey"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.rekey == second.rekey == ["ballot.3"]
    with pytest.raises(ValidationError, match="只需重新录入退回的项目：第3张选票"):
        s.ballot_enter(actor=second.user, entry=second, seq=9, picks={})
    with pytest.raises(ValidationError) as exc:
        s.ballot_correct(actor=second.user, entry=second, seq=2, picks={})
    assert exc.value.message_dict == {"seq": ["第2张不在退回重录的选票中"]}
    right = {"director": ["李强"], "member": ["王芳", "陈静", "孙丽"]}
    s.ballot_correct(actor=first.user, entry=first, seq=3, picks=right)
    s.ballot_correct(actor=second.user, entry=second, seq=3, picks=right)
    for e in (first, second):
        s.entry_finish(actor=e.user, entry=e)
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.AGREED
    assert sheet.agreed is not None
    assert sheet.agreed["votes"]["member"]["孙丽"] == 2


def test_a_ballot_one_counter_missed_is_one_difference_kept_or_dropped(world, poll, box):
    cast = world.cast
    sheet = s.sheet_create(actor=cast.town_officer, poll=poll, box=box, method="ballots")
    first, second = both_entries(world, sheet)
    type_ballots(first, BALLOTS)
    type_ballots(second, BALLOTS[:3] + BALLOTS[4:])  # missed ballot 4
    for e in (first, second):
        s.entry_finish(actor=e.user, entry=e)
    sheet.refresh_from_db()
    open_, _ = s.sheet_differences(sheet)
    assert [(d.field, d.second) for d in open_] == [("ballot.4", None)]
    with pytest.raises(ValidationError, match="只有一次录入，不能退回重录"):
        s.sheet_decide(actor=cast.county_officer, sheet=sheet, decisions={"ballot.4": "rekey"})
    s.sheet_decide(actor=cast.county_officer, sheet=sheet, decisions={"ballot.4": "first"})
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.AGREED
    assert sheet.agreed == first.sheet.entries.get(number=1).figures


def test_a_counter_fixes_a_typo_in_the_last_ballots_or_takes_one_back(world, poll, box):
    sheet = s.sheet_create(actor=world.cast.town_officer, poll=poll, box=box, method="ballots")
    first, _ = both_entries(world, sheet)
    type_ballots(first, ["张伟/王芳"] * (s.CORRECTABLE + 2))
    with pytest.raises(ValidationError) as exc:
        s.ballot_enter(actor=first.user, entry=first, seq=5, picks={})
    assert exc.value.message_dict == {"seq": ["第5张已录入；如需更正请输入“#5 内容”"]}
    s.ballot_correct(actor=first.user, entry=first, seq=3, picks={"director": ["李强"]})
    with pytest.raises(ValidationError, match="只能更正最近20张选票"):
        s.ballot_correct(actor=first.user, entry=first, seq=2, picks={})
    gone = s.ballot_undo(actor=first.user, entry=first)
    assert gone == {"seq": 22, "ballot": {"picks": {"director": ["张伟"], "member": ["王芳"]}}}
    assert BallotEntry.objects.filter(entry=first).count() == 21
    assert BallotEntry.objects.get(entry=first, seq=3).picks == {"director": ["李强"]}
    # A ballot typed is no audit event (the row is the record); a retyped or withdrawn one is,
    # and the finish pins the ballots as they then are.
    events = AuditEvent.objects.filter(action__startswith="poll.ballot_")
    assert list(events.order_by("id").values_list("action", flat=True)) == [
        "poll.ballot_correct",
        "poll.ballot_undo",
    ]
    correct = events.get(action="poll.ballot_correct")
    assert correct.changes["old"] == {"picks": {"director": ["张伟"], "member": ["王芳"]}}
    s.entry_finish(actor=first.user, entry=first)
    finish = AuditEvent.objects.get(action="poll.sheet_entry_finish")
    assert finish.changes["ballots"] == 21
    assert finish.changes["ballots_digest"] == s.ballots_digest(s.entry_ballots(first))


def test_a_ballot_is_checked_against_the_ballot_paper(world, poll, box):
    sheet = s.sheet_create(actor=world.cast.town_officer, poll=poll, box=box, method="ballots")
    first, _ = both_entries(world, sheet)
    cases: list[tuple[dict[str, Any], dict[str, list[str]]]] = [
        ({"seq": 0, "picks": {}}, {"seq": [s.MSG_SEQ]}),
        ({"seq": 1, "picks": {"secretary": ["张伟"]}}, {"picks": ["本次投票没有“secretary”职位"]}),
        ({"seq": 1, "picks": {"member": ["王芳", " 王芳"]}}, {"picks.member": ["“王芳”重复填写"]}),
        (
            {"seq": 1, "picks": {"member": ["王芳"]}, "invalid": True, "reason": "无法辨认"},
            {"picks": [s.MSG_INVALID_WITH_NAMES]},
        ),
        (
            {"seq": 1, "picks": {}, "invalid": True, "reason": "看不清"},
            {"reason": [s.MSG_REASON.format(codes=keyboard.reason_codes())]},
        ),
    ]
    for kwargs, errors in cases:
        with pytest.raises(ValidationError) as exc:
            s.ballot_enter(actor=first.user, entry=first, **kwargs)
        assert exc.value.message_dict == errors
    with pytest.raises(ValidationError) as exc:
        s.entry_save(actor=first.user, entry=first, figures={"spoiled": 1, "returned": 3})
    assert exc.value.message_dict == {"returned": [figures.MSG_UNKNOWN_FIELD]}
    paper = s.sheet_create(actor=world.cast.town_officer, poll=poll, box=box, method="sheet")
    mine = s.entry_start(actor=first.user, sheet=paper)
    with pytest.raises(ValidationError, match=s.MSG_WRONG_METHOD_BALLOTS):
        s.ballot_enter(actor=first.user, entry=mine, seq=1, picks={})


def test_a_gap_in_the_ballots_stops_the_finish(world, poll, box):
    sheet = s.sheet_create(actor=world.cast.town_officer, poll=poll, box=box, method="ballots")
    first, _ = both_entries(world, sheet)
    s.ballot_enter(actor=first.user, entry=first, seq=1, picks={})
    s.ballot_enter(actor=first.user, entry=first, seq=3, picks={})
    with pytest.raises(ValidationError, match="缺少第2张"):
        s.entry_finish(actor=first.user, entry=first)


# ---------------------------------------------------------------------------------------------
# What the closing and the board read.


def _agree(world: Any, sheet: Any, figures: dict[str, Any]) -> None:
    for e in both_entries(world, sheet):
        s.entry_save(actor=e.user, entry=e, figures=figures)
        s.entry_finish(actor=e.user, entry=e)


def test_the_groups_of_a_box_are_added_up(world, poll):
    boxes = counting(world, poll, boxes=2)
    officer = world.cast.town_officer
    a = s.sheet_create(actor=officer, poll=poll, box=boxes[0], method="sheet")
    b = s.sheet_create(actor=officer, poll=poll, box=boxes[0], method="sheet")
    other = s.sheet_create(actor=officer, poll=poll, box=boxes[1], method="sheet")
    _agree(world, a, TRUTH)
    assert s.poll_figures(poll) == {boxes[0].pk: None, boxes[1].pk: None}
    _agree(world, b, {**TRUTH, "invalid_reasons": {"无法辨认": 0, "非统一印制的选票": 1}})
    figures = s.poll_figures(poll)
    assert figures[boxes[1].pk] is None  # its sheet is still being entered
    total = figures[boxes[0].pk]
    assert total is not None
    assert (total["returned"], total["valid"], total["spoiled"]) == (20, 18, 2)
    assert total["invalid_reasons"] == {"无法辨认": 1, "非统一印制的选票": 1}
    assert total["votes"]["member"]["王芳"] == 14
    assert total["votes"]["member"]["马六"] == 2
    assert "ballots" not in total
    assert other.status == SheetStatus.ENTERING


def test_ballots_of_several_groups_are_aggregated_for_the_engine(world, poll, box):
    officer = world.cast.town_officer
    for _ in range(2):
        sheet = s.sheet_create(actor=officer, poll=poll, box=box, method="ballots")
        for e in both_entries(world, sheet):
            type_ballots(e, BALLOTS)
            s.entry_finish(actor=e.user, entry=e)
    total = s.poll_figures(poll)[box.pk]
    assert total is not None
    assert total["returned"] == 16
    assert {"n": 4, "director": ["张伟"], "member": ["王芳", "刘洋", "陈静"]} in total["ballots"]
    assert sum(b["n"] for b in total["ballots"]) == 16


def test_the_running_count_shows_agreed_sheets_and_first_entries_so_far(
    world, poll, django_assert_max_num_queries
):
    boxes = counting(world, poll, boxes=2)
    officer = world.cast.town_officer
    agreed = s.sheet_create(actor=officer, poll=poll, box=boxes[0], method="sheet")
    _agree(world, agreed, TRUTH)
    reading = s.sheet_create(actor=officer, poll=poll, box=boxes[1], method="ballots")
    first, second = both_entries(world, reading)
    type_ballots(first, BALLOTS[:4])
    type_ballots(second, ["李强/"] * 6)  # the second entry never shows on the board
    count = s.running_count(poll)
    assert count["ballots_counted"] == 14
    director, member = count["posts"]
    assert (director["post"], director["label"], director["seats"]) == ("director", "主任", 1)
    assert _votes(director) == {"张伟": 9, "李强": 3}
    assert director["write_ins"] == []
    assert member["write_ins"] == [{"name": "马六", "votes": 2}]
    # A retyped ballot shows at once.
    s.ballot_correct(actor=first.user, entry=first, seq=1, picks={"director": ["李强"]})
    assert _votes(s.running_count(poll)["posts"][0]) == {"张伟": 8, "李强": 4}
    # The board asks every second: three queries when nothing changed, one more for the
    # ballots added since.
    with django_assert_max_num_queries(3):
        s.running_count(poll)
    s.ballot_enter(actor=first.user, entry=first, seq=5, picks={"director": ["李强"]})
    with django_assert_max_num_queries(4):
        count = s.running_count(poll)
    assert _votes(count["posts"][0]) == {"张伟": 8, "李强": 5}


def _votes(post: dict[str, Any]) -> dict[str, int]:
    return {c["name"]: c["votes"] for c in post["candidates"]}


def test_a_ballot_takes_few_queries(world, poll, box, django_assert_max_num_queries):
    from huanjie.polls.models import SheetEntry

    sheet = s.sheet_create(actor=world.cast.town_officer, poll=poll, box=box, method="ballots")
    first, _ = both_entries(world, sheet)
    s.ballot_enter(actor=first.user, entry=first, seq=1, picks={})
    entry = SheetEntry.objects.select_related(
        "sheet__box", "sheet__poll__election__village__campaign"
    ).get(pk=first.pk)
    actor = type(first.user).objects.get(pk=first.user.pk)
    from huanjie.accounts.permissions import roles_of

    roles_of(actor)
    # Nothing read: the ballot, inside its savepoint.
    with django_assert_max_num_queries(3):
        s.ballot_enter(actor=actor, entry=entry, seq=2, picks={"director": ["张伟"]})
