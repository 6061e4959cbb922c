"""Training sessions (培训) organised by the county or a town, and who attended (MANAGE_LEDGERS
over the organiser's region). Seed 000: "县乡累计组织开展各类培训99场次", counted from these
rows by oversight.numbers. Both are ledgers (ledgers.framework's save contract: `values` by
column key); the attendees of a session are imported as a file of its organiser."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction

from huanjie.accounts.permissions import Action
from huanjie.audit.services import audit_record
from huanjie.lib.sheets import clean_label
from huanjie.oversight.models import TrainingAttendee, TrainingKind, TrainingSession
from huanjie.oversight.services.common import changed, check, choice, day, iso, region_of, text
from huanjie.regions.models import Region

if TYPE_CHECKING:
    from huanjie.accounts.models import User
    from huanjie.elections.models import Campaign

MSG_NOT_ALLOWED: Final = "无权登记该单位的培训"
MSG_NO_SESSION: Final = "培训编号：{area}在本次换届没有“{number}”"
MSG_ORGANISER_FIXED: Final = "组织单位：已登记的培训不能改由其他单位组织；请新增一行"
MSG_SESSION_FIXED: Final = "培训编号：参训人员所属的培训不能修改；请新增一行"
MSG_VILLAGE: Final = "所在村(社区)：{area}没有“{name}”"
MSG_VILLAGES: Final = "所在村(社区)：{area}有多个“{name}”，请写明乡镇，如“桥头镇{name}”"

ORGANISER: Final = (6, 9)
SESSION_PREFIX: Final = "PX"


def training_save(
    *,
    actor: User,
    campaign: Campaign,
    region: Region,
    item: TrainingSession | None,
    values: Mapping[str, Any],
) -> TrainingSession:
    """A session the county or the town `region` held (`item` None), or a correction of one."""
    check(actor, Action.MANAGE_LEDGERS, region.code, item, MSG_NOT_ALLOWED, campaign=campaign)
    if item is not None:
        check(actor, Action.MANAGE_LEDGERS, item.region_id, item, MSG_NOT_ALLOWED)
    fields: dict[str, Any] = {
        "region": region_of(campaign, region, "组织单位", ORGANISER),
        "held_on": day(values.get("held_on"), "培训日期"),
        "title": text(values.get("title"), "培训主题", 100),
        "kind": choice(values.get("kind") or "", TrainingKind, "培训方式"),
        "trainer": text(values.get("trainer"), "授课人", 60, required=False),
    }
    with transaction.atomic():
        if item is None:
            session = TrainingSession.objects.create(campaign=campaign, recorded_by=actor, **fields)
            audit_record(
                actor=actor, action="oversight.training_record", obj=session, changes=iso(fields)
            )
            return session
        if fields["region"] != item.region:
            # The attendees are the organiser's ledger: a session keeps its organiser.
            raise ValidationError(MSG_ORGANISER_FIXED)
        diff = changed(item, fields)
        if diff:
            item.save(update_fields=list(diff))
            audit_record(actor=actor, action="oversight.training_update", obj=item, changes=diff)
    return item


def session_numbered(campaign: Campaign, region: Region, number: object) -> TrainingSession:
    """The session of `campaign` organised by `region` whose 编号 is `number` (PX000012)."""
    digits = str(number or "").strip().upper().removeprefix(SESSION_PREFIX)
    found = (
        TrainingSession.objects.filter(campaign=campaign, region=region, pk=int(digits)).first()
        if digits.isdigit()
        else None
    )
    if found is None:
        raise ValidationError(
            MSG_NO_SESSION.format(area=region.display_name, number=str(number or "").strip())
        )
    return found


def village_named(area: Region, name: object) -> Region | None:
    """The village-level unit of `area` a file or a form names (its code, its name, or its town
    and name as the lists show it: 桥头镇红河限村); None for a blank."""
    wanted = clean_label(str(name or ""))
    if not wanted:
        return None
    villages = Region.objects.filter(
        code__startswith=area.code, level=Region.Level.VILLAGE
    ).select_related("parent")
    found = [
        v
        for v in villages
        if wanted in {v.code, clean_label(v.name), clean_label(v.display_name)}
        or wanted == clean_label(v.full_label)
    ]
    if not found:
        raise ValidationError(MSG_VILLAGE.format(area=area.display_name, name=str(name).strip()))
    if len(found) > 1:
        raise ValidationError(MSG_VILLAGES.format(area=area.display_name, name=str(name).strip()))
    return found[0]


def attendee_save(
    *,
    actor: User,
    campaign: Campaign,
    region: Region,
    item: TrainingAttendee | None,
    values: Mapping[str, Any],
) -> TrainingAttendee:
    """One who attended the session `values["session"]` (its 编号) of the organiser `region`:
    the name, the post, the village (within the organiser's area) or the unit."""
    check(actor, Action.MANAGE_LEDGERS, region.code, item, MSG_NOT_ALLOWED, campaign=campaign)
    if item is not None:
        check(actor, Action.MANAGE_LEDGERS, item.region_id, item, MSG_NOT_ALLOWED)
    session = session_numbered(campaign, region, values.get("session"))
    if item is not None and item.session_id != session.pk:
        raise ValidationError(MSG_SESSION_FIXED)
    fields: dict[str, Any] = {
        "name": text(values.get("name"), "姓名", 30),
        "post": text(values.get("post"), "职务", 60, required=False),
        "village": village_named(region, values.get("village")),
        "unit": text(values.get("unit"), "工作单位", 100, required=False),
    }
    with transaction.atomic():
        if item is None:
            attendee = TrainingAttendee.objects.create(
                campaign=campaign, region=region, session=session, **fields
            )
            audit_record(
                actor=actor,
                action="oversight.attendee_add",
                obj=attendee,
                changes={"session": session.number, **iso(fields)},
            )
            return attendee
        diff = changed(item, fields)
        if diff:
            item.save(update_fields=list(diff))
            audit_record(actor=actor, action="oversight.attendee_update", obj=item, changes=diff)
    return item
