"""`huanjie audit verify`: walk the hash chain and name the first broken link; `head`: the
newest row's hash to copy off the system; `export [--since ID]`: the log as JSON lines for a log
server (rsyslog, a SIEM), each event once, in order, with its hashes."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from huanjie.audit.services import audit_head, audit_verify


class Command(BaseCommand):
    help = "审计日志：verify 校验哈希链"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        sub.add_parser("verify", help="校验审计日志哈希链，报告第一处断裂")
        sub.add_parser("head", help="打印最新一条记录的序号和哈希，每日抄存到系统之外")
        export = sub.add_parser("export", help="以 JSON Lines 输出审计日志，供日志服务器收集")
        export.add_argument("--since", type=int, default=0, help="只输出序号大于此值的记录")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["sub"] == "export":
            self._export(options["since"])
            return
        if options["sub"] == "head":
            head = audit_head()
            if head is None:
                self.stdout.write("审计日志为空。")
            else:
                self.stdout.write(f"{head.at:%Y-%m-%d %H:%M:%S%z} 第{head.id}条 {head.row_hash}")
            return
        count, broken = audit_verify()
        if broken is None:
            self.stdout.write(f"审计日志完整：共 {count} 条记录，哈希链无断裂。")
            return
        self.stderr.write(
            f"审计日志被篡改：第 {broken.position} 条（记录ID {broken.event_id}）处断裂：{broken.reason}"
        )
        sys.exit(1)

    def _export(self, since: int) -> None:
        """One JSON object a line, oldest first; the shipper remembers the last id it sent and
        passes it as --since next time. The export itself is an audit event."""
        from huanjie.audit.labels import event_label
        from huanjie.audit.models import AuditEvent
        from huanjie.audit.services import audit_record

        last = since
        count = 0
        events = AuditEvent.objects.filter(id__gt=since).order_by("id")
        for e in events.iterator(chunk_size=2000):
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
            self.stdout.write(json.dumps(record, ensure_ascii=False, default=str))
            last, count = e.id, count + 1
        audit_record(
            actor=None,
            action="audit.ship",
            changes={"since": since, "through": last, "rows": count},
        )
