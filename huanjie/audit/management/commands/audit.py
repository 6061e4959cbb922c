"""`huanjie audit verify`: walk the hash chain and name the first broken link; `head`: the
newest row's hash to copy off the system; `export [--since ID]`: the log as JSON lines for a log
server (rsyslog, a SIEM), each event once, in order, with its hashes; `ship FOLDER`: the same,
appended to a daily file in FOLDER from where the last run stopped, with the head hash copied
beside it (run hourly by huanjie-audit-ship.timer)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from huanjie.audit.services import audit_head, audit_verify
from huanjie.audit.shipping import audit_lines, audit_ship, audit_shipped


class Command(BaseCommand):
    help = "审计日志：verify 校验哈希链"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        sub.add_parser("verify", help="校验审计日志哈希链，报告第一处断裂")
        sub.add_parser("head", help="打印最新一条记录的序号和哈希，每日抄存到系统之外")
        export = sub.add_parser("export", help="以 JSON Lines 输出审计日志，供日志服务器收集")
        export.add_argument("--since", type=int, default=0, help="只输出序号大于此值的记录")
        ship = sub.add_parser(
            "ship", help="把上次投送之后的新记录追加到目录中按日的 JSON Lines 文件，并抄存最新哈希"
        )
        ship.add_argument(
            "folder", type=Path, help="日志服务器收集的目录（如 /var/log/huanjie-audit）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["sub"] == "export":
            self._export(options["since"])
            return
        if options["sub"] == "ship":
            self._ship(options["folder"])
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
        last, count = since, 0
        for line, event_id in audit_lines(since):
            self.stdout.write(line)
            last, count = event_id, count + 1
        audit_shipped(since=since, through=last, rows=count)

    def _ship(self, folder: Path) -> None:
        try:
            since, through, rows = audit_ship(folder)
        except OSError as exc:
            self.stderr.write(f"审计日志投送失败：{folder}：{exc.strerror or exc}")
            sys.exit(2)
        self.stdout.write(
            f"已投送审计日志第 {since + 1} 至 {through} 条，共 {rows} 条，到 {folder}"
        )
