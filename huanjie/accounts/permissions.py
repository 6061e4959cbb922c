"""Who may do what, and on which data: the one place where huanjie decides access.

A user holds roles (RoleGrant) and belongs to a region. Business data is visible to a user only
when its region code starts with the user's region code (SECURITY.md C3); everything else answers
404, the same as a missing object, so the IDs of other towns cannot be probed.

    >>> in_scope_code("630121", "630121100201")
    True
    >>> in_scope_code("630121100", "630121101201")
    False
    >>> in_scope_code(None, "630121100201")
    False
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse

from huanjie.accounts.models import ADMIN_ROLES, Role

if TYPE_CHECKING:
    from huanjie.accounts.models import User


class Action(enum.StrEnum):
    VIEW_REGIONS = "view_regions"
    CORRECT_REGION_KIND = "correct_region_kind"
    VIEW_CAMPAIGNS = "view_campaigns"
    MANAGE_CAMPAIGNS = "manage_campaigns"
    VIEW_PEOPLE = "view_people"
    SET_ELECTION_DATE = "set_election_date"
    MANAGE_VOTERS = "manage_voters"  # register, import, publish, objections, proxies
    REVEAL_ID = "reveal_id"  # see a full ID number, with a typed reason, logged
    RESOLVE_DUPLICATES = "resolve_duplicates"
    MANAGE_PARTY = "manage_party"
    MANAGE_ELECTIONS = "manage_elections"  # a village's elections: nomination method, seats
    MANAGE_NOMINATION = "manage_nomination"  # nominees and their stages
    MANAGE_COMMITTEES = "manage_committees"  # a village's election committee, its withdrawals
    MANAGE_REVIEW = "manage_review"  # the joint review: departments, conditions, batches, levels
    ANSWER_REVIEW = "answer_review"  # a review department answers for the people sent to it
    MANAGE_RULE_PROFILES = "manage_rule_profiles"  # a county's own election-rule profile
    MANAGE_POLLS = "manage_polls"  # election day: polls, boxes, staff, ballots, check-in
    ENTER_COUNT = "enter_count"  # a counter keys a count sheet or the ballots as read out
    COORDINATE_COUNT = "coordinate_count"  # settle differing entries, undo a check-in, close
    CERTIFY_RESULTS = "certify_results"  # certify a result, compare the signed sheets, incidents
    CORRECT_RESULTS = "correct_results"  # corrections and recounts (approval: the county)
    MANAGE_ROSTER = "manage_roster"  # the roster: import, details, kin, recall, by-election,
    # reserve cadres, the care of departing cadres
    VIEW_ROSTER_REPORT = "view_roster_report"  # the statistics report and the structure checks
    VIEW_PROGRESS = "view_progress"  # the schedule, the progress board, the ledgers (read)
    MANAGE_SCHEDULE = "manage_schedule"  # mark a village's stage done, with its day
    MANAGE_LEDGERS = "manage_ledgers"  # the ledgers: assessment, rectification, audits, ...
    RECORD_INSPECTIONS = "record_inspections"  # an inspection group's visits and problems
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"
    EXPORT_AUDIT = "export_audit"
    VIEW_SYSTEM = "view_system"


# What an action is called on the audit page (an access.denied row names the one refused).
ACTION_LABELS: dict[Action, str] = {
    Action.VIEW_REGIONS: "查看行政区划",
    Action.CORRECT_REGION_KIND: "更正村(社区)类别",
    Action.VIEW_CAMPAIGNS: "查看换届",
    Action.MANAGE_CAMPAIGNS: "管理换届",
    Action.VIEW_PEOPLE: "查看人员信息",
    Action.SET_ELECTION_DATE: "确定选举日",
    Action.MANAGE_VOTERS: "选民登记",
    Action.REVEAL_ID: "查看完整身份证号",
    Action.RESOLVE_DUPLICATES: "处理重复登记",
    Action.MANAGE_PARTY: "管理党组织与党员",
    Action.MANAGE_ELECTIONS: "设置选举与职数",
    Action.MANAGE_NOMINATION: "提名与候选人",
    Action.MANAGE_COMMITTEES: "管理村民选举委员会",
    Action.MANAGE_REVIEW: "管理资格审查",
    Action.ANSWER_REVIEW: "联审部门答复",
    Action.MANAGE_RULE_PROFILES: "设置选举规则",
    Action.MANAGE_POLLS: "投票筹备与领票登记",
    Action.ENTER_COUNT: "录入计票结果",
    Action.COORDINATE_COUNT: "核对计票与结束投票",
    Action.CERTIFY_RESULTS: "确认选举结果",
    Action.CORRECT_RESULTS: "更正选举结果与重新计票",
    Action.MANAGE_ROSTER: "管理干部名册（导入、罢免、补选、后备干部、离任关爱）",
    Action.VIEW_ROSTER_REPORT: "查看班子结构统计",
    Action.VIEW_PROGRESS: "查看工作进度与台账",
    Action.MANAGE_SCHEDULE: "登记工作日程完成情况",
    Action.MANAGE_LEDGERS: "管理工作台账",
    Action.RECORD_INSPECTIONS: "记录督导情况",
    Action.MANAGE_USERS: "管理用户",
    Action.VIEW_AUDIT: "查看审计日志",
    Action.EXPORT_AUDIT: "导出审计日志",
    Action.VIEW_SYSTEM: "查看系统状态",
}

_BUSINESS_READ = frozenset({Action.VIEW_REGIONS, Action.VIEW_CAMPAIGNS})

# The role x action matrix (SECURITY.md C1: the three administrators see no business data and
# the audit administrator alone reads the audit log; nobody edits it).
ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.COUNTY_OFFICER: _BUSINESS_READ
    | {
        Action.CORRECT_REGION_KIND,
        Action.MANAGE_CAMPAIGNS,
        Action.VIEW_PEOPLE,
        Action.SET_ELECTION_DATE,
        Action.MANAGE_VOTERS,
        Action.REVEAL_ID,
        Action.RESOLVE_DUPLICATES,
        Action.MANAGE_PARTY,
        Action.MANAGE_ELECTIONS,
        Action.MANAGE_NOMINATION,
        Action.MANAGE_COMMITTEES,
        Action.MANAGE_REVIEW,
        Action.MANAGE_RULE_PROFILES,
        Action.MANAGE_POLLS,
        Action.ENTER_COUNT,
        Action.COORDINATE_COUNT,
        Action.CERTIFY_RESULTS,
        Action.CORRECT_RESULTS,
        Action.MANAGE_ROSTER,
        Action.VIEW_ROSTER_REPORT,
        Action.VIEW_PROGRESS,
        Action.MANAGE_SCHEDULE,
        Action.MANAGE_LEDGERS,
        Action.RECORD_INSPECTIONS,
    },
    Role.TOWN_OFFICER: _BUSINESS_READ
    | {
        Action.VIEW_PEOPLE,
        Action.SET_ELECTION_DATE,
        Action.MANAGE_VOTERS,
        Action.MANAGE_PARTY,
        Action.MANAGE_ELECTIONS,
        Action.MANAGE_NOMINATION,
        Action.MANAGE_COMMITTEES,
        Action.MANAGE_REVIEW,
        Action.MANAGE_POLLS,
        Action.ENTER_COUNT,
        Action.COORDINATE_COUNT,
        Action.CERTIFY_RESULTS,
        Action.CORRECT_RESULTS,
        Action.MANAGE_ROSTER,
        Action.VIEW_ROSTER_REPORT,
        Action.VIEW_PROGRESS,
        Action.MANAGE_SCHEDULE,
        Action.MANAGE_LEDGERS,
    },
    # The village election committee takes the nominations of the committees it runs
    # (村民委员会组织法(2025) 第十五条); the Party's nominees are the town Party committee's, which
    # the nomination services check beyond this table.
    Role.VILLAGE_CLERK: _BUSINESS_READ
    | {
        Action.VIEW_PEOPLE,
        Action.MANAGE_VOTERS,
        Action.MANAGE_NOMINATION,
        Action.MANAGE_COMMITTEES,
        Action.MANAGE_REVIEW,  # 村级预审
        # The village election committee runs the vote and the count (村民委员会组织法(2025)
        # 第十五条); the town's guidance group settles differing entries and closes the poll.
        Action.MANAGE_POLLS,
        Action.ENTER_COUNT,
        # Its own village's schedule: the committee records the stages it has done.
        Action.VIEW_PROGRESS,
        Action.MANAGE_SCHEDULE,
    },
    # A review department sees only the people sent to it, in its queue (huanjie.review), and
    # no campaign, roll or nominee page.
    Role.REVIEWER: frozenset({Action.VIEW_REGIONS, Action.ANSWER_REVIEW}),
    # 督导组: reads the campaign's progress and ledgers, and records its own visits and the
    # problems found (PRODUCT.md "records visits and problems found").
    Role.INSPECTOR: _BUSINESS_READ
    | {Action.VIEW_ROSTER_REPORT, Action.VIEW_PROGRESS, Action.RECORD_INSPECTIONS},
    Role.SYSTEM_ADMIN: frozenset({Action.VIEW_SYSTEM}),
    Role.SECURITY_ADMIN: frozenset({Action.MANAGE_USERS}),
    Role.AUDIT_ADMIN: frozenset({Action.VIEW_AUDIT, Action.EXPORT_AUDIT}),
}


class RoleConflict(ValueError):
    """A set of roles the law on 三员分立 forbids on one account."""


ROLE_CONFLICT_TWO_ADMINS = "三员分立：系统管理员、安全管理员、审计管理员不得由同一账号兼任"
ROLE_CONFLICT_ADMIN_AND_BUSINESS = "三员分立：管理员账号不得同时持有业务角色"
ROLE_UNKNOWN = "未知角色：{role}"


def check_role_set(roles: Iterable[str]) -> None:
    """Raise RoleConflict unless the roles may sit on one account.

    >>> check_role_set(["county_officer", "inspector"])
    >>> check_role_set(["system_admin", "audit_admin"])
    Traceback (most recent call last):
    ...
    huanjie.accounts.permissions.RoleConflict: 三员分立：系统管理员、安全管理员、审计管理员不得由同一账号兼任
    """
    role_set = set(roles)
    for role in role_set:
        if role not in Role.values:
            raise RoleConflict(ROLE_UNKNOWN.format(role=role))
    admins = role_set & ADMIN_ROLES
    if len(admins) > 1:
        raise RoleConflict(ROLE_CONFLICT_TWO_ADMINS)
    if admins and role_set - admins:
        raise RoleConflict(ROLE_CONFLICT_ADMIN_AND_BUSINESS)


def roles_of(user: User) -> frozenset[str]:
    cached: frozenset[str] | None = getattr(user, "_huanjie_roles", None)
    if cached is None:
        cached = (
            frozenset(user.role_grants.values_list("role", flat=True)) if user.pk else frozenset()
        )
        user._huanjie_roles = cached  # type: ignore[attr-defined]
    return cached


def can(user: Any, action: Action) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return any(action in ROLE_ACTIONS.get(role, frozenset()) for role in roles_of(user))


def is_admin_account(user: User) -> bool:
    return bool(roles_of(user) & ADMIN_ROLES)


def scope_code(user: Any) -> str | None:
    """The region code prefix of the user's data, or None for no business data at all."""
    if user is None or not user.is_authenticated or not user.is_active or not user.region_id:
        return None
    return str(user.region_id)


def in_scope_code(prefix: str | None, code: str) -> bool:
    return prefix is not None and code.startswith(prefix)


def in_scope(user: Any, code: str) -> bool:
    return in_scope_code(scope_code(user), code)


def scope_q(user: Any, field: str = "region__code") -> Q:
    """A filter keeping the rows whose region code (at `field`) lies in the user's scope."""
    prefix = scope_code(user)
    if prefix is None:
        return Q(pk__in=[])
    return Q(**{f"{field}__startswith": prefix})


M = TypeVar("M", bound=Model)


def scoped(
    user: Any, queryset: QuerySet[M], action: Action, field: str = "region__code"
) -> QuerySet[M]:
    """The rows of `queryset` the user may see for `action`: none without the action."""
    if not can(user, action):
        return queryset.none()
    return queryset.filter(scope_q(user, field))


def get_scoped_or_404(
    user: Any, queryset: QuerySet[M], action: Action, field: str = "region__code", **lookup: Any
) -> M:
    """One object in the user's scope, or the same 404 as for an object that does not exist.
    An object that exists but is not the user's is a refused access and is audited (SECURITY.md
    L1); a lookup of nothing at all is not (a mistyped URL is no event)."""
    try:
        return scoped(user, queryset, action, field).get(**lookup)
    except (ObjectDoesNotExist, ValueError) as exc:
        raise not_found(user, action, queryset, **lookup) from exc


def not_found(user: Any, action: Action, queryset: QuerySet[Any], **lookup: Any) -> Http404:
    """The 404 of a lookup that found nothing the user may see, to raise; audited as a refused
    access when `queryset` holds such an object (SECURITY.md L1), not when nothing is there."""
    if _exists(queryset, lookup):
        audit_denied(user, action, object_type=queryset.model._meta.label_lower, lookup=lookup)
    return Http404("未找到")


def _exists(queryset: QuerySet[Any], lookup: dict[str, Any]) -> bool:
    try:
        return queryset.filter(**lookup).exists()
    except (ValueError, TypeError):
        return False  # a malformed lookup (a word where an ID goes) names nothing


def require(user: Any, action: Action) -> None:
    """404 for a user without the action: a page they may not use does not exist for them.
    Audited as a refused access (SECURITY.md L1)."""
    if not can(user, action):
        audit_denied(user, action)
        raise Http404("未找到")


def audit_denied(
    user: Any,
    action: Action,
    *,
    obj: Model | None = None,
    object_type: str = "",
    lookup: dict[str, Any] | None = None,
) -> None:
    """Write the access.denied event of a refusal: by `require`, `get_scoped_or_404`, or a
    service refusing for want of the action or of scope (SECURITY.md C1/C3, L1). The caller
    raises its own refusal after it; the event outlives that refusal's rollback."""
    from huanjie.audit.services import audit_denied as record

    object_id = ""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = str(obj.pk)
    record(
        actor=user, permission=action, object_type=object_type, object_id=object_id, lookup=lookup
    )


@dataclass(frozen=True)
class MenuItem:
    area: str
    label: str
    url: str


def menu_for(user: User) -> list[tuple[str, list[MenuItem]]]:
    """The left menu, by area, holding only what the user may open."""
    entries: list[tuple[str, str, str, Action]] = [
        ("工作台", "首页", "home", Action.VIEW_REGIONS),
        ("换届工作", "换届列表", "elections:campaign_list", Action.VIEW_CAMPAIGNS),
        ("换届工作", "新建换届", "elections:campaign_create", Action.MANAGE_CAMPAIGNS),
        ("换届工作", "县级选举规则", "elections:rule_profile_list", Action.MANAGE_RULE_PROFILES),
        ("换届工作", "党组织与党员", "party:index", Action.VIEW_CAMPAIGNS),
        ("换届工作", "村民选举委员会", "committees:index", Action.VIEW_CAMPAIGNS),
        ("换届工作", "资格联审", "review:index", Action.MANAGE_REVIEW),
        ("联审工作", "联审任务", "review:queue", Action.ANSWER_REVIEW),
        ("换届工作", "提名与候选人", "nomination:index", Action.VIEW_CAMPAIGNS),
        ("换届工作", "投票与计票", "polls:index", Action.VIEW_CAMPAIGNS),
        ("换届工作", "选举结果", "results:index", Action.VIEW_CAMPAIGNS),
        ("换届工作", "干部名册", "rosters:index", Action.VIEW_ROSTER_REPORT),
        ("换届工作", "换届进度", "progress:board", Action.VIEW_PROGRESS),
        ("换届工作", "工作台账", "ledgers:index", Action.VIEW_PROGRESS),
        ("换届工作", "督导、信访与培训", "oversight:index", Action.VIEW_PROGRESS),
        ("基础数据", "行政区划", "regions:home", Action.VIEW_REGIONS),
        ("系统管理", "用户与角色", "accounts:user_list", Action.MANAGE_USERS),
        ("系统管理", "系统状态", "accounts:system_status", Action.VIEW_SYSTEM),
        ("安全审计", "审计日志", "audit:event_list", Action.VIEW_AUDIT),
    ]
    areas: dict[str, list[MenuItem]] = {}
    for area, label, name, action in entries:
        if can(user, action):
            areas.setdefault(area, []).append(MenuItem(area, label, reverse(name)))
    # The 变动名单 is a county's or a town's work (6- and 9-digit region codes).
    if can(user, Action.MANAGE_VOTERS) and len(user.region_id or "") in (6, 9):
        areas.setdefault("基础数据", []).append(
            MenuItem("基础数据", "人员变动名单", reverse("voters:changes_home"))
        )
    return list(areas.items())


def current_user(request: HttpRequest) -> User:
    """The signed-in user of a request. Every page but the login page needs a login
    (LoginRequiredMiddleware), so views may rely on it; the API uses django-ninja's auth."""
    from huanjie.accounts.models import User

    user = request.user
    if not isinstance(user, User):
        raise Http404("未找到")
    return user
