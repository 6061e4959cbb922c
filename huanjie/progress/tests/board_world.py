"""VillageProgress rows made directly for the board's tests (progress.refresh, which keeps them
in the application, has tests of its own): the campaign's five units of the cast's county, each
given the state a test asks for, relative to today (the board reads timezone.localdate())."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from huanjie.elections.models import Campaign, CampaignVillage
from huanjie.progress.models import ScheduleStage, Status, VillageProgress


def today() -> date:
    return timezone.localdate()


def progress(
    campaign: Campaign,
    code: str,
    status: str,
    *,
    next_due: date | None = None,
    done_on: date | None = None,
    stage_name: str = "",
    registered: int = 0,
    voted: int = 0,
    first_time: bool | None = None,
) -> VillageProgress:
    """The village's row, in the given state (made or replaced)."""
    entry = CampaignVillage.objects.select_related("region").get(campaign=campaign, region_id=code)
    row, _ = VillageProgress.objects.update_or_create(
        village=entry,
        defaults={
            "campaign": campaign,
            "region_id": code,
            "town_code": code[:9],
            "kind": entry.region.kind,
            "status": status,
            "election_date": entry.election_date,
            "stage_key": "voter_list" if stage_name else "",
            "stage_name": stage_name,
            "next_due": next_due,
            "stages_total": 12,
            "stages_done": 12 if status == Status.DONE else 4,
            "elections_total": 3,
            "elections_done": 3 if status == Status.DONE else 0,
            "done_on": done_on,
            "registered": registered,
            "voted": voted,
            "first_time": first_time,
        },
    )
    return row


def mixed(campaign: Campaign) -> dict[str, Any]:
    """桥头镇: 人民路南社区 done today (first time, 900 of 1000 voted), 红河限村 late (the voter
    list due 3 days ago), 毛家寨村 under way; 城关镇: 城关村 done (8 days
    ago, a second poll needed, 450 of 500), 东门村 not started."""
    t = today()
    return {
        "community": progress(
            campaign, "630121100001", Status.DONE, done_on=t, registered=1000, voted=900,
            first_time=True,
        ),
        "late": progress(
            campaign, "630121100206", Status.UNDER_WAY, next_due=t - timedelta(days=3),
            stage_name="公布选民名单",
        ),
        "running": progress(
            campaign, "630121100207", Status.UNDER_WAY, next_due=t + timedelta(days=5),
            stage_name="提名候选人",
        ),
        "done": progress(
            campaign, "630121101204", Status.DONE, done_on=t - timedelta(days=8),
            registered=500, voted=450, first_time=False,
        ),
        "not_started": progress(
            campaign, "630121101205", Status.NOT_STARTED, next_due=t + timedelta(days=10)
        ),
    }  # fmt: skip


def stage(
    campaign: Campaign, code: str, key: str, name: str, order: int, due_on: date, **more: Any
) -> ScheduleStage:
    entry = CampaignVillage.objects.get(campaign=campaign, region_id=code)
    found, _ = ScheduleStage.objects.update_or_create(
        village=entry, key=key, defaults={"name": name, "order": order, "due_on": due_on, **more}
    )
    return found
