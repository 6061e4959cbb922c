"""The schedule's routes for the site-wide walks (huanjie/conftest.py app_route_modules): the
schedule of 红河限村, built from the walk campaign's election day, one of its stages done."""

from __future__ import annotations

from typing import Any

from huanjie.conftest import COUNTY, TOWN, VILLAGE

POST_ONLY = {"progress:stage_done", "progress:stage_undo", "progress:election_day"}


def routes(cast: Any, campaign: Any, objects: dict[str, Any]) -> dict[str, Any]:
    from huanjie.elections.models import CampaignVillage
    from huanjie.progress.schedule import schedule_build

    entry = CampaignVillage.objects.select_related("campaign", "region").get(
        campaign=campaign, region_id=VILLAGE
    )
    schedule_build(entry)
    stage = entry.stages.order_by("order").first()
    village = {"pk": campaign.pk, "code": VILLAGE}
    stages = [{**village, "stage": stage.pk}] if stage else []
    return {
        "progress:schedule": [village],
        "progress:stage_done": stages,
        "progress:stage_undo": stages,
        "progress:election_day": [village],
        "progress:late": [{"pk": campaign.pk, "code": COUNTY}, {"pk": campaign.pk, "code": TOWN}],
    }
