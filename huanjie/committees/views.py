"""The pages of the village election committee: the campaigns, the villages of a campaign with
their committees, a committee (members in the original order, status, replacements, history),
and the forms over its services. Every object is looked up in the user's scope: another
region's answers 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from huanjie.accounts.permissions import Action, can, current_user, require
from huanjie.accounts.throttle import throttled
from huanjie.committees import selectors, services
from huanjie.committees.forms import ChairForm, CommitteeForm, MemberAddForm, WithdrawForm
from huanjie.committees.models import ElectionCommittee, MemberStatus
from huanjie.elections.models import Campaign, CampaignVillage
from huanjie.elections.selectors import (
    access_campaign,
    access_campaign_village,
    campaign_villages_visible_to,
    campaigns_visible_to,
)
from huanjie.lib.dates import cn_date
from huanjie.regions.subtotals import (
    Column,
    filter_villages,
    list_xlsx,
    subtotals_for,
    wants_xlsx,
)

CRUMB_ROOT = ("村民选举委员会", None)
MSG_PERSON_NOT_FOUND = (
    "本村人员中没有身份证号与姓名相符的人员（须为本村户籍，或已在本村本次换届的选民名单中登记）"
)


def _crumbs(campaign: Campaign, *tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [
        CRUMB_ROOT,
        ("换届列表", reverse("committees:index")),
        (campaign.name, reverse("committees:village_list", args=[campaign.pk])),
        *tail,
    ]


def _committee_url(entry: CampaignVillage) -> str:
    return reverse("committees:detail", args=[entry.campaign_id, entry.region_id])


def _village(request: HttpRequest, pk: int, code: str) -> tuple[Campaign, CampaignVillage]:
    campaign = access_campaign(request.user, pk)
    return campaign, access_campaign_village(request.user, campaign, code)


def _committee_or_404(request: HttpRequest, entry: CampaignVillage) -> ElectionCommittee:
    committee = selectors.committee_of(entry)
    if committee is None:
        raise Http404("未找到")
    return committee


@require_http_methods(["GET"])
def index(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_CAMPAIGNS)
    return render(
        request,
        "committees/index.html",
        {
            "campaigns": campaigns_visible_to(request.user).order_by("-window_start"),
            "breadcrumbs": [CRUMB_ROOT, ("换届列表", None)],
        },
    )


# What a county sees per town above the villages' committees.
COMMITTEE_SUBTOTALS = (
    Column("纳入村(社区)"),
    Column("已推选", Q(election_committee__isnull=False)),
    Column("未推选", Q(election_committee__isnull=True)),
)


def _committee_cells(e: CampaignVillage) -> tuple[Any, ...]:
    c = getattr(e, "election_committee", None)
    if c is None:
        return (e.region_id, e.region.display_name, "", "尚未登记", "", "")
    return (
        e.region_id,
        e.region.display_name,
        cn_date(c.chosen_on),
        c.get_chosen_by_display(),
        getattr(e, "serving", 0),
        c.seats,
    )


@require_http_methods(["GET"])
def village_list(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk)
    included = campaign_villages_visible_to(request.user, campaign).filter(included=True)
    subtotals = subtotals_for(request.user, included, COMMITTEE_SUBTOTALS)
    included, q, town = filter_villages(request, included)
    villages = selectors.with_committees(included).order_by("region_id")
    if wants_xlsx(request):
        return list_xlsx(
            f"{campaign.name}村民选举委员会",
            ("区划代码", "村(社区)", "推选日期", "推选方式", "在任成员", "名额"),
            villages.select_related("region"),
            _committee_cells,
        )
    page = Paginator(villages, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "committees/village_list.html",
        {
            "campaign": campaign,
            "page_obj": page,
            "subtotals": subtotals,
            "q": q,
            "town": town,
            "breadcrumbs": [
                CRUMB_ROOT,
                ("换届列表", reverse("committees:index")),
                (campaign.name, None),
            ],
        },
    )


@throttled("personal_data")  # SECURITY.md P6
@require_http_methods(["GET"])
def detail(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    campaign, entry = _village(request, pk, code)
    committee = selectors.committee_of(entry)
    can_manage = can(request.user, Action.MANAGE_COMMITTEES)
    members = list(selectors.members_of(committee)) if committee else []
    serving = [m for m in members if m.status == MemberStatus.SERVING]
    return render(
        request,
        "committees/detail.html",
        {
            "campaign": campaign,
            "entry": entry,
            "committee": committee,
            "members": members,
            "history": list(selectors.history_of(committee)) if committee else [],
            "vacancies": services.vacancies(committee) if committee else 0,
            "no_chair": bool(committee) and not any(m.role == "chair" for m in serving),
            "chair_form": ChairForm(
                members=[(m.pk, f"{m.person.name}（{m.get_role_display()}）") for m in serving]
            ),
            "can_manage": can_manage,
            "breadcrumbs": _crumbs(campaign, (entry.region.display_name, None)),
        },
    )


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    campaign, entry = _village(request, pk, code)
    require(request.user, Action.MANAGE_COMMITTEES)
    form = CommitteeForm(
        request.POST or None, initial={"chosen_on": campaign.window_start, "seats": 5}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.committee_create(actor=current_user(request), entry=entry, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已登记{entry.region.display_name}村民选举委员会")
            return redirect(_committee_url(entry))
    return _form(request, campaign, entry, form, "登记村民选举委员会", "登记")


@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    campaign, entry = _village(request, pk, code)
    committee = _committee_or_404(request, entry)
    require(request.user, Action.MANAGE_COMMITTEES)
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = selectors.person_of_village(entry, data["id_number"], data["name"])
        if person is None:
            form.add_error(None, MSG_PERSON_NOT_FOUND)
        else:
            try:
                member = services.member_add(
                    actor=current_user(request),
                    committee=committee,
                    person=person,
                    status=data["status"],
                    role=data["role"] if data["status"] == MemberStatus.SERVING else "",
                    votes=data["votes"],
                    order=data["order"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"已登记{member.person.name}（第{member.order}位）")
                return redirect(_committee_url(entry))
    return _form(request, campaign, entry, form, "登记选举委员会成员", "登记")


@require_http_methods(["GET", "POST"])
def member_withdraw(request: HttpRequest, pk: int, code: str, member: int) -> HttpResponse:
    campaign, entry = _village(request, pk, code)
    committee = _committee_or_404(request, entry)
    require(request.user, Action.MANAGE_COMMITTEES)
    row = selectors.access_member(request.user, committee, member)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.member_withdraw(
                actor=current_user(request), member=row, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if done.replacement is not None:
                text = f"{row.person.name}已退出，由{done.replacement.person.name}依次递补"
            else:
                text = f"{row.person.name}已退出；{services.MSG_VACANT.format(n=services.vacancies(committee))}"
            messages.success(request, text)
            if done.chair_vacant:
                messages.warning(request, "主任已退出，请由选举委员会推选新的主任")
            return redirect(_committee_url(entry))
    return _form(request, campaign, entry, form, f"成员退出 · {row.person.name}", "确认退出")


@require_http_methods(["POST"])
def set_chair(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    _campaign, entry = _village(request, pk, code)
    committee = _committee_or_404(request, entry)
    require(request.user, Action.MANAGE_COMMITTEES)
    serving = committee.members.filter(status=MemberStatus.SERVING).select_related("person")
    form = ChairForm(request.POST, members=[(m.pk, m.person.name) for m in serving])
    if not form.is_valid():
        messages.error(request, "请选择在任成员")
        return redirect(_committee_url(entry))
    row = selectors.access_member(request.user, committee, int(form.cleaned_data["member"]))
    try:
        services.committee_set_chair(
            actor=current_user(request),
            committee=committee,
            member=row,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"{row.person.name}当选选举委员会主任")
    return redirect(_committee_url(entry))


def _form(
    request: HttpRequest,
    campaign: Campaign,
    entry: CampaignVillage,
    form: object,
    title: str,
    submit: str,
) -> HttpResponse:
    back = _committee_url(entry)
    return render(
        request,
        "committees/form.html",
        {
            "form": form,
            "title": f"{title} · {entry.region.display_name}",
            "submit": submit,
            "back": back,
            "breadcrumbs": _crumbs(campaign, (entry.region.display_name, back), (title, None)),
        },
    )
