"""The results' part of the hourly retention job (huanjie.retention): the public check's rate
rows (a keyed hash of a client address and a minute's count) are needed for a minute; the job
drops those older than a day, so the table does not grow with every address ever seen. The
results themselves are the election's archive and stay."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from huanjie.results.models import PublicCheck

KEPT: Final = timedelta(days=1)


def public_checks_prune(now: datetime) -> int:
    """Drop the rate rows whose window began more than a day before `now`: how many."""
    deleted, _ = PublicCheck.objects.filter(window_start__lt=now - KEPT).delete()
    return deleted
