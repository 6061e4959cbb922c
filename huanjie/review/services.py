"""The write services of the joint review (资格联审): the county's departments and negative list,
the three levels (村级预审, 乡镇初审, 县级联审), batches, the departments' answers and the
county's conclusion.

Each checks in order: the Action and scope (and the level: 预审 by a village user, 初审 by a
town's, everything of the county review by a county's; refusals audited as access.denied), the
campaign not purged, the move in `TRANSITIONS` and its guard, then its inputs; then in one
transaction the rows, a `ReviewHistory` row per move and the audit event. The nominee's own
stage moves only through `nomination.services` (send to review, qualify, disqualify, withdraw).
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Final

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from huanjie.accounts.models import Department, Role, User
from huanjie.accounts.permissions import Action, audit_denied, can, in_scope
from huanjie.audit.models import AuditEvent, Outcome
from huanjie.audit.services import audit_record
from huanjie.elections.models import Campaign
from huanjie.elections.services import check_not_purged
from huanjie.lib import sealedfile
from huanjie.lib.crypto import decrypt_field
from huanjie.lib.idcard import redact
from huanjie.nomination import services as nomination
from huanjie.nomination.models import Nominee, Stage
from huanjie.people.models import Person
from huanjie.people.services import ID_PURPOSE
from huanjie.review.models import (
    OPEN_STATES,
    ConditionKind,
    DisqualifyingCondition,
    Review,
    ReviewAssignment,
    ReviewBatch,
    ReviewDepartment,
    ReviewFinding,
    ReviewHistory,
    ReviewState,
)
from huanjie.rules.candidates import CandidateFacts
from huanjie.rules.messages import BARS
from huanjie.voters.services import (
    MSG_REVEAL_LIMIT,
    MSG_REVEAL_REASON,
    REVEAL_LIMIT_PER_HOUR,
    REVEAL_REASON_MIN,
)

MSG_NOT_ALLOWED = "无权办理该资格审查"
MSG_LEVEL = "{what}由{level}办理"
MSG_MOVE = "{name}的资格审查当前为“{state}”，不能改为“{to}”"
MSG_MOVED_MEANWHILE = "{name}的资格审查已被他人改变，请刷新后重试"
MSG_ALREADY = "{name}已在资格审查中"
MSG_NOMINEE_STAGE = "{name}当前为“{stage}”，不能送资格审查"
MSG_BUILTIN = "“{text}”是村民委员会组织法(2025)第十八条规定的情形，不能删除或停用"
MSG_BUILTIN_TEXT = "“{text}”是法定情形，不能修改内容和类别"
MSG_CONDITION_USED = "“{text}”已有联审意见，不能删除，可以停用"
MSG_TEXT_REQUIRED = "请填写情形"
MSG_NAME_REQUIRED = "请填写部门名称"
MSG_KIND = "类别应为“不得作为候选人”或“不宜作为候选人”"
MSG_LOOKBACK = "追溯年限应为1至50的整数，不限年限的不填"
MSG_DEPARTMENT_OTHER = "部门不属于这次换届的联审"
MSG_DEPARTMENT_EXISTS = "{name}已是联审部门"
MSG_DEPARTMENT_UNKNOWN = "未知的部门"
MSG_NO_REVIEWS = "请选择要编入批次的人员"
MSG_NOT_AWAITING = "{name}不是待县级联审的人员"
MSG_OTHER_CAMPAIGN = "{name}不属于这次换届"
MSG_BATCH_SENT = "第{n}批已于{day}送审"
MSG_BATCH_EMPTY = "第{n}批没有人员"
MSG_NO_DEPARTMENTS = "没有参加联审并负责审查情形的部门，请先设置联审部门和负面清单"
MSG_NOT_SENT = "该人员未送本部门联审"
MSG_NOT_ANSWERING = "{name}的联审已结束，不能再答复"
MSG_DEPARTMENT_OFF = "本部门已不参加这次联审"
MSG_ANSWER_CONDITION = "“{text}”不由本部门审查"
MSG_ANSWER_MISSING = "请对本部门审查的每一项情形作出答复，缺：{texts}"
MSG_ANSWER_NOTE = "“{text}”存在该情形的，请填写说明"
MSG_WAITING = "{name}还有部门未答复：{departments}"
MSG_REASON_REQUIRED = "请填写原因"
MSG_ATTACHMENT_TYPE = "附件只接受 PDF、JPG、PNG 文件"
MSG_ATTACHMENT_SIZE = "附件不能超过 {mb} MB"
MSG_REUSED = "沿用第{n}批联审结论（人员信息未变化）"
MSG_NOT_SET_UP = "这次换届尚未启用资格联审，请先建立默认联审部门和审查情形"
MSG_NOT_IN_BATCH = "{name}不在未送审的批次中"
MSG_REVEAL_CLOSED = "{name}的联审已结束，不能再查看完整身份证号"
MSG_BARRED_ELSEWHERE = "经资格联审不得作为候选人（{where}）"

ATTACHMENT_TYPES: Final = (".pdf", ".jpg", ".jpeg", ".png")
ATTACHMENT_MAX_BYTES: Final = 10 * 1024 * 1024
_ATTACHMENT_KEY_INFO = b"huanjie review attachment key v1"

# The departments a county starts from (RULES.md §6: "12个部门" and issue 10's list), in order.
DEFAULT_DEPARTMENTS: Final = (
    (Department.DISCIPLINE, "纪委监委"),
    (Department.ORGANISATION, "组织部"),
    (Department.POLITICAL_LEGAL, "政法委"),
    (Department.COURT, "法院"),
    (Department.PROCURATORATE, "检察院"),
    (Department.PUBLIC_SECURITY, "公安"),
    (Department.JUSTICE, "司法"),
    (Department.PETITIONS, "信访"),
    (Department.CIVIL_AFFAIRS, "民政"),
    (Department.HEALTH, "卫健"),
    (Department.AGRICULTURE, "农业农村"),
)

# The law's own bars, built into every campaign's list: "被开除中国共产党党籍，因犯罪受过刑事处罚，
# 利用宗族或者黑恶势力从事非法活动，组织或者参加非法宗教活动或者邪教活动的，不得作为候选人"
# (村民委员会组织法(2025) 第十八条; no look-back limit, RULES.md §6 V9), and the deprivation of
# political rights (宪法 第三十四条). Each with the departments that check it and the engine's fact.
DEPRIVED = "deprived"
BUILTIN_BARS: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("expelled_from_party", (Department.DISCIPLINE, Department.ORGANISATION)),
    (
        "criminal_punishment",
        (
            Department.COURT,
            Department.PROCURATORATE,
            Department.PUBLIC_SECURITY,
            Department.JUSTICE,
        ),
    ),
    ("clan_or_gang", (Department.POLITICAL_LEGAL, Department.PUBLIC_SECURITY)),
    ("illegal_religion_or_cult", (Department.POLITICAL_LEGAL, Department.PUBLIC_SECURITY)),
    (DEPRIVED, (Department.COURT, Department.PUBLIC_SECURITY)),
)
BAR_TEXTS: Final = {**BARS, DEPRIVED: "被剥夺政治权利"}
BAR_FACTS: Final[dict[str, dict[str, bool]]] = {
    "expelled_from_party": {"expelled_from_party": True},
    "criminal_punishment": {"criminal_punishment": True},
    # gang_illegal_activity meets both the villagers' (宗族或者黑恶势力) and the residents' bar.
    "clan_or_gang": {"gang_illegal_activity": True},
    "illegal_religion_or_cult": {"illegal_religion_or_cult": True},
    DEPRIVED: {"deprived_of_political_rights": True},
}

# A county's starting local list (RULES.md §6, the "typical later list", VERIFIED-2): editable,
# removable. (text, kind, look-back years, departments)
DEFAULT_CONDITIONS: Final[tuple[tuple[str, str, int | None, tuple[str, ...]], ...]] = (
    ("受到撤销党内职务以上处分未满2年", ConditionKind.CANNOT_STAND, 2, (Department.DISCIPLINE,)),
    (
        "丧失行为能力",
        ConditionKind.CANNOT_STAND,
        None,
        (Department.CIVIL_AFFAIRS, Department.HEALTH),
    ),
    ("正被纪委监委立案审查", ConditionKind.SHOULD_NOT_STAND, None, (Department.DISCIPLINE,)),
    ("受过行政拘留处罚未满5年", ConditionKind.SHOULD_NOT_STAND, 5, (Department.PUBLIC_SECURITY,)),
    ("组织、参与非正常上访", ConditionKind.SHOULD_NOT_STAND, None, (Department.PETITIONS,)),
    (
        "严重违法用地、违章建房拒不整改",
        ConditionKind.SHOULD_NOT_STAND,
        None,
        (Department.AGRICULTURE,),
    ),
)

COUNTY, TOWN, VILLAGE = 6, 9, 12
LEVEL_NAMES: Final = {COUNTY: "县级", TOWN: "乡镇", VILLAGE: "村级"}


# ---------------------------------------------------------------------------------------------
# Who.


def department_of(user: Any) -> str:
    """The review department of a reviewer's account ("" for any other account)."""
    if user is None or not getattr(user, "pk", None):
        return ""
    grant = user.role_grants.filter(role=Role.REVIEWER).values_list("department", flat=True)
    return grant.first() or ""


def level_of(user: Any) -> int:
    return len(getattr(user, "region_id", None) or "")


def _refuse(actor: User, action: Action, obj: Any, message: str) -> None:
    audit_denied(actor, action, obj=obj)  # SECURITY.md L1
    raise ValidationError(message)


def _check_manage(actor: User, code: str, obj: Any, *, levels: Sequence[int], what: str) -> None:
    """MANAGE_REVIEW over `code`, at one of `levels` (6 county, 9 town, 12 village)."""
    if not can(actor, Action.MANAGE_REVIEW) or not in_scope(actor, code):
        _refuse(actor, Action.MANAGE_REVIEW, obj, MSG_NOT_ALLOWED)
    if level_of(actor) not in levels:
        level = "或".join(LEVEL_NAMES[lv] for lv in levels)
        _refuse(actor, Action.MANAGE_REVIEW, obj, MSG_LEVEL.format(what=what, level=level))


def _check_county(actor: User, campaign: Campaign, obj: Any, what: str = "县级联审") -> None:
    _check_manage(actor, campaign.region_id, obj, levels=(COUNTY,), what=what)
    check_not_purged(campaign)


# ---------------------------------------------------------------------------------------------
# Departments and the negative list.


def _ensure_defaults(campaign: Campaign) -> bool:
    """Create the default departments and conditions of a campaign that has none; True when
    it did."""
    if ReviewDepartment.objects.filter(campaign=campaign).exists():
        return False
    departments: dict[str, ReviewDepartment] = {
        code: ReviewDepartment.objects.create(
            campaign=campaign, department=code, name=name, order=i
        )
        for i, (code, name) in enumerate(DEFAULT_DEPARTMENTS, start=1)
    }
    number = 0
    for bar, codes in BUILTIN_BARS:
        number += 1
        condition = DisqualifyingCondition.objects.create(
            campaign=campaign,
            text=BAR_TEXTS[bar],
            kind=ConditionKind.CANNOT_STAND,
            lookback_years=None,
            bar=bar,
            number=number,
        )
        condition.departments.set([departments[c] for c in codes])
    for text, kind, years, codes in DEFAULT_CONDITIONS:
        number += 1
        condition = DisqualifyingCondition.objects.create(
            campaign=campaign, text=text, kind=kind, lookback_years=years, number=number
        )
        condition.departments.set([departments[c] for c in codes])
    return True


def review_setup(*, actor: User, campaign: Campaign) -> bool:
    """Start a campaign's review: the default departments and negative list (the law's bars
    built in), on the county's explicit request (a page never writes on a GET); nothing when it
    has them. True when created."""
    _check_county(actor, campaign, campaign, "联审部门和负面清单")
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).exists()
        created = _ensure_defaults(campaign)
        if created:
            audit_record(
                actor=actor,
                action="review.setup",
                obj=campaign,
                changes={
                    "departments": len(DEFAULT_DEPARTMENTS),
                    "conditions": len(BUILTIN_BARS) + len(DEFAULT_CONDITIONS),
                },
            )
    return created


def is_set_up(campaign: Campaign) -> bool:
    """Whether the county started the campaign's review (`review_setup`): its departments and
    the law's bars exist."""
    return ReviewDepartment.objects.filter(campaign=campaign).exists()


def _check_set_up(campaign: Campaign) -> None:
    # The law's bars come with the setup: nothing is added to a list they are not on yet.
    if not is_set_up(campaign):
        raise ValidationError(MSG_NOT_SET_UP)


def review_department_add(
    *, actor: User, campaign: Campaign, department: str, name: str = ""
) -> ReviewDepartment:
    """Add a department (from the list of `Department`) to the campaign's review."""
    _check_county(actor, campaign, campaign, "联审部门")
    _check_set_up(campaign)
    if department not in Department.values:
        raise ValidationError(MSG_DEPARTMENT_UNKNOWN)
    name = name.strip() or Department(department).label
    if ReviewDepartment.objects.filter(campaign=campaign, department=department).exists():
        raise ValidationError(MSG_DEPARTMENT_EXISTS.format(name=Department(department).label))
    with transaction.atomic():
        last = ReviewDepartment.objects.filter(campaign=campaign).aggregate(m=Max("order"))["m"]
        row = ReviewDepartment.objects.create(
            campaign=campaign, department=department, name=name[:50], order=(last or 0) + 1
        )
        audit_record(
            actor=actor,
            action="review.department_add",
            obj=row,
            changes={"department": department, "name": row.name},
        )
    return row


def review_department_update(
    *, actor: User, department: ReviewDepartment, name: str, active: bool
) -> ReviewDepartment:
    """Rename a department or take it out of (back into) the review."""
    _check_county(actor, department.campaign, department, "联审部门")
    name = name.strip()
    if not name:
        raise ValidationError(MSG_NAME_REQUIRED)
    changes = {
        k: {"old": getattr(department, k), "new": v}
        for k, v in (("name", name[:50]), ("active", bool(active)))
        if getattr(department, k) != v
    }
    with transaction.atomic():
        department.name, department.active = name[:50], bool(active)
        department.save(update_fields=["name", "active"])
        audit_record(
            actor=actor, action="review.department_update", obj=department, changes=changes
        )
    return department


def _condition_inputs(
    campaign: Campaign, text: str, kind: str, lookback_years: int | None, departments: Iterable[Any]
) -> tuple[str, list[ReviewDepartment]]:
    problems: list[str] = []
    text = text.strip()
    if not text:
        problems.append(MSG_TEXT_REQUIRED)
    if kind not in ConditionKind.values:
        problems.append(MSG_KIND)
    if lookback_years is not None and (
        not isinstance(lookback_years, int) or not 1 <= lookback_years <= 50
    ):
        problems.append(MSG_LOOKBACK)
    chosen = list(departments)
    if any(d.campaign_id != campaign.pk for d in chosen):
        problems.append(MSG_DEPARTMENT_OTHER)
    if problems:
        raise ValidationError(problems)
    return text[:200], chosen


def condition_create(
    *,
    actor: User,
    campaign: Campaign,
    text: str,
    kind: str,
    lookback_years: int | None,
    departments: Iterable[ReviewDepartment],
) -> DisqualifyingCondition:
    """Add a condition to the campaign's negative list, with the departments that check it."""
    _check_county(actor, campaign, campaign, "负面清单")
    _check_set_up(campaign)
    text, chosen = _condition_inputs(campaign, text, kind, lookback_years, departments)
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).exists()
        last = DisqualifyingCondition.objects.filter(campaign=campaign).aggregate(m=Max("number"))
        condition = DisqualifyingCondition.objects.create(
            campaign=campaign,
            text=text,
            kind=kind,
            lookback_years=lookback_years,
            number=(last["m"] or 0) + 1,
        )
        condition.departments.set(chosen)
        audit_record(
            actor=actor,
            action="review.condition_create",
            obj=condition,
            changes={
                "text": text,
                "kind": kind,
                "lookback_years": lookback_years,
                "departments": [d.department for d in chosen],
            },
        )
    return condition


def condition_update(
    *,
    actor: User,
    condition: DisqualifyingCondition,
    text: str,
    kind: str,
    lookback_years: int | None,
    departments: Iterable[ReviewDepartment],
    active: bool,
) -> DisqualifyingCondition:
    """Change a condition. A built-in bar of the law keeps its text, kind, no look-back limit
    and stays active: only its departments change."""
    _check_county(actor, condition.campaign, condition, "负面清单")
    text, chosen = _condition_inputs(condition.campaign, text, kind, lookback_years, departments)
    if condition.builtin:
        if not active:
            raise ValidationError(MSG_BUILTIN.format(text=condition.text))
        if (text, kind, lookback_years) != (condition.text, condition.kind, None):
            raise ValidationError(MSG_BUILTIN_TEXT.format(text=condition.text))
    old = {
        "text": condition.text,
        "kind": condition.kind,
        "lookback_years": condition.lookback_years,
        "active": condition.active,
        "departments": sorted(condition.departments.values_list("department", flat=True)),
    }
    with transaction.atomic():
        condition.text, condition.kind = text, kind
        condition.lookback_years, condition.active = lookback_years, bool(active)
        condition.save()
        condition.departments.set(chosen)
        new = {
            "text": text,
            "kind": kind,
            "lookback_years": lookback_years,
            "active": bool(active),
            "departments": sorted(d.department for d in chosen),
        }
        audit_record(
            actor=actor,
            action="review.condition_update",
            obj=condition,
            changes={k: {"old": old[k], "new": v} for k, v in new.items() if old[k] != v},
        )
    return condition


def condition_delete(*, actor: User, condition: DisqualifyingCondition) -> None:
    """Remove a condition nobody answered on yet; never a built-in bar of the law."""
    _check_county(actor, condition.campaign, condition, "负面清单")
    if condition.builtin:
        raise ValidationError(MSG_BUILTIN.format(text=condition.text))
    if condition.findings.exists():
        raise ValidationError(MSG_CONDITION_USED.format(text=condition.text))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="review.condition_delete",
            obj=condition,
            changes={"text": condition.text, "kind": condition.kind},
        )
        condition.departments.clear()
        condition.delete()


# ---------------------------------------------------------------------------------------------
# Reviews: the state machine.


def person_fingerprint(person: Person) -> str:
    """What a clearance was given on: the person's identity, residence and the status the
    notices recorded. A later change of any of these means the person is reviewed again."""
    fields = (
        person.id_hash,
        person.name,
        person.sex,
        person.birth_date,
        person.region_id,
        person.died_on,
        person.rights_deprived_from,
        person.rights_deprived_until,
    )
    return hashlib.sha256("|".join(str(f) for f in fields).encode()).hexdigest()


def reusable_clearance(review: Review) -> Review | None:
    """An earlier clearance of the same person in the campaign whose record has not changed
    since (item 3: not sent again unless the record changed)."""
    person = Person.objects.get(pk=review.person_id)
    return (
        Review.objects.filter(
            campaign_id=review.campaign_id,
            person_id=review.person_id,
            state=ReviewState.CLEARED,
            fingerprint=person_fingerprint(person),
        )
        .exclude(pk=review.pk)
        .select_related("batch", "reused_from__batch")
        .order_by("id")
        .first()
    )


Guard = Callable[[Review], list[str]]


def _always(review: Review) -> list[str]:
    return []


def _reusable(review: Review) -> list[str]:
    return [] if reusable_clearance(review) else ["没有可沿用的联审结论"]


def _all_answered(review: Review) -> list[str]:
    missing = waiting_departments(review)
    if missing:
        return [MSG_WAITING.format(name=review.person.name, departments="、".join(missing))]
    return []


def _batch_unsent(review: Review) -> list[str]:
    batch = review.batch
    if batch is None:
        return [MSG_NOT_IN_BATCH.format(name=review.person.name)]
    batch.refresh_from_db(fields=["sent_on"])
    if batch.sent_on is not None:
        return [MSG_BATCH_SENT.format(n=batch.number, day=batch.sent_on)]
    return []


# (from, to) → (the levels that make the move, its guard).
TRANSITIONS: Final[dict[tuple[str, str], tuple[tuple[int, ...], Guard]]] = {
    (ReviewState.PRE_REVIEW, ReviewState.TOWN_REVIEW): ((VILLAGE,), _always),
    (ReviewState.PRE_REVIEW, ReviewState.DISQUALIFIED): ((VILLAGE,), _always),
    (ReviewState.TOWN_REVIEW, ReviewState.AWAITING_BATCH): ((TOWN,), _always),
    (ReviewState.TOWN_REVIEW, ReviewState.CLEARED): ((TOWN,), _reusable),
    (ReviewState.TOWN_REVIEW, ReviewState.DISQUALIFIED): ((TOWN,), _always),
    (ReviewState.AWAITING_BATCH, ReviewState.BATCHED): ((COUNTY,), _always),
    (ReviewState.BATCHED, ReviewState.SENT): ((COUNTY,), _always),
    (ReviewState.BATCHED, ReviewState.AWAITING_BATCH): ((COUNTY,), _batch_unsent),
    (ReviewState.SENT, ReviewState.CLEARED): ((COUNTY,), _all_answered),
    (ReviewState.SENT, ReviewState.DISQUALIFIED): ((COUNTY,), _all_answered),
    **{(s, ReviewState.CLOSED): ((COUNTY, TOWN, VILLAGE), _always) for s in OPEN_STATES},
}

_WHAT: Final[dict[str, str]] = {
    ReviewState.PRE_REVIEW: "村级预审",
    ReviewState.TOWN_REVIEW: "乡镇初审",
}


def _history(review: Review, actor: User, old: str, reason: str) -> None:
    ReviewHistory.objects.create(
        review=review, from_state=old, to_state=review.state, reason=reason[:500], actor=actor
    )


def _move(
    *,
    actor: User,
    review: Review,
    to: str,
    event: str,
    reason: str = "",
    fields: dict[str, Any] | None = None,
    then: Callable[[], None] | None = None,
    checked: bool = False,
) -> Review:
    """Move `review` to `to`: the checks in order (skipped with `checked`: a step of a service
    that checked them), then in one transaction the review, its history row, `then` (the
    nominee's own move) and the audit event."""
    name = review.person.name
    rule = TRANSITIONS.get((review.state, to))
    if not checked:
        levels = rule[0] if rule else (COUNTY, TOWN, VILLAGE)
        what = _WHAT.get(review.state, "县级联审")
        _check_manage(actor, review.village_id, review, levels=levels, what=what)
        check_not_purged(review.campaign)
    if rule is None:
        raise ValidationError(
            MSG_MOVE.format(
                name=name, state=ReviewState(review.state).label, to=ReviewState(to).label
            )
        )
    problems = rule[1](review)
    if problems:
        raise ValidationError(problems)
    old = review.state
    reason = reason.strip()
    fields = fields or {}
    with transaction.atomic():
        current = Review.objects.select_for_update().values_list("state", flat=True)
        if current.get(pk=review.pk) != old:
            raise ValidationError(MSG_MOVED_MEANWHILE.format(name=name))
        review.state = to
        for key, value in fields.items():
            setattr(review, key, value)
        review.save(update_fields=["state", *fields])
        _history(review, actor, old, reason)
        if then is not None:
            then()
        shown = {k: (v.pk if hasattr(v, "pk") else v) for k, v in fields.items()}
        shown.pop("fingerprint", None)
        audit_record(
            actor=actor,
            action=event,
            obj=review,
            changes={"state": {"old": old, "new": to}, "reason": reason, **shown},
        )
    return review


def review_start(*, actor: User, nominee: Nominee, reason: str = "") -> Review:
    """Send a nominee into the review (村级预审 first): a nominee still 初步人选 is moved to
    资格审查中 by `nominee_send_to_review`."""
    entry = nominee.election.village
    _check_manage(actor, entry.region_id, nominee, levels=(COUNTY, TOWN, VILLAGE), what="资格审查")
    check_not_purged(entry.campaign)
    name = nominee.person.name
    if Review.objects.filter(nominee=nominee).exists():
        raise ValidationError(MSG_ALREADY.format(name=name))
    if nominee.stage not in (Stage.NOMINATED, Stage.UNDER_REVIEW):
        raise ValidationError(MSG_NOMINEE_STAGE.format(name=name, stage=Stage(nominee.stage).label))
    reason = reason.strip()
    with transaction.atomic():
        if nominee.stage == Stage.NOMINATED:
            # Once the review is set up, the nomination's hook enters the nominee (below).
            nomination.nominee_send_to_review(actor=actor, nominee=nominee, reason=reason)
        review = Review.objects.filter(nominee=nominee).first()
        if review is None:
            review = _enter(actor, nominee, reason)
    return review


def _enter(actor: User, nominee: Nominee, reason: str) -> Review:
    """The nominee's review, at 村级预审, with its history row and audit event (in the caller's
    transaction, after the caller's checks)."""
    entry = nominee.election.village
    review = Review.objects.create(
        campaign=entry.campaign,
        nominee=nominee,
        person=nominee.person,
        village_id=entry.region_id,
        state=ReviewState.PRE_REVIEW,
    )
    _history(review, actor, "", reason)
    audit_record(
        actor=actor,
        action="review.start",
        obj=review,
        changes={"nominee": nominee.pk, "person": nominee.person.id_masked, "reason": reason},
    )
    return review


def on_sent_to_review(actor: User, nominee: Nominee, reason: str) -> None:
    """Registered with `nomination.services.nominee_send_to_review` (ReviewConfig.ready): once
    the campaign's review is set up, a nominee sent to the review from any page, import or
    service enters it at 村级预审, in the same transaction."""
    entry = nominee.election.village
    if not is_set_up(entry.campaign) or Review.objects.filter(nominee=nominee).exists():
        return
    _check_manage(actor, entry.region_id, nominee, levels=(COUNTY, TOWN, VILLAGE), what="资格审查")
    _enter(actor, nominee, reason)


def review_pass(*, actor: User, review: Review, reason: str = "") -> Review:
    """The village's 预审 or the town's 初审 found nothing: on to the next level. After the
    初审, a person the county already cleared in this campaign, unchanged since, is not sent
    again: the clearance is reused (recorded as such) and the nominee qualified."""
    if review.state == ReviewState.PRE_REVIEW:
        return _move(
            actor=actor,
            review=review,
            to=ReviewState.TOWN_REVIEW,
            event="review.pre_pass",
            reason=reason,
        )
    if review.state == ReviewState.TOWN_REVIEW:
        earlier = reusable_clearance(review)
        if earlier is not None:
            batch = earlier.batch or (earlier.reused_from.batch if earlier.reused_from else None)
            text = MSG_REUSED.format(n=batch.number if batch else "?")
            nominee = review.nominee
            return _move(
                actor=actor,
                review=review,
                to=ReviewState.CLEARED,
                event="review.reuse",
                reason=text,
                fields={
                    "reused_from": earlier,
                    "fingerprint": earlier.fingerprint,
                    "conclusion": text,
                },
                then=lambda: _qualify(actor, nominee, text),
            )
        return _move(
            actor=actor,
            review=review,
            to=ReviewState.AWAITING_BATCH,
            event="review.town_pass",
            reason=reason,
        )
    return _move(actor=actor, review=review, to=ReviewState.AWAITING_BATCH, event="review.pass")


def _qualify(actor: User, nominee: Nominee, reason: str) -> None:
    nominee.refresh_from_db()
    nomination.nominee_qualify(actor=actor, nominee=nominee, reason=reason)


def review_reject(*, actor: User, review: Review, reason: str) -> Review:
    """The village's 预审 or the town's 初审 found the nominee should not stand: the review
    ends and the nominee is disqualified (不宜; a bar of the campaign is the county's to find)."""
    what = _WHAT.get(review.state, "资格审查")
    text = f"{what}未通过：{reason.strip()}"
    nominee = review.nominee

    def disqualify() -> None:
        nominee.refresh_from_db()
        nomination.nominee_disqualify(actor=actor, nominee=nominee, reason=text, cannot_stand=False)

    if not reason.strip():
        # The level and scope first, as every service: then the missing reason.
        rule = TRANSITIONS.get((review.state, ReviewState.DISQUALIFIED))
        levels = rule[0] if rule else (COUNTY, TOWN, VILLAGE)
        _check_manage(actor, review.village_id, review, levels=levels, what=what)
        raise ValidationError(MSG_REASON_REQUIRED)
    return _move(
        actor=actor,
        review=review,
        to=ReviewState.DISQUALIFIED,
        event="review.reject",
        reason=text,
        fields={"conclusion": text[:500]},
        then=disqualify,
    )


# ---------------------------------------------------------------------------------------------
# Batches.


def batch_create(*, actor: User, campaign: Campaign, reviews: Sequence[Review]) -> ReviewBatch:
    """A new batch (第N批) of people waiting for the county review."""
    _check_county(actor, campaign, campaign)
    if not reviews:
        raise ValidationError(MSG_NO_REVIEWS)
    problems = []
    for r in reviews:
        if r.campaign_id != campaign.pk:
            problems.append(MSG_OTHER_CAMPAIGN.format(name=r.person.name))
        elif r.state != ReviewState.AWAITING_BATCH:
            problems.append(MSG_NOT_AWAITING.format(name=r.person.name))
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).exists()
        last = ReviewBatch.objects.filter(campaign=campaign).aggregate(m=Max("number"))["m"]
        batch = ReviewBatch.objects.create(
            campaign=campaign, number=(last or 0) + 1, created_by=actor
        )
        for r in reviews:
            _move(
                actor=actor,
                review=r,
                to=ReviewState.BATCHED,
                event="review.batch_add",
                reason=f"编入第{batch.number}批",
                fields={"batch": batch},
                checked=True,
            )
        audit_record(
            actor=actor,
            action="review.batch_create",
            obj=batch,
            changes={"number": batch.number, "reviews": [r.pk for r in reviews]},
        )
    return batch


def batch_remove(*, actor: User, review: Review, reason: str = "") -> Review:
    """Take a person out of a batch not sent yet: back to 待县级联审 (the batch keeps its
    number, empty or not)."""
    batch = review.batch
    where = str(batch) if batch is not None else "批次"
    text = f"移出{where}" + (f"：{reason.strip()}" if reason.strip() else "")
    return _move(
        actor=actor,
        review=review,
        to=ReviewState.AWAITING_BATCH,
        event="review.batch_remove",
        reason=text,
        fields={"batch": None},
    )


def answering_departments(campaign: Campaign) -> list[ReviewDepartment]:
    """The active departments that check at least one active condition."""
    return list(
        ReviewDepartment.objects.filter(
            campaign=campaign, active=True, conditions__active=True
        ).distinct()
    )


def batch_send(*, actor: User, batch: ReviewBatch, sent_on: date) -> ReviewBatch:
    """Send a batch to the departments: each of its people goes into the queue of every active
    department that checks a condition."""
    _check_county(actor, batch.campaign, batch)
    if batch.sent_on is not None:
        raise ValidationError(MSG_BATCH_SENT.format(n=batch.number, day=batch.sent_on))
    reviews = list(batch.reviews.select_related("person", "campaign"))
    if not reviews:
        raise ValidationError(MSG_BATCH_EMPTY.format(n=batch.number))
    departments = answering_departments(batch.campaign)
    if not departments:
        raise ValidationError(MSG_NO_DEPARTMENTS)
    with transaction.atomic():
        batch.sent_on = sent_on
        batch.save(update_fields=["sent_on"])
        for r in reviews:
            _move(
                actor=actor,
                review=r,
                to=ReviewState.SENT,
                event="review.send",
                reason=f"第{batch.number}批送审",
                checked=True,
            )
            ReviewAssignment.objects.bulk_create(
                [ReviewAssignment(review=r, department=d) for d in departments]
            )
        audit_record(
            actor=actor,
            action="review.batch_send",
            obj=batch,
            changes={
                "sent_on": sent_on.isoformat(),
                "reviews": len(reviews),
                "departments": [d.department for d in departments],
            },
        )
    return batch


# ---------------------------------------------------------------------------------------------
# The departments' answers.


@dataclass(frozen=True)
class Answer:
    condition: DisqualifyingCondition
    found: bool
    note: str = ""
    attachment: UploadedFile | None = None


def department_conditions(department: ReviewDepartment) -> list[DisqualifyingCondition]:
    return list(department.conditions.filter(active=True).order_by("number"))


def check_answerer(actor: User, assignment: ReviewAssignment) -> None:
    """The actor is a reviewer of the assignment's department, in scope: else refused (audited)."""
    review = assignment.review
    if (
        not can(actor, Action.ANSWER_REVIEW)
        or not in_scope(actor, review.village_id)
        or department_of(actor) != assignment.department.department
    ):
        _refuse(actor, Action.ANSWER_REVIEW, assignment, MSG_NOT_SENT)


def review_reveal_id(*, actor: User, assignment: ReviewAssignment, reason: str) -> str:
    """The full ID number of a person in the reviewer's own department's queue, while the
    county review is open, with a typed reason (SECURITY.md P4): audited as every reveal
    (`person.reveal_id`, the reason kept, never the number) and counted in the same hourly cap
    as the rolls' reveal; a refusal over the cap is logged as a failure."""
    check_answerer(actor, assignment)
    review = assignment.review
    check_not_purged(review.campaign)
    person = review.person
    batch = review.batch
    if review.state != ReviewState.SENT or batch is None or batch.sent_on is None:
        _refuse(actor, Action.ANSWER_REVIEW, assignment, MSG_REVEAL_CLOSED.format(name=person.name))
    # A number typed in the reason is masked in the audit row (SECURITY.md P3, L3).
    reason = redact(reason.strip())
    if len(reason) < REVEAL_REASON_MIN:
        raise ValidationError(MSG_REVEAL_REASON)
    changes = {
        "reason": reason[:200],
        "review_assignment": assignment.pk,
        "department": assignment.department.department,
    }
    since = timezone.now() - timedelta(hours=1)
    with transaction.atomic():
        used = AuditEvent.objects.filter(
            action="person.reveal_id", user_id=actor.pk, outcome=Outcome.SUCCESS, at__gte=since
        ).count()
        refused = used >= REVEAL_LIMIT_PER_HOUR
        if not refused:
            audit_record(actor=actor, action="person.reveal_id", obj=person, changes=changes)
    if refused:
        message = MSG_REVEAL_LIMIT.format(limit=REVEAL_LIMIT_PER_HOUR)
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="person.reveal_id",
                obj=person,
                changes=changes,
                outcome=Outcome.FAILURE,
                message=message,
            )
        raise ValidationError(message)
    return decrypt_field(person.id_cipher, ID_PURPOSE)


def attachment_keys() -> dict[str, bytes]:
    """The keys sealing attachments: derived from the uploads' (HUANJIE_FIELD_KEYS)."""
    import hmac

    from huanjie.uploads.services import upload_keys

    return {
        v: hmac.digest(key, _ATTACHMENT_KEY_INFO, hashlib.sha256)
        for v, key in upload_keys().items()
    }


def attachments_dir() -> Path:
    path = Path(settings.VAR_DIR) / "review"
    path.mkdir(parents=True, exist_ok=True)
    return path


def attachment_context(path: Path) -> bytes:
    return b"huanjie review attachment " + path.name.encode("ascii", "replace")


def _check_attachment(upload: UploadedFile) -> list[str]:
    name = (upload.name or "").lower()
    if not name.endswith(ATTACHMENT_TYPES):
        return [MSG_ATTACHMENT_TYPE]
    if (upload.size or 0) > ATTACHMENT_MAX_BYTES:
        return [MSG_ATTACHMENT_SIZE.format(mb=ATTACHMENT_MAX_BYTES // 1024 // 1024)]
    return []


def _store_attachment(upload: UploadedFile) -> tuple[str, str]:
    """Seal an attachment under VAR_DIR/review (never in clear on disk, SECURITY.md D2);
    (path, SHA-256 of the plaintext)."""
    path = attachments_dir() / f"{uuid.uuid4().hex}.sealed"
    keys = attachment_keys()
    version = next(iter(keys))
    digest = hashlib.sha256()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with (
            os.fdopen(fd, "wb") as out,
            sealedfile.SealedWriter(
                out, key=keys[version], key_version=version, context=attachment_context(path)
            ) as writer,
        ):
            for chunk in upload.chunks():
                digest.update(chunk)
                writer.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return str(path), digest.hexdigest()


def read_attachment(finding: ReviewFinding) -> bytes:
    """The plaintext of a finding's attachment (authenticated before it is returned)."""
    import io

    path = Path(finding.attachment_path)
    out = io.BytesIO()
    with path.open("rb") as src:
        sealedfile.open_file(src, out, keys=attachment_keys(), context=attachment_context(path))
    return out.getvalue()


def review_answer(
    *, actor: User, assignment: ReviewAssignment, answers: Sequence[Answer]
) -> ReviewAssignment:
    """A department's answer for one person: for every active condition it checks, found or
    not (a finding needs a note), each with an optional attachment. May be given again until
    the county concludes."""
    check_answerer(actor, assignment)
    review = assignment.review
    check_not_purged(review.campaign)
    name = review.person.name
    if review.state != ReviewState.SENT:
        raise ValidationError(MSG_NOT_ANSWERING.format(name=name))
    if not assignment.department.active:
        raise ValidationError(MSG_DEPARTMENT_OFF)
    mine = {c.pk: c for c in department_conditions(assignment.department)}
    problems: list[str] = []
    given: dict[int, Answer] = {}
    for a in answers:
        if a.condition.pk not in mine:
            problems.append(MSG_ANSWER_CONDITION.format(text=a.condition.text))
            continue
        given[a.condition.pk] = a
        if a.found and not a.note.strip():
            problems.append(MSG_ANSWER_NOTE.format(text=a.condition.text))
        if a.attachment is not None:
            problems += _check_attachment(a.attachment)
    missing = [c.text for pk, c in mine.items() if pk not in given]
    if missing:
        problems.append(MSG_ANSWER_MISSING.format(texts="、".join(missing)))
    if problems:
        raise ValidationError(problems)
    stored: list[str] = []
    try:
        with transaction.atomic():
            for pk, a in given.items():
                fields: dict[str, Any] = {
                    "found": a.found,
                    "note": a.note.strip()[:500],
                    "answered_by": actor,
                }
                if a.attachment is not None:
                    path, sha = _store_attachment(a.attachment)
                    stored.append(path)
                    fields |= {
                        "attachment_name": (a.attachment.name or "附件")[-200:],
                        "attachment_path": path,
                        "attachment_sha256": sha,
                    }
                ReviewFinding.objects.update_or_create(
                    assignment=assignment, condition_id=pk, defaults=fields
                )
            assignment.answered_at = timezone.now()
            assignment.save(update_fields=["answered_at"])
            audit_record(
                actor=actor,
                action="review.answer",
                obj=assignment,
                changes={
                    "person": review.person.id_masked,
                    "department": assignment.department.department,
                    "found": [mine[pk].number for pk, a in given.items() if a.found],
                    "answered": [mine[pk].number for pk in given],
                },
            )
    except BaseException:
        for path in stored:
            Path(path).unlink(missing_ok=True)
        raise
    return assignment


def waiting_departments(review: Review) -> list[str]:
    """The names of the active departments still to answer (fully) for the review."""
    waiting = []
    assignments = review.assignments.select_related("department").filter(department__active=True)
    for a in assignments:
        needed = {c.pk for c in department_conditions(a.department)}
        answered = set(a.findings.values_list("condition_id", flat=True))
        if a.answered_at is None or needed - answered:
            waiting.append(a.department.name)
    return waiting


def active_findings(review: Review) -> list[ReviewFinding]:
    """The findings (found) of the active departments on active conditions."""
    return list(
        ReviewFinding.objects.filter(
            assignment__review=review,
            assignment__department__active=True,
            condition__active=True,
            found=True,
        ).select_related("condition", "assignment__department")
    )


# ---------------------------------------------------------------------------------------------
# The county's conclusion.


def review_conclude(*, actor: User, review: Review, reason: str = "") -> Review:
    """Conclude a person's county review once every department answered: all clear → the
    nominee qualifies (the person's record fingerprinted for reuse); a cannot-stand finding →
    disqualified and barred in the whole campaign, the person's other open nominations closed;
    a should-not-stand finding → disqualified without a bar."""
    found = active_findings(review)
    nominee = review.nominee
    if not found:
        text = reason.strip() or "联审各部门均无负面清单情形"
        fingerprint = person_fingerprint(review.person)
        return _move(
            actor=actor,
            review=review,
            to=ReviewState.CLEARED,
            event="review.clear",
            reason=text,
            fields={"fingerprint": fingerprint, "conclusion": text[:500]},
            then=lambda: _qualify(actor, nominee, text),
        )
    cannot = [f for f in found if f.condition.kind == ConditionKind.CANNOT_STAND]
    parts = [f"{f.assignment.department.name}：{f.condition.text}（{f.note}）" for f in found]
    text = "联审发现：" + "；".join(parts)
    if reason.strip():
        text = f"{text}；{reason.strip()}"
    facts: dict[str, bool] = {}
    for f in cannot:
        facts |= BAR_FACTS.get(f.condition.bar, {})

    def disqualify() -> None:
        nominee.refresh_from_db()
        nomination.nominee_disqualify(
            actor=actor,
            nominee=nominee,
            reason=text[:400],
            cannot_stand=bool(cannot),
            facts=CandidateFacts(**facts) if facts else None,
        )
        if cannot:
            _close_other_nominations(actor, review)

    return _move(
        actor=actor,
        review=review,
        to=ReviewState.DISQUALIFIED,
        event="review.disqualify",
        reason=text,
        fields={"conclusion": text[:500]},
        then=disqualify,
    )


def _close_other_nominations(actor: User, review: Review) -> None:
    """A cannot-stand finding keeps the person off every list of the campaign: each other open
    nomination of the person is disqualified (barred) or, past the review, withdrawn, through
    the nomination services, and its own review closed."""
    where = f"{review.village.name}第{review.batch.number if review.batch else '?'}批"
    text = MSG_BARRED_ELSEWHERE.format(where=where)
    others = (
        Nominee.objects.filter(
            person_id=review.person_id,
            election__village__campaign_id=review.campaign_id,
            stage__in=nomination.OPEN_STAGES,
        )
        .exclude(pk=review.nominee_id)
        .select_related("election__village__campaign", "person", "post")
    )
    for other in others:
        if other.stage == Stage.NOMINATED:
            nomination.nominee_send_to_review(actor=actor, nominee=other, reason=text)
        if other.stage == Stage.UNDER_REVIEW:
            nomination.nominee_disqualify(
                actor=actor, nominee=other, reason=text, cannot_stand=True
            )
        else:
            nomination.nominee_withdraw(actor=actor, nominee=other, reason=text[:200])
        own = Review.objects.filter(nominee=other, state__in=OPEN_STATES).first()
        if own is not None:
            _move(
                actor=actor,
                review=own,
                to=ReviewState.CLOSED,
                event="review.close",
                reason=text,
                fields={"conclusion": text},
                checked=True,
            )
