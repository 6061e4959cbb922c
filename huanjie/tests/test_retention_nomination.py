"""SECURITY.md P7 for issue 10's data: past a campaign's end date the purge also blanks what its
nominations, 两述, 公示 objections, candidate lists, election committees and joint review say
about a person (the review's notes and sealed attachments under VAR_DIR included), keeping what
is counted; a person only those named is erased, one a kept campaign's committee or nomination
names keeps everything."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from huanjie.audit.labels import CHANGE_LABELS
from huanjie.audit.models import AuditEvent
from huanjie.committees import services as committees
from huanjie.committees.models import ElectionCommitteeHistory, ElectionCommitteeMember
from huanjie.committees.tests.conftest import entry_of, make_committee
from huanjie.conftest import make_campaign
from huanjie.elections.models import Campaign
from huanjie.nomination import lists
from huanjie.nomination import services as n
from huanjie.nomination.models import (
    CandidateListHistory,
    Nominee,
    NomineeHistory,
    PublicityObjection,
    Stage,
    Statement,
    StatementQuestion,
)
from huanjie.nomination.tests.test_lists import formal, member_post, past_publicity
from huanjie.nomination.tests.test_services import make_election
from huanjie.people.services import ERASED_NAME
from huanjie.retention import purge_expired
from huanjie.review import services as review
from huanjie.review.models import Review, ReviewFinding, ReviewHistory
from huanjie.review.tests.conftest import Reviewers, make_nominee, reviewers  # noqa: F401
from huanjie.review.tests.test_review import answer, sent_review, two_departments
from huanjie.voters.services.retention import PURGED_TEXT

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
CRIME = "2019年因盗窃罪被判处有期徒刑一年"


@pytest.fixture
def world(cast: Any, settings: Any, tmp_path: Path, reviewers: Reviewers) -> dict[str, Any]:  # noqa: F811
    """The 13th term (to be purged), around today: a committee with a withdrawn member, a fixed
    list, a 两述, an objection, a withdrawal and a joint review that found a crime, with an
    attachment. The 12th term (kept) has 韩德福 on its committee and 李明 among its nominees."""
    settings.VAR_DIR = str(tmp_path / "var")
    old = make_campaign(
        cast,
        term=13,
        start=TODAY - timedelta(days=60),
        end=TODAY + timedelta(days=120),
        election_day=TODAY + timedelta(days=30),
    )
    kept = make_campaign(cast)
    # The committee: 马进才 withdraws, 李有福 moves up.
    _committee, members = make_committee(cast, old, reserves=1)
    committees.member_withdraw(
        actor=cast.county_officer, member=members[1], kind="resigned", reason="本人外出务工，辞去"
    )
    # The villagers' list, fixed; a 两述; an objection, decided; a withdrawal.
    villagers = make_election(cast, old)
    five = [formal(cast, villagers, name) for name in ("宋江", "李明", "沈括", "刘洋", "王芳")]
    publicity = past_publicity(cast, villagers)
    objection = lists.objection_receive(
        actor=cast.town_officer,
        publicity=publicity,
        received_on=publicity.ends_on,
        from_name="马秀兰",
        content="王芳长期不在村居住",
        nominee=five[4],
    )
    lists.objection_decide(
        actor=cast.town_officer,
        objection=objection,
        decision="rejected",
        note="经核实在村居住",
        decided_on=publicity.ends_on,
    )
    lists.statement_record(
        actor=cast.town_officer,
        nominee=five[0],
        held_on=TODAY - timedelta(days=3),
        summary="发展村集体经济",
        questions=[lists.QuestionIn("如何修路？", "党员代表马福", "争取项目资金")],
    )
    # The joint review of 祁国强: the court finds a crime.
    two_departments(cast, old)
    under_review = sent_review(cast, old, "祁国强", election=villagers)
    assignment = under_review.assignments.get(department__department="court")
    review.review_answer(
        actor=reviewers.court,
        assignment=assignment,
        answers=[
            review.Answer(
                condition=c,
                found=c.bar == "criminal_punishment",
                note=CRIME if c.bar == "criminal_punishment" else "",
                attachment=SimpleUploadedFile("祁国强判决书.pdf", b"%PDF-1.4 x", "application/pdf")
                if c.bar == "criminal_punishment"
                else None,
            )
            for c in review.department_conditions(assignment.department)
        ],
    )
    answer(reviewers.police, under_review)
    review.review_conclude(actor=cast.county_officer, review=under_review)
    lists.list_fix(actor=cast.town_officer, post=member_post(villagers))
    n.nominee_withdraw(actor=cast.town_officer, nominee=five[2], reason="本人因病申请退出")
    # The kept term names 韩德福 (its committee) and 李明 (a nominee).
    kept_committee = committees.committee_create(
        actor=cast.county_officer,
        entry=entry_of(kept),
        chosen_on=kept.window_start,
        chosen_by="villagers_meeting",
        seats=3,
    )
    committees.member_add(
        actor=cast.county_officer,
        committee=kept_committee,
        person=members[0].person,
        status="serving",
        role="chair",
        votes=40,
    )
    kept_nominee = make_nominee(cast, make_election(cast, kept), five[1].person)
    return {
        "old": old,
        "members": members,
        "five": five,
        "review": under_review,
        "kept_committee": kept_committee,
        "kept_nominee": kept_nominee,
    }


def _expire(campaign: Campaign) -> None:
    """The clock past the campaign's end date: its window and end date set in the past."""
    Campaign.objects.filter(pk=campaign.pk).update(
        window_start=TODAY - timedelta(days=90),
        window_end=TODAY - timedelta(days=2),
        retention_until=TODAY - timedelta(days=1),
    )


def _purge(campaign: Campaign, capture: Any) -> None:
    _expire(campaign)
    with capture(execute=True):
        assert [p.campaign.pk for p in purge_expired()] == [campaign.pk]


def test_the_nominations_statements_objections_and_lists_name_no_one(
    cast: Any, world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    old = world["old"]
    in_old = {"election__village__campaign": old}
    assert Nominee.objects.filter(**in_old, stage=Stage.WITHDRAWN).get().withdrawn_reason
    _purge(old, django_capture_on_commit_callbacks)

    assert set(Statement.objects.values_list("summary", flat=True)) == {""}
    assert set(StatementQuestion.objects.values_list("question", "asked_by", "answer")) == {
        ("", "", "")
    }
    objection = PublicityObjection.objects.get()
    assert (objection.from_name, objection.content, objection.decision_note) == ("", "", "")
    assert objection.nominee is None and objection.decision == "rejected"  # still counted
    assert set(CandidateListHistory.objects.values_list("reason", flat=True)) == {""} and all(
        h.names == [] for h in CandidateListHistory.objects.all()
    )
    withdrawn = Nominee.objects.get(**in_old, stage=Stage.WITHDRAWN)
    assert withdrawn.withdrawn_reason == PURGED_TEXT  # the table wants one
    disqualified = Nominee.objects.get(**in_old, stage=Stage.DISQUALIFIED)
    assert disqualified.disqualified_reason == PURGED_TEXT and disqualified.barred
    assert set(
        NomineeHistory.objects.filter(nominee__election__village__campaign=old).values_list(
            "reason", flat=True
        )
    ) == {""}


def test_the_review_loses_its_notes_conclusions_and_attachment_files(
    cast: Any, world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    old = world["old"]
    found = ReviewFinding.objects.get(found=True)
    sealed = Path(found.attachment_path)
    assert sealed.exists() and found.note == CRIME
    before = Review.objects.get(pk=world["review"].pk)
    assert CRIME in before.conclusion  # the county's conclusion quotes the court's note
    assert ReviewHistory.objects.filter(reason__contains=CRIME).exists()

    _purge(old, django_capture_on_commit_callbacks)

    found.refresh_from_db()
    assert found.found and found.note == PURGED_TEXT  # found stays: counted by condition
    assert (found.attachment_name, found.attachment_path, found.attachment_sha256) == ("", "", "")
    assert not sealed.exists()
    assert not list(sealed.parent.iterdir())  # no other sealed file of the campaign is left
    assert set(ReviewFinding.objects.filter(found=False).values_list("note", flat=True)) <= {""}
    after = Review.objects.get(pk=before.pk)
    assert (after.conclusion, after.fingerprint) == ("", "")
    assert after.state == before.state
    assert set(ReviewHistory.objects.values_list("reason", flat=True)) == {""}
    event = AuditEvent.objects.get(action="campaign.personal_data_purge")
    assert event.changes["review_attachments"] == 1 and event.changes["statements"] == 1
    assert event.changes["publicity_objections"] == 1 and event.changes["committee_members"] == 4
    assert {"review_findings", "review_attachments", "committee_members"} <= set(CHANGE_LABELS)


def test_a_failed_purge_keeps_the_attachment_file(
    cast: Any, world: dict[str, Any], django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    """The files go only once the purge's transaction commits."""
    old = world["old"]
    sealed = Path(ReviewFinding.objects.get(found=True).attachment_path)
    _expire(old)

    def fail(**_: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("huanjie.retention.campaign_mark_purged", fail)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        purge_expired()
    assert sealed.exists()
    assert ReviewFinding.objects.get(found=True).note == CRIME


def test_the_committee_keeps_its_make_up_and_loses_the_reasons(
    cast: Any, world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    old = world["old"]
    _purge(old, django_capture_on_commit_callbacks)
    rows = ElectionCommitteeMember.objects.filter(committee__village__campaign=old)
    gone = rows.get(person=world["members"][1].person)
    assert gone.status == "withdrawn" and gone.withdrawn_reason == PURGED_TEXT
    assert gone.votes == 35 and gone.replaced_by is not None
    assert set(
        ElectionCommitteeHistory.objects.filter(committee__village__campaign=old).values_list(
            "reason", flat=True
        )
    ) == {""}
    # The kept committee's history keeps its notes.
    assert (
        ElectionCommitteeHistory.objects.filter(committee=world["kept_committee"])
        .exclude(reason="")
        .exists()
    )


def test_who_only_the_purged_term_named_is_erased_and_who_a_kept_term_names_is_kept(
    cast: Any, world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    members, five = world["members"], world["five"]
    only_old = [members[1].person, world["review"].person, five[0].person]
    kept = [members[0].person, five[1].person]  # 韩德福 (kept committee), 李明 (kept nominee)
    _purge(world["old"], django_capture_on_commit_callbacks)
    for person in only_old:
        person.refresh_from_db()
        assert person.name == ERASED_NAME and person.id_cipher == "", person.pk
    for person, name in zip(kept, ("韩德福", "李明"), strict=True):
        person.refresh_from_db()
        assert person.name == name and person.id_cipher and person.erased_on is None
