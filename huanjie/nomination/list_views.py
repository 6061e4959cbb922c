"""The list pages of an election: its posts, each post's nominees in list order with their
stage, the 两述, the publicity periods and their objections, the verdict on fixing each list
(shown before fixing), the fixing, 递补 and unfixing, and the candidate notice PDF. Every URL is
scoped by the election's village: an election outside the user's region answers 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from huanjie.accounts.permissions import Action, current_user, get_scoped_or_404, require
from huanjie.elections.models import Campaign, Election, ElectionPost, NominationMethod
from huanjie.elections.selectors import access_campaign
from huanjie.nomination import lists
from huanjie.nomination.list_forms import (
    QUESTION_ROWS,
    DecideForm,
    FixForm,
    ObjectionForm,
    PublicityForm,
    ReasonForm,
    StatementForm,
)
from huanjie.nomination.models import (
    CandidateList,
    Nominee,
    Publicity,
    PublicityObjection,
    Stage,
    Statement,
)
from huanjie.nomination.notices import candidate_notice_pdf

ELECTION_FIELD = "village__region__code"


def _election(request: HttpRequest, pk: int, election: int) -> tuple[Campaign, Election]:
    campaign = access_campaign(request.user, pk)
    found = get_scoped_or_404(
        request.user,
        Election.objects.filter(village__campaign=campaign).select_related(
            "village", "village__region", "village__region__parent", "village__campaign"
        ),
        Action.VIEW_CAMPAIGNS,
        field=ELECTION_FIELD,
        pk=election,
    )
    return campaign, found


def _back(campaign: Campaign, election: Election) -> str:
    return reverse("nomination:lists", args=[campaign.pk, election.pk])


def _act(
    request: HttpRequest,
    back: str,
    form: Any,
    write: Callable[[dict[str, Any]], object],
    ok: str,
) -> HttpResponse:
    """A POST button of the list page: the form's errors or the service's refusal as a
    message, else `ok`; back to the list page either way."""
    if not form.is_valid():
        messages.error(request, "；".join(m for errs in form.errors.values() for m in errs))
        return redirect(back)
    try:
        write(form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, ok)
    return redirect(back)


def _post_of(election: Election, post_pk: int) -> ElectionPost:
    try:
        return election.posts.get(pk=post_pk)
    except (ElectionPost.DoesNotExist, ValueError) as exc:
        raise Http404("未找到") from exc


def _crumbs(campaign: Campaign, election: Election, *tail: tuple[str, str | None]) -> list[Any]:
    return [
        ("提名与候选人", reverse("nomination:index")),
        (campaign.name, reverse("nomination:home", args=[campaign.pk])),
        (str(election), reverse("nomination:lists", args=[campaign.pk, election.pk])),
        *tail,
    ]


@require_http_methods(["GET"])
def election_lists(request: HttpRequest, pk: int, election: int) -> HttpResponse:
    campaign, found = _election(request, pk, election)
    user = current_user(request)
    can_manage = lists.in_area(user, found)
    posts = []
    for post in found.posts.all().order_by("pk"):
        candidate_list = lists.list_of(post)
        fixed = candidate_list is not None and candidate_list.fixed
        verdict = None if fixed else lists.list_verdict(post)
        nominees = list(
            Nominee.objects.filter(post=post).select_related("person").order_by("order")
        )
        if fixed:
            assert candidate_list is not None
            place = {e.nominee_id: e.position for e in candidate_list.entries.all()}
            nominees.sort(key=lambda n: (place.get(n.pk, 10_000), n.order))
        elif verdict is not None:
            place = {n.pk: i for i, n in enumerate(verdict.candidates)}
            nominees.sort(key=lambda n: (place.get(n.pk, 10_000), n.order))
        posts.append(
            {
                "post": post,
                "list": candidate_list,
                "fixed": fixed,
                "verdict": verdict,
                "nominees": nominees,
                "on_list": set(place) if (fixed or verdict) else set(),
                "open_withdrawals": (
                    list(lists.open_withdrawals(candidate_list)) if fixed and candidate_list else []
                ),
                "history": list(candidate_list.history.all()) if candidate_list else [],
            }
        )
    statements = (
        Statement.objects.filter(nominee__election=found)
        .select_related("nominee__person")
        .prefetch_related("questions")
        .order_by("held_on", "pk")
    )
    publicities = (
        Publicity.objects.filter(election=found)
        .select_related("post")
        .prefetch_related("objections__nominee__person")
        .order_by("starts_on", "pk")
    )
    all_fixed = bool(posts) and all(p["fixed"] for p in posts)
    return render(
        request,
        "nomination/lists/election.html",
        {
            "campaign": campaign,
            "election": found,
            "posts": posts,
            "statements": statements,
            "publicities": publicities,
            "can_manage": can_manage,
            "county": len(user.region_id or "") == 6,
            "all_fixed": all_fixed,
            # The 乡镇党委票决 and 党员+群众推荐 columns belong to the Party's 三推 alone.
            "three": found.nomination_method == NominationMethod.THREE_RECOMMENDATIONS,
            "fix_form": FixForm(),
            "decide_form": DecideForm(),
            "stage_formal": Stage.FORMAL,
            "breadcrumbs": _crumbs(campaign, found),
        },
    )


def _manage(request: HttpRequest, pk: int, election: int) -> tuple[Campaign, Election]:
    campaign, found = _election(request, pk, election)
    require(request.user, Action.MANAGE_NOMINATION)
    return campaign, found


@require_http_methods(["POST"])
def list_fix(request: HttpRequest, pk: int, election: int, post: int) -> HttpResponse:
    campaign, found = _manage(request, pk, election)
    target = _post_of(found, post)
    return _act(
        request,
        _back(campaign, found),
        FixForm(request.POST),
        lambda data: lists.list_fix(
            actor=current_user(request), post=target, order=data["order"] or ""
        ),
        f"{target.get_post_display()}的正式候选人名单已确定",
    )


def _list_of(found: Election, post: int) -> CandidateList:
    target = _post_of(found, post)
    candidate_list = lists.list_of(target)
    if candidate_list is None:
        raise Http404("未找到")
    return candidate_list


@require_http_methods(["POST"])
def list_unfix(request: HttpRequest, pk: int, election: int, post: int) -> HttpResponse:
    campaign, found = _manage(request, pk, election)
    candidate_list = _list_of(found, post)
    return _act(
        request,
        _back(campaign, found),
        ReasonForm(request.POST),
        lambda data: lists.list_unfix(
            actor=current_user(request), candidate_list=candidate_list, reason=data["reason"]
        ),
        "已撤销确定",
    )


@require_http_methods(["POST"])
def list_fill(request: HttpRequest, pk: int, election: int, post: int) -> HttpResponse:
    campaign, found = _manage(request, pk, election)
    candidate_list = _list_of(found, post)
    return _act(
        request,
        _back(campaign, found),
        ReasonForm(request.POST),
        lambda data: lists.list_fill(
            actor=current_user(request), candidate_list=candidate_list, reason=data["reason"]
        ),
        "已递补",
    )


def _form_page(
    request: HttpRequest,
    campaign: Campaign,
    found: Election,
    form: Any,
    *,
    heading: str,
    crumb: str,
    write: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """A form of the list page: on a valid POST, `write` (a service call) with the cleaned
    data, its refusals shown on the form, and back to the list page; else the form."""
    if request.method == "POST" and form.is_valid():
        try:
            write(form.cleaned_data)
        except ValidationError as exc:
            for m in exc.messages:
                form.add_error(None, m)
        else:
            messages.success(request, done)
            return redirect(_back(campaign, found))
    return render(
        request,
        "nomination/lists/form.html",
        {
            "campaign": campaign,
            "election": found,
            "form": form,
            "heading": heading,
            "breadcrumbs": _crumbs(campaign, found, (crumb, None)),
        },
    )


@require_http_methods(["GET", "POST"])
def statement_add(request: HttpRequest, pk: int, election: int, nominee: int) -> HttpResponse:
    campaign, found = _manage(request, pk, election)
    try:
        target = found.nominees.select_related("person", "post").get(pk=nominee)
    except (Nominee.DoesNotExist, ValueError) as exc:
        raise Http404("未找到") from exc

    def write(data: dict[str, Any]) -> object:
        questions = [
            lists.QuestionIn(data[f"q{i}"], data[f"q{i}_by"], data[f"q{i}_answer"])
            for i in range(1, QUESTION_ROWS + 1)
            if data[f"q{i}"] or data[f"q{i}_by"] or data[f"q{i}_answer"]
        ]
        return lists.statement_record(
            actor=current_user(request),
            nominee=target,
            held_on=data["held_on"],
            place=data["place"],
            summary=data["summary"],
            questions=questions,
        )

    return _form_page(
        request,
        campaign,
        found,
        StatementForm(request.POST or None),
        heading=f"记录两述：{target.person.name}（{target.post.get_post_display()}）",
        crumb="记录两述",
        write=write,
        done=f"{target.person.name}的两述已记录",
    )


@require_http_methods(["GET", "POST"])
def publicity_add(request: HttpRequest, pk: int, election: int) -> HttpResponse:
    campaign, found = _manage(request, pk, election)
    post_choices = [(str(p.pk), p.get_post_display()) for p in found.posts.all().order_by("pk")]

    def write(data: dict[str, Any]) -> object:
        post = _post_of(found, int(data["post"])) if data["post"] else None
        return lists.publicity_open(
            actor=current_user(request),
            election=found,
            subject=data["subject"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            post=post,
        )

    return _form_page(
        request,
        campaign,
        found,
        PublicityForm(request.POST or None, posts=post_choices),
        heading="登记公示",
        crumb="登记公示",
        write=write,
        done="公示已登记",
    )


def _publicity(found: Election, publicity: int) -> Publicity:
    try:
        return found.publicities.select_related("post").get(pk=publicity)
    except (Publicity.DoesNotExist, ValueError) as exc:
        raise Http404("未找到") from exc


@require_http_methods(["GET", "POST"])
def objection_add(request: HttpRequest, pk: int, election: int, publicity: int) -> HttpResponse:
    campaign, found = _manage(request, pk, election)
    pub = _publicity(found, publicity)
    nominees = Nominee.objects.filter(election=found).select_related("person", "post")
    if pub.post_id is not None:
        nominees = nominees.filter(post_id=pub.post_id)
    choices = [(str(n.pk), f"{n.person.name}（{n.post.get_post_display()}）") for n in nominees]

    def write(data: dict[str, Any]) -> object:
        about = nominees.get(pk=int(data["nominee"])) if data["nominee"] else None
        return lists.objection_receive(
            actor=current_user(request),
            publicity=pub,
            received_on=data["received_on"],
            from_name=data["from_name"],
            content=data["content"],
            nominee=about,
        )

    return _form_page(
        request,
        campaign,
        found,
        ObjectionForm(request.POST or None, nominees=choices),
        heading=f"登记公示期间反映的问题：{pub}",
        crumb="登记反映的问题",
        write=write,
        done="反映的问题已登记",
    )


@require_http_methods(["POST"])
def objection_decide(request: HttpRequest, pk: int, election: int, objection: int) -> HttpResponse:
    campaign, found = _manage(request, pk, election)
    try:
        target = PublicityObjection.objects.select_related("publicity__election").get(
            pk=objection, publicity__election=found
        )
    except (PublicityObjection.DoesNotExist, ValueError) as exc:
        raise Http404("未找到") from exc
    return _act(
        request,
        _back(campaign, found),
        DecideForm(request.POST),
        lambda data: lists.objection_decide(actor=current_user(request), objection=target, **data),
        "处理结果已登记",
    )


@require_http_methods(["GET"])
def notice_pdf(request: HttpRequest, pk: int, election: int) -> HttpResponse:
    campaign, found = _election(request, pk, election)
    try:
        pdf = candidate_notice_pdf(found)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(_back(campaign, found))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="candidates-{found.pk}.pdf"'
    return response
