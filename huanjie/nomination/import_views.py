"""The nominee file's upload page of a county, a town or a village in one campaign (upload →
preview → confirm), its template, and the job pages of the pipeline. Everything outside the
user's region, and every page for a user who may not manage nominations, answers 404."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, re_path, reverse

from huanjie.accounts.permissions import Action, get_scoped_or_404
from huanjie.elections.models import Campaign
from huanjie.elections.selectors import access_campaign
from huanjie.lib.xlsx import xlsx_response
from huanjie.nomination import imports
from huanjie.regions.models import Region
from huanjie.uploads.views import job_urls, recent_jobs, upload_form


def _area(request: HttpRequest, pk: int, code: str) -> tuple[Campaign, Region]:
    campaign = access_campaign(request.user, pk)
    area = get_scoped_or_404(
        request.user,
        Region.objects.filter(
            level__in=imports.NOMINEES.levels, code__startswith=campaign.region_id
        ),
        Action.MANAGE_NOMINATION,
        field="code",
        code=code,
    )
    return campaign, area


def import_upload(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    campaign, area = _area(request, pk, code)
    form = upload_form(request, imports.NOMINEES, scope=area, campaign=campaign)
    if isinstance(form, HttpResponse):
        return form
    return render(
        request,
        "nomination/import.html",
        {
            "campaign": campaign,
            "area": area,
            "form": form,
            "max_rows": imports.NOMINEES.limits.max_rows,
            "jobs": recent_jobs(imports.NOMINEES, scope=area, campaign=campaign),
            "breadcrumbs": [
                ("提名与候选人", None),
                ("换届列表", reverse("nomination:index")),
                (campaign.name, reverse("nomination:home", args=[campaign.pk])),
                (f"导入{area.display_name}提名人选", None),
            ],
        },
    )


def import_template(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    campaign, area = _area(request, pk, code)
    return xlsx_response(
        imports.nominee_template(campaign, area), f"{area.display_name}提名人选模板.xlsx"
    )


_AREA = r"^campaigns/(?P<pk>\d+)/areas/(?P<code>\d{6}|\d{9}|\d{12})/"
urlpatterns: list[URLPattern] = [
    re_path(_AREA + r"import/$", import_upload, name="import_upload"),
    re_path(_AREA + r"import/template\.xlsx$", import_template, name="import_template"),
    *job_urls(imports.NOMINEES, "imports/", "import", "nomination"),
]
