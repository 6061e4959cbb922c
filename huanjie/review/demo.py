"""The demo joint review of `huanjie demo`: the county sets the review up (the default
departments and the negative list); the nominees under review in the demo villages enter it;
in the demo clerk's village the clerk passes the 村级预审 and the town officer the 乡镇初审 of
the committee's nominees, the county sends them as 第1批, and the court (the demo reviewer)
answers for one of them: the other departments' answers are still awaited."""

from __future__ import annotations

from datetime import date

from huanjie.accounts.models import Department, User
from huanjie.elections.models import Body, Campaign
from huanjie.nomination.models import Nominee, Stage
from huanjie.review import services as s
from huanjie.review.models import Review, ReviewAssignment, ReviewState

SENT_ON = date(2026, 12, 1)


def review_seed(
    *, campaign: Campaign, county: User, clerk: User, town: User, reviewer: User
) -> str | None:
    """Done once: skipped when the campaign's review is set up. Returns the line to print."""
    if s.is_set_up(campaign):
        return None
    s.review_setup(actor=county, campaign=campaign)
    waiting = Nominee.objects.filter(
        election__village__campaign=campaign, stage=Stage.UNDER_REVIEW, review__isnull=True
    ).select_related("election__village__campaign", "person")
    for nominee in waiting.order_by("election__village_id", "order"):
        s.review_start(actor=county, nominee=nominee, reason="资格审查")
    clerk_village = clerk.region_id or "-"
    committee = Review.objects.filter(
        campaign=campaign,
        village_id=clerk_village,
        nominee__election__body__in=(Body.VILLAGERS, Body.RESIDENTS),
    ).order_by("id")
    for review in committee:
        s.review_pass(actor=clerk, review=review, reason="选举委员会审核，未发现不符合条件情形")
        s.review_pass(actor=town, review=review, reason="乡镇初审通过")
    batch_reviews = list(committee.filter(state=ReviewState.AWAITING_BATCH))
    if batch_reviews:
        batch = s.batch_create(actor=county, campaign=campaign, reviews=batch_reviews)
        s.batch_send(actor=county, batch=batch, sent_on=SENT_ON)
        first = ReviewAssignment.objects.filter(
            review=batch_reviews[0], department__department=Department.COURT
        ).first()
        if first is not None:
            s.review_answer(
                actor=reviewer,
                assignment=first,
                answers=[
                    s.Answer(condition=c, found=False)
                    for c in s.department_conditions(first.department)
                ],
            )
    n = Review.objects.filter(campaign=campaign).count()
    return f"资格联审：已启用（默认联审部门和审查情形），{n} 人在审，第1批已送各部门"
