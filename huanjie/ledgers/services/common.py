"""What every ledger service does first (the actor, the scope, the campaign, the owner) and
the history row of a status transition."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Final

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.utils import timezone

from huanjie.accounts.models import User
from huanjie.accounts.permissions import Action, audit_denied, can, in_scope
from huanjie.elections.models import Campaign, CampaignVillage
from huanjie.elections.services import check_not_purged
from huanjie.ledgers.models import LedgerEvent
from huanjie.regions.models import Region

MSG_DENIED: Final = "没有管理该台账的权限"
MSG_NOT_VILLAGE: Final = "{region}不是村(社区)，本台账按村(社区)登记"
MSG_NOT_IN_CAMPAIGN: Final = "{region}未纳入本次换届"
MSG_STATUS: Final = "当前状态为“{status}”，不能{what}"
MSG_NOTE_NEEDED: Final = "请填写{what}"
MSG_DAY_FUTURE: Final = "{what}不能晚于今天"
MSG_DAY_NEEDED: Final = "请填写{what}"
MSG_OTHER_ITEM: Final = "该记录不属于{region}，不能修改"


def check_day(
    values: Mapping[str, Any], key: str, what: str, *, required: bool = True
) -> date | None:
    """A day of the ledger: given when `required`, never after today."""
    day = values.get(key)
    if day is None:
        if required:
            raise ValidationError({key: MSG_DAY_NEEDED.format(what=what)})
        return None
    if not isinstance(day, date):
        raise ValidationError({key: MSG_DAY_NEEDED.format(what=what)})
    if day > timezone.localdate():
        raise ValidationError({key: MSG_DAY_FUTURE.format(what=what)})
    return day


def check_owner(item: Model | None, campaign: Campaign, region: Region) -> None:
    """An item saved with the campaign and owner it has."""
    if item is not None and (
        item.campaign_id != campaign.pk or item.region_id != region.code  # type: ignore[attr-defined]
    ):
        raise ValidationError(MSG_OTHER_ITEM.format(region=region.display_name))


def choice(values: Mapping[str, Any], key: str, choices: Any, what: str) -> str:
    value = str(values.get(key) or "")
    if value not in choices.values:
        raise ValidationError({key: f"请选择{what}"})
    return value


def check_write(
    actor: User, campaign: Campaign, region: Region, action: Action = Action.MANAGE_LEDGERS
) -> None:
    """Refuse (audited, SECURITY.md L1) an actor without `action` or outside the region, or a
    region outside the campaign; then a purged campaign (SECURITY.md P7)."""
    if (
        not can(actor, action)
        or not in_scope(actor, region.code)
        or not region.code.startswith(campaign.region_id)
    ):
        audit_denied(actor, action, obj=region)
        raise PermissionDenied(MSG_DENIED)
    check_not_purged(campaign)


def check_village(campaign: Campaign, region: Region) -> None:
    """The owner of a village ledger's item: a village-level unit taken into the campaign."""
    if region.level != Region.Level.VILLAGE:
        raise ValidationError(MSG_NOT_VILLAGE.format(region=region.display_name))
    if not CampaignVillage.objects.filter(campaign=campaign, region=region).exists():
        raise ValidationError(MSG_NOT_IN_CAMPAIGN.format(region=region.display_name))


def text(values: Mapping[str, Any], key: str, limit: int, *, required: str = "") -> str:
    """A text value stripped; `required` names it in the message when it must not be empty."""
    value = str(values.get(key) or "").strip()
    if required and not value:
        raise ValidationError({key: MSG_NOTE_NEEDED.format(what=required)})
    if len(value) > limit:
        raise ValidationError({key: f"{required or key}超过{limit}个字"})
    return value


def event_record(
    actor: User,
    kind: str,
    item: Model,
    source: str,
    target: str,
    day: date | None = None,
    note: str = "",
) -> LedgerEvent:
    """The history row of one transition (the caller is the guarded service, in its
    transaction)."""
    return LedgerEvent.objects.create(
        kind=kind,
        item_id=item.pk,
        campaign_id=item.campaign_id,  # type: ignore[attr-defined]
        region_id=item.region_id,  # type: ignore[attr-defined]
        from_status=source,
        to_status=target,
        day=day,
        note=note[:300],
        actor=actor,
    )


def changed_fields(item: Model, values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for each value that differs from the item's, as the audit shows."""
    changes: dict[str, list[Any]] = {}
    for key, new in values.items():
        old = getattr(item, key)
        if old != new:
            changes[key] = [_plain(old), _plain(new)]
    return changes


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value
