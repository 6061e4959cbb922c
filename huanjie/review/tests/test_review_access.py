"""The review's explicit start (a GET writes nothing), the reviewers' audited full-ID reveal,
the attachments to the county and the department, the per-batch ledger and taking a person
out of a batch not sent."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from huanjie.accounts.models import Department
from huanjie.audit.models import AuditEvent, Outcome
from huanjie.audit.services import audit_record
from huanjie.conftest import Cast
from huanjie.review import services as s
from huanjie.review.models import (
    DisqualifyingCondition,
    Review,
    ReviewAssignment,
    ReviewBatch,
    ReviewDepartment,
    ReviewState,
)
from huanjie.review.tests.conftest import Reviewers, make_election, make_nominee, to_awaiting
from huanjie.review.tests.test_review import _sheet, answer, two_departments, var_dir
from huanjie.voters.services import REVEAL_LIMIT_PER_HOUR
from huanjie.voters.tests.test_roll_cast import make_person

pytestmark = pytest.mark.django_db

__all__ = ["var_dir"]  # the autouse fixture: attachments under a temporary VAR_DIR


def awaiting_review(cast: Cast, campaign: Any, name: str, election: Any = None) -> Review:
    election = election or make_election(cast, campaign)
    review = s.review_start(
        actor=cast.village_clerk, nominee=make_nominee(cast, election, make_person(name)[0])
    )
    return to_awaiting(cast, review)


def sent_with_number(cast: Cast, campaign: Any, name: str = "祁国强") -> tuple[Review, str]:
    """A person sent to the departments (法院 and 公安), and the full ID number."""
    person, number = make_person(name)
    election = make_election(cast, campaign)
    review = s.review_start(actor=cast.village_clerk, nominee=make_nominee(cast, election, person))
    to_awaiting(cast, review)
    batch = s.batch_create(actor=cast.county_officer, campaign=campaign, reviews=[review])
    s.batch_send(actor=cast.county_officer, batch=batch, sent_on=date(2026, 12, 1))
    review.refresh_from_db()
    return review, number


def row_counts() -> dict[str, int]:
    """The rows of every table (the sessions' aside: a login may touch them)."""
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.managed and not m._meta.proxy and m._meta.label != "sessions.Session"
    }


def events(action: str, **filters: Any) -> Any:
    return AuditEvent.objects.filter(action=action, **filters)


# ---------------------------------------------------------------------------------------------
# The start of the review: explicit, never on a GET.


def test_a_get_writes_nothing_and_the_county_starts_the_review(cast: Cast, campaign: Any) -> None:
    url = reverse("review:campaign_home", args=[campaign.pk])
    client = cast.client(cast.county_officer)
    audits = AuditEvent.objects.filter(action__startswith="review.").count()
    before = row_counts()
    page = client.get(url)
    assert page.status_code == 200
    assert row_counts() == before  # a GET writes nothing
    assert "启用资格联审：建立默认联审部门和审查情形" in page.content.decode()
    assert 'data-testid="review-setup"' in page.content.decode()
    assert ReviewDepartment.objects.count() == 0 and DisqualifyingCondition.objects.count() == 0
    assert AuditEvent.objects.filter(action__startswith="review.").count() == audits
    # Nothing is added to a list the law's bars are not on yet.
    with pytest.raises(ValidationError, match="尚未启用"):
        s.review_department_add(
            actor=cast.county_officer, campaign=campaign, department=Department.HEALTH
        )
    with pytest.raises(ValidationError, match="尚未启用"):
        s.condition_create(
            actor=cast.county_officer,
            campaign=campaign,
            text="其他情形",
            kind="should_not",
            lookback_years=None,
            departments=[],
        )
    # The town and another county cannot start it.
    setup = reverse("review:setup", args=[campaign.pk])
    for user in (cast.town_officer, cast.other_county_officer, cast.reviewer):
        assert cast.client(user).post(setup).status_code == 404, user
    assert cast.client(cast.county_officer).get(setup).status_code == 405
    assert ReviewDepartment.objects.count() == 0
    # The county's POST: the defaults, audited, once.
    assert client.post(setup).status_code == 302
    assert ReviewDepartment.objects.filter(campaign=campaign).count() == 11
    assert DisqualifyingCondition.objects.filter(campaign=campaign).exclude(bar="").count() == 5
    assert events("review.setup", object_id=str(campaign.pk)).count() == 1
    assert client.post(setup).status_code == 302
    assert events("review.setup").count() == 1
    page = client.get(url)
    assert 'data-testid="review-setup"' not in page.content.decode()
    assert "增加部门" in page.content.decode()


# ---------------------------------------------------------------------------------------------
# The reviewers' full-ID reveal.


def test_a_reviewer_reveals_the_full_number_of_a_person_in_the_own_queue(
    cast: Cast, campaign: Any, reviewers: Reviewers
) -> None:
    two_departments(cast, campaign)
    review, number = sent_with_number(cast, campaign)
    court = review.assignments.get(department__department=Department.COURT)
    url = reverse("review:reveal", args=[court.pk])
    client = cast.client(reviewers.court)
    assert (
        "填写事由后查看" in client.get(reverse("review:answer", args=[court.pk])).content.decode()
    )
    page = client.get(url)
    assert page.status_code == 200 and number not in page.content.decode()
    assert review.person.id_masked in page.content.decode()
    # No reason: refused, nothing revealed, nothing logged as a reveal.
    for reason in ("", "核对"):
        page = client.post(url, {"reason": reason})
        assert page.status_code == 200 and number not in page.content.decode()
    assert not events("person.reveal_id").exists()
    with pytest.raises(ValidationError, match="事由"):
        s.review_reveal_id(actor=reviewers.court, assignment=court, reason="   ")
    # With a reason: the number, once, and the audit row keeps the reason (never the number).
    page = client.post(url, {"reason": "核对判决书当事人身份"})
    assert page.status_code == 200 and number in page.content.decode()
    assert page["Cache-Control"] == "no-store"
    row = events("person.reveal_id", object_id=str(review.person_id)).get()
    assert row.user_id == reviewers.court.pk and row.outcome == Outcome.SUCCESS
    assert row.changes["reason"] == "核对判决书当事人身份"
    assert row.changes["review_assignment"] == court.pk
    assert number not in str(row.changes) and number not in row.object_repr


def test_the_reveal_answers_404_outside_the_own_queue(
    cast: Cast, campaign: Any, reviewers: Reviewers
) -> None:
    two_departments(cast, campaign)
    review, _ = sent_with_number(cast, campaign)
    court = review.assignments.get(department__department=Department.COURT)
    url = reverse("review:reveal", args=[court.pk])
    data = {"reason": "核对判决书当事人身份"}
    # Another department's person, another county's reviewer, the county and town officers.
    for user in (
        reviewers.police,
        reviewers.other_county_court,
        cast.county_officer,
        cast.town_officer,
        cast.inspector,
    ):
        client = cast.client(user)
        assert client.get(url).status_code == 404, user
        assert client.post(url, data).status_code == 404, user
    with pytest.raises(ValidationError):
        s.review_reveal_id(actor=reviewers.police, assignment=court, reason=data["reason"])
    assert events("access.denied", user_id=reviewers.police.pk).exists()
    # A person not sent has no task: nothing to ask for.
    waiting = awaiting_review(cast, campaign, "未送人", review.nominee.election)
    assert not ReviewAssignment.objects.filter(review=waiting).exists()
    missing = ReviewAssignment.objects.latest("pk").pk + 1
    assert (
        cast.client(reviewers.court)
        .post(reverse("review:reveal", args=[missing]), data)
        .status_code
        == 404
    )
    # Once the county concluded, the person is no longer under review: 404.
    answer(reviewers.court, review)
    answer(reviewers.police, review)
    s.review_conclude(actor=cast.county_officer, review=review)
    court.refresh_from_db()
    assert cast.client(reviewers.court).post(url, data).status_code == 404
    with pytest.raises(ValidationError, match="已结束"):
        s.review_reveal_id(actor=reviewers.court, assignment=court, reason=data["reason"])
    assert not events("person.reveal_id").exists()


def test_the_reveal_counts_in_the_hourly_cap(
    cast: Cast, campaign: Any, reviewers: Reviewers
) -> None:
    two_departments(cast, campaign)
    review, number = sent_with_number(cast, campaign)
    court = review.assignments.get(department__department=Department.COURT)
    for _ in range(REVEAL_LIMIT_PER_HOUR):
        audit_record(actor=reviewers.court, action="person.reveal_id", obj=review.person)
    with pytest.raises(ValidationError, match="一小时内"):
        s.review_reveal_id(actor=reviewers.court, assignment=court, reason="核对判决书当事人")
    assert events("person.reveal_id", outcome=Outcome.FAILURE).count() == 1
    # Another reviewer's own cap is untouched.
    police = review.assignments.get(department__department=Department.PUBLIC_SECURITY)
    assert (
        s.review_reveal_id(actor=reviewers.police, assignment=police, reason="核对户籍") == number
    )


# ---------------------------------------------------------------------------------------------
# Attachments.


def test_the_county_and_the_department_open_an_attachment(
    cast: Cast, campaign: Any, reviewers: Reviewers
) -> None:
    two_departments(cast, campaign)
    review, number = sent_with_number(cast, campaign)
    court = review.assignments.get(department__department=Department.COURT)
    conditions = s.department_conditions(court.department)
    # The uploaded name holds a full ID number: it never comes back in a file name.
    upload = SimpleUploadedFile(f"{number}判决书.PDF", b"%PDF-1.4 secret", "application/pdf")
    s.review_answer(
        actor=reviewers.court,
        assignment=court,
        answers=[
            s.Answer(condition=c, found=False, attachment=upload if i == 0 else None)
            for i, c in enumerate(conditions)
        ],
    )
    finding = court.findings.exclude(attachment_path="").get()
    county_url = reverse("review:county_attachment", args=[campaign.pk, finding.pk])
    batch_page = cast.client(cast.county_officer).get(
        reverse("review:batch_detail", args=[campaign.pk, review.batch_id])
    )
    assert county_url in batch_page.content.decode()
    got = cast.client(cast.county_officer).get(county_url)
    assert got.status_code == 200 and got.content == b"%PDF-1.4 secret"
    disposition = got["Content-Disposition"]
    assert disposition.startswith("attachment;") and disposition.endswith(".pdf")
    assert number not in disposition and got["Cache-Control"] == "no-store"
    row = events("review.attachment_read", user_id=cast.county_officer.pk).get()
    assert row.changes["person"] == review.person.id_masked and number not in str(row.changes)
    # The department that uploaded it.
    task_url = reverse("review:attachment", args=[court.pk, finding.pk])
    got = cast.client(reviewers.court).get(task_url)
    assert got.status_code == 200 and got.content == b"%PDF-1.4 secret"
    assert events("review.attachment_read", user_id=reviewers.court.pk).count() == 1
    # Everybody else: 404, on both URLs.
    for user in (
        reviewers.police,
        reviewers.other_county_court,
        cast.town_officer,
        cast.village_clerk,
        cast.inspector,
        cast.other_county_officer,
    ):
        client = cast.client(user)
        assert client.get(county_url).status_code == 404, user
        assert client.get(task_url).status_code == 404, user
    assert cast.client(reviewers.court).get(county_url).status_code == 404
    assert cast.client(cast.county_officer).get(task_url).status_code == 404
    # A finding without an attachment: 404.
    bare = court.findings.filter(attachment_path="").first()
    assert bare is not None
    assert (
        cast.client(cast.county_officer)
        .get(reverse("review:county_attachment", args=[campaign.pk, bare.pk]))
        .status_code
        == 404
    )
    assert events("review.attachment_read").count() == 2


# ---------------------------------------------------------------------------------------------
# Batches: the per-batch ledger, taking a person out.


def test_the_per_batch_ledger(cast: Cast, campaign: Any, reviewers: Reviewers) -> None:
    two_departments(cast, campaign)
    first, _ = sent_with_number(cast, campaign, "韩秀英")
    election = first.nominee.election
    later = awaiting_review(cast, campaign, "马德福", election)
    second = s.batch_create(actor=cast.county_officer, campaign=campaign, reviews=[later])
    url = reverse("review:batch_ledger_xlsx", args=[campaign.pk, first.batch_id])
    county = cast.client(cast.county_officer)
    page = county.get(reverse("review:batch_detail", args=[campaign.pk, first.batch_id]))
    assert url in page.content.decode()
    rows = _sheet(county.get(url).content)
    assert [(r[0], r[3]) for r in rows[1:]] == [("第1批", "韩秀英")] * 2
    assert {r[6] for r in rows[1:]} == {"法院", "公安"}
    assert events("review.ledger_export", object_id=str(first.batch_id)).exists()
    # A department: its own rows of a sent batch, linked from its queue.
    queue = cast.client(reviewers.court).get(reverse("review:queue")).content.decode()
    assert url in queue
    mine = _sheet(cast.client(reviewers.court).get(url).content)
    assert [(r[3], r[6]) for r in mine[1:]] == [("韩秀英", "法院")]
    unsent = reverse("review:batch_ledger_xlsx", args=[campaign.pk, second.pk])
    assert county.get(unsent).status_code == 200
    for user in (reviewers.court, reviewers.other_county_court, cast.town_officer):
        assert cast.client(user).get(unsent).status_code == 404, user
    for user in (reviewers.other_county_court, cast.town_officer, cast.other_county_officer):
        assert cast.client(user).get(url).status_code == 404, user


def test_a_person_is_taken_out_of_a_batch_not_sent(
    cast: Cast, campaign: Any, reviewers: Reviewers
) -> None:
    two_departments(cast, campaign)
    election = make_election(cast, campaign)
    one = awaiting_review(cast, campaign, "韩秀英", election)
    two = awaiting_review(cast, campaign, "马德福", election)
    batch = s.batch_create(actor=cast.county_officer, campaign=campaign, reviews=[one, two])
    url = reverse("review:batch_remove", args=[campaign.pk, batch.pk, two.pk])
    # The town, another county, a reviewer: 404; the service refuses the town (level).
    for user in (cast.town_officer, cast.other_county_officer, reviewers.court):
        assert cast.client(user).post(url).status_code == 404, user
    with pytest.raises(ValidationError, match="县级"):
        s.batch_remove(actor=cast.town_officer, review=two)
    page = cast.client(cast.county_officer).get(
        reverse("review:batch_detail", args=[campaign.pk, batch.pk])
    )
    assert url in page.content.decode()
    assert cast.client(cast.county_officer).post(url, {"reason": "户籍待核实"}).status_code == 302
    two.refresh_from_db()
    assert two.state == ReviewState.AWAITING_BATCH and two.batch_id is None
    assert "户籍待核实" in two.history.latest("id").reason
    row = events("review.batch_remove", object_id=str(two.pk)).get()
    assert row.changes["batch"] is None and row.changes["state"]["old"] == ReviewState.BATCHED
    # Sent with the one left; the one taken out can go in a new batch.
    s.batch_send(actor=cast.county_officer, batch=batch, sent_on=date(2026, 12, 1))
    assert not ReviewAssignment.objects.filter(review=two).exists()
    assert ReviewAssignment.objects.filter(review=one).count() == 2
    one.refresh_from_db()
    with pytest.raises(ValidationError, match="不能改为"):
        s.batch_remove(actor=cast.county_officer, review=one)
    sent_url = reverse("review:batch_remove", args=[campaign.pk, batch.pk, one.pk])
    assert cast.client(cast.county_officer).post(sent_url).status_code == 302
    one.refresh_from_db()
    assert one.state == ReviewState.SENT and one.batch_id == batch.pk
    again = s.batch_create(actor=cast.county_officer, campaign=campaign, reviews=[two])
    assert again.number == 2 and ReviewBatch.objects.filter(campaign=campaign).count() == 2
