"""The ledgers' pages, one set for every kind (ledgers.framework): the campaigns, a campaign's
ledgers with per-town counts, a kind's list (search, filters, town subtotals, xlsx), an item's
page with its edit form, its transitions and its history, the add form, the upload page, the
template and the job pages of the import; and the villages still without a dual-role person.
Reads go through the scoped selectors (404 outside the user's region or without the kind's
reading level); every write is the kind's service, whose refusal shows as its Chinese message."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from huanjie.accounts.permissions import Action, current_user, require, scope_code
from huanjie.audit.services import audit_record
from huanjie.elections.models import Campaign, CampaignVillage
from huanjie.elections.selectors import access_campaign, campaigns_visible_to
from huanjie.ledgers import framework as fw
from huanjie.ledgers.models import LedgerImport
from huanjie.ledgers.selectors import (
    COUNT_LABELS,
    dual_role_missing,
    ledger_counts,
    ledger_town_counts,
)
from huanjie.lib.xlsx import xlsx_response
from huanjie.regions.models import Region
from huanjie.regions.subtotals import (
    TOWN_DIGITS,
    list_xlsx,
    subtotals_for,
    wants_xlsx,
)
from huanjie.uploads import views as upload_views
from huanjie.uploads.importers import importer_of
from huanjie.uploads.views import recent_jobs, upload_form

MSG_SAVED = "已保存"
MSG_MOVED = "已{label}"
MSG_IMPORT_LEVEL = "台账按县(市、区)或乡镇(街道)导入，村(社区)用户不能导入"
JOB_NAMES = {step: f"ledgers:import_{step}" for step in ("job", "confirm", "progress", "problems")}


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    require(request.user, Action.VIEW_PROGRESS)
    return access_campaign(request.user, pk)


def _kind(request: HttpRequest, key: str) -> fw.LedgerKind:
    kind = fw.kind_of(key)
    kind.require_read(request.user)
    return kind


def _writable(request: HttpRequest, kind: fw.LedgerKind) -> None:
    kind.require_write(request.user)


def _breadcrumbs(campaign: Campaign, *more: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [
        ("工作台账", reverse("ledgers:index")),
        (campaign.name, reverse("ledgers:campaign", args=[campaign.pk])),
        *more,
    ]


def index(request: HttpRequest) -> HttpResponse:
    """The user's campaigns; one campaign opens its ledgers."""
    require(request.user, Action.VIEW_PROGRESS)
    campaigns = list(campaigns_visible_to(request.user))
    if len(campaigns) == 1:
        return redirect("ledgers:campaign", pk=campaigns[0].pk)
    return render(
        request,
        "ledgers/index.html",
        {"campaigns": campaigns, "breadcrumbs": [("工作台账", None)]},
    )


def campaign_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A campaign's ledgers: each kind the user reads with its count per town, and the
    figures counted from them."""
    campaign = _campaign(request, pk)
    user = request.user
    readable = [k for k in fw.kinds() if k.readable_by(user)]
    towns, totals = ledger_town_counts(user, campaign, readable)
    prefix = scope_code(user) or ""
    figures = (
        [(COUNT_LABELS[k], v) for k, v in ledger_counts(campaign, prefix).items()]
        if len(prefix) < 12
        else []
    )
    return render(
        request,
        "ledgers/campaign.html",
        {
            "campaign": campaign,
            "kinds": readable,
            "towns": towns,
            "totals": totals,
            "figures": figures,
            "breadcrumbs": [*_breadcrumbs(campaign)[:-1], (campaign.name, None)],
        },
    )


def _filtered(
    request: HttpRequest, kind: fw.LedgerKind, items: QuerySet[Any]
) -> tuple[QuerySet[Any], dict[str, Any]]:
    q = request.GET.get("q", "").strip()[:50]
    town = request.GET.get("town", "")
    if q:
        found = Q(region__name__contains=q) | Q(region__short_name__contains=q)
        if q.isdigit():
            found |= Q(region__code__startswith=q)
        items = items.filter(found | fw.search_q(kind, q))
    if len(town) == TOWN_DIGITS and town.isdigit():
        items = items.filter(region__code__startswith=town)
    else:
        town = ""
    items, applied = fw.filter_items(kind, items, request.GET)
    return items, {"q": q, "town": town, "applied": applied}


def _filters(kind: fw.LedgerKind, applied: dict[str, str]) -> list[dict[str, Any]]:
    """The list's drop-downs: the status, then the kind's filters."""
    keys = [kind.status] if kind.status else []
    found = []
    for key in [*keys, *kind.filters]:
        column = kind.by_key[key]
        options = [("1", fw.YES), ("0", fw.NO)] if column.kind == fw.BOOL else list(column.choices)
        found.append(
            {"key": key, "label": column.label, "options": options, "value": applied.get(key, "")}
        )
    return found


def ledger_list(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """A kind's items in the user's scope: search, filters, town subtotals, xlsx."""
    campaign = _campaign(request, pk)
    ledger = _kind(request, kind)
    user = current_user(request)
    every = fw.items_visible_to(user, ledger, campaign)
    items, state = _filtered(request, ledger, every)
    if wants_xlsx(request):
        audit_record(
            actor=user,
            action="ledgers.export",
            object_type="elections.campaign",
            object_id=str(campaign.pk),
            changes={"kind": ledger.key, "rows": items.count()},
        )
        content = fw.ledger_xlsx(ledger, items.iterator(chunk_size=2000))
        return xlsx_response(content, f"{ledger.label}.xlsx")
    page = Paginator(items, fw.PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(item, ledger.number(item), fw.export_row(ledger, item)[3:]) for item in page]
    return render(
        request,
        "ledgers/list.html",
        {
            "campaign": campaign,
            "kind": ledger,
            "page_obj": page,
            "rows": rows,
            "columns": ledger.columns,
            "subtotals": subtotals_for(user, items, fw.subtotal_columns(ledger)),
            "filters": _filters(ledger, state["applied"]),
            "q": state["q"],
            "town": state["town"],
            "may_write": ledger.writable_by(user),
            "may_import": ledger.importable_by(user) and len(scope_code(user) or "") in (6, 9),
            "links": [(label, reverse(name, args=[campaign.pk])) for label, name in ledger.links],
            "breadcrumbs": _breadcrumbs(campaign, (ledger.label, None)),
        },
    )


def _owners(user: Any, kind: fw.LedgerKind, campaign: Campaign) -> list[Region]:
    """The units an item may be added for: the campaign's villages in the user's scope (and
    the towns or the county, for a kind owned at those levels)."""
    prefix = scope_code(user) or "-"
    owners: list[Region] = []
    if Region.Level.VILLAGE in kind.owner_levels:
        entries = CampaignVillage.objects.filter(
            campaign=campaign, included=True, region__code__startswith=prefix
        ).select_related("region", "region__parent")
        owners += [e.region for e in entries]
    others = [lv for lv in kind.owner_levels if lv != Region.Level.VILLAGE]
    if others:
        owners += list(
            Region.objects.filter(level__in=others, code__startswith=prefix).filter(
                code__startswith=campaign.region_id
            )
        )
    return sorted(owners, key=lambda r: r.code)


@require_http_methods(["GET", "POST"])
def ledger_add(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    campaign = _campaign(request, pk)
    ledger = _kind(request, kind)
    _writable(request, ledger)
    user = current_user(request)
    owners = _owners(user, ledger, campaign)
    form = fw.item_form(ledger, request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        region = next(r for r in owners if r.code == form.cleaned_data["region"])
        try:
            item = fw.save_item(
                user, ledger, campaign, region, None, fw.form_values(ledger, form.cleaned_data)
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, fw.error_text(exc))
        else:
            messages.success(request, MSG_SAVED)
            return redirect("ledgers:item", pk=campaign.pk, kind=ledger.key, item=item.pk)
    return render(
        request,
        "ledgers/add.html",
        {
            "campaign": campaign,
            "kind": ledger,
            "form": form,
            "breadcrumbs": _breadcrumbs(
                campaign,
                (ledger.label, reverse("ledgers:list", args=[campaign.pk, ledger.key])),
                ("新增", None),
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def ledger_item(request: HttpRequest, pk: int, kind: str, item: int) -> HttpResponse:
    """An item: its values, the edit form (POST saves), its transitions and its history."""
    campaign = _campaign(request, pk)
    ledger = _kind(request, kind)
    user = current_user(request)
    found = fw.access_item(user, ledger, campaign, item)
    may_write = ledger.writable_by(user)
    form = fw.item_form(ledger, request.POST or None, item=found) if may_write else None
    if request.method == "POST":
        _writable(request, ledger)
        assert form is not None
        if form.is_valid():
            try:
                fw.save_item(
                    user,
                    ledger,
                    campaign,
                    found.region,
                    found,
                    fw.form_values(ledger, form.cleaned_data),
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, fw.error_text(exc))
            else:
                messages.success(request, MSG_SAVED)
                return redirect("ledgers:item", pk=campaign.pk, kind=ledger.key, item=found.pk)
    status = getattr(found, ledger.status) if ledger.status else ""
    moves = [
        (t, fw.transition_form(ledger, t))
        for t in fw.transitions_from(ledger, status)
        if ledger.may_move(user, t)
    ]
    return render(
        request,
        "ledgers/item.html",
        {
            "campaign": campaign,
            "kind": ledger,
            "item": found,
            "number": ledger.number(found),
            "values": list(zip(ledger.columns, fw.export_row(ledger, found)[3:], strict=True)),
            "form": form,
            "moves": moves,
            "history": list(ledger.history(found)) if ledger.history else [],
            "breadcrumbs": _breadcrumbs(
                campaign,
                (ledger.label, reverse("ledgers:list", args=[campaign.pk, ledger.key])),
                (ledger.number(found), None),
            ),
        },
    )


@require_POST
def ledger_move(request: HttpRequest, pk: int, kind: str, item: int, to: str) -> HttpResponse:
    """One transition of an item (its form's values), through the kind's guarded service."""
    campaign = _campaign(request, pk)
    ledger = _kind(request, kind)
    user = current_user(request)
    found = fw.access_item(user, ledger, campaign, item)
    status = getattr(found, ledger.status) if ledger.status else ""
    move = next((t for t in fw.transitions_from(ledger, status) if t.target == to), None)
    if move is None:
        raise Http404("未找到")
    ledger.require_move(user, move)
    form = fw.transition_form(ledger, move, request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            text = "；".join(str(e) for e in errors)
            messages.error(request, f"{label}：{text}" if label else text)
    else:
        try:
            fw.run_transition(user, ledger, found, move, form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, fw.error_text(exc))
        else:
            messages.success(request, MSG_MOVED.format(label=move.label))
    return redirect("ledgers:item", pk=campaign.pk, kind=ledger.key, item=found.pk)


def _import_scope(request: HttpRequest) -> Region:
    user = current_user(request)
    code = scope_code(user) or ""
    if len(code) not in (6, 9):
        raise Http404("未找到")
    return Region.objects.get(code=code)


@require_http_methods(["GET", "POST"])
def ledger_import(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The upload page of a kind (the user's county or town), its template and recent jobs."""
    campaign = _campaign(request, pk)
    ledger = _kind(request, kind)
    ledger.require_import(request.user)
    area = _import_scope(request)
    importer = importer_of(ledger.importer_kind)
    form = upload_form(request, importer, scope=area, campaign=campaign)
    if isinstance(form, HttpResponse):
        return form
    return render(
        request,
        "ledgers/import.html",
        {
            "campaign": campaign,
            "kind": ledger,
            "area": area,
            "form": form,
            "max_rows": importer.limits.max_rows,
            "jobs": recent_jobs(importer, scope=area, campaign=campaign),
            "breadcrumbs": _breadcrumbs(
                campaign,
                (ledger.label, reverse("ledgers:list", args=[campaign.pk, ledger.key])),
                ("导入", None),
            ),
        },
    )


def ledger_template(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    _campaign(request, pk)
    ledger = _kind(request, kind)
    ledger.require_import(request.user)
    area = _import_scope(request)
    return xlsx_response(
        fw.ledger_template(ledger, area), f"{area.display_name}{ledger.label}模板.xlsx"
    )


def _job_importer(job_id: int) -> Any:
    key = LedgerImport.objects.filter(pk=job_id).values_list("kind", flat=True).first()
    if key is None:
        raise Http404("未找到")
    try:
        return importer_of(key)
    except KeyError:
        raise Http404("未找到") from None


def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    importer = _job_importer(job_id)
    return upload_views.job_page(request, job_id, importer=importer, names=JOB_NAMES)


@require_POST
def import_confirm(request: HttpRequest, job_id: int) -> HttpResponse:
    importer = _job_importer(job_id)
    return upload_views.job_confirm(request, job_id, importer=importer, names=JOB_NAMES)


def import_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    importer = _job_importer(job_id)
    return upload_views.job_progress(request, job_id, importer=importer, names=JOB_NAMES)


def import_problems(request: HttpRequest, job_id: int) -> HttpResponse:
    importer = _job_importer(job_id)
    return upload_views.job_problems(request, job_id, importer=importer, names=JOB_NAMES)


def dual_role_missing_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The ledger of villages still without a dual-role person (seed 004: 21 of 118), counted
    from the intended candidates: search, town subtotals, xlsx."""
    campaign = _campaign(request, pk)
    _kind(request, "candidates")
    user = current_user(request)
    entries = dual_role_missing(user, campaign)
    q = request.GET.get("q", "").strip()[:50]
    town = request.GET.get("town", "")
    if q:
        found = Q(region__name__contains=q) | Q(region__short_name__contains=q)
        entries = entries.filter(found | (Q(region__code__startswith=q) if q.isdigit() else Q()))
    if len(town) == TOWN_DIGITS and town.isdigit():
        entries = entries.filter(region__code__startswith=town)
    else:
        town = ""
    if wants_xlsx(request):
        audit_record(
            actor=user,
            action="ledgers.export",
            object_type="elections.campaign",
            object_id=str(campaign.pk),
            changes={"kind": "dual_role_missing", "rows": entries.count()},
        )
        return list_xlsx(
            "尚未物色到一肩挑人选的村",
            ("区划代码", "乡镇(街道)", "村(社区)", "选举日"),
            entries.iterator(chunk_size=2000),
            lambda e: (
                e.region.code,
                e.region.parent.display_name if e.region.parent else "",
                e.region.display_name,
                e.election_date.isoformat() if e.election_date else "",
            ),
            widths=(14, 16, 18, 12),
        )
    from huanjie.regions.subtotals import Column

    page = Paginator(entries, fw.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "ledgers/dual_role_missing.html",
        {
            "campaign": campaign,
            "page_obj": page,
            "subtotals": subtotals_for(user, entries, [Column("尚未物色到位")]),
            "q": q,
            "town": town,
            "breadcrumbs": _breadcrumbs(
                campaign,
                ("人选物色", reverse("ledgers:list", args=[campaign.pk, "candidates"])),
                ("尚未物色到“一肩挑”人选的村", None),
            ),
        },
    )
