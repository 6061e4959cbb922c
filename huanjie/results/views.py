"""The results' own pages: the elections of the user's area with a result (closed official
polls), and one election's result: its outcome, what still holds certification, the buttons of
the town's and the county's certification, and every version with its history."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from huanjie.accounts.permissions import Action, can, current_user, in_scope, scope_code, scoped
from huanjie.elections.models import Election, Post
from huanjie.lib.dates import cn_date
from huanjie.polls.models import Poll, PollStatus
from huanjie.polls.pages import run
from huanjie.regions.subtotals import (
    Column,
    filter_villages,
    list_xlsx,
    subtotals_for,
    wants_xlsx,
)
from huanjie.results import canonical
from huanjie.results.models import ResultHistory, ResultVersion, VersionStatus
from huanjie.results.selectors import access_election, access_version
from huanjie.results.services import certify

POST_LABELS = dict(Post.choices)


def _may(user: Any, election: Election, action: Action) -> bool:
    return can(user, action) and in_scope(user, election.village.region_id)


@require_http_methods(["GET"])
def index(request: HttpRequest) -> HttpResponse:
    """The elections of the user's area with a closed official poll, the state of each result:
    where the town and the county find what waits for them."""
    user = current_user(request)
    closed = Poll.objects.filter(election=OuterRef("pk"), rehearsal=False, status=PollStatus.CLOSED)
    elections = scoped(
        user,
        Election.objects.filter(Exists(closed))
        .select_related("village", "village__region", "village__campaign")
        .order_by("-village__campaign__window_start", "village__region_id", "body"),
        Action.VIEW_CAMPAIGNS,
        field="village__region__code",
    )
    code = "village__region_id"
    subtotals = subtotals_for(
        user,
        elections,
        (
            Column("已结束投票的选举"),
            Column("待乡镇确认", ~Q(result__versions__status__in=_LIVE)),
            Column("待县级确认", Q(result__versions__status=VersionStatus.TOWN_CERTIFIED)),
            Column("已确认", Q(result__versions__status=VersionStatus.CERTIFIED)),
        ),
        code_field=code,
    )
    elections, q, town = filter_villages(
        request, elections, code_field=code, name_field="village__region__name"
    )
    state = request.GET.get("state", "")
    if state == "waiting_town":
        elections = elections.exclude(result__versions__status__in=_LIVE)
    elif state in _LIVE:
        elections = elections.filter(result__versions__status=state)
    if wants_xlsx(request):
        return _index_xlsx(elections.distinct())
    page = Paginator(elections.distinct(), 50).get_page(request.GET.get("page"))
    live = _live_versions([e.pk for e in page])
    rows = [(e, live.get(e.pk)) for e in page]
    return render(
        request,
        "results/index.html",
        {
            "rows": rows,
            "page_obj": page,
            "q": q,
            "town": town,
            "state": state,
            "states": _STATES,
            "subtotals": subtotals,
        },
    )


def _live_versions(elections: Any) -> dict[int, ResultVersion]:
    return {
        v.result.election_id: v
        for v in ResultVersion.objects.filter(
            result__election__in=elections, status__in=_LIVE
        ).select_related("result")
    }


def _index_xlsx(elections: Any) -> HttpResponse:
    live = _live_versions(elections.values("pk"))
    return list_xlsx(
        "选举结果",
        ("换届", "区划代码", "村(社区)", "选举", "选举日", "结果", "版本", "核验码"),
        elections,
        lambda e: (
            e.village.campaign.name,
            e.village.region_id,
            e.village.region.display_name,
            e.get_body_display(),
            cn_date(e.village.election_date) if e.village.election_date else "未定",
            live[e.pk].get_status_display() if e.pk in live else "待乡镇确认",
            f"第{live[e.pk].number}版" if e.pk in live else "",
            live[e.pk].code if e.pk in live else "",
        ),
    )


_LIVE = (VersionStatus.TOWN_CERTIFIED, VersionStatus.CERTIFIED)
_STATES = [
    ("", "全部"),
    ("waiting_town", "待乡镇确认"),
    (VersionStatus.TOWN_CERTIFIED, "待县级确认"),
    (VersionStatus.CERTIFIED, "已确认"),
]


def _elected_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {**e, "post_label": POST_LABELS.get(e["post"], e["post"])}
        for e in document["outcome"]["elected"]
    ]


def _open_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {**o, "post_label": POST_LABELS.get(o["post"], o["post"])}
        for o in document["outcome"]["open"]
    ]


@require_http_methods(["GET"])
def election_result(request: HttpRequest, election_id: int) -> HttpResponse:
    user = current_user(request)
    election = access_election(user, election_id)
    versions = list(
        ResultVersion.objects.filter(result__election=election)
        .select_related("created_by", "town_certified_by", "certified_by", "correction")
        .prefetch_related(
            Prefetch("history", queryset=ResultHistory.objects.select_related("actor"))
        )
        .order_by("-number")
    )
    live = next((v for v in versions if v.status in _LIVE), None)
    if live is not None:
        document = live.document
    else:
        # Nothing certified yet: what the closed official polls say now (not frozen).
        polls = [canonical.poll_entry(p) for p in canonical.official_polls(election)]
        document = canonical.build(election, version=0, reason="", polls=polls)
    level = len(scope_code(user) or "")
    may_certify = _may(user, election, Action.CERTIFY_RESULTS)
    problems = certify.certification_problems(election) if live is None else []
    return render(
        request,
        "results/election.html",
        {
            "election": election,
            "versions": versions,
            "live": live,
            "document": document,
            "elected": _elected_rows(document),
            "open_seats": _open_rows(document),
            "polls": canonical.official_polls(election),
            "pending": canonical.pending_polls(election),
            "problems": problems,
            "may_town": may_certify and level == certify.TOWN_LEVEL and live is None,
            "may_county": may_certify
            and 0 < level <= certify.COUNTY_LEVEL
            and live is not None
            and live.status == VersionStatus.TOWN_CERTIFIED,
            "current": next((v for v in versions if v.status == VersionStatus.CERTIFIED), None),
        },
    )


def _back(election_id: int) -> str:
    return reverse("results:election", args=[election_id])


@require_POST
def certify_town(request: HttpRequest, election_id: int) -> HttpResponse:
    user = current_user(request)
    election = access_election(user, election_id)

    def action() -> str:
        version = certify.result_certify_town(actor=user, election=election)
        return f"已由乡镇确认选举结果（第{version.number}版，核验码 {version.code}），等待县级确认"

    run(request, action)
    return redirect(_back(election.pk))


@require_POST
def certify_county(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    version = access_version(user, pk)

    def action() -> str:
        certify.result_certify_county(actor=user, version=version)
        return f"已由县级确认选举结果（第{version.number}版），结果已锁定并生效"

    run(request, action)
    return redirect(_back(version.result.election_id))


@require_POST
def version_return(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    version = access_version(user, pk)

    def action() -> str:
        certify.result_return(actor=user, version=version, reason=request.POST.get("reason", ""))
        return f"已退回第{version.number}版，请乡镇核实后重新确认"

    run(request, action)
    return redirect(_back(version.result.election_id))
