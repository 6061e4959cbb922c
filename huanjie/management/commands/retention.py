"""`huanjie retention purge-expired`: remove the personal data of every campaign past its end
date (SECURITY.md P7; huanjie.retention). Run hourly by huanjie-purge.service; a second run
finds nothing to do."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from huanjie.retention import purge_expired


class Command(BaseCommand):
    help = "个人信息保存期限：purge-expired 删除已过保存期限的换届的个人信息（保留统计数字）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        sub.add_parser("purge-expired", help="删除已过保存期限的换届的个人信息")

    def handle(self, *args: Any, **options: Any) -> None:
        done = purge_expired()
        for purged in done:
            self.stdout.write(
                f"{purged.campaign.name}（保存期限 {purged.campaign.retention_until}）："
                f"已删除个人信息，涉及选民登记 {purged.counts['registrations']} 条，"
                f"删除人员信息 {purged.counts['people_erased']} 人。"
            )
        self.stdout.write(f"已处理过期换届 {len(done)} 个。")
