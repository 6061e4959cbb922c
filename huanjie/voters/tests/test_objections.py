from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from huanjie.voters.models import Objection, VoterListPublication, VoterRegistration
from huanjie.voters.pdf import list_notice_pdf
from huanjie.voters.services import (
    objection_decide,
    objection_record,
    voter_list_publish,
    voter_register,
)
from huanjie.voters.tests.test_roll_cast import make_person, make_roll


@pytest.fixture
def published(cast):
    roll = make_roll(cast)
    listed, _ = make_person("错登")
    voter_register(
        actor=cast.village_clerk,
        campaign=roll.campaign,
        village=roll.village,
        person=listed,
        category="hukou_resident",
    )
    publication = voter_list_publish(
        actor=cast.village_clerk,
        campaign=roll.campaign,
        village=roll.village,
        published_on=date(2026, 11, 30),
    )
    return publication, listed


def _record(
    cast,
    publication,
    kind="omitted",
    filed=date(2026, 12, 5),
    received=date(2026, 12, 5),
    subject=None,
):
    return objection_record(
        actor=cast.village_clerk,
        publication=publication,
        filer_name="王大",
        subject_name="漏登",
        kind=kind,
        detail="户籍在本村，已满十八周岁，名单中没有",
        filed_on=filed,
        received_on=received,
        subject=subject,
    )


def test_a_late_objection_is_refused(cast, published):
    publication, _ = published
    with pytest.raises(ValidationError) as exc:
        _record(cast, publication, filed=date(2026, 12, 6), received=date(2026, 12, 6))
    assert exc.value.messages[0].startswith(
        "申诉应当自名单公布之日起5日内提出，即不迟于2026年12月5日（"
    )
    assert not Objection.objects.exists()


def test_the_decision_is_due_three_days_after_receipt(cast, published):
    objection = _record(cast, published[0], received=date(2026, 12, 6))
    assert objection.decision_due == date(2026, 12, 9)


def test_an_upheld_objection_adds_the_voter_and_republishes(cast, published, tmp_path):
    publication, _ = published
    omitted, number = make_person("漏登", group="第三村民小组")
    objection = _record(cast, publication)
    correction = objection_decide(
        actor=cast.village_clerk,
        objection=objection,
        outcome="upheld",
        decision="经核实，该村民户籍在本村，予以补登",
        decided_on=date(2026, 12, 7),
        person=omitted,
        category="hukou_resident",
        group_name="第三村民小组",
    )
    reg = VoterRegistration.objects.get(person=omitted)
    assert reg.active and reg.added_reason == "objection_upheld"
    assert correction is not None and correction.version == 2 and correction.voters == 2
    assert correction.changes[0]["change"] == "增加" and correction.changes[0]["name"] == "漏登"
    objection.refresh_from_db()
    assert objection.outcome == "upheld" and objection.subject == omitted
    import subprocess

    path = tmp_path / "fix.pdf"
    path.write_bytes(list_notice_pdf(correction, publication.published_on))
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = "".join(text.split())  # the title is letter-spaced
    assert "红河限村选民名单补正榜" in text and "漏登" in text and number not in text


def test_an_upheld_objection_removes_one_wrongly_listed(cast, published):
    publication, listed = published
    objection = _record(cast, publication, kind="wrongly_listed", subject=listed)
    correction = objection_decide(
        actor=cast.village_clerk,
        objection=objection,
        outcome="upheld",
        decision="已迁出",
        decided_on=date(2026, 12, 6),
    )
    reg = VoterRegistration.objects.get(person=listed)
    assert not reg.active and reg.removed_reason == "objection_removed"
    assert correction is not None and correction.voters == 0


def test_a_rejected_objection_changes_nothing(cast, published):
    objection = _record(cast, published[0])
    assert (
        objection_decide(
            actor=cast.village_clerk,
            objection=objection,
            outcome="rejected",
            decision="不符合条件",
            decided_on=date(2026, 12, 6),
        )
        is None
    )
    assert VoterListPublication.objects.count() == 1
    with pytest.raises(ValidationError) as exc:
        objection_decide(
            actor=cast.village_clerk,
            objection=objection,
            outcome="upheld",
            decision="再议",
            decided_on=date(2026, 12, 6),
        )
    assert exc.value.messages == ["该申诉已处理"]


def test_upholding_an_omission_needs_the_person(cast, published):
    objection = _record(cast, published[0])
    with pytest.raises(ValidationError) as exc:
        objection_decide(
            actor=cast.village_clerk,
            objection=objection,
            outcome="upheld",
            decision="补登",
            decided_on=date(2026, 12, 6),
        )
    assert exc.value.messages == ["申诉成立需补登时，请填写被补登人员的身份证号及登记类别"]
