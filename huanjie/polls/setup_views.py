"""The pages of a poll's set-up and check-in: the set-up page (boxes, listed voters, staff,
ballots issued) with one POST endpoint per service, each answering with a redirect back and a
message (Post/Redirect/Get); the check-in desk (验证发票) with the live count of those present,
refreshed by htmx. Every write is a service of `polls.services.setup` or `.checkin`; a refusal
shows as its Chinese message, never a 500. A poll outside the user's region answers 404."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huanjie.accounts.permissions import Action, can, current_user
from huanjie.elections.models import Body
from huanjie.lib.idcard import normalize
from huanjie.nomination.selectors_nominees import find_people, village_people
from huanjie.polls import selectors_setup
from huanjie.polls.models import Poll, PollCandidate, PollStatus
from huanjie.polls.pages import run as run_service
from huanjie.polls.selectors import access_box, access_poll
from huanjie.polls.services import checkin as desk
from huanjie.polls.services import setup
from huanjie.polls.setup_forms import (
    RELATIONS,
    BallotsForm,
    BoxForm,
    CheckInForm,
    MobileVoterForm,
    StaffForm,
    UndoForm,
)

MSG_PICK_VOTER = "请从名单中选择选民，或输入身份证号"
MSG_PICK_PERSON = "请从本村选民和党员中选择人员，或输入身份证号"
MSG_PERSON_NOT_HERE = "工作人员须从本村(社区)选民名单和本村党组织的党员中选择"
MSG_MANY = "找到多人，请从查找结果中选择"
MSG_NO_BOX = "请选择票箱"
MSG_NOT_FOUND = "未找到该登记"
MSG_PRINCIPAL = "委托人：{message}"


def _crumbs(poll: Poll, label: str) -> list[tuple[str, str | None]]:
    election = poll.election
    return [
        ("投票与计票", None),
        (
            f"{election.village.region.display_name} · {election.get_body_display()}",
            reverse("polls:election", args=[election.pk]),
        ),
        (poll.title, reverse("polls:detail", args=[poll.pk])),
        (label, None),
    ]


def _form_errors(form: forms.Form) -> ValidationError:
    return ValidationError(
        [
            f"{form.fields[name].label}：{error}" if name in form.fields else error
            for name, errors in form.errors.items()
            for error in errors
        ]
    )


def _setup_url(poll: Poll, anchor: str = "") -> str:
    return reverse("polls:setup", args=[poll.pk]) + anchor


# ---------------------------------------------------------------------------------------------
# The set-up page.


@require_GET
def setup_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    poll = access_poll(user, pk)
    campaign = poll.election.village.campaign
    editable = poll.status == PollStatus.SETUP and not campaign.purged
    candidates = PollCandidate.objects.filter(poll_post__poll=poll).order_by(
        "poll_post__position", "position"
    )
    rule, article = (
        setup.mobile_box_rule(poll) if poll.election.body != Body.COOPERATIVE else ("", "")
    )
    return render(
        request,
        "polls/setup.html",
        {
            "poll": poll,
            "boxes": list(selectors_setup.boxes_of(poll)),
            "poll_staff": list(selectors_setup.poll_staff(poll)),
            "candidates": [c.name for c in candidates],
            "issued": setup.ballots_issued(poll),
            "problems": setup.setup_problems(poll) if poll.status == PollStatus.SETUP else [],
            "mobile_rule": rule,
            "mobile_article": article,
            "party": poll.election.body == Body.PARTY,
            "manage": editable and can(user, Action.MANAGE_POLLS),
            "issue": poll.status in (PollStatus.SETUP, PollStatus.VOTING)
            and not campaign.purged
            and can(user, Action.MANAGE_POLLS),
            "roles": setup.StaffRole.choices,
            "relations": RELATIONS,
            "breadcrumbs": _crumbs(poll, "投票准备"),
        },
    )


@require_GET
def setup_search(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx answer of a name (or ID number) search on the set-up page: the roll's voters
    (`kind=registration`, for a mobile box) or the village's people (`kind=person`, staff)."""
    user = current_user(request)
    poll = access_poll(user, pk)
    text = request.GET.get("q", "")
    kind = "person" if request.GET.get("kind") == "person" else "registration"
    if kind == "person":
        rows = [
            (p.pk, p.name, p.id_masked, p.group_name)
            for p in find_people(user, poll.election.village, text)
        ]
    else:
        rows = [
            (r.pk, r.person.name, r.person.id_masked, r.group_name)
            for r in desk.roll_search(poll, text)
        ]
    return render(
        request,
        "polls/setup_results.html",
        {"rows": rows, "kind": kind, "searched": bool(text.strip()), "box": request.GET.get("box")},
    )


@require_POST
def box_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    poll = access_poll(user, pk)
    form = BoxForm(request.POST)

    def run() -> str:
        if not form.is_valid():
            raise _form_errors(form)
        box = setup.box_add(actor=user, poll=poll, **form.cleaned_data)
        return f"已增加票箱“{box.name}”"

    run_service(request, run)
    return redirect(_setup_url(poll, "#boxes"))


@require_POST
def box_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    box = access_box(user, pk)
    form = BoxForm(request.POST)

    def run() -> str:
        if not form.is_valid():
            raise _form_errors(form)
        setup.box_update(actor=user, box=box, **form.cleaned_data)
        return f"已保存票箱“{box.name}”"

    run_service(request, run)
    return redirect(_setup_url(box.poll, f"#box-{box.pk}"))


@require_POST
def box_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    box = access_box(user, pk)
    name = box.name

    def run() -> str:
        setup.box_remove(actor=user, box=box)
        return f"已删除票箱“{name}”"

    run_service(request, run)
    return redirect(_setup_url(box.poll, "#boxes"))


@require_POST
def ballots_issue(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    box = access_box(user, pk)
    form = BallotsForm(request.POST)

    def run() -> str:
        if not form.is_valid():
            raise _form_errors(form)
        setup.ballots_issue(actor=user, box=box, **form.cleaned_data)
        if not box.issued:
            return f"已清除票箱“{box.name}”的选票"
        return f"票箱“{box.name}”发出选票{box.issued}张（编号{box.serial_from}至{box.serial_to}）"

    run_service(request, run)
    return redirect(_setup_url(box.poll, f"#box-{box.pk}"))


@require_POST
def mobile_voter_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    box = access_box(user, pk)
    form = MobileVoterForm(request.POST)

    def run() -> str:
        if not form.is_valid():
            raise _form_errors(form)
        data = form.cleaned_data
        roll = setup.roll_of(box.poll).select_related("person")
        if data["registration"]:
            registration = roll.filter(pk=data["registration"]).first()
        elif data["q"]:
            registration = desk.find_on_roll(box.poll, data["q"])
        else:
            raise ValidationError(MSG_PICK_VOTER)
        if registration is None:
            raise ValidationError(setup.MSG_NOT_ON_ROLL)
        setup.mobile_voter_add(
            actor=user, box=box, registration=registration, reason=data["reason"]
        )
        return f"{registration.person.name}已列入流动票箱“{box.name}”"

    run_service(request, run)
    return redirect(_setup_url(box.poll, f"#box-{box.pk}"))


@require_POST
def mobile_voter_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    listed = selectors_setup.access_listed(user, pk)
    box = listed.box

    def run() -> str:
        setup.mobile_voter_remove(actor=user, listed=listed)
        return f"{listed.registration.person.name}已移出流动票箱“{box.name}”"

    run_service(request, run)
    return redirect(_setup_url(box.poll, f"#box-{box.pk}"))


@require_POST
def staff_appoint(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    poll = access_poll(user, pk)
    form = StaffForm(request.POST)
    anchor = "#staff"

    def run() -> str:
        nonlocal anchor
        if not form.is_valid():
            raise _form_errors(form)
        data = form.cleaned_data
        if data["person"]:
            person = village_people(poll.election.village).filter(pk=data["person"]).first()
            if person is None:
                raise ValidationError(MSG_PERSON_NOT_HERE)
        elif data["q"]:
            found = find_people(user, poll.election.village, data["q"])
            if not found:
                raise ValidationError(MSG_PERSON_NOT_HERE)
            if len(found) > 1:
                raise ValidationError(MSG_MANY)
            person = found[0]
        else:
            raise ValidationError(MSG_PICK_PERSON)
        box = None
        if data["box"]:
            box = poll.boxes.filter(pk=data["box"]).first()
            if box is None:
                raise ValidationError(setup.MSG_BOX_OTHER_POLL)
            anchor = f"#box-{box.pk}"
        staff = setup.staff_appoint(
            actor=user,
            poll=poll,
            person=person,
            role=data["role"],
            box=box,
            relative_of_candidate=data["relative_of_candidate"] or "",
        )
        return f"{person.name}担任{staff.get_role_display()}"

    run_service(request, run)
    return redirect(_setup_url(poll, anchor))


@require_POST
def staff_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    staff = selectors_setup.access_staff(user, pk)
    poll = staff.poll

    def run() -> str:
        setup.staff_remove(actor=user, staff=staff)
        return f"{staff.person.name}不再担任{staff.get_role_display()}"

    run_service(request, run)
    anchor = f"#box-{staff.box_id}" if staff.box_id else "#staff"
    return redirect(_setup_url(poll, anchor))


# ---------------------------------------------------------------------------------------------
# The check-in desk.


def _checkin_url(poll: Poll, box: Any) -> str:
    url = reverse("polls:checkin", args=[poll.pk])
    return f"{url}?box={box}" if box else url


def _check_in(user: Any, poll: Poll, data: dict[str, Any]) -> str:
    """The check-in the desk's form asks for: the voter by what was typed or picked, a proxy's
    principal by the number on the 委托书."""
    box = poll.boxes.filter(pk=data["box"]).first() if data["box"] else None
    if box is None:
        raise ValidationError(MSG_NO_BOX)
    source: dict[str, Any] = {}
    if data["registration"]:
        registration = setup.roll_of(poll).filter(pk=data["registration"]).first()
        if registration is None:
            raise ValidationError(desk.MSG_REGISTRATION_NOT_ON_ROLL)
        source["registration"] = registration
    elif data["code"]:
        code = data["code"].strip()
        # What a reader types besides the number (a line of fields) marks it as the reader's.
        number = desk.reader_number(code)
        if number and number != normalize(code):
            source["card_reader"] = code
        else:
            source["id_number"] = code
    principal = None
    if data["principal"]:
        try:
            principal = desk.find_on_roll(
                poll, desk.reader_number(data["principal"]) or data["principal"]
            )
        except ValidationError as exc:
            raise ValidationError(MSG_PRINCIPAL.format(message="；".join(exc.messages))) from exc
        if principal is None:
            raise ValidationError(MSG_PRINCIPAL.format(message=desk.MSG_NOT_ON_ROLL))
    row = desk.check_in(actor=user, poll=poll, box=box, by_proxy_for=principal, **source)
    person = row.registration.person
    proxy = f"（由{row.by_proxy.person.name}代领）" if row.by_proxy is not None else ""
    return f"{person.name}（{person.id_masked}）已领取选票{proxy}"


def _attend(user: Any, poll: Poll, data: dict[str, Any]) -> str:
    if data["member"]:
        member = desk.branch_members(poll).filter(pk=data["member"]).first()
    elif data["code"]:
        member = desk.find_member(poll, data["code"])
    else:
        raise ValidationError(desk.MSG_SOURCE)
    if member is None:
        raise ValidationError("该身份证号不是本村党组织的党员")
    desk.party_attend(actor=user, poll=poll, member=member)
    return f"{member.person.name}（{member.person.id_masked}）已登记到会"


@require_http_methods(["GET", "POST"])
def checkin_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    poll = access_poll(user, pk)
    party = poll.election.body == Body.PARTY
    if request.method == "POST":
        form = CheckInForm(request.POST)
        posted_box = request.POST.get("box", "")

        def run() -> str:
            if not form.is_valid():
                raise _form_errors(form)
            return (_attend if party else _check_in)(user, poll, form.cleaned_data)

        run_service(request, run)
        return redirect(_checkin_url(poll, posted_box))
    boxes = list(poll.boxes.order_by("position", "id"))
    chosen = request.GET.get("box", "")
    box = next((b for b in boxes if str(b.pk) == chosen), boxes[0] if boxes else None)
    return render(
        request,
        "polls/checkin.html",
        {
            "poll": poll,
            "party": party,
            "boxes": boxes,
            "box": box,
            "open": poll.status == PollStatus.VOTING,
            "manage": can(user, Action.MANAGE_POLLS),
            "coordinate": can(user, Action.COORDINATE_COUNT),
            "recent": selectors_setup.recent_attendance(poll)
            if party
            else selectors_setup.recent_check_ins(poll),
            "presence": desk.presence(poll),
            "breadcrumbs": _crumbs(poll, "验证发票"),
        },
    )


@require_GET
def checkin_search(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx answer of the desk's name search: the published list (the Party: its members)."""
    user = current_user(request)
    poll = access_poll(user, pk)
    text = request.GET.get("q", "")
    if poll.election.body == Body.PARTY:
        rows = [
            (m.pk, m.person.name, m.person.id_masked, m.get_status_display())
            for m in desk.members_search(poll, text)
        ]
    else:
        rows = [
            (r.pk, r.person.name, r.person.id_masked, r.group_name)
            for r in desk.roll_search(poll, text)
        ]
    return render(
        request,
        "polls/checkin_results.html",
        {
            "rows": rows,
            "field": "member" if poll.election.body == Body.PARTY else "registration",
            "searched": bool(text.strip()),
        },
    )


@require_GET
def presence(request: HttpRequest, pk: int) -> HttpResponse:
    """The presence panel alone, for htmx's refresh every 2 seconds."""
    poll = access_poll(current_user(request), pk)
    return render(
        request,
        "polls/checkin_presence.html",
        {"poll": poll, "presence": desk.presence(poll)},
    )


@require_POST
def checkin_undo(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    poll = access_poll(user, pk)
    form = UndoForm(request.POST)

    def run() -> str:
        if not form.is_valid():
            raise _form_errors(form)
        data = form.cleaned_data
        if poll.election.body == Body.PARTY:
            seen = poll.attendance.select_related("member__person").filter(
                pk=data["attendance"] or 0
            )
            attendance = seen.first()
            if attendance is None:
                raise ValidationError(MSG_NOT_FOUND)
            desk.party_attend_undo(actor=user, attendance=attendance, reason=data["reason"])
            return f"已撤销{attendance.member.person.name}的到会登记"
        rows = poll.check_ins.select_related("registration__person", "box")
        row = rows.filter(pk=data["check_in"] or 0).first()
        if row is None:
            raise ValidationError(MSG_NOT_FOUND)
        desk.check_in_undo(actor=user, check_in=row, reason=data["reason"])
        return f"已撤销{row.registration.person.name}的领票登记"

    run_service(request, run)
    return redirect(_checkin_url(poll, request.POST.get("box", "")))
