"""The care of a cadre who left at a change of term (离任关爱, seed 003: "提高一次性补助标准及养老
保险财政补助续交"; "另行安排工作的62名"): the talk, the payments, the placement. Only for someone
who did leave (rosters.care.departures); one record per person, village and term, made or
corrected."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Final

from django.core.exceptions import ValidationError
from django.db import transaction

from huanjie.audit.services import audit_record
from huanjie.people.models import Person
from huanjie.regions.models import Region
from huanjie.rosters.care import departures
from huanjie.rosters.models import DepartureCare, Term
from huanjie.rosters.services.cadres import check_manage
from huanjie.rosters.services.common import day_field
from huanjie.rosters.summary import summary_refresh

if TYPE_CHECKING:
    from huanjie.accounts.models import User

MSG_NOT_DEPARTED: Final = "“{name}”不是{village}第{number}届换届时离任的村干部，不能登记离任关爱"
MSG_OTHER_COUNTY: Final = "所选届次不属于该村(社区)所在的县(市、区)"
MSG_AMOUNT: Final = "{label}：须为0至{most}元之间的金额，最多两位小数"
MSG_PLACEMENT: Final = "另行安排工作的，请填写安排去向"
MSG_NO_PLACEMENT: Final = "未另行安排工作的，安排去向应为空"
MSG_TOO_LONG: Final = "{label}：不能超过{most}个字"

MOST_AMOUNT: Final = Decimal("99999999.99")  # the column's ten digits, two after the point
CENTS: Final = Decimal("0.01")


def amount_field(value: object, label: str) -> Decimal:
    """An amount in 元: not negative, at most two decimals (a typed "1,200" reads 1200)."""
    try:
        amount = Decimal(str(value).replace(",", "").replace("，", "").strip() or "0")
    except (InvalidOperation, ValueError):
        raise ValidationError(MSG_AMOUNT.format(label=label, most=MOST_AMOUNT)) from None
    exponent = amount.as_tuple().exponent
    bad = not amount.is_finite() or not isinstance(exponent, int) or exponent < -2
    if bad or amount < 0 or amount > MOST_AMOUNT:
        raise ValidationError(MSG_AMOUNT.format(label=label, most=MOST_AMOUNT))
    return amount.quantize(CENTS)


def _text(value: str | None, label: str, most: int) -> str:
    text = (value or "").strip()
    if len(text) > most:
        raise ValidationError(MSG_TOO_LONG.format(label=label, most=most))
    return text


def departure_care_record(
    *,
    actor: User,
    village: Region,
    term: Term,
    person: Person,
    talked_on: date | None,
    one_off_payment: Decimal | int | str,
    pension_support: Decimal | int | str,
    placed: bool,
    placement: str,
    note: str,
) -> DepartureCare:
    """Record (or correct) the care of `person`, who left `village`'s organisations at the end of
    `term` (the term they held their posts in: term N−1 of the change to term N)."""
    check_manage(actor, village.code, village)
    if term.county_id != village.code[:6]:
        raise ValidationError(MSG_OTHER_COUNTY)
    departed = [d for d in departures(village.code, term.number + 1) if d.person_id == person.pk]
    if not departed:
        raise ValidationError(
            MSG_NOT_DEPARTED.format(
                name=person.name, village=village.display_name, number=term.number + 1
            )
        )
    values = {
        "talked_on": None if talked_on is None else day_field(talked_on, "谈心谈话日期"),
        "one_off_payment": amount_field(one_off_payment, "一次性补助"),
        "pension_support": amount_field(pension_support, "养老保险补助"),
        "placed": bool(placed),
        "placement": _text(placement, "安排去向", 200),
        "note": _text(note, "备注", 500),
    }
    # seed 003: "另行安排工作的62名": a placement says where; none without one (the model's check).
    if values["placed"] and not values["placement"]:
        raise ValidationError(MSG_PLACEMENT)
    if not values["placed"] and values["placement"]:
        raise ValidationError(MSG_NO_PLACEMENT)
    with transaction.atomic():
        care, created = DepartureCare.objects.select_for_update().get_or_create(
            term=term,
            village=village,
            person=person,
            defaults={"name": departed[0].name, "recorded_by": actor, **values},
        )
        before = {} if created else {f: _plain(getattr(care, f)) for f in values}
        if not created:
            for name, value in values.items():
                setattr(care, name, value)
            care.recorded_by = actor
            care.save(update_fields=[*values, "recorded_by", "recorded_at"])
        # The statistics report's summary of term N counts the placed and the payments.
        summary_refresh(term=term, village_codes=[village.code])
        after = {f: _plain(v) for f, v in values.items()}
        changes = (
            {"term": term.number, "village": village.code, **after}
            if created
            else {f: [before[f], after[f]] for f in values if before[f] != after[f]}
        )
        audit_record(
            actor=actor,
            action="roster.departure_care",
            obj=care,
            changes={"created": created, **changes},
        )
    return care


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value.quantize(CENTS))
    if isinstance(value, date):
        return value.isoformat()
    return value
