"""The rectification ledger of complex villages (整顿台账, seed 004: 先整顿后换届; items closed
one by one, 逐一销号): an item is recorded for a village on the complex list, closed (销号) with
its day and note, or opened again; the village leaves the complex list when its last open item
closes and comes back when one opens again (ledgers.services.assessments)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction

from huanjie.accounts.models import User
from huanjie.audit.services import audit_record
from huanjie.elections.models import Campaign
from huanjie.ledgers.models import Assessment, LeaderLevel, RectificationItem
from huanjie.ledgers.services.assessments import complex_flag_follow
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

KIND: Final = "rectification"
MSG_NOT_COMPLEX: Final = "{village}不在选情复杂村名单中，请先在摸底研判中标记为选情复杂村"
MSG_REASON: Final = "重新打开须说明原因"
Status = RectificationItem.Status


def rectification_save(
    *,
    actor: User,
    campaign: Campaign,
    region: Region,
    item: RectificationItem | None,
    values: Mapping[str, Any],
) -> RectificationItem:
    """Record an item of a complex village (item None) or change its problem, measures,
    leader or due day. Its status moves only by rectification_close / _reopen."""
    check_write(actor, campaign, region)
    check_village(campaign, region)
    check_owner(item, campaign, region)
    due = values.get("due_on")
    clean = {
        "problem": text(values, "problem", 500, required="存在问题"),
        "measures": text(values, "measures", 1000),
        "leader": text(values, "leader", 50, required="责任领导"),
        "leader_level": choice(values, "leader_level", LeaderLevel, "领导类别"),
        "due_on": due if isinstance(due, date) else None,
    }
    with transaction.atomic():
        if item is None:
            if not Assessment.objects.filter(
                campaign=campaign, region=region, complex=True
            ).exists():
                raise ValidationError(MSG_NOT_COMPLEX.format(village=region.display_name))
            item = RectificationItem.objects.create(campaign=campaign, region=region, **clean)
            event_record(actor, KIND, item, "", Status.OPEN)
            audit_record(
                actor=actor,
                action="ledgers.rectification_record",
                obj=item,
                changes={**clean, "due_on": due.isoformat() if isinstance(due, date) else None},
            )
            return item
        changes = changed_fields(item, clean)
        if changes:
            for key, value in clean.items():
                setattr(item, key, value)
            item.save(update_fields=list(changes))
            audit_record(
                actor=actor, action="ledgers.rectification_update", obj=item, changes=changes
            )
    return item


def rectification_close(
    *, actor: User, item: RectificationItem, closed_on: date | None, close_note: str = ""
) -> RectificationItem:
    """销号: an open item closed on `closed_on` (not after today), with a note; the village
    leaves the complex list when no open item is left."""
    check_write(actor, item.campaign, item.region)
    day = check_day({"closed_on": closed_on}, "closed_on", "销号日期")
    note = text({"close_note": close_note}, "close_note", 300)
    with transaction.atomic():
        item = (
            RectificationItem.objects.select_for_update()
            .select_related("campaign", "region")
            .get(pk=item.pk)
        )
        if item.status != Status.OPEN:
            raise ValidationError(MSG_STATUS.format(status=item.get_status_display(), what="销号"))
        item.status, item.closed_on, item.close_note = Status.CLOSED, day, note
        item.save(update_fields=["status", "closed_on", "close_note"])
        event_record(actor, KIND, item, Status.OPEN, Status.CLOSED, day, note)
        audit_record(
            actor=actor,
            action="ledgers.rectification_close",
            obj=item,
            changes={"status": [Status.OPEN, Status.CLOSED], "closed_on": str(day), "note": note},
        )
        complex_flag_follow(actor, item.campaign, item.region)
    return item


def rectification_reopen(
    *, actor: User, item: RectificationItem, reason: str = ""
) -> RectificationItem:
    """A closed item opened again (the problem came back), with the reason; the village is a
    complex village again."""
    check_write(actor, item.campaign, item.region)
    note = text({"reason": reason}, "reason", 300, required="重新打开的原因")
    with transaction.atomic():
        item = (
            RectificationItem.objects.select_for_update()
            .select_related("campaign", "region")
            .get(pk=item.pk)
        )
        if item.status != Status.CLOSED:
            raise ValidationError(
                MSG_STATUS.format(status=item.get_status_display(), what="重新打开")
            )
        item.status, item.closed_on, item.close_note = Status.OPEN, None, ""
        item.save(update_fields=["status", "closed_on", "close_note"])
        event_record(actor, KIND, item, Status.CLOSED, Status.OPEN, None, note)
        audit_record(
            actor=actor,
            action="ledgers.rectification_reopen",
            obj=item,
            changes={"status": [Status.CLOSED, Status.OPEN], "reason": note},
        )
        complex_flag_follow(actor, item.campaign, item.region)
    return item
