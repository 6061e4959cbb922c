"""The county's and the towns' meetings held and documents issued about the campaign (会议/文件,
`WorkRecord`; MANAGE_LEDGERS over the region). Seed 000: "召开各类会议14次，下发换届选举相关
文件29个", counted from these rows by oversight.numbers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction

from huanjie.accounts.permissions import Action
from huanjie.audit.services import audit_record
from huanjie.oversight.models import WorkRecord, WorkRecordKind
from huanjie.oversight.services.common import changed, check, choice, day, iso, region_of, text
from huanjie.regions.models import Region

if TYPE_CHECKING:
    from huanjie.accounts.models import User
    from huanjie.elections.models import Campaign

MSG_NOT_ALLOWED: Final = "无权登记该单位的会议、文件"
MSG_UNIT_FIXED: Final = "发文(召开)单位：已登记的会议、文件不能改到其他单位；请新增一行"
LEVELS: Final = (6, 9)


def work_record_save(
    *,
    actor: User,
    campaign: Campaign,
    region: Region,
    item: WorkRecord | None,
    values: Mapping[str, Any],
) -> WorkRecord:
    """A meeting the county or town `region` held, or a document it issued (`item` None), or a
    correction of one."""
    check(actor, Action.MANAGE_LEDGERS, region.code, item, MSG_NOT_ALLOWED, campaign=campaign)
    if item is not None:
        check(actor, Action.MANAGE_LEDGERS, item.region_id, item, MSG_NOT_ALLOWED)
        if item.region_id != region.code:
            raise ValidationError(MSG_UNIT_FIXED)
    fields: dict[str, Any] = {
        "region": region_of(campaign, region, "发文(召开)单位", LEVELS),
        "kind": choice(values.get("kind") or "", WorkRecordKind, "类别"),
        "held_on": day(values.get("held_on"), "日期"),
        "title": text(values.get("title"), "会议名称或文件标题", 200),
        "doc_number": text(values.get("doc_number"), "文号", 60, required=False),
    }
    with transaction.atomic():
        if item is None:
            record = WorkRecord.objects.create(campaign=campaign, recorded_by=actor, **fields)
            audit_record(
                actor=actor, action="oversight.work_record_add", obj=record, changes=iso(fields)
            )
            return record
        diff = changed(item, fields)
        if diff:
            item.save(update_fields=list(diff))
            audit_record(actor=actor, action="oversight.work_record_update", obj=item, changes=diff)
    return item
