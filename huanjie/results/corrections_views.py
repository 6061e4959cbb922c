"""The pages of corrections and recounts: an election's corrections with the form that opens
one, and a correction's session — each box's original and corrected figures side by side, the
form that enters a box's figures (a count sheet's, as on the day), then the recomputed outcome
beside the version in force, and the buttons of submitting, approving, rejecting, withdrawing.
Every write is a service of `results.services.corrections`; an election, a correction or a box
outside the user's region answers 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from huanjie.accounts.models import User
from huanjie.accounts.permissions import Action, can, current_user, in_scope
from huanjie.elections.models import Election, Post
from huanjie.polls import figures as count_figures
from huanjie.polls import sheet_form
from huanjie.polls.figures import ordered_keys
from huanjie.polls.models import BallotBox, Poll
from huanjie.polls.pages import refusal, run
from huanjie.polls.services.entry import layout_of
from huanjie.results.models import (
    Correction,
    CorrectionBox,
    CorrectionKind,
    CorrectionStatus,
    Result,
    ResultVersion,
    VersionStatus,
)
from huanjie.results.selectors import access_correction, access_election
from huanjie.results.services import corrections as svc

MSG_PICK_POLL = "请选择要更正的投票"
POST_LABELS = dict(Post.choices)


def _may_correct(user: User, election: Election) -> bool:
    return can(user, Action.CORRECT_RESULTS) and in_scope(user, election.village.region_id)


def _crumbs(election: Election, *tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [
        ("选举结果", reverse("results:index")),
        (
            f"{election.village.region.display_name} · {election.get_body_display()}",
            reverse("results:election", args=[election.pk]),
        ),
        ("更正与重新计票", reverse("results:corrections", args=[election.pk]) if tail else None),
        *tail,
    ]


# ---------------------------------------------------------------------------------------------
# An election's corrections.


def _version_polls(election: Election, version: ResultVersion | None) -> list[Poll]:
    """The official polls of the version in force, with their boxes."""
    if version is None:
        return []
    numbers = [p["number"] for p in version.document["polls"]]
    return list(
        election.polls.filter(rehearsal=False, number__in=numbers)
        .prefetch_related("boxes")
        .order_by("number")
    )


@require_http_methods(["GET"])
def corrections(request: HttpRequest, election_id: int) -> HttpResponse:
    user = current_user(request)
    election = access_election(user, election_id)
    result = Result.objects.filter(election=election).first()
    current = result.current() if result is not None else None
    rows = (
        list(
            result.corrections.select_related("poll", "opened_by", "decided_by", "version")
            .prefetch_related("boxes__box")
            .order_by("-opened_at", "-id")
        )
        if result is not None
        else []
    )
    busy = any(c.status in (CorrectionStatus.OPEN, CorrectionStatus.PROPOSED) for c in rows)
    may_open = current is not None and not busy and _may_correct(user, election)
    return render(
        request,
        "results/corrections.html",
        {
            "election": election,
            "current": current,
            "rows": rows,
            "busy": busy,
            "may_open": may_open,
            "kinds": [
                (value, label)
                for value, label in CorrectionKind.choices
                if value != CorrectionKind.RECOUNT or svc.is_county(user)
            ],
            "polls": _version_polls(election, current) if may_open else [],
            "breadcrumbs": _crumbs(election),
        },
    )


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if str(v).strip().isdigit()]


@require_POST
def correction_open(request: HttpRequest, election_id: int) -> HttpResponse:
    user = current_user(request)
    election = access_election(user, election_id)
    poll_id = _ids([request.POST.get("poll", "")])
    poll = election.polls.filter(pk=poll_id[0], rehearsal=False).first() if poll_id else None
    try:
        if poll is None:
            raise ValidationError(MSG_PICK_POLL)
        boxes = list(
            BallotBox.objects.filter(
                poll__election=election, pk__in=_ids(request.POST.getlist("boxes"))
            )
        )
        correction = svc.correction_open(
            actor=user,
            election=election,
            poll=poll,
            kind=request.POST.get("kind", ""),
            reason=request.POST.get("reason", ""),
            boxes=boxes,
        )
    except ValidationError as exc:
        messages.error(request, refusal(exc))
        return redirect("results:corrections", election_id=election.pk)
    return redirect("results:correction", pk=correction.pk)


# ---------------------------------------------------------------------------------------------
# A correction's session.


def _box_rows(correction: Correction) -> list[dict[str, Any]]:
    """Each box of the correction: its original and corrected figures side by side, field by
    field in the sheet's order, the differing ones marked."""
    layout = layout_of(correction.poll)
    printed = {f"votes.{p.post}.{c.name}": 0 for p in layout.posts for c in p.candidates}
    out = []
    for row in correction.boxes.select_related("box", "entered_by").order_by(
        "box__position", "box_id"
    ):
        original = {**printed, **count_figures.flatten(row.original)}
        corrected = count_figures.flatten(row.corrected) if row.corrected is not None else None
        keys = set(original) | set(corrected or {})
        zero = 0
        fields = []
        for key in ordered_keys(keys, layout):
            first = original.get(key, zero)
            second = None if corrected is None else corrected.get(key, zero)
            fields.append(
                {
                    "key": key,
                    "label": count_figures.field_label(key, layout),
                    "original": first,
                    "corrected": second,
                    "differs": second is not None and first != second,
                }
            )
        out.append(
            {
                "row": row,
                "box": row.box,
                "fields": fields,
                "changed": sum(1 for f in fields if f["differs"]),
            }
        )
    return out


def _base(correction: Correction) -> ResultVersion | None:
    """The version the correction was made on: the one in force until it was approved."""
    versions = ResultVersion.objects.filter(
        result_id=correction.result_id,
        status__in=(VersionStatus.CERTIFIED, VersionStatus.SUPERSEDED),
    )
    own = ResultVersion.objects.filter(correction=correction).first()
    if own is not None:
        versions = versions.filter(number__lt=own.number)
    return versions.order_by("-number").first()


def _named(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**i, "post_label": POST_LABELS.get(i["post"], i["post"])} for i in items]


def _outcome_comparison(
    base: ResultVersion, polls: list[dict[str, Any]], outcome: dict[str, Any], number: int
) -> dict[str, Any]:
    """The version in force and the corrected outcome side by side: who is elected now and
    no more, each post's votes and threshold in the corrected poll, the open seats."""
    was = base.document["outcome"]
    was_elected = {(e["post"], e["name"]) for e in was["elected"]}
    now_elected = {(e["post"], e["name"]) for e in outcome["elected"]}
    old_poll = next((p for p in base.document["polls"] if p["number"] == number), None)
    new_poll = next((p for p in polls if p["number"] == number), None)
    posts = []
    if old_poll is not None and new_poll is not None:
        old_posts = {p["post"]: p for p in old_poll["output"].get("posts", [])}
        for post in new_poll["output"].get("posts", []):
            old = old_posts.get(post["post"], {})
            names = list(post.get("votes", {}))
            names += [n for n in old.get("votes", {}) if n not in names]
            posts.append(
                {
                    "label": POST_LABELS.get(post["post"], post["post"]),
                    "seats": post["seats"],
                    "threshold": (old.get("threshold"), post.get("threshold")),
                    "rows": [
                        {
                            "name": n,
                            "before": old.get("votes", {}).get(n, 0),
                            "after": post.get("votes", {}).get(n, 0),
                            "was": n in old.get("elected", []),
                            "now": n in post.get("elected", []),
                        }
                        for n in names
                    ],
                }
            )
    return {
        "elected": _named(
            [{**e, "kept": (e["post"], e["name"]) in was_elected} for e in outcome["elected"]]
        ),
        "dropped": _named([e for e in was["elected"] if (e["post"], e["name"]) not in now_elected]),
        "open_before": _named(was["open"]),
        "open_after": _named(outcome["open"]),
        "posts": posts,
        "changed": was_elected != now_elected,
    }


@require_http_methods(["GET"])
def correction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    correction = access_correction(user, pk)
    election = correction.result.election
    version = ResultVersion.objects.filter(correction=correction).first()
    rows = _box_rows(correction)
    entered = all(r["row"].corrected is not None for r in rows)
    preview = None
    if version is not None:
        polls, outcome, errors, warnings = (
            version.document["polls"],
            version.document["outcome"],
            [],
            [],
        )
    elif correction.status == CorrectionStatus.OPEN and entered:
        preview = svc.correction_preview(correction)
        polls, outcome, errors, warnings = (
            preview.polls,
            preview.outcome,
            preview.errors,
            preview.warnings,
        )
    else:
        polls, outcome, errors, warnings = [], {}, [], []
    base = _base(correction)
    comparison = (
        _outcome_comparison(base, polls, outcome, correction.poll.number)
        if base is not None and outcome and not errors
        else None
    )
    enterers = {r["row"].entered_by_id for r in rows if r["row"].entered_by_id}
    may = _may_correct(user, election)
    county = svc.is_county(user)
    is_open = correction.status == CorrectionStatus.OPEN
    proposed = correction.status == CorrectionStatus.PROPOSED
    return render(
        request,
        "results/correction.html",
        {
            "election": election,
            "correction": correction,
            "version": version,
            "base": base,
            "rows": rows,
            "entered": entered,
            "errors": errors,
            "warnings": warnings,
            "comparison": comparison,
            "may_enter": may
            and is_open
            and not (
                correction.kind == CorrectionKind.RECOUNT and correction.opened_by_id == user.pk
            ),
            "may_submit": may and is_open and entered and not errors,
            "may_decide": may
            and proposed
            and county
            and correction.opened_by_id != user.pk
            and user.pk not in enterers,
            "may_reject": may and proposed and county,
            "may_withdraw": may
            and (is_open or proposed)
            and (county or correction.opened_by_id == user.pk),
            "breadcrumbs": _crumbs(election, (f"{correction.get_kind_display()}", None)),
        },
    )


def _row_or_404(correction: Correction, box_id: int) -> CorrectionBox:
    row = (
        CorrectionBox.objects.select_related("box")
        .filter(correction=correction, box_id=box_id)
        .first()
    )
    if row is None:
        raise Http404
    return row


def _saved(correction: Correction, row: CorrectionBox) -> dict[str, Any]:
    """What the box form shows first: the corrected figures once entered; for an amendment
    the original (only the wrong fields need typing), for a recount nothing (it is counted
    afresh, not checked against the old count)."""
    if row.corrected is not None:
        return dict(row.corrected)
    if correction.kind == CorrectionKind.AMEND:
        return {k: v for k, v in row.original.items() if k != "ballots"}
    return {}


@require_http_methods(["GET", "POST"])
def correction_box(request: HttpRequest, pk: int, box_id: int) -> HttpResponse:
    user = current_user(request)
    correction = access_correction(user, pk)
    row = _row_or_404(correction, box_id)
    layout = layout_of(correction.poll)
    # The count's sheet form (polls.count_views), with this box's figures instead of an entry.
    saved = _saved(correction, row)
    form: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        typed, errors = sheet_form.figures_from(request.POST, layout)
        try:
            if errors:
                raise ValidationError(errors)
            svc.correction_enter(actor=user, correction=correction, box=row.box, figures=typed)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            form = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
            status = 400
        else:
            messages.success(request, f"已保存票箱“{row.box.name}”更正后的数字")
            return redirect("results:correction", pk=correction.pk)
    fields = sheet_form.sheet_fields(saved, (), layout, form, errors)
    return render(
        request,
        "results/correction_box.html",
        {
            "election": correction.result.election,
            "correction": correction,
            "row": row,
            "fields": fields,
            "errors": [m for key, ms in errors.items() if key not in fields["keys"] for m in ms],
            "may_enter": correction.status == CorrectionStatus.OPEN
            and _may_correct(user, correction.result.election),
            "breadcrumbs": _crumbs(
                correction.result.election,
                (correction.get_kind_display(), reverse("results:correction", args=[pk])),
                (row.box.name, None),
            ),
        },
        status=status,
    )


# ---------------------------------------------------------------------------------------------
# The buttons.


@require_POST
def correction_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    correction = access_correction(user, pk)

    def action() -> str:
        version = svc.correction_submit(actor=user, correction=correction)
        return f"已提交：更正结果为第{version.number}版（待县级批准）"

    run(request, action)
    return redirect("results:correction", pk=correction.pk)


@require_POST
def correction_approve(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    correction = access_correction(user, pk)

    def action() -> str:
        version = svc.correction_approve(
            actor=user, correction=correction, note=request.POST.get("note", "")
        )
        return f"已批准：第{version.number}版选举结果生效（核验码 {version.code}）"

    run(request, action)
    return redirect("results:correction", pk=correction.pk)


@require_POST
def correction_reject(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    correction = access_correction(user, pk)

    def action() -> str:
        svc.correction_reject(actor=user, correction=correction, note=request.POST.get("note", ""))
        return "已驳回本次更正，现行选举结果不变"

    run(request, action)
    return redirect("results:correction", pk=correction.pk)


@require_POST
def correction_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    correction = access_correction(user, pk)

    def action() -> str:
        svc.correction_withdraw(actor=user, correction=correction)
        return "已撤回本次更正，现行选举结果不变"

    run(request, action)
    return redirect("results:correction", pk=correction.pk)
