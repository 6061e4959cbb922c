"""The one way to write the audit log, and the check of its hash chain.

Every write service calls `audit_record` inside its own transaction, so the event and the change
it describes are saved together or not at all (SECURITY.md L7). Each row carries the hash of the
previous row; `audit_verify` names the first row where the chain breaks (SECURITY.md L5).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from huanjie.audit.middleware import current_request_context
from huanjie.audit.models import AuditEvent, Outcome

GENESIS_HASH = "0" * 64
# Any constant fits; it names the PostgreSQL advisory lock that serialises the chain's tail.
_CHAIN_LOCK_KEY = 0x68756A61


def _escape(value: str) -> str:
    # SECURITY.md L8: no raw CR/LF or control characters, so nobody forges a line in an export.
    return "".join(ch if ch >= " " or ch == "\t" else f"\\x{ord(ch):02x}" for ch in value)


def canonical(event: AuditEvent) -> bytes:
    """The bytes hashed for one row: every field but the hashes, in a fixed order."""
    at = event.at.astimezone(timezone.get_fixed_timezone(480)).isoformat(timespec="microseconds")
    data = [
        event.pk,
        at,
        event.user_id,
        event.username,
        event.role,
        event.scope,
        event.ip,
        event.request_id,
        event.action,
        event.object_type,
        event.object_id,
        event.object_repr,
        event.changes,
        event.outcome,
        event.message,
    ]
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def row_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256(prev_hash.encode() + b"|" + canonical(event)).hexdigest()


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite runs IMMEDIATE transactions (settings): one writer at a time already.


def audit_record(
    *,
    actor: Any | None,
    action: str,
    obj: Any | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    outcome: str = Outcome.SUCCESS,
    message: str = "",
    username: str = "",
    at: datetime | None = None,
) -> AuditEvent:
    """Append one event. `actor` is the user (or None for the system or an unknown login).

    Personal data never goes in `changes` unmasked (SECURITY.md L3): callers pass masked values.
    """
    from huanjie.accounts.permissions import roles_of

    if getattr(_pending, "events", None) and not _in_real_transaction():
        flush_denied()  # refusals kept from a transaction that rolled back go first
    ctx = current_request_context()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    user_id = None
    role = ""
    scope = ""
    if actor is not None and getattr(actor, "pk", None):
        user_id = actor.pk
        username = username or actor.username
        role = ",".join(sorted(roles_of(actor)))
        scope = actor.region_id or ""
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-id").values_list("id", "row_hash").first()
        prev = last[1] if last else GENESIS_HASH
        event = AuditEvent(
            id=(last[0] + 1) if last else 1,
            at=at or timezone.now(),
            user_id=user_id,
            username=_escape(username)[:150],
            role=role,
            scope=scope,
            ip=ctx.ip if ctx else None,
            request_id=ctx.request_id if ctx else "",
            action=action,
            object_type=object_type,
            object_id=object_id[:64],
            object_repr=_escape(object_repr)[:200],
            changes=changes or {},
            outcome=outcome,
            message=_escape(message)[:500],
            prev_hash=prev,
        )
        event.row_hash = row_hash(prev, event)
        event.save(force_insert=True)
    return event


def audit_head() -> AuditEvent | None:
    """The newest row. Its hash, copied off the system every day, is what lets a truncated
    chain be detected: the verify walk alone cannot see rows cut from the end (SECURITY.md L5)."""
    return AuditEvent.objects.order_by("-id").first()


@dataclass(frozen=True)
class ChainBreak:
    position: int  # 1-based position in the chain
    event_id: int
    reason: str


def _iter_chain(batch: int = 5000) -> Iterator[AuditEvent]:
    last_id = 0
    while True:
        rows = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch])
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id


def audit_verify() -> tuple[int, ChainBreak | None]:
    """Walk the chain; return (rows checked, the first break or None).

    A changed row fails its own hash; a removed row leaves a gap in the ids and a prev_hash that
    no longer matches; reordered rows break the link from one row to the next.
    """
    prev = GENESIS_HASH
    expected_id = 1
    count = 0
    for event in _iter_chain():
        count += 1
        if event.id != expected_id:
            return count, ChainBreak(count, event.id, f"第{expected_id}号记录缺失（被删除）")
        if event.prev_hash != prev:
            return count, ChainBreak(count, event.id, "与前一条记录的链接断开（被删除或调换顺序）")
        # Recompute from the previous hash we trust, not from the row's own claim.
        if row_hash(prev, event) != event.row_hash:
            return count, ChainBreak(count, event.id, "记录内容被修改")
        prev = event.row_hash
        expected_id += 1
    return count, None


# ---------------------------------------------------------------------------------------------
# Refused access (SECURITY.md L1 "access-denied ... failures").

ACCESS_DENIED = "access.denied"

_pending = threading.local()


def _in_real_transaction() -> bool:
    """Whether an atomic block that may yet roll back is open. A test case's own blocks are the
    test's sandbox, not a transaction of the application: the same test as Django's durable."""
    conn = transaction.get_connection()
    return any(not getattr(block, "_from_testcase", False) for block in conn.atomic_blocks)


def audit_denied(
    *,
    actor: Any | None,
    permission: str,
    object_type: str = "",
    object_id: str = "",
    lookup: dict[str, Any] | None = None,
) -> None:
    """Record that `actor` was refused `permission` (an accounts.permissions.Action) on an object
    of `object_type` found by `lookup`, or on a page (the path is taken from the request).

    The event must outlive the refusal, which usually rolls back the transaction it is raised in
    (a service's, or the view's with ATOMIC_REQUESTS). Outside a transaction (the normal case:
    views run in autocommit and services check before they open theirs) it is written at once.
    Inside one it waits and is written after the outermost block ends: on commit by on_commit,
    on rollback by the request middleware's flush (flush_denied). Not on a second connection:
    the chain's lock (_lock_chain) may be held by this very transaction, which would wait for
    itself, and a second connection does not see the rows this one has not committed."""
    from huanjie.lib.idcard import redact

    ctx = current_request_context()
    changes: dict[str, Any] = {"permission": str(permission)}
    if lookup:
        # Never a full ID number, whatever was looked up by (SECURITY.md L3).
        changes["lookup"] = {k: redact(str(v))[:100] for k, v in lookup.items()}
    if ctx is not None and ctx.path:
        changes["path"] = redact(ctx.path)[:200]
    event: dict[str, Any] = {
        "actor": actor if getattr(actor, "pk", None) else None,
        "action": ACCESS_DENIED,
        "object_type": object_type,
        "object_id": redact(object_id),
        "changes": changes,
        "outcome": Outcome.FAILURE,
    }
    if not _in_real_transaction():
        audit_record(**event)
        return
    queue: list[dict[str, Any]] | None = getattr(_pending, "events", None)
    if queue is None:
        queue = _pending.events = []
    queue.append(event)
    transaction.on_commit(flush_denied)


def flush_denied() -> int:
    """Write the refusals kept while a transaction was open, once none is; the number written."""
    queue: list[dict[str, Any]] = getattr(_pending, "events", None) or []
    if not queue or _in_real_transaction():
        return 0
    _pending.events = []
    for event in queue:
        audit_record(**event)
    return len(queue)
