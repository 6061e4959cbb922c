"""Deaths and deprivations of political rights (人员变动): recorded on the person from a notice,
one at a time (`person_status_record`) or from a 变动名单 file (`person_changes_import`, previewed
then confirmed, all or nothing), and followed through every roll the person is on
(voters.services.registrations_apply_status: removed before the list is published, flagged
after). A change recorded by mistake is corrected (`person_status_correct`): kept in the history
marked corrected, the person's record put back, and the registrations it touched restored or
flagged (voters.services.registrations_undo_status).

The law: 村民委员会组织法(2025) 第十六条 — villagers of eighteen vote "但是，依照法律被剥夺政治权利的人
除外"; 刑法 第五十四条 (剥夺政治权利 includes 选举权和被选举权), 第五十五条 (one to five years),
第五十七条 (for life), 第五十八条 (from the end of the prison term or parole). The dates are
stored as the notice gives them and judged by huanjie.rules.voters.

A file row names a person by ID number and name; both must match a person of the area (户籍 in it,
or registered in one of its villages), or the row is refused: a death is never recorded on a
guess. A person outside the area gets the same message as an unknown number, so the file cannot
probe other regions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from huanjie.accounts.models import User
from huanjie.accounts.permissions import Action, audit_denied, can, in_scope
from huanjie.audit.services import audit_record
from huanjie.lib import idcard, names
from huanjie.lib.bulk import in_chunks
from huanjie.lib.crypto import lookup_hash
from huanjie.lib.dates import cn_date
from huanjie.lib.sheets import (
    ID_COLUMN,
    NAME_COLUMN,
    Column,
    FileOutcome,
    Header,
    Issue,
    RowReader,
    Schema,
    cell_text,
    parse_date,
)
from huanjie.lib.workbooks import Limits
from huanjie.people.models import Person, PersonChangeImport, PersonStatusChange, StatusKind
from huanjie.people.status import (  # noqa: F401  (the messages, for the pages and tests)
    F_ID,
    F_KIND,
    F_NAME,
    F_ON,
    F_UNTIL,
    MSG_ALREADY_DIED,
    MSG_ALREADY_ENDED,
    MSG_DATE_FUTURE,
    MSG_DEPRIVED_OTHER,
    MSG_KIND_BAD,
    MSG_NOT_DEPRIVED,
    MSG_RESTORED_TOO_EARLY,
    MSG_UNTIL_BEFORE,
    MSG_UNTIL_NOT_APPLICABLE,
    SAME_FIELDS,
    StatusRefused,
    iso,
    kind_of,
    record_text,
    status_holds,
    status_revert,
    status_set,
)
from huanjie.regions.models import Region
from huanjie.uploads.importers import Count, Importer, Load, Progress, register
from huanjie.uploads.models import UploadJob
from huanjie.uploads.services import upload_confirm, upload_preview
from huanjie.voters.models import PersonStatusEffect, VoterRegistration
from huanjie.voters.services import (
    Touched,
    registrations_apply_status,
    registrations_undo_status,
)

# A 变动名单 is a county's few hundred notices, applied row by row through the one write path.
MAX_CHANGE_ROWS: Final = 5000


MSG_NOT_ALLOWED = "无权登记该人员的变动"
MSG_DENIED = "没有导入变动名单的权限"
MSG_DATE_EMPTY = "变动日期为空"
MSG_DATE_BAD = "{label}“{value}”无法识别，请写成 2026-01-01 或 2026年1月1日"
MSG_SOURCE_REQUIRED = "请填写依据（如死亡证明、判决书或公安机关通知）"
MSG_SAME = "人员库已有相同的变动记录，无需重复登记"
MSG_PERSON_UNKNOWN = "本辖区人员库中没有该身份证号的人员"
MSG_NAME_DIFFERS = "姓名与人员库中该身份证号的姓名“{name}”不符，本行不予处理"
MSG_NOT_PREVIEW = "该变动名单不是待确认状态，不能再次执行"
MSG_REJECTED = "文件有 {n} 处错误，未登记任何变动，请修改后重新上传"
MSG_CHANGED = "数据在预览后发生了变化，出现 {n} 处错误，未登记任何变动，请重新上传"
MSG_DONE = "已登记变动 {applied} 人（已登记过 {unchanged} 人），选民登记除名 {removed} 人，待核实 {flagged} 人"
MSG_RECORDED = "已登记{name}{kind}（{day}）：选民登记除名 {removed} 处，待核实 {flagged} 处"
MSG_CORRECT_NOT_ALLOWED = "无权更正该人员的变动登记"
MSG_CORRECT_REASON = "请填写更正原因"
MSG_ALREADY_CORRECTED = "该变动登记已于{day}更正，不能再次更正"
MSG_NOT_LATEST = "该人员在这条之后还有“{kind}”登记（{day}），请先更正后登记的那一条"
MSG_RECORD_DIFFERS = "人员库中该人现在的记录与这条变动登记不符，不能自动更正，请核实"
MSG_EFFECTS_UNKNOWN = (
    "这条变动登记没有留存对选民登记的具体影响（除名 {removed} 处，待核实 {flagged} 处），"
    "不能自动更正，请在选民名单中逐一核实处理"
)
MSG_CORRECTED = (
    "已更正{name}的“{kind}”登记：恢复选民登记 {restored} 处，除名 {removed} 处，"
    "待核实 {flagged} 处，撤销待核实提示 {unflagged} 处"
)

# ---------------------------------------------------------------------------------------------
# One change.


def _apply(
    *,
    actor: User,
    person: Person,
    kind: str,
    on: date,
    until: date | None,
    source: str,
    region_code: str,
    batch: PersonChangeImport | None = None,
) -> PersonStatusChange | None:
    """Record one change and follow it through the rolls; None when the record says so
    already. Call inside transaction.atomic()."""
    before = (person.died_on, person.rights_deprived_from, person.rights_deprived_until)
    changed = status_set(person, kind, on, until)
    if changed is None:
        return None
    person.save(update_fields=changed)
    effects = registrations_apply_status(actor=actor, person=person)
    change = PersonStatusChange.objects.create(
        person=person,
        kind=kind,
        changed_on=on,
        until=until,
        source=source[:200],
        region_id=region_code,
        batch=batch,
        removed=effects.removed,
        flagged=effects.flagged,
        recorded_by=actor,
        previous_died_on=before[0],
        previous_deprived_from=before[1],
        previous_deprived_until=before[2],
    )
    # Which registrations it removed or flagged, so a correction undoes exactly those.
    PersonStatusEffect.objects.bulk_create(
        [
            PersonStatusEffect(
                change=change,
                registration=t.registration,
                effect=PersonStatusEffect.Effect.REMOVED
                if t.reason
                else PersonStatusEffect.Effect.FLAGGED,
                text=t.reason or t.flag,
            )
            for t in effects.touched
        ]
    )
    audit_record(
        actor=actor,
        action="people.status_record",
        obj=change,
        changes={
            "person": person.pk,
            "id_masked": person.id_masked,
            "kind": kind,
            "on": on.isoformat(),
            "until": until.isoformat() if until else None,
            "source": change.source,
            "removed": effects.removed,
            "flagged": effects.flagged,
        },
    )
    return change


def _area_q(code: str) -> Q:
    """People of an area: 户籍 in it, or registered on a roll of one of its villages."""
    registered = VoterRegistration.objects.filter(
        person=OuterRef("pk"), village__code__startswith=code
    )
    return Q(region__code__startswith=code) | Q(Exists(registered))


def _may_record(actor: User, person_pk: int) -> bool:
    """Whether the user records (and corrects) this person's changes: MANAGE_VOTERS, and the
    person in the user's area (户籍 there, or registered on one of its rolls)."""
    prefix = actor.region_id or ""
    return (
        can(actor, Action.MANAGE_VOTERS)
        and bool(prefix)
        and Person.objects.filter(_area_q(prefix), pk=person_pk).exists()
    )


def person_status_record(
    *,
    actor: User,
    person: Person,
    kind: str,
    on: date,
    until: date | None = None,
    source: str,
) -> PersonStatusChange:
    """Record that `person` died on `on`, is deprived of political rights from `on` to `until`
    (both inclusive; None for life), or had them restored on `on`, as a notice states (`source`:
    which one). The rolls follow (voters.services.registrations_apply_status). Refused for a
    person outside the user's area, a date after today, and anything contradicting the record
    (a second death date, an overlapping deprivation, a restoration without one)."""
    prefix = actor.region_id or ""
    if not _may_record(actor, person.pk):
        audit_denied(actor, Action.MANAGE_VOTERS, obj=person)  # SECURITY.md L1
        raise ValidationError(MSG_NOT_ALLOWED)
    if kind not in StatusKind.values:
        raise ValidationError(MSG_KIND_BAD.format(value=kind))
    if not source.strip():
        raise ValidationError(MSG_SOURCE_REQUIRED)
    # Where the change is recorded: the person's 户籍 when the user's, else the user's region.
    region_code = person.region_id if in_scope(actor, person.region_id) else prefix
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        change = _apply(
            actor=actor,
            person=locked,
            kind=kind,
            on=on,
            until=until,
            source=source.strip(),
            region_code=region_code,
        )
        if change is None:
            raise ValidationError(MSG_SAME)
    person.refresh_from_db()
    return change


def recorded_message(change: PersonStatusChange) -> str:
    """What a clerk is told after recording one change: what it did to the rolls."""
    return MSG_RECORDED.format(
        name=change.person.name,
        kind=change.get_kind_display(),
        day=cn_date(change.changed_on),
        removed=change.removed,
        flagged=change.flagged,
    )


@dataclass(frozen=True)
class Correction:
    """A corrected change and what the correction did to the rolls: registrations put back,
    flags taken off, registrations flagged for a person to decide, and (the record put back
    excluding the person again, as when a restoration is corrected) registrations removed."""

    change: PersonStatusChange
    restored: int = 0
    unflagged: int = 0
    flagged: int = 0
    removed: int = 0

    @property
    def message(self) -> str:
        return MSG_CORRECTED.format(
            name=self.change.person.name,
            kind=self.change.get_kind_display(),
            restored=self.restored,
            removed=self.removed,
            flagged=self.flagged,
            unflagged=self.unflagged,
        )


def person_status_correct(*, actor: User, change: PersonStatusChange, reason: str) -> Correction:
    """Correct a change recorded by mistake (撤销错误的人员变动登记): the change stays in the
    history, marked corrected (who, when, `reason`); the person's record is put back as it was
    before it; the registrations it removed or flagged are restored or flagged
    (voters.services.registrations_undo_status), and then every roll follows the record put
    back (registrations_apply_status, as after a recording: correcting a restoration excludes
    the person again). All in one transaction, audited.

    Refused without a reason, for a change already corrected, unless it is the person's latest
    uncorrected change of the same fields (a death; a deprivation or restoration), and for a
    person outside the user's area (the rule of recording)."""
    if not _may_record(actor, change.person_id):
        audit_denied(actor, Action.MANAGE_VOTERS, obj=change)  # SECURITY.md L1
        raise ValidationError(MSG_CORRECT_NOT_ALLOWED)
    reason = reason.strip()
    if not reason:
        raise ValidationError(MSG_CORRECT_REASON)
    with transaction.atomic():
        # The person first, as a recording locks it: a correction and a new notice on the same
        # person wait for each other.
        person = Person.objects.select_for_update().get(pk=change.person_id)
        change = PersonStatusChange.objects.select_for_update().get(pk=change.pk)
        change.person = person
        if change.corrected_at is not None:
            raise ValidationError(
                MSG_ALREADY_CORRECTED.format(day=cn_date(timezone.localdate(change.corrected_at)))
            )
        later = (
            PersonStatusChange.objects.filter(
                person=person,
                kind__in=SAME_FIELDS[change.kind],
                corrected_at__isnull=True,
                pk__gt=change.pk,
            )
            .order_by("-pk")
            .first()
        )
        if later is not None:
            raise ValidationError(
                MSG_NOT_LATEST.format(kind=later.get_kind_display(), day=cn_date(later.changed_on))
            )
        if not status_holds(person, change):
            raise ValidationError(MSG_RECORD_DIFFERS)
        effects = list(change.effects.select_related("registration").order_by("pk"))
        if len(effects) != change.removed + change.flagged:
            # Recorded before the effects were kept: restoring a guess is worse than asking.
            raise ValidationError(
                MSG_EFFECTS_UNKNOWN.format(removed=change.removed, flagged=change.flagged)
            )
        reverted = status_revert(person, change)
        undone = registrations_undo_status(
            actor=actor,
            person=person,
            touched=[
                Touched(
                    e.registration,
                    reason=e.text if e.effect == PersonStatusEffect.Effect.REMOVED else "",
                    flag=e.text if e.effect == PersonStatusEffect.Effect.FLAGGED else "",
                )
                for e in effects
            ],
        )
        follow = registrations_apply_status(actor=actor, person=person)
        change.corrected_at = timezone.now()
        change.corrected_by = actor
        change.correction_reason = reason[:200]
        change.save(update_fields=["corrected_at", "corrected_by", "correction_reason"])
        result = Correction(
            change=change,
            restored=undone.restored,
            unflagged=undone.unflagged,
            flagged=undone.flagged + follow.flagged,
            removed=follow.removed,
        )
        audit_record(
            actor=actor,
            action="people.status_correct",
            obj=change,
            changes={
                "person": person.pk,
                "id_masked": person.id_masked,
                "kind": change.kind,
                "on": change.changed_on.isoformat(),
                "reason": change.correction_reason,
                "fields": reverted,
                "restored": result.restored,
                "unflagged": result.unflagged,
                "flagged": result.flagged,
                "removed": result.removed,
            },
        )
    return result


# ---------------------------------------------------------------------------------------------
# A 变动名单 file: the changes importer (a schema, a row check, a writer through _apply).

CHANGES_SCHEMA: Final = Schema(
    (
        NAME_COLUMN,
        ID_COLUMN,
        Column(
            "change_kind",
            F_KIND,
            ("变动情况", "变动事项", "变更类型", "类型", "变动原因"),
            required=True,
            choices=tuple(StatusKind.labels),
            width=16,
        ),
        Column(
            "change_on",
            F_ON,
            ("变动时间", "发生日期", "日期", "死亡日期", "起始日期", "开始日期", "恢复日期"),
            required=True,
            width=14,
            note="死亡日期、剥夺政治权利起始日期或恢复日期，如 2026-01-01",
        ),
        Column(
            "change_until",
            F_UNTIL,
            ("截至日期", "终止日期", "期满日期", "结束日期", "剥夺政治权利截止日期"),
            width=14,
            note="仅剥夺政治权利填写；终身剥夺不填",
        ),
    )
)


@dataclass(frozen=True, slots=True)
class ChangeRow:
    row: int
    id_hash: str
    masked: str
    name: str
    kind: str
    on: date
    until: date | None


@dataclass
class ChangesOutcome(FileOutcome):
    """What a 变动名单 does (or would do)."""

    applied: int = 0
    unchanged: int = 0
    removed: int = 0
    flagged: int = 0


def _date_cell(cell: RowReader, key: str, raw: object) -> date | None:
    parsed = parse_date(raw)
    if isinstance(parsed, date):
        return parsed
    text = cell_text(raw)
    label = CHANGES_SCHEMA.label(key)
    cell.problem(key, text, MSG_DATE_BAD.format(label=label, value=text))
    return None


def read_change_row(
    number: int, cells: list[Any], columns: dict[str, int]
) -> tuple[ChangeRow | None, list[Issue]]:
    """(ChangeRow or None, issues) for one data row of a 变动名单: its own checks only."""
    cell = RowReader(CHANGES_SCHEMA, columns, number, cells)
    checked = cell.id_number()
    # Only an empty name is the row's own fault: any other must equal the record's (the writer).
    name = cell.name(check=False)

    raw_kind = cell_text(cell.get("change_kind"))
    kind = kind_of(raw_kind) if raw_kind else None
    if kind is None:
        cell.problem("change_kind", raw_kind, MSG_KIND_BAD.format(value=raw_kind))

    on = until = None
    raw_on = cell.get("change_on")
    if raw_on is None or raw_on == "":
        cell.problem("change_on", "", MSG_DATE_EMPTY)
    else:
        on = _date_cell(cell, "change_on", raw_on)
    raw_until = cell.get("change_until")
    if raw_until is not None and raw_until != "":
        until = _date_cell(cell, "change_until", raw_until)

    if cell.issues or kind is None or on is None:
        return None, cell.issues
    normalized = checked.normalized
    return (
        ChangeRow(number, lookup_hash(normalized), idcard.mask(normalized), name, kind, on, until),
        cell.issues,
    )


def _people(area: Region, hashes: set[str]) -> dict[str, Person]:
    """The people of the area among these keyed hashes."""
    people = in_chunks(Person.objects.filter(_area_q(area.code)), "id_hash", hashes)
    return {person.id_hash: person for person in people}


class ChangesLoad(Load):
    """Every row recorded through the one write path (`_apply`), in file order: a county's
    list is a few hundred notices."""

    outcome: ChangesOutcome

    def __init__(self, outcome: ChangesOutcome, *, job: PersonChangeImport, header: Header) -> None:
        super().__init__(outcome)
        self.job, self.columns = job, header.columns

    def check(self, number: int, cells: list[Any]) -> ChangeRow | None:
        row, found = read_change_row(number, cells, self.columns)
        self.outcome.issues.extend(found)
        return row

    def write(self, rows: Iterable[ChangeRow]) -> None:
        outcome, job = self.outcome, self.job
        rows = list(rows)
        people = _people(job.region, {r.id_hash for r in rows})
        source = f"变动名单：{job.filename}"[:200]
        batch = job if job.pk else None
        for row in rows:
            person = people.get(row.id_hash)
            if person is None:
                outcome.issues.append(Issue(row.row, F_ID, row.masked, MSG_PERSON_UNKNOWN))
                continue
            if names.normalize_name(person.name) != row.name:
                # A death or a sentence is recorded on no one but the named person.
                outcome.issues.append(
                    Issue(row.row, F_NAME, row.name, MSG_NAME_DIFFERS.format(name=person.name))
                )
                continue
            try:
                change = _apply(
                    actor=job.created_by,
                    person=person,
                    kind=row.kind,
                    on=row.on,
                    until=row.until,
                    source=source,
                    region_code=job.region_id,
                    batch=batch,
                )
            except StatusRefused as exc:
                shown = {F_KIND: StatusKind(row.kind).label, F_UNTIL: iso(row.until)}
                outcome.issues.append(
                    Issue(
                        row.row,
                        exc.column,
                        shown.get(exc.column, row.on.isoformat()),
                        exc.messages[0],
                    )
                )
                continue
            if change is None:
                outcome.unchanged += 1
                continue
            outcome.applied += 1
            outcome.removed += change.removed
            outcome.flagged += change.flagged


class ChangesImporter(Importer):
    """A 变动名单 (公民身份号码, 姓名, 变动类型, 变动日期, optional 截止日期) for a county or a
    town: each row names a person of the area by ID number and name, or is refused. Small:
    run in the request that confirms it."""

    kind = "changes"
    label = "变动名单"
    job_model = PersonChangeImport
    schema = CHANGES_SCHEMA
    action = Action.MANAGE_VOTERS
    audit_action = "people.changes_import"
    expire_action = "people.changes_expire"
    limits = Limits(max_rows=MAX_CHANGE_ROWS)
    counts = (
        Count("applied", "将登记变动", "登记变动", "success"),
        Count("unchanged", "已登记过", "已登记过"),
        Count("removed", "将除名选民", "除名选民"),
        Count("flagged", "待核实登记", "待核实登记", "warning"),
    )
    job_url_name = "voters:change_import_job"
    confirm_label = "确认登记"
    confirm_note = "全部登记或全部不登记。"
    msg_rejected = MSG_REJECTED
    msg_changed = MSG_CHANGED
    msg_not_preview = MSG_NOT_PREVIEW

    def new_outcome(self) -> ChangesOutcome:
        return ChangesOutcome()

    def authorize(self, actor: User, job: UploadJob) -> str | None:
        return MSG_DENIED if super().authorize(actor, job) else None

    def prepare(
        self, job: UploadJob, header: Header, outcome: FileOutcome, progress: Progress
    ) -> ChangesLoad:
        assert isinstance(job, PersonChangeImport) and isinstance(outcome, ChangesOutcome)
        return ChangesLoad(outcome, job=job, header=header)

    def fill(self, job: UploadJob, outcome: FileOutcome) -> None:
        assert isinstance(job, PersonChangeImport) and isinstance(outcome, ChangesOutcome)
        job.applied, job.unchanged = outcome.applied, outcome.unchanged
        job.removed, job.flagged = outcome.removed, outcome.flagged

    def done_message(self, outcome: FileOutcome) -> str:
        assert isinstance(outcome, ChangesOutcome)
        return MSG_DONE.format(
            applied=outcome.applied,
            unchanged=outcome.unchanged,
            removed=outcome.removed,
            flagged=outcome.flagged,
        )

    def upload_url(self, job: UploadJob) -> str:
        return reverse("voters:changes", args=[job.region_id])


CHANGES = register(ChangesImporter())


def person_changes_preview(
    *, actor: User, region: Region, upload: UploadedFile | Path, limits: Limits | None = None
) -> PersonChangeImport:
    """Store the upload and dry-run it: the job comes back "preview" (ready to confirm) or
    "rejected" (with its message and problems, the file deleted); nothing is recorded."""
    job = upload_preview(importer=CHANGES, actor=actor, scope=region, upload=upload, limits=limits)
    assert isinstance(job, PersonChangeImport)
    return job


def person_changes_confirm(
    *, actor: User, job: PersonChangeImport, limits: Limits | None = None
) -> PersonChangeImport:
    """Run a previewed 变动名单 for real, in the request. Rows that no longer apply (the records
    changed since the preview) reject the whole file. The uploaded file is deleted either way."""
    done = upload_confirm(importer=CHANGES, actor=actor, job=job, limits=limits)
    assert isinstance(done, PersonChangeImport)
    return done
