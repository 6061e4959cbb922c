"""`huanjie audit verify`: walk the hash chain and name the first broken link."""

from __future__ import annotations

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

    def handle(self, *args: Any, **options: Any) -> None:
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
