"""The 党员名册 upload page of a county or a town in one campaign (upload → preview → confirm),
its template, and the job pages of the pipeline. Everything outside the user's region, and
every page for a user who may not manage Party data, answers 404 (accounts.permissions)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, re_path, reverse

from huanjie.accounts.permissions import Action, get_scoped_or_404
from huanjie.elections.models import Campaign
from huanjie.elections.selectors import access_campaign
from huanjie.lib.xlsx import xlsx_response
from huanjie.party import imports
from huanjie.regions.models import Region
from huanjie.uploads.views import job_urls, recent_jobs, upload_form


def _area(request: HttpRequest, pk: int, code: str) -> tuple[Campaign, Region]:
    """The campaign and a county or town of it in the user's scope, or 404."""
    campaign = access_campaign(request.user, pk)
    area = get_scoped_or_404(
        request.user,
        Region.objects.filter(level__in=imports.PARTY.levels, code__startswith=campaign.region_id),
        Action.MANAGE_PARTY,
        field="code",
        code=code,
    )
    return campaign, area


def roll_import_upload(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    campaign, area = _area(request, pk, code)
    form = upload_form(request, imports.PARTY, scope=area, campaign=campaign)
    if isinstance(form, HttpResponse):
        return form
    return render(
        request,
        "party/roll_import.html",
        {
            "campaign": campaign,
            "area": area,
            "form": form,
            "max_rows": imports.PARTY.limits.max_rows,
            "jobs": recent_jobs(imports.PARTY, scope=area, campaign=campaign),
            "breadcrumbs": [
                ("党组织选举", None),
                ("换届列表", reverse("party:index")),
                (campaign.name, reverse("party:branch_list", args=[campaign.pk])),
                (f"导入{area.display_name}党员名册", None),
            ],
        },
    )


def roll_import_template(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    campaign, area = _area(request, pk, code)
    content = imports.party_roll_template(campaign, area)
    return xlsx_response(content, f"{area.display_name}党员名册模板.xlsx")


# A county's (6 digits) or a town's (9 digits) 党员名册.
_AREA = r"^campaigns/(?P<pk>\d+)/areas/(?P<code>\d{6}|\d{9})/"
urlpatterns: list[URLPattern] = [
    re_path(_AREA + r"import/$", roll_import_upload, name="roll_import_upload"),
    re_path(_AREA + r"import/template\.xlsx$", roll_import_template, name="roll_import_template"),
    *job_urls(imports.PARTY, "imports/", "roll_import", "party"),
]
