"""从人员库生成选民名单: the preview page (GET) and its confirmation (POST). Outside the user's
scope, or without MANAGE_VOTERS, the page answers 404 (selectors.access_roll, require)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from huanjie.accounts.permissions import Action, current_user, require
from huanjie.voters import selectors
from huanjie.voters.services.roll_build import (
    MSG_DONE,
    MSG_NOTHING,
    RollBuild,
    RollChanged,
    roll_build_confirm,
    roll_build_preview,
)
from huanjie.voters.views import roll_crumbs, roll_url

TITLE = "从人员库生成选民名单"


class ConfirmForm(forms.Form):
    fingerprint = forms.CharField(max_length=64)


def roll_build(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    entry = selectors.access_roll(request.user, pk, code)
    require(request.user, Action.MANAGE_VOTERS)
    actor = current_user(request)
    form = ConfirmForm(request.POST or None)
    build: RollBuild | None = None
    refused: list[str] = []
    try:
        if request.method == "POST" and form.is_valid():
            done = roll_build_confirm(
                actor=actor, entry=entry, expected=form.cleaned_data["fingerprint"]
            )
            messages.success(request, MSG_NOTHING if done.nothing_to_do else _done(done))
            return redirect(roll_url(entry))
        build = roll_build_preview(actor=actor, entry=entry)
    except RollChanged as exc:
        messages.warning(request, exc.messages[0])
        build = exc.build
    except ValidationError as exc:
        refused = exc.messages
    return render(
        request,
        "voters/roll_build.html",
        {
            "entry": entry,
            "title": TITLE,
            "build": build,
            "refused": refused,
            "breadcrumbs": roll_crumbs(entry, (TITLE, None)),
        },
    )


def _done(build: RollBuild) -> str:
    return MSG_DONE.format(
        added=build.to_add, unchanged=build.unchanged, conflicts=build.conflicts_new
    )
