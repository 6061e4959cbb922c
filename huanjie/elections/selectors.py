"""Reads of campaigns, scoped to the user.

A campaign belongs to a county (or city, or province); a town officer works inside it, so a user
sees the campaigns organised at or above their region and those inside their scope, and of a
campaign's villages only those in their scope.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from huanjie.accounts.permissions import (
    Action,
    can,
    get_scoped_or_404,
    not_found,
    scope_code,
    scope_q,
)
from huanjie.elections.models import Campaign, CampaignVillage


def _campaign_scope(user: Any) -> Q:
    prefix = scope_code(user)
    if prefix is None:
        return Q(pk__in=[])
    above = [prefix[:n] for n in (2, 4, 6, 9) if n <= len(prefix)]
    return Q(region__code__startswith=prefix) | Q(region_id__in=above)


def campaigns_visible_to(user: Any) -> QuerySet[Campaign]:
    if not can(user, Action.VIEW_CAMPAIGNS):
        return Campaign.objects.none()
    return Campaign.objects.filter(_campaign_scope(user)).select_related("region")


def access_campaign(user: Any, pk: int) -> Campaign:
    try:
        return campaigns_visible_to(user).get(pk=pk)
    except (Campaign.DoesNotExist, ValueError) as exc:
        raise not_found(user, Action.VIEW_CAMPAIGNS, Campaign.objects.all(), pk=pk) from exc


def campaign_villages_visible_to(user: Any, campaign: Campaign) -> QuerySet[CampaignVillage]:
    return (
        CampaignVillage.objects.filter(campaign=campaign)
        .filter(scope_q(user, "region__code"))
        .select_related("region", "region__parent")
    )


def access_campaign_village(user: Any, campaign: Campaign, code: str) -> CampaignVillage:
    return get_scoped_or_404(
        user,
        CampaignVillage.objects.filter(campaign=campaign).select_related("campaign", "region"),
        Action.VIEW_CAMPAIGNS,
        field="region__code",
        region_id=code,
    )


def campaign_summary(user: Any, campaign: Campaign) -> dict[str, int]:
    rows = (
        campaign_villages_visible_to(user, campaign)
        .values("included", "region__kind")
        .annotate(c=Count("id"))
    )
    summary = {"total": 0, "included": 0, "excluded": 0, "village": 0, "community": 0}
    for row in rows:
        summary["total"] += row["c"]
        summary["included" if row["included"] else "excluded"] += row["c"]
        if row["included"] and row["region__kind"] in ("village", "community"):
            summary[row["region__kind"]] += row["c"]
    return summary
