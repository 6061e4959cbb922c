"""The roster's pages: one election's body for its term (who holds which post, who left and why,
the seats open with the 主持 rule, the recalls and by-elections), and the forms of a recall's
motion, its vote and a by-election. Reads go through the scoped selectors (404 outside the
user's region); every write is a service of huanjie.rosters.services, whose refusal shows as
its Chinese message, never a 500."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from huanjie.accounts.permissions import Action, can, current_user, in_scope
from huanjie.elections.models import Election, Post
from huanjie.polls.pages import refusal
from huanjie.results.selectors import access_election
from huanjie.rosters.forms import ByElectionForm, RecallForm, RecallVoteForm
from huanjie.rosters.models import Recall, RecallStatus
from huanjie.rosters.selectors import access_recall, roster_cadres, roster_view, today
from huanjie.rosters.services import by_election, common
from huanjie.rosters.services import recall as recalls
from huanjie.rules.messages import VOID_REASONS

POST_LABELS = dict(Post.choices)
MSG_MOTION: str = "已登记对“{name}”的罢免要求，待村民（居民）会议表决"
MSG_MOTION_SHORT: str = "联名人数不足，罢免要求未成立，已记录：{why}"
MSG_RECALLED: str = "罢免通过：“{name}”自{day}起离任"
MSG_NOT_RECALLED: str = "罢免未通过：{why}"
MSG_BY_ELECTION: str = "补选已登记：{who}当选，自{day}起任职至本届任期届满"
MSG_BY_ELECTION_NONE: str = "补选已登记，无人当选：{why}"
MSG_NOBODY: str = "候选人得票未达到当选所需票数"


def _may(user: Any, election: Election) -> bool:
    return can(user, Action.MANAGE_ROSTER) and in_scope(user, election.village.region_id)


def _roster_url(election: Election) -> str:
    return reverse("rosters:election", args=[election.pk])


def _form_refusal(form: forms.Form) -> ValidationError:
    return ValidationError(
        [
            f"{form.fields[name].label}：{error}"
            if name in form.fields and name != "lines"
            else error
            for name, errors in form.errors.items()
            for error in errors
        ]
    )


@require_http_methods(["GET"])
def roster(request: HttpRequest, election_id: int) -> HttpResponse:
    """The roster of `election`'s body for its term."""
    user = current_user(request)
    election = access_election(user, election_id)
    view = roster_view(election)
    waiting = {r.cadre_id for r in view.recalls if r.status == RecallStatus.MOTION}
    return render(
        request,
        "rosters/election.html",
        {
            "election": election,
            "view": view,
            "may": _may(user, election),
            "waiting": waiting,
        },
    )


@require_http_methods(["GET", "POST"])
def recall_create(request: HttpRequest, election_id: int) -> HttpResponse:
    """A recall motion against a cadre in force of this roster."""
    user = current_user(request)
    election = access_election(user, election_id)
    in_force = list(roster_cadres(election).filter(ended_on__isnull=True))
    cadres = [(c.pk, f"{c.get_post_display()} {c.name}") for c in in_force]
    form = RecallForm(request.POST or None, cadres=cadres, initial={"motion_on": today()})
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            cadre = next(c for c in in_force if c.pk == data["cadre"])
            try:
                recall = recalls.recall_motion(
                    actor=user,
                    cadre=cadre,
                    reason=data["reason"],
                    signers=data["signers"],
                    of=data["of"],
                    by_representatives=data["by_representatives"],
                    motion_on=data["motion_on"],
                )
            except ValidationError as exc:
                messages.error(request, refusal(exc))
            else:
                _say_motion(request, recall)
                return redirect(_roster_url(election))
        else:
            messages.error(request, refusal(_form_refusal(form)))
    return render(
        request,
        "rosters/recall_form.html",
        {"election": election, "form": form, "may": _may(user, election), "empty": not in_force},
    )


def _say_motion(request: HttpRequest, recall: Recall) -> None:
    if recall.status == RecallStatus.MOTION:
        messages.success(request, MSG_MOTION.format(name=recall.cadre.name))
    else:
        why = "；".join(recall.judgement.get("motion", {}).get("messages", []))
        messages.warning(request, MSG_MOTION_SHORT.format(why=why))


@require_http_methods(["GET", "POST"])
def recall_vote(request: HttpRequest, pk: int) -> HttpResponse:
    """The vote on a recall motion."""
    user = current_user(request)
    recall = access_recall(user, pk)
    election = common.election_of(recall.cadre)
    form = RecallVoteForm(request.POST or None, initial={"voted_on": today()})
    if request.method == "POST":
        if form.is_valid():
            try:
                recall = recalls.recall_vote(actor=user, recall=recall, **form.cleaned_data)
            except ValidationError as exc:
                messages.error(request, refusal(exc))
            else:
                _say_vote(request, recall)
                if election is not None:
                    return redirect(_roster_url(election))
                return redirect(reverse("rosters:recall_vote", args=[recall.pk]))
        else:
            messages.error(request, refusal(_form_refusal(form)))
    may = can(user, Action.MANAGE_ROSTER) and in_scope(user, recall.cadre.village_id)
    return render(
        request,
        "rosters/recall_vote.html",
        {"recall": recall, "election": election, "form": form, "may": may},
    )


def _say_vote(request: HttpRequest, recall: Recall) -> None:
    vote = recall.judgement.get("vote", {})
    if recall.status == RecallStatus.RECALLED:
        day = recall.voted_on.strftime("%Y年%m月%d日") if recall.voted_on else ""
        messages.success(request, MSG_RECALLED.format(name=recall.cadre.name, day=day))
    else:
        messages.warning(request, MSG_NOT_RECALLED.format(why="；".join(vote.get("messages", []))))


@require_http_methods(["GET", "POST"])
def by_election_create(request: HttpRequest, election_id: int) -> HttpResponse:
    """A by-election of a seat open on this roster, counted by the engine."""
    user = current_user(request)
    election = access_election(user, election_id)
    posts = [(p, POST_LABELS[p]) for p in election.posts.values_list("post", flat=True)]
    view = roster_view(election)
    initial: dict[str, Any] = {"held_on": today(), "seats": 1}
    if view.open:
        initial["post"] = view.open[0].seat.post
    form = ByElectionForm(request.POST or None, posts=posts, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            candidates, votes = data.pop("lines")
            try:
                row = by_election.by_election_record(
                    actor=user, election=election, candidates=candidates, votes=votes, **data
                )
            except ValidationError as exc:
                messages.error(request, refusal(exc))
            else:
                _say_by_election(request, row)
                return redirect(_roster_url(election))
        else:
            messages.error(request, refusal(_form_refusal(form)))
    return render(
        request,
        "rosters/by_election_form.html",
        {"election": election, "form": form, "may": _may(user, election), "view": view},
    )


def _say_by_election(request: HttpRequest, row: Any) -> None:
    winners = [c.name for c in row.cadres.all()]
    if winners:
        day = row.held_on.strftime("%Y年%m月%d日")
        messages.success(request, MSG_BY_ELECTION.format(who="、".join(winners), day=day))
        return
    out = row.engine_output
    why = "；".join(VOID_REASONS.get(r, r) + "，选举无效" for r in out.get("reasons", []))
    messages.warning(request, MSG_BY_ELECTION_NONE.format(why=why or MSG_NOBODY))


__all__ = ["by_election_create", "recall_create", "recall_vote", "roster"]
