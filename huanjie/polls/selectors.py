"""Reads of polls, scoped by the election's village (SECURITY.md C3): a poll, a box or a sheet
outside the user's region answers 404 exactly like a missing one."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from huanjie.accounts.permissions import Action, get_scoped_or_404, scoped
from huanjie.elections.models import Election
from huanjie.polls.models import BallotBox, CountSheet, Poll

POLL_FIELD = "election__village__region__code"


def _polls() -> QuerySet[Poll]:
    return Poll.objects.select_related(
        "election",
        "election__village",
        "election__village__region",
        "election__village__campaign",
        "follows",
    )


def polls_visible_to(user: Any) -> QuerySet[Poll]:
    return scoped(user, _polls(), Action.VIEW_CAMPAIGNS, field=POLL_FIELD)


def access_poll(user: Any, pk: int) -> Poll:
    return get_scoped_or_404(user, _polls(), Action.VIEW_CAMPAIGNS, field=POLL_FIELD, pk=pk)


def access_election(user: Any, pk: int) -> Election:
    return get_scoped_or_404(
        user,
        Election.objects.select_related("village", "village__region", "village__campaign"),
        Action.VIEW_CAMPAIGNS,
        field="village__region__code",
        pk=pk,
    )


def access_box(user: Any, pk: int) -> BallotBox:
    return get_scoped_or_404(
        user,
        BallotBox.objects.select_related(
            "poll", "poll__election", "poll__election__village", "poll__election__village__region"
        ),
        Action.VIEW_CAMPAIGNS,
        field="poll__" + POLL_FIELD,
        pk=pk,
    )


def access_sheet(user: Any, pk: int) -> CountSheet:
    return get_scoped_or_404(
        user,
        CountSheet.objects.select_related(
            "box",
            "poll",
            "poll__election",
            "poll__election__village",
            "poll__election__village__region",
            "poll__election__village__campaign",
        ),
        Action.VIEW_CAMPAIGNS,
        field="poll__" + POLL_FIELD,
        pk=pk,
    )


def polls_of(election: Election) -> QuerySet[Poll]:
    return _polls().filter(election=election).prefetch_related("posts", "posts__candidates")
