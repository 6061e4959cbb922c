"""The schedule's pages: a village's stages (record done / undo by htmx, the election day moved
with its reason, the history) and a region's overdue stages. Thin views: access → form → one
service → redirect or render; every URL answers 404 out of scope."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.db.models.functions import Substr
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from huanjie.accounts.permissions import Action, can, current_user, require
from huanjie.elections.models import CampaignVillage
from huanjie.elections.services import campaign_village_set_election_date
from huanjie.progress import forms, selectors, services
from huanjie.progress.models import ScheduleStage, VillageProgress
from huanjie.regions.subtotals import (
    TOWN_DIGITS,
    Column,
    Subtotals,
    filter_villages,
    list_xlsx,
    subtotals_for,
    wants_xlsx,
)

STATE_LABELS = {"done": "已完成", "late": "逾期", "soon": "即将到期", "waiting": "未到期"}
STATE_CLASSES = {"done": "success", "late": "danger", "soon": "warning", "waiting": "secondary"}
LATE_HEADER = (
    "乡镇(街道)",
    "村(社区)",
    "代码",
    "选举日",
    "环节",
    "最迟完成日期",
    "逾期天数",
    "依据",
)


def schedule_url(entry: CampaignVillage) -> str:
    return reverse("progress:schedule", args=[entry.campaign_id, entry.region_id])


def _row(stage: ScheduleStage, today: Any) -> dict[str, Any]:
    state = selectors.stage_state(stage, today)
    return {
        "stage": stage,
        "state": state,
        "label": STATE_LABELS[state],
        "css": STATE_CLASSES[state],
        "late_days": (today - stage.due_on).days if state == "late" else 0,
    }


def schedule(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    entry = selectors.access_schedule(request.user, pk, code)
    today = timezone.localdate()
    campaign = entry.campaign
    return render(
        request,
        "progress/schedule.html",
        {
            "entry": entry,
            "rows": [_row(s, today) for s in selectors.stages_of(entry)],
            "progress": VillageProgress.objects.filter(village=entry).first(),
            "changes": entry.election_day_changes.select_related("changed_by").order_by("-id"),
            "can_manage": can(request.user, Action.MANAGE_SCHEDULE) and not campaign.purged,
            "can_move": can(request.user, Action.SET_ELECTION_DATE) and not campaign.purged,
            "day_form": forms.ElectionDayForm(initial={"election_date": entry.election_date}),
            "today": today,
            "breadcrumbs": [
                ("换届工作", None),
                (campaign.name, reverse("elections:campaign_detail", args=[campaign.pk])),
                (f"{entry.region.display_name}工作日程", None),
            ],
        },
    )


def _stage(request: HttpRequest, pk: int, code: str, stage: int) -> ScheduleStage:
    entry = selectors.access_schedule(request.user, pk, code)
    require(request.user, Action.MANAGE_SCHEDULE)
    found = entry.stages.filter(pk=stage).first()
    if found is None:
        raise Http404("未找到")
    found.village = entry
    return found


def _answer(request: HttpRequest, stage: ScheduleStage, error: str = "") -> HttpResponse:
    """An htmx request gets the stage's row again (with the error beside it); a plain form
    post goes back to the page with a message."""
    if request.headers.get("HX-Request"):
        row = _row(stage, timezone.localdate())
        context = {
            "row": row,
            "entry": stage.village,
            "can_manage": True,
            "error": error,
            # The summary card above the table follows the row (htmx out-of-band swap).
            "oob": True,
            "progress": VillageProgress.objects.filter(village=stage.village).first(),
        }
        return render(request, "progress/schedule_stage.html", context)
    if error:
        messages.error(request, error)
    return redirect(schedule_url(stage.village))


@require_POST
def stage_done(request: HttpRequest, pk: int, code: str, stage: int) -> HttpResponse:
    found = _stage(request, pk, code, stage)
    form = forms.StageDoneForm(request.POST)
    if not form.is_valid():
        return _answer(request, found, _form_error(form))
    try:
        services.stage_mark_done(
            actor=current_user(request),
            stage=found,
            done_on=form.cleaned_data["done_on"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        return _answer(request, found, "；".join(exc.messages))
    return _answer(request, found)


@require_POST
def stage_undo(request: HttpRequest, pk: int, code: str, stage: int) -> HttpResponse:
    found = _stage(request, pk, code, stage)
    form = forms.StageUndoForm(request.POST)
    if not form.is_valid():
        return _answer(request, found, _form_error(form))
    try:
        services.stage_undo(
            actor=current_user(request), stage=found, note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        return _answer(request, found, "；".join(exc.messages))
    return _answer(request, found)


@require_POST
def election_day(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    entry = selectors.access_schedule(request.user, pk, code)
    require(request.user, Action.SET_ELECTION_DATE)
    form = forms.ElectionDayForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_error(form))
        return redirect(schedule_url(entry))
    try:
        campaign_village_set_election_date(
            actor=current_user(request),
            entry=entry,
            election_date=form.cleaned_data["election_date"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "选举日已保存，工作日程已按新的选举日重新计算")
    return redirect(schedule_url(entry))


def _form_error(form: Any) -> str:
    return "；".join(
        f"{form.fields[name].label}：{error}" if name in form.fields else error
        for name, errors in form.errors.items()
        for error in errors
    )


def late(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    campaign, region = selectors.access_area(request.user, pk, code)
    today = timezone.localdate()
    every = selectors.late_stages(campaign, region.code, today)
    rows, q, town = filter_villages(
        request, every, code_field="village__region_id", name_field="village__region__name"
    )
    title = f"{region.display_name}逾期环节（截至{today:%Y-%m-%d}）"
    if wants_xlsx(request):
        return list_xlsx(
            title,
            LATE_HEADER,
            rows.select_related("village__region__parent"),
            lambda s: _late_cells(s, today),
            widths=[16, 16, 14, 12, 24, 14, 10, 40],
        )
    subtotals = subtotals_for(
        request.user,
        every,
        [Column("逾期环节"), Column("涉及村(社区)")],
        code_field="village__region_id",
    )
    if subtotals is not None:
        subtotals = _count_villages(subtotals, every)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "progress/schedule_late.html",
        {
            "campaign": campaign,
            "region": region,
            "page_obj": page,
            "rows": [_row(s, today) for s in page],
            "subtotals": subtotals,
            "q": q,
            "town": town,
            "today": today,
            "title": title,
            "breadcrumbs": [
                ("换届工作", None),
                (campaign.name, reverse("elections:campaign_detail", args=[campaign.pk])),
                (f"{region.display_name}逾期环节", None),
            ],
        },
    )


def _count_villages(subtotals: Subtotals, every: QuerySet[ScheduleStage]) -> Subtotals:
    """The second column counts villages, not stages: one grouped query by town."""
    villages = dict(
        every.order_by()
        .annotate(_town=Substr("village__region_id", 1, TOWN_DIGITS))
        .values("_town")
        .annotate(n=Count("village_id", distinct=True))
        .values_list("_town", "n")
    )
    rows = tuple(replace(r, counts=(r.counts[0], villages.get(r.code, 0))) for r in subtotals.rows)
    total = (sum(r.counts[0] for r in rows), sum(r.counts[1] for r in rows))
    return replace(subtotals, rows=rows, total=total)


def _late_cells(stage: ScheduleStage, today: Any) -> list[Any]:
    village = stage.village.region
    return [
        village.parent.display_name if village.parent else "",
        village.display_name,
        village.code,
        stage.village.election_date.isoformat() if stage.village.election_date else "",
        stage.name,
        stage.due_on.isoformat(),
        (today - stage.due_on).days,
        stage.article,
    ]
