"""Reads of the region tree, scoped to the user."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from huanjie.accounts.permissions import Action, get_scoped_or_404, scope_code, scoped
from huanjie.regions.models import Region

CHILD_CODE_LENGTH = {1: 4, 2: 6, 3: 9, 4: 12}


def regions_visible_to(user: Any) -> QuerySet[Region]:
    return scoped(user, Region.objects.all(), Action.VIEW_REGIONS, field="code")


def access_region(user: Any, code: str) -> Region:
    """The region if the user may see it; 404 otherwise, the same as for an unknown code.

    A user may see their own region, everything under it, and (for the breadcrumbs only) nothing
    above it: ancestors are shown as plain text, not as links.
    """
    return get_scoped_or_404(
        user, Region.objects.select_related("parent"), Action.VIEW_REGIONS, field="code", code=code
    )


def region_path(region: Region) -> list[Region]:
    """The region and its ancestors, province first, in one query."""
    codes = [*region.ancestor_codes, region.code]
    found = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


def breadcrumbs_for(
    user: Any, region: Region, *, link_last: bool = False
) -> list[tuple[str, str | None]]:
    prefix = scope_code(user) or ""
    crumbs: list[tuple[str, str | None]] = []
    path = region_path(region)
    for i, r in enumerate(path):
        last = i == len(path) - 1
        linkable = r.code.startswith(prefix) and (link_last or not last)
        crumbs.append((r.display_name, f"/regions/{r.code}/" if linkable else None))
    return crumbs


def child_counts(region: Region) -> dict[str, dict[str, int]]:
    """Per child code: its village-level units by kind, and its towns (one grouped query each)."""
    n = CHILD_CODE_LENGTH.get(region.level)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    if n is None:
        return counts
    villages = (
        Region.objects.filter(level=Region.Level.VILLAGE, code__startswith=region.code)
        .annotate(prefix=Substr("code", 1, n))
        .values("prefix", "kind")
        .annotate(c=Count("code"))
    )
    for row in villages:
        counts[row["prefix"]][row["kind"] or "unknown"] += row["c"]
        counts[row["prefix"]]["units"] += row["c"]
    if region.level < Region.Level.COUNTY:
        towns = (
            Region.objects.filter(level=Region.Level.TOWN, code__startswith=region.code)
            .annotate(prefix=Substr("code", 1, n))
            .values("prefix")
            .annotate(c=Count("code"))
        )
        for row in towns:
            counts[row["prefix"]]["towns"] += row["c"]
    return counts


def totals_of(region: Region, counts: dict[str, dict[str, int]]) -> dict[str, int]:
    """The region's own totals from its children's counts (child_counts): units, villages,
    communities and towns. A village-level unit counts itself."""
    if region.is_village_level:
        return {"units": 1, "village": 0, "community": 0, "towns": 0} | {
            region.kind or "village": 1
        }
    totals = {"units": 0, "village": 0, "community": 0, "towns": 0}
    for c in counts.values():
        for key in totals:
            totals[key] += c.get(key, 0)
    return totals


def search_regions(user: Any, under: Region, q: str, kind: str = "") -> QuerySet[Region]:
    qs = regions_visible_to(user).filter(code__startswith=under.code).exclude(code=under.code)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(short_name__contains=q) | Q(code__startswith=q))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("parent")
