"""The nomination progress board (issue 10 item 7): per town or village, how many nominees stand
at each stage, and which villages are behind their schedule.

Everything is counted in a few grouped queries over the whole area (no query per village), so a
county of 300 villages or a province reads in the same handful of round trips.

A village is **behind** when a deadline of its election has passed and the work it closes is not
done:

- the review: the county plan's 联审 ends at D-5 (WORKFLOW.md §3.1 stage 11, joint_review
  D-9~D-5); a nominee still at 初步人选 or 资格审查中 after it is behind;
- the formal list: the profile's legal day for publishing the candidates
  (`Profile.candidate_list_days`, e.g. 浙江省村民委员会选举办法 第十八条: D-5) or, where the law
  sets none (the national law), the county plan's 正式候选人公示 at D-4 (WORKFLOW.md §3.1 stage
  12); an election with a list whose formal candidates do not yet fill its seats after that day
  is behind.

The Party's election has no statutory days (WORKFLOW.md §0.4); the plan's days apply to it too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Final

from django.db.models import Count

from huanjie.accounts.permissions import scope_q
from huanjie.elections.models import Campaign, CampaignVillage, Election, ElectionPost
from huanjie.elections.services import election_profile
from huanjie.nomination.models import Nominee, Stage
from huanjie.regions.models import Region

# The county plan's days where the law sets none (WORKFLOW.md §3.1, the 16-stage template).
PLAN_REVIEW_END_DAYS: Final = 5  # stage 11 joint_review D-9~D-5
PLAN_FORMAL_NOTICE_DAYS: Final = 4  # stage 12 formal_notice D-4

STAGES: Final = [
    Stage.NOMINATED,
    Stage.UNDER_REVIEW,
    Stage.QUALIFIED,
    Stage.RECOMMENDED,
    Stage.PRESELECTED,
    Stage.FORMAL,
    Stage.DISQUALIFIED,
    Stage.WITHDRAWN,
]
AWAITING_REVIEW: Final = (Stage.NOMINATED, Stage.UNDER_REVIEW)

MSG_REVIEW_LATE = "{body}资格审查应于{day:%-m月%-d日}前完成，仍有{n}人未审结"
MSG_LIST_LATE = "{body}正式候选人应于{day:%-m月%-d日}前确定（{basis}），{post}应选{seats}名，现有正式候选人{n}名"
BASIS_PLAN = "县级工作方案"


@dataclass
class Row:
    """One area's (a town's or a village's) figures."""

    region: Region
    villages: int = 0
    elections: int = 0
    by_stage: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in STAGES})
    behind: list[str] = field(default_factory=list)  # a village's reasons
    villages_behind: int = 0
    election_date: date | None = None

    @property
    def nominees(self) -> int:
        return sum(self.by_stage.values())

    @property
    def stage_counts(self) -> list[int]:
        return [self.by_stage[s.value] for s in STAGES]

    def add(self, other: Row) -> None:
        self.villages += other.villages
        self.elections += other.elections
        for key, n in other.by_stage.items():
            self.by_stage[key] += n
        self.villages_behind += other.villages_behind


@dataclass(frozen=True)
class BoardSection:
    """A table an app above nomination adds to the board (the review: who waits on which
    department), registered in `board_sections`."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    note: str = ""


# The sections the apps above nomination add, each (user, campaign, area) -> a section or None;
# the joint review registers its own in ReviewConfig.ready (nomination may not import it).
board_sections: list[Callable[[Any, Campaign, Region], BoardSection | None]] = []


def sections(user: Any, campaign: Campaign, area: Region) -> list[BoardSection]:
    return [s for f in board_sections if (s := f(user, campaign, area)) is not None]


def deadlines(election: Election, day: date) -> tuple[date, date, str]:
    """(the day the review must be over, the day the formal list must be fixed, the basis of the
    latter) for `election` whose village elects on `day`."""
    review_end = day - timedelta(days=PLAN_REVIEW_END_DAYS)
    profile = election_profile(election)
    rule = profile.candidate_list_days if profile is not None else None
    if rule is not None and rule.value is not None:
        return review_end, day - timedelta(days=rule.value), "、".join(rule.cite())
    return review_end, day - timedelta(days=PLAN_FORMAL_NOTICE_DAYS), BASIS_PLAN


def _village_reasons(
    election: Election,
    day: date,
    today: date,
    stages: dict[str, int],
    formal_by_post: dict[int, int],
    posts: list[ElectionPost],
) -> list[str]:
    review_end, list_day, basis = deadlines(election, day)
    body = election.get_body_display()
    reasons = []
    waiting = sum(stages.get(s, 0) for s in AWAITING_REVIEW)
    if today > review_end and waiting:
        reasons.append(MSG_REVIEW_LATE.format(body=body, day=review_end, n=waiting))
    if election.has_list and today > list_day:
        for post in posts:
            n = formal_by_post.get(post.pk, 0)
            if n < post.seats:
                reasons.append(
                    MSG_LIST_LATE.format(
                        body=body,
                        day=list_day,
                        basis=basis,
                        post=post.get_post_display(),
                        seats=post.seats,
                        n=n,
                    )
                )
    return reasons


def progress(
    user: Any, campaign: Campaign, area: Region, today: date | None = None
) -> tuple[list[Row], Row]:
    """The rows under `area` (its towns, or its villages for a town) in the user's scope, and
    their total. The caller has checked `area` is in scope and in the campaign."""
    today = today or date.today()
    entries = {
        e.region_id: e
        for e in CampaignVillage.objects.filter(
            campaign=campaign, included=True, region__code__startswith=area.code
        )
        .filter(scope_q(user, "region__code"))
        .select_related("region", "campaign")
    }
    elections = list(
        Election.objects.filter(village__in=entries.values())
        .select_related("village")
        .prefetch_related("posts")
    )
    for election in elections:  # the prefetch's village is a second copy: share the entries
        election.village = entries[election.village.region_id]
    stage_rows = (
        Nominee.objects.filter(election__in=elections)
        .values("election_id", "stage")
        .annotate(n=Count("id"))
    )
    stages: dict[int, dict[str, int]] = defaultdict(dict)
    for r in stage_rows:
        stages[r["election_id"]][r["stage"]] = r["n"]
    formal_rows = (
        Nominee.objects.filter(election__in=elections, stage=Stage.FORMAL)
        .values("post_id")
        .annotate(n=Count("id"))
    )
    formal = {r["post_id"]: r["n"] for r in formal_rows}

    villages: dict[str, Row] = {}
    for code, entry in entries.items():
        villages[code] = Row(region=entry.region, villages=1, election_date=entry.election_date)
    for election in elections:
        row = villages[election.village.region_id]
        row.elections += 1
        for stage, n in stages[election.pk].items():
            row.by_stage[stage] += n
        day = election.village.election_date
        if day is not None:
            row.behind += _village_reasons(
                election, day, today, stages[election.pk], formal, list(election.posts.all())
            )
    for row in villages.values():
        row.villages_behind = int(bool(row.behind))

    total = Row(region=area)
    if area.level >= Region.Level.TOWN:
        rows = sorted(villages.values(), key=lambda r: r.region.code)
    else:
        towns = {
            t.code: Row(region=t)
            for t in Region.objects.filter(
                level=Region.Level.TOWN, code__startswith=area.code
            ).filter(scope_q(user, "code"))
        }
        for code, row in villages.items():
            if code[:9] in towns:
                towns[code[:9]].add(row)
        rows = [r for _, r in sorted(towns.items()) if r.villages]
    for row in rows:
        total.add(row)
    return rows, total
