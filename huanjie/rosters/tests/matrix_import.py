"""The roster import's cells of the role × action matrix (merged by rosters/tests/matrix.py):
the preview and the run of a roster file, by county or town (the pipeline's own cells are the
party roll's)."""

from __future__ import annotations

from datetime import date
from typing import Any

from huanjie.accounts.permissions import Action

REFERENCE = date(2022, 1, 31)


def cases() -> dict[str, Any]:
    from huanjie.rosters.models import RosterImport
    from huanjie.tests.test_service_matrix import Case

    manage = Action.MANAGE_ROSTER
    p = "huanjie.rosters.imports."
    return {
        p + "roster_import_preview": Case(
            manage,
            lambda w, at: {
                "area": w.region(at.area),
                "upload": w.upload(),
                "term_number": 11,
                "reference_date": REFERENCE,
            },
            area_levels=(6, 9),
        ),
        p + "roster_import_confirm": Case(
            manage,
            lambda w, at: {
                "job": w.preview_job(RosterImport, at, term_number=11, reference_date=REFERENCE)
            },
            area_levels=(6, 9),
        ),
    }
