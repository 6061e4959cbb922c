"""The oversight panels of the home page (huanjie.progress.home): the inspector's open problems,
and the petitions near or past their handling limit for a town or the county."""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from django.urls import reverse
from django.utils import timezone

from huanjie.accounts.permissions import Action, can
from huanjie.lib.dates import cn_date
from huanjie.oversight.ledgers import KIND_KEYS
from huanjie.oversight.models import InspectionProblem, Petition, ProblemStatus
from huanjie.oversight.selectors import petitions_due, problems_visible
from huanjie.progress.home import Panel, PanelRow

SHOWN: Final = 6


def _due(day: date | None, today: date) -> tuple[str, str]:
    if day is None:
        return "未定整改时限", ""
    days = (day - today).days
    if days < 0:
        return f"{cn_date(day)}到期，已逾期{-days}天", "danger"
    return f"{cn_date(day)}到期，还有{days}天", "warning" if days <= 7 else ""


def _item_url(item: InspectionProblem | Petition, key: str) -> str:
    return reverse(
        "ledgers:item", kwargs={"pk": item.campaign_id, "kind": KIND_KEYS[key], "item": item.pk}
    )


def inspector_problems(user: Any) -> Panel | None:
    """督导组: the problems its groups found that are not closed yet, the overdue first."""
    if not can(user, Action.RECORD_INSPECTIONS) or can(user, Action.MANAGE_CAMPAIGNS):
        return None
    today = timezone.localdate()
    open_ = (
        problems_visible(user)
        .filter(visit__group__members=user)
        .exclude(status=ProblemStatus.CLOSED)
        .order_by("due_on", "id")
    )
    shown = list(open_[:SHOWN])
    rows = []
    for p in shown:
        words, tone = _due(p.due_on, today)
        label = f"{p.region.full_label}：{p.description[:24]}"
        rows.append(PanelRow(label, words, url=_item_url(p, "problems"), tone=tone))
    count = open_.count() if len(shown) == SHOWN else len(shown)
    link = ""
    if shown:
        link = reverse(
            "ledgers:list", kwargs={"pk": shown[0].campaign_id, "kind": KIND_KEYS["problems"]}
        )
    return Panel(
        f"督导发现问题待整改（{count}个）",
        rows=tuple(rows),
        link=link,
        link_label="查看督导发现问题台账",
        empty="本组发现的问题均已整改销号",
        order=40,
        testid="panel-inspection-problems",
    )


def petitions_near_due(user: Any) -> Panel | None:
    """A town's or the county's petitions not settled whose limit is past or within a week."""
    code = str(user.region_id or "")
    if len(code) not in (6, 9) or not can(user, Action.MANAGE_LEDGERS):
        return None
    today = timezone.localdate()
    due = petitions_due(user)
    shown = list(due[:SHOWN])
    if not shown:
        return None
    rows = []
    for p in shown:
        days = (p.due_on - today).days
        words = f"已超期{-days}天" if days < 0 else f"{cn_date(p.due_on)}到期，还有{days}天"
        label = f"{p.number} {p.region.full_label}：{p.summary[:20]}"
        tone = "danger" if days < 0 else "warning"
        rows.append(PanelRow(label, words, url=_item_url(p, "petitions"), tone=tone))
    count = due.count() if len(shown) == SHOWN else len(shown)
    return Panel(
        f"信访举报临近或超过办理期限（{count}起）",
        rows=tuple(rows),
        link=reverse(
            "ledgers:list", kwargs={"pk": shown[0].campaign_id, "kind": KIND_KEYS["petitions"]}
        ),
        link_label="查看信访举报台账",
        order=45,
        testid="panel-petitions-due",
    )
