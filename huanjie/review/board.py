"""The joint review's section of the nomination progress board (issue 10 item 7): per review
department, the people sent to it in the area and how many still wait for its answer; and how
many wait at the village and town levels. Registered in ReviewConfig.ready."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from huanjie.accounts.permissions import scope_q
from huanjie.elections.models import Campaign
from huanjie.nomination.progress import BoardSection
from huanjie.regions.models import Region
from huanjie.review.models import Review, ReviewAssignment, ReviewState

NOTE = "县级联审：已送各部门的人员中尚待答复的人数（部门全部答复后由县级作出结论）。"


def review_section(user: Any, campaign: Campaign, area: Region) -> BoardSection | None:
    """None while the campaign's review is not set up."""
    if not campaign.review_departments.exists():
        return None
    reviews = Review.objects.filter(campaign=campaign, village__code__startswith=area.code).filter(
        scope_q(user, "village__code")
    )
    rows = (
        ReviewAssignment.objects.filter(review__in=reviews, review__state=ReviewState.SENT)
        .values("department__name", "department__order")
        .annotate(sent=Count("id"), waiting=Count("id", filter=Q(answered_at__isnull=True)))
        .order_by("department__order", "department__name")
    )
    table = [(r["department__name"], r["sent"], r["waiting"]) for r in rows]
    levels = dict(
        reviews.filter(state__in=(ReviewState.PRE_REVIEW, ReviewState.TOWN_REVIEW))
        .values_list("state")
        .annotate(n=Count("id"))
    )
    before = [
        (label, "—", levels.get(state, 0))
        for state, label in (
            (ReviewState.PRE_REVIEW, "村级预审（选举委员会）"),
            (ReviewState.TOWN_REVIEW, "乡镇初审"),
        )
    ]
    return BoardSection(
        title="资格联审待办",
        headers=("审查环节 / 联审部门", "已送审", "待答复 / 待审"),
        rows=tuple(before + table),
        note=NOTE,
    )
