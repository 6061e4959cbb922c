"""Petitions and reports (信访/举报) about the campaign: received → handling → settled, each
transition with its PetitionEvent, by the town the petition concerns or the county
(MANAGE_LEDGERS).

The handling limit: 60 days from acceptance, which may be extended once by at most 30 days with
the reason (信访工作条例(2022) 第三十四条: "应当自受理之日起60日内办结；情况复杂的，经本机关、单位
负责人批准，可以适当延长办理期限，但延长期限不得超过30日" — SECONDARY: quoted so by two public
codebases, which put the review (复查) in 第三十五条; the 条例's own text not read here. The 2005
信访条例 had it as 第三十三条). A petition not settled by `due_on` is overdue.
The petitioner's name and phone are optional (an anonymous report is still a report); the phone
is shown and audited masked (SECURITY.md P3)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from huanjie.accounts.models import mask_phone
from huanjie.accounts.permissions import Action
from huanjie.audit.services import audit_record
from huanjie.oversight.models import (
    Petition,
    PetitionChannel,
    PetitionEvent,
    PetitionKind,
    PetitionStatus,
)
from huanjie.oversight.services.common import (
    TEXT_MAX,
    changed,
    check,
    choice,
    day,
    iso,
    region_of,
    text,
)
from huanjie.regions.models import Region

if TYPE_CHECKING:
    from huanjie.accounts.models import User
    from huanjie.elections.models import Campaign

# 信访工作条例(2022) 第三十四条 (SECONDARY; see the module docstring).
HANDLING_DAYS: Final = 60
EXTENSION_DAYS: Final = 30
# Near the limit: the home panel and the list flag what falls due within a week.
NEAR_DAYS: Final = 7

MSG_NOT_ALLOWED: Final = "无权办理该信访举报事项"
MSG_STATUS: Final = "该信访举报事项当前为“{status}”，不能{what}"
MSG_EXTENDED: Final = "办理期限已于此前延长过一次，不能再次延长（延长不得超过30日）"
MSG_PHONE: Final = "信访人电话：须为7至20位数字（可含“-”）"

PLACE: Final = (9, 12)
_PHONE = re.compile(r"^[0-9][0-9-]{5,18}[0-9]$")


def due_day(received_on: date, extended: bool = False) -> date:
    """The last day of handling: 60 days from acceptance, 90 once extended.

    >>> due_day(date(2026, 11, 20)), due_day(date(2026, 11, 20), extended=True)
    (datetime.date(2027, 1, 19), datetime.date(2027, 2, 18))
    """
    return received_on + timedelta(days=HANDLING_DAYS + (EXTENSION_DAYS if extended else 0))


def _phone(value: str) -> str:
    phone = (value or "").strip().replace(" ", "")
    if phone and not _PHONE.match(phone):
        raise ValidationError(MSG_PHONE)
    return phone


def _fields(
    campaign: Campaign, region: Region, values: Mapping[str, Any], phone: str
) -> dict[str, Any]:
    return {
        "region": region_of(campaign, region, "涉及单位", PLACE),
        "kind": choice(values.get("kind") or "", PetitionKind, "类别"),
        "channel": choice(values.get("channel") or "", PetitionChannel, "来源渠道"),
        "received_on": day(values.get("received_on"), "受理日期"),
        "summary": text(values.get("summary"), "反映问题", TEXT_MAX),
        "petitioner_name": text(values.get("petitioner_name"), "信访人姓名", 30, required=False),
        "petitioner_phone": phone,
    }


def _phone_of(item: Petition | None, value: object) -> str:
    """The phone a form or a file gives: the masked one it was shown (138****1111) keeps the
    number on record, anything else is a new number (or none)."""
    given = str(value or "").strip()
    if item is not None and given and given == item.phone_masked:
        return item.petitioner_phone
    return _phone(given)


def _event(petition: Petition, actor: User, event: str, old: str, on: date, note: str) -> None:
    PetitionEvent.objects.create(
        petition=petition,
        event=event,
        old_status=old,
        new_status=petition.status,
        on=on,
        note=note,
        actor=actor,
    )


def _masked(changes: dict[str, Any]) -> dict[str, Any]:
    """Audited changes with the phone masked (SECURITY.md L3)."""
    phone = changes.get("petitioner_phone")
    if isinstance(phone, dict):
        changes["petitioner_phone"] = {k: mask_phone(v or "") for k, v in phone.items()}
    elif phone:
        changes["petitioner_phone"] = mask_phone(phone)
    return changes


def petition_save(
    *,
    actor: User,
    campaign: Campaign,
    region: Region,
    item: Petition | None,
    values: Mapping[str, Any],
) -> Petition:
    """Receive a petition or report (`item` None) about the town or village `region`, or correct
    one not yet settled; the handling limit follows the day of acceptance."""
    check(actor, Action.MANAGE_LEDGERS, region.code, item, MSG_NOT_ALLOWED, campaign=campaign)
    if item is not None:
        check(actor, Action.MANAGE_LEDGERS, item.region_id, item, MSG_NOT_ALLOWED)
        if item.status == PetitionStatus.SETTLED:
            raise ValidationError(MSG_STATUS.format(status=item.get_status_display(), what="修改"))
    fields = _fields(campaign, region, values, _phone_of(item, values.get("petitioner_phone")))
    extended = item is not None and bool(item.extension_reason)
    fields["due_on"] = due_day(fields["received_on"], extended=extended)
    with transaction.atomic():
        if item is None:
            petition = Petition.objects.create(campaign=campaign, recorded_by=actor, **fields)
            _event(petition, actor, "received", "", petition.received_on, "")
            audit_record(
                actor=actor,
                action="oversight.petition_receive",
                obj=petition,
                changes=_masked(iso(fields)),
            )
            return petition
        diff = changed(item, fields)
        if diff:
            item.save(update_fields=list(diff))
            audit_record(
                actor=actor, action="oversight.petition_update", obj=item, changes=_masked(diff)
            )
    return item


def _locked(petition: Petition) -> Petition:
    return Petition.objects.select_for_update().get(pk=petition.pk)


def petition_handle(
    *, actor: User, item: Petition, handler: str, measures: str, on: date | None = None
) -> Petition:
    """Who handles it and the measures taken: received → handling (or new measures), on the
    day `on` (today when not given: the ledger's pages and files give none)."""
    check(actor, Action.MANAGE_LEDGERS, item.region_id, item, MSG_NOT_ALLOWED)
    handler = text(handler, "承办单位(人)", 60)
    measures = text(measures, "办理措施", TEXT_MAX)
    on = day(on or timezone.localdate(), "日期", not_before=item.received_on, other="受理日期")
    with transaction.atomic():
        petition = _locked(item)
        if petition.status == PetitionStatus.SETTLED:
            raise ValidationError(
                MSG_STATUS.format(status=petition.get_status_display(), what="登记办理情况")
            )
        old = petition.status
        petition.status, petition.handler, petition.measures = (
            PetitionStatus.HANDLING,
            handler,
            measures,
        )
        petition.save(update_fields=["status", "handler", "measures"])
        _event(petition, actor, "handled", old, on, f"{handler}：{measures}")
        audit_record(
            actor=actor,
            action="oversight.petition_handle",
            obj=petition,
            changes={
                "status": {"old": old, "new": petition.status},
                "handler": handler,
                "measures": measures,
            },
        )
    return petition


def petition_extend(*, actor: User, item: Petition, extension_reason: str) -> Petition:
    """Extend the handling limit once, by 30 days, with the reason (信访工作条例(2022) 第三十四条)."""
    check(actor, Action.MANAGE_LEDGERS, item.region_id, item, MSG_NOT_ALLOWED)
    reason = text(extension_reason, "延期理由", 200)
    with transaction.atomic():
        petition = _locked(item)
        if petition.status == PetitionStatus.SETTLED:
            raise ValidationError(
                MSG_STATUS.format(status=petition.get_status_display(), what="延期")
            )
        if petition.extension_reason:
            raise ValidationError(MSG_EXTENDED)
        old_due = petition.due_on
        petition.due_on = due_day(petition.received_on, extended=True)
        petition.extension_reason = reason
        petition.save(update_fields=["due_on", "extension_reason"])
        _event(petition, actor, "extended", petition.status, timezone.localdate(), reason)
        audit_record(
            actor=actor,
            action="oversight.petition_extend",
            obj=petition,
            changes={
                "due_on": {"old": old_due.isoformat(), "new": petition.due_on.isoformat()},
                "extension_reason": reason,
            },
        )
    return petition


def petition_settle(*, actor: User, item: Petition, settled_on: date, outcome: str) -> Petition:
    """Settled (办结) on `settled_on` with the outcome told to the petitioner."""
    check(actor, Action.MANAGE_LEDGERS, item.region_id, item, MSG_NOT_ALLOWED)
    outcome = text(outcome, "办理结果", TEXT_MAX)
    settled_on = day(settled_on, "办结日期", not_before=item.received_on, other="受理日期")
    with transaction.atomic():
        petition = _locked(item)
        if petition.status == PetitionStatus.SETTLED:
            raise ValidationError(
                MSG_STATUS.format(status=petition.get_status_display(), what="办结")
            )
        old = petition.status
        petition.status, petition.settled_on, petition.outcome = (
            PetitionStatus.SETTLED,
            settled_on,
            outcome,
        )
        petition.save(update_fields=["status", "settled_on", "outcome"])
        _event(petition, actor, "settled", old, settled_on, outcome)
        audit_record(
            actor=actor,
            action="oversight.petition_settle",
            obj=petition,
            changes={
                "status": {"old": old, "new": petition.status},
                "settled_on": settled_on.isoformat(),
                "outcome": outcome,
                "late": settled_on > petition.due_on,
            },
        )
    return petition
