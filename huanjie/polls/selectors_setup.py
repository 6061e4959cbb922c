"""Reads of a poll's set-up rows, scoped by the election's village (SECURITY.md C3): a listed
voter or a staff member outside the user's region answers 404 exactly like a missing one."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from huanjie.accounts.permissions import Action, get_scoped_or_404
from huanjie.polls.models import (
    BallotBox,
    CheckIn,
    MobileBoxVoter,
    PartyAttendance,
    Poll,
    PollStaff,
)
from huanjie.polls.selectors import POLL_FIELD

_POLL = (
    "poll",
    "poll__election",
    "poll__election__village",
    "poll__election__village__region",
    "poll__election__village__campaign",
)


def access_listed(user: Any, pk: int) -> MobileBoxVoter:
    return get_scoped_or_404(
        user,
        MobileBoxVoter.objects.select_related(
            "registration__person", "box", *(f"box__{p}" for p in _POLL)
        ),
        Action.VIEW_CAMPAIGNS,
        field="box__poll__" + POLL_FIELD,
        pk=pk,
    )


def access_staff(user: Any, pk: int) -> PollStaff:
    return get_scoped_or_404(
        user,
        PollStaff.objects.select_related("person", "box", *_POLL),
        Action.VIEW_CAMPAIGNS,
        field="poll__" + POLL_FIELD,
        pk=pk,
    )


def boxes_of(poll: Poll) -> QuerySet[BallotBox]:
    """The poll's boxes with their listed voters and staff, in their order."""
    return (
        BallotBox.objects.filter(poll=poll)
        .order_by("position", "id")
        .prefetch_related(
            Prefetch(
                "listed",
                queryset=MobileBoxVoter.objects.select_related("registration__person").order_by(
                    "registration__person__name", "id"
                ),
            ),
            Prefetch("staff", queryset=PollStaff.objects.select_related("person")),
        )
    )


def poll_staff(poll: Poll) -> QuerySet[PollStaff]:
    """The staff of the whole poll (no box)."""
    return PollStaff.objects.filter(poll=poll, box__isnull=True).select_related("person")


def recent_check_ins(poll: Poll, limit: int = 20) -> list[CheckIn]:
    return list(
        CheckIn.objects.filter(poll=poll)
        .select_related("registration__person", "box", "by_proxy__person")
        .order_by("-id")[:limit]
    )


def recent_attendance(poll: Poll, limit: int = 20) -> list[PartyAttendance]:
    return list(
        PartyAttendance.objects.filter(poll=poll)
        .select_related("member__person")
        .order_by("-id")[:limit]
    )
