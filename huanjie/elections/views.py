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
from huanjie.elections import selectors, services
from huanjie.elections.forms import CampaignForm, ExcludeForm, RetentionForm
from huanjie.lib.dates import cn_date
from huanjie.regions.models import Region
from huanjie.regions.subtotals import Column, list_xlsx, subtotals_for, wants_xlsx

CRUMB_ROOT = ("换届工作", None)


def campaign_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_CAMPAIGNS)
    campaigns = selectors.campaigns_visible_to(request.user).order_by("-window_start")
    return render(
        request,
        "elections/campaign_list.html",
        {
            "campaigns": campaigns,
            "can_manage": can(request.user, Action.MANAGE_CAMPAIGNS),
            "breadcrumbs": [CRUMB_ROOT, ("换届列表", None)],
        },
    )


def campaign_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_CAMPAIGNS)
    region = current_user(request).region
    if region is None:
        raise Http404("未找到")
    form = CampaignForm(request.POST or None, initial={"rule_province": ""})
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(
                actor=current_user(request), region=region, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, f"已创建换届“{campaign.name}”，共 {campaign.villages.count()} 个村(社区)"
            )
            return redirect("elections:campaign_detail", pk=campaign.pk)
    return render(
        request,
        "elections/campaign_form.html",
        {
            "form": form,
            "region": region,
            "breadcrumbs": [
                CRUMB_ROOT,
                ("换届列表", reverse("elections:campaign_list")),
                ("新建换届", None),
            ],
        },
    )


def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.access_campaign(request.user, pk)
    require(request.user, Action.MANAGE_CAMPAIGNS)
    form = CampaignForm(
        request.POST or None,
        initial={
            "name": campaign.name,
            "term_number": campaign.term_number,
            "rule_province": campaign.rule_province,
            "window_start": campaign.window_start,
            "window_end": campaign.window_end,
        },
    )
    form.fields["term_number"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.campaign_update(
                actor=current_user(request),
                campaign=campaign,
                name=data["name"],
                rule_province=data["rule_province"],
                window_start=data["window_start"],
                window_end=data["window_end"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "换届信息已保存")
            return redirect("elections:campaign_detail", pk=campaign.pk)
    return render(
        request,
        "elections/campaign_form.html",
        {
            "form": form,
            "region": campaign.region,
            "campaign": campaign,
            "breadcrumbs": [
                CRUMB_ROOT,
                ("换届列表", reverse("elections:campaign_list")),
                (campaign.name, reverse("elections:campaign_detail", args=[campaign.pk])),
                ("修改", None),
            ],
        },
    )


# What a county sees per town above its villages.
CAMPAIGN_SUBTOTALS = (
    Column("村(社区)"),
    Column("村", Q(region__kind=Region.Kind.VILLAGE)),
    Column("社区", Q(region__kind=Region.Kind.COMMUNITY)),
    Column("纳入", Q(included=True)),
    Column("不纳入", Q(included=False)),
    Column("已定选举日", Q(included=True, election_date__isnull=False)),
)


def _village_cells(e: Any) -> tuple[Any, ...]:
    return (
        e.region_id,
        e.region.display_name,
        e.region.parent.display_name if e.region.parent else "",
        e.region.get_kind_display(),
        "纳入" if e.included else "不纳入",
        e.exclusion_reason,
        cn_date(e.election_date) if e.election_date else "",
    )


def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.access_campaign(request.user, pk)
    rows = selectors.campaign_villages_visible_to(request.user, campaign)
    subtotals = subtotals_for(request.user, rows, CAMPAIGN_SUBTOTALS)
    q = request.GET.get("q", "").strip()[:50]
    town = request.GET.get("town", "")
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    if q:
        rows = rows.filter(
            Q(region__name__contains=q)
            | Q(region__short_name__contains=q)
            | Q(region__code__startswith=q)
        )
    if town.isdigit():
        rows = rows.filter(region__code__startswith=town)
    if status in ("included", "excluded"):
        rows = rows.filter(included=status == "included")
    if kind in Region.Kind.values:
        rows = rows.filter(region__kind=kind)
    sort = {
        "name": "region__short_name",
        "-name": "-region__short_name",
        "code": "region_id",
        "-code": "-region_id",
    }.get(request.GET.get("sort", ""), "region_id")
    if wants_xlsx(request):
        return list_xlsx(
            f"{campaign.name}村(社区)",
            ("区划代码", "村(社区)", "乡镇(街道)", "类别", "状态", "不纳入原因", "选举日"),
            rows.select_related("region__parent").order_by(sort),
            _village_cells,
        )
    page = Paginator(rows.order_by(sort), 50).get_page(request.GET.get("page"))
    town_rows = Region.objects.filter(level=Region.Level.TOWN, code__startswith=campaign.region_id)
    prefix = current_user(request).region_id or ""
    towns = [t for t in town_rows if t.code.startswith(prefix) or prefix.startswith(t.code)]
    from huanjie.rules.profiles import PROVINCE_PROFILES

    return render(
        request,
        "elections/campaign_detail.html",
        {
            "campaign": campaign,
            "page_obj": page,
            "subtotals": subtotals,
            "summary": selectors.campaign_summary(request.user, campaign),
            "q": q,
            "town": town,
            "status": status,
            "kind": kind,
            "sort": request.GET.get("sort", "code"),
            "towns": towns,
            "kinds": Region.Kind.choices,
            "rule_label": (
                f"{campaign.rule_profile}（县级选举规则，引用《{campaign.rule_profile.measure}》）"
                if campaign.rule_profile
                else f"{PROVINCE_PROFILES[campaign.rule_province]}选举办法"
                if campaign.rule_province
                else "全国法律"
            ),
            "can_rule_profiles": can(request.user, Action.MANAGE_RULE_PROFILES)
            and not campaign.purged,
            "can_manage": can(request.user, Action.MANAGE_CAMPAIGNS) and not campaign.purged,
            "exclude_form": ExcludeForm(),
            "retention_form": RetentionForm(
                initial={"retention_until": campaign.retention_until}, auto_id="retention_%s"
            ),
            "breadcrumbs": [
                CRUMB_ROOT,
                ("换届列表", reverse("elections:campaign_list")),
                (campaign.name, None),
            ],
        },
    )


@require_POST
def campaign_village(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    campaign = selectors.access_campaign(request.user, pk)
    entry = selectors.access_campaign_village(request.user, campaign, code)
    require(request.user, Action.MANAGE_CAMPAIGNS)
    include = request.POST.get("action") == "include"
    try:
        services.campaign_village_set(
            actor=current_user(request),
            entry=entry,
            included=include,
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        messages.error(request, f"{entry.region.display_name}：{'；'.join(exc.messages)}")
    else:
        messages.success(
            request,
            f"{entry.region.display_name}：{'已重新纳入' if include else '已不纳入'}本次换届",
        )
    detail = reverse("elections:campaign_detail", args=[campaign.pk])
    back = request.POST.get("back", "")
    # Only back to this campaign's own page (with its filters): never an outside address.
    return redirect(back if back.startswith(detail + "?") else detail)


@require_POST
def campaign_retention(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the campaign's personal data end date (SECURITY.md P7)."""
    campaign = selectors.access_campaign(request.user, pk)
    require(request.user, Action.MANAGE_CAMPAIGNS)
    form = RetentionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        services.campaign_set_retention(
            actor=current_user(request),
            campaign=campaign,
            retention_until=form.cleaned_data["retention_until"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"个人信息保存期限已改为{cn_date(campaign.retention_until)}")
    return redirect("elections:campaign_detail", pk=campaign.pk)
