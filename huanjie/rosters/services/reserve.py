"""Reserve cadres (后备干部): the people a town keeps in view for a village's posts, added by ID
number (the person found by the number's keyed hash, or registered), corrected, and taken out
with the day and the reason. A person is in a village's reserve once at a time (the model's
constraint). Whether a reserve cadre entered the new roster is read from the roster
(rosters.care), never typed."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Final

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from huanjie.audit.services import audit_record
from huanjie.elections.models import Post
from huanjie.people.models import Person
from huanjie.people.services import person_find_or_create
from huanjie.regions.models import Region
from huanjie.rosters.models import ReserveCadre, ReserveStatus, RosterBody
from huanjie.rosters.services.cadres import check_manage, education_code, political_code
from huanjie.rosters.services.common import day_field, text_field
from huanjie.rosters.summary import summaries_refresh_village

if TYPE_CHECKING:
    from huanjie.accounts.models import User

MSG_NOT_VILLAGE: Final = "后备干部须登记在村(社区)"
MSG_ALREADY: Final = "“{name}”（{masked}）已在{village}后备干部库中"
MSG_REMOVED: Final = "“{name}”已于{day}调出后备干部库，不能再修改或调出"
MSG_NO_PERSON: Final = "请填写公民身份号码和姓名"
MSG_BODY: Final = "拟培养组织：“{value}”不在规定之列"
MSG_POST: Final = "拟培养职务：“{value}”不在规定之列"
MSG_TOO_LONG: Final = "{label}：不能超过{most}个字"

# The editable fields and their labels (what a form and the audit event name).
FIELDS: Final = {
    "education": "文化程度",
    "political_status": "政治面貌",
    "occupation": "现工作单位及职务",
    "intended_body": "拟培养组织",
    "intended_post": "拟培养职务",
    "channel": "来源渠道",
    "added_on": "入库日期",
}
LONGEST: Final = {"occupation": 100, "channel": 50}


def _short(value: str | None, field: str) -> str:
    text = (value or "").strip()
    if len(text) > LONGEST[field]:
        raise ValidationError(MSG_TOO_LONG.format(label=FIELDS[field], most=LONGEST[field]))
    return text


def _fields(values: dict[str, Any]) -> dict[str, Any]:
    """The reserve entry's fields, checked: codes from what people write, the intended body and
    post among the roster's, the day of entry not in the future."""
    body = (values.get("intended_body") or "").strip()
    if body and body not in RosterBody.values:
        raise ValidationError(MSG_BODY.format(value=body))
    post = (values.get("intended_post") or "").strip()
    if post and post not in Post.values:
        raise ValidationError(MSG_POST.format(value=post))
    return {
        "education": education_code(values.get("education")),
        "political_status": political_code(values.get("political_status")),
        "occupation": _short(values.get("occupation"), "occupation"),
        "intended_body": body,
        "intended_post": post,
        "channel": _short(values.get("channel"), "channel"),
        "added_on": day_field(values.get("added_on"), FIELDS["added_on"]),
    }


def _audited(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in fields.items()}


def reserve_add(
    *,
    actor: User,
    village: Region,
    person: Person | None = None,
    id_number: str = "",
    name: str = "",
    education: str = "",
    political_status: str = "",
    occupation: str = "",
    intended_body: str = "",
    intended_post: str = "",
    channel: str = "",
    added_on: date,
) -> ReserveCadre:
    """Put a person in `village`'s reserve: `person`, or the one with `id_number` (registered
    under `name` in the village when new). Sex and birth date are the ID number's."""
    check_manage(actor, village.code, village)
    if not village.is_village_level:
        raise ValidationError(MSG_NOT_VILLAGE)
    fields = _fields(
        {
            "education": education,
            "political_status": political_status,
            "occupation": occupation,
            "intended_body": intended_body,
            "intended_post": intended_post,
            "channel": channel,
            "added_on": added_on,
        }
    )
    if person is None and not (id_number.strip() and name.strip()):
        raise ValidationError(MSG_NO_PERSON)
    with transaction.atomic():
        if person is None:
            person = person_find_or_create(
                actor=actor,
                id_number=id_number.strip(),
                name=name,
                region_code=village.code,
                source="roster.reserve",
            )
        already = MSG_ALREADY.format(
            name=person.name, masked=person.id_masked, village=village.display_name
        )
        open_entries = ReserveCadre.objects.filter(status=ReserveStatus.RESERVE)
        if open_entries.filter(village=village, person=person).exists():
            raise ValidationError(already)
        try:
            with transaction.atomic():
                reserve = ReserveCadre.objects.create(
                    village=village,
                    person=person,
                    name=person.name,
                    sex=person.sex,
                    birth_date=person.birth_date,
                    recorded_by=actor,
                    **fields,
                )
        except IntegrityError as exc:  # the same person added twice at once
            raise ValidationError(already) from exc
        summaries_refresh_village(village.code)  # the report's 后备干部进入新一届班子
        audit_record(
            actor=actor,
            action="roster.reserve_add",
            obj=reserve,
            changes={"village": village.code, "id_masked": person.id_masked, **_audited(fields)},
        )
    return reserve


def _check_open(reserve: ReserveCadre) -> None:
    if reserve.status != ReserveStatus.RESERVE:
        day = reserve.removed_on.isoformat() if reserve.removed_on else ""
        raise ValidationError(MSG_REMOVED.format(name=reserve.name, day=day))


def reserve_update(
    *,
    actor: User,
    reserve: ReserveCadre,
    education: str = "",
    political_status: str = "",
    occupation: str = "",
    intended_body: str = "",
    intended_post: str = "",
    channel: str = "",
    added_on: date,
) -> ReserveCadre:
    """Correct a reserve entry's fields (the person stays: another person is another entry)."""
    check_manage(actor, reserve.village_id, reserve)
    _check_open(reserve)
    fields = _fields(
        {
            "education": education,
            "political_status": political_status,
            "occupation": occupation,
            "intended_body": intended_body,
            "intended_post": intended_post,
            "channel": channel,
            "added_on": added_on,
        }
    )
    with transaction.atomic():
        reserve = ReserveCadre.objects.select_for_update().get(pk=reserve.pk)
        _check_open(reserve)
        before = _audited({f: getattr(reserve, f) for f in fields})
        for name, value in fields.items():
            setattr(reserve, name, value)
        reserve.save(update_fields=list(fields))
        after = _audited(fields)
        audit_record(
            actor=actor,
            action="roster.reserve_update",
            obj=reserve,
            changes={f: [before[f], after[f]] for f in fields if before[f] != after[f]},
        )
    return reserve


def reserve_remove(
    *, actor: User, reserve: ReserveCadre, removed_on: date, reason: str
) -> ReserveCadre:
    """Take a reserve cadre out of the reserve (调出) on `removed_on`, for `reason`; the entry
    stays, with its history."""
    check_manage(actor, reserve.village_id, reserve)
    _check_open(reserve)
    reason = text_field(reason, "调出原因", most=200)
    removed_on = day_field(
        removed_on, "调出日期", not_before=reserve.added_on, other=FIELDS["added_on"]
    )
    with transaction.atomic():
        reserve = ReserveCadre.objects.select_for_update().get(pk=reserve.pk)
        _check_open(reserve)
        reserve.status = ReserveStatus.REMOVED
        reserve.removed_on = removed_on
        reserve.removed_reason = reason
        reserve.save(update_fields=["status", "removed_on", "removed_reason"])
        summaries_refresh_village(reserve.village_id)  # the report's 后备干部进入新一届班子
        audit_record(
            actor=actor,
            action="roster.reserve_remove",
            obj=reserve,
            changes={"removed_on": removed_on.isoformat(), "reason": reason},
        )
    return reserve
