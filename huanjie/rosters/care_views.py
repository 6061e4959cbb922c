"""The village roster of a term with its derived facts, the cadre details form, reserve cadres
(后备干部) and the care of departing cadres (离任关爱). Names and masked ID numbers are shown to
VIEW_PEOPLE in scope, the forms to MANAGE_ROSTER in scope; anything else answers 404. Every write
is a service (rosters.services.cadres, reserve, care) whose refusal shows as its message."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from huanjie.accounts.permissions import Action, can, current_user, get_scoped_or_404, in_scope
from huanjie.lib.cadre_codes import EDUCATION, POLITICAL_STATUS
from huanjie.people.models import Person
from huanjie.polls.pages import refusal
from huanjie.regions.models import Region
from huanjie.rosters import care_forms as f
from huanjie.rosters.care import CADRE_BODIES, care_counts, counted_rows, departures
from huanjie.rosters.models import TAGS, Cadre, ReserveCadre, Term
from huanjie.rosters.selectors import term_param, terms_covering, today
from huanjie.rosters.services.cadres import cadre_leave, cadre_update
from huanjie.rosters.services.care import departure_care_record
from huanjie.rosters.services.reserve import reserve_add, reserve_remove, reserve_update
from huanjie.rosters.village_roster import village_roster

MSG_SAVED = "已保存"
MSG_LEFT = "已登记“{name}”离任{post}"
MSG_RESERVE_ADDED = "已将“{name}”登记为后备干部"
MSG_RESERVE_REMOVED = "已将“{name}”调出后备干部库"


def _region(request: HttpRequest, code: str, action: Action) -> tuple[Any, Region]:
    user = current_user(request)
    region = get_scoped_or_404(
        user, Region.objects.select_related("parent"), action, field="code", code=code
    )
    return user, region


def _may(user: Any, code: str) -> bool:
    return can(user, Action.MANAGE_ROSTER) and in_scope(user, code)


def _form_errors(form: Any) -> str:
    return "；".join(
        f"{form.fields[n].label}：{e}" if n in form.fields else str(e)
        for n, errors in form.errors.items()
        for e in errors
    )


@require_http_methods(["GET"])
def village(request: HttpRequest, code: str) -> HttpResponse:
    """A village's roster of a term (?term=, the latest by default) with its derived facts."""
    user, region = _region(request, code, Action.VIEW_PEOPLE)
    if not region.is_village_level:
        raise Http404("未找到")
    view = village_roster(region, term_param(request))
    return render(
        request,
        "rosters/village.html",
        {
            "region": region,
            "view": view,
            "may": _may(user, region.code),
        },
    )


@require_http_methods(["GET", "POST"])
def cadre_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A cadre's education, political status, ethnicity and tags (all the person's rows of the
    term in the village change together)."""
    user = current_user(request)
    cadre = get_scoped_or_404(
        user,
        Cadre.objects.select_related("village", "term", "person"),
        Action.MANAGE_ROSTER,
        field="village__code",
        pk=pk,
    )
    initial = {
        "education": cadre.education,
        "political_status": cadre.political_status,
        "ethnicity": cadre.ethnicity,
        "tags": [name for name, _ in TAGS if getattr(cadre, name)],
    }
    form = f.CadreForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                cadre_update(actor=user, cadre=cadre, **form.cleaned_data)
            except ValidationError as exc:
                messages.error(request, refusal(exc))
            else:
                messages.success(request, MSG_SAVED)
                url = reverse("rosters:village", args=[cadre.village_id])
                return redirect(f"{url}?term={cadre.term_number}")
        else:
            messages.error(request, _form_errors(form))
    leave = f.LeaveForm(initial={"ended_on": today(), "reason": "resigned"})
    return render(
        request, "rosters/cadre_edit.html", {"cadre": cadre, "form": form, "leave": leave}
    )


@require_http_methods(["POST"])
def cadre_leave_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A cadre leaves the post (辞职 or another reason): the row ends, kept as history."""
    user = current_user(request)
    cadre = get_scoped_or_404(
        user,
        Cadre.objects.select_related("village", "term"),
        Action.MANAGE_ROSTER,
        field="village__code",
        pk=pk,
    )
    form = f.LeaveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("rosters:cadre_edit", pk=cadre.pk)
    try:
        cadre_leave(actor=user, cadre=cadre, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, refusal(exc))
        return redirect("rosters:cadre_edit", pk=cadre.pk)
    messages.success(request, MSG_LEFT.format(name=cadre.name, post=cadre.get_post_display()))
    url = reverse("rosters:village", args=[cadre.village_id])
    return redirect(f"{url}?term={cadre.term_number}")


@require_http_methods(["GET", "POST"])
def reserve(request: HttpRequest, code: str) -> HttpResponse:
    """The reserve cadres of a county, town or village, and whether each entered the latest
    roster (derived); on a village, the form adding one."""
    user, region = _region(request, code, Action.VIEW_PEOPLE)
    may = _may(user, region.code) and region.is_village_level
    form = f.ReserveAddForm(request.POST or None, initial={"added_on": today()}) if may else None
    if request.method == "POST":
        if form is None:
            raise Http404("未找到")
        if form.is_valid():
            try:
                row = reserve_add(actor=user, village=region, **form.cleaned_data)
            except ValidationError as exc:
                messages.error(request, refusal(exc))
            else:
                messages.success(request, MSG_RESERVE_ADDED.format(name=row.name))
                return redirect(reverse("rosters:reserve", args=[region.code]))
        else:
            messages.error(request, _form_errors(form))
    number = (
        terms_covering(region.code).order_by("-number").values_list("number", flat=True).first()
    )
    elected = counted_rows(number or 0).filter(
        village_id=OuterRef("village_id"), person_id=OuterRef("person_id"), body__in=CADRE_BODIES
    )
    rows = (
        ReserveCadre.objects.filter(village__code__startswith=region.code)
        .select_related("village", "village__parent", "person")
        .annotate(elected=Exists(elected))
        .order_by("village_id", "status", "-added_on", "id")
    )
    lines = [
        (r, EDUCATION.get(r.education, ""), POLITICAL_STATUS.get(r.political_status, ""))
        for r in rows
    ]
    return render(
        request,
        "rosters/reserve.html",
        {"region": region, "rows": lines, "form": form, "may": may, "term_number": number},
    )


def _reserve_row(request: HttpRequest, pk: int) -> tuple[Any, ReserveCadre]:
    user = current_user(request)
    row = get_scoped_or_404(
        user,
        ReserveCadre.objects.select_related("village", "person"),
        Action.MANAGE_ROSTER,
        field="village__code",
        pk=pk,
    )
    return user, row


@require_http_methods(["GET", "POST"])
def reserve_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user, row = _reserve_row(request, pk)
    fields = ("education", "political_status", "occupation", "intended_body", "intended_post")
    initial = {n: getattr(row, n) for n in (*fields, "channel", "added_on")}
    form = f.ReserveFields(request.POST or None, initial=initial)
    remove = f.ReserveRemoveForm(initial={"removed_on": today()})
    if request.method == "POST":
        if form.is_valid():
            try:
                reserve_update(actor=user, reserve=row, **form.cleaned_data)
            except ValidationError as exc:
                messages.error(request, refusal(exc))
            else:
                messages.success(request, MSG_SAVED)
                return redirect(reverse("rosters:reserve", args=[row.village_id]))
        else:
            messages.error(request, _form_errors(form))
    context = {"row": row, "form": form, "remove": remove}
    return render(request, "rosters/reserve_edit.html", context)


@require_http_methods(["POST"])
def reserve_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    user, row = _reserve_row(request, pk)
    form = f.ReserveRemoveForm(request.POST)
    if form.is_valid():
        try:
            reserve_remove(actor=user, reserve=row, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, refusal(exc))
        else:
            messages.success(request, MSG_RESERVE_REMOVED.format(name=row.name))
            return redirect(reverse("rosters:reserve", args=[row.village_id]))
    else:
        messages.error(request, _form_errors(form))
    return redirect(reverse("rosters:reserve_edit", args=[row.pk]))


@require_http_methods(["GET"])
def departures_list(request: HttpRequest, code: str) -> HttpResponse:
    """Who left at term N (?term=, the latest by default) in a county, town or village, with
    the care recorded or not, and the totals: left, placed, paid."""
    user, region = _region(request, code, Action.VIEW_PEOPLE)
    numbers = list(
        Term.objects.filter(county_id=region.code[:6])
        .order_by("-number")
        .values_list("number", flat=True)
    )
    asked = term_param(request)
    number = asked if asked in numbers else (numbers[0] if numbers else None)
    found = departures(region.code, number) if number else []
    totals = care_counts(region.code, number, len(region.code))[""] if number else None
    return render(
        request,
        "rosters/departures.html",
        {
            "region": region,
            "numbers": numbers,
            "number": number,
            "found": found,
            "totals": totals,
            "may": can(user, Action.MANAGE_ROSTER) and in_scope(user, region.code),
        },
    )


@require_http_methods(["GET", "POST"])
def departure_care(request: HttpRequest, code: str, term_id: int, person_id: int) -> HttpResponse:
    """The care form of one who left `code` (a village) at the end of term `term_id`."""
    user, region = _region(request, code, Action.MANAGE_ROSTER)
    term = Term.objects.filter(pk=term_id, county_id=region.code[:6]).first()
    if term is None or not region.is_village_level:
        raise Http404("未找到")
    departure = next(
        (d for d in departures(region.code, term.number + 1) if d.person_id == person_id), None
    )
    if departure is None:
        raise Http404("未找到")
    care = departure.care
    initial: dict[str, Any] = {}
    if care is not None:
        initial = {n: getattr(care, n) for n in f.CareForm.base_fields}
    form = f.CareForm(request.POST or None, initial=initial)
    back = reverse("rosters:departures", args=[region.code]) + f"?term={term.number + 1}"
    if request.method == "POST":
        if form.is_valid():
            try:
                departure_care_record(
                    actor=user,
                    village=region,
                    term=term,
                    person=_person(departure),
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                messages.error(request, refusal(exc))
            else:
                messages.success(request, MSG_SAVED)
                return redirect(back)
        else:
            messages.error(request, _form_errors(form))
    context = {"region": region, "term": term, "departure": departure, "form": form, "back": back}
    return render(request, "rosters/departure_care.html", context)


def _person(departure: Any) -> Person:
    return Person.objects.get(pk=departure.person_id)


__all__ = [
    "cadre_edit",
    "cadre_leave_view",
    "departure_care",
    "departures_list",
    "reserve",
    "reserve_edit",
    "reserve_remove_view",
    "village",
]
