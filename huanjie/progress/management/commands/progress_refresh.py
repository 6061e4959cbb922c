"""`huanjie progress_refresh [--campaign ID]`: count every village's schedule again from its
election day and rules (progress.schedule), read the stages' completion from the records and
rebuild the VillageProgress rows the board sums (progress.refresh), one transaction per
campaign. Run it nightly: a stage that closes by the calendar alone (the objection window
ending with nothing pending) follows then, and after a change of a campaign's rules."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from huanjie.elections.models import Campaign
from huanjie.progress.models import Status, VillageProgress
from huanjie.progress.refresh import refresh_campaign
from huanjie.progress.schedule import campaign_entries, schedules_build

MSG_NO_CAMPAIGN = "没有编号为{pk}的换届"
MSG_DONE = "{name}：{villages}个村(社区)，日程环节写入{stages}个；已完成{done}个、进行中{under_way}个、未开始{not_started}个（用时{seconds:.1f}秒）"


class Command(BaseCommand):
    help = "重新计算各村(社区)的工作日程和换届进度"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--campaign", type=int, help="换届编号（默认全部未删除个人信息的换届）")

    def handle(self, *args: Any, **options: Any) -> None:
        campaigns = Campaign.objects.filter(personal_data_purged_on__isnull=True)
        if options["campaign"] is not None:
            campaigns = Campaign.objects.filter(pk=options["campaign"])
            if not campaigns.exists():
                raise CommandError(MSG_NO_CAMPAIGN.format(pk=options["campaign"]))
        for campaign in campaigns:
            self.stdout.write(refresh_all(campaign))


def refresh_all(campaign: Campaign) -> str:
    """Rebuild `campaign`'s schedules and progress; the line that says what was done."""
    started = time.monotonic()
    with transaction.atomic():
        stages = schedules_build(campaign_entries(campaign).iterator(chunk_size=2000))
        refresh_campaign(campaign)
    counts = {s: 0 for s in Status.values}
    for status in VillageProgress.objects.filter(campaign=campaign).values_list(
        "status", flat=True
    ):
        counts[status] += 1
    return MSG_DONE.format(
        name=campaign.name,
        villages=sum(counts.values()),
        stages=stages,
        seconds=time.monotonic() - started,
        **counts,
    )
