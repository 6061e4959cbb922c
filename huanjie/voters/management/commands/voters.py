"""`huanjie voters purge`: end every import's unconfirmed previews (voter rolls, 变动名单, Party
rolls) and delete their uploaded files."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from huanjie.uploads.services import uploads_expire


class Command(BaseCommand):
    help = "选民登记：purge 清理超过24小时未确认的导入预览及其上传文件"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        sub.add_parser("purge", help="清理过期的导入预览")

    def handle(self, *args: Any, **options: Any) -> None:
        count = uploads_expire()
        self.stdout.write(f"已清理过期导入预览 {count} 个。")
