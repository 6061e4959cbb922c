"""The committee routes for the site-wide walks: a committee of 红河限村 with members."""

from __future__ import annotations

from typing import Any

from huanjie.conftest import VILLAGE, Cast
from huanjie.elections.models import Campaign


def routes(cast: Cast, campaign: Campaign, objects: dict[str, Any]) -> dict[str, list[dict]]:
    from huanjie.committees.models import ElectionCommittee
    from huanjie.committees.tests.conftest import make_committee

    committee = ElectionCommittee.objects.filter(
        village__campaign=campaign, village__region_id=VILLAGE
    ).first()
    if committee is None:
        committee, _members = make_committee(cast, campaign, reserves=1)
    member = committee.members.filter(status="serving").order_by("order").first()
    assert member is not None
    village = {"pk": campaign.pk, "code": VILLAGE}
    return {
        "committees:village_list": [{"pk": campaign.pk}],
        "committees:detail": [village],
        "committees:create": [village],
        "committees:member_add": [village],
        "committees:member_withdraw": [{**village, "member": member.pk}],
        "committees:set_chair": [village],
    }


POST_ONLY = {"committees:set_chair"}
