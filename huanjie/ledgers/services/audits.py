"""Departure audits (离任审计, seed 004: 村委会成员任期和离任经济责任审计、社区居委会财务收支审计):
planned (安排) → under way (进场) → reported (出具报告, with its findings and the problems found)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction

from huanjie.accounts.models import User
from huanjie.audit.services import audit_record
from huanjie.elections.models import Campaign
from huanjie.ledgers.models import AuditKind, DepartureAudit
from huanjie.ledgers.services.common import (
    MSG_STATUS,
    changed_fields,
    check_day,
    check_owner,
    check_village,
    check_write,
    choice,
    event_record,
    text,
)
from huanjie.regions.models import Region

KIND: Final = "audits"
MSG_BEFORE_START: Final = "报告日期不能早于进场日期（{day}）"
Status = DepartureAudit.Status


def audit_save(
    *,
    actor: User,
    campaign: Campaign,
    region: Region,
    item: DepartureAudit | None,
    values: Mapping[str, Any],
) -> DepartureAudit:
    """Plan an audit of a village (item None) or change its kind, subject or auditor."""
    check_write(actor, campaign, region)
    check_village(campaign, region)
    check_owner(item, campaign, region)
    clean = {
        "audit_kind": choice(values, "audit_kind", AuditKind, "审计类型"),
        "subject": text(values, "subject", 100, required="审计对象"),
        "auditor": text(values, "auditor", 100),
    }
    with transaction.atomic():
        if item is None:
            item = DepartureAudit.objects.create(campaign=campaign, region=region, **clean)
            event_record(actor, KIND, item, "", Status.PLANNED)
            audit_record(actor=actor, action="ledgers.audit_plan", obj=item, changes=clean)
            return item
        changes = changed_fields(item, clean)
        if changes:
            for key, value in clean.items():
                setattr(item, key, value)
            item.save(update_fields=list(changes))
            audit_record(actor=actor, action="ledgers.audit_update", obj=item, changes=changes)
    return item


def audit_start(*, actor: User, item: DepartureAudit, started_on: date | None) -> DepartureAudit:
    """The auditors began (进场) on `started_on`."""
    check_write(actor, item.campaign, item.region)
    day = check_day({"started_on": started_on}, "started_on", "进场日期")
    with transaction.atomic():
        item = DepartureAudit.objects.select_for_update().get(pk=item.pk)
        if item.status != Status.PLANNED:
            raise ValidationError(MSG_STATUS.format(status=item.get_status_display(), what="进场"))
        item.status, item.started_on = Status.UNDER_WAY, day
        item.save(update_fields=["status", "started_on"])
        event_record(actor, KIND, item, Status.PLANNED, Status.UNDER_WAY, day)
        audit_record(
            actor=actor,
            action="ledgers.audit_start",
            obj=item,
            changes={"status": [Status.PLANNED, Status.UNDER_WAY], "started_on": str(day)},
        )
    return item


def audit_report(
    *,
    actor: User,
    item: DepartureAudit,
    reported_on: date | None,
    findings: str = "",
    problems: str = "",
) -> DepartureAudit:
    """The audit's report (出具审计报告) on `reported_on`, with its conclusion and the problems
    found."""
    check_write(actor, item.campaign, item.region)
    day = check_day({"reported_on": reported_on}, "reported_on", "报告日期")
    clean_findings = text({"findings": findings}, "findings", 1000, required="审计结论")
    clean_problems = text({"problems": problems}, "problems", 1000)
    with transaction.atomic():
        item = DepartureAudit.objects.select_for_update().get(pk=item.pk)
        if item.status != Status.UNDER_WAY:
            raise ValidationError(
                MSG_STATUS.format(status=item.get_status_display(), what="出具报告")
            )
        assert item.started_on is not None and day is not None
        if day < item.started_on:
            raise ValidationError(MSG_BEFORE_START.format(day=item.started_on.isoformat()))
        item.status, item.reported_on = Status.REPORTED, day
        item.findings, item.problems = clean_findings, clean_problems
        item.save(update_fields=["status", "reported_on", "findings", "problems"])
        event_record(actor, KIND, item, Status.UNDER_WAY, Status.REPORTED, day, clean_findings)
        audit_record(
            actor=actor,
            action="ledgers.audit_report",
            obj=item,
            changes={
                "status": [Status.UNDER_WAY, Status.REPORTED],
                "reported_on": str(day),
                "findings": clean_findings,
                "problems": clean_problems,
            },
        )
    return item
