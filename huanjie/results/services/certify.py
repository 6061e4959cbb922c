"""Certifying a result (确认): the town, then the county, never the same person; then it is
locked. Every move of a version is one guarded service writing a `ResultHistory` row and an
audit event (huanjie.results.models has the state machine).

The town certifies what the election's closed official polls say (version 1, or the next number
after the county sent one back); certifying freezes the canonical document and its SHA-256
(huanjie.results.canonical). The county certifies that version: it becomes the one in force,
the version before it is marked superseded, and its winners go to the body's roster for the
new term (huanjie.rosters listens to `results.signals.version_in_force`). A correction (results.services.corrections) makes a later version
through `version_create` and `version_make_current` here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from huanjie.accounts.models import User
from huanjie.accounts.permissions import Action, audit_denied, scope_code
from huanjie.audit.services import audit_record
from huanjie.elections.models import Election
from huanjie.elections.services import check_not_purged
from huanjie.polls.models import BallotBox
from huanjie.polls.services.lifecycle import check_action
from huanjie.results import canonical
from huanjie.results.models import (
    BoxIncident,
    Correction,
    CorrectionStatus,
    Result,
    ResultHistory,
    ResultVersion,
    VersionStatus,
)
from huanjie.results.signals import version_in_force

MSG_NO_POLL: Final = "该选举还没有已结束的正式投票，没有可确认的结果"
MSG_POLL_OPEN: Final = "第{number}轮投票（{kind}）尚未结束，结果须待其结束后确认"
MSG_NO_SCAN: Final = "票箱“{box}”（第{number}轮）还没有上传签字的计票结果报告单照片或扫描件"
MSG_NOT_CHECKED: Final = "票箱“{box}”（第{number}轮）的报告单尚未由乡镇与录入结果核对"
MSG_INCIDENT: Final = "票箱“{box}”（第{number}轮）标记有异常，须处理后才能确认：{note}"
MSG_TOWN_ONLY: Final = "乡镇确认须由乡镇工作人员进行"
MSG_COUNTY_ONLY: Final = "县级确认须由县级工作人员进行"
MSG_SAME_PERSON: Final = "乡镇确认人与县级确认人不能是同一人"
MSG_ALREADY: Final = "该选举结果已经确认，如需改动请提出更正"
MSG_WAITING: Final = "该选举结果已由乡镇确认，等待县级确认"
MSG_STATUS: Final = "该版本当前为“{status}”，不能{what}"
MSG_REASON: Final = "请填写原因"
MSG_CORRECTION_OPEN: Final = "该选举结果有尚未处理完的更正，须先批准、驳回或撤回"

TOWN_LEVEL: Final = 9
COUNTY_LEVEL: Final = 6


# ---------------------------------------------------------------------------------------------
# Guards.


def _level(actor: User) -> int:
    return len(scope_code(actor) or "")


def _check_level(actor: User, election: Election, action: Action, town: bool) -> None:
    """The town's step needs a town account; the county's a county account (or above)."""
    level = _level(actor)
    ok = level == TOWN_LEVEL if town else 0 < level <= COUNTY_LEVEL
    if not ok:
        audit_denied(actor, action, obj=election)
        raise ValidationError(MSG_TOWN_ONLY if town else MSG_COUNTY_ONLY)


def box_problems(election: Election, *, town_checked: bool) -> list[str]:
    """What the signed paper still holds up: a box of a closed official poll without its scan,
    not compared by the town (when `town_checked`), or with an unresolved incident."""
    from huanjie.results.models import BoxCheck, CheckLevel, TallySheetScan

    problems: list[str] = []
    polls = canonical.official_polls(election)
    boxes = list(
        BallotBox.objects.filter(poll__in=polls)
        .select_related("poll")
        .order_by("poll__number", "position", "id")
    )
    scanned = set(
        TallySheetScan.objects.filter(box__in=boxes, removed_at__isnull=True).values_list(
            "box_id", flat=True
        )
    )
    checked = set(
        BoxCheck.objects.filter(box__in=boxes, level=CheckLevel.TOWN).values_list(
            "box_id", flat=True
        )
    )
    incidents = {
        i.box_id: i
        for i in BoxIncident.objects.filter(box__in=boxes, resolved_at__isnull=True).order_by(
            "raised_at"
        )
    }
    for box in boxes:
        number = box.poll.number
        if box.pk not in scanned:
            problems.append(MSG_NO_SCAN.format(box=box.name, number=number))
        elif town_checked and box.pk not in checked:
            problems.append(MSG_NOT_CHECKED.format(box=box.name, number=number))
        if box.pk in incidents:
            problems.append(
                MSG_INCIDENT.format(box=box.name, number=number, note=incidents[box.pk].note)
            )
    return problems


def certification_problems(election: Election) -> list[str]:
    """Why the town cannot certify `election`'s result now (none: it can)."""
    problems = [
        MSG_POLL_OPEN.format(number=p.number, kind=p.get_kind_display())
        for p in canonical.pending_polls(election)
    ]
    if not canonical.official_polls(election):
        problems.insert(0, MSG_NO_POLL)
    return problems + box_problems(election, town_checked=True)


# ---------------------------------------------------------------------------------------------
# Versions.


def _history(version: ResultVersion, actor: User, from_status: str, reason: str) -> None:
    ResultHistory.objects.create(
        version=version,
        from_status=from_status,
        to_status=version.status,
        reason=reason,
        actor=actor,
    )


def _locked_result(election: Election) -> Result:
    result, _ = Result.objects.get_or_create(election=election)
    return Result.objects.select_for_update().get(pk=result.pk)


def version_create(
    *,
    actor: User,
    result: Result,
    polls: list[dict[str, Any]],
    reason: str,
    status: str,
    correction: Correction | None = None,
    event: str,
) -> ResultVersion:
    """A new version of `result` (the caller holds its row lock): the canonical document of
    `polls` frozen with its SHA-256 and code."""
    number = (result.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    document = canonical.build(result.election, version=number, reason=reason, polls=polls)
    sha = canonical.digest(document)
    version = ResultVersion.objects.create(
        result=result,
        number=number,
        status=status,
        reason=reason,
        correction=correction,
        document=document,
        sha256=sha,
        code=canonical.short_code(sha),
        created_by=actor,
        **(
            {"town_certified_by": actor, "town_certified_at": timezone.now()}
            if status == VersionStatus.TOWN_CERTIFIED
            else {}
        ),
    )
    _history(version, actor, "", reason)
    audit_record(
        actor=actor,
        action=event,
        obj=version,
        object_repr=f"{result.election} 第{number}版",
        changes={
            "election": result.election_id,
            "version": number,
            "status": status,
            "sha256": sha,
            "code": version.code,
            "elected": [f"{e['post']}:{e['name']}" for e in document["outcome"]["elected"]],
        },
    )
    return version


def version_make_current(*, actor: User, version: ResultVersion, reason: str, event: str) -> None:
    """`version` (locked by the caller) becomes the one in force: certified by `actor`, the one
    before it superseded, the roster moved to its winners."""
    now = timezone.now()
    before = version.result.versions.filter(status=VersionStatus.CERTIFIED).exclude(pk=version.pk)
    for old in before:
        old.status = VersionStatus.SUPERSEDED
        old.superseded_at = now
        old.save(update_fields=["status", "superseded_at"])
        _history(old, actor, VersionStatus.CERTIFIED, f"被第{version.number}版更正")
    from_status = version.status
    version.status = VersionStatus.CERTIFIED
    version.certified_by = actor
    version.certified_at = now
    version.save(update_fields=["status", "certified_by", "certified_at"])
    _history(version, actor, from_status, reason)
    version_in_force.send(sender=ResultVersion, actor=actor, version=version)
    audit_record(
        actor=actor,
        action=event,
        obj=version,
        object_repr=f"{version.result.election} 第{version.number}版",
        changes={
            "version": version.number,
            "sha256": version.sha256,
            "superseded": [old.number for old in before],
        },
    )


def _open_correction(result: Result) -> bool:
    return result.corrections.filter(
        status__in=(CorrectionStatus.OPEN, CorrectionStatus.PROPOSED)
    ).exists()


# ---------------------------------------------------------------------------------------------
# The two certifications.


def result_certify_town(*, actor: User, election: Election) -> ResultVersion:
    """The town certifies what the closed official polls say: a new version, frozen."""
    check_action(actor, election, Action.CERTIFY_RESULTS)
    check_not_purged(election.village.campaign)
    _check_level(actor, election, Action.CERTIFY_RESULTS, town=True)
    with transaction.atomic():
        result = _locked_result(election)
        if result.versions.filter(status=VersionStatus.CERTIFIED).exists():
            raise ValidationError(MSG_ALREADY)
        if result.versions.filter(status=VersionStatus.TOWN_CERTIFIED).exists():
            raise ValidationError(MSG_WAITING)
        problems = certification_problems(election)
        if problems:
            raise ValidationError(problems)
        polls = [canonical.poll_entry(p) for p in canonical.official_polls(election)]
        return version_create(
            actor=actor,
            result=result,
            polls=polls,
            reason="",
            status=VersionStatus.TOWN_CERTIFIED,
            event="result.certify_town",
        )


def _locked_version(version: ResultVersion) -> ResultVersion:
    return (
        ResultVersion.objects.select_for_update()
        .select_related("result__election")
        .get(pk=version.pk)
    )


def _guarded(
    actor: User, version: ResultVersion, what: str, expected: str
) -> Callable[[], ResultVersion]:
    """Check the actor's right over the version's village and return a loader of the locked row
    in the `expected` state (call it inside the transaction)."""
    election = version.result.election
    check_action(actor, election, Action.CERTIFY_RESULTS)
    check_not_purged(election.village.campaign)
    _check_level(actor, election, Action.CERTIFY_RESULTS, town=False)

    def load() -> ResultVersion:
        Result.objects.select_for_update().get(pk=version.result_id)
        locked = _locked_version(version)
        if locked.status != expected:
            raise ValidationError(
                MSG_STATUS.format(status=VersionStatus(locked.status).label, what=what)
            )
        return locked

    return load


def result_certify_county(*, actor: User, version: ResultVersion) -> ResultVersion:
    """The county certifies the town's version: locked and in force from now on."""
    load = _guarded(actor, version, "县级确认", VersionStatus.TOWN_CERTIFIED)
    with transaction.atomic():
        locked = load()
        if locked.town_certified_by_id == actor.pk:
            audit_denied(actor, Action.CERTIFY_RESULTS, obj=locked)
            raise ValidationError(MSG_SAME_PERSON)
        if _open_correction(locked.result):
            raise ValidationError(MSG_CORRECTION_OPEN)
        problems = box_problems(locked.result.election, town_checked=True)
        if problems:
            raise ValidationError(problems)
        version_make_current(
            actor=actor, version=locked, reason="县级确认", event="result.certify_county"
        )
    version.refresh_from_db()
    return version


def result_return(*, actor: User, version: ResultVersion, reason: str) -> ResultVersion:
    """The county sends the town's version back with a reason; the town certifies again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(MSG_REASON)
    load = _guarded(actor, version, "退回", VersionStatus.TOWN_CERTIFIED)
    with transaction.atomic():
        locked = load()
        locked.status = VersionStatus.REJECTED
        locked.save(update_fields=["status"])
        _history(locked, actor, VersionStatus.TOWN_CERTIFIED, reason)
        audit_record(
            actor=actor,
            action="result.return",
            obj=locked,
            object_repr=f"{locked.result.election} 第{locked.number}版",
            changes={"version": locked.number, "reason": reason},
        )
    version.refresh_from_db()
    return version
