from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from huanjie.accounts.permissions import Action, require
from huanjie.audit.models import AuditEvent


def _day_start(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def audit_events_for(user: Any, filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """The audit log for the audit administrator, filtered. Nobody else reads it (SECURITY.md C1)."""
    require(user, Action.VIEW_AUDIT)
    qs = AuditEvent.objects.all().order_by("-id")
    if filters.get("date_from"):
        qs = qs.filter(at__gte=_day_start(filters["date_from"]))
    if filters.get("date_to"):
        qs = qs.filter(at__lt=_day_start(filters["date_to"]) + timedelta(days=1))
    if filters.get("username"):
        qs = qs.filter(username=filters["username"])
    if filters.get("action"):
        qs = qs.filter(action__startswith=filters["action"])
    if filters.get("outcome"):
        qs = qs.filter(outcome=filters["outcome"])
    if filters.get("q"):
        q = filters["q"]
        qs = qs.filter(Q(object_repr__contains=q) | Q(message__contains=q) | Q(object_id=q))
    return qs
