"""The one adapter between a campaign's villages and the engine's working plan
(`huanjie.rules.schedule.working_plan`): it reads each village's committee rules and election
day, and writes its `ScheduleStage` rows.

A village whose election day is not fixed has no schedule yet (the plan is counted from that
day, WORKFLOW.md §0.2): the board counts it 未开始 and its page says the day is awaited. A
village left out of the campaign keeps whatever stages it had and gets none new. Building again
after the day moved recomputes every stage's window and last day, keeps the days stages were
done, and writes a history row for each stage whose last day changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import QuerySet

from huanjie.accounts.models import User
from huanjie.elections.models import Body, Campaign, CampaignVillage
from huanjie.elections.rule_profiles import county_profile
from huanjie.progress.models import Event, ScheduleStage, ScheduleStageHistory
from huanjie.regions.models import Region
from huanjie.rules.profiles import Profile, effective_profile
from huanjie.rules.schedule import PlanStage, working_plan

# What the county plan is counted from, by the unit's kind: a 社区 elects its residents'
# committee, every other village-level unit its villagers' committee.
COMMITTEE_BODY = {Region.Kind.COMMUNITY: Body.RESIDENTS}


def committee_body(kind: str) -> str:
    return COMMITTEE_BODY.get(kind, Body.VILLAGERS)  # type: ignore[call-overload]


def _profile(entry: CampaignVillage, cache: dict[tuple[str, date], Profile]) -> Profile:
    """The committee election's rules: the county's own profile where the campaign selected
    one, else the province's or the national law (elections.rule_profiles.village_profile),
    shared by the villages of one campaign voting on one day."""
    assert entry.election_date is not None
    body = committee_body(entry.region.kind)
    key = (body, entry.election_date)
    if key not in cache:
        custom = county_profile(entry, body)
        cache[key] = custom or effective_profile(
            body, entry.campaign.rule_province, entry.election_date
        )
    return cache[key]


def plan_of(entry: CampaignVillage) -> tuple[PlanStage, ...]:
    """The village's working plan, () while its election day is not fixed."""
    if entry.election_date is None:
        return ()
    return working_plan(
        _profile(entry, {}),
        entry.election_date,
        community=entry.region.kind == Region.Kind.COMMUNITY,
    )


def schedule_build(entry: CampaignVillage, *, by: User | None = None, note: str = "") -> None:
    """Write `entry`'s stages from its working plan (see schedules_build)."""
    schedules_build([entry], by=by, note=note)


def schedules_build(
    entries: Iterable[CampaignVillage], *, by: User | None = None, note: str = ""
) -> int:
    """Write the stages of `entries` (with campaign and region loaded) from their working plans,
    in a few statements whatever their number: new stages created; a stage whose window or
    last day changed updated, its done day kept, with a `recomputed` history row naming
    `by` and `note` (the reason the day moved) when its last day changed; a stage the plan
    no longer has (proxies under a rule that forbids them) removed unless it was done. The
    caller refreshes VillageProgress. Returns the number of stages written. Call inside a
    transaction."""
    entries = [e for e in entries if e.included and e.election_date is not None]
    if not entries:
        return 0
    existing: dict[int, dict[str, ScheduleStage]] = {}
    for stage in ScheduleStage.objects.filter(village__in=[e.pk for e in entries]):
        existing.setdefault(stage.village_id, {})[stage.key] = stage
    cache: dict[tuple[str, date], Profile] = {}
    new: list[ScheduleStage] = []
    changed: list[ScheduleStage] = []
    history: list[ScheduleStageHistory] = []
    gone: list[int] = []
    for entry in entries:
        assert entry.election_date is not None
        plan = working_plan(
            _profile(entry, cache),
            entry.election_date,
            community=entry.region.kind == Region.Kind.COMMUNITY,
        )
        have = dict(existing.get(entry.pk, {}))
        for step in plan:
            if step.key not in have:
                new.append(_stage(entry, step))
                continue
            stage = have.pop(step.key)
            old_due = stage.due_on
            fields = {
                "name": step.name,
                "order": step.order,
                "starts_on": step.starts,
                "due_on": step.due,
                "article": step.article[:200],
            }
            if all(getattr(stage, f) == v for f, v in fields.items()):
                continue
            for f, v in fields.items():
                setattr(stage, f, v)
            changed.append(stage)
            if old_due != step.due:
                history.append(
                    ScheduleStageHistory(
                        stage=stage,
                        event=Event.RECOMPUTED,
                        old_due_on=old_due,
                        new_due_on=step.due,
                        note=note[:200],
                        actor=by,
                    )
                )
        gone += [s.pk for s in have.values() if s.done_on is None]
    ScheduleStage.objects.bulk_create(new, batch_size=1000)
    ScheduleStage.objects.bulk_update(
        changed, ["name", "order", "starts_on", "due_on", "article"], batch_size=500
    )
    ScheduleStageHistory.objects.bulk_create(history, batch_size=1000)
    if gone:
        ScheduleStage.objects.filter(pk__in=gone).delete()
    return len(new) + len(changed)


def _stage(entry: CampaignVillage, step: PlanStage) -> ScheduleStage:
    return ScheduleStage(
        village=entry,
        key=step.key,
        name=step.name,
        order=step.order,
        starts_on=step.starts,
        due_on=step.due,
        article=step.article[:200],
    )


def campaign_entries(campaign: Campaign) -> QuerySet[CampaignVillage]:
    return CampaignVillage.objects.filter(campaign=campaign).select_related(
        "campaign__rule_profile__region", "region"
    )


def schedule_rebuild(entry: CampaignVillage, *, by: User, reason: str = "") -> None:
    """The step of an election-day move (elections.services.campaign_village_set_election_date,
    which checked `by`): recompute the village's stages, then its progress. Call inside that
    service's transaction."""
    from huanjie.progress.refresh import refresh_villages

    schedule_build(entry, by=by, note=reason)
    refresh_villages([entry.pk])
