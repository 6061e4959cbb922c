"""The demo county's schedules (`huanjie demo`): every village's stages counted from its election
day, completions recorded as the towns would have recorded them by today, and one election day
moved with its reason — so that the board on the demo's day shows done, under-way, late and
not-started villages.

- Stages already closed by the demo's records (committees, nominees, lists, polls, certified
  results) are read from them.
- Every other stage whose last day has passed is recorded done by hand, a day or two before
  that day — except in about one village in five of the towns voting first (2027-01-10), whose
  Party election (D-60～D-40) is still open: those are the late villages.
- A stage under way today is recorded done in every other village.
- One village of 城关镇 moves its election day a week later, with the reason.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from huanjie.accounts.models import User
from huanjie.elections.models import Campaign, CampaignVillage
from huanjie.elections.services import campaign_village_set_election_date
from huanjie.progress.models import ElectionDayChange, ScheduleStage, Status, VillageProgress
from huanjie.progress.refresh import refresh_campaign
from huanjie.progress.schedule import campaign_entries, schedules_build
from huanjie.progress.services import stage_mark_done

MOVED_TOWN = "630121101"  # 城关镇
MOVE_REASON = "村党组织换届选举推迟，经镇党委同意，选举日顺延一周"
# The villages whose Party election is late: in the towns voting first, those whose code ends
# in 3 or 7.
LATE_ENDINGS = ("3", "7")


def schedule_seed(*, campaign: Campaign, officers: dict[str, User]) -> str:
    """Build the schedules and progress of `campaign`, record the completions (by the town's
    officer in `officers`, the county's elsewhere) and move one election day. Idempotent."""
    county = campaign.created_by
    today = timezone.localdate()
    with transaction.atomic():
        schedules_build(campaign_entries(campaign))
        refresh_campaign(campaign)
    moved = _move_one(campaign, officers.get(MOVED_TOWN, county))
    first_day = (
        CampaignVillage.objects.filter(campaign=campaign, included=True, election_date__gt=today)
        .order_by("election_date")
        .values_list("election_date", flat=True)
        .first()
    )
    marked = 0
    stages = (
        ScheduleStage.objects.filter(
            village__campaign=campaign,
            village__included=True,
            done_on__isnull=True,
            starts_on__lte=today,
        )
        .select_related("village__campaign", "village__region")
        .order_by("village__region_id", "order")
    )
    for stage in stages:
        code = stage.village.region_id
        day = _done_day(stage, today, first_day, code)
        if day is None:
            continue
        stage_mark_done(actor=officers.get(code[:9], county), stage=stage, done_on=day)
        marked += 1
    counts = dict.fromkeys(Status.values, 0)
    late = 0
    for status, next_due in VillageProgress.objects.filter(campaign=campaign).values_list(
        "status", "next_due"
    ):
        counts[status] += 1
        late += next_due is not None and next_due < today
    return (
        f"工作日程：{sum(counts.values())} 个村(社区)，登记完成环节 {marked} 个；截至{today:%m-%d}"
        f"已完成 {counts['done']} 个、进行中 {counts['under_way']} 个（其中滞后 {late} 个）、"
        f"未开始 {counts['not_started']} 个；选举日变更 {moved} 处"
    )


def _done_day(stage: ScheduleStage, today: date, first_day: date | None, code: str) -> date | None:
    """The day the demo records `stage` done, None to leave it open."""
    start = max(stage.starts_on or stage.due_on, stage.village.campaign.window_start)
    if stage.due_on < today:
        first_batch = stage.village.election_date == first_day
        if first_batch and code.endswith(LATE_ENDINGS):
            return None  # a late village
        return max(start, min(stage.due_on - timedelta(days=int(code[-1]) % 3), today))
    if int(code[-3:]) % 2 == 0:
        return max(start, min(start + timedelta(days=3), today))
    return None


def _move_one(campaign: Campaign, actor: User) -> int:
    """Move the election day of the last village of 城关镇 voting on the town's day, a week later;
    0 when a move was already recorded."""
    if ElectionDayChange.objects.filter(
        village__campaign=campaign, old_date__isnull=False
    ).exists():
        return 0
    entry = (
        campaign_entries(campaign)
        .filter(region__code__startswith=MOVED_TOWN, included=True, election_date__isnull=False)
        .order_by("-election_date", "-region_id")
        .first()
    )
    if entry is None or entry.election_date is None:
        return 0
    campaign_village_set_election_date(
        actor=actor,
        entry=entry,
        election_date=entry.election_date + timedelta(days=7),
        reason=MOVE_REASON,
    )
    return 1
