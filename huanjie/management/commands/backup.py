"""`huanjie backup DIR`: the database, the uploads, a manifest and SHA256SUMS into a new folder.
Never the keys (SECURITY.md D2, D6): they are escrowed apart, and the command says so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huanjie.backups import KEY_REMINDER, BackupError, backup_write

# A refused or failed backup exits with 2, as argparse does for a bad option.
FAILED = 2


class Command(BaseCommand):
    help = "备份数据库和上传文件到一个新的空目录（附清单和 SHA-256 校验和，不含加密密钥）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", type=Path, metavar="DIR", help="备份目录（不存在或为空）")

    def handle(self, *args: Any, **options: Any) -> None:
        target: Path = options["dir"]
        try:
            manifest = backup_write(target)
        except BackupError as exc:
            raise CommandError(str(exc), returncode=FAILED) from exc
        head = manifest["audit_head"]
        self.stdout.write(f"备份完成：{target.resolve()}")
        if head is None:
            self.stdout.write("审计日志为空。")
        else:
            self.stdout.write(f"审计日志最新记录：第{head['id']}条 {head['row_hash']}")
        self.stdout.write(KEY_REMINDER.format(versions="、".join(manifest["field_key_versions"])))
