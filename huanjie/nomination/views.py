"""The nominee pages: per campaign the villages with their elections and how many nominees are
at each stage; per election its nominees; a nomination (the person picked from the village's
roll by name or by ID number); per nominee its history and one form per move. Every write is a
service of `nomination.services`; its refusal shows as a Chinese message, never a 500. An
election or nominee outside the user's region answers 404 like a missing one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from huanjie.accounts.permissions import Action, can, current_user, require
from huanjie.elections.models import Body, Campaign, Election, NominationMethod
from huanjie.elections.selectors import (
    access_campaign,
    campaign_villages_visible_to,
    campaigns_visible_to,
)
from huanjie.nomination import forms, services
from huanjie.nomination import selectors_nominees as selectors
from huanjie.nomination.models import Nominee, Stage
from huanjie.regions.subtotals import (
    Column,
    filter_villages,
    list_xlsx,
    subtotals_for,
    wants_xlsx,
)

CRUMB_ROOT = ("提名与候选人", None)


def _crumbs(campaign: Campaign, *tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [
        CRUMB_ROOT,
        ("换届列表", reverse("nomination:index")),
        (campaign.name, reverse("nomination:home", args=[campaign.pk])),
        *tail,
    ]


def _election_url(election: Election) -> str:
    return reverse("nomination:election", args=[election.village.campaign_id, election.pk])


def _election_crumbs(election: Election, *tail: tuple[str, str | None]) -> list[Any]:
    entry = election.village
    return _crumbs(
        entry.campaign,
        (
            f"{entry.region.display_name} · {election.get_body_display()}",
            _election_url(election) if tail else None,
        ),
        *tail,
    )


def manage_refusal(user: Any, election: Election) -> str:
    """Why `user` may not manage the nominees of `election` ("" when they may): what the
    services would answer, shown on the page instead of forms that can only be refused."""
    if not can(user, Action.MANAGE_NOMINATION):
        return services.MSG_NOT_ALLOWED
    if election.body == Body.PARTY and len(user.region_id or "") > 9:
        return services.MSG_PARTY_BY_TOWN
    if election.village.campaign.purged:
        return "该换届的个人信息已删除，数据只读"
    return ""


def is_review_officer(user: Any) -> bool:
    """The review's conclusions (qualified, disqualified) are the county's joint review's."""
    return can(user, Action.MANAGE_REVIEW) and len(user.region_id or "") == 6


@require_http_methods(["GET"])
def index(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_CAMPAIGNS)
    return render(
        request,
        "nomination/index.html",
        {
            "campaigns": campaigns_visible_to(request.user).order_by("-window_start"),
            "breadcrumbs": [CRUMB_ROOT, ("换届列表", None)],
        },
    )


# What a county sees per town above the villages' nominations.
NOMINATION_SUBTOTALS = (
    Column("纳入村(社区)"),
    Column("已设置选举", Q(elections__isnull=False)),
    Column("已有提名人选", Q(elections__nominees__isnull=False)),
    Column("已确定候选人名单", Q(elections__posts__candidate_list__status="fixed")),
)


def _home_xlsx(request: HttpRequest, campaign: Any, entries: Any) -> HttpResponse:
    """Every election of the filtered villages with its nominees per stage."""
    elections = list(
        selectors.elections_visible_to(request.user, campaign)
        .filter(village__in=entries)
        .select_related("village__region")
        .order_by("village__region_id", "body")
    )
    counts = selectors.stage_counts(elections)
    return list_xlsx(
        f"{campaign.name}提名情况",
        ("区划代码", "村(社区)", "选举", "提名方式", *(s.label for s in selectors.STAGE_ORDER)),
        elections,
        lambda e: (
            e.village.region_id,
            e.village.region.display_name,
            e.get_body_display(),
            e.get_nomination_method_display(),
            *(counts[e.pk].get(s, 0) for s in selectors.STAGE_ORDER),
        ),
    )


@require_http_methods(["GET"])
def home(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk)
    entries = campaign_villages_visible_to(request.user, campaign).filter(included=True)
    subtotals = subtotals_for(request.user, entries, NOMINATION_SUBTOTALS)
    entries, q, town = filter_villages(request, entries)
    if wants_xlsx(request):
        return _home_xlsx(request, campaign, entries)
    page = Paginator(entries.order_by("region_id"), 50).get_page(request.GET.get("page"))
    elections = list(
        selectors.elections_visible_to(request.user, campaign).filter(
            village__in=list(page.object_list)
        )
    )
    counts = selectors.stage_counts(elections)
    user_area = current_user(request).region_id or ""
    if not user_area.startswith(campaign.region_id):
        user_area = ""
    by_village: dict[int, list[Any]] = {}
    for e in elections:
        cells = [counts[e.pk].get(s, 0) for s in selectors.STAGE_ORDER]
        by_village.setdefault(e.village_id, []).append((e, cells))
    rows = [(entry, by_village.get(entry.pk, [])) for entry in page.object_list]
    return render(
        request,
        "nomination/home.html",
        {
            "campaign": campaign,
            "page_obj": page,
            "rows": rows,
            "subtotals": subtotals,
            "q": q,
            "town": town,
            "stages": [s.label for s in selectors.STAGE_ORDER],
            # The nominee file of the user's own area (a county, a town or a village).
            "import_area": user_area if can(request.user, Action.MANAGE_NOMINATION) else "",
            # The progress board of the user's own county or town.
            "board_area": user_area if len(user_area) in (6, 9) else "",
            "breadcrumbs": [
                CRUMB_ROOT,
                ("换届列表", reverse("nomination:index")),
                (campaign.name, None),
            ],
        },
    )


@require_http_methods(["GET"])
def election_detail(request: HttpRequest, pk: int, election: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk)
    obj = selectors.access_election(request.user, campaign, election)
    nominees = list(selectors.nominees_of(obj))
    return render(
        request,
        "nomination/election.html",
        {
            "campaign": campaign,
            "election": obj,
            "posts": list(obj.posts.all()),
            "nominees": nominees,
            "refusal": manage_refusal(request.user, obj),
            "breadcrumbs": _election_crumbs(obj),
        },
    )


@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, pk: int, election: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk)
    obj = selectors.access_election(request.user, campaign, election)
    require(request.user, Action.MANAGE_NOMINATION)
    refusal = manage_refusal(request.user, obj)
    # The search is posted: an ID number never goes into an address (and so the logs), and
    # is never echoed back into the page.
    searching = request.method == "POST" and "search" in request.POST
    q = request.POST.get("q", "").strip()[:50] if searching else ""
    found = selectors.find_people(request.user, obj.village, q) if q else []
    shown_q = "" if any(ch.isdigit() for ch in q) else q
    bound = request.method == "POST" and not searching
    form = forms.ProposeForm(request.POST if bound else None, election=obj)
    if bound and form.is_valid():
        data = form.cleaned_data
        person = selectors.person_of_village(obj.village, pk=data["person"])
        post = obj.posts.filter(pk=int(data["post"])).first()
        try:
            if person is None:
                raise ValidationError("被提名人须是本村(社区)本次换届的登记选民或本村党组织的党员")
            if post is None:
                raise ValidationError(services.MSG_POST_OTHER_ELECTION)
            nominee = services.nominee_propose(
                actor=current_user(request),
                election=obj,
                post=post,
                person=person,
                how_nominated=data["how_nominated"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, f"已提名{nominee.person.name}（{nominee.person.id_masked}）为初步人选"
            )
            return redirect(_election_url(obj))
    return render(
        request,
        "nomination/propose.html",
        {
            "campaign": campaign,
            "election": obj,
            "form": form,
            "q": shown_q,
            "found": found,
            "searched": searching,
            "refusal": refusal,
            "breadcrumbs": _election_crumbs(obj, ("提名", None)),
        },
    )


# ---------------------------------------------------------------------------------------------
# The moves of a nominee.


@dataclass(frozen=True)
class Move:
    name: str
    label: str
    to: str
    form: type[django_forms.Form]
    review: bool = False  # the joint review's conclusion: county officers only
    tone: str = "primary"


MOVES: dict[str, Move] = {
    m.name: m
    for m in (
        Move("send_to_review", "送资格审查", Stage.UNDER_REVIEW, forms.ReasonForm),
        Move("qualify", "资格审查通过", Stage.QUALIFIED, forms.ReasonForm, review=True),
        Move(
            "disqualify",
            "资格审查未通过",
            Stage.DISQUALIFIED,
            forms.DisqualifyForm,
            review=True,
            tone="danger",
        ),
        Move("recommend", "确定为民主推荐人选", Stage.RECOMMENDED, forms.RecommendForm),
        Move("preselect", "确定为预备人选", Stage.PRESELECTED, forms.PreselectForm),
        Move("make_formal", "确定为正式候选人", Stage.FORMAL, forms.ReasonForm, tone="success"),
        Move("withdraw", "退出", Stage.WITHDRAWN, forms.WithdrawForm, tone="danger"),
    )
}

MSG_REVIEW_ONLY = "资格审查结论由县级资格联审作出"
MSG_FINDING_HIDDEN = "资格审查未通过（具体情形由县级资格联审掌握）"


def moves_for(user: Any, nominee: Nominee) -> list[Move]:
    """The moves the page offers `user` for `nominee`: those of the table from its stage that
    its election's method has, the review's conclusions to county officers only."""
    if manage_refusal(user, nominee.election):
        return []
    method = nominee.election.nomination_method
    three = method == NominationMethod.THREE_RECOMMENDATIONS
    # Once the campaign's joint review is set up, its clearance qualifies (huanjie.review).
    by_review = nominee.stage == Stage.UNDER_REVIEW and bool(
        services.qualification_refusal(nominee)
    )
    offered = []
    for move in MOVES.values():
        if (nominee.stage, move.to) not in services.TRANSITIONS:
            continue
        if move.review and (by_review or not is_review_officer(user)):
            continue
        if move.name in ("recommend", "preselect") and not three:
            continue
        if move.name == "make_formal" and (
            method == NominationMethod.SELF_NOMINATED
            or (three and nominee.stage != Stage.PRESELECTED)
        ):
            continue
        offered.append(move)
    return offered


@require_http_methods(["GET"])
def nominee_detail(request: HttpRequest, pk: int, nominee: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk)
    obj = selectors.access_nominee(request.user, campaign, nominee)
    moves = [(m, m.form(prefix=m.name)) for m in moves_for(request.user, obj)]
    return render(
        request,
        "nomination/nominee.html",
        {
            "campaign": campaign,
            "nominee": obj,
            "election": obj.election,
            "history": obj.history.select_related("actor").order_by("id"),
            "moves": moves,
            "review_note": services.qualification_refusal(obj)
            if obj.stage == Stage.UNDER_REVIEW
            else [],
            # Where the nominee's joint review stands, with its page's link (huanjie.review).
            "review_status": services.review_status(obj, request.user),
            "refusal": manage_refusal(request.user, obj.election),
            # SECURITY.md P8: what the review found is read by the county's joint review
            # only; everybody else sees that the nominee did not pass.
            "reads_findings": is_review_officer(request.user),
            "finding_hidden": MSG_FINDING_HIDDEN,
            "breadcrumbs": _election_crumbs(obj.election, (obj.person.name, None)),
        },
    )


def _run(move: Move, actor: Any, nominee: Nominee, data: dict[str, Any]) -> Nominee:
    reason = data.get("reason", "")
    if move.name == "send_to_review":
        return services.nominee_send_to_review(actor=actor, nominee=nominee, reason=reason)
    if move.name == "qualify":
        return services.nominee_qualify(actor=actor, nominee=nominee, reason=reason)
    if move.name == "disqualify":
        return services.nominee_disqualify(
            actor=actor, nominee=nominee, reason=reason, cannot_stand=data["cannot_stand"]
        )
    if move.name == "recommend":
        return services.nominee_recommend(
            actor=actor,
            nominee=nominee,
            member_votes=data["member_votes"],
            mass_votes=data["mass_votes"],
            reason=reason,
        )
    if move.name == "preselect":
        return services.nominee_preselect(
            actor=actor, nominee=nominee, committee_votes=data["committee_votes"], reason=reason
        )
    if move.name == "make_formal":
        return services.nominee_make_formal(actor=actor, nominee=nominee, reason=reason)
    return services.nominee_withdraw(actor=actor, nominee=nominee, reason=reason)


@require_POST
def nominee_move(request: HttpRequest, pk: int, nominee: int, move: str) -> HttpResponse:
    campaign = access_campaign(request.user, pk)
    obj = selectors.access_nominee(request.user, campaign, nominee)
    require(request.user, Action.MANAGE_NOMINATION)
    back = redirect("nomination:nominee", pk=campaign.pk, nominee=obj.pk)
    spec = MOVES.get(move)
    if spec is None:
        messages.error(request, "没有这项操作")
        return back
    form = spec.form(request.POST, prefix=spec.name)
    try:
        if spec.review and not is_review_officer(request.user):
            raise ValidationError(MSG_REVIEW_ONLY)
        if not form.is_valid():
            raise ValidationError(
                [
                    f"{form.fields[k].label if k in form.fields else ''}：{e}".lstrip("：")
                    for k, errors in form.errors.items()
                    for e in errors
                ]
            )
        _run(spec, current_user(request), obj, form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, f"{obj.person.name}：{'；'.join(exc.messages)}")
    else:
        messages.success(request, f"{obj.person.name}：{spec.label}")
    return back
