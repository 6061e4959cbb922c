"""Reads of people, scoped to the user. Only the masked ID number ever leaves the database here."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from huanjie.accounts.permissions import Action, can, not_found, scoped
from huanjie.people.models import Person, PersonStatusChange
from huanjie.regions.models import Region

PERSON_LIST_FIELDS = (
    "id",
    "name",
    "sex",
    "birth_date",
    "ethnicity",
    "id_masked",
    "group_name",
    "household_no",
    "region_id",
)


def people_visible_to(user: Any) -> QuerySet[Person]:
    # The rows the retention purge erased (SECURITY.md P7) only keep old counts: no one's page.
    people = Person.objects.filter(erased_on__isnull=True)
    return scoped(user, people, Action.VIEW_PEOPLE).only(*PERSON_LIST_FIELDS)


def people_of_region(
    user: Any, region: Region, *, q: str = "", group: str = ""
) -> QuerySet[Person]:
    qs = people_visible_to(user).filter(region__code__startswith=region.code)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(household_no=q))
    if group:
        qs = qs.filter(group_name=group)
    return qs


def population_by_child(user: Any, region: Region, child_code_length: int) -> dict[str, int]:
    """People registered under each child region, in one grouped query."""
    rows = (
        people_visible_to(user)
        .filter(region__code__startswith=region.code)
        .annotate(prefix=Substr("region_id", 1, child_code_length))
        .values("prefix")
        .annotate(c=Count("id"))
        .order_by()
    )
    return {row["prefix"]: row["c"] for row in rows}


def groups_of_village(region: Region) -> list[str]:
    names = Person.objects.filter(region=region).values_list("group_name", flat=True).distinct()
    return sorted(n for n in names if n)


STATUS_CHANGE_FIELDS = (
    "id",
    "person",
    "kind",
    "changed_on",
    "until",
    "source",
    "region",
    "batch",
    "removed",
    "flagged",
    "recorded_by",
    "created_at",
    "corrected_at",
    "corrected_by",
    "correction_reason",
)


def status_changes_of(user: Any, area: Region) -> QuerySet[PersonStatusChange]:
    """The recorded deaths and deprivations an area's user sees: recorded under the area, or of a
    person whose 户籍 is in it. Nothing without VIEW_PEOPLE; `area` is already in scope."""
    if not can(user, Action.VIEW_PEOPLE):
        return PersonStatusChange.objects.none()
    return (
        PersonStatusChange.objects.filter(
            Q(region__code__startswith=area.code) | Q(person__region__code__startswith=area.code)
        )
        .select_related("person", "region", "recorded_by", "corrected_by")
        .only(
            *STATUS_CHANGE_FIELDS,
            "person__name",
            "person__id_masked",
            "region__name",
            "region__short_name",
            "recorded_by__full_name",
            "corrected_by__full_name",
        )
        .order_by("-id")
    )


def access_status_change(user: Any, area: Region, pk: int) -> PersonStatusChange:
    """One change the area's user sees, or the same 404 as for one that does not exist."""
    try:
        return status_changes_of(user, area).get(pk=pk)
    except PersonStatusChange.DoesNotExist as exc:
        raise not_found(user, Action.VIEW_PEOPLE, PersonStatusChange.objects.all(), pk=pk) from exc
