"""Inspections (督导): the county's groups, their visits and the problems found.

The county sets up the groups (MANAGE_CAMPAIGNS): a leader, the member accounts (督导组 users
of the county) and the towns each covers (seed 000: "成立4个县级督导组，由县级领导带队"). A
member records visits and problems (RECORD_INSPECTIONS) only in the towns of his group
(PRODUCT.md: the inspection group is "read-only over assigned towns; records visits and problems
found"); the county records for any group. A problem is followed up and closed (整改销号) by
the town that owns it or the county (MANAGE_LEDGERS); the group reopens one it finds not
rectified on its return (回头看). Each transition writes an InspectionProblemEvent."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from huanjie.accounts.models import Role
from huanjie.accounts.permissions import Action, can, in_scope, roles_of
from huanjie.audit.services import audit_record
from huanjie.elections.services import check_not_purged
from huanjie.oversight.models import (
    InspectionGroup,
    InspectionProblem,
    InspectionProblemEvent,
    InspectionVisit,
    ProblemStatus,
)
from huanjie.oversight.services.common import (
    TEXT_MAX,
    changed,
    check,
    day,
    iso,
    refuse,
    region_of,
    text,
)
from huanjie.regions.models import Region

if TYPE_CHECKING:
    from huanjie.accounts.models import User
    from huanjie.elections.models import Campaign

MSG_NO_GROUPS: Final = "无权设置督导组"
MSG_NOT_MEMBER: Final = "无权登记该地的督导情况：只能在本人所在督导组联系的乡镇(街道)登记"
MSG_NOT_COVERED: Final = "督导地点：“{name}”不在“{group}”联系的乡镇(街道)内"
MSG_NO_FOLLOW: Final = "无权办理该问题的整改"
MSG_NAME_TAKEN: Final = "督导组名称：本次换届已有“{name}”"
MSG_NO_TOWNS: Final = "联系乡镇(街道)：请至少选择一个"
MSG_NOT_INSPECTOR: Final = "督导组成员：“{name}”不是本县的督导组账号"
MSG_OWNER: Final = "责任单位：须为督导地点所在乡镇(街道)或其所属村(社区)"
MSG_STATUS: Final = "该问题当前为“{status}”，不能{what}"
MSG_NO_GROUP: Final = "督导组：本次换届没有“{name}”"
MSG_NO_VISIT: Final = "督导记录编号：本次换届没有“{number}”"
MSG_VISIT_FIXED: Final = "督导记录编号：问题所属的督导记录不能修改；请新增一行"
VISIT_PREFIX: Final = "DD"

GROUP_NAME_MAX: Final = 60
TOWN: Final = (9,)
PLACE: Final = (9, 12)


# ---------------------------------------------------------------------------------------------
# Groups.


def _group_fields(
    campaign: Campaign,
    name: str,
    leader: str,
    members: Sequence[User],
    towns: Sequence[Region],
    group: InspectionGroup | None = None,
) -> tuple[str, str]:
    name = text(name, "督导组名称", GROUP_NAME_MAX)
    leader = text(leader, "带队领导", GROUP_NAME_MAX)
    taken = InspectionGroup.objects.filter(campaign=campaign, name=name)
    if group is not None:
        taken = taken.exclude(pk=group.pk)
    if taken.exists():
        raise ValidationError(MSG_NAME_TAKEN.format(name=name))
    if not towns:
        raise ValidationError(MSG_NO_TOWNS)
    for town in towns:
        region_of(campaign, town, "联系乡镇(街道)", TOWN)
    for member in members:
        if Role.INSPECTOR not in roles_of(member) or not (member.region_id or "").startswith(
            campaign.region_id
        ):
            raise ValidationError(MSG_NOT_INSPECTOR.format(name=member.full_name))
    return name, leader


def group_create(
    *,
    actor: User,
    campaign: Campaign,
    name: str,
    leader: str,
    members: Sequence[User],
    towns: Sequence[Region],
) -> InspectionGroup:
    """A county inspection group of `campaign` with its members and towns."""
    check(actor, Action.MANAGE_CAMPAIGNS, campaign.region_id, campaign, MSG_NO_GROUPS)
    name, leader = _group_fields(campaign, name, leader, members, towns)
    with transaction.atomic():
        group = InspectionGroup.objects.create(
            campaign=campaign,
            region_id=campaign.region_id,
            name=name,
            leader=leader,
            created_by=actor,
        )
        group.members.set(members)
        group.towns.set(towns)
        audit_record(
            actor=actor,
            action="oversight.group_create",
            obj=group,
            changes={
                "name": name,
                "leader": leader,
                "members": sorted(m.username for m in members),
                "towns": sorted(t.code for t in towns),
            },
        )
    return group


def group_update(
    *,
    actor: User,
    group: InspectionGroup,
    name: str,
    leader: str,
    members: Sequence[User],
    towns: Sequence[Region],
) -> InspectionGroup:
    """Rename a group, change its leader, members or towns (its visits stay as recorded)."""
    check(actor, Action.MANAGE_CAMPAIGNS, group.region_id, group, MSG_NO_GROUPS)
    name, leader = _group_fields(group.campaign, name, leader, members, towns, group)
    with transaction.atomic():
        diff = changed(group, {"name": name, "leader": leader})
        old_members = sorted(group.members.values_list("username", flat=True))
        old_towns = sorted(group.towns.values_list("code", flat=True))
        new_members = sorted(m.username for m in members)
        new_towns = sorted(t.code for t in towns)
        if old_members != new_members:
            diff["members"] = {"old": old_members, "new": new_members}
        if old_towns != new_towns:
            diff["towns"] = {"old": old_towns, "new": new_towns}
        group.save(update_fields=["name", "leader"])
        group.members.set(members)
        group.towns.set(towns)
        audit_record(actor=actor, action="oversight.group_update", obj=group, changes=diff)
    return group


# ---------------------------------------------------------------------------------------------
# Who may record for a group where.


def member_town_codes(user: User, campaign: Campaign) -> set[str]:
    """The towns of the groups of `campaign` the user is a member of."""
    return set(
        InspectionGroup.towns.through.objects.filter(
            inspectiongroup__campaign=campaign, inspectiongroup__members=user
        ).values_list("region_id", flat=True)
    )


def may_record(user: User, group: InspectionGroup, code: str) -> bool:
    """Whether the user may record the group's visits and problems at the region `code`: the
    county (who sets the groups up) for any group, a member of the group in its towns."""
    if not can(user, Action.RECORD_INSPECTIONS) or not in_scope(user, code):
        return False
    if not in_scope(user, group.region_id):
        return False
    if can(user, Action.MANAGE_CAMPAIGNS):
        return True
    return group.members.filter(pk=user.pk).exists() and group.towns.filter(code=code[:9]).exists()


def _check_recorder(actor: User, group: InspectionGroup, place: Region, obj: Model | None) -> None:
    """The actor may record for `group` at `place` (may_record), else refused and logged; the
    place lies in one of the group's towns."""
    if not may_record(actor, group, place.code):
        refuse(actor, Action.RECORD_INSPECTIONS, obj or group, MSG_NOT_MEMBER)
    check_not_purged(group.campaign)  # SECURITY.md P7: a purged campaign is read-only
    if not group.towns.filter(code=place.code[:9]).exists():
        raise ValidationError(MSG_NOT_COVERED.format(name=place.display_name, group=group.name))


# ---------------------------------------------------------------------------------------------
# Visits: the ledger's save service (ledgers.framework's contract: `values` by column key).


def group_named(campaign: Campaign, name: object) -> InspectionGroup:
    """The group of `campaign` called `name` (as a file or a form names it)."""
    found = InspectionGroup.objects.filter(campaign=campaign, name=str(name or "").strip()).first()
    if found is None:
        raise ValidationError(MSG_NO_GROUP.format(name=str(name or "").strip()))
    return found


def visit_numbered(campaign: Campaign, number: object) -> InspectionVisit:
    """The visit of `campaign` whose 编号 is `number` (DD000012)."""
    text_ = str(number or "").strip().upper().removeprefix(VISIT_PREFIX)
    found = (
        InspectionVisit.objects.filter(campaign=campaign, pk=int(text_))
        .select_related("group", "region", "campaign")
        .first()
        if text_.isdigit()
        else None
    )
    if found is None:
        raise ValidationError(MSG_NO_VISIT.format(number=str(number or "").strip()))
    return found


def _may_write(actor: User, code: str, obj: Model | None) -> None:
    if not can(actor, Action.RECORD_INSPECTIONS) or not in_scope(actor, code):
        refuse(actor, Action.RECORD_INSPECTIONS, obj, MSG_NOT_MEMBER)


def visit_save(
    *,
    actor: User,
    campaign: Campaign,
    region: Region,
    item: InspectionVisit | None,
    values: Mapping[str, Any],
) -> InspectionVisit:
    """Record a visit (`item` None) or correct one: the group (`values["group"]`, its name), the
    town or village `region` visited (in the group's towns), the day, what was checked."""
    _may_write(actor, region.code, item)
    if item is not None:
        _check_recorder(actor, item.group, item.region, item)
    group = group_named(campaign, values.get("group"))
    _check_recorder(actor, group, region, item)
    fields: dict[str, Any] = {
        "group": group,
        "region": region_of(campaign, region, "督导地点", PLACE),
        "visited_on": day(
            values.get("visited_on"),
            "督导日期",
            not_before=campaign.window_start,
            other="换届开始日期",
        ),
        "checked": text(values.get("checked"), "督导内容", TEXT_MAX),
        "summary": text(values.get("summary"), "督导情况", TEXT_MAX, required=False),
    }
    with transaction.atomic():
        if item is None:
            visit = InspectionVisit.objects.create(campaign=campaign, recorded_by=actor, **fields)
            changes = iso({**fields, "group": group.name})
            audit_record(actor=actor, action="oversight.visit_record", obj=visit, changes=changes)
            return visit
        diff = changed(item, fields)
        if diff:
            if "group" in diff:
                diff["group"] = {"old": item.group.name, "new": group.name}
            item.save(update_fields=list(diff))
            audit_record(actor=actor, action="oversight.visit_update", obj=item, changes=diff)
    return item


# ---------------------------------------------------------------------------------------------
# Problems: open → rectifying → closed, reopened by the group on its return.


def _event(
    problem: InspectionProblem, actor: User, event: str, old: str, on: date, note: str
) -> None:
    InspectionProblemEvent.objects.create(
        problem=problem,
        event=event,
        old_status=old,
        new_status=problem.status,
        on=on,
        note=note,
        actor=actor,
    )


def problem_save(
    *,
    actor: User,
    campaign: Campaign,
    region: Region,
    item: InspectionProblem | None,
    values: Mapping[str, Any],
) -> InspectionProblem:
    """Record a problem found on the visit `values["visit"]` (its 编号), owned by the town or
    village `region` in the visited town; or correct one not yet closed."""
    _may_write(actor, region.code, item)
    if item is not None:
        _check_recorder(actor, item.visit.group, item.region, item)
    visit = visit_numbered(campaign, values.get("visit"))
    _check_recorder(actor, visit.group, region, item or visit)
    if item is not None and item.visit_id != visit.pk:
        raise ValidationError(MSG_VISIT_FIXED)
    if item is not None and item.status == ProblemStatus.CLOSED:
        raise ValidationError(MSG_STATUS.format(status=item.get_status_display(), what="修改"))
    region_of(campaign, region, "责任单位", PLACE)
    if not region.code.startswith(visit.region_id[:9]):
        raise ValidationError(MSG_OWNER)
    due_on = values.get("due_on")
    if due_on is not None:
        day(due_on, "整改时限", past=False, not_before=visit.visited_on, other="督导日期")
    fields: dict[str, Any] = {
        "region": region,
        "description": text(values.get("description"), "发现问题", TEXT_MAX),
        "requirement": text(values.get("requirement"), "整改要求", TEXT_MAX, required=False),
        "due_on": due_on,
    }
    with transaction.atomic():
        if item is None:
            problem = InspectionProblem.objects.create(
                campaign=campaign, visit=visit, recorded_by=actor, **fields
            )
            _event(problem, actor, "recorded", "", visit.visited_on, "")
            audit_record(
                actor=actor,
                action="oversight.problem_record",
                obj=problem,
                changes={"visit": visit.number, **iso(fields)},
            )
            return problem
        diff = changed(item, fields)
        if diff:
            item.save(update_fields=list(diff))
            audit_record(actor=actor, action="oversight.problem_update", obj=item, changes=diff)
    return item


def _locked(problem: InspectionProblem) -> InspectionProblem:
    return InspectionProblem.objects.select_for_update().select_related("visit").get(pk=problem.pk)


def _check_owner(actor: User, problem: InspectionProblem) -> None:
    check(actor, Action.MANAGE_LEDGERS, problem.region_id, problem, MSG_NO_FOLLOW)


def problem_follow_up(
    *, actor: User, item: InspectionProblem, measures: str, on: date | None = None
) -> InspectionProblem:
    """The owner's measures (整改措施): open → rectifying (or new measures while rectifying),
    on the day `on` (today when not given: the ledger's pages and files give none)."""
    _check_owner(actor, item)
    measures = text(measures, "整改措施", TEXT_MAX)
    on = day(on or timezone.localdate(), "日期", not_before=item.visit.visited_on, other="督导日期")
    with transaction.atomic():
        problem = _locked(item)
        if problem.status == ProblemStatus.CLOSED:
            raise ValidationError(
                MSG_STATUS.format(status=problem.get_status_display(), what="登记整改措施")
            )
        old = problem.status
        problem.status, problem.measures = ProblemStatus.RECTIFYING, measures
        problem.save(update_fields=["status", "measures"])
        _event(problem, actor, "follow_up", old, on, measures)
        audit_record(
            actor=actor,
            action="oversight.problem_follow_up",
            obj=problem,
            changes={"status": {"old": old, "new": problem.status}, "measures": measures},
        )
    return problem


def problem_close(
    *, actor: User, item: InspectionProblem, closed_on: date, close_note: str
) -> InspectionProblem:
    """Rectified and closed (整改销号) on `closed_on`, with what was done."""
    _check_owner(actor, item)
    close_note = text(close_note, "整改情况", TEXT_MAX)
    closed_on = day(closed_on, "销号日期", not_before=item.visit.visited_on, other="督导日期")
    with transaction.atomic():
        problem = _locked(item)
        if problem.status == ProblemStatus.CLOSED:
            raise ValidationError(
                MSG_STATUS.format(status=problem.get_status_display(), what="销号")
            )
        old = problem.status
        problem.status, problem.closed_on, problem.close_note = (
            ProblemStatus.CLOSED,
            closed_on,
            close_note,
        )
        problem.save(update_fields=["status", "closed_on", "close_note"])
        _event(problem, actor, "closed", old, closed_on, close_note)
        audit_record(
            actor=actor,
            action="oversight.problem_close",
            obj=problem,
            changes={
                "status": {"old": old, "new": problem.status},
                "closed_on": closed_on.isoformat(),
                "close_note": close_note,
            },
        )
    return problem


def problem_reopen(*, actor: User, item: InspectionProblem, review_note: str) -> InspectionProblem:
    """The group finds a closed problem not rectified on its return (回头看): closed →
    rectifying, with its finding (复查意见)."""
    _may_write(actor, item.region_id, item)
    _check_recorder(actor, item.visit.group, item.region, item)
    review_note = text(review_note, "复查意见", TEXT_MAX)
    with transaction.atomic():
        problem = _locked(item)
        if problem.status != ProblemStatus.CLOSED:
            raise ValidationError(
                MSG_STATUS.format(status=problem.get_status_display(), what="重新整改")
            )
        old, old_day = problem.status, problem.closed_on
        problem.status, problem.closed_on, problem.review_note = (
            ProblemStatus.RECTIFYING,
            None,
            review_note,
        )
        problem.save(update_fields=["status", "closed_on", "review_note"])
        _event(problem, actor, "reopened", old, timezone.localdate(), review_note)
        audit_record(
            actor=actor,
            action="oversight.problem_reopen",
            obj=problem,
            changes={
                "status": {"old": old, "new": problem.status},
                "closed_on": {"old": old_day.isoformat() if old_day else None, "new": None},
                "review_note": review_note,
            },
        )
    return problem
