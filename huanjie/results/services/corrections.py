"""Corrections and recounts of a certified result (更正与重新计票): a session on chosen boxes of
one poll of the version in force, whose original and corrected figures stand side by side and
whose outcome, approved by a second person at the county, is the result's next version.

    correction_open(actor, election, poll, kind, reason, boxes)   CORRECT_RESULTS; a recount: county
    correction_enter(actor, correction, box, figures)             CORRECT_RESULTS; not a recount's orderer
    correction_submit(actor, correction)                          CORRECT_RESULTS → a proposed version
    correction_approve(actor, correction, note)                   county, not the opener nor an enterer
    correction_reject(actor, correction, note)                    county
    correction_withdraw(actor, correction)                        the opener, or the county

An amendment (更正计票数据) puts right figures entered wrongly (the signed sheet says otherwise); a
recount (重新计票) is ordered by the county, which investigates a report of a falsified count
(村民委员会组织法(2025) 第二十一条: 乡级或者县级人民政府负责调查并依法处理; RULES.md V16), and the
chosen boxes are counted again. Both are typed as a count sheet's figures (polls.figures), never
ballot by ballot.

The figures in force of a box (`figures_in_force`): the agreed figures of its count sheets
(polls.services.entry.poll_figures), or, where an approved correction changed the box, the
corrected figures of the last one (corrections are approved one at a time, each on the version
in force, so they apply in the order of their versions). `CorrectionBox.original` keeps them as
they were when the correction was opened.

Submitting recomputes the poll on the figures in force with the corrected boxes in them: the
poll file of the version in force keeps everything but what the figures give (the ballots, the
sheets' totals, the mobile boxes, the write-ins' sexes), the numbered checks run on the figures
(an error refuses, a warning is shown to the approver), the engine runs, and the later polls of
the version get the corrected winners as `elected_before` and run again. When the corrected poll
(or a later one) asks for other polls to follow than the ones held, the correction is refused:
the polls that followed were held on the old outcome, and only the county can organise the
voting again (`MSG_FOLLOWING`). The outcome is frozen as the result's next version, proposed
(`ResultVersion.correction`); approving makes it the one in force (the one before superseded,
the roster moved: huanjie.results.services.certify.version_make_current).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from huanjie.accounts.models import User
from huanjie.accounts.permissions import Action, audit_denied, scope_code
from huanjie.audit.services import audit_record
from huanjie.elections.models import Election
from huanjie.elections.services import check_not_purged
from huanjie.polls import figures as count_figures
from huanjie.polls.models import BallotBox, Poll, PollStatus
from huanjie.polls.services import closing
from huanjie.polls.services.checks import findings_for
from huanjie.polls.services.entry import layout_of
from huanjie.polls.services.lifecycle import check_action
from huanjie.results import canonical
from huanjie.results.models import (
    Correction,
    CorrectionBox,
    CorrectionKind,
    CorrectionStatus,
    Result,
    ResultHistory,
    ResultVersion,
    VersionStatus,
)
from huanjie.results.services.certify import (
    COUNTY_LEVEL,
    MSG_CORRECTION_OPEN,
    version_create,
    version_make_current,
)
from huanjie.rules.count_checks import ERROR

MSG_NO_VERSION: Final = "该选举结果尚未确认生效，没有可更正的结果"
MSG_KIND: Final = "更正类别应为“更正计票数据”或“重新计票”"
MSG_RECOUNT_COUNTY: Final = "重新计票须由县级工作人员决定"
MSG_POLL: Final = "所选投票不在现行选举结果中"
MSG_NO_BOXES: Final = "请至少选择一个票箱"
MSG_BOX_OTHER_POLL: Final = "票箱“{box}”不属于所选投票"
MSG_BOX_TWICE: Final = "票箱“{box}”选择了两次"
MSG_BOX_NO_FIGURES: Final = "票箱“{box}”没有计票结果，无从更正"
MSG_REASON: Final = "请填写更正原因"
MSG_REASON_LONG: Final = "更正原因不能超过{n}个字"
MSG_STATUS: Final = "该更正当前为“{status}”，不能{what}"
MSG_BOX_NOT_IN: Final = "票箱“{box}”不在本次更正之中"
MSG_SHEET_ONLY: Final = "更正按计票结果报告单的数字录入，不逐张录入选票"
MSG_ORDERER_ENTERS: Final = "重新计票的数字须由决定重新计票的人以外的工作人员录入"
MSG_NOT_ENTERED: Final = "票箱“{box}”尚未录入更正后的数字"
MSG_UNCHANGED: Final = "更正后的数字与原结果完全相同，无须更正（可撤回本次更正）"
MSG_CHECK: Final = closing.MSG_CHECK
MSG_FOLLOWING: Final = "更正后需要的后续投票与已举行的不同，须由县级重新组织投票"
MSG_FOLLOWING_DETAIL: Final = "第{number}轮投票（{kind}）更正后：{now}；已举行或待举行的：{then}"
MSG_COUNTY_ONLY: Final = "{what}须由县级工作人员进行"
MSG_APPROVER_OPENED: Final = "提出更正的人不能批准本次更正，须由另一人批准"
MSG_APPROVER_ENTERED: Final = "录入更正数字的人不能批准本次更正，须由另一人批准"
MSG_NOTE: Final = "请填写驳回理由"
MSG_NOTE_LONG: Final = "意见不能超过{n}个字"
MSG_WITHDRAW_WHO: Final = "只有提出更正的人或县级工作人员可以撤回"

MAX_REASON: Final = 400
MAX_NOTE: Final = 400
# What of a poll file the boxes' figures give (closing.poll_file): a correction changes these
# and nothing else of the frozen file.
FIGURE_KEYS: Final = ("ballots", "counted", "boxes", "people")
NEXT_WORDS: Final = {"runoff": "再次投票", "supplementary": "另行选举", "first": "重新投票"}


# ---------------------------------------------------------------------------------------------
# Guards.


def is_county(actor: User) -> bool:
    """A county account (or above): who orders a recount and approves a correction."""
    return 0 < len(scope_code(actor) or "") <= COUNTY_LEVEL


def _guard(actor: User, election: Election) -> None:
    check_action(actor, election, Action.CORRECT_RESULTS)
    check_not_purged(election.village.campaign)


def _refuse(actor: User, obj: Any, message: str) -> ValidationError:
    """A refusal for who the actor is (level, or the second person): logged as denied."""
    audit_denied(actor, Action.CORRECT_RESULTS, obj=obj)
    return ValidationError(message)


def _text(value: str, *, required: str, too_long: str, limit: int) -> str:
    text = (value or "").strip()
    if not text and required:
        raise ValidationError(required)
    if len(text) > limit:
        raise ValidationError(too_long.format(n=limit))
    return text


def _locked(correction: Correction, expected: tuple[str, ...], what: str) -> Correction:
    """The correction's result and then the correction itself locked (always in this order), the
    correction in one of the `expected` states. Call inside the transaction."""
    Result.objects.select_for_update().get(pk=correction.result_id)
    locked = (
        Correction.objects.select_for_update()
        .select_related("result__election__village__campaign", "poll", "opened_by")
        .get(pk=correction.pk)
    )
    if locked.status not in expected:
        raise ValidationError(
            MSG_STATUS.format(status=CorrectionStatus(locked.status).label, what=what)
        )
    return locked


def _history(version: ResultVersion, actor: User, from_status: str, reason: str) -> None:
    ResultHistory.objects.create(
        version=version,
        from_status=from_status,
        to_status=version.status,
        reason=reason[:500],
        actor=actor,
    )


def _repr(correction: Correction) -> str:
    return f"{correction.result.election} {correction.get_kind_display()}"


# ---------------------------------------------------------------------------------------------
# The figures in force.


def figures_in_force(poll: Poll) -> dict[int, dict[str, Any]]:
    """The figures of every counted box of `poll` as the version in force has them: the agreed
    figures of its sheets, replaced by the corrected figures of the approved corrections that
    changed it (applied in the order of their versions)."""
    out = closing.box_figures(poll)
    approved = CorrectionBox.objects.filter(
        correction__poll=poll,
        correction__status=CorrectionStatus.APPROVED,
        corrected__isnull=False,
    ).order_by("correction__version__number", "id")
    for row in approved:
        if row.corrected is not None:
            out[row.box_id] = row.corrected
    return out


def _people(rebuilt: list[dict[str, str]], frozen: list[dict[str, str]]) -> list[dict[str, str]]:
    """The write-ins' sexes of the corrected file: as frozen where the name was there already."""
    known = {p["name"]: p for p in frozen}
    return [known.get(p["name"], p) for p in rebuilt]


def _corrected_file(
    poll: Poll, frozen: Mapping[str, Any], figures: Mapping[int, Mapping[str, Any]]
) -> dict[str, Any]:
    """The poll file of the version in force (`frozen`) with what the boxes' figures give built
    again from `figures` (closing.poll_file); the rest stays exactly as frozen."""
    rebuilt = closing.poll_file(poll, figures=figures, before=frozen.get("elected_before", []))
    out = {k: v for k, v in frozen.items() if k not in FIGURE_KEYS}
    for key in FIGURE_KEYS:
        if key == "people" and rebuilt.get("people"):
            out["people"] = _people(rebuilt["people"], frozen.get("people", []))
        elif key in rebuilt:
            out[key] = rebuilt[key]
    return out


def _recomputed(poll: Poll, entry: Mapping[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """A poll entry of the document with the poll file `data` counted again by the engine."""
    engine_input = {**entry["input"], "poll_file": data, "engine": closing.engine_version()}
    return canonical.poll_entry(poll, engine_input, closing.run_engine(poll, data))


def _differences(poll: Poll, row: CorrectionBox) -> list[count_figures.Difference]:
    """The fields on which a box's corrected figures differ from its original (a name with no
    votes is a zero)."""
    return count_figures.compare_flat(
        count_figures.flatten(row.original),
        count_figures.flatten(row.corrected or {}),
        layout_of(poll),
        False,
    )


def _next_words(items: Iterable[Mapping[str, Any]]) -> str:
    words = [
        f"{item['post']} {NEXT_WORDS.get(item['poll'], item['poll'])}{item['seats']}名"
        for item in items
    ]
    return "、".join(words) or "无"


# ---------------------------------------------------------------------------------------------
# The outcome of a correction.


@dataclass(frozen=True)
class Preview:
    """What a correction makes of the version in force: its polls (the corrected one and the
    later ones counted again), their outcome; `errors` refuse the submission, `warnings` (the
    numbered checks' warnings) are shown to whoever approves."""

    base: ResultVersion | None
    polls: list[dict[str, Any]]
    outcome: dict[str, Any]
    errors: list[str]
    warnings: list[str]


def correction_preview(correction: Correction) -> Preview:
    """The outcome of `correction` as entered so far, computed on the version in force (the
    proposed version's document freezes it once submitted)."""
    base = correction.result.current()
    if base is None:
        return Preview(None, [], {}, [MSG_NO_VERSION], [])
    entries = list(base.document["polls"])
    poll = correction.poll
    at = next((i for i, e in enumerate(entries) if e["number"] == poll.number), None)
    if at is None:
        return Preview(base, entries, base.document["outcome"], [MSG_POLL], [])
    rows = list(correction.boxes.select_related("box").order_by("box__position", "box_id"))
    errors = [MSG_NOT_ENTERED.format(box=r.box.name) for r in rows if r.corrected is None]
    if errors:
        return Preview(base, entries, base.document["outcome"], errors, [])
    figures = figures_in_force(poll) | {r.box_id: dict(r.corrected or {}) for r in rows}
    findings = findings_for(poll, figures)
    errors = [
        MSG_CHECK.format(code=f.code, message=f.message) for f in findings if f.level == ERROR
    ]
    warnings = [
        MSG_CHECK.format(code=f.code, message=f.message) for f in findings if f.level != ERROR
    ]
    if correction.kind == CorrectionKind.AMEND and not any(_differences(poll, r) for r in rows):
        errors.append(MSG_UNCHANGED)
    if errors:
        return Preview(base, entries, base.document["outcome"], errors, warnings)
    try:
        polls = _corrected_polls(poll, entries, at, figures)
    except ValidationError as exc:
        return Preview(base, entries, base.document["outcome"], exc.messages, warnings)
    return Preview(base, polls, canonical.outcome(polls), [], warnings)


def _corrected_polls(
    poll: Poll, entries: list[dict[str, Any]], at: int, figures: Mapping[int, Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The document's polls with poll `at` counted on `figures` and the later ones counted again
    on the corrected winners; refused when what must follow a poll is no longer what followed."""
    data = _corrected_file(poll, entries[at]["input"]["poll_file"], figures)
    polls = [*entries[:at], _recomputed(poll, entries[at], data)]
    _same_following(poll, entries[at], polls[at])
    later = {
        p.number: p
        for p in Poll.objects.filter(
            election_id=poll.election_id,
            rehearsal=False,
            status=PollStatus.CLOSED,
            number__gt=poll.number,
        )
    }
    for entry in entries[at + 1 :]:
        frozen = entry["input"]["poll_file"]
        before = closing.winners((e["input"], e["output"]) for e in polls)
        if before == frozen.get("elected_before", []):
            polls.append(entry)
            continue
        # 村民委员会组织法(2025) 第十八条: a later poll fills the seats the earlier ones left; the
        # people it counts as elected before are those the corrected polls elected.
        data = {k: v for k, v in frozen.items() if k != "elected_before"}
        if before:
            data["elected_before"] = before
        polls.append(_recomputed(later[entry["number"]], entry, data))
        _same_following(later[entry["number"]], entry, polls[-1])
    return polls


def _same_following(poll: Poll, was: Mapping[str, Any], now: Mapping[str, Any]) -> None:
    """The polls the law asks to follow `poll` are those that were asked for (and held) before
    the correction; else the correction cannot make the result (the polls held would be the
    wrong ones) and the county organises the voting again."""
    then, after = was["output"].get("next", []), now["output"].get("next", [])
    if then != after:
        raise ValidationError(
            [
                MSG_FOLLOWING,
                MSG_FOLLOWING_DETAIL.format(
                    number=poll.number,
                    kind=poll.get_kind_display(),
                    now=_next_words(after),
                    then=_next_words(then),
                ),
            ]
        )


# ---------------------------------------------------------------------------------------------
# The services.


def correction_open(
    *,
    actor: User,
    election: Election,
    poll: Poll,
    kind: str,
    reason: str,
    boxes: Iterable[BallotBox],
) -> Correction:
    """Open a correction of the chosen `boxes` of `poll` in the result in force: an amendment
    (the town or the county), or a recount the county orders. Each box's original is its
    figures in force."""
    _guard(actor, election)
    if kind not in CorrectionKind.values:
        raise ValidationError({"kind": MSG_KIND})
    # 村民委员会组织法(2025) 第二十一条: the county's government investigates a reported
    # falsified count; a recount is its order.
    if kind == CorrectionKind.RECOUNT and not is_county(actor):
        raise _refuse(actor, election, MSG_RECOUNT_COUNTY)
    text = _text(reason, required=MSG_REASON, too_long=MSG_REASON_LONG, limit=MAX_REASON)
    chosen = _chosen_boxes(poll, boxes)
    with transaction.atomic():
        result = Result.objects.select_for_update().filter(election=election).first()
        base = result.current() if result is not None else None
        if result is None or base is None:
            raise ValidationError(MSG_NO_VERSION)
        if result.corrections.filter(
            status__in=(CorrectionStatus.OPEN, CorrectionStatus.PROPOSED)
        ).exists():
            raise ValidationError(MSG_CORRECTION_OPEN)
        numbers = {p["number"] for p in base.document["polls"]}
        if (
            poll.election_id != election.pk
            or poll.rehearsal
            or poll.status != PollStatus.CLOSED
            or poll.number not in numbers
        ):
            raise ValidationError({"poll": MSG_POLL})
        in_force = figures_in_force(poll)
        for box in chosen:
            if box.pk not in in_force:
                raise ValidationError({"boxes": MSG_BOX_NO_FIGURES.format(box=box.name)})
        correction = Correction.objects.create(
            result=result,
            poll=poll,
            kind=kind,
            status=CorrectionStatus.OPEN,
            reason=text,
            opened_by=actor,
        )
        CorrectionBox.objects.bulk_create(
            CorrectionBox(correction=correction, box=box, original=in_force[box.pk])
            for box in chosen
        )
        audit_record(
            actor=actor,
            action="result.correction_open",
            obj=correction,
            object_repr=_repr(correction),
            changes={
                "election": election.pk,
                "version": base.number,
                "kind": kind,
                "poll": poll.number,
                "boxes": [b.name for b in chosen],
                "reason": text,
            },
        )
    return correction


def _chosen_boxes(poll: Poll, boxes: Iterable[BallotBox]) -> list[BallotBox]:
    chosen: list[BallotBox] = []
    for box in boxes:
        if box.poll_id != poll.pk:
            raise ValidationError({"boxes": MSG_BOX_OTHER_POLL.format(box=box.name)})
        if any(b.pk == box.pk for b in chosen):
            raise ValidationError({"boxes": MSG_BOX_TWICE.format(box=box.name)})
        chosen.append(box)
    if not chosen:
        raise ValidationError({"boxes": MSG_NO_BOXES})
    return sorted(chosen, key=lambda b: (b.position, b.pk))


def correction_enter(
    *, actor: User, correction: Correction, box: BallotBox, figures: Mapping[str, Any]
) -> CorrectionBox:
    """The corrected figures of one box, in the shape of a count sheet's (polls.figures: the six
    counts, invalid ballots by reason, every printed candidate's votes and the write-ins by
    name; never ballot by ballot), checked as a sheet is. Typing again overwrites them until
    the correction is submitted. Who ordered a recount does not count it."""
    election = correction.result.election
    _guard(actor, election)
    if correction.kind == CorrectionKind.RECOUNT and correction.opened_by_id == actor.pk:
        raise _refuse(actor, correction, MSG_ORDERER_ENTERS)
    if not isinstance(figures, Mapping):
        raise ValidationError(count_figures.MSG_FIGURES)
    if "ballots" in figures:
        raise ValidationError({"ballots": MSG_SHEET_ONLY})
    clean = count_figures.clean_figures(figures, layout_of(correction.poll))
    with transaction.atomic():
        locked = Correction.objects.select_for_update().get(pk=correction.pk)
        if locked.status != CorrectionStatus.OPEN:
            raise ValidationError(
                MSG_STATUS.format(status=CorrectionStatus(locked.status).label, what="录入")
            )
        row = CorrectionBox.objects.filter(correction=locked, box=box).first()
        if row is None:
            raise ValidationError({"box": MSG_BOX_NOT_IN.format(box=box.name)})
        row.corrected = clean
        row.entered_by = actor
        row.entered_at = timezone.now()
        row.save(update_fields=["corrected", "entered_by", "entered_at"])
        audit_record(
            actor=actor,
            action="result.correction_enter",
            obj=locked,
            object_repr=_repr(correction),
            changes={
                "box": box.name,
                "digest": count_figures.digest(clean),
                "changed": {
                    d.field: [d.first, d.second] for d in _differences(correction.poll, row)
                },
            },
        )
    return row


def correction_submit(*, actor: User, correction: Correction) -> ResultVersion:
    """Every box entered: the poll counted again on the corrected figures, checked, and frozen
    as the result's next version, proposed for the county's approval."""
    election = correction.result.election
    _guard(actor, election)
    with transaction.atomic():
        locked = _locked(correction, (CorrectionStatus.OPEN,), "提交")
        preview = correction_preview(locked)
        if preview.errors:
            raise ValidationError(preview.errors)
        locked.status = CorrectionStatus.PROPOSED
        locked.save(update_fields=["status"])
        version = version_create(
            actor=actor,
            result=locked.result,
            polls=preview.polls,
            reason=f"{locked.get_kind_display()}：{locked.reason}",
            status=VersionStatus.PROPOSED,
            correction=locked,
            event="result.correction_submit",
        )
    correction.status = locked.status
    return version


def correction_approve(*, actor: User, correction: Correction, note: str = "") -> ResultVersion:
    """The county approves: the proposed version comes into force (the one before superseded,
    the roster moved). Two people: not who opened it, not who entered its figures."""
    election = correction.result.election
    _guard(actor, election)
    if not is_county(actor):
        raise _refuse(actor, correction, MSG_COUNTY_ONLY.format(what="批准更正"))
    text = _text(note, required="", too_long=MSG_NOTE_LONG, limit=MAX_NOTE)
    with transaction.atomic():
        locked = _locked(correction, (CorrectionStatus.PROPOSED,), "批准")
        if locked.opened_by_id == actor.pk:
            raise _refuse(actor, locked, MSG_APPROVER_OPENED)
        if locked.boxes.filter(entered_by=actor).exists():
            raise _refuse(actor, locked, MSG_APPROVER_ENTERED)
        version = ResultVersion.objects.select_for_update().get(correction=locked)
        locked.status = CorrectionStatus.APPROVED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_note = text
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        version_make_current(
            actor=actor,
            version=version,
            reason=f"批准{locked.get_kind_display()}" + (f"：{text}" if text else ""),
            event="result.correction_approve",
        )
    correction.status = locked.status
    return version


def correction_reject(*, actor: User, correction: Correction, note: str) -> Correction:
    """The county does not approve a submitted correction, saying why; its proposed version is
    marked rejected and the version in force stays."""
    election = correction.result.election
    _guard(actor, election)
    if not is_county(actor):
        raise _refuse(actor, correction, MSG_COUNTY_ONLY.format(what="驳回更正"))
    text = _text(note, required=MSG_NOTE, too_long=MSG_NOTE_LONG, limit=MAX_NOTE)
    with transaction.atomic():
        locked = _locked(correction, (CorrectionStatus.PROPOSED,), "驳回")
        _close(actor, locked, CorrectionStatus.REJECTED, text)
        audit_record(
            actor=actor,
            action="result.correction_reject",
            obj=locked,
            object_repr=_repr(locked),
            changes={
                "status": [CorrectionStatus.PROPOSED, CorrectionStatus.REJECTED],
                "note": text,
            },
        )
    correction.status = locked.status
    return locked


def correction_withdraw(*, actor: User, correction: Correction) -> Correction:
    """Who opened the correction, or the county, withdraws it (open or submitted); the version
    in force stays."""
    election = correction.result.election
    _guard(actor, election)
    if correction.opened_by_id != actor.pk and not is_county(actor):
        raise _refuse(actor, correction, MSG_WITHDRAW_WHO)
    with transaction.atomic():
        locked = _locked(correction, (CorrectionStatus.OPEN, CorrectionStatus.PROPOSED), "撤回")
        was = locked.status
        _close(actor, locked, CorrectionStatus.WITHDRAWN, "撤回更正")
        audit_record(
            actor=actor,
            action="result.correction_withdraw",
            obj=locked,
            object_repr=_repr(locked),
            changes={"status": [was, CorrectionStatus.WITHDRAWN]},
        )
    correction.status = locked.status
    return locked


def _close(actor: User, locked: Correction, status: str, note: str) -> None:
    """End the correction without a new version in force: its proposed version, if submitted,
    is marked rejected (未批准) with a history row."""
    locked.status = status
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_note = note
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    version = ResultVersion.objects.select_for_update().filter(correction=locked).first()
    if version is not None and version.status == VersionStatus.PROPOSED:
        version.status = VersionStatus.REJECTED
        version.save(update_fields=["status"])
        _history(version, actor, VersionStatus.PROPOSED, note)
