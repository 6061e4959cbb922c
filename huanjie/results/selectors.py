"""Reads of results, scoped by the election's village (SECURITY.md C3): a version, a
correction or a box outside the user's region answers 404 exactly like a missing one."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from huanjie.accounts.permissions import Action, get_scoped_or_404
from huanjie.polls.selectors import access_box, access_election
from huanjie.results.models import BoxIncident, Correction, ResultVersion, TallySheetScan

VERSION_FIELD = "result__election__village__region__code"


def _versions() -> QuerySet[ResultVersion]:
    return ResultVersion.objects.select_related(
        "result",
        "result__election",
        "result__election__village",
        "result__election__village__region",
        "result__election__village__campaign",
    )


def access_version(user: Any, pk: int) -> ResultVersion:
    return get_scoped_or_404(user, _versions(), Action.VIEW_CAMPAIGNS, field=VERSION_FIELD, pk=pk)


def access_correction(user: Any, pk: int) -> Correction:
    return get_scoped_or_404(
        user,
        Correction.objects.select_related(
            "result__election__village__region", "result__election__village__campaign", "poll"
        ),
        Action.VIEW_CAMPAIGNS,
        field=VERSION_FIELD,
        pk=pk,
    )


def access_scan(user: Any, pk: int) -> TallySheetScan:
    return get_scoped_or_404(
        user,
        TallySheetScan.objects.select_related("box", "box__poll", "box__poll__election"),
        Action.VIEW_CAMPAIGNS,
        field="box__poll__election__village__region__code",
        pk=pk,
    )


def access_incident(user: Any, pk: int) -> BoxIncident:
    return get_scoped_or_404(
        user,
        BoxIncident.objects.select_related("box", "box__poll", "box__poll__election"),
        Action.VIEW_CAMPAIGNS,
        field="box__poll__election__village__region__code",
        pk=pk,
    )


__all__ = [
    "access_box",
    "access_correction",
    "access_election",
    "access_incident",
    "access_scan",
    "access_version",
]
