"""Where each village's renewal stands, read from the records and summed into one
`VillageProgress` row per campaign village, set-based: a fixed handful of grouped queries
whatever the number of villages (a province of 50,000 refreshes in seconds), never a query per
village.

Two steps, both here:

1. **Completion from the records.** A stage is done on the day the record that closes it
   says (`RECORD_STAGES`); where no record says so, a person records it by hand
   (progress.services.stage_mark_done). A record wins over a hand entry; a stage done from a
   record that is no longer there (a committee deleted, a result superseded and not replaced)
   is open again. Each change is a history row.
2. **The summary row** the board sums: status, the current stage, the earliest open deadline
   (`next_due`; late ⇔ next_due < today, read at query time), the elections and their
   certified results, and the committee election's first poll (参选率, 一次成功).

Status, our definition (the board's four columns): 不纳入 (excluded) for a village left out;
已完成 (done) once every election of the village has a certified result (results.ResultVersion
in force), on the day the last was certified; 进行中 (under way) once any stage is done or any
result certified; else 未开始 (not started). A done or excluded village has no `next_due`: it
is never counted late.

Call `refresh_villages` inside the transaction of the write that changed the records (the
signals in progress.signals do so for the source models); `refresh_campaign` (and
`huanjie progress_refresh`) rebuilds a whole campaign. Completion that depends on the day
alone (the objection window closing with no objection pending) follows on the next refresh:
run `huanjie progress_refresh` nightly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from django.db.models import Count, Max, Min, QuerySet
from django.db.models.fields.json import KT
from django.utils import timezone

from huanjie.elections.models import Body, Campaign, CampaignVillage, Election, ElectionPost
from huanjie.progress.models import (
    DoneBy,
    Event,
    ScheduleStage,
    ScheduleStageHistory,
    Status,
    VillageProgress,
)

# Read from the records (see `_record_days`); the other stages (handover) are recorded by hand.
RECORD_STAGES: Final = (
    "party_election",
    "committee",
    "voter_registration",
    "voter_list",
    "objections",
    "nomination",
    "joint_review",
    "candidate_list",
    "proxies",
    "election_day",
    "results",
)
COMMITTEES: Final = (Body.VILLAGERS, Body.RESIDENTS)
# Nominees still waiting for the qualification review (nomination.models.Stage).
AWAITING_REVIEW: Final = ("nominated", "under_review")
CHUNK: Final = 2000

UPDATE_FIELDS: Final = [
    "campaign",
    "region",
    "town_code",
    "kind",
    "status",
    "election_date",
    "stage_key",
    "stage_name",
    "next_due",
    "stages_total",
    "stages_done",
    "elections_total",
    "elections_done",
    "done_on",
    "registered",
    "voted",
    "first_time",
    "refreshed_at",
]


def refresh_villages(entry_ids: Iterable[int]) -> None:
    """Refresh the stages' record completion and the VillageProgress rows of these campaign
    villages. Call inside the transaction of the write that changed them."""
    ids = sorted(set(entry_ids))
    for i in range(0, len(ids), CHUNK):
        _refresh(CampaignVillage.objects.filter(pk__in=ids[i : i + CHUNK]))


def refresh_campaign(campaign: Campaign) -> None:
    """Refresh every village of `campaign` (the same few queries for 300 or 50,000)."""
    _refresh(CampaignVillage.objects.filter(campaign=campaign))


def _refresh(entries: QuerySet[CampaignVillage]) -> None:
    today = timezone.localdate()
    rows = list(
        entries.values_list(
            "pk", "campaign_id", "region_id", "region__kind", "included", "election_date"
        )
    )
    if not rows:
        return
    facts = _Facts.read(entries, today)
    stages = _sync_stages(entries, facts.record_days)
    progress = [_progress(row, stages.get(row[0], []), facts) for row in rows]
    VillageProgress.objects.bulk_create(
        progress,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["village"],
        update_fields=UPDATE_FIELDS,
    )


# ---------------------------------------------------------------------------------------------
# What the records say.


def _day(value: date | datetime | None) -> date | None:
    if isinstance(value, datetime):
        return timezone.localdate(value)
    return value


def _truthy(value: Any) -> bool:
    """A JSON boolean read through KT: 'true' on PostgreSQL, 1 on SQLite."""
    return str(value).lower() in ("true", "1")


@dataclass
class _Facts:
    record_days: dict[str, dict[int, date]]
    elections: dict[int, int]  # village → elections
    certified: dict[int, list[date]]  # village → the day each certified election was certified
    first_poll: dict[int, dict[str, Any]]  # village → its committee election's first poll

    @classmethod
    def read(cls, entries: QuerySet[CampaignVillage], today: date) -> _Facts:
        days: dict[str, dict[int, date]] = defaultdict(dict)
        elections: dict[int, int] = defaultdict(int)
        for village, count in (
            Election.objects.filter(village__in=entries)
            .values("village_id")
            .annotate(n=Count("pk"))
            .values_list("village_id", "n")
        ):
            elections[village] = count
        certified = _certified(entries, days)
        first_poll = _first_polls(entries, days)
        _committees(entries, days)
        _publications(entries, days, today)
        _nominations(entries, days)
        _lists(entries, days)
        for village, when in certified.items():
            if len(when) == elections[village] and when:
                days["results"][village] = max(when)
        return cls(days, elections, certified, first_poll)


def _certified(entries: QuerySet[CampaignVillage], days: dict[str, dict[int, date]]) -> Any:
    """The day each election's result in force was certified, by village; the Party's sets the
    party_election stage."""
    from huanjie.results.models import ResultVersion, VersionStatus

    certified: dict[int, list[date]] = defaultdict(list)
    for village, body, at in ResultVersion.objects.filter(
        status=VersionStatus.CERTIFIED, result__election__village__in=entries
    ).values_list("result__election__village_id", "result__election__body", "certified_at"):
        day = _day(at)
        if day is None:
            continue
        certified[village].append(day)
        if body == Body.PARTY:
            days["party_election"][village] = day
    return certified


def _first_polls(
    entries: QuerySet[CampaignVillage], days: dict[str, dict[int, date]]
) -> dict[int, dict[str, Any]]:
    """The committee election's first poll (not a rehearsal): opened, the proxy lists are
    closed (proxies); closed, election day is done; its electorate and voters, and whether it
    filled the seats (the engine's result valid and no further poll needed)."""
    from huanjie.polls.models import Poll, PollKind, PollStatus

    found: dict[int, dict[str, Any]] = {}
    polls = Poll.objects.filter(
        election__village__in=entries,
        election__body__in=COMMITTEES,
        rehearsal=False,
        kind=PollKind.FIRST,
    ).exclude(status=PollStatus.CANCELLED)
    for village, status, held_on, electorate, voted, valid, following in polls.values_list(
        "election__village_id",
        "status",
        "held_on",
        "electorate",
        KT("engine_input__poll_file__voted"),
        KT("engine_output__valid"),
        KT("engine_output__next"),
    ).order_by("election__village_id", "number"):
        if status in (PollStatus.VOTING, PollStatus.COUNTING, PollStatus.CLOSED):
            days["proxies"][village] = held_on
        closed = status == PollStatus.CLOSED
        if closed:
            days["election_day"][village] = held_on
        found[village] = {
            "registered": electorate or 0,
            "voted": int(voted) if closed and voted is not None else 0,
            "first_time": (_truthy(valid) and following in (None, "[]", [])) if closed else None,
        }
    return found


def _committees(entries: QuerySet[CampaignVillage], days: dict[str, dict[int, date]]) -> None:
    from huanjie.committees.models import ElectionCommittee

    for village, chosen_on in ElectionCommittee.objects.filter(village__in=entries).values_list(
        "village_id", "chosen_on"
    ):
        days["committee"][village] = chosen_on


def _publications(
    entries: QuerySet[CampaignVillage], days: dict[str, dict[int, date]], today: date
) -> None:
    """The voter list published (its first version) closes the registration and the list; the
    objections are done once the window closed with none pending, on the later of the window's
    end and the last decision (村民委员会组织法(2025) 第十七条)."""
    from huanjie.voters.models import Objection, VoterListPublication

    by_key = {(c, r): pk for pk, c, r in entries.values_list("pk", "campaign_id", "region_id")}
    publications = VoterListPublication.objects.filter(
        version=1,
        campaign__in=entries.values("campaign_id"),
        village__in=entries.values("region_id"),
    )
    pending = set(
        Objection.objects.filter(
            publication__in=publications, outcome=Objection.Outcome.PENDING
        ).values_list("publication_id", flat=True)
    )
    decided = dict(
        Objection.objects.filter(publication__in=publications)
        .values("publication_id")
        .annotate(last=Max("decided_on"))
        .values_list("publication_id", "last")
    )
    for pk, campaign, region, published_on, window_end in publications.values_list(
        "pk", "campaign_id", "village_id", "published_on", "objection_deadline"
    ):
        village = by_key.get((campaign, region))
        if village is None:
            continue
        days["voter_registration"][village] = published_on
        days["voter_list"][village] = published_on
        if pk not in pending and window_end <= today:
            days["objections"][village] = max(d for d in (window_end, decided.get(pk)) if d)


def _nominations(entries: QuerySet[CampaignVillage], days: dict[str, dict[int, date]]) -> None:
    """Nomination is done once every post of the committee election has a nominee (on the day
    the last post got its first); the review once none waits for it, on the day of the last
    nominee's move out of review."""
    from huanjie.nomination.models import Nominee, NomineeHistory

    committee_posts = ElectionPost.objects.filter(
        election__village__in=entries, election__body__in=COMMITTEES
    )
    posts = dict(
        committee_posts.values("election__village_id")
        .annotate(n=Count("pk"))
        .values_list("election__village_id", "n")
    )
    nominees = Nominee.objects.filter(post__in=committee_posts)
    firsts: dict[int, list[date]] = defaultdict(list)
    for village, first in (
        nominees.values("election__village_id", "post_id")
        .annotate(first=Min("created_at"))
        .values_list("election__village_id", "first")
    ):
        firsts[village].append(_day(first))  # type: ignore[arg-type]
    for village, when in firsts.items():
        if len(when) == posts.get(village):
            days["nomination"][village] = max(when)
    waiting = set(
        nominees.filter(stage__in=AWAITING_REVIEW).values_list("election__village_id", flat=True)
    )
    for village, last in (
        NomineeHistory.objects.filter(nominee__in=nominees, from_stage__in=AWAITING_REVIEW)
        .values("nominee__election__village_id")
        .annotate(last=Max("at"))
        .values_list("nominee__election__village_id", "last")
    ):
        if village not in waiting and village in days["nomination"]:
            days["joint_review"][village] = _day(last)  # type: ignore[assignment]


def _lists(entries: QuerySet[CampaignVillage], days: dict[str, dict[int, date]]) -> None:
    """The candidate list is done once every post of the committee election has its fixed list
    (nomination.lists.list_fix), on the day the last was fixed. 自荐直选 has no list: recorded
    by hand."""
    from huanjie.nomination.models import CandidateList, ListStatus

    committee_posts = ElectionPost.objects.filter(
        election__village__in=entries, election__body__in=COMMITTEES
    )
    posts = dict(
        committee_posts.values("election__village_id")
        .annotate(n=Count("pk"))
        .values_list("election__village_id", "n")
    )
    fixed: dict[int, list[date]] = defaultdict(list)
    for village, fixed_on in CandidateList.objects.filter(
        post__in=committee_posts, status=ListStatus.FIXED, fixed_on__isnull=False
    ).values_list("post__election__village_id", "fixed_on"):
        if fixed_on is not None:
            fixed[village].append(fixed_on)
    for village, when in fixed.items():
        if len(when) == posts.get(village):
            days["candidate_list"][village] = max(when)


# ---------------------------------------------------------------------------------------------
# The stages follow the records.

_Stage = tuple[int, int, str, str, int, date, "date | None", str]  # id, village, key, name, …


def _sync_stages(
    entries: QuerySet[CampaignVillage], record_days: dict[str, dict[int, date]]
) -> dict[int, list[_Stage]]:
    """Set each stage's done day from its record (done_by "record"), reopen a record-done stage
    whose record is gone, write the history of each change; the stages by village, in order."""
    by_village: dict[int, list[_Stage]] = defaultdict(list)
    changed: list[ScheduleStage] = []
    history: list[ScheduleStageHistory] = []
    for row in (
        ScheduleStage.objects.filter(village__in=entries)
        .order_by("village_id", "order")
        .values_list("pk", "village_id", "key", "name", "order", "due_on", "done_on", "done_by")
    ):
        pk, village, key, name, order, due_on, done_on, done_by = row
        record = record_days.get(key, {}).get(village) if key in RECORD_STAGES else None
        new_on, new_by = done_on, done_by
        if record is not None and (done_by != DoneBy.RECORD or done_on != record):
            new_on, new_by = record, DoneBy.RECORD
        elif record is None and done_by == DoneBy.RECORD:
            new_on, new_by = None, ""
        if (new_on, new_by) != (done_on, done_by):
            changed.append(ScheduleStage(pk=pk, done_on=new_on, done_by=new_by))
            history.append(
                ScheduleStageHistory(
                    stage_id=pk,
                    event=Event.RECORD if new_on else Event.RECORD_UNDONE,
                    old_done_on=done_on,
                    new_done_on=new_on,
                )
            )
        by_village[village].append((pk, village, key, name, order, due_on, new_on, new_by))
    if changed:
        ScheduleStage.objects.bulk_update(changed, ["done_on", "done_by"], batch_size=500)
        ScheduleStageHistory.objects.bulk_create(history, batch_size=1000)
    return by_village


def _progress(row: tuple[Any, ...], stages: list[_Stage], facts: _Facts) -> VillageProgress:
    pk, campaign, region, kind, included, election_date = row
    open_stages = [s for s in stages if s[6] is None]
    elections = facts.elections.get(pk, 0)
    certified = facts.certified.get(pk, [])
    done = elections > 0 and len(certified) == elections
    if not included:
        status = Status.EXCLUDED
    elif done:
        status = Status.DONE
    elif len(open_stages) < len(stages) or certified:
        status = Status.UNDER_WAY
    else:
        status = Status.NOT_STARTED
    current = open_stages[0] if open_stages else None
    poll = facts.first_poll.get(pk, {})
    counted = status in (Status.NOT_STARTED, Status.UNDER_WAY)
    return VillageProgress(
        village_id=pk,
        campaign_id=campaign,
        region_id=region,
        town_code=region[:9],
        kind=kind,
        status=status,
        election_date=election_date,
        stage_key=current[2] if current else "",
        stage_name=current[3] if current else "",
        next_due=min((s[5] for s in open_stages), default=None) if counted else None,
        stages_total=len(stages),
        stages_done=len(stages) - len(open_stages),
        elections_total=elections,
        elections_done=len(certified),
        done_on=max(certified) if done else None,
        registered=poll.get("registered", 0),
        voted=poll.get("voted", 0),
        first_time=poll.get("first_time"),
    )
