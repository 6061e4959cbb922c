"""The oversight ledgers' part of the retention purge (SECURITY.md P7; the purge itself is
huanjie.retention): the visits, problems, petitions, sessions and their attendees stay, so the
county's work in numbers still counts them; the petitioners' names and phones, the attendees'
names and posts, the leaders and trainers named, and every free-text field go. The inspection
groups keep their member accounts (who recorded what, SECURITY.md L1). Runs inside the purge's
transaction."""

from __future__ import annotations

from typing import Final

from django.db.models import Model

from huanjie.elections.models import Campaign
from huanjie.lib.purge import blank_fields
from huanjie.oversight.models import (
    InspectionGroup,
    InspectionProblem,
    InspectionProblemEvent,
    InspectionVisit,
    Petition,
    PetitionEvent,
    TrainingAttendee,
    TrainingSession,
)
from huanjie.voters.services.retention import PURGED_TEXT

# Each table with a `campaign` and the fields that name or describe a person (privacy.py).
PERSONAL: Final[tuple[tuple[type[Model], tuple[str, ...]], ...]] = (
    (InspectionGroup, ("leader",)),
    (InspectionVisit, ("checked", "summary")),
    (
        InspectionProblem,
        ("description", "requirement", "measures", "close_note", "review_note"),
    ),
    (
        Petition,
        (
            "summary",
            "petitioner_name",
            "extension_reason",
            "handler",
            "measures",
            "outcome",
        ),
    ),
    (TrainingSession, ("trainer",)),
    (TrainingAttendee, ("name", "post", "unit")),
)


def oversight_personal_data_purge(campaign: Campaign) -> dict[str, int]:
    """Blank what names a person in the campaign's oversight ledgers; rows touched, by table."""
    counts = {
        f"oversight_{model._meta.model_name}": blank_fields(
            model._default_manager.filter(campaign=campaign), fields, PURGED_TEXT
        )
        for model, fields in PERSONAL
    }
    # A phone is emptied, not replaced: the pages show it masked.
    Petition.objects.filter(campaign=campaign).update(petitioner_phone="")
    blank_fields(
        InspectionProblemEvent.objects.filter(problem__campaign=campaign), ["note"], PURGED_TEXT
    )
    blank_fields(PetitionEvent.objects.filter(petition__campaign=campaign), ["note"], PURGED_TEXT)
    return counts
