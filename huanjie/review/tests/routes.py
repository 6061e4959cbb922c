"""The review's routes for the site-wide walks, filled with own-county objects made through
the services: a sent batch with one person, answered by the court with an attachment, a batch
not sent with another person, and a ledger job of the court."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from huanjie.review import services as s
from huanjie.review.models import DisqualifyingCondition, ReviewDepartment, ReviewLedgerImport

# A birth date no other test's people have: the walks plant people with numbers of their own
# (voters.tests.test_import.pid), and make_person's sequence would meet them.
BORN = date(1967, 7, 7)


def tiny_pdf() -> bytes:
    """A valid one-page PDF (the full-ID walk reads every PDF it is given with pdftotext)."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


def routes(cast: Any, campaign: Any, objects: dict[str, Any]) -> dict[str, list[dict]]:
    from huanjie.review.tests.conftest import make_election, make_nominee, to_awaiting
    from huanjie.voters.tests.test_roll_cast import make_person

    s.review_setup(actor=cast.county_officer, campaign=campaign)
    from huanjie.elections.models import Election

    election = Election.objects.filter(
        village__campaign=campaign, village__region_id="630121100206", body="supervision"
    ).first() or make_election(cast, campaign, body="supervision")
    review = s.review_start(
        actor=cast.village_clerk,
        nominee=make_nominee(cast, election, make_person("联审人", BORN)[0]),
    )
    to_awaiting(cast, review)
    batch = s.batch_create(actor=cast.county_officer, campaign=campaign, reviews=[review])
    s.batch_send(actor=cast.county_officer, batch=batch, sent_on=date(2026, 12, 1))
    review.refresh_from_db()
    court = review.assignments.get(department__department="court")
    conditions = s.department_conditions(court.department)
    s.review_answer(
        actor=cast.reviewer,
        assignment=court,
        answers=[
            s.Answer(
                condition=c,
                found=False,
                attachment=SimpleUploadedFile("说明.pdf", tiny_pdf()) if i == 0 else None,
            )
            for i, c in enumerate(conditions)
        ],
    )
    finding = court.findings.exclude(attachment_path="").get()
    # A second person, in a batch not sent yet (to be taken out of it).
    waiting = s.review_start(
        actor=cast.village_clerk,
        nominee=make_nominee(cast, election, make_person("待送人", BORN)[0]),
    )
    to_awaiting(cast, waiting)
    unsent = s.batch_create(actor=cast.county_officer, campaign=campaign, reviews=[waiting])
    job = ReviewLedgerImport.objects.create(
        region=campaign.region,
        campaign=campaign,
        department="court",
        filename="台账.xlsx",
        sha256="",
        created_by=cast.reviewer,
        status="rejected",
    )
    c = campaign.pk
    cond = DisqualifyingCondition.objects.filter(campaign=campaign).earliest("number")
    dept = ReviewDepartment.objects.get(campaign=campaign, department="court")
    jobs = [{"job_id": job.pk}]
    return {
        "review:campaign_home": [{"pk": c}],
        "review:setup": [{"pk": c}],
        "review:department_add": [{"pk": c}],
        "review:department_update": [{"pk": c, "dept": dept.pk}],
        "review:condition_create": [{"pk": c}],
        "review:condition_edit": [{"pk": c, "cond": cond.pk}],
        "review:condition_delete": [{"pk": c, "cond": cond.pk}],
        "review:review_step": [{"pk": c, "review_pk": review.pk, "step": "pass"}],
        "review:batch_create": [{"pk": c}],
        "review:batch_detail": [{"pk": c, "batch": batch.pk}],
        "review:batch_send": [{"pk": c, "batch": batch.pk}],
        "review:batch_remove": [{"pk": c, "batch": unsent.pk, "review_pk": waiting.pk}],
        "review:batch_ledger_xlsx": [{"pk": c, "batch": batch.pk}],
        "review:county_attachment": [{"pk": c, "finding": finding.pk}],
        "review:ledger_xlsx": [{"pk": c}],
        "review:ledger_upload": [{"pk": c}],
        "review:answer": [{"task": court.pk}],
        "review:reveal": [{"task": court.pk}],
        "review:attachment": [{"task": court.pk, "finding": finding.pk}],
        "review:ledger_import_job": jobs,
        "review:ledger_import_confirm": jobs,
        "review:ledger_import_progress": jobs,
        "review:ledger_import_problems": jobs,
    }


POST_ONLY = {
    "review:setup",
    "review:batch_remove",
    "review:department_add",
    "review:department_update",
    "review:condition_delete",
    "review:review_step",
    "review:batch_create",
    "review:batch_send",
    "review:ledger_import_confirm",
}
