"""The ballot paper as an A4 PDF (issue 11 item 1): the posts in order with their seats, the
candidates in the poll's order, as many 另选他人 cells as seats, the instructions, one numbered
page per ballot of a box, the specimen with the boxes' cover page, and the rehearsal's
watermark on every page."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from huanjie.polls.ballot_pdf import (
    MAX_COPIES,
    ballot_context,
    ballot_parts,
    ballot_pdf,
    box_range,
)
from huanjie.polls.models import BallotBox, Poll, PollKind, PollPost
from huanjie.polls.services.lifecycle import poll_create_first
from huanjie.polls.services.setup import ballots_issue, box_add
from huanjie.polls.tests.conftest import DIRECTORS, MEMBERS

# Set HUANJIE_BALLOT_PNG=/tmp to keep the first page of each PDF rendered as PNG (to look at).
KEEP_PNG = os.environ.get("HUANJIE_BALLOT_PNG", "")


def _box(poll: Poll, name: str, first: int, last: int, **fields: Any) -> BallotBox:
    """A box with the ballots `first`..`last` issued to it, by the poll's town officer."""
    box = box_add(actor=poll.created_by, poll=poll, name=name, **fields)
    return ballots_issue(actor=poll.created_by, box=box, count=last - first + 1, serial_from=first)


def _text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def _compact(pdf: bytes) -> str:
    """The text in the order it is drawn, without spaces: the rotated watermark comes out one
    character a line in the layout mode."""
    raw = subprocess.run(
        ["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return re.sub(r"\s+", "", raw)


def _pages(pdf: bytes) -> tuple[int, str]:
    info = subprocess.run(
        ["pdfinfo", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    size = re.search(r"Page size:\s+(.*)", info).group(1)  # type: ignore[union-attr]
    return pages, size


def _keep(pdf: bytes, name: str, tmp_path: Path) -> None:
    if not KEEP_PNG:
        return
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    out = Path(KEEP_PNG) / f"ballot-{name}"
    subprocess.run(["pdftoppm", "-png", "-r", "110", str(path), str(out)], check=True)


def test_the_specimen_prints_the_posts_candidates_write_in_cells_and_instructions(poll, tmp_path):
    _box(poll, "中心会场", 1, 300, place="村委会礼堂")
    _box(poll, "流动票箱1", 301, 330, mobile=True)
    pdf = ballot_pdf(poll)
    _keep(pdf, "specimen", tmp_path)
    pages, size = _pages(pdf)
    assert pages == 2  # the cover and the specimen
    assert "595" in size and "841" in size  # A4 in points
    text = _text(pdf)
    assert text.count("桥头镇红河限村第13届村民委员会选举选票") == 2
    assert "第一次投票" in text and "编号 样票" in text
    # The cover lists each box with its copies and serial range.
    assert "中心会场" in text and "0001—0300" in text and "0301—0330" in text
    assert "流动票箱" in text
    for name in DIRECTORS + MEMBERS:
        assert name in text
    assert "应选1名" in text and "应选3名" in text
    # As many 另选他人 cells as seats: 1 for the director, 3 for the members.
    assert text.count("另选他人") - text.count("另选他人的") - text.count("“另选他人”") == 4
    assert "划“○”" in text and "划“×”" in text
    assert "多于应选名额的为无效票" in text
    assert "蓝色或黑色" in text
    assert "演练" not in _compact(pdf)


def test_the_candidates_keep_the_poll_s_order(poll):
    order = list(
        PollPost.objects.get(poll=poll, post="member")
        .candidates.order_by("position")
        .values_list("name", flat=True)
    )
    assert sorted(order) == sorted(MEMBERS)
    members = next(p for p in ballot_context(poll)["posts"] if p["label"] == "委员")
    assert [c.name for c in members["rows"][0] if not c.write_in] == order
    assert [c.write_in for c in members["rows"][0]].count(True) == 3


def test_a_box_prints_one_numbered_ballot_per_serial(poll, tmp_path):
    box = _box(poll, "中心会场", 98, 102)
    pdf = ballot_pdf(poll, box)
    _keep(pdf, "box", tmp_path)
    pages, _ = _pages(pdf)
    assert pages == 5
    text = _text(pdf)
    assert [f"{n:04d}" for n in range(98, 103)] == re.findall(r"编号 (\d{4})", text)
    assert "样票" not in text and "选票印制与发放清单" not in text


def test_a_part_of_a_box_s_range_prints_alone(poll):
    box = _box(poll, "中心会场", 1, 3000)
    with pytest.raises(ValidationError) as exc:
        box_range(box)
    assert exc.value.messages == [
        "中心会场的选票编号为1至3000，共3000张，每次最多生成500张，请分段下载"
    ]
    assert list(box_range(box, 2001, 2003)) == [2001, 2002, 2003]
    assert ballot_parts(box)[0] == (1, 500) and ballot_parts(box)[-1] == (2501, 3000)
    assert len(box_range(box, 1, MAX_COPIES)) == MAX_COPIES
    with pytest.raises(ValidationError):
        box_range(box, 2999, 3001)


def test_a_box_without_serials_is_refused_in_chinese(poll):
    box = box_add(actor=poll.created_by, poll=poll, name="流动票箱1", mobile=True)
    with pytest.raises(ValidationError) as exc:
        ballot_pdf(poll, box)
    assert exc.value.messages == ["流动票箱1尚未设置选票编号，请先登记发放的选票及其编号"]


def test_a_rehearsal_carries_the_watermark_on_every_page(world, tmp_path):
    poll = poll_create_first(actor=world.cast.town_officer, election=world.election, rehearsal=True)
    box = _box(poll, "演练票箱", 1, 3)
    pdf = ballot_pdf(poll, box)
    _keep(pdf, "rehearsal", tmp_path)
    assert _compact(pdf).count("演练·非正式选票") == 3
    assert _compact(ballot_pdf(poll)).count("演练·非正式选票") == 2  # cover and specimen


def test_a_run_off_has_no_write_in_cells(poll):
    runoff_poll = Poll.objects.create(
        election=poll.election,
        number=2,
        kind=PollKind.RUNOFF,
        status="setup",
        follows=poll,
        held_on=poll.held_on,
        created_by=poll.created_by,
    )
    post = PollPost.objects.create(poll=runoff_poll, post="member", seats=1)
    post.candidates.create(name="刘洋", sex="M", position=1)
    post.candidates.create(name="陈静", sex="F", position=2)
    context = ballot_context(runoff_poll)
    assert [c.name for c in context["posts"][0]["rows"][0]] == ["刘洋", "陈静"]
    assert not any("另选他人" in line for line in context["instructions"])
    assert "再次投票" in _text(ballot_pdf(runoff_poll))


def test_a_women_only_post_says_so(poll):
    PollPost.objects.filter(poll=poll, post="member").update(women_only=True)
    context = ballot_context(poll)
    assert [p["women_only"] for p in context["posts"]] == [False, True]
    text = _text(ballot_pdf(poll))
    assert "限选妇女" in text and "只能选妇女" in text


def test_many_candidates_wrap_into_rows_of_ten(poll):
    post = PollPost.objects.get(poll=poll, post="member")
    for i in range(8):
        post.candidates.create(name=f"候选{i}", sex="M", position=10 + i)
    rows = next(p for p in ballot_context(poll)["posts"] if p["label"] == "委员")["rows"]
    assert [len(r) for r in rows] == [10, 6]  # 13 names and 3 write-in cells


def test_the_party_ballot_asks_yes_no_or_abstain(cast, tmp_path):
    from huanjie.polls.tests.conftest import make_world

    world = make_world(cast, voters=0)
    poll = poll_create_first(actor=cast.town_officer, election=world.election)
    # The Party's ballot: the same grid, its own words (中国共产党基层组织选举工作条例 第二十五条);
    # only the wording is looked at here, so the election is taken as the Party's in memory.
    poll.election.body = "party"
    poll.mode = "members"
    context = ballot_context(poll)
    assert context["party"] and context["meeting"] == "党员大会"
    words = "".join(context["instructions"])
    assert "赞成的" in words and "不赞成的，划“×”" in words and "弃权的，不划任何符号" in words
    assert "投不赞成票者可以另选他人" in words and "弃权者不得另选他人" in words
    pdf = ballot_pdf(poll)
    _keep(pdf, "party", tmp_path)
    assert "村党组织选举选票" in _text(pdf)
