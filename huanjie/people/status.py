"""The facts of a person's status (人员变动): a death, a deprivation of political rights, its
restoration, as the notices state them, and how each sets (or, corrected, puts back) the
person's record. What such a change does to the rolls is the voters app's
(``voters.status``): people know nothing of rolls.

The law: 村民委员会组织法(2025) 第十六条 — villagers of eighteen vote "但是，依照法律被剥夺政治权利的人
除外"; 刑法 第五十四条 (剥夺政治权利 includes 选举权和被选举权), 第五十五条 (one to five years),
第五十七条 (for life), 第五十八条 (from the end of the prison term or parole). The dates are
stored as the notice gives them and judged by huanjie.rules.voters.
"""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.utils import timezone

from huanjie.lib.dates import cn_date
from huanjie.people.models import Person, PersonStatusChange, StatusKind
from huanjie.rules import voters as voter_rules

F_ID, F_NAME, F_KIND, F_ON, F_UNTIL = "公民身份号码", "姓名", "变动类型", "变动日期", "截止日期"

MSG_KIND_BAD = "变动类型“{value}”无法识别，应填“死亡”“剥夺政治权利”或“恢复政治权利”"
MSG_DATE_FUTURE = "变动日期{day}晚于今天，请核对"
MSG_UNTIL_NOT_APPLICABLE = "“{kind}”不填截止日期"
MSG_UNTIL_BEFORE = "截止日期{until}早于变动日期{on}"
MSG_ALREADY_DIED = "人员库已记录该人于{day}死亡，与变动日期{on}不符，请核实"
MSG_DEPRIVED_OTHER = "人员库已记录剥夺政治权利（{period}），与本次不符，请核实"
MSG_NOT_DEPRIVED = "人员库中该人没有剥夺政治权利的记录，不能登记恢复"
MSG_RESTORED_TOO_EARLY = "恢复日期{on}须晚于剥夺政治权利的起始日期{start}"
MSG_ALREADY_ENDED = "人员库记录的剥夺政治权利已于{day}期满，无需登记恢复"


def iso(day: date | None) -> str:
    return day.isoformat() if day else ""


# The kinds that write the same fields: such changes are corrected from the latest back, so
# every change left in force still describes how the record got where it is (a restoration
# ends the deprivation before it; correcting the deprivation first would orphan it).
SAME_FIELDS: Final[dict[str, tuple[str, ...]]] = {
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


def status_set(person: Person, kind: str, on: date, until: date | None) -> list[str] | None:
    """Apply the change to the person's fields; the fields changed, None when the record says
    so already. StatusRefused when it contradicts the record: a person decides."""
    if on > timezone.localdate():
        raise StatusRefused(MSG_DATE_FUTURE.format(day=cn_date(on)))
    if kind != StatusKind.RIGHTS_DEPRIVED and until is not None:
        raise StatusRefused(
            MSG_UNTIL_NOT_APPLICABLE.format(kind=StatusKind(kind).label), column=F_UNTIL
        )
    if kind == StatusKind.DIED:
        if person.died_on == on:
            return None
        if person.died_on is not None:
            raise StatusRefused(
                MSG_ALREADY_DIED.format(day=cn_date(person.died_on), on=cn_date(on))
            )
        person.died_on = on
        return ["died_on"]
    start, end = person.rights_deprived_from, person.rights_deprived_until
    if kind == StatusKind.RIGHTS_DEPRIVED:
        if until is not None and until < on:
            raise StatusRefused(
                MSG_UNTIL_BEFORE.format(until=cn_date(until), on=cn_date(on)), column=F_UNTIL
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
        raise StatusRefused(MSG_RESTORED_TOO_EARLY.format(on=cn_date(on), start=cn_date(start)))
    last = on - timedelta(days=1)
    if end == last:
        return None
    if end is not None and end < last:
        raise StatusRefused(MSG_ALREADY_ENDED.format(day=cn_date(end)))
    person.rights_deprived_until = last
    return ["rights_deprived_until"]


def record_text(person: Person) -> str:
    """The person's status as recorded, in a sentence for the page that records a change."""
    parts = []
    if person.died_on is not None:
        parts.append(f"{cn_date(person.died_on)}死亡")
    if person.rights_deprived_from is not None:
        parts.append(f"剥夺政治权利{person.deprivation_text}")
    return "人员库现有记录：" + ("；".join(parts) if parts else "无死亡、剥夺政治权利记录")


def status_holds(person: Person, change: PersonStatusChange) -> bool:
    """Whether the person's record is still what the change made it."""
    if change.kind == StatusKind.DIED:
        return person.died_on == change.changed_on
    if change.kind == StatusKind.RIGHTS_DEPRIVED:
        return (person.rights_deprived_from, person.rights_deprived_until) == (
            change.changed_on,
            change.until,
        )
    return person.rights_deprived_until == change.changed_on - timedelta(days=1)


def status_revert(person: Person, change: PersonStatusChange) -> dict[str, Any]:
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
        diff[name] = {"old": iso(getattr(person, name)) or None, "new": iso(value) or None}
        setattr(person, name, value)
    person.save(update_fields=list(values))
    return diff
