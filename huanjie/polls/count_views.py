"""The count's pages: the overview of a poll's boxes and their sheets, the entry screen (the
sheet's figures, or the keyboard-only ballot screen of 唱票), and the coordinator's page of the
differing fields. Every write is a service of `polls.services.entry`; its refusal shows as its
Chinese message (JSON for the ballot screen's script), never a 500.

Blind entry: the entry screen finds the signed-in user's own entry of the sheet, never an
entry by its id, and shows nothing of the other entry; the differences page answers only the
coordinators (COORDINATE_COUNT), and only once both entries are finished. A poll or sheet
outside the user's region answers 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Max, Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from huanjie.accounts.models import User
from huanjie.accounts.permissions import Action, can, current_user, require, scoped
from huanjie.polls import figures, keyboard, sheet_form
from huanjie.polls.models import (
    BallotEntry,
    CountSheet,
    EntryMethod,
    Poll,
    PollStatus,
    SheetDecision,
    SheetEntry,
    SheetStatus,
)
from huanjie.polls.pages import refusal
from huanjie.polls.selectors import POLL_FIELD, access_poll, access_sheet
from huanjie.polls.services import entry as svc

MSG_NO_ENTRY = "请先开始本人的录入"
MSG_PICK_BOX = "请选择票箱"
MSG_FINISHED_AGREED = "录入已完成：两次录入一致，报告单已核对"
MSG_FINISHED_DIFFERENT = "录入已完成：两次录入有不一致的项目，已交由核对人员处理"
MSG_FINISHED_WAITING = "录入已完成，等待另一次录入"
RECENT = svc.CORRECTABLE


def _crumbs(poll: Poll, *tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    election = poll.election
    return [
        ("投票与计票", None),
        (
            f"{election.village.region.display_name} · {election.get_body_display()}",
            reverse("polls:election", args=[election.pk]),
        ),
        (poll.title, reverse("polls:detail", args=[poll.pk])),
        ("计票", reverse("polls:count", args=[poll.pk]) if tail else None),
        *tail,
    ]


# ---------------------------------------------------------------------------------------------
# The overview.


@require_http_methods(["GET"])
def count_overview(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    poll = access_poll(user, pk)
    entries = Prefetch("entries", queryset=SheetEntry.objects.select_related("user"))
    sheets = CountSheet.objects.filter(poll=poll).prefetch_related(entries).order_by("group")
    by_box: dict[int, list[CountSheet]] = {}
    for sheet in sheets:
        by_box.setdefault(sheet.box_id, []).append(sheet)
    figures = svc.poll_figures(poll)
    boxes = [
        {
            "box": box,
            "figures": figures.get(box.pk),
            # Who entered and how far, never what: the entries are blind.
            "sheets": [
                {
                    "sheet": sheet,
                    "slots": [
                        next((e for e in sheet.entries.all() if e.number == n), None)
                        for n in (1, 2)
                    ],
                    "mine": any(e.user_id == user.pk for e in sheet.entries.all()),
                }
                for sheet in by_box.get(box.pk, [])
            ],
        }
        for box in poll.boxes.order_by("position", "id")
    ]
    counting = poll.status == PollStatus.COUNTING
    return render(
        request,
        "polls/count.html",
        {
            "poll": poll,
            "boxes": boxes,
            "can_enter": counting and can(user, Action.ENTER_COUNT),
            "can_coordinate": can(user, Action.COORDINATE_COUNT),
            "methods": EntryMethod.choices,
            "breadcrumbs": _crumbs(poll),
        },
    )


@require_POST
def sheet_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    poll = access_poll(user, pk)
    box = poll.boxes.filter(pk=_int(request.POST.get("box")) or 0).first()
    try:
        if box is None:
            raise ValidationError(MSG_PICK_BOX)
        group = _int(request.POST.get("group"))
        sheet = svc.sheet_create(
            actor=user,
            poll=poll,
            box=box,
            method=request.POST.get("method", ""),
            group=group,
        )
    except ValidationError as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(request, f"已建立{sheet}的计票结果报告单")
    return redirect("polls:count", pk=poll.pk)


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


# ---------------------------------------------------------------------------------------------
# The entry screen.


# What the ballot service reads of the entry and around it: loaded in the one query of a POST.
HOT_FIELDS = (
    *("id", "sheet_id", "number", "user_id", "figures", "finished_at", "rekey", "started_at"),
    *("sheet__group", "sheet__method", "sheet__status", "sheet__poll", "sheet__box_id"),
    *("sheet__poll__election", "sheet__poll__status", "sheet__poll__created_at"),
    *("sheet__poll__rehearsal", "sheet__poll__number", "sheet__poll__kind"),
    *("sheet__poll__election__village", "sheet__poll__election__village__region"),
    "sheet__poll__election__village__campaign",
    "sheet__poll__election__village__campaign__personal_data_purged_on",
)


def _own_entry(user: User, pk: int, *, hot: bool = False) -> SheetEntry | None:
    """The user's own entry of sheet `pk` with what the services read (sheet, poll, election,
    village, campaign; and for a page the box and region) in one query, inside the user's region; None when the user has
    none (or the sheet is not theirs to see: the caller then asks access_sheet for the 404).
    `hot`: only the columns the ballot service reads (the ballot screen's every POST)."""
    entries = SheetEntry.objects.select_related("sheet__poll__election__village__campaign")
    entries = entries.filter(sheet_id=pk, user=user)
    if hot:
        entries = entries.only(*HOT_FIELDS)
    else:
        entries = entries.select_related("sheet__box", "sheet__poll__election__village__region")
    return scoped(user, entries, Action.VIEW_CAMPAIGNS, field="sheet__poll__" + POLL_FIELD).first()


@require_http_methods(["GET", "POST"])
def entry_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    entry = _own_entry(user, pk, hot=request.method == "POST")
    if request.method == "POST":
        if entry is None:
            access_sheet(user, pk)  # 404 outside the user's region
            return _answer(request, pk, error=MSG_NO_ENTRY)
        if entry.sheet.method == EntryMethod.BALLOTS:
            return _ballot_post(request, user, entry)
        return _sheet_post(request, user, entry)
    sheet = entry.sheet if entry else access_sheet(user, pk)
    return _entry_screen(request, user, sheet, entry)


def _answer(
    request: HttpRequest, pk: int, *, error: str = "", data: dict[str, Any] | None = None
) -> HttpResponse:
    """JSON for the ballot screen's script, else a message and the screen again."""
    if "application/json" in request.headers.get("Accept", ""):
        if error:
            return JsonResponse({"ok": False, "error": error}, status=400)
        return JsonResponse({"ok": True, **(data or {})})
    if error:
        messages.error(request, error)
    elif data and data.get("words"):
        messages.success(request, f"第{data['seq']}张：{data['words']}")
    return redirect("polls:entry", pk=pk)


def _ballot_post(request: HttpRequest, user: User, entry: SheetEntry) -> HttpResponse:
    """One typed line of the ballot screen: a ballot (the hot path), a retyped ballot, or the
    last ballot taken back."""
    sheet = entry.sheet
    layout = svc.layout_of(sheet.poll)
    try:
        command = keyboard.parse_command(request.POST.get("text", ""), layout)
        if command.kind == "undo":
            gone = svc.ballot_undo(actor=user, entry=entry)
            return _answer(
                request,
                sheet.pk,
                data={"kind": "undo", "seq": gone["seq"], "totals": _totals(entry, layout)},
            )
        ballot = command.ballot
        assert ballot is not None
        if command.kind == "correct":
            assert command.seq is not None
            row = svc.ballot_correct(
                actor=user,
                entry=entry,
                seq=command.seq,
                picks=ballot.picks,
                invalid=ballot.invalid,
                reason=ballot.reason,
            )
            totals: dict[str, Any] | None = _totals(entry, layout)
        else:
            seq = _int(request.POST.get("seq"))
            row = svc.ballot_enter(
                actor=user,
                entry=entry,
                seq=seq or 0,
                picks=ballot.picks,
                invalid=ballot.invalid,
                reason=ballot.reason,
            )
            totals = None
    except (ValidationError, keyboard.BallotSyntaxError) as exc:
        error = refusal(exc) if isinstance(exc, ValidationError) else str(exc)
        return _answer(request, sheet.pk, error=error)
    return _answer(
        request,
        sheet.pk,
        data={
            "kind": command.kind,
            "seq": row.seq,
            "next": row.seq + 1 if command.kind == "enter" else None,
            "ballot": {"picks": row.picks, "invalid": row.invalid, "reason": row.reason},
            "words": keyboard.ballot_words(row.picks, row.invalid, row.reason, layout),
            "totals": totals,
        },
    )


def _totals(entry: SheetEntry, layout: keyboard.Layout) -> dict[str, Any]:
    """The running totals of the entrant's own ballots (computed when the screen opens and
    after a correction; the script adds each new ballot itself)."""
    rows = BallotEntry.objects.filter(entry=entry).values_list("picks", "invalid", "reason")
    counted = figures.ballot_figures(rows, layout, {})
    return {k: counted[k] for k in ("returned", "valid", "invalid", "blank", "votes")}


def _entry_screen(
    request: HttpRequest,
    user: User,
    sheet: CountSheet,
    entry: SheetEntry | None,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    poll = sheet.poll
    layout = svc.layout_of(poll)
    context: dict[str, Any] = {
        "poll": poll,
        "sheet": sheet,
        "entry": entry,
        "layout": layout,
        "can_enter": poll.status == PollStatus.COUNTING and can(user, Action.ENTER_COUNT),
        "breadcrumbs": _crumbs(poll, (f"{sheet}录入", None)),
    }
    open_ = entry is not None and entry.finished_at is None
    if entry is not None and open_ and sheet.method == EntryMethod.BALLOTS:
        context |= _ballot_context(entry, layout)
    elif entry is not None and open_:
        context["fields"] = sheet_form.sheet_fields(
            entry.figures, entry.rekey, layout, form or {}, errors or {}
        )
        context["errors"] = [
            m
            for key, ms in (errors or {}).items()
            if key not in context["fields"]["keys"]
            for m in ms
        ]
    if entry is not None and not open_:
        context["own_figures"] = [
            (figures.field_label(k, layout), v) for k, v in figures.flatten(entry.figures).items()
        ]
    return render(request, "polls/entry.html", context, status=status)


def _ballot_context(entry: SheetEntry, layout: keyboard.Layout) -> dict[str, Any]:
    rows = list(
        BallotEntry.objects.filter(entry=entry)
        .order_by("-seq")
        .values_list("seq", "picks", "invalid", "reason", "at")[:RECENT]
    )
    last = rows[0][0] if rows else 0
    pending: list[int] = []
    if entry.rekey:
        sent = SheetDecision.objects.filter(sheet_id=entry.sheet_id, choice="rekey").aggregate(
            at=Max("at")
        )["at"]
        seqs = [int(k.split(".")[1]) for k in entry.rekey if k.startswith("ballot.")]
        retyped = set(
            BallotEntry.objects.filter(entry=entry, seq__in=seqs, at__gt=sent).values_list(
                "seq", flat=True
            )
        )
        pending = [q for q in seqs if q not in retyped]
    return {
        "recent": [
            {"seq": seq, "words": keyboard.ballot_words(picks, invalid, reason, layout)}
            for seq, picks, invalid, reason, _ in rows
        ],
        "next_seq": last + 1,
        "totals": _totals(entry, layout),
        "pending": pending,
        "desk_rekey": [k for k in entry.rekey if k in figures.DESK_FIELDS],
        "reasons": keyboard.INVALID_REASONS,
        "correctable": svc.CORRECTABLE,
        "screen": {
            "posts": [
                {
                    "post": p.post,
                    "label": p.label,
                    "seats": p.seats,
                    "names": [c.name for c in p.candidates],
                }
                for p in layout.posts
            ]
        },
        "desk": {k: entry.figures.get(k, 0) for k in figures.DESK_FIELDS},
    }


def _sheet_post(request: HttpRequest, user: User, entry: SheetEntry) -> HttpResponse:
    sheet = entry.sheet
    layout = svc.layout_of(sheet.poll)
    typed, errors = sheet_form.figures_from(request.POST, layout, entry.rekey)
    try:
        if errors:
            raise ValidationError(errors)
        svc.entry_save(actor=user, entry=entry, figures=typed)
        if "finish" in request.POST:
            svc.entry_finish(actor=user, entry=entry)
    except ValidationError as exc:
        found = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        form = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        return _entry_screen(request, user, sheet, entry, form=form, errors=found, status=400)
    if "finish" in request.POST:
        messages.success(request, _finished_words(entry.sheet))
    else:
        messages.success(request, "已保存")
    return redirect("polls:entry", pk=sheet.pk)


def _finished_words(sheet: CountSheet) -> str:
    if sheet.status == SheetStatus.AGREED:
        return MSG_FINISHED_AGREED
    if sheet.status == SheetStatus.DIFFERENT:
        return MSG_FINISHED_DIFFERENT
    return MSG_FINISHED_WAITING


@require_POST
def entry_start(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    sheet = access_sheet(user, pk)
    try:
        entry = svc.entry_start(actor=user, sheet=sheet)
    except ValidationError as exc:
        messages.error(request, refusal(exc))
        return redirect("polls:count", pk=sheet.poll_id)
    messages.success(request, f"已开始第{entry.number}次录入")
    return redirect("polls:entry", pk=sheet.pk)


@require_POST
def entry_finish(request: HttpRequest, pk: int) -> HttpResponse:
    """Finish the ballot screen's entry, with the desk's counts of spoiled and replaced
    ballots typed beside it."""
    user = current_user(request)
    entry = _own_entry(user, pk)
    if entry is None:
        access_sheet(user, pk)
        messages.error(request, MSG_NO_ENTRY)
        return redirect("polls:entry", pk=pk)
    try:
        keys = [k for k in figures.DESK_FIELDS if k in request.POST]
        if entry.rekey:
            keys = [k for k in keys if k in entry.rekey]
        if keys:
            desk = {k: sheet_form.number(request.POST.get(k)) or 0 for k in keys}
            svc.entry_save(actor=user, entry=entry, figures=desk)
        svc.entry_finish(actor=user, entry=entry)
    except ValidationError as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(request, _finished_words(entry.sheet))
    return redirect("polls:entry", pk=pk)


# ---------------------------------------------------------------------------------------------
# The differences.


def _shown(value: Any, key: str, layout: keyboard.Layout) -> str:
    if value is None:
        return "（无此张）" if key.startswith("ballot.") else "—"
    if key.startswith("ballot."):
        return keyboard.ballot_words(
            value.get("picks", {}), bool(value.get("invalid")), value.get("reason", ""), layout
        )
    return str(value)


@require_http_methods(["GET", "POST"])
def differences(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    sheet = access_sheet(user, pk)
    require(user, Action.COORDINATE_COUNT)
    if request.method == "POST":
        decisions = {
            key.split(":", 1)[1]: str(value)
            for key, value in request.POST.items()
            if key.startswith("choice:") and value
        }
        try:
            svc.sheet_decide(
                actor=user,
                sheet=sheet,
                decisions=decisions,
                rekey_by=request.POST.get("rekey_by", "both"),
            )
        except ValidationError as exc:
            messages.error(request, refusal(exc))
            return redirect("polls:differences", pk=sheet.pk)
        messages.success(request, f"已处理{len(decisions)}项差异")
        return redirect("polls:count", pk=sheet.poll_id)
    layout = svc.layout_of(sheet.poll)
    open_, derived = svc.sheet_differences(sheet)
    rows = [
        {
            "field": d.field,
            "label": d.label,
            "first": _shown(d.first, d.field, layout),
            "second": _shown(d.second, d.field, layout),
            "rekey": not d.field.startswith("ballot.") or d.paired,
        }
        for d in open_
    ]
    return render(
        request,
        "polls/sheet_differences.html",
        {
            "poll": sheet.poll,
            "sheet": sheet,
            "rows": rows,
            "derived": [
                {
                    "label": d.label,
                    "first": _shown(d.first, d.field, layout),
                    "second": _shown(d.second, d.field, layout),
                }
                for d in derived
            ],
            "entries": sheet.entries.select_related("user").order_by("number"),
            "breadcrumbs": _crumbs(sheet.poll, (f"{sheet}差异核对", None)),
        },
    )
