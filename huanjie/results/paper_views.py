"""The signed paper's pages: every box of an election's official polls with the photos or scans
of its signed tally sheet beside the figures entered and agreed for it (the count's own
selectors, polls.services.entry.poll_figures and the numbered checks), the town's and the
county's comparison, and incidents; one box alone with its pages large (`paper_box`); a page
served decrypted (`scan_file`). Every write is a service of results.services.paper; a refusal
shows as its Chinese message. An object outside the user's region answers 404."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from huanjie.accounts.models import User
from huanjie.accounts.permissions import Action, can, current_user, in_scope
from huanjie.elections.models import Election
from huanjie.polls.models import BallotBox, CheckExplanation, Poll, PollStatus
from huanjie.polls.pages import refusal, run
from huanjie.polls.services.checks import findings_for
from huanjie.polls.services.entry import layout_of, poll_figures
from huanjie.results.models import (
    BoxCheck,
    BoxIncident,
    CheckLevel,
    Correction,
    CorrectionStatus,
    TallySheetScan,
)
from huanjie.results.selectors import access_box, access_election, access_incident, access_scan
from huanjie.results.services import paper

BOX_FIELD = "poll__election__village__region__code"


# ---------------------------------------------------------------------------------------------
# Scoped reads of the paper's own rows (to move into results/selectors.py).


# ---------------------------------------------------------------------------------------------
# What a box shows.


@dataclass
class BoxRow:
    box: BallotBox
    scans: list[TallySheetScan] = field(default_factory=list)
    removed: list[TallySheetScan] = field(default_factory=list)
    figures: dict[str, Any] | None = None
    posts: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    town: BoxCheck | None = None
    county: BoxCheck | None = None
    open_incidents: list[BoxIncident] = field(default_factory=list)
    resolved: list[BoxIncident] = field(default_factory=list)
    # What the signed-in user may do here, and why a comparison cannot be made yet.
    may_upload: bool = False
    may_remove: bool = False
    may_check: bool = False
    check_blocked: str = ""
    may_raise: bool = False
    resolvable: set[int] = field(default_factory=set)


@dataclass
class PollRows:
    poll: Poll
    boxes: list[BoxRow]
    corrections: list[Correction]


@dataclass(frozen=True)
class Rights:
    upload: bool
    certify: bool
    level: str | None


def _rights(user: User, election: Election) -> Rights:
    here = in_scope(user, election.village.region_id)
    return Rights(
        upload=here and can(user, Action.MANAGE_POLLS),
        certify=here and can(user, Action.CERTIFY_RESULTS),
        level=paper.level_of(user),
    )


def _paper_polls(election: Election) -> list[Poll]:
    """The polls whose boxes have paper: official ones, counting or closed."""
    return list(
        Poll.objects.filter(
            election=election,
            rehearsal=False,
            status__in=(PollStatus.COUNTING, PollStatus.CLOSED),
        ).order_by("number")
    )


def _posts(poll: Poll, figures: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The votes of a box per post: the printed candidates in ballot order, then write-ins."""
    if figures is None:
        return []
    votes = figures.get("votes") or {}
    out = []
    for post in layout_of(poll).posts:
        by_name = votes.get(post.post) or {}
        names = sorted(by_name, key=post.order)
        printed = {c.name for c in post.candidates}
        rows = [{"name": c.name, "votes": int(by_name.get(c.name, 0))} for c in post.candidates]
        rows += [
            {"name": n, "votes": int(by_name[n]), "write_in": True}
            for n in names
            if n not in printed
        ]
        out.append({"label": post.label, "seats": post.seats, "rows": rows})
    return out


def _findings(poll: Poll, explained: dict[tuple[str, str], str]) -> dict[str, list[dict]]:
    """The numbered checks' findings on the poll's figures, by box name ("" for the poll)."""
    try:
        found = findings_for(poll)
    except ValidationError:
        return {}  # a body the engine does not count: no checks
    out: dict[str, list[dict]] = {}
    for f in found:
        out.setdefault(f.box or "", []).append(
            {
                "code": f.code,
                "level": f.level,
                "message": f.message,
                "explanation": explained.get((f.code, f.box or "")),
            }
        )
    return out


def _boxes(polls: list[Poll], only: int | None) -> QuerySet[BallotBox]:
    boxes = BallotBox.objects.filter(poll__in=polls).annotate(
        listed_count=Count("listed", distinct=True), sheet_count=Count("sheets", distinct=True)
    )
    if only is not None:
        boxes = boxes.filter(pk=only)
    return boxes.order_by("poll__number", "position", "id")


def _box_rows(
    user: User, election: Election, polls: list[Poll], only: int | None = None
) -> list[PollRows]:
    """Every box of `polls` (or the box `only`) with its pages, figures, comparisons and
    incidents: a few queries per poll, none per box or page."""
    rights = _rights(user, election)
    state = paper.paper_state(election)
    boxes = list(
        _boxes(polls, only).prefetch_related(
            Prefetch(
                "scans",
                queryset=TallySheetScan.objects.select_related("uploaded_by", "removed_by"),
            ),
            Prefetch("paper_checks", queryset=BoxCheck.objects.select_related("checked_by")),
            Prefetch(
                "incidents",
                queryset=BoxIncident.objects.select_related("raised_by", "resolved_by"),
            ),
        )
    )
    explained = {
        (e.poll_id, e.code, e.box): e.text for e in CheckExplanation.objects.filter(poll__in=polls)
    }
    corrections: dict[int, list[Correction]] = {}
    for c in Correction.objects.filter(result__election=election, poll__in=polls).order_by(
        "opened_at"
    ):
        corrections.setdefault(c.poll_id, []).append(c)
    out = []
    for poll in polls:
        mine = [b for b in boxes if b.poll_id == poll.pk]
        if not mine:
            continue
        figures = poll_figures(poll)
        found = _findings(poll, {(c, b): t for (p, c, b), t in explained.items() if p == poll.pk})
        rows = [_row(box, poll, figures.get(box.pk), found, rights, state) for box in mine]
        out.append(PollRows(poll, rows, corrections.get(poll.pk, [])))
    return out


def _row(
    box: BallotBox,
    poll: Poll,
    figures: dict[str, Any] | None,
    found: dict[str, list[dict]],
    rights: Rights,
    state: paper.PaperState,
) -> BoxRow:
    scans = list(box.scans.all())
    checks = {c.level: c for c in box.paper_checks.all()}
    incidents = list(box.incidents.all())
    row = BoxRow(
        box=box,
        scans=[s for s in scans if s.removed_at is None],
        removed=[s for s in scans if s.removed_at is not None],
        figures=figures,
        posts=_posts(poll, figures),
        findings=found.get(box.name, []),
        town=checks.get(CheckLevel.TOWN),
        county=checks.get(CheckLevel.COUNTY),
        open_incidents=[i for i in incidents if i.resolved_at is None],
        resolved=[i for i in incidents if i.resolved_at is not None],
    )
    row.may_upload = rights.upload and state.may_change(poll)
    row.may_remove = rights.upload and state.may_remove()
    certifier = rights.certify and rights.level is not None
    row.may_raise = certifier and state.may_change(poll)
    if certifier:
        row.resolvable = {
            i.pk
            for i in row.open_incidents
            if rights.level == CheckLevel.COUNTY or paper.level_of(i.raised_by) != CheckLevel.COUNTY
        }
    done = row.town if rights.level == CheckLevel.TOWN else row.county
    row.may_check = certifier and poll.status == PollStatus.CLOSED and done is None
    if row.may_check:
        row.check_blocked = _check_blocked(row, rights.level)
    return row


def _check_blocked(row: BoxRow, level: str | None) -> str:
    """Why the comparison button is disabled (the service says the same when asked)."""
    name = row.box.name
    if not row.scans:
        return paper.MSG_NO_SCAN.format(box=name)
    if level == CheckLevel.COUNTY and row.town is None:
        return paper.MSG_TOWN_FIRST.format(box=name)
    if row.open_incidents:
        return paper.MSG_OPEN_INCIDENT.format(box=name)
    return ""


def _crumbs(election: Election, *tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [
        ("选举结果", reverse("results:index")),
        (
            f"{election.village.region.display_name} · {election.get_body_display()}",
            reverse("results:election", args=[election.pk]),
        ),
        *tail,
    ]


def _context(user: User, election: Election, rows: list[PollRows]) -> dict[str, Any]:
    state = paper.paper_state(election)
    return {
        "election": election,
        "polls": rows,
        "state": state,
        "approved": CorrectionStatus.APPROVED,
        "max_mb": paper.SCAN_MAX_BYTES // 1024 // 1024,
        "level": paper.level_of(user),
    }


# ---------------------------------------------------------------------------------------------
# The pages.


@require_http_methods(["GET"])
def paper_page(request: HttpRequest, election_id: int) -> HttpResponse:
    user = current_user(request)
    election = access_election(user, election_id)
    rows = _box_rows(user, election, _paper_polls(election))
    return render(
        request,
        "results/paper.html",
        {
            **_context(user, election, rows),
            "breadcrumbs": _crumbs(election, ("计票结果报告单核对", None)),
        },
    )


@require_http_methods(["GET"])
def paper_box(request: HttpRequest, box_id: int) -> HttpResponse:
    """One box alone: its pages large, the figures beside them."""
    user = current_user(request)
    box = access_box(user, box_id)
    election = box.poll.election
    polls = [p for p in _paper_polls(election) if p.pk == box.poll_id]
    rows = _box_rows(user, election, polls, only=box.pk)
    paper_url = reverse("results:paper", args=[election.pk])
    return render(
        request,
        "results/paper_box.html",
        {
            **_context(user, election, rows),
            "box": box,
            "row": rows[0].boxes[0] if rows else None,
            "breadcrumbs": _crumbs(
                election,
                ("计票结果报告单核对", paper_url),
                (f"第{box.poll.number}轮 {box.name}", None),
            ),
        },
    )


CONTENT_TYPES = set(paper.SUFFIX)


@require_http_methods(["GET"])
def scan_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A page decrypted, shown in the browser (its read audited); a page whose file is gone
    answers a Chinese 404 page, never a 500."""
    user = current_user(request)
    scan = access_scan(user, pk)
    try:
        data = paper.scan_open(actor=user, scan=scan)
    except ValidationError as exc:
        election = scan.box.poll.election
        return render(
            request,
            "results/paper_missing.html",
            {
                "scan": scan,
                "message": refusal(exc),
                "election": election,
                "breadcrumbs": _crumbs(election, ("计票结果报告单", None)),
            },
            status=404,
        )
    kind = scan.content_type if scan.content_type in CONTENT_TYPES else "application/octet-stream"
    # A name made here: the uploaded one may hold anything.
    name = f"计票结果报告单-{scan.box.name}-{scan.pk}{paper.SUFFIX.get(kind, '.bin')}"
    response = HttpResponse(data, content_type=kind)
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _back(request: HttpRequest, box: BallotBox) -> str:
    """Where a button on the paper page or the box's page returns: the same page."""
    if request.POST.get("back") == "box":
        return reverse("results:paper_box", args=[box.pk])
    return reverse("results:paper", args=[box.poll.election_id]) + f"#box-{box.pk}"


MAX_FILES_AT_ONCE = 20
MSG_TOO_MANY = "一次最多上传{n}个文件"


@require_POST
def scan_upload(request: HttpRequest, box_id: int) -> HttpResponse:
    user = current_user(request)
    box = access_box(user, box_id)
    files = request.FILES.getlist("file")
    if not files:
        messages.error(request, paper.MSG_NO_FILE)
    elif len(files) > MAX_FILES_AT_ONCE:
        messages.error(request, MSG_TOO_MANY.format(n=MAX_FILES_AT_ONCE))
    else:
        # Each page on its own: a refused one does not keep the others out.
        for upload in files:

            def action(upload: Any = upload) -> str:
                scan = paper.scan_upload(
                    actor=user, box=box, name=upload.name or "", content=upload
                )
                return f"已上传票箱“{box.name}”的报告单“{scan.name}”"

            run(request, action)
    return redirect(_back(request, box))


@require_POST
def scan_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    scan = access_scan(user, pk)

    def action() -> str:
        paper.scan_remove(actor=user, scan=scan, reason=request.POST.get("reason", ""))
        return f"已撤下报告单“{scan.name}”（文件保留备查）"

    run(request, action)
    return redirect(_back(request, scan.box))


@require_POST
def box_check(request: HttpRequest, box_id: int) -> HttpResponse:
    user = current_user(request)
    box = access_box(user, box_id)
    try:
        check, made = paper.box_check(actor=user, box=box)
    except ValidationError as exc:
        messages.error(request, refusal(exc))
    else:
        level = CheckLevel(check.level).label
        if made:
            messages.success(request, f"已记录{level}核对：票箱“{box.name}”的报告单与录入结果一致")
        else:
            by = check.checked_by.full_name or check.checked_by.username
            at = timezone.localtime(check.checked_at).strftime("%Y-%m-%d %H:%M")
            messages.info(request, f"票箱“{box.name}”已由{by}于{at}完成{level}核对，无需重复核对")
    return redirect(_back(request, box))


@require_POST
def incident_raise(request: HttpRequest, box_id: int) -> HttpResponse:
    user = current_user(request)
    box = access_box(user, box_id)

    def action() -> str:
        paper.incident_raise(actor=user, box=box, note=request.POST.get("note", ""))
        return f"已将票箱“{box.name}”标记为有异常，处理前选举结果不能确认"

    run(request, action)
    return redirect(_back(request, box))


@require_POST
def incident_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    incident = access_incident(user, pk)

    def action() -> str:
        paper.incident_resolve(
            actor=user, incident=incident, resolution=request.POST.get("resolution", "")
        )
        return f"已处理票箱“{incident.box.name}”的异常"

    run(request, action)
    return redirect(_back(request, incident.box))
