"""`huanjie wal seal SPOOL DEST` | `seal-stdin FILE` | `open SRC DIR`: PostgreSQL's archived WAL
and base backups sealed under HUANJIE_BACKUP_KEYS before they go off-site, and opened again for a
point-in-time recovery (SECURITY.md D6; huanjie.walarchive, docs/operations.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huanjie.walarchive import WalError, wal_open, wal_seal, wal_seal_stream

FAILED = 2


class Command(BaseCommand):
    help = "WAL 归档：加密封存待送异地的 WAL 和基础备份，或在时间点恢复时解密"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        seal = actions.add_parser("seal", help="封存 SPOOL 中的 WAL 文件到 DEST，并从 SPOOL 删除")
        seal.add_argument("spool", type=Path)
        seal.add_argument("dest", type=Path)
        stdin = actions.add_parser(
            "seal-stdin", help="把标准输入（pg_basebackup 的 tar）封存为 FILE"
        )
        stdin.add_argument("file", type=Path, help="以 .enc 结尾")
        opener = actions.add_parser(
            "open", help="把 SRC 中封存的文件解密到 DIR，供 restore_command"
        )
        opener.add_argument("src", type=Path)
        opener.add_argument("dir", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "seal":
                names = wal_seal(options["spool"], options["dest"])
                if names:
                    self.stdout.write(f"已封存 {len(names)} 个文件，最后一个：{names[-1]}")
            elif options["action"] == "seal-stdin":
                wal_seal_stream(sys.stdin.buffer, options["file"])
                self.stdout.write(f"已封存：{options['file']}")
            else:
                names = wal_open(options["src"], options["dir"])
                self.stdout.write(f"已解密 {len(names)} 个文件到 {options['dir']}")
        except WalError as exc:
            raise CommandError(str(exc), returncode=FAILED) from exc
