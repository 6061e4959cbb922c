"""Checks on the figures a town enters for one poll's count, before the count is closed: a
numbered catalogue (C01 to C20), each finding an `error` (the count cannot be closed until the
figures are corrected) or a `warning` (it may be closed with a written explanation).

`python -m huanjie.rules.count_checks > docs/count-checks.md` prints the catalogue; a test
compares the committed file with it.

The accounting of one ballot box (票箱), the identities the errors enforce:

- `issued` (发出): every ballot handed out at the box, replacement ballots included.
- `spoiled` (作废): ballots a voter spoiled at the station and handed back, kept apart and never
  put in the box; `replaced` of them were exchanged for a new ballot (换领), so
  `replaced <= spoiled`, and the new ballot is in `issued` too.
- `returned` (收回): the ballots taken out of the box, `returned = valid + invalid`.
- `issued = returned + spoiled + unreturned`, with `unreturned >= 0`: ballots handed out and
  neither returned nor handed back spoiled (a warning: they left the station).
- `blank` (空白票): valid ballots that mark nobody (they count among the valid ballots and the
  ballots cast, RULES.md §7.4), so `blank <= valid`; the votes for a post come from the other
  valid ballots: at most `seats * (valid - blank)` in all, `valid - blank` for one person.

The poll: `returned <= issued` and `returned <= voted` in total (浙江 27, 上海 19, 北京 28, 河南 35,
河北 28, 四川 32, 海南 29; 党 第二十七条: otherwise the vote is void); `voted <= electorate`.

Integer arithmetic only: a rate is a `Rate(part, whole)`, compared by cross-multiplication.

>>> from datetime import date
>>> from huanjie.rules.profiles import effective_profile
>>> hainan = effective_profile("villagers", "46", date(2026, 5, 10))
>>> figures = CountFigures(
...     electorate=1000, voted=620,
...     boxes=(BoxCount("中心会场", issued=600, returned=600, valid=590, invalid=10),
...            BoxCount("流动1", issued=22, returned=20, valid=20, invalid=0, mobile=True,
...                     listed=18)),
...     posts=(PostCount("member", 3, (("王芳", 580), ("刘洋", 300))),))
>>> [(f.code, f.level, f.box) for f in count_checks(figures, hainan)]
[('C12', 'error', '流动1'), ('C15', 'warning', '流动1')]
>>> count_checks(figures, hainan)[0].message
'流动票箱“流动1”收回选票20张，多于公布的使用流动票箱的选民18人，该票箱的选票无效'
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from huanjie.rules.arith import HALF
from huanjie.rules.errors import RulesError
from huanjie.rules.messages import POST_NAMES
from huanjie.rules.profiles import Profile

ERROR: Final = "error"  # blocks closing the count
WARNING: Final = "warning"  # needs a written explanation

# How far from the village's usual turnout (previous term) a turnout is noted, in points.
TURNOUT_SPREAD: Final = 15
# How far above the usual invalid-ballot rate the rate is noted, in points; and the rate noted
# when there is no usual one, in percent.
INVALID_SPREAD: Final = 5
INVALID_CEILING: Final = 10


@dataclass(frozen=True)
class Check:
    """One entry of the catalogue: its level, its Chinese title and what it rests on."""

    level: str
    title: str
    basis: str


# The numbered catalogue that the docs and the count screens print.
CATALOGUE: Final[dict[str, Check]] = {
    "C01": Check(ERROR, "填报的数字不能为负数", "计票的算术关系"),
    "C02": Check(ERROR, "参加投票人数多于登记参加选举（应到会）人数", "计票的算术关系"),
    "C03": Check(
        ERROR,
        "票箱收回的选票多于该票箱发出的选票",
        "浙江27、上海19、北京28、河南35、河北28、四川32、海南29；党：第二十七条",
    ),
    "C04": Check(
        ERROR,
        "收回的选票总数多于发出的选票总数，投票无效",
        "浙江27、上海19、北京28、河南35、河北28、四川32、海南29；党：第二十七条",
    ),
    "C05": Check(
        ERROR,
        "收回的选票总数多于参加投票人数，投票无效",
        "浙江27、上海19、北京28、河南35、河北28、四川32、海南29；党：第二十七条",
    ),
    "C06": Check(ERROR, "票箱的有效票与无效票之和不等于收回的选票", "计票的算术关系"),
    "C07": Check(ERROR, "票箱的空白票多于有效票（空白票是有效票的一部分）", "计票的算术关系"),
    "C08": Check(ERROR, "票箱换领的选票多于作废的选票", "计票的算术关系"),
    "C09": Check(
        ERROR,
        "票箱收回的选票与作废的选票之和多于发出的选票（发出的选票含换领的）",
        "计票的算术关系",
    ),
    "C10": Check(ERROR, "一个职位的得票总数多于应选人数乘以非空白有效票数", "计票的算术关系"),
    "C11": Check(ERROR, "一人的得票多于非空白有效票数", "计票的算术关系"),
    "C12": Check(
        ERROR, "流动票箱的选票多于公布的使用流动票箱的选民人数，该票箱的选票无效", "海南29"
    ),
    "C13": Check(
        WARNING,
        "流动票箱的选票多于公布的使用流动票箱的选民人数",
        "浙江24、北京23、河南31、四川28（本省未规定该票箱无效）",
    ),
    "C14": Check(WARNING, "流动票箱未填写公布的使用流动票箱的选民人数", "浙江24、海南25"),
    "C15": Check(WARNING, "发出的选票未全部收回", "计票的算术关系"),
    "C16": Check(
        WARNING,
        "参加投票（到会）的人数未达到法定比例，本次投票无效，应当重新投票",
        "村民委员会组织法(2025) 第十八条（V10）；城市居民委员会组织法(2025) 第十九条；党：第二十六条",
    ),
    "C17": Check(
        WARNING, f"投票率与本村（社区）上届相差超过{TURNOUT_SPREAD}个百分点", "本系统的核查规则"
    ),
    "C18": Check(WARNING, f"无效票比例比上届高出{INVALID_SPREAD}个百分点以上", "本系统的核查规则"),
    "C19": Check(WARNING, f"没有上届数据，无效票比例超过{INVALID_CEILING}%", "本系统的核查规则"),
    "C20": Check(
        WARNING,
        "登记的委托投票多于公布的委托投票名单",
        "村民委员会组织法(2025) 第十八条（委托人和受委托人名单应当公布）",
    ),
}

MESSAGES: Final = {
    "C01": "{where}{figure}为{value}，不能为负数",
    "C02": "参加投票{voted}人，多于登记参加选举（应到会）的{electorate}人",
    "C03": "{where}收回选票{returned}张，多于发出的{issued}张",
    "C04": "收回选票共{returned}张，多于发出的{issued}张，本次投票无效",
    "C05": "收回选票共{returned}张，多于参加投票的{voted}人，本次投票无效",
    "C06": "{where}有效票{valid}张、无效票{invalid}张，合计{total}张，不等于收回的{returned}张",
    "C07": "{where}空白票{blank}张，多于有效票{valid}张",
    "C08": "{where}换领选票{replaced}张，多于作废的{spoiled}张",
    "C09": "{where}收回{returned}张、作废{spoiled}张，合计{total}张，多于发出的{issued}张",
    "C10": "{post}应选{seats}名，得票总数{total}票，多于{seats}×{ballots}张非空白有效票={most}票",
    "C11": "{post}“{name}”得{votes}票，多于非空白有效票{ballots}张",
    "C12": "{where}收回选票{returned}张，多于公布的使用流动票箱的选民{listed}人，该票箱的选票无效",
    "C13": "{where}收回选票{returned}张，多于公布的使用流动票箱的选民{listed}人，请书面说明",
    "C14": "{where}未填写公布的使用流动票箱的选民人数，请补填或书面说明",
    "C15": "{where}发出选票{issued}张，收回{returned}张、作废{spoiled}张，{unreturned}张未收回，请书面说明",
    "C16": "{who}{voted}人，{base}{electorate}人，未{share}，本次投票无效，应当重新投票",
    "C17": "投票率{turnout}，上届为{usual}，相差超过{spread}个百分点，请书面说明",
    "C18": "无效票{invalid}张，占收回选票的{rate}，上届为{usual}，高出{spread}个百分点以上，请书面说明",
    "C19": "无效票{invalid}张，占收回选票的{rate}，超过{ceiling}%，请书面说明",
    "C20": "登记的委托投票{recorded}人，多于公布的委托投票名单{published}人，请书面说明",
}


@dataclass(frozen=True)
class Rate:
    """A share `part / whole` (a previous term's turnout: voted / electorate; its invalid-ballot
    rate: invalid / returned)."""

    part: int
    whole: int


@dataclass(frozen=True)
class BoxCount:
    """The figures entered for one ballot box (the accounting is in the module docstring).
    `listed`: a mobile box's voters as published (None: not entered)."""

    box: str
    issued: int
    returned: int
    valid: int
    invalid: int
    blank: int = 0
    spoiled: int = 0
    replaced: int = 0
    mobile: bool = False
    listed: int | None = None


@dataclass(frozen=True)
class PostCount:
    """One post's seats and the votes entered per name, as marked on the ballots (before any
    transfer between posts, 海南 31)."""

    post: str
    seats: int
    votes: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class CountFigures:
    """One poll's entered figures: `electorate` registered voters (party: members expected,
    应到会), `voted` those who voted (party: present, 实到会), the boxes and the posts."""

    electorate: int
    voted: int
    boxes: tuple[BoxCount, ...]
    posts: tuple[PostCount, ...] = ()


@dataclass(frozen=True)
class CountContext:
    """What the figures are compared with, each optional: the village's usual turnout and
    invalid-ballot rate (its previous term), and the proxies published and recorded at
    check-in."""

    usual_turnout: Rate | None = None
    usual_invalid: Rate | None = None
    proxies_published: int | None = None
    proxies_recorded: int | None = None


@dataclass(frozen=True)
class Finding:
    """One check that failed: its catalogue code and level, the Chinese message naming the box
    and the figure, the article (or the basis) it rests on, and the box (None: the poll)."""

    code: str
    level: str
    message: str
    article: str
    box: str | None = None


def _percent(rate: Rate) -> str:
    """A rate in words, one decimal, rounded half up (for messages only; checks use integers).

    >>> _percent(Rate(1, 3)), _percent(Rate(0, 0))
    ('33.3%', '—')
    """
    if rate.whole <= 0:
        return "—"
    tenths = (2000 * rate.part + rate.whole) // (2 * rate.whole)
    return f"{tenths // 10}.{tenths % 10}%"


def _box_name(box: BoxCount) -> str:
    return f"流动票箱“{box.box}”" if box.mobile else f"票箱“{box.box}”"


class _Findings:
    def __init__(self, profile: Profile | None) -> None:
        self.profile = profile
        self.found: list[Finding] = []

    def add(self, code: str, box: str | None = None, article: str = "", **params: object) -> None:
        check = CATALOGUE[code]
        self.found.append(
            Finding(code, check.level, MESSAGES[code].format(**params), article or check.basis, box)
        )

    def limits(self) -> str:
        """The articles of the profile's rule on ballots returned above those issued."""
        return "、".join(self.profile.ballot_limits.cite()) if self.profile else ""


def count_checks(
    figures: CountFigures,
    profile: Profile | None = None,
    context: CountContext | None = None,
) -> tuple[Finding, ...]:
    """Every finding on `figures`, in catalogue order per box, then the poll's. `profile` (the
    rules of the election) says whether an over-full mobile box is void on its own (海南 29) and
    which turnout the poll needs (party: more than four fifths); without it, the village rule.

    Raises `RulesError` for two boxes of the same name or a post with no seat (the figures cannot
    be checked as given).

    >>> figures = CountFigures(electorate=900, voted=440,
    ...     boxes=(BoxCount("中心会场", issued=440, returned=441, valid=400, invalid=40),))
    >>> [f.code for f in count_checks(figures)]
    ['C03', 'C06', 'C04', 'C05', 'C16']
    """
    names = [box.box for box in figures.boxes]
    for name in names:
        if names.count(name) > 1:
            raise RulesError(f"票箱名称“{name}”重复")
    for post in figures.posts:
        if post.seats < 1:
            raise RulesError(f"{POST_NAMES.get(post.post, post.post)}的应选人数至少为1")
    context = context or CountContext()
    out = _Findings(profile)
    negative = _negatives(figures, context, out)
    if negative:
        # Further arithmetic on a negative figure would only repeat the error.
        return tuple(out.found)
    for box in figures.boxes:
        _check_box(box, out)
    _check_poll(figures, out)
    _check_posts(figures, out)
    _check_context(figures, context, out)
    return tuple(out.found)


def _negatives(figures: CountFigures, context: CountContext, out: _Findings) -> bool:
    found = False
    poll_figures: list[tuple[str, int | None]] = [
        ("登记参加选举（应到会）人数", figures.electorate),
        ("参加投票人数", figures.voted),
        ("公布的委托投票人数", context.proxies_published),
        ("登记的委托投票人数", context.proxies_recorded),
    ]
    for label, value in poll_figures:
        if value is not None and value < 0:
            out.add("C01", where="", figure=label, value=value)
            found = True
    for box in figures.boxes:
        box_figures: list[tuple[str, int | None]] = [
            ("发出选票", box.issued),
            ("收回选票", box.returned),
            ("有效票", box.valid),
            ("无效票", box.invalid),
            ("空白票", box.blank),
            ("作废选票", box.spoiled),
            ("换领选票", box.replaced),
            ("公布的使用流动票箱的选民人数", box.listed),
        ]
        for label, value in box_figures:
            if value is not None and value < 0:
                out.add("C01", box.box, where=_box_name(box), figure=label, value=value)
                found = True
    for post in figures.posts:
        for name, votes in post.votes:
            if votes < 0:
                where = f"{POST_NAMES.get(post.post, post.post)}“{name}”"
                out.add("C01", where=where, figure="得票", value=votes)
                found = True
    return found


def _check_box(box: BoxCount, out: _Findings) -> None:
    where = _box_name(box)
    if box.returned > box.issued:
        out.add("C03", box.box, out.limits(), where=where, returned=box.returned, issued=box.issued)
    if box.valid + box.invalid != box.returned:
        out.add(
            "C06",
            box.box,
            where=where,
            valid=box.valid,
            invalid=box.invalid,
            total=box.valid + box.invalid,
            returned=box.returned,
        )
    if box.blank > box.valid:
        out.add("C07", box.box, where=where, blank=box.blank, valid=box.valid)
    if box.replaced > box.spoiled:
        out.add("C08", box.box, where=where, replaced=box.replaced, spoiled=box.spoiled)
    unreturned = box.issued - box.returned - box.spoiled
    if box.returned <= box.issued and unreturned < 0:
        out.add(
            "C09",
            box.box,
            where=where,
            returned=box.returned,
            spoiled=box.spoiled,
            total=box.returned + box.spoiled,
            issued=box.issued,
        )
    if box.mobile:
        _check_mobile(box, out)
    if unreturned > 0:
        out.add(
            "C15",
            box.box,
            where=where,
            issued=box.issued,
            returned=box.returned,
            spoiled=box.spoiled,
            unreturned=unreturned,
        )


def _check_mobile(box: BoxCount, out: _Findings) -> None:
    where = _box_name(box)
    if box.listed is None:
        out.add("C14", box.box, where=where)
        return
    if box.returned <= box.listed:
        return
    profile = out.profile
    if profile is not None and profile.mobile_box_void.value:
        # 海南省村民委员会选举办法 第二十九条: "投入流动票箱的票数…多于公布的使用流动票箱选民人数
        # 的，该流动票箱选票无效" (that box alone).
        article = "、".join(profile.mobile_box_void.cite())
        out.add("C12", box.box, article, where=where, returned=box.returned, listed=box.listed)
    else:
        article = "、".join(profile.mobile_box_staff.cite()) if profile is not None else ""
        out.add("C13", box.box, article, where=where, returned=box.returned, listed=box.listed)


def _check_poll(figures: CountFigures, out: _Findings) -> None:
    issued = sum(box.issued for box in figures.boxes)
    returned = sum(box.returned for box in figures.boxes)
    if figures.voted > figures.electorate and (out.profile is None or out.profile.body != "party"):
        # Party members excluded from the expected attendance may still come (RULES.md P8b).
        out.add("C02", voted=figures.voted, electorate=figures.electorate)
    if returned > issued:
        out.add("C04", None, out.limits(), returned=returned, issued=issued)
    if returned > figures.voted:
        out.add("C05", None, out.limits(), returned=returned, voted=figures.voted)
    profile = out.profile
    turnout = profile.turnout.value if profile is not None else HALF
    ok = turnout.met(figures.voted, figures.electorate)
    if ok and profile is not None and profile.turnout_base.value == "voted_and_returned":
        # 海南省村民委员会选举办法 第二十九条: "收回选票数超过本村选民半数".
        ok = turnout.met(returned, figures.electorate)
    if not ok:
        article = "、".join(profile.turnout.cite()) if profile is not None else ""
        party = profile is not None and profile.body == "party"
        out.add(
            "C16",
            None,
            article,
            who="实到会" if party else "参加投票",
            base="应到会" if party else "登记参加选举",
            voted=figures.voted,
            electorate=figures.electorate,
            share=turnout.describe(),
        )


def _check_posts(figures: CountFigures, out: _Findings) -> None:
    ballots = sum(box.valid - box.blank for box in figures.boxes)
    ballots = max(ballots, 0)
    for post in figures.posts:
        name = POST_NAMES.get(post.post, post.post)
        total = sum(votes for _, votes in post.votes)
        most = post.seats * ballots
        if total > most:
            out.add(
                "C10",
                post=name,
                seats=post.seats,
                total=total,
                ballots=ballots,
                most=most,
            )
        for person, votes in post.votes:
            if votes > ballots:
                out.add("C11", post=name, name=person, votes=votes, ballots=ballots)


def _check_context(figures: CountFigures, context: CountContext, out: _Findings) -> None:
    usual = context.usual_turnout
    electorate = figures.electorate
    if usual is not None and usual.whole > 0 and electorate > 0:
        # |voted/electorate - part/whole| > 15/100, in integers.
        gap = abs(figures.voted * usual.whole - usual.part * electorate)
        if 100 * gap > TURNOUT_SPREAD * electorate * usual.whole:
            out.add(
                "C17",
                turnout=_percent(Rate(figures.voted, electorate)),
                usual=_percent(usual),
                spread=TURNOUT_SPREAD,
            )
    invalid = sum(box.invalid for box in figures.boxes)
    returned = sum(box.returned for box in figures.boxes)
    rate = Rate(invalid, returned)
    usual_invalid = context.usual_invalid
    if returned > 0 and usual_invalid is not None and usual_invalid.whole > 0:
        # invalid/returned > part/whole + 5/100, in integers.
        w = usual_invalid.whole
        if 100 * invalid * w > (100 * usual_invalid.part + INVALID_SPREAD * w) * returned:
            out.add(
                "C18",
                invalid=invalid,
                rate=_percent(rate),
                usual=_percent(usual_invalid),
                spread=INVALID_SPREAD,
            )
    elif returned > 0 and 100 * invalid > INVALID_CEILING * returned:
        out.add("C19", invalid=invalid, rate=_percent(rate), ceiling=INVALID_CEILING)
    published, recorded = context.proxies_published, context.proxies_recorded
    if published is not None and recorded is not None and recorded > published:
        out.add("C20", recorded=recorded, published=published)


def checks_markdown(codes: Sequence[str] = tuple(CATALOGUE)) -> str:
    """The catalogue as a Markdown table, for docs/count-checks.md and the count screens.

    >>> checks_markdown(["C01"]).splitlines()[2]
    '| C01 | 错误 | 填报的数字不能为负数 | 计票的算术关系 |'
    """
    levels = {ERROR: "错误", WARNING: "提示"}
    lines = ["| 编号 | 级别 | 核查内容 | 依据 |", "|---|---|---|---|"]
    for code in codes:
        check = CATALOGUE[code]
        lines.append(f"| {code} | {levels[check.level]} | {check.title} | {check.basis} |")
    return "\n".join(lines)


def render() -> str:
    """The whole document docs/count-checks.md.

    >>> render().splitlines()[0]
    '# 计票数字核查'
    """
    return "\n".join(
        [
            "# 计票数字核查",
            "",
            "本文件由 `python -m huanjie.rules.count_checks > docs/count-checks.md` 根据 "
            "`huanjie/rules/count_checks.py` 生成，请勿手工修改；测试会比对两者。",
            "",
            "乡镇录入一次投票的计票数字后、结束计票前，系统逐项核查。“错误”须改正数字后才能结束计票；"
            "“提示”须书面说明理由。",
            "",
            "## 票箱的数字关系",
            "",
            "- 发出选票：该票箱发出的全部选票，含换领的新票。",
            "- 作废选票：选民写错后交回、不投入票箱的选票；其中换领了新票的为换领选票（换领 ≤ 作废）。",
            "- 收回选票 = 有效票 + 无效票；空白票是有效票的一部分（空白票 ≤ 有效票）。",
            "- 发出选票 = 收回选票 + 作废选票 + 未收回选票（未收回 ≥ 0，大于0时提示）。",
            "- 一个职位的得票总数 ≤ 应选人数 × （有效票 − 空白票）；一人的得票 ≤ 有效票 − 空白票。",
            "- 得票按选票上的标记录入，不含海南31等规定的高职位得票计入低职位。",
            f"- 比例用整数比较：投票率与上届相差超过{TURNOUT_SPREAD}个百分点、无效票比例比上届高出"
            f"{INVALID_SPREAD}个百分点以上（没有上届数据时超过{INVALID_CEILING}%）的，提示说明。",
            "",
            "## 核查项目",
            "",
            checks_markdown(),
            "",
        ]
    )


def main() -> int:
    """Write the document to standard output."""
    sys.stdout.write(render())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
