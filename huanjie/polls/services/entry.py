"""The count entered twice, blind (计票结果报告单 and 唱票): a box's counting groups each get a
`CountSheet`; two different people enter it (`SheetEntry` 1 and 2), either as the sheet's
figures or ballot by ballot as read out; where the two differ only the differing fields go to
the coordinator, who keeps the first, keeps the second, or sends just those fields back.

    sheet_create(actor, poll, box, method, group=None)        ENTER_COUNT
    entry_start(actor, sheet) → entry 1 or 2                   ENTER_COUNT, a second person
    entry_save(actor, entry, figures)                          the entrant, the sheet's figures
    ballot_enter(actor, entry, seq, picks, invalid, reason)    the entrant, one ballot (hot path)
    ballot_correct(actor, entry, seq, ...) / ballot_undo       the entrant, a typo of the last few
    entry_finish(actor, entry)                                 the entrant; compares when both are
    sheet_decide(actor, sheet, decisions, rekey_by)            COORDINATE_COUNT, not an entrant

Blind: an entrant works on their own entry only (the pages find it by the signed-in user, never
by its id), and `sheet_differences` answers nothing until both entries are finished.

The figures and their comparison are `polls.figures` (pure), the ballot screen's keyboard syntax
`polls.keyboard` (pure); here the writes, the comparison of two stored entries and the
coordinator's decisions, and what the closing (`poll_figures`) and the hall's board
(`running_count`) read.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone

from huanjie.accounts.models import User
from huanjie.accounts.permissions import Action
from huanjie.audit.services import audit_record
from huanjie.elections.services import check_not_purged
from huanjie.polls.figures import (
    DESK_FIELDS,
    HEADER,
    MSG_FIGURES,
    MSG_NAME,
    MSG_NAME_TWICE,
    MSG_REQUIRED,
    MSG_UNKNOWN_FIELD,
    MSG_UNKNOWN_POST,
    Difference,
    add_figures,
    align,
    ballot_figures,
    clean_figures,
    compare_flat,
    count_of,
    digest,
    field_label,
    flatten,
    merge_ballots,
    name_of,
    unflatten,
)
from huanjie.polls.keyboard import INVALID_REASONS, Layout, PostLayout, Printed, reason_codes
from huanjie.polls.models import (
    BallotBox,
    BallotEntry,
    CountSheet,
    EntryMethod,
    Poll,
    PollCandidate,
    PollPost,
    PollStatus,
    SheetDecision,
    SheetEntry,
    SheetStatus,
)
from huanjie.polls.services.lifecycle import check_action

# ---------------------------------------------------------------------------------------------
# Messages (defined once: the tests assert the exact text).

MSG_NOT_COUNTING = "投票当前为“{status}”，只有计票中的投票才能录入计票结果"
MSG_BOX_OTHER_POLL = "该票箱不属于本次投票"
MSG_METHOD = "录入方式应为“计票结果报告单”或“逐张唱票录入”"
MSG_GROUP = "计票组应为1至99的整数"
MSG_GROUP_TAKEN = "{box}已有第{group}计票组的报告单"
MSG_SHEET_SETTLED = "该报告单已核对一致，不能再录入"
MSG_SECOND_SAME_USER = "第二次录入须由另一人完成（第一次录入由您完成）"
MSG_BOTH_TAKEN = "该报告单的两次录入已由他人开始"
MSG_NOT_YOUR_ENTRY = "只能录入本人的录入"
MSG_FINISHED = "本次录入已完成，不能再修改"
MSG_WRONG_METHOD_SHEET = "该报告单为逐张唱票录入，请逐张录入选票"
MSG_WRONG_METHOD_BALLOTS = "该报告单按计票结果报告单录入，不能逐张录入选票"
MSG_REKEY_ONLY = "只需重新录入退回的项目：{fields}"
MSG_NOT_REKEY = "第{seq}张不在退回重录的选票中"
MSG_SEQ = "选票序号应为1至100000的整数"
MSG_SEQ_TAKEN = "第{seq}张已录入；如需更正请输入“#{seq} 内容”"
MSG_SEQ_MISSING = "第{seq}张选票不存在"
MSG_TOO_OLD = "只能更正最近{n}张选票（第{seq}张已不能更正，请在两次录入核对时处理）"
MSG_NOTHING_TO_UNDO = "还没有录入选票"
MSG_GAP = "选票序号不连续：缺少第{seq}张"
MSG_NOT_SAVED = "尚未保存报告单的数字，不能完成录入"
MSG_REASON = "无效原因应为：{codes}"
MSG_INVALID_WITH_NAMES = "无效票不应再列出姓名"
MSG_NOT_DIFFERENT = "该报告单当前没有待处理的差异"
MSG_DECIDER_ENTERED = "您参与了该报告单的录入，差异须由未参与录入的人员处理"
MSG_NO_SUCH_DIFFERENCE = "没有差异项“{field}”"
MSG_CHOICE = "处理方式应为采用第一次、采用第二次或退回重录"
MSG_REKEY_UNPAIRED = "“{label}”只有一次录入，不能退回重录：请核对选票后采用其一"
MSG_REKEY_BY = "退回对象应为两次录入、第一次录入或第二次录入"
MSG_NO_DECISIONS = "请至少处理一个差异项"

# A counter may retype one of the last ballots before finishing; an older typo is left to the
# comparison of the two entries, which catches it anyway.
CORRECTABLE: Final = 20
MAX_SEQ: Final = 100_000
CHOICES: Final = ("first", "second", "rekey")
REKEY_BY: Final = ("both", "first", "second")


# ---------------------------------------------------------------------------------------------
# The ballot's layout: posts in the printed order and their numbered candidates. Fixed from the
# moment voting opens, so it is kept per process for the counting polls (the ballot screen asks
# for it on every ballot).

_LAYOUTS: OrderedDict[tuple[int, str], Layout] = OrderedDict()


def layout_of(poll: Poll) -> Layout:
    """The poll's ballot layout (2 queries; none for a counting poll seen before)."""
    key = (poll.pk, poll.created_at.isoformat() if poll.created_at else "")
    fixed = poll.status in (PollStatus.COUNTING, PollStatus.CLOSED)
    if fixed and key in _LAYOUTS:
        _LAYOUTS.move_to_end(key)
        return _LAYOUTS[key]
    posts = list(PollPost.objects.filter(poll_id=poll.pk).order_by("position", "id"))
    candidates: dict[int, list[Printed]] = {p.pk: [] for p in posts}
    rows = PollCandidate.objects.filter(poll_post__poll_id=poll.pk).order_by("position")
    for c in rows.values("poll_post_id", "position", "name", "initials"):
        candidates[c["poll_post_id"]].append(
            Printed(c["position"], c["name"], (c["initials"] or "").lower())
        )
    layout = Layout(
        tuple(
            PostLayout(p.post, p.get_post_display(), p.seats, tuple(candidates[p.pk]))
            for p in posts
        )
    )
    if fixed:
        _LAYOUTS[key] = layout
        while len(_LAYOUTS) > 256:
            _LAYOUTS.popitem(last=False)
    return layout


# ---------------------------------------------------------------------------------------------
# Checks shared by the services.


def _check_counting(poll: Poll) -> None:
    if poll.status != PollStatus.COUNTING:
        raise ValidationError(MSG_NOT_COUNTING.format(status=PollStatus(poll.status).label))


def _guard(actor: User, poll: Poll, action: Action) -> None:
    check_action(actor, poll, action)
    check_not_purged(poll.election.village.campaign)
    _check_counting(poll)


def _guard_entrant(actor: User, entry: SheetEntry, *, method: str) -> CountSheet:
    """The checks of a service acting on `entry`: the actor's right, the poll counting, the
    entry the actor's own and open, the sheet entered that way."""
    sheet = entry.sheet
    _guard(actor, sheet.poll, Action.ENTER_COUNT)
    if entry.user_id != actor.pk:
        raise ValidationError(MSG_NOT_YOUR_ENTRY)
    if entry.finished_at is not None:
        raise ValidationError(MSG_FINISHED)
    if sheet.status == SheetStatus.AGREED:
        raise ValidationError(MSG_SHEET_SETTLED)
    if sheet.method != method:
        raise ValidationError(
            MSG_WRONG_METHOD_SHEET if method == EntryMethod.SHEET else MSG_WRONG_METHOD_BALLOTS
        )
    return sheet


# ---------------------------------------------------------------------------------------------
# Sheets and entries.


def sheet_create(
    *, actor: User, poll: Poll, box: BallotBox, method: str, group: int | None = None
) -> CountSheet:
    """A counting group's sheet (计票结果报告单) of `box`, entered as `method` ("sheet": the
    sheet's figures; "ballots": ballot by ballot as read out). A box counted by several groups
    has one sheet each; `poll_figures` adds them up. `group` defaults to the box's next."""
    _guard(actor, poll, Action.ENTER_COUNT)
    if box.poll_id != poll.pk:
        raise ValidationError({"box": MSG_BOX_OTHER_POLL})
    if method not in EntryMethod.values:
        raise ValidationError({"method": MSG_METHOD})
    if group is not None and (isinstance(group, bool) or not isinstance(group, int)):
        raise ValidationError({"group": MSG_GROUP})
    with transaction.atomic():
        taken = set(CountSheet.objects.filter(box=box).values_list("group", flat=True))
        if group is None:
            group = max(taken, default=0) + 1
        if not 1 <= group <= 99:
            raise ValidationError({"group": MSG_GROUP})
        if group in taken:
            raise ValidationError({"group": MSG_GROUP_TAKEN.format(box=box.name, group=group)})
        sheet = CountSheet.objects.create(
            poll=poll,
            box=box,
            group=group,
            method=method,
            status=SheetStatus.ENTERING,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="poll.sheet_create",
            obj=sheet,
            changes={"poll": poll.pk, "box": box.name, "group": group, "method": method},
        )
    return sheet


def entry_start(*, actor: User, sheet: CountSheet) -> SheetEntry:
    """The actor's entry of `sheet`: the first, or the second by somebody else than the first.
    The count is public and a falsified count voids who it elects (村民委员会组织法(2025) 第十八条
    "公开计票", 第二十一条 "虚报选举票数…当选无效"), so every figure is typed twice, blind, by two
    people. An entry the actor already started and has not finished is returned as it is."""
    _guard(actor, sheet.poll, Action.ENTER_COUNT)
    with transaction.atomic():
        locked = CountSheet.objects.select_for_update().get(pk=sheet.pk)
        if locked.status == SheetStatus.AGREED:
            raise ValidationError(MSG_SHEET_SETTLED)
        entries = {e.number: e for e in SheetEntry.objects.filter(sheet=locked)}
        mine = [e for e in entries.values() if e.user_id == actor.pk]
        if mine and mine[0].finished_at is None:
            return mine[0]
        if mine:
            raise ValidationError(MSG_SECOND_SAME_USER)
        if len(entries) >= 2:
            raise ValidationError(MSG_BOTH_TAKEN)
        number = 2 if 1 in entries else 1
        entry = SheetEntry.objects.create(sheet=locked, number=number, user=actor)
        audit_record(
            actor=actor,
            action="poll.sheet_entry_start",
            obj=locked,
            changes={"entry": number},
        )
    entry.sheet = sheet
    return entry


def entry_save(*, actor: User, entry: SheetEntry, figures: Mapping[str, Any]) -> SheetEntry:
    """The entrant's figures of a sheet entered as the sheet (the design's figures without
    `ballots`; every printed candidate of every post, write-ins by name). For a sheet read
    ballot by ballot: the desk's counts only ({"spoiled": n, "replaced": n}). When fields were
    sent back (`entry.rekey`), exactly those fields, nothing else."""
    sheet = entry.sheet
    method = sheet.method
    _guard_entrant(actor, entry, method=method)
    layout = layout_of(sheet.poll)
    if not isinstance(figures, Mapping):
        raise ValidationError(MSG_FIGURES)
    if entry.rekey and method == EntryMethod.SHEET:
        retyped = _rekey_values(entry, figures)
        new = clean_figures(unflatten({**flatten(entry.figures), **retyped}), layout)
    elif entry.rekey:
        new = {**entry.figures, **_rekey_values(entry, figures)}
    elif method == EntryMethod.SHEET:
        new = clean_figures(figures, layout)
    else:
        new = {**entry.figures, **_desk_counts(figures)}
    with transaction.atomic():
        entry.figures = new
        entry.save(update_fields=["figures"])
        audit_record(
            actor=actor,
            action="poll.sheet_entry_save",
            obj=sheet,
            changes={"entry": entry.number, "rekey": list(entry.rekey), "digest": digest(new)},
        )
    return entry


def _desk_counts(figures: Mapping[str, Any]) -> dict[str, int]:
    errors: dict[str, str] = {}
    for key in figures:
        if key not in DESK_FIELDS:
            errors[str(key)] = MSG_UNKNOWN_FIELD
    out = {key: count_of(figures.get(key, 0), key, errors) for key in DESK_FIELDS}
    if errors:
        raise ValidationError(errors)
    return out


def _rekey_values(entry: SheetEntry, figures: Mapping[str, Any]) -> dict[str, Any]:
    """The retyped values of the fields sent back (ballots aside: they are retyped one by
    one), flat; any other field is refused."""
    flat = flatten(dict(figures))
    wanted = {key for key in entry.rekey if not key.startswith("ballot.")}
    errors: dict[str, str] = {}
    for key in flat:
        if key not in wanted:
            errors[key] = MSG_REKEY_ONLY.format(fields=_rekey_words(entry))
    for key in wanted:
        if key not in flat:
            errors[key] = MSG_REQUIRED
        else:
            flat[key] = count_of(flat[key], key, errors)
    if errors:
        raise ValidationError(errors)
    return flat


# ---------------------------------------------------------------------------------------------
# Ballot by ballot (唱票): the hot path.


def _clean_ballot(
    layout: Layout, picks: Mapping[str, Any], invalid: bool, reason: str
) -> tuple[dict[str, list[str]], str]:
    """A ballot's picks in their one shape (posts of the poll, names trimmed, printed ones in
    their order, no name twice), and its reason's label. More names than seats are kept as
    read: the province's rule decides whether the ballot or only that post is void
    (huanjie.rules profiles `overvote`)."""
    if not isinstance(picks, Mapping):
        raise ValidationError({"picks": MSG_FIGURES})
    if invalid:
        if any(picks.values()):
            raise ValidationError({"picks": MSG_INVALID_WITH_NAMES})
        if reason not in INVALID_REASONS.values():
            raise ValidationError({"reason": MSG_REASON.format(codes=reason_codes())})
        return {}, reason
    clean: dict[str, list[str]] = {}
    for code, names in picks.items():
        post = layout.post(str(code))
        if post is None:
            raise ValidationError({"picks": MSG_UNKNOWN_POST.format(post=code)})
        if not isinstance(names, list | tuple):
            raise ValidationError({f"picks.{code}": MSG_FIGURES})
        seen: list[str] = []
        for raw in names:
            name = name_of(raw)
            if name is None:
                raise ValidationError({f"picks.{code}": MSG_NAME})
            if name in seen:
                raise ValidationError({f"picks.{code}": MSG_NAME_TWICE.format(name=name)})
            seen.append(name)
        if seen:
            clean[post.post] = sorted(seen, key=post.order)
    return {p: clean[p] for p in layout.codes if p in clean}, ""


def _check_seq(seq: Any) -> int:
    if isinstance(seq, bool) or not isinstance(seq, int) or not 1 <= seq <= MAX_SEQ:
        raise ValidationError({"seq": MSG_SEQ})
    return seq


def ballot_enter(
    *,
    actor: User,
    entry: SheetEntry,
    seq: int,
    picks: Mapping[str, Any],
    invalid: bool = False,
    reason: str = "",
) -> BallotEntry:
    """Ballot `seq` of the reading as the actor typed it (`parse_ballot` gives picks, invalid
    and reason from the typed line). The hot path: the checks read only what the caller loaded
    with the entry (sheet, poll, election, village, campaign) and the cached layout; then one
    INSERT. Totals are computed when the entry is finished, never per ballot.

    No audit event per ballot: the row is the record (whose entry, when) and the audit chain's
    lock would make fifty desks wait on one another. The chain holds the entry's start, every
    ballot retyped or taken back, and at the finish the SHA-256 of the entry's ballots in order
    (`ballots_digest`), so a row changed behind the services' back is found."""
    sheet = _guard_entrant(actor, entry, method=EntryMethod.BALLOTS)
    if entry.rekey:
        raise ValidationError(MSG_REKEY_ONLY.format(fields=_rekey_words(entry)))
    seq = _check_seq(seq)
    clean, reason = _clean_ballot(layout_of(sheet.poll), picks, invalid, reason)
    try:
        with transaction.atomic():
            row = BallotEntry.objects.create(
                entry=entry, seq=seq, picks=clean, invalid=invalid, reason=reason
            )
    except IntegrityError as exc:
        raise ValidationError({"seq": MSG_SEQ_TAKEN.format(seq=seq)}) from exc
    return row


def ballots_digest(ballots: list[tuple[int, dict[str, Any]]]) -> str:
    """SHA-256 of an entry's ballots in reading order (`entry_ballots`)."""
    return digest({"ballots": [[seq, content] for seq, content in ballots]})


def _rekey_words(entry: SheetEntry) -> str:
    return "、".join(_rekey_label(k) for k in entry.rekey)


def _rekey_label(key: str) -> str:
    if key.startswith("ballot."):
        return f"第{key.split('.', 1)[1]}张选票"
    return HEADER.get(key, key)


def ballot_correct(
    *,
    actor: User,
    entry: SheetEntry,
    seq: int,
    picks: Mapping[str, Any],
    invalid: bool = False,
    reason: str = "",
) -> BallotEntry:
    """Retype ballot `seq`: one of the last CORRECTABLE ballots of an open entry, or, when the
    coordinator sent ballots back, exactly those. The row is replaced (a new row, so a board
    that counts rows sees the change)."""
    sheet = _guard_entrant(actor, entry, method=EntryMethod.BALLOTS)
    seq = _check_seq(seq)
    clean, reason = _clean_ballot(layout_of(sheet.poll), picks, invalid, reason)
    with transaction.atomic():
        old = BallotEntry.objects.select_for_update().filter(entry=entry, seq=seq).first()
        if old is None:
            raise ValidationError({"seq": MSG_SEQ_MISSING.format(seq=seq)})
        if entry.rekey:
            if f"ballot.{seq}" not in entry.rekey:
                raise ValidationError({"seq": MSG_NOT_REKEY.format(seq=seq)})
        else:
            last = BallotEntry.objects.filter(entry=entry).aggregate(m=Max("seq"))["m"] or 0
            if seq <= last - CORRECTABLE:
                raise ValidationError({"seq": MSG_TOO_OLD.format(n=CORRECTABLE, seq=seq)})
        before = _content(old)
        old.delete()
        row = BallotEntry.objects.create(
            entry=entry, seq=seq, picks=clean, invalid=invalid, reason=reason
        )
        audit_record(
            actor=actor,
            action="poll.ballot_correct",
            object_type="polls.countsheet",
            object_id=str(sheet.pk),
            object_repr=str(sheet),
            changes={"entry": entry.number, "seq": seq, "old": before, "new": _content(row)},
        )
    return row


def ballot_undo(*, actor: User, entry: SheetEntry) -> dict[str, Any]:
    """Take back the last ballot typed (an Enter pressed twice): its seq and content."""
    sheet = _guard_entrant(actor, entry, method=EntryMethod.BALLOTS)
    if entry.rekey:
        raise ValidationError(MSG_REKEY_ONLY.format(fields=_rekey_words(entry)))
    with transaction.atomic():
        last = BallotEntry.objects.select_for_update().filter(entry=entry).order_by("-seq")
        row = last.first()
        if row is None:
            raise ValidationError(MSG_NOTHING_TO_UNDO)
        gone = {"seq": row.seq, "ballot": _content(row)}
        row.delete()
        audit_record(
            actor=actor,
            action="poll.ballot_undo",
            object_type="polls.countsheet",
            object_id=str(sheet.pk),
            object_repr=str(sheet),
            changes={"entry": entry.number, **gone},
        )
    return gone


def _content(row: BallotEntry) -> dict[str, Any]:
    """What a ballot says, compared between the two entries."""
    if row.invalid:
        return {"invalid": True, "reason": row.reason}
    return {"picks": row.picks}


def entry_ballots(entry: SheetEntry) -> list[tuple[int, dict[str, Any]]]:
    """(seq, content) of the entry's ballots in reading order."""
    rows = BallotEntry.objects.filter(entry=entry).order_by("seq")
    return [
        (seq, {"invalid": True, "reason": reason} if invalid else {"picks": picks})
        for seq, picks, invalid, reason in rows.values_list("seq", "picks", "invalid", "reason")
    ]


# ---------------------------------------------------------------------------------------------
# Finishing, comparing, deciding.


def entry_finish(*, actor: User, entry: SheetEntry) -> SheetEntry:
    """The entrant is done. Ballot by ballot, the figures are computed now from the ballots
    (numbered 1..n without a gap). When the other entry is finished too, the two are compared:
    equal, the sheet is agreed with those figures; else it waits for the coordinator, who sees
    only the differing fields."""
    sheet = _guard_entrant(actor, entry, method=entry.sheet.method)
    layout = layout_of(sheet.poll)
    pinned: dict[str, Any] = {}
    with transaction.atomic():
        locked = CountSheet.objects.select_for_update().get(pk=sheet.pk)
        if sheet.method == EntryMethod.BALLOTS:
            ballots = entry_ballots(entry)
            pinned = {"ballots": len(ballots), "ballots_digest": ballots_digest(ballots)}
            for i, (seq, _) in enumerate(ballots, 1):
                if seq != i:
                    raise ValidationError(MSG_GAP.format(seq=i))
            desk = {k: int(entry.figures.get(k, 0)) for k in DESK_FIELDS}
            entry.figures = ballot_figures(
                (
                    (c.get("picks", {}), bool(c.get("invalid")), c.get("reason", ""))
                    for _, c in ballots
                ),
                layout,
                desk,
            )
        elif not entry.figures or "returned" not in entry.figures:
            raise ValidationError(MSG_NOT_SAVED)
        rekeyed = list(entry.rekey)
        entry.finished_at = timezone.now()
        entry.rekey = []
        entry.save(update_fields=["figures", "finished_at", "rekey"])
        status, open_ = _settle(locked, layout)
        audit_record(
            actor=actor,
            action="poll.sheet_entry_finish",
            obj=locked,
            changes={
                "entry": entry.number,
                "rekeyed": rekeyed,
                "digest": digest(entry.figures),
                **pinned,
                "status": status,
                "differences": open_,
            },
        )
    sheet.status = locked.status
    sheet.agreed = locked.agreed
    entry.sheet = sheet
    return entry


def _field_of_ballot(seq1: int | None, seq2: int | None) -> str:
    return f"ballot.{seq1}" if seq1 is not None else f"ballot.second.{seq2}"


@dataclass
class _Comparison:
    """Both finished entries side by side: the decidable differences, the derived ones, and
    how to build the merged figures from a choice per field."""

    method: str
    first: SheetEntry
    second: SheetEntry
    differences: list[Difference]
    derived: list[Difference]
    pairs: list[tuple[int | None, Any, int | None, Any]] = field(default_factory=list)


def _compare(sheet: CountSheet, layout: Layout) -> _Comparison | None:
    entries = {e.number: e for e in SheetEntry.objects.filter(sheet=sheet)}
    e1, e2 = entries.get(1), entries.get(2)
    if not e1 or not e2 or e1.finished_at is None or e2.finished_at is None:
        return None
    if sheet.method == EntryMethod.SHEET:
        diffs = compare_flat(flatten(e1.figures), flatten(e2.figures), layout, False)
        return _Comparison(sheet.method, e1, e2, diffs, [])
    pairs = align(entry_ballots(e1), entry_ballots(e2))
    diffs = []
    for s1, c1, s2, c2 in pairs:
        if c1 != c2:
            key = _field_of_ballot(s1, s2)
            diffs.append(Difference(key, field_label(key, layout), c1, c2, False, (s1, s2)))
    desk1 = {k: e1.figures.get(k, 0) for k in DESK_FIELDS}
    desk2 = {k: e2.figures.get(k, 0) for k in DESK_FIELDS}
    diffs += compare_flat(desk1, desk2, layout, False)
    totals = {k: v for k, v in flatten(e1.figures).items() if k not in DESK_FIELDS}
    totals2 = {k: v for k, v in flatten(e2.figures).items() if k not in DESK_FIELDS}
    return _Comparison(
        sheet.method, e1, e2, diffs, compare_flat(totals, totals2, layout, True), pairs
    )


def _latest_decisions(sheet: CountSheet) -> dict[str, SheetDecision]:
    return {d.field: d for d in SheetDecision.objects.filter(sheet=sheet).order_by("id")}


def _settled(diff: Difference, decision: SheetDecision | None) -> str | None:
    """The choice that still settles `diff`: a keep-first or keep-second made on exactly these
    two values (a value retyped since is a new difference)."""
    if decision is None or decision.choice not in ("first", "second"):
        return None
    if decision.first != diff.first or decision.second != diff.second:
        return None
    return decision.choice


def _merged(comparison: _Comparison, choices: Mapping[str, str], layout: Layout) -> dict:
    e1, e2 = comparison.first, comparison.second
    if comparison.method == EntryMethod.SHEET:
        flat = flatten(e1.figures)
        second = flatten(e2.figures)
        for key, choice in choices.items():
            if choice == "second":
                flat[key] = second.get(key, 0)
        return clean_figures(unflatten(flat), layout)
    kept: list[tuple[dict[str, Any], bool, str]] = []
    for s1, c1, s2, c2 in comparison.pairs:
        content = c1
        if c1 != c2 and choices.get(_field_of_ballot(s1, s2)) == "second":
            content = c2
        if content is not None:
            kept.append(
                (content.get("picks", {}), bool(content.get("invalid")), content.get("reason", ""))
            )
    desk = {k: e1.figures.get(k, 0) for k in DESK_FIELDS}
    for key in DESK_FIELDS:
        if choices.get(key) == "second":
            desk[key] = e2.figures.get(key, 0)
    return ballot_figures(kept, layout, desk)


def _settle(sheet: CountSheet, layout: Layout) -> tuple[str, int]:
    """Compare the finished entries of the locked `sheet` and set its status: agreed with the
    merged figures when no difference is left open, different when one is, entering while an
    entry is open. (status, open differences)."""
    comparison = _compare(sheet, layout)
    if comparison is None:
        status, open_, agreed = SheetStatus.ENTERING, 0, None
    else:
        decisions = _latest_decisions(sheet)
        choices: dict[str, str] = {}
        left = 0
        for diff in comparison.differences:
            choice = _settled(diff, decisions.get(diff.field))
            if choice is None:
                left += 1
            else:
                choices[diff.field] = choice
        status, open_ = (SheetStatus.DIFFERENT, left) if left else (SheetStatus.AGREED, 0)
        agreed = _merged(comparison, choices, layout) if not left else None
    sheet.status = status
    sheet.agreed = agreed
    sheet.save(update_fields=["status", "agreed"])
    return status, open_


def sheet_differences(sheet: CountSheet) -> tuple[list[Difference], list[Difference]]:
    """The differences still open on `sheet` (decidable ones, and the totals that follow from
    them), empty until both entries are finished: nobody sees one entry against the other
    before (blind entry)."""
    if sheet.status != SheetStatus.DIFFERENT:
        return [], []
    layout = layout_of(sheet.poll)
    comparison = _compare(sheet, layout)
    if comparison is None:
        return [], []
    decisions = _latest_decisions(sheet)
    open_ = [d for d in comparison.differences if _settled(d, decisions.get(d.field)) is None]
    return open_, comparison.derived


def sheet_decide(
    *,
    actor: User,
    sheet: CountSheet,
    decisions: Mapping[str, str],
    rekey_by: str = "both",
) -> CountSheet:
    """The coordinator's choice per differing field: "first" or "second" keeps that entry's
    value, "rekey" sends the field back to be keyed again (to both entrants, or to the one
    `rekey_by` names), who then see and type only those fields. With no difference left open
    the sheet is agreed on the merged figures. The coordinator took no part in its entry."""
    _guard(actor, sheet.poll, Action.COORDINATE_COUNT)
    if rekey_by not in REKEY_BY:
        raise ValidationError({"rekey_by": MSG_REKEY_BY})
    if not isinstance(decisions, Mapping) or not decisions:
        raise ValidationError({"decisions": MSG_NO_DECISIONS})
    layout = layout_of(sheet.poll)
    with transaction.atomic():
        locked = CountSheet.objects.select_for_update().get(pk=sheet.pk)
        entries = list(SheetEntry.objects.filter(sheet=locked))
        if any(e.user_id == actor.pk for e in entries):
            raise ValidationError(MSG_DECIDER_ENTERED)
        if locked.status != SheetStatus.DIFFERENT:
            raise ValidationError(MSG_NOT_DIFFERENT)
        locked.poll = sheet.poll
        open_, _ = sheet_differences(locked)
        by_field = {d.field: d for d in open_}
        _check_decisions(decisions, by_field)
        SheetDecision.objects.bulk_create(
            SheetDecision(
                sheet=locked,
                field=key,
                first=by_field[key].first,
                second=by_field[key].second,
                choice=choice,
                by=actor,
            )
            for key, choice in decisions.items()
        )
        rekey = [by_field[k] for k, c in decisions.items() if c == "rekey"]
        status: str
        if rekey:
            _send_back(entries, rekey, rekey_by)
            locked.status = SheetStatus.ENTERING
            locked.save(update_fields=["status"])
            status = SheetStatus.ENTERING
        else:
            status, _ = _settle(locked, layout)
        audit_record(
            actor=actor,
            action="poll.sheet_decide",
            obj=locked,
            changes={"decisions": dict(decisions), "rekey_by": rekey_by, "status": status},
        )
    sheet.status, sheet.agreed = locked.status, locked.agreed
    return sheet


def _check_decisions(decisions: Mapping[str, str], by_field: dict[str, Difference]) -> None:
    errors: dict[str, str] = {}
    for key, choice in decisions.items():
        diff = by_field.get(key)
        if diff is None:
            errors[key] = MSG_NO_SUCH_DIFFERENCE.format(field=key)
        elif choice not in CHOICES:
            errors[key] = MSG_CHOICE
        elif choice == "rekey" and key.startswith("ballot.") and not diff.paired:
            errors[key] = MSG_REKEY_UNPAIRED.format(label=diff.label)
    if errors:
        raise ValidationError(errors)


def _send_back(entries: list[SheetEntry], rekey: list[Difference], rekey_by: str) -> None:
    for entry in entries:
        if rekey_by != "both" and entry.number != (1 if rekey_by == "first" else 2):
            continue
        keys = []
        for diff in rekey:
            if diff.field.startswith("ballot."):
                seq = diff.seqs[entry.number - 1]
                keys.append(f"ballot.{seq}")
            else:
                keys.append(diff.field)
        entry.rekey = keys
        entry.finished_at = None
        entry.save(update_fields=["rekey", "finished_at"])


# ---------------------------------------------------------------------------------------------
# What the closing and the hall's board read.


def poll_figures(poll: Poll) -> dict[int, dict[str, Any] | None]:
    """The agreed figures of each box of `poll`, its sheets (counting groups) added up; None for
    a box with no sheet or a sheet not agreed yet. `ballots` is there only where every sheet of
    the box was read ballot by ballot."""
    boxes = list(BallotBox.objects.filter(poll=poll).values_list("id", flat=True))
    sheets = CountSheet.objects.filter(poll=poll).order_by("box_id", "group")
    by_box: dict[int, list[CountSheet]] = {}
    for sheet in sheets:
        by_box.setdefault(sheet.box_id, []).append(sheet)
    out: dict[int, dict[str, Any] | None] = {}
    for box in boxes:
        group = by_box.get(box, [])
        if not group or any(s.status != SheetStatus.AGREED or s.agreed is None for s in group):
            out[box] = None
            continue
        total: dict[str, Any] = {}
        for sheet in group:
            add_figures(total, sheet.agreed or {})
        if all(s.method == EntryMethod.BALLOTS for s in group):
            total["ballots"] = merge_ballots([(s.agreed or {}).get("ballots", []) for s in group])
        out[box] = total
    return out


# The board asks every second: the tally of an entry's ballots so far is kept per process and
# brought up to date from the rows added since (a retyped or withdrawn ballot: counted again).


@dataclass
class _Tally:
    count: int = 0
    last_id: int = 0
    returned: int = 0
    votes: Counter[tuple[str, str]] = field(default_factory=Counter)


_TALLIES: OrderedDict[tuple[int, str], _Tally] = OrderedDict()


def _tally_rows(tally: _Tally, rows: Iterable[tuple[int, dict[str, Any], bool]]) -> None:
    for pk, picks, invalid in rows:
        tally.count += 1
        tally.returned += 1
        tally.last_id = max(tally.last_id, pk)
        if not invalid:
            for post, names in (picks or {}).items():
                for name in names:
                    tally.votes[(post, name)] += 1


def _entry_tallies(entries: list[tuple[int, datetime]]) -> dict[int, _Tally]:
    """The running tally of each entry's ballots: one grouped query, and rows only for the
    entries that changed."""
    if not entries:
        return {}
    ids = [pk for pk, _ in entries]
    stats = {
        row["entry_id"]: (row["n"], row["last"])
        for row in BallotEntry.objects.filter(entry_id__in=ids)
        .values("entry_id")
        .annotate(n=Count("id"), last=Max("id"))
    }
    out: dict[int, _Tally] = {}
    for pk, started in entries:
        key = (pk, started.isoformat())
        n, last = stats.get(pk, (0, 0))
        tally = _TALLIES.get(key)
        if tally is None or (tally.count, tally.last_id) != (n, last):
            rows = BallotEntry.objects.filter(entry_id=pk)
            if tally is not None and last > tally.last_id:
                newer = list(
                    rows.filter(id__gt=tally.last_id).values_list("id", "picks", "invalid")
                )
                if tally.count + len(newer) == n:
                    _tally_rows(tally, newer)
                else:
                    tally = None
            else:
                tally = None
            if tally is None:
                tally = _Tally()
                _tally_rows(tally, rows.values_list("id", "picks", "invalid"))
            _TALLIES[key] = tally
        _TALLIES.move_to_end(key)
        out[pk] = tally
    while len(_TALLIES) > 2048:
        _TALLIES.popitem(last=False)
    return out


def running_count(poll: Poll) -> dict[str, Any]:
    """The count so far for the hall's board: the agreed sheets, and for the others the first
    entry's figures so far (ballot by ballot: its ballots so far). A few queries whatever the
    number of ballots:

        {"posts": [{"post", "label", "seats", "candidates": [{"name", "votes"}],
                    "write_ins": [{"name", "votes"}]}],
         "ballots_counted": n, "updated": iso}
    """
    layout = layout_of(poll)
    sheets = list(CountSheet.objects.filter(poll=poll).values("id", "status", "method", "agreed"))
    pending = [s["id"] for s in sheets if s["status"] != SheetStatus.AGREED]
    firsts = (
        list(
            SheetEntry.objects.filter(sheet_id__in=pending, number=1).values(
                "id", "sheet_id", "figures", "started_at"
            )
        )
        if pending
        else []
    )
    method = {s["id"]: s["method"] for s in sheets}
    votes: Counter[tuple[str, str]] = Counter()
    returned = 0
    for s in sheets:
        if s["status"] == SheetStatus.AGREED and s["agreed"]:
            returned += int(s["agreed"].get("returned", 0))
            _add_votes(votes, s["agreed"])
    by_ballots = [
        (e["id"], e["started_at"]) for e in firsts if method[e["sheet_id"]] == EntryMethod.BALLOTS
    ]
    tallies = _entry_tallies(by_ballots)
    for e in firsts:
        if method[e["sheet_id"]] == EntryMethod.BALLOTS:
            tally = tallies[e["id"]]
            returned += tally.returned
            votes.update(tally.votes)
        elif e["figures"]:
            returned += int(e["figures"].get("returned", 0))
            _add_votes(votes, e["figures"])
    posts = []
    for post in layout.posts:
        printed = [c.name for c in post.candidates]
        extra = sorted(
            (
                (name, n)
                for (p, name), n in votes.items()
                if p == post.post and name not in printed and n
            ),
            key=lambda item: (-item[1], item[0]),
        )
        posts.append(
            {
                "post": post.post,
                "label": post.label,
                "seats": post.seats,
                "candidates": [{"name": n, "votes": votes.get((post.post, n), 0)} for n in printed],
                "write_ins": [{"name": n, "votes": v} for n, v in extra],
            }
        )
    return {
        "posts": posts,
        "ballots_counted": returned,
        "updated": timezone.now().isoformat(timespec="seconds"),
    }


def _add_votes(votes: Counter[tuple[str, str]], figures: Mapping[str, Any]) -> None:
    for post, by_name in (figures.get("votes") or {}).items():
        for name, n in by_name.items():
            votes[(post, name)] += int(n)
