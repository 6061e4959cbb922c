"""`huanjie backup DIR`: the database and the uploads, encrypted under HUANJIE_BACKUP_KEYS, a
manifest and SHA256SUMS into a new folder. Never the keys (SECURITY.md D2, D6): they are
escrowed apart, and the command says so. Without a backup key it refuses in production and
warns in development (huanjie.backups)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huanjie.backups import (
    BACKUP_KEY_REMINDER,
    KEY_REMINDER,
    MSG_PLAIN_WARNING,
    BackupError,
    backup_write,
)

# A refused or failed backup exits with 2, as argparse does for a bad option.
FAILED = 2


class Command(BaseCommand):
    help = (
        "备份数据库和上传文件到一个新的空目录（用备份密钥加密，附清单和 SHA-256 校验和，不含密钥）"
    )

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
        encryption = manifest["encryption"]
        if encryption is None:
            self.stderr.write(MSG_PLAIN_WARNING)
        else:
            self.stdout.write(BACKUP_KEY_REMINDER.format(version=encryption["key_version"]))
