"""`huanjie regions load` loads the division files; `huanjie regions doubtful` lists the units
whose kind (村 or 社区) is a guess that a county user should confirm or correct."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huanjie.regions.kinds import village_kind
from huanjie.regions.models import Region
from huanjie.regions.services import UNKNOWN_CODE, RegionFileError, regions_load

# Bad input (a bad file, an unknown code) exits with 2, as argparse does for a bad option.
BAD_INPUT = 2


class Command(BaseCommand):
    help = "行政区划：load 载入区划文件；doubtful 列出村/社区类别存疑的村级单位"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        load = sub.add_parser("load", help="载入区划文件（全国，或 --under 指定的区划及其上下级）")
        load.add_argument("--under", metavar="CODE", help="只载入该区划代码及其上级和下级")
        load.add_argument(
            "--data-dir",
            metavar="DIR",
            type=Path,
            help="区划文件所在目录（默认用随程序附带的文件）",
        )
        doubtful = sub.add_parser("doubtful", help="列出类别（村/社区）存疑、待人工确认的村级单位")
        doubtful.add_argument("--under", metavar="CODE", help="只列出该区划代码下的单位")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["sub"] == "load":
            self._load(options["under"], options["data_dir"])
        else:
            self._doubtful(options["under"])

    def _load(self, under: str | None, data_dir: Path | None) -> None:
        started = time.perf_counter()
        try:
            report = regions_load(under=under, data_dir=data_dir)
        except RegionFileError as exc:
            raise CommandError(str(exc), returncode=BAD_INPUT) from exc
        elapsed = time.perf_counter() - started
        self.stdout.write(f"已载入区划。{report.summary()}。用时 {elapsed:.1f} 秒。")

    def _doubtful(self, under: str | None) -> None:
        units = Region.objects.filter(level=Region.Level.VILLAGE, kind_doubtful=True)
        if under:
            if not Region.objects.filter(code=under).exists():
                raise CommandError(UNKNOWN_CODE.format(code=under), returncode=BAD_INPUT)
            units = units.filter(code__startswith=under)
        count = 0
        for region in units.order_by("code").iterator(chunk_size=2000):
            count += 1
            # The reason is recomputed from the name: the rule is pure and the name is stored.
            reason = village_kind(region.name, region.code).reason
            kind = region.get_kind_display()
            self.stdout.write(f"{region.code}  {region.name}  暂定为{kind}  {reason}")
        scope = f"{under} 下" if under else "全国"
        self.stdout.write(f"{scope}共 {count} 个村级单位类别存疑，请县级用户确认或更正。")
