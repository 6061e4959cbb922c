"""Reads of the ledgers: the figures counted from them (``ledger_counts``, which the county's
work in numbers reads: never typed), the per-town counts of a campaign's ledgers, and the
villages still without a dual-role person (seed 004's ledger: 21 of 118)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import Substr

from huanjie.elections.models import Campaign, CampaignVillage
from huanjie.ledgers import framework as fw
from huanjie.ledgers.models import (
    Assessment,
    AssessmentChange,
    CandidateRole,
    Category,
    ContingencyPlan,
    DepartureAudit,
    IntendedCandidate,
    RectificationItem,
)
from huanjie.regions.models import Region
from huanjie.regions.subtotals import TOWN_DIGITS

COUNT_LABELS: Final[dict[str, str]] = {
    "villages_assessed": "已摸底研判的村",
    "category_1": "一类村",
    "category_2": "二类村",
    "category_3": "三类村",
    "complex_villages": "选情复杂村",
    "category_upgrades": "二类（三类）转化为一类的村",
    "contingency_plans": "一村一策预案",
    "rectification_open": "整顿事项（整顿中）",
    "rectification_closed": "整顿事项（已销号）",
    "audits_total": "离任审计",
    "audits_reported": "离任审计（已出报告）",
    "dual_role_found": "已物色到“一肩挑”人选的村",
    "dual_role_missing": "尚未物色到“一肩挑”人选的村",
}


def _dual_role_found(campaign: Campaign) -> QuerySet[IntendedCandidate]:
    return IntendedCandidate.objects.filter(
        campaign=campaign, region_id=OuterRef("region_id"), role=CandidateRole.DUAL_ROLE
    ).exclude(status=IntendedCandidate.Status.DROPPED)


def ledger_counts(campaign: Campaign, prefix: str) -> dict[str, int]:
    """The ledgers' figures of `campaign` for the regions whose code starts with `prefix` (a
    county's, a town's): what seed 000 reports ("21个二类村转化为一类村"), counted from the
    rows. A village turned from 二类 (or 三类) to 一类 is one assessed 一类 now whose history
    holds a change from 二类 or 三类 to 一类."""
    assessed = Assessment.objects.filter(campaign=campaign, region__code__startswith=prefix)
    by_category = dict(
        assessed.order_by()
        .values_list("category")
        .annotate(n=Count("pk"))
        .values_list("category", "n")
    )
    upgraded = AssessmentChange.objects.filter(
        assessment=OuterRef("pk"),
        from_category__in=[Category.SECOND, Category.THIRD],
        to_category=Category.FIRST,
    )
    items = RectificationItem.objects.filter(campaign=campaign, region__code__startswith=prefix)
    by_status = dict(
        items.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    audits = DepartureAudit.objects.filter(campaign=campaign, region__code__startswith=prefix)
    villages = CampaignVillage.objects.filter(
        campaign=campaign, included=True, region__code__startswith=prefix
    )
    found = villages.filter(Exists(_dual_role_found(campaign))).count()
    return {
        "villages_assessed": sum(by_category.values()),
        "category_1": by_category.get(Category.FIRST, 0),
        "category_2": by_category.get(Category.SECOND, 0),
        "category_3": by_category.get(Category.THIRD, 0),
        "complex_villages": assessed.filter(complex=True).count(),
        "category_upgrades": assessed.filter(category=Category.FIRST)
        .filter(Exists(upgraded))
        .count(),
        "contingency_plans": ContingencyPlan.objects.filter(
            campaign=campaign, region__code__startswith=prefix
        ).count(),
        "rectification_open": by_status.get(RectificationItem.Status.OPEN, 0),
        "rectification_closed": by_status.get(RectificationItem.Status.CLOSED, 0),
        "audits_total": audits.count(),
        "audits_reported": audits.filter(status=DepartureAudit.Status.REPORTED).count(),
        "dual_role_found": found,
        "dual_role_missing": villages.count() - found,
    }


def dual_role_missing(user: Any, campaign: Campaign) -> QuerySet[CampaignVillage]:
    """The campaign's villages in the user's scope with no dual-role person in view (none
    recorded, or every one dropped)."""
    from huanjie.elections.selectors import campaign_villages_visible_to

    return (
        campaign_villages_visible_to(user, campaign)
        .filter(included=True)
        .exclude(Exists(_dual_role_found(campaign)))
        .order_by("region_id")
    )


def ledger_town_counts(
    user: Any, campaign: Campaign, kinds: Sequence[fw.LedgerKind]
) -> tuple[list[dict[str, Any]], list[int]]:
    """Per town of the user's scope, the number of items of each kind (one grouped query per
    kind), and the totals: the campaign's ledgers page."""
    counts: dict[str, list[int]] = {}
    for i, kind in enumerate(kinds):
        rows = (
            fw.items_visible_to(user, kind, campaign)
            .order_by()
            .annotate(_town=Substr("region_id", 1, TOWN_DIGITS))
            .values("_town")
            .annotate(n=Count("pk"))
        )
        for row in rows:
            counts.setdefault(row["_town"], [0] * len(kinds))[i] = row["n"]
    names = dict(Region.objects.filter(code__in=counts).values_list("code", "name"))
    towns: list[dict[str, Any]] = [
        {"code": code, "name": names.get(code, "县本级"), "counts": counts[code]}
        for code in sorted(counts)
    ]
    totals = [sum(counts[code][i] for code in counts) for i in range(len(kinds))]
    return towns, totals
