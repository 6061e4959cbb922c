"""The ledgers' part of the retention purge (SECURITY.md P7; the purge itself is
huanjie.retention): every item stays with what the county counts (its village, category, flags,
status, days), so the work in numbers still adds up; what names or describes a person goes —
the intended candidates' names and facts, the responsible leaders, the audited cadres, and every
free-text field (problems, measures, findings, notes). Runs inside the purge's transaction."""

from __future__ import annotations

from typing import Final

from django.db.models import Model

from huanjie.elections.models import Campaign
from huanjie.ledgers.models import (
    Assessment,
    AssessmentChange,
    ContingencyPlan,
    DepartureAudit,
    IntendedCandidate,
    LedgerEvent,
    RectificationItem,
)
from huanjie.lib.purge import blank_fields
from huanjie.voters.services.retention import PURGED_TEXT

# Each table with a `campaign` and the fields that name or describe a person (privacy.py).
PERSONAL: Final[tuple[tuple[type[Model], tuple[str, ...]], ...]] = (
    (Assessment, ("complex_reasons", "note")),
    (ContingencyPlan, ("measures", "responsible", "note")),
    (RectificationItem, ("problem", "measures", "leader", "close_note")),
    (DepartureAudit, ("subject", "findings", "problems")),
    (IntendedCandidate, ("name", "sex", "birth_year", "current_post", "note")),
    (LedgerEvent, ("note",)),
)


def ledgers_personal_data_purge(campaign: Campaign) -> dict[str, int]:
    """Blank what names a person in the campaign's ledgers; the rows touched, by table."""
    counts = {
        f"ledgers_{model._meta.model_name}": blank_fields(
            model._default_manager.filter(campaign=campaign), fields, PURGED_TEXT
        )
        for model, fields in PERSONAL
    }
    changes = AssessmentChange.objects.filter(assessment__campaign=campaign)
    blank_fields(changes, ["note"], PURGED_TEXT)
    return counts
