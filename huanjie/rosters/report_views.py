"""The 干部名册 landing page and the statistics report of a region (page, xlsx, Word).

Every page needs VIEW_ROSTER_REPORT and a region in the user's scope: another county's code
answers the same 404 as a code that does not exist (accounts.permissions.get_scoped_or_404,
audited). The figures are rosters.report's; these views only show them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from huanjie.accounts.permissions import (
    Action,
    can,
    current_user,
    get_scoped_or_404,
    in_scope,
    require,
    scope_code,
)
from huanjie.lib.xlsx import xlsx_response
from huanjie.regions.models import Region
from huanjie.rosters import report_charts
from huanjie.rosters import report_text as text
from huanjie.rosters.models import Term
from huanjie.rosters.report import ReportError, report
from huanjie.rosters.report_docx import report_docx
from huanjie.rosters.report_types import Report
from huanjie.rosters.report_xlsx import report_xlsx
from huanjie.rosters.selectors import terms_covering

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MSG_NO_TERMS = "本级尚无干部名册：导入名册或确认选举结果后即可统计"


def _compute(scope: Region, term_number: int | None) -> Report:
    """The report (rosters.report; the page tests may stand in for it)."""
    return report(scope, term_number)


def _access(request: HttpRequest, code: str) -> tuple[Any, Region]:
    user = current_user(request)
    region = get_scoped_or_404(
        user,
        Region.objects.select_related("parent"),
        Action.VIEW_ROSTER_REPORT,
        field="code",
        code=code,
    )
    return user, region


def terms_of(region: Region) -> list[Term]:
    """The terms on record for the region's counties, newest first (one per number: the county
    with the latest reference date stands for it)."""
    found: dict[int, Term] = {}
    for term in terms_covering(region.code).order_by("-number", "-reference_date"):
        found.setdefault(term.number, term)
    return list(found.values())


def _term_asked(request: HttpRequest, terms: list[Term]) -> int | None:
    """The term of ?term=N when the region has it, else the newest (None: no term at all)."""
    numbers = [t.number for t in terms]
    asked = request.GET.get("term", "")
    if asked.isdigit() and int(asked) in numbers:
        return int(asked)
    return numbers[0] if numbers else None


def _link(name: str, code: str | None = None) -> str | None:
    """The URL of another part's page, or None while that part has no such page (the landing
    page lists only what exists, never a broken link)."""
    for kwargs in ({"code": code} if code else None, None):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None


def _links(user: Any, code: str) -> list[dict[str, str]]:
    manage = can(user, Action.MANAGE_ROSTER)
    wanted = [
        (
            "结构统计",
            "rosters:report",
            "班子年龄、文化、性别、交叉任职等统计，可导出 Excel、Word",
            True,
        ),
        ("结构检查", "rosters:structure", "逐村检查职数、女干部、35岁以下干部等结构要求", True),
        ("名册导入", "rosters:import", "导入上届或本届干部名册（Excel）", manage),
        ("后备干部", "rosters:reserve", "后备干部名单及进入新一届班子情况", manage),
        ("离任关爱", "rosters:departures", "离任村干部谈心谈话、补助与另行安排", manage),
    ]
    links = []
    for label, name, note, allowed in wanted:
        url = _link(name, code) if allowed else None
        if url:
            links.append({"label": label, "url": url, "note": note})
    return links


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """干部名册: what the user's region holds (the terms on record) and where to go from here."""
    user = current_user(request)
    require(user, Action.VIEW_ROSTER_REPORT)
    code = scope_code(user) or ""
    region = get_scoped_or_404(
        user, Region.objects.all(), Action.VIEW_ROSTER_REPORT, field="code", code=code
    )
    terms = terms_of(region)
    counties: dict[int, list[Term]] = {}
    for t in terms_covering(region.code).select_related("county").order_by("county_id"):
        counties.setdefault(t.number, []).append(t)
    return render(
        request,
        "rosters/index.html",
        {
            "region": region,
            "links": _links(user, region.code),
            "terms": [(t, counties.get(t.number, [])) for t in terms],
            "no_terms": MSG_NO_TERMS,
        },
    )


def _child_url(user: Any, code: str, level: int, term: int) -> str | None:
    if not in_scope(user, code):
        return None
    if level >= Region.Level.VILLAGE:
        return _link("rosters:village", code)
    return f"{reverse('rosters:report', kwargs={'code': code})}?term={term}"


def _children_rows(user: Any, report: Report, columns: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "section": child,
            "url": _child_url(user, child.code, child.level, report.term_number),
            "cells": text.children_cells(child, columns),
        }
        for child in report.children
    ]


@require_GET
def report_page(request: HttpRequest, code: str) -> HttpResponse:
    user, region = _access(request, code)
    terms = terms_of(region)
    term = _term_asked(request, terms)
    context: dict[str, Any] = {"region": region, "terms": terms, "term": term, "refusal": ""}
    made: Report | None = None
    if term is None:
        context["refusal"] = MSG_NO_TERMS
    else:
        try:
            made = _compute(region, term)
        except ReportError as exc:
            context["refusal"] = exc.message
    if made is not None:
        report = made
        columns = text.children_columns(report)
        context |= {
            "report": report,
            "title": text.report_title(report, "统计"),
            "reference": text.reference_line(report),
            "headline": text.structure_paragraph(report.scope),
            "paragraphs": [
                text.composition_paragraph(report.scope),
                *text.roles_paragraphs(report.scope),
                text.tags_paragraph(report.scope),
                text.care_paragraph(report.scope),
            ],
            "groups": [
                (group, [text.figure_cells(f) for f in figures])
                for group, figures in text.figure_rows(report.scope)
            ],
            "headers": text.children_headers(report, columns),
            "total": text.children_cells(report.scope, columns),
            "children": _children_rows(user, report, columns),
            "child_word": text.child_word(report),
            "charts": report_charts.charts(report),
        }
    context["breadcrumbs"] = _crumbs(user, region)
    return render(request, "rosters/report.html", context)


def _crumbs(user: Any, region: Region) -> list[tuple[str, str | None]]:
    """干部名册 › the region's ancestors within the user's scope (each its own report) › it."""
    prefix = scope_code(user) or ""
    crumbs: list[tuple[str, str | None]] = [("干部名册", reverse("rosters:index"))]
    codes = [*region.ancestor_codes, region.code]
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    for c in codes:
        if c == region.code:
            crumbs.append((f"{names.get(c, c)}班子结构统计", None))
        elif c.startswith(prefix) and c in names:
            crumbs.append((names[c], reverse("rosters:report", kwargs={"code": c})))
    return crumbs


def _download_report(request: HttpRequest, code: str) -> Report | None:
    """The report to download; None when there is none (the page says why)."""
    _, region = _access(request, code)
    term = _term_asked(request, terms_of(region))
    if term is None:
        return None
    try:
        return _compute(region, term)
    except ReportError:
        return None


def _filename(report: Report, ext: str) -> str:
    return f"{report.scope.name}第{report.term_number}届班子结构统计.{ext}"


def _no_report(request: HttpRequest, code: str) -> HttpResponse:
    """Nothing to download: back to the report's page, which says why."""
    url = reverse("rosters:report", kwargs={"code": code})
    asked = request.GET.urlencode()
    return redirect(f"{url}?{asked}" if asked else url)


@require_GET
def report_xlsx_download(request: HttpRequest, code: str) -> HttpResponse:
    report = _download_report(request, code)
    if report is None:
        return _no_report(request, code)
    return xlsx_response(report_xlsx(report), _filename(report, "xlsx"))


@require_GET
def report_docx_download(request: HttpRequest, code: str) -> HttpResponse:
    report = _download_report(request, code)
    if report is None:
        return _no_report(request, code)
    response = HttpResponse(report_docx(report), content_type=DOCX_TYPE)
    name = _filename(report, "docx")
    response["Content-Disposition"] = (
        f"attachment; filename=\"report-{report.scope.code}.docx\"; filename*=UTF-8''{quote(name)}"
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
