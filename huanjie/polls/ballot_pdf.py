"""The ballot paper (选票, WORKFLOW.md §4) of a poll as an A4 PDF ready to print.

One page per ballot: the header (town, village, term, body), the poll's kind and date, one block
per post in the poll's order with its seats, the printed candidates in their order (the order of
the formal list; a supplementary poll's is by first-round votes; the Party's by 姓氏笔画), each
with a 符号格, then as many 另选他人 cells as seats where the rules allow writing in, the marking
instructions, a blank area for the election committee's seal, and the ballot's serial number.

Asked for a box (`box`), the PDF holds one numbered ballot per serial of the box's range (at most
`MAX_COPIES` a file: a larger range is printed in parts, `first`/`last`); without one, a cover
page listing the boxes with their copies and serial ranges, then one specimen (样票). A
rehearsal's every page carries a large "演练 · 非正式选票" across it, so that no rehearsal paper can
be taken for a ballot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from django.core.exceptions import ValidationError

from huanjie.elections.models import Body
from huanjie.lib.dates import cn_date
from huanjie.lib.pdf import render_pdf
from huanjie.polls.models import BallotBox, Poll, PollKind
from huanjie.polls.services.lifecycle import poll_profile
from huanjie.rules.messages import MEETING_NAMES

# One file holds at most this many ballots: WeasyPrint lays out every page anew (60-90 ms a
# ballot measured here, so 2,000 would take about three minutes) and a sync worker must answer
# well within gunicorn's 120 s. A larger box is printed in parts (`ballot_parts`).
MAX_COPIES: Final = 500
# Cells per row of a post's block: ten columns of 17 mm fit a name of four characters.
CELLS_PER_ROW: Final = 10

MSG_NO_SERIALS: Final = "{box}尚未设置选票编号，请先登记发放的选票及其编号"
MSG_TOO_MANY: Final = (
    "{box}的选票编号为{first}至{last}，共{count}张，每次最多生成{cap}张，请分段下载"
)
MSG_RANGE: Final = "选票编号应在{first}至{last}之间，且起始编号不大于截止编号"
MSG_NO_POSTS: Final = "该投票没有职位，无法生成选票"

WATERMARK: Final = "演练 · 非正式选票"
SPECIMEN: Final = "样票"


@dataclass(frozen=True)
class Cell:
    name: str  # "" for a 另选他人 cell
    write_in: bool = False


def _cells(post: Any, write_ins: bool) -> list[list[Cell]]:
    printed = [Cell(c.name) for c in post.candidates.all()]
    # 自荐直选 prints no names: the voter writes every name (the cells are the ballot).
    blank = post.seats if (write_ins or not printed) else 0
    cells = printed + [Cell("", write_in=True)] * blank
    return [cells[i : i + CELLS_PER_ROW] for i in range(0, len(cells), CELLS_PER_ROW)] or [[]]


def _instructions(poll: Poll, write_ins: bool, posts: list[dict[str, Any]]) -> list[str]:
    """The marking instructions (WORKFLOW.md §4 选票), as the poll's rules have them."""
    profile = poll_profile(poll)
    seats = "、".join(f"{p['label']}{p['seats']}名" for p in posts)
    party = poll.election.body == Body.PARTY
    lines = [f"本选票应选{seats}。"]
    if party:
        # 中国共产党基层组织选举工作条例 第二十五条: 赞成、不赞成、弃权; 投不赞成票者可以另选他人.
        lines.append(
            "对候选人赞成的，在其姓名下方的符号格内划“○”；不赞成的，划“×”；弃权的，不划任何符号。"
        )
        if write_ins:
            lines.append(
                "投不赞成票者可以另选他人：在“另选他人”格内写上所选人的姓名，并在其下方的符号格内"
                "划“○”；弃权者不得另选他人。"
            )
    else:
        # 村民委员会选举规程(民发〔2013〕76号) and the provinces' measures: 同意 ○, 不同意 ×.
        lines.append(
            "对候选人同意的，在其姓名下方的符号格内划“○”；不同意的，划“×”；不划符号的视为弃权。"
        )
        if write_ins:
            lines.append(
                "另选他人的，在“另选他人”格内写上所选人的姓名，并在其下方的符号格内划“○”；"
                "只写姓名不划“○”的，不计票。"
            )
    if profile.overvote.value == "post":
        # 河南省村民委员会选举办法 第三十四条 etc.: an overvote voids that post's part only.
        lines.append("每个职位所划“○”的人数等于或少于应选名额的有效，多于应选名额的该职位无效。")
    else:
        lines.append("每个职位所划“○”的人数等于或少于应选名额的为有效票，多于应选名额的为无效票。")
    if profile.same_person_two_posts.value and len(posts) > 1:
        lines.append("同一人不得同时被选为两个以上职位，否则该选票无效。")
    if any(p["women_only"] for p in posts):
        lines.append("标明“限选妇女”的职位，只能选妇女。")
    lines.append("请用蓝色或黑色的钢笔、签字笔、圆珠笔填写，字迹清楚，不得涂改。")
    return lines


def ballot_context(poll: Poll) -> dict[str, Any]:
    """What every ballot of `poll` prints (its serial number apart)."""
    profile = poll_profile(poll)
    election = poll.election
    village = election.village.region
    town = village.parent.display_name if village.parent else ""
    # A run-off is among the tied people only: nobody else can be written in.
    write_ins = bool(profile.write_ins.value) and poll.kind != PollKind.RUNOFF
    posts = [
        {
            "label": post.get_post_display(),
            "seats": post.seats,
            "women_only": post.women_only,
            "rows": _cells(post, write_ins),
        }
        for post in poll.posts.prefetch_related("candidates")
    ]
    if not posts:
        raise ValidationError(MSG_NO_POSTS)
    party = election.body == Body.PARTY
    return {
        "title": (
            f"{town}{village.display_name}第{election.village.campaign.term_number}届"
            f"{election.get_body_display()}选举选票"
        ),
        "meeting": MEETING_NAMES.get(poll.mode, "") if party else "",
        "kind": poll.get_kind_display(),
        "number": poll.number,
        "date": cn_date(poll.held_on),
        "posts": posts,
        "instructions": _instructions(poll, write_ins, posts),
        "party": party,
        "seal": "党组织（章）" if party else "选举委员会（章）",
        "rehearsal": poll.rehearsal,
        "watermark": WATERMARK,
    }


def _serial_width(box: BallotBox | None, boxes: list[BallotBox]) -> int:
    top = max((b.serial_to or 0 for b in ([box] if box else boxes)), default=0)
    return max(4, len(str(top)))


def box_range(box: BallotBox, first: int | None = None, last: int | None = None) -> range:
    """The serials printed for `box`: its whole range, or the part `first`..`last` of it;
    refused (a Chinese ValidationError) without a range, outside it, or above MAX_COPIES."""
    if box.serial_from is None or box.serial_to is None:
        raise ValidationError(MSG_NO_SERIALS.format(box=box.name))
    low = box.serial_from if first is None else first
    high = box.serial_to if last is None else last
    if not box.serial_from <= low <= high <= box.serial_to:
        raise ValidationError(MSG_RANGE.format(first=box.serial_from, last=box.serial_to))
    if high - low + 1 > MAX_COPIES:
        raise ValidationError(
            MSG_TOO_MANY.format(
                box=box.name, first=low, last=high, count=high - low + 1, cap=MAX_COPIES
            )
        )
    return range(low, high + 1)


def ballot_parts(box: BallotBox) -> list[tuple[int, int]]:
    """The box's serial range cut into files of at most MAX_COPIES ballots.

    >>> ballot_parts(BallotBox(serial_from=1, serial_to=1200))
    [(1, 500), (501, 1000), (1001, 1200)]
    >>> ballot_parts(BallotBox())
    []
    """
    if box.serial_from is None or box.serial_to is None:
        return []
    starts = range(box.serial_from, box.serial_to + 1, MAX_COPIES)
    return [(n, min(n + MAX_COPIES - 1, box.serial_to)) for n in starts]


def _serials(box: BallotBox) -> range:
    if box.serial_from is None or box.serial_to is None:
        return range(0)
    return range(box.serial_from, box.serial_to + 1)


def _cover_row(box: BallotBox, width: int) -> dict[str, Any]:
    """A box on the cover page: its ballots issued, serial range and copies to print."""
    serials = _serials(box)
    return {
        "name": box.name,
        "place": box.place,
        "mobile": box.mobile,
        "issued": box.issued,
        "serials": f"{str(serials[0]).zfill(width)}—{str(serials[-1]).zfill(width)}"
        if serials
        else "",
        "copies": len(serials),
    }


def ballot_pdf(
    poll: Poll, box: BallotBox | None = None, first: int | None = None, last: int | None = None
) -> bytes:
    """The ballots of `box` numbered (its range, or `first`..`last` of it), or without a box the
    cover page of the boxes and one specimen."""
    context = ballot_context(poll)
    boxes = list(poll.boxes.all())
    width = _serial_width(box, boxes)
    if box is not None:
        serials = [str(n).zfill(width) for n in box_range(box, first, last)]
        context |= {"serials": serials, "box": box}
    else:
        cover = [_cover_row(b, width) for b in boxes]
        context |= {
            "serials": [SPECIMEN],
            "specimen": True,
            "cover": cover,
            "total_issued": sum(b.issued for b in boxes),
            "total_copies": sum(len(_serials(b)) for b in boxes),
        }
    return render_pdf("polls/ballot.html", context)
