"""The ballot papers and the hall's big screen (大屏): the ballots of a poll as PDF, the display
links the town issues and revokes, and the screen itself, which needs no login but a link.

The screen (`hall`, `hall_feed`) answers anyone holding a link in force: an unknown or revoked
token is the same 404. A signed-in user who opens one is held to their own scope like on every
other page (SECURITY.md C3): another county's officer gets the 404 and the refusal is logged,
so a forwarded link never lets a staff account read a count outside its region. The screen
shows names and counts only; it polls its feed about once a second (htmx-free, `hall.js`), a
short request a sync worker answers at once.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huanjie.accounts.permissions import Action, can, current_user
from huanjie.polls.ballot_pdf import MAX_COPIES, ballot_parts, ballot_pdf
from huanjie.polls.models import BallotBox, DisplayLink, Poll
from huanjie.polls.pages import refusal
from huanjie.polls.selectors import access_poll
from huanjie.polls.services.display import (
    ISSUING_LEVELS,
    display_link_issue,
    display_link_revoke,
    hall_state,
    link_for_token,
    links_of,
)
from huanjie.polls.services.setup import ballots_print

# ---------------------------------------------------------------------------------------------
# Ballots.


@require_GET
def ballots(request: HttpRequest, pk: int) -> HttpResponse:
    """The poll's ballots to print: the specimen with the cover page, and each box's numbered
    ballots in files of at most MAX_COPIES."""
    poll = access_poll(current_user(request), pk)
    boxes = [(box, ballot_parts(box)) for box in poll.boxes.all()]
    return render(
        request,
        "polls/ballots.html",
        {"poll": poll, "boxes": boxes, "max_copies": MAX_COPIES},
    )


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise Http404("未找到")
    return int(value)


@require_GET
def ballot_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    poll = access_poll(user, pk)
    box_id, first, last = (_int_param(request, n) for n in ("box", "first", "last"))
    box = get_object_or_404(BallotBox, poll=poll, pk=box_id) if box_id is not None else None
    try:
        if box is None:
            pdf = ballot_pdf(poll)
        else:
            pdf = ballots_print(actor=user, box=box, first=first, last=last)
    except ValidationError as exc:
        messages.error(request, refusal(exc))
        return redirect("polls:ballots", poll.pk)
    if box is not None:
        name = f"ballots-{poll.pk}-{box.pk}-{first or box.serial_from}-{last or box.serial_to}"
    else:
        name = f"ballot-specimen-{poll.pk}"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


# ---------------------------------------------------------------------------------------------
# Display links.


class DisplayLinkForm(forms.Form):
    label = forms.CharField(label="用途", max_length=50, required=False)


def _can_issue(user: Any) -> bool:
    return can(user, Action.MANAGE_POLLS) and len(user.region_id or "") in ISSUING_LEVELS


def _hall_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("polls:hall", args=[token]))


@require_http_methods(["GET", "POST"])
def display_links(request: HttpRequest, pk: int) -> HttpResponse:
    """The poll's display links (never their tokens); a POST issues one and shows its URL this
    once, on a page of its own."""
    user = current_user(request)
    poll = access_poll(user, pk)
    form = DisplayLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            link, token = display_link_issue(
                actor=user, poll=poll, label=form.cleaned_data["label"]
            )
        except ValidationError as exc:
            messages.error(request, refusal(exc))
            return redirect("polls:display_links", poll.pk)
        return render(
            request,
            "polls/display_issued.html",
            {"poll": poll, "link": link, "url": _hall_url(request, token)},
        )
    return render(
        request,
        "polls/display_links.html",
        {"poll": poll, "links": links_of(poll), "form": form, "can_issue": _can_issue(user)},
    )


@require_POST
def display_link_revoke_view(request: HttpRequest, pk: int, link: int) -> HttpResponse:
    user = current_user(request)
    poll = access_poll(user, pk)
    found = get_object_or_404(DisplayLink.objects.select_related("poll"), poll=poll, pk=link)
    found.poll = poll
    try:
        display_link_revoke(actor=user, link=found)
    except ValidationError as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(request, "大屏链接已撤销，使用该链接的屏幕将不再显示计票结果")
    return redirect("polls:display_links", poll.pk)


# ---------------------------------------------------------------------------------------------
# The hall's screen.


def _hall_poll(request: HttpRequest, token: str) -> Poll:
    link = link_for_token(token)
    if link is None:
        raise Http404("未找到")
    if request.user.is_authenticated:
        access_poll(request.user, link.poll_id)  # another region's user: 404, logged
    return link.poll


def _public(response: HttpResponse) -> HttpResponse:
    # Never kept by a cache, never named to another site (the token is in the URL).
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_not_required
@require_GET
def hall(request: HttpRequest, token: str) -> HttpResponse:
    poll = _hall_poll(request, token)
    state = hall_state(poll)
    feed = reverse("polls:hall_feed", args=[token])
    return _public(render(request, "polls/hall.html", {"state": state, "feed_url": feed}))


@login_not_required
@require_GET
def hall_feed(request: HttpRequest, token: str) -> HttpResponse:
    poll = _hall_poll(request, token)
    response = JsonResponse(hall_state(poll), json_dumps_params={"ensure_ascii": False})
    return _public(response)
