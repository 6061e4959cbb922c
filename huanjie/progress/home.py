"""The home page's panels (工作台): what the signed-in person must do today.

A panel is a function of the user answering a Panel, or None when it has nothing for that user
(another role, nothing due). The progress app's own panels are here: the clerk's next deadlines,
the late villages of a town or county, the headline figures of each campaign. Other apps add
theirs from their AppConfig.ready, as the layers allow (the ledgers and oversight sit above
progress, which never imports them):

    from huanjie.progress.home import Panel, PanelRow, register_panel

    @register_panel
    def open_problems(user) -> Panel | None:
        if not can(user, Action.RECORD_INSPECTIONS):
            return None
        rows = [PanelRow(p.summary, f"{p.due_on:%m-%d} 到期", url=..., tone="danger") ...]
        return Panel("待整改的督导问题", rows=tuple(rows), link=reverse(...), order=40)

A panel shows its rows (label, value, link, tone), or renders its own `template` with `context`
(the template gets `panel` and the panel's context). The home page shows the panels by `order`.
Each panel costs the home page a few queries: keep them grouped and limited.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone

from huanjie.accounts.permissions import Action, can
from huanjie.elections.models import Campaign
from huanjie.lib.dates import cn_date
from huanjie.progress import board
from huanjie.progress.models import ScheduleStage, Status, VillageProgress


@dataclass(frozen=True)
class PanelRow:
    """One line of a panel: what, a figure or a day, where to go, and a tone (danger, warning,
    success or "")."""

    label: str
    value: str = ""
    url: str = ""
    tone: str = ""


@dataclass(frozen=True)
class Panel:
    title: str
    rows: tuple[PanelRow, ...] = ()
    template: str = ""
    context: Mapping[str, Any] = field(default_factory=dict)
    link: str = ""
    link_label: str = "查看全部"
    empty: str = "暂无待办事项"
    order: int = 50
    testid: str = ""


PanelFunction = Callable[[Any], Panel | None]
HOME_PANELS: list[PanelFunction] = []


def register_panel(fn: PanelFunction) -> PanelFunction:
    """Add a panel to the home page (once: a second registration of it is ignored)."""
    if fn not in HOME_PANELS:
        HOME_PANELS.append(fn)
    return fn


def panels_for(user: Any) -> list[Panel]:
    """The user's panels, in their order."""
    found = [panel for fn in HOME_PANELS if (panel := fn(user)) is not None]
    return sorted(found, key=lambda p: p.order)


def _due_words(due: date, today: date) -> tuple[str, str]:
    """最迟12月10日（还有6天）, or 已逾期3天, with its tone."""
    days = (due - today).days
    if days < 0:
        return f"最迟{cn_date(due)}，已逾期{-days}天", "danger"
    if days == 0:
        return f"最迟{cn_date(due)}，今天到期", "warning"
    return f"最迟{cn_date(due)}，还有{days}天", "warning" if days <= 3 else ""


def _running(user: Any, today: date) -> list[Campaign]:
    """The user's campaigns still running (or the latest, once all have ended)."""
    campaigns = list(board.board_campaigns(user)[:5])
    running = [c for c in campaigns if c.window_end >= today]
    return running or campaigns[:1]


@register_panel
def next_deadlines(user: Any) -> Panel | None:
    """A village clerk's next deadlines: his village's stages not done, earliest first."""
    code = str(user.region_id or "")
    if len(code) != 12 or not can(user, Action.VIEW_PROGRESS):
        return None
    today = timezone.localdate()
    campaigns = _running(user, today)
    if not campaigns:
        return None
    stages = (
        ScheduleStage.objects.filter(
            village__campaign__in=campaigns,
            village__region_id=code,
            village__included=True,
            done_on__isnull=True,
        )
        .select_related("village")
        .order_by("due_on", "order")[:4]
    )
    rows = []
    for stage in stages:
        words, tone = _due_words(stage.due_on, today)
        url = board.schedule_url(stage.village.campaign_id, code) or ""
        rows.append(PanelRow(stage.name, words, url=url, tone=tone))
    return Panel(
        "本村下一步工作",
        rows=tuple(rows),
        link=board.schedule_url(campaigns[0].pk, code) or "",
        link_label="查看本村工作日程",
        empty="本村的工作日程尚未生成，或各环节均已完成",
        order=10,
        testid="panel-next-deadlines",
    )


@register_panel
def headline_figures(user: Any) -> Panel | None:
    """The county's (town's, city's) headline figures of each running campaign."""
    code = str(user.region_id or "")
    if not code or len(code) == 12 or not can(user, Action.VIEW_PROGRESS):
        return None
    today = timezone.localdate()
    campaigns = _running(user, today)
    if not campaigns:
        return None
    from huanjie.regions.models import Region

    region = Region.objects.get(code=code)
    lines = board.campaign_lines(user, campaigns, today)
    items = []
    for c in campaigns:
        tally = lines.get(c.pk, board.Tally())
        at = board.board_code(user, c)
        items.append(
            {
                "campaign": c,
                "tally": tally,
                "headline": board.headline(region, tally, today),
                "url": reverse("progress:board_region", kwargs={"pk": c.pk, "code": at}),
                "late_url": reverse("progress:board_villages", kwargs={"pk": c.pk, "code": at})
                + "?status=late",
            }
        )
    return Panel(
        "换届进度",
        template="progress/home_headline.html",
        context={"campaigns": items},
        link=reverse("progress:board"),
        link_label="进入进度看板",
        order=20,
        testid="panel-headline",
    )


LATE_SHOWN = 8


@register_panel
def late_villages(user: Any) -> Panel | None:
    """A town's (county's) late villages: the longest overdue first."""
    code = str(user.region_id or "")
    if not code or len(code) == 12 or not can(user, Action.VIEW_PROGRESS):
        return None
    today = timezone.localdate()
    campaigns = _running(user, today)
    if not campaigns:
        return None
    late = (
        VillageProgress.objects.filter(campaign__in=campaigns, region__code__startswith=code)
        .exclude(status=Status.EXCLUDED)
        .filter(board.late_q(today))
    )
    shown = late.select_related("region", "region__parent").order_by("next_due", "region_id")
    rows = []
    for row in shown[:LATE_SHOWN]:
        assert row.next_due is not None  # late_q: a deadline before today
        label = row.region.full_label if len(code) < 9 else row.region.display_name
        rows.append(
            PanelRow(
                f"{label} · {row.stage_name or '—'}",
                f"逾期{(today - row.next_due).days}天",
                url=board.schedule_url(row.campaign_id, row.region_id) or "",
                tone="danger",
            )
        )
    count = late.count() if len(rows) == LATE_SHOWN else len(rows)
    c = campaigns[0]
    link = reverse(
        "progress:board_villages", kwargs={"pk": c.pk, "code": board.board_code(user, c)}
    )
    return Panel(
        f"滞后的村(社区)（{count}个）",
        rows=tuple(rows),
        link=f"{link}?status=late",
        link_label="查看全部滞后村(社区)",
        empty="没有滞后的村(社区)",
        order=30,
        testid="panel-late",
    )
