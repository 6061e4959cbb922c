"""The elections of a village in a campaign: one per body, its nomination method, its posts
and seats (`elections.services.election_create`, `election_set_seats`). The engine's refusal
shows as a Chinese message with its article; a village outside the user's region answers 404."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from huanjie.accounts.permissions import Action, can, current_user, get_scoped_or_404, require
from huanjie.elections import selectors, services
from huanjie.elections.models import Body, CampaignVillage, Election, NominationMethod, Post
from huanjie.lib.forms import CountField, StyledFormMixin


class ElectionForm(StyledFormMixin, forms.Form):
    body = forms.ChoiceField(label="选举的组织", choices=Body.choices)
    nomination_method = forms.ChoiceField(label="提名方式", choices=NominationMethod.choices)


class SeatsForm(StyledFormMixin, forms.Form):
    """One count per post the body elects; a post left at 0 (or blank) has no seats."""

    def __init__(self, *args: Any, posts: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for post in posts:
            self.fields[post] = CountField(
                label=Post(post).label, min_value=0, max_value=99, required=False
            )

    def seats(self) -> dict[str, int]:
        return {p: n for p, n in self.cleaned_data.items() if n}


def _entry(request: HttpRequest, pk: int, code: str) -> CampaignVillage:
    campaign = selectors.access_campaign(request.user, pk)
    return selectors.access_campaign_village(request.user, campaign, code)


def _seats_form(election: Election, data: Any = None) -> SeatsForm:
    posts = services.election_posts_allowed(election)
    return SeatsForm(
        data,
        posts=posts,
        prefix=f"e{election.pk}",
        initial=dict(election.posts.values_list("post", "seats")),
    )


@require_http_methods(["GET", "POST"])
def village_elections(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    entry = _entry(request, pk, code)
    form = ElectionForm(request.POST or None)
    if request.method == "POST":
        require(request.user, Action.MANAGE_ELECTIONS)
        if form.is_valid():
            try:
                election = services.election_create(
                    actor=current_user(request), entry=entry, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, f"已设置{election.get_body_display()}选举，请设置职位和应选名额"
                )
                return redirect("elections:village_elections", pk=pk, code=code)
    elections = list(Election.objects.filter(village=entry).prefetch_related("posts"))
    return render(
        request,
        "elections/elections/village.html",
        {
            "entry": entry,
            "campaign": entry.campaign,
            "rows": [(e, _seats_form(e)) for e in elections],
            "form": form,
            "can_manage": can(request.user, Action.MANAGE_ELECTIONS) and not entry.campaign.purged,
            "breadcrumbs": [
                ("换届工作", None),
                ("换届列表", reverse("elections:campaign_list")),
                (entry.campaign.name, reverse("elections:campaign_detail", args=[pk])),
                (f"{entry.region.display_name}的选举", None),
            ],
        },
    )


@require_POST
def election_seats(request: HttpRequest, pk: int, code: str, election: int) -> HttpResponse:
    entry = _entry(request, pk, code)
    obj = get_scoped_or_404(
        request.user,
        Election.objects.filter(village=entry),
        Action.VIEW_CAMPAIGNS,
        field="village__region__code",
        pk=election,
    )
    require(request.user, Action.MANAGE_ELECTIONS)
    form = _seats_form(obj, request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(
                [f"{form.fields[k].label}：{e}" for k, errs in form.errors.items() for e in errs]
            )
        services.election_set_seats(actor=current_user(request), election=obj, seats=form.seats())
    except ValidationError as exc:
        messages.error(request, f"{obj.get_body_display()}：{'；'.join(exc.messages)}")
    else:
        messages.success(request, f"{obj.get_body_display()}的职位和应选名额已保存")
    return redirect("elections:village_elections", pk=pk, code=code)
