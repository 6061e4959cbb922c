"""Roll import and export pages: upload → preview → confirm → progress → result.

Everything outside the user's region scope answers 404 (accounts.permissions)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import re_path, reverse

from huanjie.accounts.permissions import Action, current_user, get_scoped_or_404, require
from huanjie.audit.services import audit_record
from huanjie.elections.models import Campaign, CampaignVillage
from huanjie.elections.selectors import access_campaign
from huanjie.lib.xlsx import xlsx_response
from huanjie.regions.models import Region
from huanjie.uploads.views import job_urls, recent_jobs, upload_form
from huanjie.voters import exports, imports
from huanjie.voters.models import ImportJob, VoterRegistration
from huanjie.voters.selectors import access_roll


def _entry(request: HttpRequest, pk: int, code: str) -> CampaignVillage:
    require(request.user, Action.MANAGE_VOTERS)
    return access_roll(request.user, pk, code)


def _crumbs(entry_or_job: CampaignVillage | ImportJob, last: str) -> list[tuple[str, str | None]]:
    campaign = entry_or_job.campaign
    return [
        ("换届工作", None),
        (campaign.name, reverse("elections:campaign_detail", args=[campaign.pk])),
        (entry_or_job.region.display_name, None),
        (last, None),
    ]


def _area(request: HttpRequest, campaign: Campaign, code: str) -> Region:
    """A county or town of the campaign, in the user's scope, or 404."""
    return get_scoped_or_404(
        request.user,
        Region.objects.filter(
            level__in=(Region.Level.COUNTY, Region.Level.TOWN),
            code__startswith=campaign.region_id,
        ),
        Action.MANAGE_VOTERS,
        field="code",
        code=code,
    )


def import_upload(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    entry = _entry(request, pk, code)
    form = upload_form(request, imports.ROLL, scope=entry.region, campaign=entry.campaign)
    if isinstance(form, HttpResponse):
        return form
    return render(
        request,
        "voters/import_upload.html",
        {
            "entry": entry,
            "form": form,
            "jobs": recent_jobs(imports.ROLL, scope=entry.region, campaign=entry.campaign),
            "registered": VoterRegistration.objects.filter(
                campaign=entry.campaign, village=entry.region, active=True
            ).count(),
            "breadcrumbs": _crumbs(entry, "导入选民名单"),
        },
    )


def area_import_upload(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """A town's or a county's whole roll in one file, each row naming its village by
    村(社区)代码 or name. County officers hold MANAGE_VOTERS like the towns (the role matrix), so
    the same action and the region scope decide: a town's user gets 404 for the county's page."""
    campaign = access_campaign(request.user, pk)
    area = _area(request, campaign, code)
    form = upload_form(request, imports.ROLL, scope=area, campaign=campaign)
    if isinstance(form, HttpResponse):
        return form
    return render(
        request,
        "voters/area_import_upload.html",
        {
            "campaign": campaign,
            "area": area,
            "form": form,
            "jobs": recent_jobs(imports.ROLL, scope=area, campaign=campaign),
            "breadcrumbs": [
                ("换届工作", None),
                (campaign.name, reverse("elections:campaign_detail", args=[campaign.pk])),
                (
                    f"{area.display_name}选民登记统计",
                    reverse("voters:figures", args=[campaign.pk, area.code]),
                ),
                (f"导入{area.display_name}选民名单", None),
            ],
        },
    )


def import_template(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    entry = _entry(request, pk, code)
    groups = list(
        VoterRegistration.objects.filter(campaign=entry.campaign, village=entry.region)
        .exclude(group_name="")
        .values_list("group_name", flat=True)
        .distinct()
        .order_by("group_name")[:200]
    )
    content = exports.roll_template_xlsx(entry.region, groups=groups)
    return xlsx_response(content, f"{entry.region.display_name}选民导入模板.xlsx")


def area_import_template(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """A town's or the county's template: a 村(社区) column whose drop-down lists the area's
    villages in the campaign."""
    campaign = access_campaign(request.user, pk)
    area = _area(request, campaign, code)
    villages = list(
        CampaignVillage.objects.filter(
            campaign=campaign, included=True, region__code__startswith=area.code
        )
        .select_related("region")
        .order_by("region_id")
    )
    content = exports.roll_template_xlsx(area, villages=[v.region for v in villages])
    return xlsx_response(content, f"{area.display_name}选民导入模板.xlsx")


def import_roll_xlsx(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    entry = _entry(request, pk, code)
    content = exports.roll_xlsx(entry)
    # A roll leaves the system: who took which village's list, and when (SECURITY.md L1, P5).
    audit_record(
        actor=current_user(request),
        action="voters.roll_export",
        obj=entry,
        changes={"campaign": entry.campaign_id, "village": entry.region_id},
    )
    return xlsx_response(content, f"{entry.region.display_name}选民名单.xlsx")


_VILLAGE = r"^(?P<pk>\d+)/(?P<code>\d{12})/"
urlpatterns = [
    re_path(_VILLAGE + r"import/$", import_upload, name="import_upload"),
    re_path(
        r"^(?P<pk>\d+)/areas/(?P<code>\d{6}|\d{9})/import/$",
        area_import_upload,
        name="import_area",
    ),
    re_path(_VILLAGE + r"import/template\.xlsx$", import_template, name="import_template"),
    re_path(_VILLAGE + r"roll\.xlsx$", import_roll_xlsx, name="import_roll_xlsx"),
    re_path(
        r"^(?P<pk>\d+)/areas/(?P<code>\d{6}|\d{9})/import/template\.xlsx$",
        area_import_template,
        name="import_area_template",
    ),
    *job_urls(imports.ROLL, "imports/", "import", "voters"),
]
