from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from huanjie.accounts.permissions import Action, can, current_user, require
from huanjie.accounts.throttle import throttled
from huanjie.elections.models import Campaign
from huanjie.elections.selectors import (
    access_campaign,
    campaign_villages_visible_to,
    campaigns_visible_to,
)
from huanjie.party import selectors, services
from huanjie.party.forms import BranchForm, MemberAddForm, MemberStatusForm, RegistrationForm
from huanjie.party.models import BranchKind, MemberStatus, PartyBranch
from huanjie.regions.models import Region
from huanjie.regions.subtotals import (
    Column,
    filter_villages,
    list_xlsx,
    subtotals_for,
    wants_xlsx,
)

CRUMB_ROOT = ("党组织选举", None)


def _crumbs(campaign: Campaign, *tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [
        CRUMB_ROOT,
        ("换届列表", reverse("party:index")),
        (campaign.name, reverse("party:branch_list", args=[campaign.pk])),
        *tail,
    ]


def _branch_url(campaign: Campaign, branch: PartyBranch) -> str:
    return reverse("party:branch_detail", args=[campaign.pk, branch.pk])


def index(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_CAMPAIGNS)
    return render(
        request,
        "party/index.html",
        {
            "campaigns": campaigns_visible_to(request.user).order_by("-window_start"),
            "breadcrumbs": [CRUMB_ROOT, ("换届列表", None)],
        },
    )


# What a county sees per town above the villages' Party organisations.
BRANCH_SUBTOTALS = (
    Column("村党组织"),
    Column("党委", Q(kind=BranchKind.COMMITTEE)),
    Column("党总支", Q(kind=BranchKind.GENERAL_BRANCH)),
    Column("党支部", Q(kind=BranchKind.BRANCH)),
)


def _branches_xlsx(campaign: Campaign, branches: Any) -> HttpResponse:
    """Every filtered branch with its members and the meeting's expected attendance."""
    rows = list(branches)
    figures = selectors.attendance_of_branches(campaign, rows)
    return list_xlsx(
        f"{campaign.name}村党组织",
        (
            "区划代码",
            "村(社区)",
            "乡镇(街道)",
            "党组织",
            "类别",
            "党员",
            "有表决权",
            "不计入",
            "应到会",
            "至少到会",
        ),
        rows,
        lambda b: (
            b.village_id,
            b.village.display_name,
            b.village.parent.display_name if b.village.parent else "",
            b.name,
            b.get_kind_display(),
            figures[b.pk].total,
            figures[b.pk].quorum.members,
            figures[b.pk].quorum.excluded,
            figures[b.pk].quorum.expected,
            figures[b.pk].quorum.needed,
        ),
    )


def branch_list(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk)
    branches = selectors.branches_of_campaign(request.user, campaign).order_by("village_id")
    subtotals = subtotals_for(request.user, branches, BRANCH_SUBTOTALS, code_field="village_id")
    branches, q, town = filter_villages(
        request, branches, code_field="village_id", name_field="village__name"
    )
    if wants_xlsx(request):
        return _branches_xlsx(campaign, branches)
    page = Paginator(branches, 50).get_page(request.GET.get("page"))
    figures = selectors.attendance_of_branches(campaign, page.object_list)
    return render(
        request,
        "party/branch_list.html",
        {
            "campaign": campaign,
            "page_obj": page,
            "subtotals": subtotals,
            "q": q,
            "town": town,
            "rows": [figures[b.pk] for b in page.object_list],
            "can_manage": can(request.user, Action.MANAGE_PARTY),
            "breadcrumbs": [
                CRUMB_ROOT,
                ("换届列表", reverse("party:index")),
                (campaign.name, None),
            ],
        },
    )


def branch_create(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk)
    require(request.user, Action.MANAGE_PARTY)
    without_branch = (
        campaign_villages_visible_to(request.user, campaign)
        .filter(included=True, region__party_branches__isnull=True)
        .order_by("region_id")
    )
    choices = [(e.region_id, f"{e.region.display_name}（{e.region_id}）") for e in without_branch]
    form = BranchForm(request.POST or None, villages=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            branch = services.branch_create(
                actor=current_user(request),
                village=Region.objects.get(code=data["village"]),
                name=data["name"],
                kind=data["kind"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已建立“{branch.name}”")
            return redirect(_branch_url(campaign, branch))
    return render(
        request,
        "party/form.html",
        {
            "form": form,
            "title": "建立村党组织",
            "submit": "建立",
            "back": reverse("party:branch_list", args=[campaign.pk]),
            "breadcrumbs": _crumbs(campaign, ("建立村党组织", None)),
        },
    )


def _present(request: HttpRequest) -> int | None:
    raw = request.GET.get("present", "").strip()
    return int(raw) if raw.isdigit() and len(raw) <= 6 else None


@throttled("personal_data")  # SECURITY.md P6
def branch_detail(request: HttpRequest, pk: int, branch_pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk)
    branch = selectors.access_branch(request.user, campaign, branch_pk)
    present = _present(request)
    att = selectors.attendance(campaign, branch, present=present or 0)
    without_vote = [(MemberStatus(s).label, ms) for s, ms in att.without_vote.items() if ms]
    return render(
        request,
        "party/branch_detail.html",
        {
            "campaign": campaign,
            "branch": branch,
            "att": att,
            "q": att.quorum,
            "present": present,
            "without_vote": without_vote,
            "can_manage": can(request.user, Action.MANAGE_PARTY),
            "breadcrumbs": _crumbs(campaign, (branch.name, None)),
        },
    )


def member_add(request: HttpRequest, pk: int, branch_pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk)
    branch = selectors.access_branch(request.user, campaign, branch_pk)
    require(request.user, Action.MANAGE_PARTY)
    form = MemberAddForm(request.POST or None, initial={"status": MemberStatus.FULL})
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_add(
                actor=current_user(request), branch=branch, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, f"已添加党员{member.person.name}（{member.person.id_masked}）"
            )
            return redirect(_branch_url(campaign, branch))
    return render(
        request,
        "party/form.html",
        {
            "form": form,
            "title": f"添加党员 · {branch.name}",
            "submit": "添加",
            "back": _branch_url(campaign, branch),
            "breadcrumbs": _crumbs(
                campaign, (branch.name, _branch_url(campaign, branch)), ("添加党员", None)
            ),
        },
    )


def member_detail(request: HttpRequest, pk: int, branch_pk: int, member_pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk)
    branch = selectors.access_branch(request.user, campaign, branch_pk)
    member = selectors.access_member(request.user, branch, member_pk)
    reg = selectors.member_registration(campaign, member)
    return render(
        request,
        "party/member_detail.html",
        {
            "campaign": campaign,
            "branch": branch,
            "member": member,
            "reg": reg,
            "can_manage": can(request.user, Action.MANAGE_PARTY),
            "status_form": MemberStatusForm(
                initial={"status": member.status, "flowing": member.flowing}
            ),
            "registration_form": RegistrationForm(
                initial={
                    "registered": reg.registered if reg else False,
                    "registered_on": reg.registered_on if reg else None,
                    "exclusion": reg.exclusion if reg else "",
                    "note": reg.exclusion_note if reg else "",
                    "approved": reg.approved if reg else False,
                }
            ),
            "breadcrumbs": _crumbs(
                campaign, (branch.name, _branch_url(campaign, branch)), (member.person.name, None)
            ),
        },
    )


def _write(request: HttpRequest, pk: int, branch_pk: int, member_pk: int) -> tuple[Any, ...]:
    campaign = access_campaign(request.user, pk)
    branch = selectors.access_branch(request.user, campaign, branch_pk)
    member = selectors.access_member(request.user, branch, member_pk)
    require(request.user, Action.MANAGE_PARTY)
    return campaign, branch, member


def _done(request: HttpRequest, exc: ValidationError | None, ok: str, back: str) -> HttpResponse:
    if exc is not None:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, ok)
    return redirect(back)


@require_POST
def member_status(request: HttpRequest, pk: int, branch_pk: int, member_pk: int) -> HttpResponse:
    campaign, branch, member = _write(request, pk, branch_pk, member_pk)
    form = MemberStatusForm(request.POST)
    if not form.is_valid():
        raise Http404("未找到")
    error = None
    try:
        services.member_set_status(actor=current_user(request), member=member, **form.cleaned_data)
    except ValidationError as exc:
        error = exc
    back = reverse("party:member_detail", args=[campaign.pk, branch.pk, member.pk])
    return _done(request, error, f"{member.person.name}的党员状态已保存", back)


@require_POST
def member_registration(
    request: HttpRequest, pk: int, branch_pk: int, member_pk: int
) -> HttpResponse:
    campaign, branch, member = _write(request, pk, branch_pk, member_pk)
    form = RegistrationForm(request.POST)
    back = reverse("party:member_detail", args=[campaign.pk, branch.pk, member.pk])
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for es in form.errors.values() for e in es))
        return redirect(back)
    error = None
    try:
        services.member_registration_set(
            actor=current_user(request), campaign=campaign, member=member, **form.cleaned_data
        )
    except ValidationError as exc:
        error = exc
    return _done(request, error, f"{member.person.name}的党员选举登记已保存", back)
