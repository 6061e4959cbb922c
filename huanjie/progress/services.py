"""The schedule's write services: a stage recorded done by hand (with its day) or undone, each
checked (MANAGE_SCHEDULE over the village), audited, with its history row and the village's
progress refreshed in the same transaction. Moving a village's election day is
elections.services.campaign_village_set_election_date (it rebuilds the schedule here)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from huanjie.accounts.models import User
from huanjie.accounts.permissions import Action, audit_denied, can, in_scope
from huanjie.audit.services import audit_record
from huanjie.elections.models import CampaignVillage
from huanjie.elections.services import check_not_purged
from huanjie.progress.models import DoneBy, Event, ScheduleStage, ScheduleStageHistory
from huanjie.progress.refresh import refresh_villages

MSG_NOT_ALLOWED = "无权登记该村(社区)的工作日程"
MSG_EXCLUDED = "{village}未纳入本次换届，不登记工作日程"
MSG_DAY_FUTURE = "“{stage}”的完成日期（{day:%Y-%m-%d}）不能晚于今天"
MSG_DAY_BEFORE = "“{stage}”的完成日期（{day:%Y-%m-%d}）早于换届开始日期（{start:%Y-%m-%d}）"
MSG_BY_RECORD = "“{stage}”已据业务记录于{day:%Y-%m-%d}完成，以业务记录为准，不能人工{verb}"
MSG_NOT_DONE = "“{stage}”尚未登记完成，无需撤销"
MSG_NOTE_LONG = "说明不能超过200字"
MSG_UNDO_NOTE = "请填写撤销原因"


def _check(actor: User, stage: ScheduleStage, verb: str) -> CampaignVillage:
    entry = stage.village
    if not can(actor, Action.MANAGE_SCHEDULE) or not in_scope(actor, entry.region_id):
        audit_denied(actor, Action.MANAGE_SCHEDULE, obj=stage)  # SECURITY.md L1
        raise ValidationError(MSG_NOT_ALLOWED)
    check_not_purged(entry.campaign)
    if not entry.included:
        raise ValidationError(MSG_EXCLUDED.format(village=entry.region.display_name))
    if stage.done_by == DoneBy.RECORD:
        assert stage.done_on is not None
        raise ValidationError(MSG_BY_RECORD.format(stage=stage.name, day=stage.done_on, verb=verb))
    return entry


def _note(note: str, *, required: bool = False) -> str:
    note = note.strip()
    if required and not note:
        raise ValidationError(MSG_UNDO_NOTE)
    if len(note) > 200:
        raise ValidationError(MSG_NOTE_LONG)
    return note


def stage_mark_done(
    *, actor: User, stage: ScheduleStage, done_on: date, note: str = ""
) -> ScheduleStage:
    """Record `stage` done on `done_on` by hand (a stage no record closes, or whose record is
    kept on paper): not after today, not before the campaign began. A stage already done by
    hand gets the new day; one done from a record is the record's."""
    entry = _check(actor, stage, "登记")
    note = _note(note)
    if done_on > timezone.localdate():
        raise ValidationError(MSG_DAY_FUTURE.format(stage=stage.name, day=done_on))
    if done_on < entry.campaign.window_start:
        raise ValidationError(
            MSG_DAY_BEFORE.format(stage=stage.name, day=done_on, start=entry.campaign.window_start)
        )
    old = stage.done_on
    if old == done_on and stage.note == note:
        return stage
    with transaction.atomic():
        stage.done_on, stage.done_by, stage.note = done_on, DoneBy.MANUAL, note
        stage.save(update_fields=["done_on", "done_by", "note", "updated_at"])
        ScheduleStageHistory.objects.create(
            stage=stage,
            event=Event.DONE,
            old_done_on=old,
            new_done_on=done_on,
            note=note,
            actor=actor,
        )
        audit_record(
            actor=actor,
            action="progress.stage_done",
            obj=stage,
            changes={
                "village": entry.region_id,
                "stage": stage.key,
                "done_on": {"old": str(old) if old else None, "new": str(done_on)},
                "note": note,
            },
        )
        refresh_villages([entry.pk])
    return stage


def stage_undo(*, actor: User, stage: ScheduleStage, note: str) -> ScheduleStage:
    """Undo a stage recorded done by hand (entered by mistake), with the reason."""
    entry = _check(actor, stage, "撤销")
    note = _note(note, required=True)
    if stage.done_on is None:
        raise ValidationError(MSG_NOT_DONE.format(stage=stage.name))
    old = stage.done_on
    with transaction.atomic():
        stage.done_on, stage.done_by, stage.note = None, "", ""
        stage.save(update_fields=["done_on", "done_by", "note", "updated_at"])
        ScheduleStageHistory.objects.create(
            stage=stage, event=Event.UNDONE, old_done_on=old, note=note, actor=actor
        )
        audit_record(
            actor=actor,
            action="progress.stage_undone",
            obj=stage,
            changes={
                "village": entry.region_id,
                "stage": stage.key,
                "done_on": {"old": str(old), "new": None},
                "note": note,
            },
        )
        refresh_villages([entry.pk])
    return stage
