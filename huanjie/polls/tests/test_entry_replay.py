"""The issue's replay: 500 tally sheets (计票结果报告单) typed twice, blind; the second clerk
mistypes 2 % of the fields (a wrong digit, two digits swapped, one off, two candidates' rows
swapped). Every mistyped field is among the differences and nothing else is; closing is refused
until they are settled; keeping the first entry's values gives back exactly the true figures."""

from __future__ import annotations

import random
from typing import Any

import pytest

from huanjie.polls import figures, keyboard
from huanjie.polls.models import SheetStatus
from huanjie.polls.services import entry as s
from huanjie.polls.services.closing import closing_problems
from huanjie.polls.tests.test_entry import counting

SHEETS = 500
BOXES = 50  # ten counting groups each
RATE = 0.02
SEED = 20260510
WRITE_INS = ["马小军", "韩建国", "祁玉兰"]


def true_figures(rnd: random.Random, layout: keyboard.Layout) -> dict[str, Any]:
    """A counting group's plausible sheet: a few hundred ballots, a few invalid and blank,
    the votes of each post within its seats, now and then a write-in."""
    returned = rnd.randint(150, 600)
    invalid = rnd.randint(0, returned // 30)
    valid = returned - invalid
    blank = rnd.randint(0, valid // 40)
    marking = valid - blank
    reasons: dict[str, int] = {}
    if invalid:
        split = rnd.randint(0, invalid)
        reasons = {
            k: n for k, n in (("无法辨认", split), ("所选人数多于应选人数", invalid - split)) if n
        }
    votes: dict[str, dict[str, int]] = {}
    for post in layout.posts:
        by_name: dict[str, int] = {}
        left = marking * post.seats
        for c in post.candidates:
            share = rnd.randint(marking // 4, marking)
            by_name[c.name] = min(share, left, marking)
            left -= by_name[c.name]
        if rnd.random() < 0.3:
            by_name[rnd.choice(WRITE_INS)] = min(rnd.randint(1, 9), max(left, 0)) or 1
        votes[post.post] = by_name
    spoiled = rnd.randint(0, 3)
    return {
        "returned": returned,
        "valid": valid,
        "invalid": invalid,
        "blank": blank,
        "spoiled": spoiled,
        "replaced": spoiled,
        "invalid_reasons": reasons,
        "votes": votes,
    }


def _wrong_digit(rnd: random.Random, n: int) -> int:
    digits = list(str(n))
    i = rnd.randrange(len(digits))
    digits[i] = rnd.choice([d for d in "0123456789" if d != digits[i]])
    return int("".join(digits))


def _transposed(n: int) -> int | None:
    digits = list(str(n))
    for i in range(len(digits) - 1):
        if digits[i] != digits[i + 1]:
            digits[i], digits[i + 1] = digits[i + 1], digits[i]
            return int("".join(digits))
    return None


def mistype(rnd: random.Random, flat: dict[str, Any], key: str) -> set[str]:
    """Change `flat[key]` as a clerk would mistype it; the keys changed (a swapped row changes
    two)."""
    kind = rnd.choice(("digit", "transposition", "off_by_one", "row_swap"))
    value = flat[key]
    if kind == "row_swap" and key.startswith("votes."):
        post = key.split(".")[1]
        rows = [k for k in flat if k.startswith(f"votes.{post}.") and k != key and flat[k] != value]
        if rows:
            other = rnd.choice(rows)
            flat[key], flat[other] = flat[other], value
            return {key, other}
    if kind == "transposition" and (swapped := _transposed(value)) is not None:
        flat[key] = swapped
    elif kind == "off_by_one":
        flat[key] = value + 1 if value == 0 or rnd.random() < 0.5 else value - 1
    else:
        flat[key] = _wrong_digit(rnd, value)
    return {key}


@pytest.mark.slow
def test_500_sheets_with_2_percent_mistyped_are_all_caught_before_closing(world, poll):
    rnd = random.Random(SEED)
    cast = world.cast
    clerk1, clerk2, coordinator = cast.village_clerk, cast.town_officer, cast.county_officer
    boxes = counting(world, poll, boxes=BOXES, issued=1000)
    layout = s.layout_of(poll)

    sheets = [
        s.sheet_create(actor=clerk1, poll=poll, box=boxes[i % BOXES], method="sheet")
        for i in range(SHEETS)
    ]
    truths = [true_figures(rnd, layout) for _ in sheets]
    flats = [figures.flatten(t) for t in truths]
    every_field = [(i, key) for i, flat in enumerate(flats) for key in flat]
    chosen = rnd.sample(every_field, round(RATE * len(every_field)))
    typed = [dict(flat) for flat in flats]
    for i, key in chosen:
        mistype(rnd, typed[i], key)
    # What the second clerk got wrong, field by field (a row swap can undo an earlier typo).
    wrong = {
        (i, key)
        for i, flat in enumerate(flats)
        for key in set(flat) | set(typed[i])
        if flat.get(key, 0) != typed[i].get(key, 0)
    }
    assert len(wrong) >= len(chosen) * 0.9

    for sheet, truth, second in zip(sheets, truths, typed, strict=True):
        first_entry = s.entry_start(actor=clerk1, sheet=sheet)
        s.entry_save(actor=clerk1, entry=first_entry, figures=truth)
        s.entry_finish(actor=clerk1, entry=first_entry)
        second_entry = s.entry_start(actor=clerk2, sheet=sheet)
        s.entry_save(actor=clerk2, entry=second_entry, figures=figures.unflatten(second))
        s.entry_finish(actor=clerk2, entry=second_entry)

    caught = set()
    for i, sheet in enumerate(sheets):
        sheet.refresh_from_db()
        open_, derived = s.sheet_differences(sheet)
        assert derived == []
        caught |= {(i, d.field) for d in open_}
        assert sheet.status == (SheetStatus.DIFFERENT if open_ else SheetStatus.AGREED)
    assert caught == wrong

    # Nothing mistyped reaches the closing: its boxes have no figures, closing is refused.
    by_box = s.poll_figures(poll)
    held = {boxes[i % BOXES].pk for i, _ in wrong}
    assert {box for box, f in by_box.items() if f is None} == held
    problems = closing_problems(poll)
    assert sum("尚未核对一致" in p for p in problems) == len({i for i, _ in wrong})

    for i, sheet in enumerate(sheets):
        keys = [key for j, key in wrong if j == i]
        if keys:
            s.sheet_decide(actor=coordinator, sheet=sheet, decisions=dict.fromkeys(keys, "first"))
    for sheet, truth in zip(sheets, truths, strict=True):
        sheet.refresh_from_db()
        assert sheet.status == SheetStatus.AGREED
        assert sheet.agreed == figures.clean_figures(truth, layout)
    totals = s.poll_figures(poll)
    for b, box in enumerate(boxes):
        expected: dict[str, Any] = {}
        for truth in truths[b::BOXES]:
            figures.add_figures(expected, truth)
        assert totals[box.pk] == expected
