"""The joint review's part of the retention purge (SECURITY.md P7; the purge itself is
huanjie.retention): who a campaign's reviews name, and the removal of what they say about a
person's background, the attachments under VAR_DIR/review included.

The reviews, their states and the findings' found-or-not per condition stay (the county counts
them by condition); the departments' notes, the conclusions, the history's reasons, the
fingerprints and the attachments (the sealed files and their names) go. A found condition's
note, which the table requires (finding_found_has_note), becomes `PURGED_TEXT`. Each function
is a step of the purge and runs inside its transaction; the files are deleted once it
commits, so a purge that fails keeps them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from huanjie.elections.models import Campaign
from huanjie.elections.services import campaigns_retained
from huanjie.nomination.retention import purged_text
from huanjie.review.models import Review, ReviewFinding, ReviewHistory, ReviewLedgerImport


def _named(campaigns: Q) -> Q:
    """People (a filter on Person) a review of the campaigns matching `campaigns` names."""
    return Q(
        Exists(
            Review.objects.filter(
                person=OuterRef("pk"), campaign__in=Campaign.objects.filter(campaigns)
            )
        )
    )


def named_by_reviews(campaign: Campaign) -> Q:
    """The people this campaign's reviews name (a filter on Person)."""
    return _named(Q(pk=campaign.pk))


def named_by_kept_reviews(today: date) -> Q:
    """The people a review of a campaign still kept on `today` names: they keep everything."""
    return _named(Q(pk__in=campaigns_retained(today).values("pk")))


def _delete_files(paths: list[str]) -> None:
    for path in paths:
        Path(path).unlink(missing_ok=True)


def review_personal_data_purge(campaign: Campaign) -> dict[str, int]:
    """Blank the findings' notes and attachments, the conclusions, reasons and fingerprints of
    this campaign's reviews; delete the sealed attachment files after the commit. Returns the
    rows touched, by kind, for the audit event."""
    findings = ReviewFinding.objects.filter(assignment__review__campaign=campaign)
    paths = list(findings.exclude(attachment_path="").values_list("attachment_path", flat=True))
    touched = findings.update(
        note=purged_text("note"), attachment_name="", attachment_path="", attachment_sha256=""
    )
    reviews = Review.objects.filter(campaign=campaign).update(conclusion="", fingerprint="")
    ReviewHistory.objects.filter(review__campaign=campaign).update(reason="")
    # A problem row quotes the cell it refused: a name, a masked number, a note.
    ReviewLedgerImport.objects.filter(campaign=campaign).update(problems=[])
    transaction.on_commit(lambda: _delete_files(paths))
    return {"reviews": reviews, "review_findings": touched, "review_attachments": len(paths)}
