"""What the joint review asks of nomination (registered in ReviewConfig.ready): once a campaign's
review is set up, a nominee is qualified only by the review's clearance — the county's 联审 or a
reused earlier clearance — never by a button beside it (issue 10: every intended candidate of
every body passes one tracked review)."""

from __future__ import annotations

from typing import Any, Final

from django.urls import reverse

from huanjie.accounts.permissions import Action, can
from huanjie.nomination.models import Nominee
from huanjie.review.models import Review, ReviewDepartment, ReviewState

MSG_BY_REVIEW: Final = "{name}的资格审查结论由资格联审作出：联审通过后自动确定为资格审查通过"


def cleared_by_review(nominee: Nominee) -> list[str]:
    """Why `nominee` may not be qualified yet: the campaign's review is set up and the nominee's
    review has not cleared (none: the review cleared it, or the campaign has no review)."""
    campaign_id = nominee.election.village.campaign_id
    if not ReviewDepartment.objects.filter(campaign_id=campaign_id).exists():
        return []
    if Review.objects.filter(nominee=nominee, state=ReviewState.CLEARED).exists():
        return []
    return [MSG_BY_REVIEW.format(name=nominee.person.name)]


def review_status(nominee: Nominee, user: Any) -> tuple[str, str] | None:
    """Where `nominee`'s review stands (村级预审 / 乡镇初审 / 待县级联审 / 第N批 县级联审中 ...)
    and the campaign's review page for a user who may open it ("" for others); None for a
    nominee not in the review."""
    review = Review.objects.filter(nominee=nominee).select_related("batch").first()
    if review is None:
        return None
    number = review.batch.number if review.batch is not None else None
    if review.state == ReviewState.SENT and number is not None:
        label = f"第{number}批 县级联审中"
    elif review.state == ReviewState.BATCHED and number is not None:
        label = f"已编入第{number}批，待送县级联审"
    else:
        label = review.get_state_display()
    if review.reused_from_id:
        label += "（沿用此前的联审结论）"
    campaign = nominee.election.village.campaign
    code = getattr(user, "region_id", None) or "-"
    opens = can(user, Action.MANAGE_REVIEW) and (
        code.startswith(campaign.region_id) or campaign.region_id.startswith(code)
    )
    return label, reverse("review:campaign_home", args=[campaign.pk]) if opens else ""
