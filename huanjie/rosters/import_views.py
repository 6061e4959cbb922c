"""The roster file's upload page of a county or a town (upload with the term → preview →
confirm), its template, and the job pages of the pipeline. An area outside the user's region,
and every page for a user who may not manage rosters, answers 404."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, re_path

from huanjie.accounts.permissions import Action, get_scoped_or_404
from huanjie.lib.forms import DateInput
from huanjie.lib.xlsx import xlsx_response
from huanjie.regions.models import Region
from huanjie.rosters import imports
from huanjie.rosters.import_rows import TAG_LABELS
from huanjie.rosters.models import Term
from huanjie.uploads.forms import UploadForm
from huanjie.uploads.views import job_urls, recent_jobs, upload_form


class RosterUploadForm(UploadForm):
    """The upload form with the job's fields (ROSTERS.job_fields): the term and its date."""

    term_number = forms.IntegerField(label="届次", min_value=1, max_value=imports.MOST_TERM)
    reference_date = forms.DateField(
        label="基准日期（本届换届完成日期，年龄按此日计算）", widget=DateInput
    )
    field_order = ["term_number", "reference_date", "file"]


def _area(request: HttpRequest, code: str) -> Region:
    return get_scoped_or_404(
        request.user,
        Region.objects.filter(level__in=imports.ROSTERS.levels),
        Action.MANAGE_ROSTER,
        field="code",
        code=code,
    )


def import_upload(request: HttpRequest, code: str) -> HttpResponse:
    area = _area(request, code)
    form = upload_form(request, imports.ROSTERS, scope=area, form_class=RosterUploadForm)
    if isinstance(form, HttpResponse):
        return form
    return render(
        request,
        "rosters/import.html",
        {
            "area": area,
            "form": form,
            "max_rows": imports.ROSTERS.limits.max_rows,
            "tag_labels": TAG_LABELS,
            "terms": Term.objects.filter(county_id=area.code[:6]).order_by("-number"),
            "jobs": recent_jobs(imports.ROSTERS, scope=area),
            "breadcrumbs": [("干部名册", None), (f"导入{area.display_name}干部名册", None)],
        },
    )


def import_template(request: HttpRequest, code: str) -> HttpResponse:
    area = _area(request, code)
    return xlsx_response(imports.roster_template(area), f"{area.display_name}干部名册模板.xlsx")


_AREA = r"^import/(?P<code>\d{6}|\d{9}|\d{12})/"
urlpatterns: list[URLPattern] = [
    re_path(_AREA + r"$", import_upload, name="import_upload"),
    re_path(_AREA + r"template\.xlsx$", import_template, name="import_template"),
    *job_urls(imports.ROSTERS, "imports/", "import", "rosters"),
]
