"""`huanjie restore DIR`: check a backup's checksums and, for an encrypted one, the backup key and
every sealed byte, restore it into an empty database (or, with --force, over a non-empty one),
then verify the audit chain and print its head, which the operator compares with the copy kept
off the system. A refusal is one Chinese line and exit 2, with nothing restored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huanjie.backups import BackupError, backup_restore, restored_audit_state

FAILED = 2

MSG_CHAIN_BROKEN = "恢复后审计日志校验失败：{problem}"
MSG_HEAD_DIFFERS = "恢复后的审计日志最新哈希 {restored} 与备份清单中的 {expected} 不一致"


class Command(BaseCommand):
    help = "从备份目录恢复数据库和上传文件（先校验 SHA-256 和备份密钥；目标数据库非空时需 --force）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", type=Path, metavar="DIR", help="huanjie backup 写出的目录")
        parser.add_argument(
            "--force", action="store_true", help="目标数据库不为空时仍然恢复，覆盖其中的数据"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_restore(options["dir"], force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc), returncode=FAILED) from exc
        self.stdout.write(f"已恢复 {manifest['created_at']} 的备份。")
        restored, problem = restored_audit_state()
        if problem is not None:
            raise CommandError(MSG_CHAIN_BROKEN.format(problem=problem), returncode=FAILED)
        head = manifest["audit_head"]
        expected = None if head is None else head["row_hash"]
        if restored != expected:
            raise CommandError(
                MSG_HEAD_DIFFERS.format(restored=restored, expected=expected), returncode=FAILED
            )
        if head is None:
            self.stdout.write("审计日志为空。")
            return
        self.stdout.write(
            f"审计日志完整。最新记录：第{head['id']}条 {head['row_hash']}\n"
            "请与系统之外抄存的最新哈希核对：抄存的那一条及其之前的记录都应在此链中。"
        )
