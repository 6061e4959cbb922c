"""The structure checks' pages: the live list of every village of a scope breaking a check (by
town, with counts, a filter by check, the county-level shares on top, an xlsx of the list), a
campaign's settings, and a village's close relatives (list, add, remove). Reads go through the
scoped lookups (404 outside the user's region); every write is a service of
huanjie.rosters.services.structure, whose refusal shows as its Chinese message."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from huanjie.accounts.permissions import Action, can, current_user, get_scoped_or_404
from huanjie.audit.services import audit_record
from huanjie.elections.models import Campaign
from huanjie.lib.xlsx import table_xlsx, xlsx_response
from huanjie.people.models import Person
from huanjie.polls.pages import refusal
from huanjie.regions.models import Region
from huanjie.rosters.models import Cadre, Kinship, StructureRules
from huanjie.rosters.selectors import term_param, terms_covering
from huanjie.rosters.services.structure import (
    kinship_record,
    kinship_remove,
    structure_rules_set,
)
from huanjie.rosters.structure import (
    StructureList,
    settings_of,
    structure_findings,
    towns_of,
)
from huanjie.rosters.structure_forms import KinshipForm, StructureRulesForm
from huanjie.rules.structure import CHECKS, SEVERITY_NAMES, Finding

MSG_RULES_SAVED = "班子结构要求已保存"
MSG_KIN_SAVED = "已登记：{a}与{b}为近亲属（{relation}）"
MSG_KIN_REMOVED = "已删除{a}与{b}的近亲属关系"


def _scope(user: Any, code: str) -> Region:
    return get_scoped_or_404(
        user, Region.objects.select_related("parent"), Action.VIEW_ROSTER_REPORT, "code", code=code
    )


def _term_numbers(scope: Region) -> list[int]:
    numbers = terms_covering(scope.code).values_list("number", flat=True)
    return sorted(set(numbers), reverse=True)


def _text(finding: Finding, names: bool) -> str:
    """What a finding says to a user: with the people's names for one who may see people
    (VIEW_PEOPLE), else the check's title alone."""
    return finding.message if names else finding.title


@require_http_methods(["GET"])
def structure(request: HttpRequest, code: str) -> HttpResponse:
    """The live list of `code`'s villages breaking a structure check in the term."""
    user = current_user(request)
    scope = _scope(user, code)
    found = structure_findings(scope, term_param(request))
    check = request.GET.get("check", "")
    check = check if check in CHECKS else ""
    names = can(user, Action.VIEW_PEOPLE)
    towns = [
        (town, name, [(v, [(f, _text(f, names)) for f in v.findings]) for v in rows])
        for town, name, rows in towns_of(found.only(check))
    ]
    campaigns = [t.campaign for t in found.terms if t.campaign is not None]
    return render(
        request,
        "rosters/structure.html",
        {
            "scope": scope,
            "found": found,
            "towns": towns,
            "counts": found.counts(),
            "severities": found.severities(),
            "severity_names": SEVERITY_NAMES,
            "areas": [(a, [(f, _text(f, names)) for f in a.findings]) for a in found.areas],
            "check": check,
            "check_title": CHECKS.get(check, ""),
            "checks": CHECKS,
            "terms": _term_numbers(scope),
            "campaigns": campaigns if can(user, Action.MANAGE_CAMPAIGNS) else [],
            "may_kin": can(user, Action.MANAGE_ROSTER) and names,
        },
    )


@require_http_methods(["GET"])
def structure_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    """The live list as a workbook: one row per finding (county-level ones first)."""
    user = current_user(request)
    scope = _scope(user, code)
    found = structure_findings(scope, term_param(request))
    check = request.GET.get("check", "")
    content = table_xlsx(
        "班子结构问题",
        ["乡镇（街道）", "村(社区)代码", "村(社区)", "检查项", "性质", "情况", "依据"],
        _xlsx_rows(found, check if check in CHECKS else "", can(user, Action.VIEW_PEOPLE)),
        [14, 16, 14, 24, 14, 60, 48],
    )
    # Names leave the system: who took which list, and when (SECURITY.md L1, P5).
    audit_record(
        actor=user,
        action="roster.structure_export",
        obj=scope,
        changes={"term": found.term_number, "check": check if check in CHECKS else ""},
    )
    term = f"第{found.term_number}届" if found.term_number else ""
    return xlsx_response(content, f"{scope.display_name}{term}班子结构问题清单.xlsx")


def _xlsx_rows(found: StructureList, check: str, names: bool) -> list[list[str]]:
    rows = [
        ["（全县统计）", area.code, area.name, f.title, f.severity_name, _text(f, names), f.source]
        for area in found.areas
        for f in area.findings
        if not check or f.code == check
    ]
    rows += [
        [v.town_name, v.code, v.name, f.title, f.severity_name, _text(f, names), f.source]
        for v in found.only(check)
        for f in v.findings
    ]
    return rows


@require_http_methods(["GET", "POST"])
def structure_rules(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """A campaign's structure settings (the county's)."""
    user = current_user(request)
    campaign = get_scoped_or_404(
        user, Campaign.objects.select_related("region"), Action.MANAGE_CAMPAIGNS, pk=campaign_id
    )
    rules = StructureRules.objects.filter(campaign=campaign).first()
    current = settings_of(rules)
    form = StructureRulesForm(request.POST or None, initial=current.as_values())
    if request.method == "POST":
        if form.is_valid():
            try:
                structure_rules_set(actor=user, campaign=campaign, values=dict(form.cleaned_data))
            except ValidationError as exc:
                messages.error(request, refusal(exc))
            else:
                messages.success(request, MSG_RULES_SAVED)
                return redirect(reverse("rosters:structure_rules", args=[campaign.pk]))
        else:
            messages.error(request, refusal(_form_refusal(form)))
    return render(
        request,
        "rosters/structure_rules.html",
        {"campaign": campaign, "form": form, "rules": rules},
    )


def _form_refusal(form: Any) -> ValidationError:
    return ValidationError(
        [
            f"{form.fields[name].label}：{error}" if name in form.fields else error
            for name, errors in form.errors.items()
            for error in errors
        ]
    )


def _village(user: Any, code: str) -> Region:
    return get_scoped_or_404(
        user,
        Region.objects.filter(level=Region.Level.VILLAGE).select_related("parent"),
        Action.MANAGE_ROSTER,
        "code",
        code=code,
    )


def _people(village: Region) -> dict[int, Person]:
    """The people a kinship may name on this page: those on the village's roster (any term),
    by id, in name order."""
    on_roster = Cadre.objects.filter(village=village, person__isnull=False).values("person_id")
    return {p.pk: p for p in Person.objects.filter(pk__in=on_roster).order_by("name", "pk")}


@require_http_methods(["GET", "POST"])
def kin(request: HttpRequest, code: str) -> HttpResponse:
    """A village's recorded close relatives, and the form to add a pair."""
    user = current_user(request)
    village = _village(user, code)
    people = _people(village)
    choices = [(pk, f"{p.name}（{p.id_masked}）") for pk, p in people.items()]
    form = KinshipForm(request.POST or None, people=choices)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                row = kinship_record(
                    actor=user,
                    village=village,
                    person_a=people[data["person_a"]],
                    person_b=people[data["person_b"]],
                    relation=data["relation"],
                    note=data["note"],
                )
            except ValidationError as exc:
                messages.error(request, refusal(exc))
            else:
                messages.success(
                    request,
                    MSG_KIN_SAVED.format(
                        a=row.person_a.name,
                        b=row.person_b.name,
                        relation=row.get_relation_display(),
                    ),
                )
                return redirect(reverse("rosters:kin", args=[village.code]))
        else:
            messages.error(request, refusal(_form_refusal(form)))
    rows = Kinship.objects.filter(village=village).select_related("person_a", "person_b")
    return render(
        request,
        "rosters/kin.html",
        {"village": village, "rows": rows, "form": form, "empty": not people},
    )


@require_http_methods(["POST"])
def kin_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    row = get_scoped_or_404(
        user,
        Kinship.objects.select_related("village", "person_a", "person_b"),
        Action.MANAGE_ROSTER,
        "village__code",
        pk=pk,
    )
    try:
        kinship_remove(actor=user, kinship=row)
    except ValidationError as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(request, MSG_KIN_REMOVED.format(a=row.person_a.name, b=row.person_b.name))
    return redirect(reverse("rosters:kin", args=[row.village_id]))


__all__ = ["kin", "kin_remove", "structure", "structure_rules", "structure_xlsx"]
