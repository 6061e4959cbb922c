"""What the oversight services share: the refusal (logged, SECURITY.md L1), the checks of typed
fields with the messages that name them, and the region of a row inside its campaign."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Final, NoReturn

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone

from huanjie.accounts.permissions import Action, audit_denied, can, in_scope
from huanjie.elections.models import Campaign
from huanjie.elections.services import check_not_purged
from huanjie.oversight.models import TEXT
from huanjie.regions.models import Region

if TYPE_CHECKING:
    from huanjie.accounts.models import User

MSG_REQUIRED: Final = "{label}：请填写"
MSG_TOO_LONG: Final = "{label}：不能超过{most}个字"
MSG_DAY: Final = "{label}：须为日期"
MSG_FUTURE: Final = "{label}：不能晚于今天"
MSG_BEFORE: Final = "{label}：不能早于{other}（{day}）"
MSG_CHOICE: Final = "{label}：“{value}”不在规定之列"
MSG_OUTSIDE: Final = "{label}：“{name}”不在本次换届（{campaign}）的范围内"
MSG_LEVEL: Final = "{label}：须为{levels}"

TEXT_MAX: Final = TEXT  # the longest free text of a ledger row
LEVEL_NAMES: Final = {6: "县(区)", 9: "乡镇(街道)", 12: "村(社区)"}


def refuse(actor: User, action: Action, obj: Model | None, message: str) -> NoReturn:
    """Log the refused write (SECURITY.md L1) and raise its message."""
    audit_denied(actor, action, obj=obj)
    raise ValidationError(message)


def check(
    actor: User,
    action: Action,
    code: str,
    obj: Model | None,
    message: str,
    *,
    campaign: Campaign | None = None,
) -> None:
    """The actor holds `action` over the region `code` (SECURITY.md C1, C3), else refused; and
    the campaign (`campaign`, or the object's) still holds its personal data (SECURITY.md P7:
    a purged campaign is read-only)."""
    if not can(actor, action) or not in_scope(actor, code):
        refuse(actor, action, obj, message)
    held = campaign or (obj if isinstance(obj, Campaign) else getattr(obj, "campaign", None))
    if held is not None:
        check_not_purged(held)


def text(value: str | None, label: str, most: int, *, required: bool = True) -> str:
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise ValidationError(MSG_REQUIRED.format(label=label))
    if len(cleaned) > most:
        raise ValidationError(MSG_TOO_LONG.format(label=label, most=most))
    return cleaned


def day(
    value: object,
    label: str,
    *,
    past: bool = True,
    not_before: date | None = None,
    other: str = "",
) -> date:
    """A day of the ledger: a date, not after today when `past` (what happened cannot be in the
    future), not before `not_before` (named `other`)."""
    if not isinstance(value, date):
        raise ValidationError(MSG_DAY.format(label=label))
    if past and value > timezone.localdate():
        raise ValidationError(MSG_FUTURE.format(label=label))
    if not_before is not None and value < not_before:
        raise ValidationError(
            MSG_BEFORE.format(label=label, other=other, day=f"{not_before:%Y年%-m月%-d日}")
        )
    return value


def choice(value: str, choices: Any, label: str) -> str:
    if value not in choices.values:
        raise ValidationError(MSG_CHOICE.format(label=label, value=value))
    return value


def region_of(campaign: Campaign, region: Region, label: str, levels: tuple[int, ...]) -> Region:
    """`region` lies in the campaign's area and is of one of the `levels` (code lengths)."""
    if not region.code.startswith(campaign.region_id):
        raise ValidationError(
            MSG_OUTSIDE.format(label=label, name=region.display_name, campaign=campaign.name)
        )
    if len(region.code) not in levels:
        names = "或".join(LEVEL_NAMES[n] for n in levels)
        raise ValidationError(MSG_LEVEL.format(label=label, levels=names))
    return region


def iso(values: dict[str, Any]) -> dict[str, Any]:
    """Audited values: days as ISO text, regions and users by code or username."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, date):
            out[key] = value.isoformat()
        elif isinstance(value, Region):
            out[key] = value.code
        else:
            out[key] = value
    return out


def changed(obj: Model, values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields of `obj` that `values` change, old → new (audited), set on `obj`."""
    diff: dict[str, dict[str, Any]] = {}
    for field, new in values.items():
        old = getattr(obj, field)
        if old != new:
            diff[field] = iso({"old": old, "new": new})
            setattr(obj, field, new)
    return diff
