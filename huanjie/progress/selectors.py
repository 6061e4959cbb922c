"""The schedule's reads, scoped: a village's schedule and a region's overdue stages, each the
same 404 for "does not exist" and "not yours"."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Final

from django.db.models import QuerySet

from huanjie.accounts.permissions import Action, get_scoped_or_404, require
from huanjie.elections.models import Campaign, CampaignVillage
from huanjie.elections.selectors import access_campaign
from huanjie.progress.models import ScheduleStage, Status
from huanjie.regions.models import Region

# A stage is 即将到期 (due soon) within this many days of its last day.
DUE_SOON_DAYS: Final = 3


def access_schedule(user: Any, pk: int, code: str) -> CampaignVillage:
    """The campaign village whose schedule the user may read (VIEW_PROGRESS, in scope)."""
    require(user, Action.VIEW_PROGRESS)
    campaign = access_campaign(user, pk)
    return get_scoped_or_404(
        user,
        CampaignVillage.objects.filter(campaign=campaign).select_related(
            "campaign", "region", "region__parent"
        ),
        Action.VIEW_PROGRESS,
        field="region__code",
        region_id=code,
    )


def access_area(user: Any, pk: int, code: str) -> tuple[Campaign, Region]:
    """The campaign and one of its areas (county, town) in the user's scope."""
    require(user, Action.VIEW_PROGRESS)
    campaign = access_campaign(user, pk)
    region = get_scoped_or_404(
        user,
        Region.objects.filter(code__startswith=campaign.region_id),
        Action.VIEW_PROGRESS,
        field="code",
        code=code,
    )
    return campaign, region


def stages_of(entry: CampaignVillage) -> list[ScheduleStage]:
    return list(entry.stages.order_by("order").prefetch_related("history__actor"))


def stage_state(stage: ScheduleStage, today: date) -> str:
    """done / late / soon / waiting: 已完成, 逾期 (due_on < today and not done), 即将到期, 未到期."""
    if stage.done_on is not None:
        return "done"
    if stage.due_on < today:
        return "late"
    if stage.due_on <= today + timedelta(days=DUE_SOON_DAYS):
        return "soon"
    return "waiting"


def late_stages(campaign: Campaign, code: str, today: date) -> QuerySet[ScheduleStage]:
    """The overdue stages of the villages under `code`: not done, last day before today, in a
    village still counted (not done, not left out)."""
    return (
        ScheduleStage.objects.filter(
            village__campaign=campaign,
            village__region__code__startswith=code,
            village__progress__status__in=[Status.NOT_STARTED, Status.UNDER_WAY],
            done_on__isnull=True,
            due_on__lt=today,
        )
        .select_related("village__region")
        .order_by("due_on", "village__region_id", "order")
    )
