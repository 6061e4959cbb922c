"""The joint review pages: the review of a campaign (the county's departments, negative list and
batches; a town's and a village's 初审 / 预审), a batch, a department's queue and its answer form,
the ledger. Everything outside the user's region, and every queue item not sent to the user's
own department, answers 404 (accounts.permissions)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from huanjie.accounts.models import Department
from huanjie.accounts.permissions import (
    Action,
    current_user,
    get_scoped_or_404,
    not_found,
    require,
)
from huanjie.audit.services import audit_record
from huanjie.elections.models import Campaign
from huanjie.lib.xlsx import xlsx_response
from huanjie.review import forms, imports, services
from huanjie.review.models import (
    DisqualifyingCondition,
    Review,
    ReviewAssignment,
    ReviewBatch,
    ReviewDepartment,
    ReviewFinding,
    ReviewLedgerImport,
    ReviewState,
)
from huanjie.uploads import views as upload_views


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    """A campaign whose area holds the user's (or is in it), for MANAGE_REVIEW; else 404."""
    require(request.user, Action.MANAGE_REVIEW)
    code = current_user(request).region_id or "-"  # no region: no campaign
    campaign = Campaign.objects.filter(pk=pk).select_related("region").first()
    if campaign is None or not (
        code.startswith(campaign.region_id) or campaign.region_id.startswith(code)
    ):
        raise not_found(request.user, Action.MANAGE_REVIEW, Campaign.objects.all(), pk=pk)
    return campaign


def _county_campaign(request: HttpRequest, pk: int) -> Campaign:
    campaign = _campaign(request, pk)
    if services.level_of(request.user) != services.COUNTY:
        raise not_found(request.user, Action.MANAGE_REVIEW, Campaign.objects.all(), pk=pk)
    return campaign


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, "；".join(exc.messages))


@require_http_methods(["GET"])
def campaign_home(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    user = current_user(request)
    county = services.level_of(user) == services.COUNTY
    reviews = (
        Review.objects.filter(campaign=campaign, village__code__startswith=user.region_id or "-")
        .select_related("person", "village", "nominee__post", "nominee__election", "batch")
        .order_by("state", "village_id", "id")
    )
    batches = list(ReviewBatch.objects.filter(campaign=campaign).annotate(people=Count("reviews")))
    progress = _progress(batches)
    return render(
        request,
        "review/campaign_home.html",
        {
            "campaign": campaign,
            "county": county,
            "set_up": services.is_set_up(campaign),
            "level": services.level_of(user),
            "departments": ReviewDepartment.objects.filter(campaign=campaign),
            "conditions": DisqualifyingCondition.objects.filter(campaign=campaign).prefetch_related(
                "departments"
            ),
            "batches": batches,
            "progress": progress,
            "reviews": reviews,
            "awaiting": [r for r in reviews if r.state == ReviewState.AWAITING_BATCH],
            "condition_form": forms.ConditionForm(campaign=campaign),
            "add_form": forms.DepartmentAddForm(campaign=campaign),
            "breadcrumbs": [("资格联审", None), (campaign.name, None)],
        },
    )


def _progress(batches: Sequence[ReviewBatch]) -> dict[int, list[tuple[str, int, int]]]:
    """Per batch: (department, answered, sent) for each department it went to."""
    out: dict[int, list[tuple[str, int, int]]] = {}
    rows = (
        ReviewAssignment.objects.filter(review__batch__in=batches)
        .values("review__batch_id", "department__name", "department__order")
        .annotate(sent=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False)))
        .order_by("review__batch_id", "department__order")
    )
    for r in rows:
        out.setdefault(r["review__batch_id"], []).append(
            (r["department__name"], r["answered"], r["sent"])
        )
    for b in batches:
        b.progress = out.get(b.pk, [])  # type: ignore[attr-defined]
    return out


@require_POST
def setup(request: HttpRequest, pk: int) -> HttpResponse:
    """The county starts the review: the default departments and negative list."""
    campaign = _county_campaign(request, pk)
    try:
        if services.review_setup(actor=current_user(request), campaign=campaign):
            messages.success(request, "已启用资格联审：建立了默认联审部门和审查情形")
    except ValidationError as exc:
        _refused(request, exc)
    return redirect("review:campaign_home", pk=campaign.pk)


@require_POST
def department_update(request: HttpRequest, pk: int, dept: int) -> HttpResponse:
    campaign = _county_campaign(request, pk)
    department = get_scoped_or_404(
        request.user,
        ReviewDepartment.objects.filter(campaign=campaign).select_related("campaign"),
        Action.MANAGE_REVIEW,
        field="campaign__region__code",
        pk=dept,
    )
    form = forms.DepartmentForm(request.POST)
    if form.is_valid():
        try:
            services.review_department_update(
                actor=current_user(request),
                department=department,
                name=form.cleaned_data["name"],
                active=form.cleaned_data["active"],
            )
        except ValidationError as exc:
            _refused(request, exc)
    else:
        messages.error(request, "请填写部门名称")
    return redirect("review:campaign_home", pk=campaign.pk)


@require_POST
def department_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _county_campaign(request, pk)
    form = forms.DepartmentAddForm(request.POST, campaign=campaign)
    if form.is_valid():
        try:
            services.review_department_add(
                actor=current_user(request),
                campaign=campaign,
                department=form.cleaned_data["department"],
                name=form.cleaned_data["name"],
            )
        except ValidationError as exc:
            _refused(request, exc)
    return redirect("review:campaign_home", pk=campaign.pk)


def _condition(request: HttpRequest, campaign: Campaign, cond: int) -> DisqualifyingCondition:
    return get_scoped_or_404(
        request.user,
        DisqualifyingCondition.objects.filter(campaign=campaign).select_related("campaign"),
        Action.MANAGE_REVIEW,
        field="campaign__region__code",
        pk=cond,
    )


@require_http_methods(["GET", "POST"])
def condition_edit(request: HttpRequest, pk: int, cond: int | None = None) -> HttpResponse:
    campaign = _county_campaign(request, pk)
    condition = _condition(request, campaign, cond) if cond is not None else None
    form = forms.ConditionForm(request.POST or None, campaign=campaign, instance=condition)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if condition is None:
                services.condition_create(
                    actor=current_user(request),
                    campaign=campaign,
                    text=data["text"],
                    kind=data["kind"],
                    lookback_years=data["lookback_years"],
                    departments=data["departments"],
                )
            else:
                services.condition_update(
                    actor=current_user(request),
                    condition=condition,
                    text=data["text"],
                    kind=data["kind"],
                    lookback_years=data["lookback_years"],
                    departments=data["departments"],
                    active=data["active"],
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("review:campaign_home", pk=campaign.pk)
    return render(
        request,
        "review/form.html",
        {
            "campaign": campaign,
            "form": form,
            "title": f"修改情形：{condition.text}" if condition else "新增负面清单情形",
            "back": ("review:campaign_home", campaign.pk),
        },
    )


@require_POST
def condition_delete(request: HttpRequest, pk: int, cond: int) -> HttpResponse:
    campaign = _county_campaign(request, pk)
    condition = _condition(request, campaign, cond)
    try:
        services.condition_delete(actor=current_user(request), condition=condition)
    except ValidationError as exc:
        _refused(request, exc)
    return redirect("review:campaign_home", pk=campaign.pk)


def _review(request: HttpRequest, pk: int, review_pk: int) -> Review:
    campaign = _campaign(request, pk)
    return get_scoped_or_404(
        request.user,
        Review.objects.filter(campaign=campaign).select_related(
            "person", "village", "campaign", "nominee__election__village__campaign", "batch"
        ),
        Action.MANAGE_REVIEW,
        field="village__code",
        pk=review_pk,
    )


@require_POST
def review_step(request: HttpRequest, pk: int, review_pk: int, step: str) -> HttpResponse:
    """预审 / 初审 pass or reject, and the county's conclusion."""
    review = _review(request, pk, review_pk)
    actor = current_user(request)
    reason = request.POST.get("reason", "")[:400]
    try:
        if step == "pass":
            services.review_pass(actor=actor, review=review, reason=reason)
        elif step == "reject":
            services.review_reject(actor=actor, review=review, reason=reason)
        elif step == "conclude":
            services.review_conclude(actor=actor, review=review, reason=reason)
        else:
            raise Http404("未找到")
    except ValidationError as exc:
        _refused(request, exc)
    return redirect("review:campaign_home", pk=pk)


@require_POST
def batch_create(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _county_campaign(request, pk)
    ids = [i for i in request.POST.getlist("reviews") if i.isdigit()]
    reviews = list(
        Review.objects.filter(
            campaign=campaign,
            pk__in=ids,
            village__code__startswith=current_user(request).region_id or "-",
        ).select_related("person")
    )
    try:
        batch = services.batch_create(
            actor=current_user(request), campaign=campaign, reviews=reviews
        )
    except ValidationError as exc:
        _refused(request, exc)
        return redirect("review:campaign_home", pk=campaign.pk)
    return redirect("review:batch_detail", pk=campaign.pk, batch=batch.pk)


def _batch(request: HttpRequest, pk: int, batch: int) -> ReviewBatch:
    campaign = _county_campaign(request, pk)
    return get_scoped_or_404(
        request.user,
        ReviewBatch.objects.filter(campaign=campaign).select_related("campaign"),
        Action.MANAGE_REVIEW,
        field="campaign__region__code",
        pk=batch,
    )


@require_http_methods(["GET"])
def batch_detail(request: HttpRequest, pk: int, batch: int) -> HttpResponse:
    item = _batch(request, pk, batch)
    reviews = list(
        item.reviews.select_related(
            "person", "village", "nominee__post", "nominee__election"
        ).order_by("village_id")
    )
    for r in reviews:
        r.waiting = services.waiting_departments(r) if r.state == ReviewState.SENT else []  # type: ignore[attr-defined]
        r.found = services.active_findings(r)  # type: ignore[attr-defined]
        r.attachments = list(  # type: ignore[attr-defined]
            ReviewFinding.objects.filter(assignment__review=r)
            .exclude(attachment_path="")
            .select_related("condition", "assignment__department")
        )
    _progress([item])
    return render(
        request,
        "review/batch_detail.html",
        {
            "campaign": item.campaign,
            "batch": item,
            "reviews": reviews,
            "today": timezone.localdate(),
            "breadcrumbs": [
                ("资格联审", None),
                (item.campaign.name, f"/review/campaigns/{item.campaign_id}/"),
                (str(item), None),
            ],
        },
    )


@require_POST
def batch_send(request: HttpRequest, pk: int, batch: int) -> HttpResponse:
    item = _batch(request, pk, batch)
    form = forms.SendForm(request.POST)
    if form.is_valid():
        try:
            services.batch_send(
                actor=current_user(request), batch=item, sent_on=form.cleaned_data["sent_on"]
            )
        except ValidationError as exc:
            _refused(request, exc)
    else:
        messages.error(request, "请填写送审日期")
    return redirect("review:batch_detail", pk=pk, batch=item.pk)


@require_POST
def batch_remove(request: HttpRequest, pk: int, batch: int, review_pk: int) -> HttpResponse:
    """Take a person out of a batch not sent yet."""
    item = _batch(request, pk, batch)
    review = get_scoped_or_404(
        request.user,
        item.reviews.select_related("person", "village", "campaign", "batch"),
        Action.MANAGE_REVIEW,
        field="village__code",
        pk=review_pk,
    )
    try:
        services.batch_remove(
            actor=current_user(request), review=review, reason=request.POST.get("reason", "")[:200]
        )
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, f"已将{review.person.name}移出{item}")
    return redirect("review:batch_detail", pk=pk, batch=item.pk)


def _ledger_campaign(request: HttpRequest, pk: int) -> tuple[Campaign, str]:
    """The campaign of a ledger download and the department whose rows it holds ("": the
    county's whole ledger)."""
    user = current_user(request)
    department = services.department_of(user)
    if not department:
        return _county_campaign(request, pk), ""
    require(user, Action.ANSWER_REVIEW)
    campaign = Campaign.objects.filter(
        pk=pk, region__code__startswith=user.region_id or "-"
    ).first()
    if campaign is None:
        raise not_found(user, Action.ANSWER_REVIEW, Campaign.objects.all(), pk=pk)
    return campaign, department


def _ledger_response(
    request: HttpRequest, campaign: Campaign, department: str, batch: ReviewBatch | None
) -> HttpResponse:
    content = imports.ledger_xlsx(campaign, department=department, batch=batch)
    audit_record(
        actor=current_user(request),
        action="review.ledger_export",
        obj=batch or campaign,
        changes={"department": department, "batch": batch.number if batch else None},
    )
    name = f"联审台账-{campaign.pk}" + (f"-第{batch.number}批" if batch else "")
    return xlsx_response(content, f"{name}.xlsx")


@require_http_methods(["GET"])
def ledger_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The county's whole ledger, or a department's own."""
    campaign, department = _ledger_campaign(request, pk)
    return _ledger_response(request, campaign, department, None)


@require_http_methods(["GET"])
def batch_ledger_xlsx(request: HttpRequest, pk: int, batch: int) -> HttpResponse:
    """One batch's ledger: the county's, or a department's own rows of a sent batch."""
    campaign, department = _ledger_campaign(request, pk)
    user = current_user(request)
    found = ReviewBatch.objects.filter(campaign=campaign, pk=batch)
    if department:
        found = found.filter(
            sent_on__isnull=False,
            reviews__assignments__department__department=department,
            reviews__village__code__startswith=user.region_id or "-",
        ).distinct()
    item = found.first()
    if item is None:
        action = Action.ANSWER_REVIEW if department else Action.MANAGE_REVIEW
        raise not_found(user, action, ReviewBatch.objects.all(), pk=batch)
    return _ledger_response(request, campaign, department, item)


# ---------------------------------------------------------------------------------------------
# The departments.


def _queue(user: Any) -> Any:
    department = services.department_of(user)
    return (
        ReviewAssignment.objects.filter(
            department__department=department or "-",
            review__batch__sent_on__isnull=False,
            review__village__code__startswith=user.region_id or "-",
        )
        .select_related(
            "department",
            "review__person",
            "review__village__parent",
            "review__nominee__post",
            "review__nominee__election",
            "review__batch",
            "review__campaign",
        )
        .order_by("-review__batch__sent_on", "review__batch__number", "review__village_id")
    )


@require_http_methods(["GET"])
def queue(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require(user, Action.ANSWER_REVIEW)
    items = list(_queue(user))
    campaigns = sorted({a.review.campaign for a in items}, key=lambda c: c.pk)
    batches = sorted(
        {a.review.batch for a in items if a.review.batch is not None},
        key=lambda b: (b.campaign_id, b.number),
    )
    return render(
        request,
        "review/queue.html",
        {
            "items": items,
            "campaigns": campaigns,
            "batches": batches,
            "department": Department(services.department_of(user)).label
            if services.department_of(user)
            else "",
            "breadcrumbs": [("联审任务", None)],
        },
    )


def _assignment(request: HttpRequest, task: int) -> ReviewAssignment:
    user = current_user(request)
    require(user, Action.ANSWER_REVIEW)
    found = _queue(user).filter(pk=task).first()
    if found is None:
        raise not_found(user, Action.ANSWER_REVIEW, ReviewAssignment.objects.all(), pk=task)
    return found


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, task: int) -> HttpResponse:
    assignment = _assignment(request, task)
    conditions = services.department_conditions(assignment.department)
    existing = {f.condition_id: f for f in assignment.findings.all()}
    form = forms.AnswerForm(
        request.POST or None, request.FILES or None, conditions=conditions, existing=existing
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.review_answer(
                actor=current_user(request), assignment=assignment, answers=form.answers()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已答复{assignment.review.person.name}")
            return redirect("review:queue")
    return render(
        request,
        "review/answer.html",
        {
            "assignment": assignment,
            "review": assignment.review,
            "form": form,
            "existing": existing,
            "open": assignment.review.state == ReviewState.SENT,
            "breadcrumbs": [("联审任务", "/review/queue/"), (assignment.review.person.name, None)],
        },
    )


@require_http_methods(["GET", "POST"])
def reveal(request: HttpRequest, task: int) -> HttpResponse:
    """The full ID number of a person in the department's queue while the county review is
    open, with a typed reason (audited, SECURITY.md P4); 404 for anything else."""
    assignment = _assignment(request, task)
    user = current_user(request)
    if assignment.review.state != ReviewState.SENT:
        raise not_found(user, Action.ANSWER_REVIEW, ReviewAssignment.objects.all(), pk=task)
    form = forms.RevealForm(request.POST or None)
    number = ""
    if request.method == "POST" and form.is_valid():
        try:
            number = services.review_reveal_id(
                actor=user, assignment=assignment, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
    response = render(
        request,
        "review/reveal.html",
        {
            "assignment": assignment,
            "review": assignment.review,
            "person": assignment.review.person,
            "form": form,
            "number": number,
            "breadcrumbs": [
                ("联审任务", "/review/queue/"),
                (assignment.review.person.name, f"/review/tasks/{assignment.pk}/"),
                ("查看完整身份证号", None),
            ],
        },
    )
    response["Cache-Control"] = "no-store"
    return response


ATTACHMENT_SUFFIXES = {".pdf": ".pdf", ".jpg": ".jpg", ".jpeg": ".jpg", ".png": ".png"}


def _attachment_response(request: HttpRequest, item: ReviewFinding) -> HttpResponse:
    """A finding's attachment, decrypted, as a download under a name made here (the uploaded
    name may hold anything, a person's ID number too); the read audited (SECURITY.md P8)."""
    content = services.read_attachment(item)
    review = item.assignment.review
    audit_record(
        actor=current_user(request),
        action="review.attachment_read",
        obj=item,
        changes={
            "person": review.person.id_masked,
            "department": item.assignment.department.department,
            "condition": item.condition.number,
            "sha256": item.attachment_sha256,
        },
    )
    suffix = ATTACHMENT_SUFFIXES.get(Path(item.attachment_name).suffix.lower(), ".bin")
    batch = f"第{review.batch.number}批-" if review.batch else ""
    name = (
        f"联审附件-{batch}{item.assignment.department.name}-情形{item.condition.number}-{item.pk}"
    )
    response = HttpResponse(content, content_type="application/octet-stream")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name + suffix)}"
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _findings_with_attachment() -> Any:
    return ReviewFinding.objects.exclude(attachment_path="").select_related(
        "condition",
        "assignment__department",
        "assignment__review__person",
        "assignment__review__batch",
    )


@require_http_methods(["GET"])
def attachment(request: HttpRequest, task: int, finding: int) -> HttpResponse:
    """A finding's attachment, to the department that gave it."""
    assignment = _assignment(request, task)
    item = _findings_with_attachment().filter(assignment=assignment, pk=finding).first()
    if item is None:
        raise not_found(request.user, Action.ANSWER_REVIEW, ReviewFinding.objects.all(), pk=finding)
    return _attachment_response(request, item)


@require_http_methods(["GET"])
def county_attachment(request: HttpRequest, pk: int, finding: int) -> HttpResponse:
    """A finding's attachment, to the county running the campaign's review."""
    campaign = _county_campaign(request, pk)
    user = current_user(request)
    item = (
        _findings_with_attachment()
        .filter(
            pk=finding,
            assignment__review__campaign=campaign,
            assignment__review__village__code__startswith=user.region_id or "-",
        )
        .first()
    )
    if item is None:
        raise not_found(user, Action.MANAGE_REVIEW, ReviewFinding.objects.all(), pk=finding)
    return _attachment_response(request, item)


@require_http_methods(["GET", "POST"])
def ledger_upload(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    require(user, Action.ANSWER_REVIEW)
    campaign = Campaign.objects.filter(
        pk=pk, region__code__startswith=user.region_id or "-"
    ).first()
    if campaign is None or not services.department_of(user):
        raise not_found(user, Action.ANSWER_REVIEW, Campaign.objects.all(), pk=pk)
    form = upload_views.upload_form(
        request, imports.LEDGER, scope=campaign.region, campaign=campaign
    )
    if isinstance(form, HttpResponse):
        return form
    jobs = ReviewLedgerImport.objects.filter(
        campaign=campaign, department=services.department_of(user)
    ).order_by("-id")[:10]
    return render(
        request,
        "review/ledger_upload.html",
        {
            "campaign": campaign,
            "form": form,
            "jobs": jobs,
            "breadcrumbs": [("联审任务", "/review/queue/"), ("上传联审台账", None)],
        },
    )


def _own_job(view: Any) -> Any:
    """A ledger job only to a user of the department that uploaded it (others: 404)."""

    def wrapped(request: HttpRequest, job_id: int, **kwargs: Any) -> HttpResponse:
        job = ReviewLedgerImport.objects.filter(pk=job_id).first()
        if job is None or job.department != services.department_of(request.user):
            raise not_found(
                request.user, Action.ANSWER_REVIEW, ReviewLedgerImport.objects.all(), pk=job_id
            )
        return view(request, job_id, **kwargs)

    return wrapped


def ledger_job_urls() -> list[URLPattern]:
    patterns = upload_views.job_urls(imports.LEDGER, "ledger/imports/", "ledger_import", "review")
    out = []
    for p in patterns:
        assert p.name is not None  # the pipeline names every job URL
        out.append(path(str(p.pattern), _own_job(p.callback), p.default_args, name=p.name))
    return out


@require_http_methods(["GET"])
def index(request: HttpRequest) -> HttpResponse:
    """The campaigns whose review the user works on (a reviewer: their queue)."""
    user = current_user(request)
    if services.department_of(user):
        return redirect("review:queue")
    require(user, Action.MANAGE_REVIEW)
    code = user.region_id or "-"
    campaigns = [
        c
        for c in Campaign.objects.select_related("region").order_by("-window_start")
        if code.startswith(c.region_id) or c.region_id.startswith(code)
    ]
    return render(
        request,
        "review/index.html",
        {"campaigns": campaigns, "breadcrumbs": [("资格联审", None)]},
    )
