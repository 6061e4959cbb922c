"""The oversight rows a user may read (VIEW_PROGRESS in scope: SECURITY.md C3), one 404 for
"does not exist" and "not yours", and the figures the home panels show."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from huanjie.accounts.permissions import Action, get_scoped_or_404, scoped
from huanjie.oversight.models import (
    InspectionGroup,
    InspectionProblem,
    InspectionVisit,
    Petition,
    PetitionStatus,
    ProblemStatus,
    TrainingAttendee,
    TrainingSession,
    WorkRecord,
)
from huanjie.oversight.services.petitions import NEAR_DAYS

if TYPE_CHECKING:
    from huanjie.accounts.models import User
    from huanjie.elections.models import Campaign

VIEW = Action.VIEW_PROGRESS


def groups_visible(user: User, campaign: Campaign) -> QuerySet[InspectionGroup]:
    return scoped(user, InspectionGroup.objects.filter(campaign=campaign), VIEW)


def visits_visible(user: User) -> QuerySet[InspectionVisit]:
    return scoped(
        user, InspectionVisit.objects.select_related("group", "region__parent", "campaign"), VIEW
    )


def problems_visible(user: User) -> QuerySet[InspectionProblem]:
    return scoped(
        user,
        InspectionProblem.objects.select_related("visit__group", "region__parent", "campaign"),
        VIEW,
    )


def petitions_visible(user: User) -> QuerySet[Petition]:
    return scoped(user, Petition.objects.select_related("region__parent", "campaign"), VIEW)


def sessions_visible(user: User) -> QuerySet[TrainingSession]:
    return scoped(user, TrainingSession.objects.select_related("region", "campaign"), VIEW)


def attendees_visible(user: User) -> QuerySet[TrainingAttendee]:
    return scoped(
        user,
        TrainingAttendee.objects.select_related("session__region", "village__parent"),
        VIEW,
        field="session__region__code",
    )


def records_visible(user: User) -> QuerySet[WorkRecord]:
    return scoped(user, WorkRecord.objects.select_related("region", "campaign"), VIEW)


def access(user: User, queryset: QuerySet[Any], pk: int, field: str = "region__code") -> Any:
    """One row the user may read, else the one 404 (audited when it exists elsewhere)."""
    return get_scoped_or_404(user, queryset, VIEW, field=field, pk=pk)


# ---------------------------------------------------------------------------------------------
# What is due: the home panels and the lists' flags.


def open_problems(user: User) -> QuerySet[InspectionProblem]:
    """Problems not yet closed in the user's scope, the overdue first."""
    return problems_visible(user).exclude(status=ProblemStatus.CLOSED).order_by("due_on", "id")


def petitions_due(user: User) -> QuerySet[Petition]:
    """Petitions not settled whose limit is past or within NEAR_DAYS, the earliest first."""
    near = timezone.localdate() + timedelta(days=NEAR_DAYS)
    return (
        petitions_visible(user)
        .exclude(status=PetitionStatus.SETTLED)
        .filter(due_on__lte=near)
        .order_by("due_on", "id")
    )


def overdue_q(status_field: str = "status", closed: str = "") -> Q:
    """Not closed and past its day (`due_on`), as of today."""
    return Q(due_on__lt=timezone.localdate()) & ~Q(**{status_field: closed})
