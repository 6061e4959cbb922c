"""The ledgers' panel of the home page (huanjie.progress.home): a town's or a county's open
rectification items that are overdue or due within a week."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from huanjie.elections.selectors import campaigns_visible_to
from huanjie.ledgers import framework as fw
from huanjie.ledgers.models import RectificationItem

SOON = timedelta(days=7)


def rectification_panel(user: Any) -> Any:
    """The Panel of open items due by a week from today (overdue first), or None when there
    are none or the user does not keep the ledgers."""
    from huanjie.progress.home import Panel, PanelRow

    kind = fw.kind_of("rectification")
    if not kind.writable_by(user):
        return None
    today = timezone.localdate()
    for campaign in campaigns_visible_to(user).filter(window_end__gte=today)[:1]:
        items = list(
            fw.items_visible_to(user, kind, campaign)
            .filter(status=RectificationItem.Status.OPEN, due_on__lte=today + SOON)
            .order_by("due_on", "pk")[:10]
        )
        if not items:
            return None
        rows = tuple(
            PanelRow(
                f"{item.region.full_label}：{item.problem[:30]}",
                f"{'已逾期' if item.due_on < today else '将到期'} {item.due_on:%m-%d}",
                url=reverse("ledgers:item", args=[campaign.pk, kind.key, item.pk]),
                tone="danger" if item.due_on < today else "warning",
            )
            for item in items
        )
        return Panel(
            "整顿事项到期提醒",
            rows=rows,
            link=reverse("ledgers:list", args=[campaign.pk, kind.key]) + "?status=open",
            order=45,
            testid="panel-rectification",
        )
    return None
