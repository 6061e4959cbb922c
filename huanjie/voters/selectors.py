"""Reads of the rolls, scoped to the user: a village's roll is visible to whom the village is in
scope; everything else answers the same 404 (SECURITY.md C3)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, Case, Count, Max, Min, Q, QuerySet, Value, When

from huanjie.accounts.permissions import Action, get_scoped_or_404, scoped
from huanjie.elections.models import Campaign, CampaignVillage
from huanjie.elections.selectors import access_campaign, access_campaign_village
from huanjie.lib.strokes import name_key
from huanjie.regions.models import Region
from huanjie.regions.subtotals import Subtotals, TownRow
from huanjie.voters.models import (
    Category,
    ChangeReason,
    Objection,
    Proxy,
    RegistrationConflict,
    VoterListPublication,
    VoterRegistration,
)


def access_roll(user: Any, campaign_pk: int, code: str) -> CampaignVillage:
    """The campaign's entry for one village in the user's scope, or 404."""
    campaign = access_campaign(user, campaign_pk)
    return access_campaign_village(user, campaign, code)


def registrations_of(entry: CampaignVillage) -> QuerySet[VoterRegistration]:
    """The village's roll; none once the campaign's personal data was removed (SECURITY.md P7:
    a row left for the counts names no one, and a person kept for another campaign is not
    shown as on this roll). The figures count the rows themselves (roll_figures)."""
    if entry.campaign.purged:
        return VoterRegistration.objects.none()
    return VoterRegistration.objects.filter(
        campaign=entry.campaign, village=entry.region
    ).select_related("person")


def access_registration(user: Any, entry: CampaignVillage, pk: int) -> VoterRegistration:
    return get_scoped_or_404(
        user,
        registrations_of(entry).select_related("village", "campaign"),
        Action.VIEW_CAMPAIGNS,
        field="village__code",
        pk=pk,
    )


def publications_of(entry: CampaignVillage) -> QuerySet[VoterListPublication]:
    return VoterListPublication.objects.filter(
        campaign=entry.campaign, village=entry.region
    ).order_by("version")


def access_publication(user: Any, entry: CampaignVillage, version: int) -> VoterListPublication:
    return get_scoped_or_404(
        user,
        publications_of(entry).select_related("village", "campaign"),
        Action.VIEW_CAMPAIGNS,
        field="village__code",
        version=version,
    )


def objections_of(entry: CampaignVillage) -> QuerySet[Objection]:
    return Objection.objects.filter(
        publication__campaign=entry.campaign, publication__village=entry.region
    ).select_related("publication", "subject")


def access_objection(user: Any, entry: CampaignVillage, pk: int) -> Objection:
    return get_scoped_or_404(
        user,
        objections_of(entry).select_related("publication__village", "publication__campaign"),
        Action.VIEW_CAMPAIGNS,
        field="publication__village__code",
        pk=pk,
    )


def _all_proxies_of(entry: CampaignVillage) -> QuerySet[Proxy]:
    if entry.campaign.purged:  # they name the principal and holder (SECURITY.md P7)
        return Proxy.objects.none()
    return Proxy.objects.filter(campaign=entry.campaign, village=entry.region).select_related(
        "principal__person", "holder__person"
    )


def proxies_of(entry: CampaignVillage) -> QuerySet[Proxy]:
    """The proxies in force: what the public list shows and the vote honours."""
    return (
        _all_proxies_of(entry)
        .filter(withdrawn_on__isnull=True)
        .order_by("holder__group_name", "holder_id", "id")
    )


def withdrawn_proxies_of(entry: CampaignVillage) -> QuerySet[Proxy]:
    return _all_proxies_of(entry).filter(withdrawn_on__isnull=False).order_by("withdrawn_on", "id")


def access_proxy(user: Any, entry: CampaignVillage, pk: int) -> Proxy:
    return get_scoped_or_404(
        user,
        _all_proxies_of(entry).select_related("village", "campaign"),
        Action.VIEW_CAMPAIGNS,
        field="village__code",
        pk=pk,
    )


def open_conflicts(user: Any, campaign: Campaign) -> QuerySet[RegistrationConflict]:
    """Open cross-village duplicates of the second registrations in the user's area. A first
    registration in another county (a campaign of the same term there) is listed too, with
    `first_in_scope` False: the page says "其他地区" instead of where, and the county may only
    keep the first (services.conflict_resolve)."""
    qs = RegistrationConflict.objects.filter(
        campaign=campaign,
        status=RegistrationConflict.Status.OPEN,
        campaign__personal_data_purged_on=None,  # SECURITY.md P7
    ).select_related(
        "person", "village", "village__parent", "first__village", "first__village__parent"
    )
    return scoped(user, qs, Action.RESOLVE_DUPLICATES, field="village__code").annotate(
        first_in_scope=Case(
            When(first__village__code__startswith=user.region_id or "-", then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def access_conflict(user: Any, campaign: Campaign, pk: int) -> RegistrationConflict:
    return get_scoped_or_404(
        user,
        RegistrationConflict.objects.filter(campaign=campaign).select_related(
            "first", "first__village", "village", "person", "campaign"
        ),
        Action.RESOLVE_DUPLICATES,
        field="village__code",
        pk=pk,
    )


@dataclass
class VillageFigures:
    region: Region
    election_date: Any = None
    registered: int = 0
    men: int = 0
    women: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    added: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    objections_open: int = 0
    proxies: int = 0
    published_on: Any = None
    versions: int = 0

    @property
    def added_total(self) -> int:
        return sum(self.added.values())

    @property
    def removed_total(self) -> int:
        return sum(self.removed.values())


def roll_figures(
    user: Any, campaign: Campaign, region: Region
) -> tuple[list[VillageFigures], VillageFigures]:
    """Per village under `region` (in the user's scope): registered, by category and sex, added
    and removed by reason, open objections, proxies in force and publication; and the totals. Five
    grouped queries whatever the number of villages."""
    entries = (
        CampaignVillage.objects.filter(
            campaign=campaign, included=True, region__code__startswith=region.code
        )
        .filter(region__code__startswith=user.region_id or "-")
        .select_related("region", "region__parent")
        .order_by("region_id")
    )
    rows = {e.region_id: VillageFigures(e.region, e.election_date) for e in entries}
    within = Q(village__code__startswith=region.code)
    regs = (
        VoterRegistration.objects.filter(within, campaign=campaign)
        .values("village_id", "active", "category", "person__sex", "added_reason", "removed_reason")
        .annotate(n=Count("id"))
    )
    for r in regs:
        f = rows.get(r["village_id"])
        if f is None:
            continue
        n = r["n"]
        f.added[r["added_reason"]] = f.added.get(r["added_reason"], 0) + n
        if not r["active"]:
            f.removed[r["removed_reason"]] = f.removed.get(r["removed_reason"], 0) + n
            continue
        f.registered += n
        f.by_category[r["category"]] = f.by_category.get(r["category"], 0) + n
        if r["person__sex"] == "F":
            f.women += n
        else:
            f.men += n
    objections = (
        Objection.objects.filter(
            publication__campaign=campaign,
            publication__village__code__startswith=region.code,
            outcome=Objection.Outcome.PENDING,
        )
        .values("publication__village_id")
        .annotate(n=Count("id"))
    )
    for r in objections:
        if r["publication__village_id"] in rows:
            rows[r["publication__village_id"]].objections_open = r["n"]
    for r in (
        Proxy.objects.filter(within, campaign=campaign, withdrawn_on__isnull=True)
        .values("village_id")
        .annotate(n=Count("id"))
    ):
        if r["village_id"] in rows:
            rows[r["village_id"]].proxies = r["n"]
    pubs = (
        VoterListPublication.objects.filter(within, campaign=campaign)
        .values("village_id")
        .annotate(first=Min("published_on"), versions=Max("version"))
    )
    for r in pubs:
        if r["village_id"] in rows:
            rows[r["village_id"]].published_on = r["first"]
            rows[r["village_id"]].versions = r["versions"]
    return list(rows.values()), figures_total(region, rows.values())


def figures_total(region: Region, rows: Iterable[VillageFigures]) -> VillageFigures:
    """The sum of villages' figures (`versions`: the villages whose list is published)."""
    total = VillageFigures(region)
    for f in rows:
        for attr in ("registered", "men", "women", "objections_open", "proxies"):
            setattr(total, attr, getattr(total, attr) + getattr(f, attr))
        for name in ("by_category", "added", "removed"):
            into = getattr(total, name)
            for k, v in getattr(f, name).items():
                into[k] = into.get(k, 0) + v
        total.versions += 1 if f.versions else 0
    return total


# The counts of the figures page's town subtotals (分乡镇小计), in its columns' order.
FIGURE_SUBTOTALS = (
    ("村(社区)", lambda f: 1),
    ("在册", lambda f: f.registered),
    ("男", lambda f: f.men),
    ("女", lambda f: f.women),
    ("增加", lambda f: f.added_total),
    ("减少", lambda f: f.removed_total),
    ("待处理申诉", lambda f: f.objections_open),
    ("委托投票", lambda f: f.proxies),
    ("名单已公布", lambda f: 1 if f.versions else 0),
)


def figures_by_town(rows: list[VillageFigures]) -> Subtotals:
    """The figures summed per town (a village code's first nine digits) and in all: what a
    county sees above the list of its villages (regions.subtotals)."""
    sums: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for f in rows:
        code = f.region.code[:9]
        counts = sums.setdefault(code, [0] * len(FIGURE_SUBTOTALS))
        for i, (_, value) in enumerate(FIGURE_SUBTOTALS):
            counts[i] += value(f)
        if f.region.parent is not None:  # roll_figures selects it
            names[code] = f.region.parent.display_name
    towns = tuple(
        TownRow(code, names.get(code, code), tuple(counts)) for code, counts in sorted(sums.items())
    )
    total = tuple(sum(t.counts[i] for t in towns) for i in range(len(FIGURE_SUBTOTALS)))
    return Subtotals(tuple(label for label, _ in FIGURE_SUBTOTALS), towns, total)


CATEGORY_LABELS = dict(Category.choices)
REASON_LABELS = dict(ChangeReason.choices)


def roll_snapshot(campaign: Campaign, village: Region) -> list[dict[str, Any]]:
    """The active roll by 村民小组, as published: groups in their natural order (第二 before
    第十一), names in 姓氏笔画 order within each group, as a village posts its list."""
    rows = (
        VoterRegistration.objects.filter(campaign=campaign, village=village, active=True)
        .order_by("group_name", "id")
        .values_list("group_name", "person__name")
    )
    groups: dict[str, list[str]] = {}
    for group, name in rows:
        groups.setdefault(group or "未分组", []).append(name)
    return [
        {"group": g, "names": sorted(groups[g], key=name_key)}
        for g in sorted(groups, key=group_order)
    ]


_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


def group_order(name: str) -> tuple[int, str]:
    """Sort key putting 第二村民小组 before 第十一村民小组 (and "3组" before "12组").

    >>> sorted(["第十一村民小组", "第三村民小组", "第二村民小组", "未分组"], key=group_order)
    ['第二村民小组', '第三村民小组', '第十一村民小组', '未分组']
    """

    match = re.search(r"[0-9]+|[零一二三四五六七八九十百]+", name)
    if match is None:
        return (10**6, name)
    text = match.group()
    if text.isdigit():
        return (int(text), name)
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total, current = total + (current or 1) * 100, 0
        elif ch == "十":
            total, current = total + (current or 1) * 10, 0
        else:
            current = _DIGITS[ch]
    return (total + current, name)
