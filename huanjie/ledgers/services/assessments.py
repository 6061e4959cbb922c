"""The assessment of each village (摸底研判: 一类/二类/三类, the complex-village flag and its
reasons; PRODUCT.md step 2, seed 000 "21个二类村转化为一类村") and its contingency plans
(一村一策 预案, seed 003). Every change of a category or of the flag is an AssessmentChange
row, so the villages turned from 二类 to 一类 are counted from the history."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction

from huanjie.accounts.models import User
from huanjie.audit.services import audit_record
from huanjie.elections.models import Campaign
from huanjie.ledgers.models import (
    Assessment,
    AssessmentChange,
    Category,
    ContingencyPlan,
    PlanCase,
    RectificationItem,
)
from huanjie.ledgers.services.common import (
    changed_fields,
    check_day,
    check_owner,
    check_village,
    check_write,
    choice,
    text,
)
from huanjie.regions.models import Region

MSG_ASSESSED: Final = "{village}已有摸底研判记录（编号PG{pk:06d}），请修改该记录"
MSG_REASONS: Final = "选情复杂村须填写复杂原因"
MSG_OPEN_ITEMS: Final = "{village}还有 {n} 项整顿事项未销号，不能移出选情复杂村名单"
MSG_PLANNED: Final = "{village}已有“{case}”的预案（编号YA{pk:06d}），请修改该预案"
NOTE_CLEARED: Final = "整顿事项全部销号，移出选情复杂村名单"
NOTE_REOPENED: Final = "整顿事项重新打开，列回选情复杂村名单"


def _assessment_values(values: Mapping[str, Any]) -> dict[str, Any]:
    complex_village = bool(values.get("complex"))
    reasons = text(values, "complex_reasons", 300)
    if complex_village and not reasons:
        raise ValidationError({"complex_reasons": MSG_REASONS})
    return {
        "category": choice(values, "category", Category, "类别"),
        "complex": complex_village,
        "complex_reasons": reasons,
        "assessed_on": check_day(values, "assessed_on", "研判日期"),
        "note": text(values, "note", 300),
    }


def assessment_save(
    *,
    actor: User,
    campaign: Campaign,
    region: Region,
    item: Assessment | None,
    values: Mapping[str, Any],
) -> Assessment:
    """Record (item None) or change a village's assessment. A change of the category or the
    flag writes an AssessmentChange row; a village with open rectification items stays a
    complex village."""
    check_write(actor, campaign, region)
    check_village(campaign, region)
    check_owner(item, campaign, region)
    clean = _assessment_values(values)
    with transaction.atomic():
        if item is None:
            existing = Assessment.objects.filter(campaign=campaign, region=region).first()
            if existing is not None:
                raise ValidationError(
                    MSG_ASSESSED.format(village=region.display_name, pk=existing.pk)
                )
            item = Assessment.objects.create(campaign=campaign, region=region, **clean)
            _change(actor, item, "", None)
            audit_record(
                actor=actor,
                action="ledgers.assessment_record",
                obj=item,
                changes=_audit_values(clean),
            )
            return item
        item = Assessment.objects.select_for_update().get(pk=item.pk)
        if item.complex and not clean["complex"]:
            still_open = _open_items(campaign, region)
            if still_open:
                raise ValidationError(
                    MSG_OPEN_ITEMS.format(village=region.display_name, n=still_open)
                )
        changes = changed_fields(item, clean)
        if not changes:
            return item
        source, was_complex = item.category, item.complex
        for key, value in clean.items():
            setattr(item, key, value)
        item.save(update_fields=list(changes))
        if item.category != source or item.complex != was_complex:
            _change(actor, item, source, was_complex)
        audit_record(actor=actor, action="ledgers.assessment_update", obj=item, changes=changes)
    return item


def _audit_values(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in values.items()}


def _open_items(campaign: Campaign, region: Region) -> int:
    return RectificationItem.objects.filter(
        campaign=campaign, region=region, status=RectificationItem.Status.OPEN
    ).count()


def _change(
    actor: User, item: Assessment, source: str, was_complex: bool | None, note: str = ""
) -> AssessmentChange:
    return AssessmentChange.objects.create(
        assessment=item,
        from_category=source,
        to_category=item.category,
        from_complex=was_complex,
        to_complex=item.complex,
        note=note,
        actor=actor,
    )


def complex_flag_follow(actor: User, campaign: Campaign, region: Region) -> None:
    """A step of rectification_close and rectification_reopen (their transaction, their
    check): the village leaves the complex list when it has no open item left, and comes back
    when an item opens again (seed 004: 整顿台账 逐一销号)."""
    item = Assessment.objects.select_for_update().filter(campaign=campaign, region=region).first()
    if item is None:
        return
    complex_now = _open_items(campaign, region) > 0
    if item.complex == complex_now:
        return
    item.complex = complex_now
    item.save(update_fields=["complex"])
    _change(
        actor, item, item.category, not complex_now, NOTE_REOPENED if complex_now else NOTE_CLEARED
    )
    audit_record(
        actor=actor,
        action="ledgers.assessment_complex",
        obj=item,
        changes={"complex": [not complex_now, complex_now]},
    )


def contingency_save(
    *,
    actor: User,
    campaign: Campaign,
    region: Region,
    item: ContingencyPlan | None,
    values: Mapping[str, Any],
) -> ContingencyPlan:
    """Record or change a village's plan for one case (one plan per case)."""
    check_write(actor, campaign, region)
    check_village(campaign, region)
    check_owner(item, campaign, region)
    clean = {
        "case": choice(values, "case", PlanCase, "情形"),
        "measures": text(values, "measures", 1000, required="应对措施"),
        "responsible": text(values, "responsible", 50, required="责任人"),
        "note": text(values, "note", 300),
    }
    with transaction.atomic():
        other = ContingencyPlan.objects.filter(campaign=campaign, region=region, case=clean["case"])
        if item is not None:
            other = other.exclude(pk=item.pk)
        found = other.first()
        if found is not None:
            raise ValidationError(
                MSG_PLANNED.format(
                    village=region.display_name, case=PlanCase(clean["case"]).label, pk=found.pk
                )
            )
        if item is None:
            item = ContingencyPlan.objects.create(campaign=campaign, region=region, **clean)
            audit_record(actor=actor, action="ledgers.contingency_record", obj=item, changes=clean)
            return item
        changes = changed_fields(item, clean)
        if changes:
            for key, value in clean.items():
                setattr(item, key, value)
            item.save(update_fields=list(changes))
            audit_record(
                actor=actor, action="ledgers.contingency_update", obj=item, changes=changes
            )
    return item
