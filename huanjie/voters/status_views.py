"""Pages of the 变动名单 (deaths and deprivations of political rights): upload → preview →
confirm, the changes recorded in an area, and the correction of one recorded by mistake. A
county's or a town's page; everything outside the user's region answers 404
(accounts.permissions)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, re_path, reverse
from django.views.decorators.http import require_POST

from huanjie.accounts.permissions import Action, can, current_user, get_scoped_or_404, require
from huanjie.accounts.throttle import throttled
from huanjie.lib.xlsx import xlsx_response
from huanjie.people import forms, selectors
from huanjie.regions.models import Region
from huanjie.uploads.exports import template_xlsx
from huanjie.uploads.views import job_urls, recent_jobs, upload_form
from huanjie.voters import status

AREA_LEVELS = (Region.Level.COUNTY, Region.Level.TOWN)


def _area(request: HttpRequest, code: str, action: Action = Action.VIEW_PEOPLE) -> Region:
    return get_scoped_or_404(
        request.user,
        Region.objects.filter(level__in=AREA_LEVELS),
        action,
        field="code",
        code=code,
    )


def _crumbs(area: Region, *tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    url = reverse("voters:changes", args=[area.code]) if tail else None
    return [("基础数据", None), (f"{area.display_name}人员变动", url), *tail]


def changes_home(request: HttpRequest) -> HttpResponse:
    """The menu's entry: the user's own county or town."""
    require(request.user, Action.MANAGE_VOTERS)
    return redirect(
        "voters:changes", code=_area(request, current_user(request).region_id or "").code
    )


@throttled("personal_data")  # SECURITY.md P6
def changes(request: HttpRequest, code: str) -> HttpResponse:
    area = _area(request, code)
    can_import = can(request.user, Action.MANAGE_VOTERS)
    if request.method == "POST":
        require(request.user, Action.MANAGE_VOTERS)
    form = upload_form(request, status.CHANGES, scope=area)
    if isinstance(form, HttpResponse):
        return form
    filters = forms.ChangesFilterForm(request.GET or None)
    rows = selectors.status_changes_of(request.user, area)
    data = filters.cleaned_data if filters.is_valid() else {}
    if data.get("q"):
        rows = rows.filter(person__name__contains=data["q"].strip())
    if data.get("kind"):
        rows = rows.filter(kind=data["kind"])
    return render(
        request,
        "voters/changes.html",
        {
            "area": area,
            "form": form,
            "filters": filters,
            "can_import": can_import,
            "page_obj": Paginator(rows, 50).get_page(request.GET.get("page")),
            # One small form a row: no ids, or every row would repeat them.
            "correct_form": forms.StatusCorrectForm(auto_id=False),
            "jobs": recent_jobs(status.CHANGES, scope=area, count=5) if can_import else [],
            "breadcrumbs": _crumbs(area),
        },
    )


@require_POST
def change_correct(request: HttpRequest, code: str, change: int) -> HttpResponse:
    area = _area(request, code, Action.MANAGE_VOTERS)
    obj = selectors.access_status_change(request.user, area, change)
    form = forms.StatusCorrectForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([e for errs in form.errors.values() for e in errs])
        done = status.person_status_correct(
            actor=current_user(request), change=obj, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, done.message)
    return redirect("voters:changes", code=area.code)


def changes_template(request: HttpRequest, code: str) -> HttpResponse:
    """The 变动名单 template: its columns, the kinds as a drop-down that refuses anything else,
    the ID column as text, for as many rows as a file may hold."""
    area = _area(request, code, Action.MANAGE_VOTERS)
    content = template_xlsx(
        status.CHANGES_SCHEMA,
        sheet_name="变动名单",
        title=(
            f"{area.display_name}人员变动名单（第1、2行为说明和表头，从第3行起每人一行；"
            "变动类型从下拉列表选择；日期写成 2026-01-01）"
        ),
        rows=status.CHANGES.limits.max_rows,
    )
    return xlsx_response(content, f"{area.display_name}人员变动名单模板.xlsx")


# A county's (6 digits) or a town's (9 digits) 变动名单.
_AREA = r"^(?P<code>\d{6}|\d{9})/"
urlpatterns = [
    path("changes/", changes_home, name="changes_home"),
    re_path(_AREA + r"changes/$", changes, name="changes"),
    re_path(_AREA + r"changes/template\.xlsx$", changes_template, name="changes_template"),
    re_path(_AREA + r"changes/(?P<change>\d+)/correct/$", change_correct, name="change_correct"),
    *job_urls(status.CHANGES, "change-imports/", "change_import", "voters"),
]
