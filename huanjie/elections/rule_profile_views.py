"""Pages of the county's own election rules (县级选举规则): the list, a profile with the rules the
engine makes of it, one page per parameter, publishing, and a campaign's choice of a version."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from huanjie.accounts.permissions import Action, current_user, require
from huanjie.elections import rule_profiles, selectors
from huanjie.elections.models import RuleProfile
from huanjie.elections.rule_profile_forms import FORMS, CampaignProfileForm, ProfileForm
from huanjie.rules.custom import PARAMETERS
from huanjie.rules.docs import describe

CRUMB_ROOT = ("换届工作", None)


def _crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [CRUMB_ROOT, ("县级选举规则", reverse("elections:rule_profile_list")), *tail]


@require_http_methods(["GET"])
def rule_profile_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_RULE_PROFILES)
    profiles = rule_profiles.rule_profiles_visible_to(request.user).order_by("name", "-version")
    return render(
        request,
        "elections/rule_profiles/list.html",
        {
            "profiles": profiles,
            "breadcrumbs": [CRUMB_ROOT, ("县级选举规则", None)],
        },
    )


@require_http_methods(["GET", "POST"])
def rule_profile_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_RULE_PROFILES)
    user = current_user(request)
    if user.region is None:
        raise Http404("未找到")
    form = ProfileForm(request.POST or None, initial={"law": "2025"})
    if request.method == "POST" and form.is_valid():
        try:
            profile = rule_profiles.rule_profile_create(
                actor=user, region=user.region, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已建立“{profile.name}”（草稿），请逐项设置参数")
            return redirect("elections:rule_profile_detail", profile=profile.pk)
    return render(
        request,
        "elections/rule_profiles/form.html",
        {"form": form, "region": user.region, "breadcrumbs": _crumbs(("新建", None))},
    )


def _rows(profile: RuleProfile) -> list[dict[str, Any]]:
    """Each parameter: what the county set (value and article) and what the engine applies."""
    result = rule_profiles.build(profile)
    applied = result.profile or rule_profiles.national_base(profile.law)
    base = rule_profiles.national_base(profile.law)
    rows = []
    for parameter, label in PARAMETERS.items():
        entry = profile.parameters.get(parameter)
        rule = getattr(applied, parameter)
        rows.append(
            {
                "parameter": parameter,
                "label": label,
                "set": entry is not None,
                "value": describe(parameter, rule.value),
                "cites": "、".join(rule.cite()) or "—",
                "national": describe(parameter, getattr(base, parameter).value),
            }
        )
    return rows


@require_http_methods(["GET"])
def rule_profile_detail(request: HttpRequest, profile: int) -> HttpResponse:
    obj = rule_profiles.access_rule_profile(request.user, profile)
    result = rule_profiles.build(obj)
    applied = result.profile
    return render(
        request,
        "elections/rule_profiles/detail.html",
        {
            "profile": obj,
            "rows": _rows(obj),
            "problems": result.verdict.problems,
            "sources": rule_profiles.notice_citations(applied) if applied else (),
            "frozen_because": rule_profiles.frozen_because(obj),
            "campaigns": obj.campaigns.all(),
            "versions": RuleProfile.objects.filter(region=obj.region, name=obj.name).order_by(
                "-version"
            ),
            "breadcrumbs": _crumbs((str(obj), None)),
        },
    )


@require_http_methods(["GET", "POST"])
def rule_profile_parameter(request: HttpRequest, profile: int, parameter: str) -> HttpResponse:
    obj = rule_profiles.access_rule_profile(request.user, profile)
    if parameter not in PARAMETERS:
        raise Http404("未找到")
    form_class = FORMS[parameter]
    entry = obj.parameters.get(parameter)
    initial = {}
    if entry is not None:
        initial = {**form_class.initial_for(entry["value"]), "article": entry.get("article")}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST":
        try:
            if "clear" in request.POST:
                target = rule_profiles.rule_profile_clear_parameter(
                    actor=current_user(request), profile=obj, parameter=parameter
                )
            elif form.is_valid():
                target = rule_profiles.rule_profile_set_parameter(
                    actor=current_user(request),
                    profile=obj,
                    parameter=parameter,
                    value=form.value(),
                    article=form.cleaned_data["article"],
                )
            else:
                target = None
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if target is not None:
                if target.pk != obj.pk:
                    messages.warning(
                        request,
                        f"第{obj.version}版已冻结，修改已保存为第{target.version}版（草稿）",
                    )
                else:
                    messages.success(request, f"已保存“{PARAMETERS[parameter]}”")
                return redirect("elections:rule_profile_detail", profile=target.pk)
    return render(
        request,
        "elections/rule_profiles/parameter.html",
        {
            "profile": obj,
            "parameter": parameter,
            "label": PARAMETERS[parameter],
            "form": form,
            "is_set": entry is not None,
            "national": describe(
                parameter, getattr(rule_profiles.national_base(obj.law), parameter).value
            ),
            "frozen_because": rule_profiles.frozen_because(obj),
            "breadcrumbs": _crumbs(
                (str(obj), reverse("elections:rule_profile_detail", args=[obj.pk])),
                (PARAMETERS[parameter], None),
            ),
        },
    )


@require_POST
def rule_profile_publish(request: HttpRequest, profile: int) -> HttpResponse:
    obj = rule_profiles.access_rule_profile(request.user, profile)
    try:
        rule_profiles.rule_profile_publish(actor=current_user(request), profile=obj)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已发布“{obj.name}”第{obj.version}版")
    return redirect("elections:rule_profile_detail", profile=obj.pk)


@require_http_methods(["GET", "POST"])
def campaign_rule_profile(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.access_campaign(request.user, pk)
    require(request.user, Action.MANAGE_RULE_PROFILES)
    published = rule_profiles.rule_profiles_visible_to(request.user).filter(
        region=campaign.region, published_at__isnull=False
    )
    choices = [(str(p.pk), f"{p}（引用《{p.measure}》）") for p in published]
    form = CampaignProfileForm(
        request.POST or None,
        choices=choices,
        initial={"profile": str(campaign.rule_profile_id or "")},
    )
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["profile"]
        try:
            rule_profiles.campaign_set_rule_profile(
                actor=current_user(request),
                campaign=campaign,
                profile=published.get(pk=int(chosen)) if chosen else None,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "选举规则已保存")
            return redirect("elections:campaign_detail", pk=campaign.pk)
    return render(
        request,
        "elections/rule_profiles/campaign.html",
        {
            "campaign": campaign,
            "form": form,
            "started": rule_profiles.campaign_started(campaign),
            "breadcrumbs": [
                CRUMB_ROOT,
                ("换届列表", reverse("elections:campaign_list")),
                (campaign.name, reverse("elections:campaign_detail", args=[campaign.pk])),
                ("选举规则", None),
            ],
        },
    )
