"""The job pages of every import: the preview with its problems, confirm, the progress bar,
the problems as xlsx. Each app mounts them for its importer (`job_urls`); a job outside the
user's region answers 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from huanjie.accounts.permissions import current_user, get_scoped_or_404
from huanjie.audit.services import audit_record
from huanjie.lib.xlsx import xlsx_response
from huanjie.regions.models import Region
from huanjie.uploads import exports, services
from huanjie.uploads.forms import UploadForm
from huanjie.uploads.importers import Importer
from huanjie.uploads.models import UploadJob


def _job(request: HttpRequest, importer: Importer, job_id: int) -> UploadJob:
    return get_scoped_or_404(
        request.user,
        importer.job_model.objects.select_related("region"),
        importer.action,
        field="region__code",
        pk=job_id,
    )


def upload_form(
    request: HttpRequest,
    importer: Importer,
    *,
    scope: Region,
    campaign: Any = None,
    form_class: type[UploadForm] = UploadForm,
) -> UploadForm | HttpResponse:
    """The upload form of `importer` (`form_class`: one with a field per `job_fields`); on a
    valid POST the file is stored and previewed, and the answer is the redirect to its job page
    (a refusal of the user goes on the form)."""
    form = form_class(
        request.POST or None,
        request.FILES or None,
        what=importer.label,
        max_bytes=importer.limits.max_bytes,
    )
    if request.method == "POST" and form.is_valid():
        try:
            job = services.upload_preview(
                importer=importer,
                actor=current_user(request),
                scope=scope,
                upload=form.cleaned_data["file"],
                campaign=campaign,
                fields={f.name: form.cleaned_data.get(f.name) for f in importer.job_fields},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect(importer.job_url_name, job_id=job.pk)
    return form


def recent_jobs(
    importer: Importer, *, scope: Region, campaign: Any = None, count: int = 10
) -> list[UploadJob]:
    """The latest jobs of `importer` for `scope` (and `campaign`), newest first."""
    jobs = importer.job_model.objects.filter(region=scope)
    if campaign is not None:
        jobs = jobs.filter(campaign=campaign)
    return list(jobs.order_by("-id")[:count])


def progress_context(job: UploadJob) -> dict[str, object]:
    phase, done = services.read_progress(job)
    percent = 0 if job.active else 100
    if job.status == UploadJob.Status.RUNNING:
        percent = {"": 5, "checking": 10, "writing": 80}.get(phase, 5)
        if phase == "checking" and job.total_rows:
            percent = 10 + 70 * min(done, job.total_rows) // job.total_rows
    labels = {"": "排队中", "checking": "读取并检查", "writing": "写入数据库"}
    return {"percent": percent, "phase": labels.get(phase, ""), "done": done}


def job_page(
    request: HttpRequest, job_id: int, *, importer: Importer, names: dict[str, str]
) -> HttpResponse:
    job = _job(request, importer, job_id)
    shown = services.PREVIEW_PROBLEMS
    counts = [
        (c.preview if job.status == UploadJob.Status.PREVIEW else c.done, getattr(job, c.field), c)
        for c in importer.counts
    ]
    return render(
        request,
        "uploads/job.html",
        {
            "job": job,
            "importer": importer,
            "names": names,
            "counts": counts,
            "upload_url": importer.upload_url(job),
            "problems": job.problems[:shown],
            "more": max(0, len(job.problems) - shown),
            "breadcrumbs": [(importer.label, importer.upload_url(job)), (job.filename, None)],
            **progress_context(job),
        },
    )


@require_POST
def job_confirm(
    request: HttpRequest, job_id: int, *, importer: Importer, names: dict[str, str]
) -> HttpResponse:
    job = _job(request, importer, job_id)
    try:
        services.upload_confirm(importer=importer, actor=current_user(request), job=job)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(names["job"], job_id=job.pk)


def job_progress(
    request: HttpRequest, job_id: int, *, importer: Importer, names: dict[str, str]
) -> HttpResponse:
    job = _job(request, importer, job_id)
    response = render(
        request,
        "uploads/progress.html",
        {"job": job, "names": names, **progress_context(job)},
    )
    if not job.active:
        response["HX-Refresh"] = "true"  # finished: reload the page to show the result
    return response


def job_problems(
    request: HttpRequest, job_id: int, *, importer: Importer, names: dict[str, str]
) -> HttpResponse:
    job = _job(request, importer, job_id)
    audit_record(
        actor=current_user(request),
        action="uploads.problems_export",
        obj=job,
        changes={"problems": len(job.problems)},
    )
    return xlsx_response(exports.problems_xlsx(job), f"导入问题-{job.pk}.xlsx")


def job_urls(importer: Importer, prefix: str, name: str, app: str) -> list[URLPattern]:
    """The four job routes of `importer` under `prefix` ("imports/"), named `{name}_job`,
    `{name}_confirm`, `{name}_progress`, `{name}_problems` in the app namespace `app`."""
    names = {step: f"{app}:{name}_{step}" for step in ("job", "confirm", "progress", "problems")}
    kwargs: dict[str, Any] = {"importer": importer, "names": names}
    return [
        path(f"{prefix}<int:job_id>/", job_page, kwargs, name=f"{name}_job"),
        path(f"{prefix}<int:job_id>/run/", job_confirm, kwargs, name=f"{name}_confirm"),
        path(f"{prefix}<int:job_id>/progress/", job_progress, kwargs, name=f"{name}_progress"),
        path(f"{prefix}<int:job_id>/problems.xlsx", job_problems, kwargs, name=f"{name}_problems"),
    ]
