"""The pages of an election's polls: the list per election (with the first poll and a
rehearsal to create) and one poll's page (its state, ballot, set-up, count, numbered checks,
closing and frozen result, and the polls that follow)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from huanjie.accounts.permissions import Action, can, current_user, in_scope
from huanjie.elections.models import Body
from huanjie.lib.dates import cn_date
from huanjie.polls.models import CheckExplanation, Poll, PollStatus
from huanjie.polls.pages import run
from huanjie.polls.selectors import access_election, access_poll, polls_of
from huanjie.polls.services import closing, lifecycle
from huanjie.regions.subtotals import (
    Column,
    filter_villages,
    list_xlsx,
    subtotals_for,
    wants_xlsx,
)


def _act(request: HttpRequest, back: str, write: Callable[[], object], ok: str) -> HttpResponse:
    """A POST button: one service (polls.pages.run), then back to `back`."""

    def action() -> str:
        write()
        return ok

    run(request, action)
    return redirect(back)


def _may(user: Any, poll_or_election: Any, action: Action) -> bool:
    election = getattr(poll_or_election, "election", poll_or_election)
    return can(user, action) and in_scope(user, election.village.region_id)


@require_http_methods(["GET"])
def index(request: HttpRequest) -> HttpResponse:
    """The committee elections in the user's area that are ready for election day (every
    list fixed, or a poll made), with their polls: where election day's work starts."""
    user = current_user(request)
    from django.core.paginator import Paginator
    from django.db.models import Exists, OuterRef

    from huanjie.accounts.permissions import scoped
    from huanjie.elections.models import Election
    from huanjie.nomination.models import CandidateList, ListStatus

    fixed = CandidateList.objects.filter(post__election=OuterRef("pk"), status=ListStatus.FIXED)
    ready = scoped(
        user,
        Election.objects.filter(
            Exists(fixed) | Exists(Poll.objects.filter(election=OuterRef("pk")))
        )
        .exclude(body=Body.COOPERATIVE)
        .select_related("village", "village__region", "village__campaign")
        .order_by("-village__campaign__window_start", "village__region_id", "body"),
        Action.VIEW_CAMPAIGNS,
        field="village__region__code",
    )
    code = "village__region_id"
    official = Q(polls__rehearsal=False)
    subtotals = subtotals_for(
        user,
        ready,
        (
            Column("选举"),
            Column("已建立投票", official),
            Column("投票中", official & Q(polls__status=PollStatus.VOTING)),
            Column("计票中", official & Q(polls__status=PollStatus.COUNTING)),
            Column("已结束", official & Q(polls__status=PollStatus.CLOSED)),
        ),
        code_field=code,
    )
    ready, q, town = filter_villages(
        request, ready, code_field=code, name_field="village__region__name"
    )
    if wants_xlsx(request):
        return _index_xlsx(ready)
    page = Paginator(ready, 50).get_page(request.GET.get("page"))
    polls: dict[int, list[Poll]] = {}
    for p in Poll.objects.filter(election__in=[e.pk for e in page]).order_by("number"):
        polls.setdefault(p.election_id, []).append(p)
    rows = [(e, polls.get(e.pk, [])) for e in page]
    return render(
        request,
        "polls/index.html",
        {"rows": rows, "page_obj": page, "q": q, "town": town, "subtotals": subtotals},
    )


def _poll_label(p: Poll) -> str:
    return f"{'演练·' if p.rehearsal else ''}第{p.number}轮{p.get_kind_display()}（{p.get_status_display()}）"


def _index_xlsx(elections: Any) -> HttpResponse:
    polls: dict[int, list[Poll]] = {}
    for p in Poll.objects.filter(election__in=elections).order_by("number"):
        polls.setdefault(p.election_id, []).append(p)
    return list_xlsx(
        "投票与计票",
        ("换届", "区划代码", "村(社区)", "选举", "选举日", "投票"),
        elections,
        lambda e: (
            e.village.campaign.name,
            e.village.region_id,
            e.village.region.display_name,
            e.get_body_display(),
            cn_date(e.village.election_date) if e.village.election_date else "未定",
            "；".join(_poll_label(p) for p in polls.get(e.pk, [])) or "尚未建立",
        ),
    )


@require_http_methods(["GET"])
def election_polls(request: HttpRequest, election_id: int) -> HttpResponse:
    user = current_user(request)
    election = access_election(user, election_id)
    return render(
        request,
        "polls/election.html",
        {
            "election": election,
            "polls": polls_of(election),
            "can_manage": _may(user, election, Action.MANAGE_POLLS),
            "modes": lifecycle.RESIDENT_MODES if election.body == Body.RESIDENTS else {},
            "party": election.body == Body.PARTY,
            "committee": lifecycle.committee_elected(election)
            if election.body == Body.PARTY
            else [],
        },
    )


@require_POST
def committee_meeting_create(request: HttpRequest, election_id: int) -> HttpResponse:
    """The new Party committee's plenary electing the secretary (and a deputy)."""
    user = current_user(request)
    election = access_election(user, election_id)
    members = {str(p.pk): p for p in lifecycle.committee_elected(election)}
    back = reverse("polls:election", args=[election.pk])
    made: list[Poll] = []

    def write() -> None:
        secretary = members.get(request.POST.get("secretary", ""))
        if secretary is None:
            raise ValidationError("请选择书记候选人")
        made.append(
            lifecycle.poll_create_committee_meeting(
                actor=user,
                election=election,
                secretary=secretary,
                deputy=members.get(request.POST.get("deputy", "")),
            )
        )

    response = _act(request, back, write, "已建立委员会全体会议")
    return redirect("polls:detail", pk=made[0].pk) if made else response


@require_POST
def poll_create(request: HttpRequest, election_id: int) -> HttpResponse:
    user = current_user(request)
    election = access_election(user, election_id)
    rehearsal = request.POST.get("rehearsal") == "1"
    seats = request.POST.get("committee_seats", "").strip()
    back = reverse("polls:election", args=[election.pk])
    made: list[Poll] = []

    def write() -> None:
        committee_seats = None
        if seats:
            if not seats.isdigit():
                raise ValidationError("委员会职数应为正整数")
            committee_seats = int(seats)
        made.append(
            lifecycle.poll_create_first(
                actor=user,
                election=election,
                rehearsal=rehearsal,
                mode=request.POST.get("mode", ""),
                committee_seats=committee_seats,
                committee_elects=request.POST.get("committee_elects") == "1",
            )
        )

    response = _act(request, back, write, "已建立演练投票" if rehearsal else "已建立第一次投票")
    if made:
        return redirect("polls:detail", pk=made[0].pk)
    return response


@require_http_methods(["GET"])
def poll_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    poll = access_poll(user, pk)
    findings: list[Any] = []
    problems: list[str] = []
    if poll.status == PollStatus.COUNTING:
        findings = closing.poll_findings(poll)
        problems = closing.closing_problems(poll)
    explained = {
        (e.code, e.box): e for e in CheckExplanation.objects.filter(poll=poll).select_related("by")
    }
    for f in findings:
        f_key = (f.code, f.box or "")
        setattr_ok = explained.get(f_key)
        f.__dict__["explanation"] = setattr_ok  # frozen dataclasses refuse setattr
    posts = list(poll.posts.prefetch_related("candidates").order_by("position"))
    result = poll.engine_output or {}
    return render(
        request,
        "polls/detail.html",
        {
            "poll": poll,
            "posts": posts,
            "boxes": list(poll.boxes.order_by("position", "id")),
            "history": list(poll.history.select_related("actor")),
            "findings": findings,
            "problems": problems,
            "explained": explained,
            "result": result,
            "result_posts": _result_posts(result),
            "following": list(poll.followed_by.order_by("number")),
            "can_manage": _may(user, poll, Action.MANAGE_POLLS),
            "can_coordinate": _may(user, poll, Action.COORDINATE_COUNT),
            "can_enter": _may(user, poll, Action.ENTER_COUNT),
            "short_hash": poll.engine_hash[:12],
        },
    )


def _result_posts(result: dict[str, Any]) -> list[dict[str, Any]]:
    from huanjie.rules.messages import POST_NAMES

    out = []
    for post in result.get("posts", []):
        out.append(
            {
                "label": POST_NAMES.get(post["post"], post["post"]),
                "seats": post["seats"],
                "threshold": post["threshold"],
                "votes": list(post["votes"].items()),
                "elected": post["elected"],
                "open": post["open"],
            }
        )
    return out


class _ExplainForm(forms.Form):
    code = forms.CharField(max_length=10)
    box = forms.CharField(max_length=30, required=False)
    text = forms.CharField(max_length=500)


@require_POST
def poll_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The buttons of the poll page: open voting, start counting, cancel, explain, close."""
    user = current_user(request)
    poll = access_poll(user, pk)
    back = reverse("polls:detail", args=[poll.pk])
    if action == "open":
        typed = request.POST.get("electorate", "").strip()
        electorate = int(typed) if typed.isdigit() else None
        return _act(
            request,
            back,
            lambda: lifecycle.poll_open_voting(actor=user, poll=poll, electorate=electorate),
            "投票开始",
        )
    if action == "count":
        return _act(
            request, back, lambda: lifecycle.poll_start_counting(actor=user, poll=poll), "开始计票"
        )
    if action == "cancel":
        reason = request.POST.get("reason", "")
        return _act(
            request,
            back,
            lambda: lifecycle.poll_cancel(actor=user, poll=poll, reason=reason),
            "投票已取消",
        )
    if action == "explain":
        form = _ExplainForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请填写说明")
            return redirect(back)
        data = form.cleaned_data
        return _act(
            request,
            back,
            lambda: closing.check_explain(
                actor=user, poll=poll, code=data["code"], box=data["box"], text=data["text"]
            ),
            "说明已记录",
        )
    if action == "close":
        return _act(
            request,
            back,
            lambda: closing.poll_close(actor=user, poll=poll),
            "投票已结束，结果已生成",
        )
    messages.error(request, "未知操作")
    return redirect(back)
