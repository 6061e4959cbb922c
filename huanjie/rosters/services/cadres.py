"""What the county reports of a cadre (education, political status, ethnicity, the tags), corrected
by hand on the village roster; a cadre leaving a post during the term (辞职, or an office ended
for another reason, kept as history: the row ends, it is never deleted); and the checks the roster's detail services share (reserve
cadres, the care of departing cadres).

A person's details are one fact about them in a term: `cadre_update` changes every row of the
same person in the same village and term together (a secretary who is also the cooperative's
head has one education), so the report never counts one person twice with two answers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from huanjie.audit.services import audit_record
from huanjie.lib import ethnicity as ethnicities
from huanjie.lib.cadre_codes import (
    EDUCATION,
    POLITICAL_STATUS,
    education_of,
    political_status_of,
)
from huanjie.lib.dates import cn_date
from huanjie.rosters.models import TAGS, Cadre, EndReason
from huanjie.rosters.services.common import check_roster
from huanjie.rosters.summary import summaries_refresh

if TYPE_CHECKING:
    from huanjie.accounts.models import User

MSG_NOT_ALLOWED: Final = "无权管理该村(社区)的干部名册"
MSG_EDUCATION: Final = "文化程度：“{value}”不是国家标准学历代码（GB/T 4658）所列的文化程度"
MSG_POLITICAL: Final = "政治面貌：“{value}”不是国家标准政治面貌代码（GB/T 4762）所列的政治面貌"
MSG_ETHNICITY: Final = "民族：“{value}”不是国家标准民族代码（GB/T 3304）所列的民族"
MSG_TAG: Final = "身份标签：“{value}”不在规定之列"
MSG_ENDED: Final = "“{name}”的{post}已于{day}离任（{why}），不能再登记离任"
MSG_LEAVE_REASON: Final = "离任原因须为辞职或其他"
MSG_LEAVE_NOTE: Final = "离任原因为“其他”的，须写明离任说明（如：被判处刑罚，职务自行终止）"
MSG_LEAVE_BEFORE: Final = "离任日期不能早于任职日期（{day}）"
MSG_LEAVE_FUTURE: Final = "离任日期不能晚于今天"
MSG_NOTE_LONG: Final = "离任说明不能超过{most}个字"
LEAVE_REASONS: Final = (EndReason.RESIGNED, EndReason.OTHER)
LONGEST_NOTE: Final = 500

TAG_FIELDS: Final = tuple(f for f, _ in TAGS)
TAG_LABELS: Final = dict(TAGS)
DETAIL_FIELDS: Final = ("education", "political_status", "ethnicity", *TAG_FIELDS)


def check_manage(actor: User, region_code: str, obj: Any) -> None:
    """The roster's check (common.check_roster) with the details' message."""
    check_roster(actor, region_code, obj, MSG_NOT_ALLOWED)


def education_code(value: str | None) -> str:
    """A 文化程度 as its GB/T 4658 category code ("" = not known)."""
    text = (value or "").strip()
    if not text:
        return ""
    code = text if text in EDUCATION else education_of(text)
    if code is None:
        raise ValidationError(MSG_EDUCATION.format(value=text))
    return code


def political_code(value: str | None) -> str:
    """A 政治面貌 as its GB/T 4762 code ("" = not known)."""
    text = (value or "").strip()
    if not text:
        return ""
    code = text if text in POLITICAL_STATUS else political_status_of(text)
    if code is None:
        raise ValidationError(MSG_POLITICAL.format(value=text))
    return code


def ethnicity_code(value: str | None) -> str:
    """A 民族 as its GB/T 3304 code ("" = not known)."""
    text = (value or "").strip()
    if not text:
        return ""
    code = ethnicities.code_of(text)
    if code is None:
        raise ValidationError(MSG_ETHNICITY.format(value=text))
    return code


def tag_set(tags: Iterable[str]) -> set[str]:
    """The tag fields named by `tags` (field names or their labels)."""
    by_label = {label: f for f, label in TAGS}
    found: set[str] = set()
    for tag in tags:
        name = tag if tag in TAG_LABELS else by_label.get(tag)
        if name is None:
            raise ValidationError(MSG_TAG.format(value=tag))
        found.add(name)
    return found


def same_person_rows(cadre: Cadre) -> Any:
    """Every row of `cadre`'s person in its village and term (the name, for a row without a
    person), the ended ones too."""
    rows = Cadre.objects.filter(term_id=cadre.term_id, village_id=cadre.village_id)
    if cadre.person_id is not None:
        return rows.filter(person_id=cadre.person_id)
    return rows.filter(person__isnull=True, name=cadre.name)


def cadre_update(
    *,
    actor: User,
    cadre: Cadre,
    education: str,
    political_status: str,
    ethnicity: str,
    tags: Iterable[str],
) -> Cadre:
    """Set what the county reports of `cadre`'s person in the term: education, political status,
    ethnicity (codes or the names people write) and the tags (大学生村官, 退役军人, ...; any not
    named are cleared). Every row of the person in the village and term changes together."""
    check_manage(actor, cadre.village_id, cadre)
    wanted: dict[str, Any] = {
        "education": education_code(education),
        "political_status": political_code(political_status),
        "ethnicity": ethnicity_code(ethnicity),
    }
    chosen = tag_set(tags)
    wanted |= {f: f in chosen for f in TAG_FIELDS}
    with transaction.atomic():
        rows = list(same_person_rows(cadre).select_for_update().order_by("id"))
        before = {f: getattr(cadre, f) for f in DETAIL_FIELDS}
        for row in rows:
            for name, value in wanted.items():
                setattr(row, name, value)
        Cadre.objects.bulk_update(rows, list(DETAIL_FIELDS))
        summaries_refresh([(cadre.term_id, cadre.village_id)])
        changed = {f: [before[f], wanted[f]] for f in DETAIL_FIELDS if before[f] != wanted[f]}
        audit_record(
            actor=actor,
            action="roster.cadre_update",
            obj=cadre,
            changes={"rows": [r.pk for r in rows], "term": cadre.term_number, **changed},
        )
    cadre.refresh_from_db()
    return cadre


def cadre_leave(*, actor: User, cadre: Cadre, ended_on: date, reason: str, note: str = "") -> Cadre:
    """Record that `cadre` left the post on `ended_on`: resigned (辞职), or for another reason
    written in `note` (an office that ends by itself on loss of capacity or a criminal sentence:
    村民委员会组织法(2025) 第二十二条, (2018) 第十八条; RULES.md V17). The row ends and stays on
    the roster's history; the seat is open for a by-election (RULES.md V18). A recall is
    `recall.recall_vote`'s."""
    check_manage(actor, cadre.village_id, cadre)
    note = (note or "").strip()
    if reason not in LEAVE_REASONS:
        raise ValidationError(MSG_LEAVE_REASON)
    if reason == EndReason.OTHER and not note:
        raise ValidationError(MSG_LEAVE_NOTE)
    if len(note) > LONGEST_NOTE:
        raise ValidationError(MSG_NOTE_LONG.format(most=LONGEST_NOTE))
    if ended_on > timezone.localdate():
        raise ValidationError(MSG_LEAVE_FUTURE)
    with transaction.atomic():
        cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
        if cadre.ended_on is not None:
            raise ValidationError(
                MSG_ENDED.format(
                    name=cadre.name,
                    post=cadre.get_post_display(),
                    day=cn_date(cadre.ended_on),
                    why=cadre.get_end_reason_display(),
                )
            )
        if ended_on < cadre.started_on:
            raise ValidationError(MSG_LEAVE_BEFORE.format(day=cn_date(cadre.started_on)))
        cadre.ended_on = ended_on
        cadre.end_reason = reason
        cadre.end_note = note
        cadre.save(update_fields=["ended_on", "end_reason", "end_note"])
        summaries_refresh([(cadre.term_id, cadre.village_id)])
        audit_record(
            actor=actor,
            action="roster.cadre_leave",
            obj=cadre,
            changes={
                "body": cadre.body,
                "post": cadre.post,
                "term": cadre.term_number,
                "ended_on": ended_on.isoformat(),
                "reason": reason,
                "note": note,
            },
        )
    return cadre
