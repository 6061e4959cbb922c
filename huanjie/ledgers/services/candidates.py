"""Intended candidates (人选物色, seed 004: 特别是“一肩挑”人选; 97 of 118 found, 21 on the ledger
of villages still without one): the people a town has in view for the new term's posts, plain
facts only (name, sex, birth year, current post; no ID number). considering (物色中) →
confirmed (已确定), or dropped (已放弃) with the reason."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from huanjie.accounts.models import User
from huanjie.audit.services import audit_record
from huanjie.elections.models import Campaign
from huanjie.ledgers.models import CandidateRole, IntendedCandidate, Sex
from huanjie.ledgers.services.common import (
    MSG_STATUS,
    changed_fields,
    check_owner,
    check_village,
    check_write,
    choice,
    event_record,
    text,
)
from huanjie.lib import names
from huanjie.regions.models import Region

KIND: Final = "candidates"
MSG_BIRTH_YEAR: Final = "出生年份须在{first}至{last}年之间"
MSG_CONFIRMED: Final = "{village}已确定{role}{name}，请先将其改为已放弃"
MSG_NAME: Final = "姓名格式有误：{message}"
Status = IntendedCandidate.Status


def _birth_year(values: Mapping[str, Any]) -> int | None:
    year = values.get("birth_year")
    if year in (None, ""):
        return None
    last = timezone.localdate().year - 18  # 村民委员会组织法(2025) 第十三条: 年满十八周岁
    first = last - 62
    if not isinstance(year, int) or not first <= year <= last:
        raise ValidationError({"birth_year": MSG_BIRTH_YEAR.format(first=first, last=last)})
    return year


def candidate_save(
    *,
    actor: User,
    campaign: Campaign,
    region: Region,
    item: IntendedCandidate | None,
    values: Mapping[str, Any],
) -> IntendedCandidate:
    """Record a person in view for a village's post (item None), or change the facts."""
    check_write(actor, campaign, region)
    check_village(campaign, region)
    check_owner(item, campaign, region)
    name = names.normalize_name(text(values, "name", 50, required="姓名"))
    problem = names.name_problem(name)
    if problem:
        raise ValidationError({"name": MSG_NAME.format(message=problem)})
    clean = {
        "role": choice(values, "role", CandidateRole, "人选类别"),
        "name": name,
        "sex": choice(values, "sex", Sex, "性别"),
        "birth_year": _birth_year(values),
        "current_post": text(values, "current_post", 100),
        "note": text(values, "note", 300),
    }
    with transaction.atomic():
        if item is None:
            item = IntendedCandidate.objects.create(campaign=campaign, region=region, **clean)
            event_record(actor, KIND, item, "", Status.CONSIDERING)
            audit_record(actor=actor, action="ledgers.candidate_record", obj=item, changes=clean)
            return item
        changes = changed_fields(item, clean)
        if changes:
            for key, value in clean.items():
                setattr(item, key, value)
            item.save(update_fields=list(changes))
            audit_record(actor=actor, action="ledgers.candidate_update", obj=item, changes=changes)
    return item


def candidate_confirm(*, actor: User, item: IntendedCandidate) -> IntendedCandidate:
    """The town settles on the person (已确定): one confirmed person per post and village."""
    check_write(actor, item.campaign, item.region)
    with transaction.atomic():
        item = IntendedCandidate.objects.select_for_update().get(pk=item.pk)
        if item.status != Status.CONSIDERING:
            raise ValidationError(MSG_STATUS.format(status=item.get_status_display(), what="确定"))
        other = (
            IntendedCandidate.objects.filter(
                campaign_id=item.campaign_id,
                region_id=item.region_id,
                role=item.role,
                status=Status.CONFIRMED,
            )
            .exclude(pk=item.pk)
            .first()
        )
        if other is not None:
            raise ValidationError(
                MSG_CONFIRMED.format(
                    village=item.region.display_name, role=other.get_role_display(), name=other.name
                )
            )
        item.status = Status.CONFIRMED
        item.save(update_fields=["status"])
        event_record(actor, KIND, item, Status.CONSIDERING, Status.CONFIRMED)
        audit_record(
            actor=actor,
            action="ledgers.candidate_confirm",
            obj=item,
            changes={"status": [Status.CONSIDERING, Status.CONFIRMED]},
        )
    return item


def candidate_drop(*, actor: User, item: IntendedCandidate, reason: str = "") -> IntendedCandidate:
    """The person is no longer in view (已放弃), with the reason."""
    check_write(actor, item.campaign, item.region)
    note = text({"reason": reason}, "reason", 300, required="放弃的原因")
    with transaction.atomic():
        item = IntendedCandidate.objects.select_for_update().get(pk=item.pk)
        if item.status == Status.DROPPED:
            raise ValidationError(MSG_STATUS.format(status=item.get_status_display(), what="放弃"))
        source = item.status
        item.status = Status.DROPPED
        item.save(update_fields=["status"])
        event_record(actor, KIND, item, source, Status.DROPPED, None, note)
        audit_record(
            actor=actor,
            action="ledgers.candidate_drop",
            obj=item,
            changes={"status": [source, Status.DROPPED], "reason": note},
        )
    return item
