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

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from huanjie.accounts.models import User
from huanjie.accounts.permissions import Action, can, in_scope
from huanjie.audit.models import Outcome
from huanjie.audit.services import audit_record
from huanjie.lib import idcard
from huanjie.lib.crypto import lookup_hash
from huanjie.people.models import (
    Person,
    PersonChangeImport,
    PersonStatusChange,
    PersonStatusEffect,
    StatusKind,
)
from huanjie.regions.models import Region
from huanjie.rules import voters as voter_rules
from huanjie.voters import importing
from huanjie.voters.importing import ImportRefused, Issue, Limits
from huanjie.voters.models import VoterRegistration
from huanjie.voters.services import (
    Touched,
    registrations_apply_status,
    registrations_undo_status,
)
from huanjie.voters.uploads import discard_upload, expire_previews, store_upload

# A 变动名单 is a county's few hundred notices, applied row by row through the one write path.
MAX_CHANGE_ROWS: Final = 5000

F_ID, F_NAME, F_KIND, F_ON, F_UNTIL = "公民身份号码", "姓名", "变动类型", "变动日期", "截止日期"

MSG_NOT_ALLOWED = "无权登记该人员的变动"
MSG_DENIED = "没有导入变动名单的权限"
MSG_KIND_BAD = "变动类型“{value}”无法识别，应填“死亡”“剥夺政治权利”或“恢复政治权利”"
MSG_DATE_EMPTY = "变动日期为空"
MSG_DATE_BAD = "{label}“{value}”无法识别，请写成 2026-01-01 或 2026年1月1日"
MSG_DATE_FUTURE = "变动日期{day}晚于今天，请核对"
MSG_UNTIL_NOT_APPLICABLE = "“{kind}”不填截止日期"
MSG_UNTIL_BEFORE = "截止日期{until}早于变动日期{on}"
MSG_SOURCE_REQUIRED = "请填写依据（如死亡证明、判决书或公安机关通知）"
MSG_SAME = "人员库已有相同的变动记录，无需重复登记"
MSG_ALREADY_DIED = "人员库已记录该人于{day}死亡，与变动日期{on}不符，请核实"
MSG_DEPRIVED_OTHER = "人员库已记录剥夺政治权利（{period}），与本次不符，请核实"
MSG_NOT_DEPRIVED = "人员库中该人没有剥夺政治权利的记录，不能登记恢复"
MSG_RESTORED_TOO_EARLY = "恢复日期{on}须晚于剥夺政治权利的起始日期{start}"
MSG_ALREADY_ENDED = "人员库记录的剥夺政治权利已于{day}期满，无需登记恢复"
MSG_PERSON_UNKNOWN = "本辖区人员库中没有该身份证号的人员"
MSG_NAME_DIFFERS = "姓名与人员库中该身份证号的姓名“{name}”不符，本行不予处理"
MSG_NOT_PREVIEW = "该变动名单不是待确认状态，不能再次执行"
MSG_REJECTED = "文件有 {n} 处错误，未登记任何变动，请修改后重新上传"
MSG_CHANGED = "数据在预览后发生了变化，出现 {n} 处错误，未登记任何变动，请重新上传"
MSG_DONE = "已登记变动 {applied} 人（已登记过 {unchanged} 人），选民登记除名 {removed} 人，待核实 {flagged} 人"
MSG_AREA = "变动名单只能按县(市、区)或乡镇(街道)导入"
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

# The kinds that write the same fields: such changes are corrected from the latest back, so
# every change left in force still describes how the record got where it is (a restoration
# ends the deprivation before it; correcting the deprivation first would orphan it).
_SAME_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    StatusKind.DIED.value: (StatusKind.DIED.value,),
    StatusKind.RIGHTS_DEPRIVED.value: (
        StatusKind.RIGHTS_DEPRIVED.value,
        StatusKind.RIGHTS_RESTORED.value,
    ),
    StatusKind.RIGHTS_RESTORED.value: (
        StatusKind.RIGHTS_DEPRIVED.value,
        StatusKind.RIGHTS_RESTORED.value,
    ),
}

_KINDS: Final[dict[str, str]] = {
    "死亡": StatusKind.DIED.value,
    "已死亡": StatusKind.DIED.value,
    "died": StatusKind.DIED.value,
    "剥夺政治权利": StatusKind.RIGHTS_DEPRIVED.value,
    "被剥夺政治权利": StatusKind.RIGHTS_DEPRIVED.value,
    "rights_deprived": StatusKind.RIGHTS_DEPRIVED.value,
    "恢复政治权利": StatusKind.RIGHTS_RESTORED.value,
    "恢复": StatusKind.RIGHTS_RESTORED.value,
    "rights_restored": StatusKind.RIGHTS_RESTORED.value,
}


class StatusRefused(ValidationError):
    """A change the person's record does not allow; `column` names the file column at fault."""

    def __init__(self, message: str, column: str = F_ON) -> None:
        super().__init__(message)
        self.column = column


def kind_of(text: str) -> str | None:
    """The StatusKind of a 变动类型 cell, None when unknown.

    >>> kind_of(" 剥夺 政治权利 "), kind_of("死亡"), kind_of("迁出")
    ('rights_deprived', 'died', None)
    """
    cleaned = "".join(unicodedata.normalize("NFKC", text).split()).lower()
    return _KINDS.get(cleaned)


# ---------------------------------------------------------------------------------------------
# One change.


def _day(day: date) -> str:
    return voter_rules._cn_date(day)


def _set(person: Person, kind: str, on: date, until: date | None) -> list[str] | None:
    """Apply the change to the person's fields; the fields changed, None when the record says
    so already. StatusRefused when it contradicts the record: a person decides."""
    if on > timezone.localdate():
        raise StatusRefused(MSG_DATE_FUTURE.format(day=_day(on)))
    if kind != StatusKind.RIGHTS_DEPRIVED and until is not None:
        raise StatusRefused(
            MSG_UNTIL_NOT_APPLICABLE.format(kind=StatusKind(kind).label), column=F_UNTIL
        )
    if kind == StatusKind.DIED:
        if person.died_on == on:
            return None
        if person.died_on is not None:
            raise StatusRefused(MSG_ALREADY_DIED.format(day=_day(person.died_on), on=_day(on)))
        person.died_on = on
        return ["died_on"]
    start, end = person.rights_deprived_from, person.rights_deprived_until
    if kind == StatusKind.RIGHTS_DEPRIVED:
        if until is not None and until < on:
            raise StatusRefused(
                MSG_UNTIL_BEFORE.format(until=_day(until), on=_day(on)), column=F_UNTIL
            )
        if (start, end) == (on, until):
            return None
        # A new sentence after the last one ended replaces it (the history keeps both); one
        # that overlaps a recorded period contradicts it.
        if start is not None and (end is None or end >= on):
            raise StatusRefused(
                MSG_DEPRIVED_OTHER.format(period=voter_rules.deprivation_text(start, end))
            )
        person.rights_deprived_from, person.rights_deprived_until = on, until
        return ["rights_deprived_from", "rights_deprived_until"]
    # 恢复政治权利 on `on`: the deprivation's last day is the day before.
    if start is None:
        raise StatusRefused(MSG_NOT_DEPRIVED, column=F_KIND)
    if on <= start:
        raise StatusRefused(MSG_RESTORED_TOO_EARLY.format(on=_day(on), start=_day(start)))
    last = on - timedelta(days=1)
    if end == last:
        return None
    if end is not None and end < last:
        raise StatusRefused(MSG_ALREADY_ENDED.format(day=_day(end)))
    person.rights_deprived_until = last
    return ["rights_deprived_until"]


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
    changed = _set(person, kind, on, until)
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


def record_text(person: Person) -> str:
    """The person's status as recorded, in a sentence for the page that records a change."""
    parts = []
    if person.died_on is not None:
        parts.append(f"{_day(person.died_on)}死亡")
    if person.rights_deprived_from is not None:
        parts.append(f"剥夺政治权利{person.deprivation_text}")
    return "人员库现有记录：" + ("；".join(parts) if parts else "无死亡、剥夺政治权利记录")


def recorded_message(change: PersonStatusChange) -> str:
    """What a clerk is told after recording one change: what it did to the rolls."""
    return MSG_RECORDED.format(
        name=change.person.name,
        kind=change.get_kind_display(),
        day=_day(change.changed_on),
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


def _holds(person: Person, change: PersonStatusChange) -> bool:
    """Whether the person's record is still what the change made it."""
    if change.kind == StatusKind.DIED:
        return person.died_on == change.changed_on
    if change.kind == StatusKind.RIGHTS_DEPRIVED:
        return (person.rights_deprived_from, person.rights_deprived_until) == (
            change.changed_on,
            change.until,
        )
    return person.rights_deprived_until == change.changed_on - timedelta(days=1)


def _revert(person: Person, change: PersonStatusChange) -> dict[str, Any]:
    """Put back the fields the change wrote; {field: {"old", "new"}} for the audit event."""
    if change.kind == StatusKind.DIED:
        values = {"died_on": change.previous_died_on}
    elif change.kind == StatusKind.RIGHTS_DEPRIVED:
        values = {
            "rights_deprived_from": change.previous_deprived_from,
            "rights_deprived_until": change.previous_deprived_until,
        }
    else:
        values = {"rights_deprived_until": change.previous_deprived_until}
    diff: dict[str, Any] = {}
    for name, value in values.items():
        diff[name] = {"old": _iso(getattr(person, name)) or None, "new": _iso(value) or None}
        setattr(person, name, value)
    person.save(update_fields=list(values))
    return diff


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
                MSG_ALREADY_CORRECTED.format(day=_day(timezone.localdate(change.corrected_at)))
            )
        later = (
            PersonStatusChange.objects.filter(
                person=person,
                kind__in=_SAME_FIELDS[change.kind],
                corrected_at__isnull=True,
                pk__gt=change.pk,
            )
            .order_by("-pk")
            .first()
        )
        if later is not None:
            raise ValidationError(
                MSG_NOT_LATEST.format(kind=later.get_kind_display(), day=_day(later.changed_on))
            )
        if not _holds(person, change):
            raise ValidationError(MSG_RECORD_DIFFERS)
        effects = list(change.effects.select_related("registration").order_by("pk"))
        if len(effects) != change.removed + change.flagged:
            # Recorded before the effects were kept: restoring a guess is worse than asking.
            raise ValidationError(
                MSG_EFFECTS_UNKNOWN.format(removed=change.removed, flagged=change.flagged)
            )
        reverted = _revert(person, change)
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
# A 变动名单 file.


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
class ChangesOutcome(importing.FileOutcome):
    """What a 变动名单 does (or would do)."""

    applied: int = 0
    unchanged: int = 0
    removed: int = 0
    flagged: int = 0


class _Rollback(Exception):
    pass


def _date_cell(raw: object, label: str, number: int, issues: list[Issue]) -> date | None:
    parsed = importing.parse_date(raw)
    if isinstance(parsed, date):
        return parsed
    text = importing.cell_text(raw)
    issues.append(Issue(number, label, text, MSG_DATE_BAD.format(label=label, value=text)))
    return None


def read_change_row(
    number: int, cells: importing.Cells, columns: dict[str, int]
) -> tuple[ChangeRow | None, list[Issue]]:
    """(ChangeRow or None, issues) for one data row of a 变动名单: its own checks only."""
    issues: list[Issue] = []

    def get(key: str) -> Any:
        value = importing.cell_value(number, cells, columns, key, issues)
        return None if value == "" else value

    raw_id = get("id_number")
    checked = idcard.check(raw_id)
    masked = idcard.mask(importing.cell_text(raw_id)) if raw_id is not None else ""
    for p in checked.problems:
        issues.append(Issue(number, F_ID, masked, p.message))

    name = " ".join(importing.cell_text(get("name")).split())
    if not name:
        issues.append(Issue(number, F_NAME, "", importing.MSG_NAME_EMPTY))

    kind = None
    raw_kind = importing.cell_text(get("change_kind"))
    if raw_kind:
        kind = kind_of(raw_kind)
    if kind is None:
        issues.append(Issue(number, F_KIND, raw_kind, MSG_KIND_BAD.format(value=raw_kind)))

    on = None
    raw_on = get("change_on")
    if raw_on is None:
        issues.append(Issue(number, F_ON, "", MSG_DATE_EMPTY))
    else:
        on = _date_cell(raw_on, F_ON, number, issues)

    until = None
    raw_until = get("change_until")
    if raw_until is not None:
        until = _date_cell(raw_until, F_UNTIL, number, issues)

    if issues or kind is None or on is None:
        return None, issues
    normalized = checked.normalized
    return (
        ChangeRow(number, lookup_hash(normalized), idcard.mask(normalized), name, kind, on, until),
        issues,
    )


def _read(path: Path, filename: str, limits: Limits, outcome: ChangesOutcome) -> list[ChangeRow]:
    kind = importing.file_kind(path, filename, limits)
    sheet = importing.open_sheet(path, kind, limits)
    first: list[tuple[int, importing.Cells]] = []
    for item in sheet.rows:
        first.append(item)
        if len(first) >= importing.HEADER_SEARCH_ROWS:
            break
    header = importing.find_header(
        first, required=importing.CHANGE_REQUIRED, fields=importing.CHANGE_FIELDS
    )
    importing.merged_data_issues(sheet, header)
    outcome.unknown_columns = header.unknown

    def data_rows() -> Iterable[tuple[int, importing.Cells]]:
        for number, cells in first:
            if number > header.row:
                yield number, cells
        yield from sheet.rows

    rows: list[ChangeRow] = []
    for number, cells in data_rows():
        if importing.is_blank_row(cells):
            continue
        outcome.total += 1
        if outcome.total > limits.max_rows:
            raise ImportRefused(importing.MSG_TOO_MANY_ROWS.format(n=limits.max_rows))
        row, found = read_change_row(number, cells, header.columns)
        outcome.issues.extend(found)
        if row is not None:
            rows.append(row)
    if outcome.total == 0:
        raise ImportRefused(importing.MSG_NO_ROWS)
    return rows


def _people(area: Region, hashes: set[str], chunk: int = 900) -> dict[str, Person]:
    """The people of the area among these keyed hashes, a query per 900 numbers."""
    ordered = sorted(hashes)
    found: dict[str, Person] = {}
    for i in range(0, len(ordered), chunk):
        for person in Person.objects.filter(_area_q(area.code), id_hash__in=ordered[i : i + chunk]):
            found[person.id_hash] = person
    return found


def person_changes_import(
    *,
    actor: User,
    region: Region,
    path: Path,
    filename: str,
    commit: bool,
    batch: PersonChangeImport | None = None,
    limits: Limits | None = None,
) -> ChangesOutcome:
    """Read a 变动名单 (公民身份号码, 姓名, 变动类型, 变动日期, optional 截止日期) for the county or
    town `region` and record every row through the one write path, in file order, in one
    transaction: rolled back unless `commit` and no row has an error, so a preview's counts
    (including the registrations removed or flagged) are exactly what the run does.

    Raises ImportRefused when the file as a whole cannot be used (the roll import's checks:
    extension, size, encoding, header, merged cells)."""
    if (
        not can(actor, Action.MANAGE_VOTERS)
        or not in_scope(actor, region.code)
        or region.level not in (Region.Level.COUNTY, Region.Level.TOWN)
    ):
        raise ValidationError(MSG_DENIED)
    limits = limits or Limits(max_rows=MAX_CHANGE_ROWS)
    outcome = ChangesOutcome()
    rows = _read(path, filename, limits, outcome)
    people = _people(region, {r.id_hash for r in rows})
    source = f"变动名单：{filename}"[:200]
    try:
        with transaction.atomic():
            for row in rows:
                person = people.get(row.id_hash)
                if person is None:
                    outcome.issues.append(Issue(row.row, F_ID, row.masked, MSG_PERSON_UNKNOWN))
                    continue
                if person.name != row.name:
                    # A death or a sentence is recorded on no one but the named person.
                    outcome.issues.append(
                        Issue(row.row, F_NAME, row.name, MSG_NAME_DIFFERS.format(name=person.name))
                    )
                    continue
                try:
                    change = _apply(
                        actor=actor,
                        person=person,
                        kind=row.kind,
                        on=row.on,
                        until=row.until,
                        source=source,
                        region_code=region.code,
                        batch=batch,
                    )
                except StatusRefused as exc:
                    shown = {F_KIND: StatusKind(row.kind).label, F_UNTIL: _iso(row.until)}
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
            if outcome.errors or not commit:
                raise _Rollback
            audit_record(
                actor=actor,
                action="people.changes_import",
                obj=batch,
                object_type="" if batch else "people.changes",
                object_id="" if batch else region.code,
                changes={
                    "filename": filename,
                    "sha256": batch.sha256 if batch else "",
                    "region": region.code,
                    "rows": outcome.total,
                    "applied": outcome.applied,
                    "unchanged": outcome.unchanged,
                    "removed": outcome.removed,
                    "flagged": outcome.flagged,
                },
            )
    except _Rollback:
        pass
    outcome.issues.sort(key=lambda i: i.row)
    return outcome


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _fill(job: PersonChangeImport, outcome: ChangesOutcome) -> None:
    job.total_rows = outcome.total
    job.applied = outcome.applied
    job.unchanged = outcome.unchanged
    job.removed = outcome.removed
    job.flagged = outcome.flagged
    job.rejected = outcome.rejected_rows
    job.problems = [i.as_dict() for i in outcome.issues]


def person_changes_preview(
    *, actor: User, region: Region, upload: UploadedFile, limits: Limits | None = None
) -> PersonChangeImport:
    """Store the upload and dry-run it: the job comes back "preview" (ready to confirm) or
    "rejected" (with its message and problems, the file deleted); nothing is recorded."""
    if (
        not can(actor, Action.MANAGE_VOTERS)
        or not in_scope(actor, region.code)
        or region.level not in (Region.Level.COUNTY, Region.Level.TOWN)
    ):
        raise ValidationError(MSG_DENIED)
    limits = limits or Limits(max_rows=MAX_CHANGE_ROWS)
    job = PersonChangeImport(
        region=region, filename=(upload.name or "")[:200], sha256="", created_by=actor
    )
    try:
        path, job.sha256 = store_upload(upload, limits)
    except ImportRefused as exc:
        job.status, job.message = PersonChangeImport.Status.REJECTED, exc.message
    else:
        job.stored_path = str(path)
        try:
            outcome = person_changes_import(
                actor=actor,
                region=region,
                path=path,
                filename=job.filename,
                commit=False,
                limits=limits,
            )
        except ImportRefused as exc:
            job.status, job.message = PersonChangeImport.Status.REJECTED, exc.message
        else:
            _fill(job, outcome)
            if outcome.errors:
                job.status = PersonChangeImport.Status.REJECTED
                job.message = MSG_REJECTED.format(n=len(outcome.errors))
            elif outcome.unknown_columns:
                job.message = "以下列不导入：" + "、".join(outcome.unknown_columns)
    if job.status == PersonChangeImport.Status.REJECTED:
        job.finished_at = timezone.now()
        discard_upload(job)
    job.save()
    return job


def person_changes_confirm(
    *, actor: User, job: PersonChangeImport, limits: Limits | None = None
) -> PersonChangeImport:
    """Run a previewed 变动名单 for real (a county's list is small: in the request). Rows that
    no longer apply (the records changed since the preview) reject the whole file. The uploaded
    file is deleted either way."""
    if not can(actor, Action.MANAGE_VOTERS) or not in_scope(actor, job.region_id):
        raise ValidationError(MSG_DENIED)
    with transaction.atomic():
        # Lock the job: two clicks on "confirm" must not record the file twice.
        job = PersonChangeImport.objects.select_for_update().select_related("region").get(pk=job.pk)
        if job.status != PersonChangeImport.Status.PREVIEW:
            raise ValidationError(MSG_NOT_PREVIEW)
        try:
            outcome = person_changes_import(
                actor=actor,
                region=job.region,
                path=Path(job.stored_path),
                filename=job.filename,
                commit=True,
                batch=job,
                limits=limits,
            )
        except ImportRefused as exc:
            job.status, job.message = PersonChangeImport.Status.REJECTED, exc.message
        else:
            _fill(job, outcome)
            if outcome.errors:
                job.status = PersonChangeImport.Status.REJECTED
                job.message = MSG_CHANGED.format(n=len(outcome.errors))
            else:
                job.status = PersonChangeImport.Status.SUCCEEDED
                job.message = MSG_DONE.format(
                    applied=outcome.applied,
                    unchanged=outcome.unchanged,
                    removed=outcome.removed,
                    flagged=outcome.flagged,
                )
        if job.status == PersonChangeImport.Status.REJECTED:
            audit_record(
                actor=actor,
                action="people.changes_import",
                obj=job,
                changes={"filename": job.filename, "sha256": job.sha256, "region": job.region_id},
                outcome=Outcome.FAILURE,
                message=job.message,
            )
        job.finished_at = timezone.now()
        discard_upload(job)
        job.save()
    return job


def person_changes_expire(*, now: Any = None) -> int:
    """End the 变动名单 previews nobody confirmed within a day and delete their files, as the
    roll import's previews (`huanjie voters purge`)."""
    return expire_previews(PersonChangeImport, "people.changes_expire", now=now)
