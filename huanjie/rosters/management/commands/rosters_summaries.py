"""`huanjie rosters_summaries`: recount every summary of the statistics report (rosters.summary:
one row per village and term, refreshed by every write of the roster) from the roster rows.
For operations: after rows were changed outside the services (a restore, a repair by hand);
a second run changes nothing. Prints how many (village, term) rows it made and how long it took."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from huanjie.rosters.summary import summaries_rebuild


class Command(BaseCommand):
    help = "统计报表：按干部名册重新计算各村各届的汇总数"

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        made = summaries_rebuild()
        spent = time.perf_counter() - started
        self.stdout.write(f"已重新计算统计汇总：{made}个村(社区)届次，用时{spent:.1f}秒。")
