"""The schedule tests' world: 630121's campaign around today (so that stages can be late), a
village's election day fixed through the service (its schedule built), helpers to read it."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from huanjie.conftest import VILLAGE, Cast, make_campaign
from huanjie.elections.models import Campaign, CampaignVillage
from huanjie.elections.services import campaign_village_set_election_date
from huanjie.progress.models import ScheduleStage, VillageProgress


def today() -> date:
    return timezone.localdate()


def around_today(cast: Cast) -> Campaign:
    """630121's campaign from 60 days ago to 120 days ahead, no election day fixed."""
    return make_campaign(
        cast, start=today() - timedelta(days=60), end=today() + timedelta(days=120)
    )


def entry(campaign: Campaign, code: str = VILLAGE) -> CampaignVillage:
    return CampaignVillage.objects.select_related("campaign", "region").get(
        campaign=campaign, region_id=code
    )


def fix_day(
    cast: Cast, campaign: Campaign, days_ahead: int, code: str = VILLAGE
) -> CampaignVillage:
    """Fix the village's election day `days_ahead` from today (its schedule is built)."""
    found = entry(campaign, code)
    campaign_village_set_election_date(
        actor=cast.county_officer,
        entry=found,
        election_date=today() + timedelta(days=days_ahead),
    )
    return entry(campaign, code)


def stage(found: CampaignVillage, key: str) -> ScheduleStage:
    return ScheduleStage.objects.select_related("village__campaign", "village__region").get(
        village=found, key=key
    )


def progress(found: CampaignVillage) -> VillageProgress:
    return VillageProgress.objects.get(village=found)
