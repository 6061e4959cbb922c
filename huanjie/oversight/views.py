"""The oversight pages: the campaign's oversight ledgers at a glance, the county's inspection
groups, the inspector's visit with its problems, and the county's work in numbers.

The ledgers' lists, exports, imports, item pages and transitions are huanjie.ledgers.framework's
(the kinds are declared in oversight.ledgers); these pages add what a ledger list cannot: setting
up the groups, and recording a visit with the problems found on it, as the inspector works.
Every page reads in the user's scope (VIEW_PROGRESS; another region's object answers 404) and
every write is a service whose refusal shows as its message."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from huanjie.accounts.models import Role, User
from huanjie.accounts.permissions import (
    Action,
    can,
    current_user,
    get_scoped_or_404,
    in_scope,
    require,
    scope_code,
)
from huanjie.elections.models import Campaign
from huanjie.elections.selectors import access_campaign, campaigns_visible_to
from huanjie.lib.xlsx import xlsx_response
from huanjie.oversight import forms as f
from huanjie.oversight import selectors as s
from huanjie.oversight.ledgers import KIND_KEYS
from huanjie.oversight.models import InspectionGroup, InspectionVisit, ProblemStatus
from huanjie.oversight.numbers import numbers_xlsx, total_row, town_table, work_in_numbers
from huanjie.oversight.services.inspections import (
    group_create,
    group_update,
    may_record,
    problem_save,
    visit_save,
)
from huanjie.regions.models import Region

MSG_GROUP_SAVED = "已保存督导组“{name}”"
MSG_VISIT_SAVED = "已登记督导记录 {number}"
MSG_PROBLEM_SAVED = "已登记发现问题 {number}，责任单位：{owner}"
MSG_NO_GROUP = "您尚未加入本次换届的督导组，请联系县委组织部设置督导组"


def _refusal(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def _form_errors(form: Any) -> str:
    return "；".join(
        f"{form.fields[n].label}：{e}" if n in form.fields else str(e)
        for n, errors in form.errors.items()
        for e in errors
    )


def _campaign(request: HttpRequest, pk: int) -> tuple[User, Campaign]:
    user = current_user(request)
    require(user, Action.VIEW_PROGRESS)
    return user, access_campaign(user, pk)


def _area(user: User, campaign: Campaign) -> str:
    """Where the user's figures of the campaign are counted: their own region, or the
    campaign's when they sit above it."""
    own = str(user.region_id or "")
    return own if own.startswith(campaign.region_id) else campaign.region_id


def _ledger_url(campaign: Campaign, key: str) -> str:
    return reverse("ledgers:list", kwargs={"pk": campaign.pk, "kind": KIND_KEYS[key]})


@require_http_methods(["GET"])
def index(request: HttpRequest) -> HttpResponse:
    """The user's campaigns; with one, its page."""
    user = current_user(request)
    require(user, Action.VIEW_PROGRESS)
    campaigns = list(campaigns_visible_to(user).order_by("-window_start", "region_id"))
    if len(campaigns) == 1:
        return redirect("oversight:campaign", pk=campaigns[0].pk)
    return render(request, "oversight/index.html", {"campaigns": campaigns})


@require_http_methods(["GET"])
def campaign_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign's oversight ledgers in the user's scope: counts, what is open, the links."""
    user, campaign = _campaign(request, pk)
    today = timezone.localdate()
    visits = s.visits_visible(user).filter(campaign=campaign)
    problems = s.problems_visible(user).filter(campaign=campaign)
    petitions = s.petitions_visible(user).filter(campaign=campaign)
    ledgers = [
        ("visits", "督导记录", visits.count(), ""),
        (
            "problems",
            "督导发现问题",
            problems.count(),
            f"未整改 {problems.exclude(status=ProblemStatus.CLOSED).count()} 个",
        ),
        (
            "petitions",
            "信访举报",
            petitions.count(),
            f"超期未办结 {petitions.filter(s.overdue_q(closed='settled')).count()} 起",
        ),
        ("training", "培训", s.sessions_visible(user).filter(campaign=campaign).count(), ""),
        ("attendees", "参训人员", s.attendees_visible(user).filter(campaign=campaign).count(), ""),
        ("records", "会议、文件", s.records_visible(user).filter(campaign=campaign).count(), ""),
    ]
    rows = [
        {"label": label, "count": count, "note": note, "url": _ledger_url(campaign, key)}
        for key, label, count, note in ledgers
    ]
    return render(
        request,
        "oversight/campaign.html",
        {
            "campaign": campaign,
            "rows": rows,
            "area": _area(user, campaign),
            "today": today,
            "may_record": can(user, Action.RECORD_INSPECTIONS),
            "groups": _groups_for(user, campaign).count(),
        },
    )


# ---------------------------------------------------------------------------------------------
# The work in numbers.


def _numbers_region(user: User, campaign: Campaign, code: str) -> Region:
    return get_scoped_or_404(
        user,
        Region.objects.filter(
            level__lt=Region.Level.VILLAGE, code__startswith=campaign.region_id
        ).select_related("parent"),
        Action.VIEW_PROGRESS,
        field="code",
        code=code,
    )


@require_http_methods(["GET"])
def numbers(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """The county's (a town's) work in numbers, counted from the ledgers, and its sentence."""
    user, campaign = _campaign(request, pk)
    region = _numbers_region(user, campaign, code)
    towns = town_table(campaign, region) if region.level == Region.Level.COUNTY else None
    return render(
        request,
        "oversight/numbers.html",
        {
            "campaign": campaign,
            "region": region,
            "numbers": work_in_numbers(campaign, region.code),
            "towns": towns,
            "total": total_row(towns) if towns else None,
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET"])
def numbers_export(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    user, campaign = _campaign(request, pk)
    region = _numbers_region(user, campaign, code)
    towns = town_table(campaign, region) if region.level == Region.Level.COUNTY else None
    content = numbers_xlsx(campaign, region, work_in_numbers(campaign, region.code), towns)
    return xlsx_response(content, f"{region.display_name}换届工作成效.xlsx")


# ---------------------------------------------------------------------------------------------
# Inspection groups (the county sets them up).


def _groups_for(user: User, campaign: Campaign) -> QuerySet[InspectionGroup]:
    """The groups a user sees: the county's all; a town's, those covering it."""
    if not can(user, Action.VIEW_PROGRESS):
        return InspectionGroup.objects.none()
    prefix = scope_code(user) or "-"
    return (
        InspectionGroup.objects.filter(campaign=campaign)
        .filter(Q(region__code__startswith=prefix) | Q(towns__code__startswith=prefix))
        .distinct()
        .prefetch_related("members", "towns")
        .order_by("pk")  # as the county set them up: 第一 … 第四督导组
    )


def _group_choices(campaign: Campaign) -> dict[str, list[tuple[str, str]]]:
    inspectors = User.objects.filter(
        role_grants__role=Role.INSPECTOR,
        region__code__startswith=campaign.region_id,
        is_active=True,
    ).distinct()
    towns = Region.objects.filter(parent_id=campaign.region_id).order_by("code")
    return {
        "members": [(str(u.pk), f"{u.full_name}（{u.username}）") for u in inspectors],
        "towns": [(t.code, t.display_name) for t in towns],
    }


def _group_save(
    request: HttpRequest, user: User, campaign: Campaign, form: f.GroupForm, group: Any
) -> InspectionGroup | None:
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return None
    data = form.cleaned_data
    members = list(User.objects.filter(pk__in=data["members"]))
    towns = list(Region.objects.filter(code__in=data["towns"]))
    values = {"name": data["name"], "leader": data["leader"], "members": members, "towns": towns}
    try:
        if group is None:
            return group_create(actor=user, campaign=campaign, **values)
        return group_update(actor=user, group=group, **values)
    except ValidationError as exc:
        messages.error(request, _refusal(exc))
        return None


@require_http_methods(["GET", "POST"])
def groups(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign's inspection groups; the county adds one here."""
    user, campaign = _campaign(request, pk)
    may_manage = can(user, Action.MANAGE_CAMPAIGNS) and in_scope(user, campaign.region_id)
    form = None
    if may_manage:
        form = f.GroupForm(request.POST or None, **_group_choices(campaign))
        if request.method == "POST":
            saved = _group_save(request, user, campaign, form, None)
            if saved is not None:
                messages.success(request, MSG_GROUP_SAVED.format(name=saved.name))
                return redirect("oversight:groups", pk=campaign.pk)
    elif request.method == "POST":
        raise Http404("未找到")
    visits = {
        row["group"]: row["n"]
        for row in s.visits_visible(user)
        .filter(campaign=campaign)
        .order_by()
        .values("group")
        .annotate(n=Count("id"))
    }
    rows = [(g, visits.get(g.pk, 0)) for g in _groups_for(user, campaign)]
    return render(
        request,
        "oversight/groups.html",
        {"campaign": campaign, "rows": rows, "form": form, "may_manage": may_manage},
    )


@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, pk: int, group: int) -> HttpResponse:
    user, campaign = _campaign(request, pk)
    found = get_scoped_or_404(
        user,
        InspectionGroup.objects.filter(campaign=campaign).select_related("campaign"),
        Action.MANAGE_CAMPAIGNS,
        pk=group,
    )
    initial = {
        "name": found.name,
        "leader": found.leader,
        "members": [str(pk_) for pk_ in found.members.values_list("pk", flat=True)],
        "towns": list(found.towns.values_list("code", flat=True)),
    }
    form = f.GroupForm(request.POST or None, initial=initial, **_group_choices(campaign))
    if request.method == "POST":
        saved = _group_save(request, user, campaign, form, found)
        if saved is not None:
            messages.success(request, MSG_GROUP_SAVED.format(name=saved.name))
            return redirect("oversight:groups", pk=campaign.pk)
    return render(
        request, "oversight/group_edit.html", {"campaign": campaign, "group": found, "form": form}
    )


# ---------------------------------------------------------------------------------------------
# The inspector's visit and the problems found on it.


def _recording_groups(user: User, campaign: Campaign) -> list[InspectionGroup]:
    """The groups the user records for: the county's all, a member's own."""
    found = _groups_for(user, campaign)
    if not can(user, Action.MANAGE_CAMPAIGNS):
        found = found.filter(members=user)
    return list(found) if can(user, Action.RECORD_INSPECTIONS) else []


def _places(groups: list[InspectionGroup]) -> list[tuple[str, Any]]:
    """The towns the groups cover, each with its villages (a select's option groups)."""
    codes = sorted({t.code for g in groups for t in g.towns.all()})
    units = Region.objects.filter(Q(code__in=codes) | Q(parent_id__in=codes)).order_by("code")
    by_town: dict[str, list[tuple[str, str]]] = {}
    names: dict[str, str] = {}
    for unit in units:
        town = unit.code[:9]
        if unit.code == town:
            names[town] = unit.display_name
            by_town.setdefault(town, []).insert(0, (town, f"{unit.display_name}（乡镇）"))
        else:
            by_town.setdefault(town, []).append((unit.code, unit.display_name))
    return [(names.get(code, code), by_town.get(code, [])) for code in codes]


@require_http_methods(["GET", "POST"])
def visit_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a visit of one of the user's groups (督导组成员: only in the group's towns)."""
    user, campaign = _campaign(request, pk)
    require(user, Action.RECORD_INSPECTIONS)
    mine = _recording_groups(user, campaign)
    form = f.VisitForm(
        request.POST or None,
        initial={"visited_on": timezone.localdate()},
        groups=[(str(g.pk), g.name) for g in mine],
        places=_places(mine),
    )
    if request.method == "POST" and mine:
        if form.is_valid():
            data = form.cleaned_data
            group = next(g for g in mine if str(g.pk) == data["group"])
            region = Region.objects.filter(code=data["region"]).first()
            try:
                if region is None:
                    raise Http404("未找到")
                visit = visit_save(
                    actor=user,
                    campaign=campaign,
                    region=region,
                    item=None,
                    values={**data, "group": group.name},
                )
            except ValidationError as exc:
                messages.error(request, _refusal(exc))
            else:
                messages.success(request, MSG_VISIT_SAVED.format(number=visit.number))
                return redirect("oversight:visit", pk=campaign.pk, visit=visit.pk)
        else:
            messages.error(request, _form_errors(form))
    return render(
        request,
        "oversight/visit_new.html",
        {"campaign": campaign, "form": form, "groups": mine, "no_group": MSG_NO_GROUP},
    )


def _owners(visit: InspectionVisit) -> list[tuple[str, str]]:
    town = visit.region_id[:9]
    units = Region.objects.filter(Q(code=town) | Q(parent_id=town)).order_by("code")
    return [
        (u.code, u.display_name if u.code != town else f"{u.display_name}（乡镇）") for u in units
    ]


@require_http_methods(["GET", "POST"])
def visit(request: HttpRequest, pk: int, visit: int) -> HttpResponse:
    """A visit, the problems found on it and, for who may record for its group, the form to add
    one."""
    user, campaign = _campaign(request, pk)
    found = get_scoped_or_404(
        user,
        InspectionVisit.objects.filter(campaign=campaign).select_related(
            "group", "region__parent", "recorded_by"
        ),
        Action.VIEW_PROGRESS,
        pk=visit,
    )
    may = may_record(user, found.group, found.region_id)
    form = f.ProblemForm(request.POST or None, owners=_owners(found)) if may else None
    if request.method == "POST":
        if form is None:
            raise Http404("未找到")
        if form.is_valid():
            data = form.cleaned_data
            owner = Region.objects.get(code=data["region"])
            try:
                problem = problem_save(
                    actor=user,
                    campaign=campaign,
                    region=owner,
                    item=None,
                    values={**data, "visit": found.number},
                )
            except ValidationError as exc:
                messages.error(request, _refusal(exc))
            else:
                messages.success(
                    request,
                    MSG_PROBLEM_SAVED.format(number=problem.number, owner=owner.display_name),
                )
                return redirect("oversight:visit", pk=campaign.pk, visit=found.pk)
        else:
            messages.error(request, _form_errors(form))
    problems = found.problems.select_related("region__parent").order_by("id")
    return render(
        request,
        "oversight/visit.html",
        {
            "campaign": campaign,
            "visit": found,
            "problems": problems,
            "form": form,
            "problems_kind": KIND_KEYS["problems"],
            "visits_kind": KIND_KEYS["visits"],
        },
    )
