"""The progress board's pages (included by progress.urls, namespace "progress"): the user's
campaigns, a region's board (headline, KPIs, chart, child regions with the total), its village
list (paginated, searchable, filtered by column and town, with town subtotals, as xlsx), and the
daily and weekly figures as the county sends them up.

Every page needs VIEW_PROGRESS, the campaign and a region of it in the user's scope: another
county's campaign or region answers the same 404 as one that does not exist (audited). The
board only reads."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from huanjie.accounts.permissions import Action, current_user, in_scope, require
from huanjie.elections.models import Campaign
from huanjie.lib.xlsx import xlsx_response
from huanjie.progress import board, board_charts, board_xlsx
from huanjie.regions.models import Region
from huanjie.regions.selectors import region_path
from huanjie.regions.subtotals import Column, list_xlsx, town_subtotals, wants_xlsx

CRUMB_ROOT = "换届进度"
PER_PAGE = 50


def _crumbs(user: Any, campaign: Campaign, region: Region, *, last: str = "") -> list[Any]:
    """换届进度 › the campaign › its regions down to this one, each linked to its board."""
    crumbs: list[tuple[str, str | None]] = [(CRUMB_ROOT, reverse("progress:board"))]
    path = [r for r in region_path(region) if r.code.startswith(campaign.region_id)]
    for r in path:
        linked = in_scope(user, r.code) and (r.code != region.code or last)
        crumbs.append((r.display_name, _board_url(campaign, r.code) if linked else None))
    if last:
        crumbs.append((last, None))
    return crumbs


def _board_url(campaign: Campaign, code: str) -> str:
    return reverse("progress:board_region", kwargs={"pk": campaign.pk, "code": code})


def _villages_url(campaign: Campaign, code: str) -> str:
    return reverse("progress:board_villages", kwargs={"pk": campaign.pk, "code": code})


@require_GET
def board_index(request: HttpRequest) -> HttpResponse:
    """The user's campaigns with their counts; with one campaign, its board."""
    user = current_user(request)
    require(user, Action.VIEW_PROGRESS)
    campaigns = list(board.board_campaigns(user))
    village_level = len(user.region_id or "") == 12
    if len(campaigns) == 1 and not village_level:
        return redirect(_board_url(campaigns[0], board.board_code(user, campaigns[0])))
    today = timezone.localdate()
    lines = board.campaign_lines(user, campaigns, today)
    rows = []
    for c in campaigns:
        if village_level:
            url = board.schedule_url(c.pk, str(user.region_id))
        else:
            url = _board_url(c, board.board_code(user, c))
        rows.append({"campaign": c, "tally": lines.get(c.pk, board.Tally()), "url": url})
    return render(
        request,
        "progress/board_index.html",
        {"rows": rows, "breadcrumbs": [(CRUMB_ROOT, None)]},
    )


def _child_links(campaign: Campaign, region: Region, rows: list[board.ChildRow]) -> list[str]:
    return [_board_url(campaign, r.code) for r in rows]


@require_GET
def board_region(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """A region's board: the headline, the KPIs, the chart and the table of its child regions
    with their total (a town: its villages, as the village list shows them)."""
    user = current_user(request)
    campaign, region = board.access_board(user, pk, code)
    today = timezone.localdate()
    children = board.child_rows(campaign, region, today)
    tally = board.total_of(children) if children else board.region_tally(campaign, code, today)
    if wants_xlsx(request):
        if children:
            return _children_xlsx(region, children, tally)
        return _villages_xlsx(request, campaign, region, today)
    context: dict[str, Any] = {
        "campaign": campaign,
        "region": region,
        "today": today,
        "tally": tally,
        "headline": board.headline(region, tally, today),
        "children": [
            (row, _board_url(campaign, row.code), _villages_url(campaign, row.code))
            for row in children
        ],
        "child_word": board_xlsx.child_word(region),
        "statuses": board.BOARD_STATUSES,
        # A town's board lists its villages itself: its counts filter that list.
        "villages_url": _villages_url(campaign, region.code) if children else request.path,
        "breadcrumbs": _crumbs(user, campaign, region),
    }
    if children:
        context["chart"] = board_charts.children_chart(
            children, f"各{board_xlsx.child_word(region)}换届进度"
        )
        context["chart_links"] = _child_links(campaign, region, children)
    else:
        context["chart"] = board_charts.status_chart(tally, f"{region.display_name}换届进度")
        context |= _village_list(request, campaign, region, today)
    return render(request, "progress/board.html", context)


def _children_xlsx(region: Region, rows: list[board.ChildRow], total: board.Tally) -> HttpResponse:
    word = board_xlsx.child_word(region)
    header = (
        word,
        "村(社区)总数",
        "已完成",
        "进行中",
        "滞后",
        "未开始",
        "完成率",
        "参选率",
        "一次成功率",
    )

    def cells(item: tuple[str, board.Tally]) -> list[Any]:
        name, t = item
        return [
            name, t.total, t.done, t.under_way, t.late, t.not_started,
            t.done_rate, t.turnout, t.first_time_rate,
        ]  # fmt: skip

    items = [(r.name, r.tally) for r in rows] + [("合计", total)]
    return list_xlsx(f"{region.display_name}各{word}换届进度", header, items, cells)


def _subtotal_columns(today: Any) -> list[Column]:
    return [Column("总数")] + [
        Column(label, board.status_q(key, today)) for key, label in board.BOARD_STATUSES.items()
    ]


def _village_list(
    request: HttpRequest, campaign: Campaign, region: Region, today: Any
) -> dict[str, Any]:
    """The village list's context: the page, its filters and, above a town, the subtotals."""
    q = request.GET.get("q", "").strip()[:50]
    status = request.GET.get("status", "")
    town = request.GET.get("town", "")
    rows = board.village_rows(campaign, region, today, q=q, status=status, town=town)
    subtotals = None
    if region.level < Region.Level.TOWN:
        # 分乡镇小计 of the villages the filters keep, each column counted (not only this page).
        subtotals = town_subtotals(
            board.village_rows(campaign, region, today, q=q, town=town), _subtotal_columns(today)
        )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return {
        "page_obj": page,
        "village_rows": [
            {
                "row": row,
                "status": board.board_status(row, today),
                "late_days": board.days_late(row, today),
                "url": board.schedule_url(campaign.pk, row.region_id),
                "turnout": board.percent(row.voted, row.registered) if row.voted else "—",
            }
            for row in page
        ],
        "q": q,
        "status": status if status in board.BOARD_STATUSES else "",
        "town": town,
        "subtotals": subtotals,
        "list_url": request.path,
    }


def _villages_xlsx(
    request: HttpRequest, campaign: Campaign, region: Region, today: Any
) -> HttpResponse:
    """Every village the list's filters keep (not only the page shown), as one sheet."""
    rows = board.village_rows(
        campaign,
        region,
        today,
        q=request.GET.get("q", "").strip()[:50],
        status=request.GET.get("status", ""),
        town=request.GET.get("town", ""),
    )
    return list_xlsx(
        f"{region.display_name}村(社区)换届进度",
        board.VILLAGE_HEADER,
        rows.iterator(chunk_size=2000),
        lambda row: board.village_cells(row, today),
        widths=board.VILLAGE_WIDTHS,
    )


@require_GET
def board_villages(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """The villages under a region (a county: with its town subtotals): searchable, filtered
    by the board's column (?status=late) and by town, paginated; ?format=xlsx: every row."""
    user = current_user(request)
    campaign, region = board.access_board(user, pk, code)
    today = timezone.localdate()
    if wants_xlsx(request):
        return _villages_xlsx(request, campaign, region, today)
    context = _village_list(request, campaign, region, today)
    return render(
        request,
        "progress/board_villages.html",
        {
            "campaign": campaign,
            "region": region,
            "today": today,
            "statuses": board.BOARD_STATUSES,
            "board_url": _board_url(campaign, region.code),
            "breadcrumbs": _crumbs(user, campaign, region, last="村(社区)名单"),
            **context,
        },
    )


def _figures(request: HttpRequest, pk: int, code: str, report: board_xlsx.Report) -> HttpResponse:
    user = current_user(request)
    campaign, region = board.access_board(user, pk, code)
    today = timezone.localdate()
    rows = board.child_rows(campaign, region, today)
    if not rows:  # a town: one line per village
        rows = [
            board.ChildRow(v.region_id, v.region.display_name, board.village_tally(v, today))
            for v in board.village_rows(campaign, region, today)
        ]
    content = board_xlsx.figures_xlsx(region, rows, board.total_of(rows), report, today)
    return xlsx_response(content, board_xlsx.filename_of(region, report, today))


@require_GET
def daily_xlsx(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """The daily figures (日报表) of a region, per child region, as the county sends them up."""
    return _figures(request, pk, code, board_xlsx.DAILY)


@require_GET
def weekly_xlsx(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """The weekly figures (周报表): this week's completions beside the cumulative."""
    return _figures(request, pk, code, board_xlsx.WEEKLY)
