"""The signed paper beside the numbers: the photo or scan of each box's signed tally sheet
(计票结果报告单), the town's and then the county's comparison of it with what was entered
(`BoxCheck`), and incidents (`BoxIncident`) that hold the result's certification until resolved.

The count is public and its result announced on the spot (村民委员会组织法(2025) 第十八条第三款,
RULES.md V12); the scrutineers, counters and readers sign the sheet (WORKFLOW.md §1 step 13).
The sheet is that count's evidence: a page uploaded is never deleted (removing one only marks
it, with who, when and why in the audit log), it is sealed on disk like every stored file
(SECURITY.md D2: AES-256-GCM, huanjie.lib.sealedfile, under VAR_DIR/uploads/results, in the backups), and once the
result is certified its paper changes only inside a correction.

    upload   the village clerk, the town or the county (MANAGE_POLLS), while the box's official
             poll is counting or closed; not once the result is in force unless a correction of
             that poll is open
    remove   the same people, until the town certifies the result
    check    the town (a 9-digit region), then the county (6 digits or fewer): each level once
             per box, the town first; a box needs a page and no open incident
    incident raised by the town or the county; resolved by the county (any) or the town (those
             raised at the town level: the town does not overrule the county's doubt)

A page uploaded or removed after a comparison withdraws that box's comparisons (the paper
compared is no longer the paper there), so the town compares it again. Every service locks the
election's `Result` row, as certification does, so a comparison, an upload or an incident never
races a certification.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.utils import timezone

from huanjie.accounts.models import User
from huanjie.accounts.permissions import Action, audit_denied, scope_code
from huanjie.audit.services import audit_record
from huanjie.elections.models import Election
from huanjie.elections.services import check_not_purged
from huanjie.lib import sealedfile
from huanjie.lib.idcard import redact
from huanjie.polls.models import BallotBox, Poll, PollStatus
from huanjie.polls.services.lifecycle import check_action
from huanjie.results.models import (
    BoxCheck,
    BoxIncident,
    CheckLevel,
    CorrectionStatus,
    Result,
    TallySheetScan,
    VersionStatus,
)

MSG_REHEARSAL: Final = "演练投票不计入选举结果，其票箱不上传计票结果报告单，也不核对"
MSG_NOT_COUNTED: Final = "{poll}当前为“{status}”，开始计票后才能上传计票结果报告单"
MSG_NOT_CLOSED: Final = "{poll}当前为“{status}”，投票结束后才能核对计票结果报告单"
MSG_NO_FILE: Final = "请选择要上传的报告单照片或扫描件"
MSG_EMPTY: Final = "文件“{name}”是空文件，请重新选择"
MSG_TYPE: Final = (
    "文件“{name}”不是 JPG、PNG 图片或 PDF 文件（按文件内容判断，与扩展名无关），"
    "请上传报告单的照片或扫描件；手机拍摄的 HEIC 照片请先转为 JPG"
)
MSG_SIZE: Final = "文件“{name}”超过 {mb} MB，请压缩后或分页上传"
MSG_IN_FORCE: Final = (
    "该选举结果已确认生效，计票结果报告单不能再改动；如需补充，请先对第{number}轮投票提出更正"
)
MSG_REMOVE_CERTIFIED: Final = "该选举结果已由乡镇确认，计票结果报告单不能再撤下"
MSG_ALREADY_REMOVED: Final = "报告单“{name}”已于{at}撤下"
MSG_REASON: Final = "请填写撤下原因"
MSG_TOO_LONG: Final = "{field}不能超过{n}字"
MSG_FILE_MISSING: Final = "报告单“{name}”的文件在服务器上缺失或已损坏，请重新上传"
MSG_LEVEL: Final = "计票结果报告单的核对与异常由乡镇或县级工作人员办理"
MSG_NO_SCAN: Final = "票箱“{box}”还没有上传报告单照片或扫描件，不能核对"
MSG_TOWN_FIRST: Final = "票箱“{box}”须先由乡镇核对，县级才能核对"
MSG_OPEN_INCIDENT: Final = "票箱“{box}”有尚未处理的异常，处理后才能核对"
MSG_NOTE: Final = "请填写异常情况"
MSG_RESOLUTION: Final = "请填写处理结果"
MSG_RESOLVED: Final = "该异常已于{at}由{name}处理"
MSG_COUNTY_INCIDENT: Final = "县级标记的异常须由县级处理"

SCAN_MAX_BYTES: Final = 20 * 1024 * 1024
TEXT_MAX: Final = 500
# What a page may be, told by its first bytes (never by its name): JPEG's SOI and the marker
# after it, PNG's signature, and a PDF's header.
MAGIC: Final = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)
SUFFIX: Final = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}
TOWN_LEVEL: Final = 9
COUNTY_LEVEL: Final = 6
_KEY_INFO = b"huanjie result scan key v1"
_UNNAMED = "未命名文件"


class ScanUnreadable(ValidationError):
    """A scan's stored file is missing, damaged, or sealed under a key no longer held."""


# ---------------------------------------------------------------------------------------------
# The sealed files.


def scan_keys() -> dict[str, bytes]:
    """The keys sealing the scans, newest first: derived from the uploads' (HUANJIE_FIELD_KEYS),
    as the review's attachments are, under a label of their own."""
    from huanjie.uploads.services import upload_keys

    return {v: hmac.digest(key, _KEY_INFO, hashlib.sha256) for v, key in upload_keys().items()}


def scans_dir() -> Path:
    """VAR_DIR/uploads/results: inside the uploads, so `huanjie backup` carries the scans."""
    path = Path(settings.VAR_DIR) / "uploads" / "results"
    path.mkdir(parents=True, exist_ok=True)
    return path


def scan_file(stored: str) -> Path:
    """The file of a stored scan path: relative to VAR_DIR (so a restored backup finds it)."""
    path = Path(stored)
    return path if path.is_absolute() else Path(settings.VAR_DIR) / path


def scan_context(path: Path) -> bytes:
    """The sealed context: the random file name, so a file renamed or put in another's place
    does not open."""
    return b"huanjie result scan " + path.name.encode("ascii", "replace")


@dataclass(frozen=True)
class StoredScan:
    path: str
    sha256: str
    size: int
    content_type: str


def _as_file(content: bytes | IO[bytes] | File) -> File:
    if isinstance(content, bytes | bytearray):
        return ContentFile(bytes(content))
    if isinstance(content, File):
        return content
    return File(content)


def _declared_size(upload: File) -> int | None:
    try:
        return int(upload.size)
    except (AttributeError, TypeError, ValueError):
        return None


def _sniff(upload: File) -> str | None:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    return next((kind for magic, kind in MAGIC if head.startswith(magic)), None)


def store_scan_file(content: bytes | IO[bytes] | File, name: str = "") -> StoredScan:
    """Check a page (JPEG, PNG or PDF by its first bytes, not empty, at most SCAN_MAX_BYTES)
    and seal it as it is read into VAR_DIR/uploads/results/<random>.sealed, 0600, never a byte in clear;
    a Chinese ValidationError naming the file otherwise. Not a service: `scan_upload` calls it
    after its checks (and the walk's tests, to make a page of a certified result)."""
    upload = _as_file(content)
    shown = name or _UNNAMED
    declared = _declared_size(upload)
    if declared == 0:
        raise ValidationError(MSG_EMPTY.format(name=shown))
    too_big = ValidationError(MSG_SIZE.format(name=shown, mb=SCAN_MAX_BYTES // 1024 // 1024))
    if declared is not None and declared > SCAN_MAX_BYTES:
        raise too_big
    content_type = _sniff(upload)
    if content_type is None:
        if declared is None and not upload.read(1):
            raise ValidationError(MSG_EMPTY.format(name=shown))
        raise ValidationError(MSG_TYPE.format(name=shown))
    path = scans_dir() / f"{uuid.uuid4().hex}.sealed"
    keys = scan_keys()
    version = next(iter(keys))
    upload.seek(0)
    try:
        sha256, size = sealedfile.seal_new(
            path,
            upload.chunks(),
            key=keys[version],
            key_version=version,
            context=scan_context(path),
            max_bytes=SCAN_MAX_BYTES,
        )
    except sealedfile.TooBig:
        raise too_big from None
    stored = path.relative_to(Path(settings.VAR_DIR)).as_posix()
    return StoredScan(stored, sha256, size, content_type)


def read_scan_file(scan: TallySheetScan) -> bytes:
    """The plaintext of a scan, authenticated and matching its SHA-256; ScanUnreadable (its
    Chinese message names the file) when the file is missing, damaged or the key is gone."""
    missing = ScanUnreadable(MSG_FILE_MISSING.format(name=scan.name))
    if not scan.path:
        raise missing
    path = scan_file(scan.path)
    out = io.BytesIO()
    try:
        with path.open("rb") as src:
            sealedfile.open_file(src, out, keys=scan_keys(), context=scan_context(path))
    except (OSError, sealedfile.SealError) as exc:
        raise missing from exc
    data = out.getvalue()
    if hashlib.sha256(data).hexdigest() != scan.sha256:
        raise missing
    return data


def shown_name(name: str) -> str:
    """The uploaded name as it may be kept and shown: its last path part, no control
    characters, a typed ID number masked (SECURITY.md P3), at most 200 characters (the end,
    which holds the extension)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return redact(base)[-200:] or _UNNAMED


# ---------------------------------------------------------------------------------------------
# Guards.


def level_of(actor: User) -> str | None:
    """The comparison level of the actor's region: a town (9 digits) or a county and above."""
    length = len(scope_code(actor) or "")
    if length == TOWN_LEVEL:
        return CheckLevel.TOWN
    if 0 < length <= COUNTY_LEVEL:
        return CheckLevel.COUNTY
    return None


def _guard(actor: User, election: Election, action: Action) -> None:
    """The actor's Action over the village (else refused and logged), the campaign not purged."""
    check_action(actor, election, action)
    check_not_purged(election.village.campaign)


def _certifier(actor: User, election: Election) -> str:
    """A town or county account certifying results over the village (else refused and
    logged): its comparison level."""
    _guard(actor, election, Action.CERTIFY_RESULTS)
    level = level_of(actor)
    if level is None:
        audit_denied(actor, Action.CERTIFY_RESULTS, obj=election)
        raise ValidationError(MSG_LEVEL)
    return level


def _text(value: str, field: str, empty: str) -> str:
    text = redact((value or "").strip())
    if not text:
        raise ValidationError(empty)
    if len(text) > TEXT_MAX:
        raise ValidationError(MSG_TOO_LONG.format(field=field, n=TEXT_MAX))
    return text


def _locked_result(election: Election) -> Result:
    """The election's Result row, locked: certification locks it too."""
    result, _ = Result.objects.get_or_create(election=election)
    return Result.objects.select_for_update().get(pk=result.pk)


def _official(poll: Poll, *, closed: bool) -> None:
    """The box's poll must be official, and counting or closed (with `closed`: closed)."""
    if poll.rehearsal:
        raise ValidationError(MSG_REHEARSAL)
    allowed = (PollStatus.CLOSED,) if closed else (PollStatus.COUNTING, PollStatus.CLOSED)
    if poll.status not in allowed:
        message = MSG_NOT_CLOSED if closed else MSG_NOT_COUNTED
        raise ValidationError(message.format(poll=poll.title, status=PollStatus(poll.status).label))


@dataclass(frozen=True)
class PaperState:
    """What the result's versions and corrections allow of the paper: `in_force` (a certified
    version), `town_certified` (a version the town or the county certified), and the polls with
    a correction open or awaiting approval."""

    in_force: bool
    town_certified: bool
    correcting: frozenset[int]

    def may_change(self, poll: Poll) -> bool:
        """Pages may be added: the result is not in force, or a correction of `poll` is open
        (a certified result's paper changes only inside a correction)."""
        return not self.in_force or poll.pk in self.correcting

    def may_remove(self) -> bool:
        return not self.town_certified


def paper_state(election: Election) -> PaperState:
    result = Result.objects.filter(election=election).first()
    if result is None:
        return PaperState(False, False, frozenset())
    statuses = set(result.versions.values_list("status", flat=True))
    correcting = result.corrections.filter(
        status__in=(CorrectionStatus.OPEN, CorrectionStatus.PROPOSED)
    ).values_list("poll_id", flat=True)
    return PaperState(
        in_force=VersionStatus.CERTIFIED in statuses,
        town_certified=bool(statuses & {VersionStatus.TOWN_CERTIFIED, VersionStatus.CERTIFIED}),
        correcting=frozenset(correcting),
    )


def _withdraw_checks(box: BallotBox) -> list[str]:
    """The box's comparisons, withdrawn: the paper they compared changed. Their levels."""
    checks = list(BoxCheck.objects.filter(box=box).order_by("level"))
    for check in checks:
        check.delete()
    return [c.level for c in checks]


def _box_repr(box: BallotBox, poll: Poll) -> str:
    return f"{poll.election} 第{poll.number}轮 票箱“{box.name}”"


# ---------------------------------------------------------------------------------------------
# The pages.


def scan_upload(
    *, actor: User, box: BallotBox, name: str, content: bytes | IO[bytes] | File
) -> TallySheetScan:
    """One page of a box's signed tally sheet (a box may have several), sealed on disk."""
    poll = Poll.objects.select_related("election__village__campaign").get(pk=box.poll_id)
    election = poll.election
    _guard(actor, election, Action.MANAGE_POLLS)
    _official(poll, closed=False)
    if content is None:
        raise ValidationError(MSG_NO_FILE)
    # Refused at once when the paper is locked (and again under the lock, below).
    if not paper_state(election).may_change(poll):
        raise ValidationError(MSG_IN_FORCE.format(number=poll.number))
    shown = shown_name(name)
    stored = store_scan_file(content, shown)
    try:
        with transaction.atomic():
            _locked_result(election)
            if not paper_state(election).may_change(poll):
                raise ValidationError(MSG_IN_FORCE.format(number=poll.number))
            scan = TallySheetScan.objects.create(
                box=box,
                name=shown,
                content_type=stored.content_type,
                size=stored.size,
                path=stored.path,
                sha256=stored.sha256,
                uploaded_by=actor,
            )
            withdrawn = _withdraw_checks(box)
            audit_record(
                actor=actor,
                action="result.scan_upload",
                obj=scan,
                object_repr=_box_repr(box, poll),
                changes={
                    "box": box.pk,
                    "name": shown,
                    "content_type": stored.content_type,
                    "size": stored.size,
                    "sha256": stored.sha256,
                    **({"checks_withdrawn": withdrawn} if withdrawn else {}),
                },
            )
    except BaseException:
        scan_file(stored.path).unlink(missing_ok=True)
        raise
    return scan


def scan_remove(*, actor: User, scan: TallySheetScan, reason: str) -> TallySheetScan:
    """Take a page down (a wrong photo, an unreadable one): marked, never deleted, and only
    until the town certifies the result."""
    box = BallotBox.objects.select_related("poll__election__village__campaign").get(pk=scan.box_id)
    poll = box.poll
    _guard(actor, poll.election, Action.MANAGE_POLLS)
    reason = _text(reason, "撤下原因", MSG_REASON)
    with transaction.atomic():
        _locked_result(poll.election)
        if not paper_state(poll.election).may_remove():
            raise ValidationError(MSG_REMOVE_CERTIFIED)
        locked = TallySheetScan.objects.select_for_update().get(pk=scan.pk)
        if locked.removed_at is not None:
            at = timezone.localtime(locked.removed_at).strftime("%Y-%m-%d %H:%M")
            raise ValidationError(MSG_ALREADY_REMOVED.format(name=locked.name, at=at))
        locked.removed_at = timezone.now()
        locked.removed_by = actor
        locked.removed_reason = reason
        locked.save(update_fields=["removed_at", "removed_by", "removed_reason"])
        withdrawn = _withdraw_checks(box)
        audit_record(
            actor=actor,
            action="result.scan_remove",
            obj=locked,
            object_repr=_box_repr(box, poll),
            changes={
                "box": box.pk,
                "name": locked.name,
                "sha256": locked.sha256,
                "reason": reason,
                **({"checks_withdrawn": withdrawn} if withdrawn else {}),
            },
        )
    scan.refresh_from_db()
    return scan


def scan_open(*, actor: User, scan: TallySheetScan) -> bytes:
    """A page's plaintext for the reader who may see the election (audited as a read of
    evidence); ScanUnreadable when its file is missing or damaged."""
    box = BallotBox.objects.select_related("poll__election__village").get(pk=scan.box_id)
    check_action(actor, box.poll.election, Action.VIEW_CAMPAIGNS)
    data = read_scan_file(scan)
    audit_record(
        actor=actor,
        action="result.scan_view",
        obj=scan,
        object_repr=_box_repr(box, box.poll),
        changes={"box": box.pk, "sha256": scan.sha256},
    )
    return data


# ---------------------------------------------------------------------------------------------
# The comparisons and the incidents.


def box_check(*, actor: User, box: BallotBox) -> tuple[BoxCheck, bool]:
    """The actor's level (town, then county) compared the box's signed sheet with the figures
    entered and found them the same: (the comparison, whether it was made now). Asked again
    at a level already done, the comparison already made is returned and nothing is written."""
    poll = Poll.objects.select_related("election__village__campaign").get(pk=box.poll_id)
    level = _certifier(actor, poll.election)
    with transaction.atomic():
        _locked_result(poll.election)
        _official(poll, closed=True)
        done = BoxCheck.objects.select_related("checked_by").filter(box=box, level=level).first()
        if done is not None:
            return done, False
        if not TallySheetScan.objects.filter(box=box, removed_at__isnull=True).exists():
            raise ValidationError(MSG_NO_SCAN.format(box=box.name))
        if (
            level == CheckLevel.COUNTY
            and not BoxCheck.objects.filter(box=box, level=CheckLevel.TOWN).exists()
        ):
            raise ValidationError(MSG_TOWN_FIRST.format(box=box.name))
        if BoxIncident.objects.filter(box=box, resolved_at__isnull=True).exists():
            raise ValidationError(MSG_OPEN_INCIDENT.format(box=box.name))
        try:
            with transaction.atomic():
                check = BoxCheck.objects.create(box=box, level=level, checked_by=actor)
        except IntegrityError:
            # Two at once where nothing locks rows (SQLite): the other one's comparison stands.
            return BoxCheck.objects.select_related("checked_by").get(box=box, level=level), False
        pages = list(
            TallySheetScan.objects.filter(box=box, removed_at__isnull=True)
            .order_by("id")
            .values_list("sha256", flat=True)
        )
        audit_record(
            actor=actor,
            action="result.box_check",
            obj=check,
            object_repr=_box_repr(box, poll),
            changes={"box": box.pk, "level": level, "pages": pages},
        )
    return check, True


def incident_raise(*, actor: User, box: BallotBox, note: str) -> BoxIncident:
    """Mark a box "with incidents" (有异常): the result is not certified until it is resolved
    (results.services.certify.box_problems)."""
    poll = Poll.objects.select_related("election__village__campaign").get(pk=box.poll_id)
    level = _certifier(actor, poll.election)
    note = _text(note, "异常情况", MSG_NOTE)
    with transaction.atomic():
        _locked_result(poll.election)
        _official(poll, closed=False)
        if not paper_state(poll.election).may_change(poll):
            raise ValidationError(MSG_IN_FORCE.format(number=poll.number))
        incident = BoxIncident.objects.create(box=box, note=note, raised_by=actor)
        audit_record(
            actor=actor,
            action="result.incident_raise",
            obj=incident,
            object_repr=_box_repr(box, poll),
            changes={"box": box.pk, "level": level, "note": note},
        )
    return incident


def incident_resolve(*, actor: User, incident: BoxIncident, resolution: str) -> BoxIncident:
    """Resolve an incident, with what was done. The county resolves any; the town those raised
    at the town level, not the county's (the county's doubt is the county's to lift). The
    person who raised it may resolve it: the fix is usually theirs (a clearer photo uploaded)."""
    box = BallotBox.objects.select_related("poll__election__village__campaign").get(
        pk=incident.box_id
    )
    poll = box.poll
    level = _certifier(actor, poll.election)
    resolution = _text(resolution, "处理结果", MSG_RESOLUTION)
    with transaction.atomic():
        _locked_result(poll.election)
        locked = BoxIncident.objects.select_for_update().get(pk=incident.pk)
        if locked.resolved_at is not None:
            by = locked.resolved_by
            at = timezone.localtime(locked.resolved_at).strftime("%Y-%m-%d %H:%M")
            name = (by.full_name or by.username) if by is not None else ""
            raise ValidationError(MSG_RESOLVED.format(at=at, name=name))
        if level == CheckLevel.TOWN and level_of(locked.raised_by) == CheckLevel.COUNTY:
            audit_denied(actor, Action.CERTIFY_RESULTS, obj=locked)
            raise ValidationError(MSG_COUNTY_INCIDENT)
        locked.resolution = resolution
        locked.resolved_by = actor
        locked.resolved_at = timezone.now()
        locked.save(update_fields=["resolution", "resolved_by", "resolved_at"])
        audit_record(
            actor=actor,
            action="result.incident_resolve",
            obj=locked,
            object_repr=_box_repr(box, poll),
            changes={
                "box": box.pk,
                "level": level,
                "note": locked.note,
                "resolution": resolution,
            },
        )
    incident.refresh_from_db()
    return incident
