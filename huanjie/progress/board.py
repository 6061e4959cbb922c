"""The progress board's reads (进度看板): what a county, a town (or a city, a province above
them) has done of its villages' renewal, summed from VillageProgress, one row per village
(progress.refresh keeps them). The board only reads: nothing here writes.

A village counts in exactly one of four columns, as the county's daily report sends them up:
已完成 (every election's result certified), 滞后 (not done and a stage past its last lawful day:
`next_due` before today), 进行中 and 未开始 (the rest, by the row's status). A village left out of
the campaign (不纳入) is not counted at all.

    >>> level_word(Region(code="630121", name="大通回族土族自治县", level=3))
    '全县'
    >>> level_word(Region(code="630121100", name="桥头镇", level=4))
    '全镇'
    >>> percent(289, 311), percent(0, 0)
    ('92.9%', '—')
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.urls import NoReverseMatch, reverse

from huanjie.accounts.permissions import Action, can, get_scoped_or_404, require
from huanjie.elections.models import Campaign
from huanjie.elections.selectors import access_campaign, campaigns_visible_to
from huanjie.lib.dates import cn_date
from huanjie.progress.models import Status, VillageProgress
from huanjie.regions.models import Region
from huanjie.rosters.report_types import share

# The length of a child's code under a region of each level (province → city → county → town).
CHILD_DIGITS = {1: 4, 2: 6, 3: 9}

# The four columns of the board, in the order the county's report writes them.
DONE, UNDER_WAY, LATE, NOT_STARTED = "done", "under_way", "late", "not_started"
BOARD_STATUSES: dict[str, str] = {
    DONE: "已完成",
    UNDER_WAY: "进行中",
    LATE: "滞后",
    NOT_STARTED: "未开始",
}


def percent(part: int, whole: int) -> str:
    """A share as the reports print it (rosters.report_types.share: one decimal, half up);
    "—" of nothing."""
    value = share(part, whole)
    return "—" if value is None else f"{value}%"


@dataclass
class Tally:
    """The counts of a set of villages (a region, a child region, a day's report line)."""

    total: int = 0
    villages: int = 0
    communities: int = 0
    done: int = 0
    under_way: int = 0
    late: int = 0
    not_started: int = 0
    done_today: int = 0
    done_week: int = 0
    # The villagers' (residents') committee's first poll, over the villages that held it.
    registered: int = 0
    voted: int = 0
    # 一次选举成功: the seats filled at the first poll, over the villages where it is known.
    first_known: int = 0
    first_time: int = 0

    def add(self, other: Tally) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def done_rate(self) -> str:
        return percent(self.done, self.total)

    @property
    def turnout(self) -> str:
        return percent(self.voted, self.registered)

    @property
    def first_time_rate(self) -> str:
        return percent(self.first_time, self.first_known)

    def count(self, status: str) -> int:
        return int(getattr(self, status))


@dataclass
class ChildRow:
    """One child region of the board (a town of a county, a county of a city)."""

    code: str
    name: str
    tally: Tally


def late_q(today: date) -> Q:
    """Late: not done and the earliest deadline of a stage not done is before today."""
    return ~Q(status=Status.DONE) & Q(next_due__lt=today)


def status_q(status: str, today: date) -> Q:
    """The villages of one of the board's four columns."""
    late = late_q(today)
    return {
        DONE: Q(status=Status.DONE),
        LATE: late,
        UNDER_WAY: Q(status=Status.UNDER_WAY) & ~late,
        NOT_STARTED: Q(status=Status.NOT_STARTED) & ~late,
    }[status]


def week_start(today: date) -> date:
    """The Monday of today's week: the weekly report counts from it."""
    return today - timedelta(days=today.weekday())


def _aggregates(today: date) -> dict[str, Any]:
    done = Q(status=Status.DONE)
    return {
        "total": Count("pk"),
        "villages": Count("pk", filter=Q(kind=Region.Kind.VILLAGE)),
        "communities": Count("pk", filter=Q(kind=Region.Kind.COMMUNITY)),
        **{status: Count("pk", filter=status_q(status, today)) for status in BOARD_STATUSES},
        "done_today": Count("pk", filter=done & Q(done_on=today)),
        "done_week": Count(
            "pk", filter=done & Q(done_on__gte=week_start(today), done_on__lte=today)
        ),
        "registered": Sum("registered", filter=Q(voted__gt=0)),
        "voted": Sum("voted", filter=Q(voted__gt=0)),
        "first_known": Count("pk", filter=Q(first_time__isnull=False)),
        "first_time": Count("pk", filter=Q(first_time=True)),
    }


def _tally(row: dict[str, Any]) -> Tally:
    return Tally(**{f.name: row.get(f.name) or 0 for f in fields(Tally)})


def progress_rows(campaign: Campaign, code: str) -> QuerySet[VillageProgress]:
    """The campaign's villages under `code` that the board counts (不纳入 left out)."""
    return VillageProgress.objects.filter(campaign=campaign, region__code__startswith=code).exclude(
        status=Status.EXCLUDED
    )


def region_tally(campaign: Campaign, code: str, today: date) -> Tally:
    """The counts of every village under `code`: one query."""
    return _tally(progress_rows(campaign, code).aggregate(**_aggregates(today)))


def child_rows(campaign: Campaign, region: Region, today: date) -> list[ChildRow]:
    """The counts per child region (a county's towns, a city's counties, ...): one grouped
    query, and one for the children's names. A town has no child region: its villages are
    listed instead (village_rows)."""
    digits = CHILD_DIGITS.get(region.level)
    if digits is None:
        return []
    rows = progress_rows(campaign, region.code).order_by()
    # A town's code is on the row (indexed); above a county the code's first digits tell it.
    key = F("town_code") if digits == 9 else Substr("region_id", 1, digits)
    grouped = (
        rows.annotate(child=key).values("child").annotate(**_aggregates(today)).order_by("child")
    )
    found = [(g["child"], _tally(g)) for g in grouped]
    names = {
        code: short or name
        for code, short, name in Region.objects.filter(code__in=[c for c, _ in found]).values_list(
            "code", "short_name", "name"
        )
    }
    return [ChildRow(c, names.get(c, c), t) for c, t in found]


def total_of(rows: Iterable[ChildRow]) -> Tally:
    total = Tally()
    for row in rows:
        total.add(row.tally)
    return total


# ---------------------------------------------------------------------------------------------
# The headline.


def level_word(region: Region) -> str:
    """全省 / 全市 / 全县 / 全镇 ...: how a report names the whole of its own region."""
    name = region.name
    if region.level == Region.Level.PROVINCE:
        return "全区" if name.endswith("自治区") else "全市" if name.endswith("市") else "全省"
    if region.level == Region.Level.CITY:
        for tail, word in (("自治州", "全州"), ("州", "全州"), ("盟", "全盟"), ("地区", "全地区")):
            if name.endswith(tail):
                return word
        return "全市"
    if region.level == Region.Level.COUNTY:
        for tail, word in (("区", "全区"), ("市", "全市"), ("旗", "全旗")):
            if name.endswith(tail):
                return word
        return "全县"
    for tail, word in (("街道办事处", "全街道"), ("街道", "全街道"), ("乡", "全乡")):
        if name.endswith(tail):
            return word
    return "全镇"


def units_phrase(tally: Tally) -> str:
    """289个村、22个社区 (a kind with none is left out)."""
    parts = []
    if tally.villages:
        parts.append(f"{tally.villages}个村")
    if tally.communities:
        parts.append(f"{tally.communities}个社区")
    other = tally.total - tally.villages - tally.communities
    if other or not parts:
        parts.append(f"{other if parts else tally.total}个村(社区)")
    return "、".join(parts)


def headline(region: Region, tally: Tally, today: date) -> str:
    """The sentence a county reports daily, as seed 000 writes it once all are done
    ("截至1月31日，全县289个村、22个社区全面完成村(社区)“两委”换届选举工作"), and while the work
    runs the four columns."""
    when = f"截至{today.month}月{today.day}日"
    whole = f"{level_word(region)}{units_phrase(tally)}"
    if tally.total and tally.done == tally.total:
        return f"{when}，{whole}全面完成村(社区)“两委”换届选举工作"
    if not tally.total:
        return f"{when}，{level_word(region)}尚无纳入本次换届的村(社区)"
    return (
        f"{when}，{whole}中，已完成换届选举{tally.done}个，进行中{tally.under_way}个，"
        f"滞后{tally.late}个，未开始{tally.not_started}个，完成率{tally.done_rate}"
    )


# ---------------------------------------------------------------------------------------------
# Access.


def board_campaigns(user: Any) -> QuerySet[Campaign]:
    """The campaigns whose board the user may read."""
    if not can(user, Action.VIEW_PROGRESS):
        return Campaign.objects.none()
    return campaigns_visible_to(user).order_by("-window_start", "region_id")


def access_board(user: Any, pk: int, code: str) -> tuple[Campaign, Region]:
    """The campaign and a region of it above village level, in the user's scope: else the same
    404 as for nothing there (accounts.permissions)."""
    require(user, Action.VIEW_PROGRESS)
    campaign = access_campaign(user, pk)
    region = get_scoped_or_404(
        user,
        Region.objects.filter(
            level__lt=Region.Level.VILLAGE, code__startswith=campaign.region_id
        ).select_related("parent"),
        Action.VIEW_PROGRESS,
        field="code",
        code=code,
    )
    return campaign, region


def board_code(user: Any, campaign: Campaign) -> str:
    """Where the user's board of the campaign opens: their own region, or the campaign's when
    the user sits above it (a city officer on a county's campaign)."""
    own = str(user.region_id or "")
    return own if own.startswith(campaign.region_id) else campaign.region_id


def schedule_url(campaign_pk: int, code: str) -> str | None:
    """A village's schedule page (progress:schedule), or None while it does not exist."""
    try:
        return reverse("progress:schedule", kwargs={"pk": campaign_pk, "code": code})
    except NoReverseMatch:
        return None


def campaign_lines(user: Any, campaigns: list[Campaign], today: date) -> dict[int, Tally]:
    """Per campaign, the counts of the villages in the user's scope: one grouped query."""
    prefix = str(user.region_id or "-")
    grouped = (
        VillageProgress.objects.filter(campaign__in=campaigns, region__code__startswith=prefix)
        .exclude(status=Status.EXCLUDED)
        .order_by()
        .values("campaign_id")
        .annotate(**_aggregates(today))
    )
    return {g["campaign_id"]: _tally(g) for g in grouped}


# ---------------------------------------------------------------------------------------------
# The village list.


def village_rows(
    campaign: Campaign,
    region: Region,
    today: date,
    *,
    q: str = "",
    status: str = "",
    town: str = "",
) -> QuerySet[VillageProgress]:
    """The villages under `region`, searched (name or code) and filtered by one of the board's
    columns and by town, in code order."""
    rows = progress_rows(campaign, region.code)
    if status in BOARD_STATUSES:
        rows = rows.filter(status_q(status, today))
    if len(town) == 9 and town.isdigit() and town.startswith(region.code):
        rows = rows.filter(town_code=town)
    if q:
        rows = rows.filter(
            Q(region__name__contains=q)
            | Q(region__short_name__contains=q)
            | Q(region__code__startswith=q)
        )
    return rows.select_related("region", "region__parent").order_by("region_id")


def board_status(row: VillageProgress, today: date) -> str:
    """The board's column of one village."""
    if row.status == Status.DONE:
        return DONE
    if row.next_due is not None and row.next_due < today:
        return LATE
    return UNDER_WAY if row.status == Status.UNDER_WAY else NOT_STARTED


def village_tally(row: VillageProgress, today: date) -> Tally:
    """One village's line, counted as region_tally counts a region (its town's report)."""
    done = row.status == Status.DONE
    return Tally(
        total=1,
        villages=int(row.kind == Region.Kind.VILLAGE),
        communities=int(row.kind == Region.Kind.COMMUNITY),
        **{board_status(row, today): 1},
        done_today=int(done and row.done_on == today),
        done_week=int(
            done and row.done_on is not None and week_start(today) <= row.done_on <= today
        ),
        registered=row.registered if row.voted else 0,
        voted=row.voted,
        first_known=int(row.first_time is not None),
        first_time=int(row.first_time is True),
    )


def days_late(row: VillageProgress, today: date) -> int:
    if row.status == Status.DONE or row.next_due is None or row.next_due >= today:
        return 0
    return (today - row.next_due).days


def village_cells(row: VillageProgress, today: date) -> list[Any]:
    """A village's line of the list's workbook."""
    status = board_status(row, today)
    late = days_late(row, today)
    return [
        row.region_id,
        row.region.parent.display_name if row.region.parent else "",
        row.region.display_name,
        Region.Kind(row.kind).label if row.kind in Region.Kind.values else row.kind,
        cn_date(row.election_date) if row.election_date else "",
        BOARD_STATUSES[status] + (f"（逾期{late}天）" if late else ""),
        row.stage_name,
        cn_date(row.next_due) if row.next_due and status != DONE else "",
        f"{row.stages_done}/{row.stages_total}",
        f"{row.elections_done}/{row.elections_total}",
        cn_date(row.done_on) if row.done_on else "",
        row.registered if row.voted else "",
        row.voted if row.voted else "",
        percent(row.voted, row.registered) if row.voted else "",
        {True: "是", False: "否"}.get(row.first_time, "") if row.first_time is not None else "",
    ]


VILLAGE_HEADER = (
    "区划代码",
    "乡镇(街道)",
    "村(社区)",
    "类别",
    "选举日",
    "进度",
    "当前环节",
    "最早未完成环节最迟日期",
    "已完成环节",
    "已确认结果的选举",
    "全面完成日期",
    "登记选民数",
    "参加投票人数",
    "参选率",
    "一次选举成功",
)
VILLAGE_WIDTHS = (14, 12, 14, 6, 14, 14, 16, 16, 10, 10, 14, 10, 10, 8, 10)
