"""The audit log leaves the server (SECURITY.md L6: "logs are shipped daily to a separate log
server"; L5: "the daily head hash is copied off-system").

`audit_ship(folder)` appends every event after the last one shipped to `audit-YYYY-MM-DD.jsonl`
in `folder` (one JSON object a line, with its hashes, so the receiver can check the chain), and
the newest row's number and hash to `heads.txt`. The folder is what the county's log collector
reads (rsyslog's imfile, a forwarder, or a mount of the log server). Where it stopped is kept in
`folder/.cursor`, written after the lines are on disk: a crash between the two sends some lines
twice (the receiver drops repeated ids), never loses one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

from django.utils import timezone

from huanjie.audit.labels import event_label
from huanjie.audit.models import AuditEvent
from huanjie.audit.services import audit_head, audit_record

CURSOR = ".cursor"
HEADS = "heads.txt"


def audit_lines(since: int) -> Iterator[tuple[str, int]]:
    """Each event after `since` as one JSON line, oldest first, with its id."""
    for e in AuditEvent.objects.filter(id__gt=since).order_by("id").iterator(chunk_size=2000):
        record = {
            "id": e.id,
            "at": e.at.isoformat(),
            "user_id": e.user_id,
            "username": e.username,
            "role": e.role,
            "scope": e.scope,
            "ip": e.ip,
            "request_id": e.request_id,
            "action": e.action,
            "event": event_label(e.action),
            "object_type": e.object_type,
            "object_id": e.object_id,
            "object": e.object_repr,
            "changes": e.changes,
            "outcome": e.outcome,
            "message": e.message,
            "prev_hash": e.prev_hash,
            "row_hash": e.row_hash,
        }
        yield json.dumps(record, ensure_ascii=False, default=str), e.id


def audit_shipped(*, since: int, through: int, rows: int) -> None:
    """The shipping itself is an audit event."""
    audit_record(
        actor=None, action="audit.ship", changes={"since": since, "through": through, "rows": rows}
    )


def _cursor(folder: Path) -> int:
    try:
        return int((folder / CURSOR).read_text(encoding="ascii").strip() or 0)
    except FileNotFoundError:
        return 0


def audit_ship(folder: Path) -> tuple[int, int, int]:
    """Append the events after the cursor to today's file and the head to heads.txt; returns
    (since, through, rows)."""
    folder.mkdir(parents=True, exist_ok=True)
    since = through = _cursor(folder)
    rows = 0
    today = timezone.localdate()
    target = folder / f"audit-{today:%Y-%m-%d}.jsonl"
    with target.open("a", encoding="utf-8") as out:
        for line, event_id in audit_lines(since):
            out.write(line + "\n")
            through, rows = event_id, rows + 1
        out.flush()
        os.fsync(out.fileno())
    head = audit_head()
    if head is not None:
        with (folder / HEADS).open("a", encoding="utf-8") as heads:
            heads.write(
                f"{timezone.localtime():%Y-%m-%d %H:%M:%S%z} 第{head.id}条 {head.row_hash}\n"
            )
    pending = folder / f"{CURSOR}.new"
    pending.write_text(f"{through}\n", encoding="ascii")
    os.replace(pending, folder / CURSOR)
    audit_shipped(since=since, through=through, rows=rows)
    return since, through, rows
