"""Roll import and export pages: upload → preview → confirm → progress → result.

Everything outside the user's region scope answers 404 (accounts.permissions)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, re_path, reverse
from django.views.decorators.http import require_POST

from huanjie.accounts.permissions import Action, current_user, get_scoped_or_404, require
from huanjie.elections.models import CampaignVillage
from huanjie.elections.selectors import access_campaign
from huanjie.lib.forms import StyledFormMixin
from huanjie.regions.models import Region
from huanjie.voters import exports, imports
from huanjie.voters.importing import MAX_FILE_BYTES
from huanjie.voters.models import ImportJob, VoterRegistration
from huanjie.voters.selectors import access_roll


class UploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label="选民名单文件（.xlsx 或 .csv，不超过 20 MB）",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


def _entry(request: HttpRequest, pk: int, code: str) -> CampaignVillage:
    require(request.user, Action.MANAGE_VOTERS)
    return access_roll(request.user, pk, code)


def _job(request: HttpRequest, job_id: int) -> ImportJob:
    return get_scoped_or_404(
        request.user,
        ImportJob.objects.select_related("campaign", "region"),
        Action.MANAGE_VOTERS,
        field="region__code",
        pk=job_id,
    )


def _crumbs(entry_or_job: CampaignVillage | ImportJob, last: str) -> list[tuple[str, str | None]]:
    campaign = entry_or_job.campaign
    return [
        ("换届工作", None),
        (campaign.name, reverse("elections:campaign_detail", args=[campaign.pk])),
        (entry_or_job.region.display_name, None),
        (last, None),
    ]


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    response["Cache-Control"] = "no-store"  # SECURITY.md P11
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


def import_upload(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    entry = _entry(request, pk, code)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.roll_import_preview(
                actor=current_user(request),
                campaign=entry.campaign,
                village=entry,
                upload=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("voters:import_job", job_id=job.pk)
    jobs = ImportJob.objects.filter(campaign=entry.campaign, region=entry.region)[:10]
    return render(
        request,
        "voters/import_upload.html",
        {
            "entry": entry,
            "form": form,
            "jobs": jobs,
            "max_mb": MAX_FILE_BYTES // 1024 // 1024,
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
    area = get_scoped_or_404(
        request.user,
        Region.objects.filter(
            level__in=(Region.Level.COUNTY, Region.Level.TOWN),
            code__startswith=campaign.region_id,
        ),
        Action.MANAGE_VOTERS,
        field="code",
        code=code,
    )
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.roll_import_preview(
                actor=current_user(request),
                campaign=campaign,
                area=area,
                upload=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("voters:import_job", job_id=job.pk)
    return render(
        request,
        "voters/area_import_upload.html",
        {
            "campaign": campaign,
            "area": area,
            "form": form,
            "jobs": ImportJob.objects.filter(campaign=campaign, region=area)[:10],
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


def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    return render(
        request,
        "voters/import_job.html",
        {
            "job": job,
            "problems": job.problems[: imports.PREVIEW_PROBLEMS],
            "more": max(0, len(job.problems) - imports.PREVIEW_PROBLEMS),
            "breadcrumbs": _crumbs(job, job.filename),
            **_progress_context(job),
        },
    )


@require_POST
def import_confirm(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    try:
        imports.roll_import_run(actor=current_user(request), job=job)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("voters:import_job", job_id=job.pk)


def _progress_context(job: ImportJob) -> dict[str, object]:
    phase, done = imports.read_progress(job)
    steps = {"": 5, "checking": 10, "writing": 80}
    percent = 100 if job.status not in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING) else 0
    if job.status == ImportJob.Status.RUNNING:
        percent = steps.get(phase, 5)
        if phase == "checking" and job.total_rows:
            percent = 10 + 70 * min(done, job.total_rows) // job.total_rows
    labels = {"": "排队中", "checking": "读取并检查", "writing": "写入数据库"}
    return {"percent": percent, "phase": labels.get(phase, ""), "done": done}


def import_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    response = render(
        request, "voters/import_progress.html", {"job": job, **_progress_context(job)}
    )
    if job.status not in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING):
        response["HX-Refresh"] = "true"  # finished: reload the page to show the result
    return response


def import_problems(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    return _xlsx(exports.problems_xlsx(job), f"导入问题-{job.pk}.xlsx")


def import_template(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    entry = _entry(request, pk, code)
    groups = list(
        VoterRegistration.objects.filter(campaign=entry.campaign, village=entry.region)
        .exclude(group_name="")
        .values_list("group_name", flat=True)
        .distinct()
        .order_by("group_name")[:200]
    )
    return _xlsx(
        exports.template_xlsx(entry, groups), f"{entry.region.display_name}选民导入模板.xlsx"
    )


def import_roll_xlsx(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    entry = _entry(request, pk, code)
    return _xlsx(exports.roll_xlsx(entry), f"{entry.region.display_name}选民名单.xlsx")


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
    path("imports/<int:job_id>/", import_job, name="import_job"),
    path("imports/<int:job_id>/run/", import_confirm, name="import_confirm"),
    path("imports/<int:job_id>/progress/", import_progress, name="import_progress"),
    path("imports/<int:job_id>/problems.xlsx", import_problems, name="import_problems"),
]
