from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from huanjie.accounts.permissions import Action, can, current_user, require
from huanjie.accounts.throttle import throttled
from huanjie.people import selectors as people_selectors
from huanjie.regions import selectors
from huanjie.regions.forms import KindCorrectForm
from huanjie.regions.models import Region
from huanjie.regions.services import region_kind_correct

SORTS = {
    "code": "code",
    "-code": "-code",
    "name": "name",
    "-name": "-name",
    "kind": "kind",
    "-kind": "-kind",
}


def regions_home(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_REGIONS)
    if not current_user(request).region_id:
        raise Http404("未找到")
    return redirect("regions:detail", code=current_user(request).region_id)


@throttled("personal_data")  # SECURITY.md P6
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = selectors.access_region(request.user, code)
    q = request.GET.get("q", "").strip()[:50]
    kind = request.GET.get("kind", "")
    kind = kind if kind in Region.Kind.values else ""
    sort = SORTS.get(request.GET.get("sort", ""), "code")
    if (q or kind) and not region.is_village_level:
        rows = selectors.search_regions(request.user, region, q, kind).order_by(sort)
    else:
        rows = selectors.regions_visible_to(request.user).filter(parent=region).order_by(sort)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    counts = selectors.child_counts(region)
    for child in page.object_list:
        child.counts = counts.get(child.code, {})  # type: ignore[attr-defined]
    totals = selectors.totals_of(region, counts)
    form = None
    if region.is_village_level and can(request.user, Action.CORRECT_REGION_KIND):
        form = KindCorrectForm(initial={"kind": region.kind})
    people = None
    groups: list[str] = []
    group = request.GET.get("group", "")[:50]
    if can(request.user, Action.VIEW_PEOPLE):
        if region.is_village_level:
            groups = people_selectors.groups_of_village(region)
            people = Paginator(
                people_selectors.people_of_region(request.user, region, q=q, group=group).order_by(
                    "group_name", "household_no", "id"
                ),
                50,
            ).get_page(request.GET.get("page"))
        else:
            population = people_selectors.population_by_child(
                request.user, region, selectors.CHILD_CODE_LENGTH[region.level]
            )
            for child in page.object_list:
                child.population = population.get(child.code, 0)  # type: ignore[attr-defined]
            totals["population"] = sum(population.values())
    return render(
        request,
        "regions/detail.html",
        {
            "people": people,
            "groups": groups,
            "group": group,
            "show_population": can(request.user, Action.VIEW_PEOPLE),
            "region": region,
            "page_obj": page,
            "q": q,
            "kind": kind,
            "sort": request.GET.get("sort", "code"),
            "totals": totals,
            "kind_form": form,
            "searching": bool(q or kind),
            "kinds": Region.Kind.choices,
            "breadcrumbs": [("行政区划", None), *selectors.breadcrumbs_for(request.user, region)],
        },
    )


def region_kind(request: HttpRequest, code: str) -> HttpResponse:
    region = selectors.access_region(request.user, code)
    require(request.user, Action.CORRECT_REGION_KIND)
    if request.method != "POST":
        return redirect("regions:detail", code=code)
    form = KindCorrectForm(request.POST)
    if form.is_valid():
        try:
            region_kind_correct(
                actor=current_user(request),
                region=region,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(
                request, f"已将“{region.display_name}”的类别更正为{region.get_kind_display()}"
            )
    else:
        messages.error(request, "请选择类别并填写更正原因")
    return redirect("regions:detail", code=code)
