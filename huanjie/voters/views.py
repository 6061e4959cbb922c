"""Pages of the voter roll: thin views, access → form → one service → redirect or render.
Every URL answers 404 outside the user's scope (selectors)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from huanjie.accounts.permissions import Action, can, current_user, get_scoped_or_404, require
from huanjie.accounts.throttle import throttled
from huanjie.elections.models import CampaignVillage
from huanjie.elections.selectors import access_campaign, campaigns_visible_to
from huanjie.elections.services import campaign_village_set_election_date
from huanjie.people.forms import StatusRecordForm
from huanjie.regions.models import Region
from huanjie.regions.subtotals import list_xlsx, wants_xlsx
from huanjie.rules import voters as voter_rules
from huanjie.voters import forms, pdf, selectors, services, status
from huanjie.voters.models import Category

CRUMB_ROOT = ("换届工作", None)


def roll_crumbs(entry: CampaignVillage, *tail: tuple[str, str | None]) -> list[Any]:
    campaign = entry.campaign
    return [
        CRUMB_ROOT,
        (campaign.name, reverse("elections:campaign_detail", args=[campaign.pk])),
        (f"{entry.region.display_name}选民登记", roll_url(entry) if tail else None),
        *tail,
    ]


def roll_url(entry: CampaignVillage) -> str:
    return reverse("voters:roll", args=[entry.campaign_id, entry.region_id])


def _error(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, "；".join(exc.messages))


def _invalid(form: Any) -> ValidationError:
    """A small form posted from a list page: its errors, each named by its field, as a message."""
    return ValidationError(
        [
            f"{form.fields[n].label}：{e}" if n in form.fields else e
            for n, errs in form.errors.items()
            for e in errs
        ]
    )


def _legal_latest(entry: CampaignVillage) -> Any:
    try:
        profile = services.village_profile(entry)
    except ValidationError:
        return None
    assert entry.election_date is not None
    return voter_rules.voter_list_deadline(profile, entry.election_date)


@throttled("personal_data")  # SECURITY.md P6
def roll(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    entry = selectors.access_roll(request.user, pk, code)
    filters = forms.RollFilterForm(request.GET or None)
    rows = selectors.registrations_of(entry)
    data = filters.cleaned_data if filters.is_valid() else {}
    status = data.get("status", "")
    if status == "removed":
        rows = rows.filter(active=False)
    elif status == "flagged":
        rows = rows.exclude(flag="")
    elif status != "all":
        rows = rows.filter(active=True)
    if data.get("q"):
        rows = rows.filter(person__name__contains=data["q"].strip())
    if data.get("group"):
        rows = rows.filter(group_name=data["group"].strip())
    if data.get("category"):
        rows = rows.filter(category=data["category"])
    rows = rows.order_by("group_name", "person__household_no", "person__name", "id")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    # The badges: dead, or deprived of political rights, on this village's election day.
    day = entry.election_date or timezone.localdate()
    dead = {r.pk for r in page if not r.person.alive_on(day)}
    deprived = {r.pk for r in page if r.pk not in dead and r.person.deprived_on(day)}
    publications = list(selectors.publications_of(entry))
    return render(
        request,
        "voters/roll.html",
        {
            "entry": entry,
            "filters": filters,
            "page_obj": page,
            "dead": dead,
            "deprived": deprived,
            "publications": publications,
            "frozen": bool(publications),
            "legal_latest": _legal_latest(entry),
            "can_manage": can(request.user, Action.MANAGE_VOTERS),
            "can_set_date": can(request.user, Action.SET_ELECTION_DATE),
            "can_reveal": can(request.user, Action.REVEAL_ID),
            "date_form": forms.ElectionDateForm(initial={"election_date": entry.election_date}),
            "remove_form": forms.RemoveForm(),
            "breadcrumbs": roll_crumbs(entry),
        },
    )


@require_POST
def election_date(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    entry = selectors.access_roll(request.user, pk, code)
    require(request.user, Action.SET_ELECTION_DATE)
    form = forms.ElectionDateForm(request.POST)
    if not form.is_valid():
        _error(request, _invalid(form))
        return redirect(roll_url(entry))
    try:
        campaign_village_set_election_date(
            actor=current_user(request),
            entry=entry,
            election_date=form.cleaned_data["election_date"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, "选举日已确定")
    return redirect(roll_url(entry))


def _form_page(
    request: HttpRequest, entry: CampaignVillage, title: str, form: Any, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "voters/form.html",
        {
            "entry": entry,
            "title": title,
            "form": form,
            "breadcrumbs": roll_crumbs(entry, (title, None)),
            **extra,
        },
    )


def register(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    entry = selectors.access_roll(request.user, pk, code)
    require(request.user, Action.MANAGE_VOTERS)
    try:
        categories = services.village_profile(entry).registration.value
    except ValidationError:
        categories = ()
    form = forms.RegisterForm(request.POST or None, categories=categories)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        actor = current_user(request)
        try:
            region = Region.objects.filter(code=d["region_code"] or entry.region_id).first()
            if region is None:
                raise ValidationError(services.MSG_REGION_UNKNOWN.format(code=d["region_code"]))
            reg = services.voter_register_by_number(
                actor=actor,
                campaign=entry.campaign,
                village=entry.region,
                id_number=d["id_number"],
                name=d["name"],
                sex=d["sex"],
                region=region,
                category=d["category"],
                group_name=d["group_name"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已登记：{reg.person.name}（{reg.person.id_masked}）")
            return redirect(roll_url(entry))
    return _form_page(
        request,
        entry,
        "登记选民",
        form,
        frozen=services.first_publication(entry.campaign, entry.region),
    )


@require_POST
def remove(request: HttpRequest, pk: int, code: str, reg: int) -> HttpResponse:
    entry = selectors.access_roll(request.user, pk, code)
    registration = selectors.access_registration(request.user, entry, reg)
    require(request.user, Action.MANAGE_VOTERS)
    form = forms.RemoveForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("请选择除名原因")
        services.voter_remove(
            actor=current_user(request),
            registration=registration,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, f"已除名：{registration.person.name}")
    return redirect(roll_url(entry))


def person_status(request: HttpRequest, pk: int, code: str, reg: int) -> HttpResponse:
    """Record a death, a deprivation or a restoration of political rights of the person of one
    registration, from the roll the clerk works on; every roll of the person follows."""
    entry = selectors.access_roll(request.user, pk, code)
    registration = selectors.access_registration(request.user, entry, reg)
    require(request.user, Action.MANAGE_VOTERS)
    person = registration.person
    form = StatusRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            change = status.person_status_record(
                actor=current_user(request),
                person=person,
                kind=d["kind"],
                on=d["on"],
                until=d["until"],
                source=d["source"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, status.recorded_message(change))
            return redirect(roll_url(entry))
    return _form_page(
        request,
        entry,
        f"登记死亡/剥夺政治权利：{person.name}（{person.id_masked}）",
        form,
        note=status.record_text(person),
    )


def carry_over(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    entry = selectors.access_roll(request.user, pk, code)
    require(request.user, Action.MANAGE_VOTERS)
    previous = campaigns_visible_to(request.user).exclude(pk=entry.campaign_id)
    form = forms.CarryOverForm(request.POST or None, campaigns=[(c.pk, str(c)) for c in previous])
    if request.method == "POST" and form.is_valid():
        try:
            result = services.roll_carry_over(
                actor=current_user(request),
                campaign=entry.campaign,
                village=entry.region,
                previous_campaign=previous.get(pk=form.cleaned_data["previous_campaign"]),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"已结转上届名单：结转{result.carried}人，新满十八周岁{result.turned_18}人，"
                f"迁出{result.moved_out}人，死亡{result.died}人，"
                f"被剥夺政治权利{result.lost_rights}人，待核实{result.flagged}人，"
                f"已在他村登记{result.conflicts}人",
            )
            return redirect(roll_url(entry))
    return _form_page(request, entry, "结转上届选民名单", form)


def publish(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    entry = selectors.access_roll(request.user, pk, code)
    require(request.user, Action.MANAGE_VOTERS)
    latest = _legal_latest(entry)
    form = forms.PublishForm(request.POST or None, initial={"published_on": latest})
    if request.method == "POST" and form.is_valid():
        try:
            publication = services.voter_list_publish(
                actor=current_user(request),
                campaign=entry.campaign,
                village=entry.region,
                published_on=form.cleaned_data["published_on"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"选民名单已公布，共{publication.voters}人")
            return redirect(roll_url(entry))
    return _form_page(request, entry, "公布选民名单", form, legal_latest=latest)


def notice_pdf(request: HttpRequest, pk: int, code: str, version: str) -> HttpResponse:
    entry = selectors.access_roll(request.user, pk, code)
    publication = selectors.access_publication(request.user, entry, int(version))
    previous = selectors.publications_of(entry).filter(version=int(version) - 1).first()
    body = pdf.list_notice_pdf(publication, previous.published_on if previous else None)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="voter-list-{code}-v{version}.pdf"'
    return response


def objections(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    entry = selectors.access_roll(request.user, pk, code)
    publications = list(selectors.publications_of(entry))
    form = forms.ObjectionForm(request.POST or None)
    if request.method == "POST":
        require(request.user, Action.MANAGE_VOTERS)
        if not publications:
            raise Http404("未找到")
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.objection_record(
                    actor=current_user(request),
                    publication=publications[-1],
                    filer_name=d["filer_name"],
                    subject_name=d["subject_name"],
                    kind=d["kind"],
                    detail=d["detail"],
                    filed_on=d["filed_on"],
                    received_on=d["received_on"],
                    subject=services.find_person(d["subject_id_number"]),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "申诉已登记")
                return redirect("voters:objections", pk=pk, code=code)
    return render(
        request,
        "voters/objections.html",
        {
            "entry": entry,
            "publications": publications,
            "objections": selectors.objections_of(entry).order_by("filed_on", "id"),
            "form": form,
            "decide_form": forms.DecideForm(initial={"decided_on": timezone.localdate()}),
            "can_manage": can(request.user, Action.MANAGE_VOTERS),
            "today": timezone.localdate(),
            "breadcrumbs": roll_crumbs(entry, ("选民名单申诉", None)),
        },
    )


@require_POST
def objection_decide(request: HttpRequest, pk: int, code: str, objection: int) -> HttpResponse:
    entry = selectors.access_roll(request.user, pk, code)
    obj = selectors.access_objection(request.user, entry, objection)
    require(request.user, Action.MANAGE_VOTERS)
    form = forms.DecideForm(request.POST)
    try:
        if not form.is_valid():
            raise _invalid(form)
        d = form.cleaned_data
        correction = services.objection_decide(
            actor=current_user(request),
            objection=obj,
            outcome=d["outcome"],
            decision=d["decision"],
            decided_on=d["decided_on"],
            person=services.find_person(d["id_number"]),
            category=d["category"],
            group_name=d["group_name"],
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        done = f"，已公布补正榜（第{correction.version}版）" if correction else ""
        messages.success(request, f"申诉已处理{done}")
    return redirect("voters:objections", pk=pk, code=code)


def proxies(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    entry = selectors.access_roll(request.user, pk, code)
    active = (
        selectors.registrations_of(entry).filter(active=True).order_by("group_name", "person__name")
    )
    form = forms.ProxyForm(request.POST or None, registrations=active)
    if request.method == "POST":
        require(request.user, Action.MANAGE_VOTERS)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.proxy_record(
                    actor=current_user(request),
                    principal=d["principal"],
                    holder=d["holder"],
                    relation=d["relation"],
                    close_relative=d["close_relative"],
                    filed_on=d["filed_on"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "委托投票已登记")
                return redirect("voters:proxies", pk=pk, code=code)
    return render(
        request,
        "voters/proxies.html",
        {
            "entry": entry,
            "proxies": selectors.proxies_of(entry),
            "withdrawn": selectors.withdrawn_proxies_of(entry),
            "form": form,
            # One small form a row: no ids, or every row would repeat them.
            "withdraw_form": forms.ProxyWithdrawForm(
                auto_id=False, initial={"withdrawn_on": timezone.localdate()}
            ),
            "can_manage": can(request.user, Action.MANAGE_VOTERS),
            "breadcrumbs": roll_crumbs(entry, ("委托投票", None)),
        },
    )


@require_POST
def proxy_withdraw(request: HttpRequest, pk: int, code: str, proxy: int) -> HttpResponse:
    entry = selectors.access_roll(request.user, pk, code)
    obj = selectors.access_proxy(request.user, entry, proxy)
    require(request.user, Action.MANAGE_VOTERS)
    form = forms.ProxyWithdrawForm(request.POST)
    try:
        if not form.is_valid():
            raise _invalid(form)
        services.proxy_withdraw(
            actor=current_user(request),
            proxy=obj,
            on=form.cleaned_data["withdrawn_on"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, f"已撤销委托：{obj.principal.person.name}")
    return redirect("voters:proxies", pk=pk, code=code)


def proxy_notice(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    entry = selectors.access_roll(request.user, pk, code)
    body = pdf.proxy_notice_pdf(
        entry.region,
        entry.campaign.term_number,
        selectors.proxies_of(entry),
        timezone.localdate(),
        campaign=entry.campaign,
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="proxies-{code}.pdf"'
    return response


@never_cache
def reveal(request: HttpRequest, pk: int, code: str, reg: int) -> HttpResponse:
    entry = selectors.access_roll(request.user, pk, code)
    registration = selectors.access_registration(request.user, entry, reg)
    require(request.user, Action.REVEAL_ID)
    form = forms.RevealForm(request.POST or None)
    number = ""
    if request.method == "POST" and form.is_valid():
        try:
            number = services.person_reveal_id(
                actor=current_user(request),
                person=registration.person,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
    return _form_page(
        request,
        entry,
        f"查看完整身份证号：{registration.person.name}",
        form,
        number=number,
        person=registration.person,
    )


def figures(request: HttpRequest, pk: int, region_code: str) -> HttpResponse:
    campaign = access_campaign(request.user, pk)
    region = get_scoped_or_404(
        request.user,
        Region.objects.filter(level__lt=Region.Level.VILLAGE, code__startswith=campaign.region_id),
        Action.VIEW_CAMPAIGNS,
        field="code",
        code=region_code,
    )
    rows, total = selectors.roll_figures(request.user, campaign, region)
    # Above a town: the 分乡镇小计 of every village, and a town filter; then a page of villages.
    subtotals = selectors.figures_by_town(rows) if region.level < Region.Level.TOWN else None
    q = request.GET.get("q", "").strip()[:50]
    town = request.GET.get("town", "")
    shown = [
        f
        for f in rows
        if f.region.code.startswith(town)
        and (not q or q in f.region.name or q in f.region.display_name or f.region.code == q)
    ]
    categories = [c for c in Category.choices if c[0] in total.by_category] or Category.choices[:3]
    if wants_xlsx(request):
        return _figures_xlsx(campaign, region, shown, categories)
    page = Paginator(shown, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "voters/figures.html",
        {
            "campaign": campaign,
            "region": region,
            "can_import": can(request.user, Action.MANAGE_VOTERS),
            "rows": list(page),
            "page_obj": page,
            "subtotals": subtotals,
            "q": q,
            "town": town,
            # The 合计 of the villages the filters keep (all of them without a filter).
            "total": selectors.figures_total(region, shown) if q or town else total,
            "categories": categories,
            "reason_labels": selectors.REASON_LABELS,
            "can_resolve": can(request.user, Action.RESOLVE_DUPLICATES),
            "breadcrumbs": [
                CRUMB_ROOT,
                (campaign.name, reverse("elections:campaign_detail", args=[campaign.pk])),
                (f"{region.display_name}选民登记统计", None),
            ],
        },
    )


def _figures_xlsx(
    campaign: Any, region: Region, rows: list[Any], categories: list[tuple[str, str]]
) -> HttpResponse:
    """The figures of the villages the page's filters keep, and their 合计, as one sheet."""
    labels = dict(selectors.REASON_LABELS)

    def reasons(counts: dict[str, int]) -> str:
        return "；".join(f"{labels.get(k, k)} {v}" for k, v in counts.items())

    def cells(item: tuple[Any, bool]) -> list[Any]:
        f, is_total = item
        published = (
            f"已公布{f.versions}个"
            if is_total
            else (f"{f.published_on:%Y-%m-%d}" if f.published_on else "未公布")
        )
        return [
            "" if is_total else f.region.code,
            "合计" if is_total else f.region.display_name,
            "" if is_total or not f.election_date else f"{f.election_date:%Y-%m-%d}",
            f.registered, f.men, f.women,
            *[f.by_category.get(code, 0) for code, _ in categories],
            reasons(f.added), reasons(f.removed), f.objections_open, f.proxies, published,
        ]  # fmt: skip

    header = (
        "区划代码", "村(社区)", "选举日", "在册", "男", "女", *[label for _, label in categories],
        "增加", "减少", "待处理申诉", "委托投票", "名单公布",
    )  # fmt: skip
    return list_xlsx(
        f"{region.display_name}选民登记统计",
        header,
        [*((f, False) for f in rows), (selectors.figures_total(region, rows), True)],
        cells,
    )


@throttled("personal_data")  # SECURITY.md P6
def conflicts(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk)
    require(request.user, Action.RESOLVE_DUPLICATES)
    return render(
        request,
        "voters/conflicts.html",
        {
            "campaign": campaign,
            "conflicts": selectors.open_conflicts(request.user, campaign).order_by("id"),
            "form": forms.ConflictResolveForm(),
            "breadcrumbs": [
                CRUMB_ROOT,
                (campaign.name, reverse("elections:campaign_detail", args=[campaign.pk])),
                ("重复登记处理", None),
            ],
        },
    )


@require_POST
def conflict_resolve(request: HttpRequest, pk: int, conflict: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk)
    obj = selectors.access_conflict(request.user, campaign, conflict)
    form = forms.ConflictResolveForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(services.MSG_CONFLICT_DECISION)
        services.conflict_resolve(
            actor=current_user(request),
            conflict=obj,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, f"已处理：{obj.person.name}")
    return redirect("voters:conflicts", pk=pk)
