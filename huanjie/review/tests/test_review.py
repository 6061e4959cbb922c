"""The joint review: departments and the negative list, the three levels, batches, the
departments' answers, the conclusion, reuse of a clearance, isolation, the ledger."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from huanjie.accounts.models import Department
from huanjie.conftest import OTHER_TOWN_VILLAGE, Cast
from huanjie.nomination.models import Stage
from huanjie.people.models import Person
from huanjie.review import imports
from huanjie.review import services as s
from huanjie.review.models import (
    ConditionKind,
    DisqualifyingCondition,
    Review,
    ReviewAssignment,
    ReviewDepartment,
    ReviewLedgerImport,
    ReviewState,
)
from huanjie.review.tests.conftest import Reviewers, make_election, make_nominee, to_awaiting
from huanjie.uploads.services import upload_confirm, upload_preview
from huanjie.voters.tests.test_roll_cast import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def var_dir(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = str(tmp_path / "var")


def two_departments(cast: Cast, campaign: Any) -> None:
    """The defaults, with only 法院 and 公安 taking part (fewer answers to give)."""
    s.review_setup(actor=cast.county_officer, campaign=campaign)
    for d in ReviewDepartment.objects.filter(campaign=campaign):
        if d.department not in (Department.COURT, Department.PUBLIC_SECURITY):
            s.review_department_update(
                actor=cast.county_officer, department=d, name=d.name, active=False
            )


def sent_review(cast: Cast, campaign: Any, name: str = "祁国强", election: Any = None) -> Review:
    election = election or make_election(cast, campaign)
    nominee = make_nominee(cast, election, make_person(name)[0])
    review = s.review_start(actor=cast.village_clerk, nominee=nominee)
    to_awaiting(cast, review)
    batch = s.batch_create(actor=cast.county_officer, campaign=campaign, reviews=[review])
    s.batch_send(actor=cast.county_officer, batch=batch, sent_on=date(2026, 12, 1))
    review.refresh_from_db()
    return review


def answer(user: Any, review: Review, found: dict[str, str] | None = None) -> None:
    """The user's department answers: "无" on all, but `found` (condition text → note)."""
    found = found or {}
    a = ReviewAssignment.objects.get(review=review, department__department=s.department_of(user))
    s.review_answer(
        actor=user,
        assignment=a,
        answers=[
            s.Answer(condition=c, found=c.text in found, note=found.get(c.text, ""))
            for c in s.department_conditions(a.department)
        ],
    )


# ---------------------------------------------------------------------------------------------
# Departments and the negative list.


def test_setup_gives_the_default_departments_and_the_laws_bars(cast: Cast, campaign: Any) -> None:
    assert s.review_setup(actor=cast.county_officer, campaign=campaign)
    assert not s.review_setup(actor=cast.county_officer, campaign=campaign)
    names = list(ReviewDepartment.objects.filter(campaign=campaign).values_list("name", flat=True))
    assert names[:4] == ["纪委监委", "组织部", "政法委", "法院"] and len(names) == 11
    bars = DisqualifyingCondition.objects.filter(campaign=campaign).exclude(bar="")
    assert {b.text for b in bars} >= {"被开除中国共产党党籍", "因犯罪受过刑事处罚"}
    assert all(b.kind == ConditionKind.CANNOT_STAND and b.lookback_years is None for b in bars)


def test_the_laws_bars_cannot_be_removed_or_disabled(cast: Cast, campaign: Any) -> None:
    s.review_setup(actor=cast.county_officer, campaign=campaign)
    bar = DisqualifyingCondition.objects.get(campaign=campaign, bar="criminal_punishment")
    with pytest.raises(ValidationError, match="不能删除或停用"):
        s.condition_delete(actor=cast.county_officer, condition=bar)
    depts = list(bar.departments.all())
    with pytest.raises(ValidationError, match="不能删除或停用"):
        s.condition_update(
            actor=cast.county_officer,
            condition=bar,
            text=bar.text,
            kind=bar.kind,
            lookback_years=None,
            departments=depts,
            active=False,
        )
    with pytest.raises(ValidationError, match="不能修改"):
        s.condition_update(
            actor=cast.county_officer,
            condition=bar,
            text=bar.text,
            kind=ConditionKind.SHOULD_NOT_STAND,
            lookback_years=None,
            departments=depts,
            active=True,
        )
    # Its departments may change.
    court = ReviewDepartment.objects.get(campaign=campaign, department=Department.COURT)
    s.condition_update(
        actor=cast.county_officer,
        condition=bar,
        text=bar.text,
        kind=bar.kind,
        lookback_years=None,
        departments=[court],
        active=True,
    )
    assert list(bar.departments.all()) == [court]
    assert DisqualifyingCondition.objects.filter(pk=bar.pk, active=True).exists()


def test_the_county_edits_departments_and_conditions(cast: Cast, campaign: Any) -> None:
    s.review_setup(actor=cast.county_officer, campaign=campaign)
    land = s.review_department_add(
        actor=cast.county_officer, campaign=campaign, department=Department.NATURAL_RESOURCES
    )
    assert land.name == "自然资源局"
    with pytest.raises(ValidationError, match="已是联审部门"):
        s.review_department_add(
            actor=cast.county_officer, campaign=campaign, department=Department.COURT
        )
    s.review_department_update(
        actor=cast.county_officer, department=land, name="自然资源", active=True
    )
    c = s.condition_create(
        actor=cast.county_officer,
        campaign=campaign,
        text="违法占地拒不整改",
        kind=ConditionKind.SHOULD_NOT_STAND,
        lookback_years=3,
        departments=[land],
    )
    with pytest.raises(ValidationError, match="追溯年限"):
        s.condition_create(
            actor=cast.county_officer,
            campaign=campaign,
            text="x",
            kind=ConditionKind.SHOULD_NOT_STAND,
            lookback_years=0,
            departments=[],
        )
    s.condition_delete(actor=cast.county_officer, condition=c)
    assert not DisqualifyingCondition.objects.filter(pk=c.pk).exists()
    # Only the county edits them.
    with pytest.raises(ValidationError, match="无权办理"):
        s.review_department_add(
            actor=cast.town_officer, campaign=campaign, department=Department.TAX
        )
    with pytest.raises(ValidationError):
        s.review_setup(actor=cast.reviewer, campaign=campaign)


# ---------------------------------------------------------------------------------------------
# The three levels.


def test_the_levels_in_their_order(cast: Cast, campaign: Any) -> None:
    election = make_election(cast, campaign)
    nominee = make_nominee(cast, election, make_person("祁国强")[0])
    review = s.review_start(actor=cast.village_clerk, nominee=nominee)
    nominee.refresh_from_db()
    assert nominee.stage == Stage.UNDER_REVIEW and review.state == ReviewState.PRE_REVIEW
    with pytest.raises(ValidationError, match="已在资格审查中"):
        s.review_start(actor=cast.town_officer, nominee=nominee)
    # 预审 is the village's: neither the town nor the county passes it.
    for actor in (cast.town_officer, cast.county_officer):
        with pytest.raises(ValidationError, match="村级预审由村级办理"):
            s.review_pass(actor=actor, review=review)
    s.review_pass(actor=cast.village_clerk, review=review)
    assert review.state == ReviewState.TOWN_REVIEW
    for actor in (cast.village_clerk, cast.county_officer):
        with pytest.raises(ValidationError, match="乡镇初审由乡镇办理"):
            s.review_pass(actor=actor, review=review)
    s.review_pass(actor=cast.town_officer, review=review)
    assert review.state == ReviewState.AWAITING_BATCH
    states = list(review.history.values_list("from_state", "to_state"))
    assert states == [
        ("", "pre_review"),
        ("pre_review", "town_review"),
        ("town_review", "awaiting_batch"),
    ]
    # A batch takes only people past the 初审.
    other = s.review_start(
        actor=cast.county_officer, nominee=make_nominee(cast, election, make_person("马英")[0])
    )
    with pytest.raises(ValidationError, match="不是待县级联审"):
        s.batch_create(actor=cast.county_officer, campaign=campaign, reviews=[review, other])


def test_a_town_rejects(cast: Cast, campaign: Any) -> None:
    election = make_election(cast, campaign)
    nominee = make_nominee(cast, election, make_person("祁国强")[0])
    review = s.review_start(actor=cast.village_clerk, nominee=nominee)
    s.review_pass(actor=cast.village_clerk, review=review)
    with pytest.raises(ValidationError, match="请填写原因"):
        s.review_reject(actor=cast.town_officer, review=review, reason=" ")
    s.review_reject(actor=cast.town_officer, review=review, reason="长期外出")
    nominee.refresh_from_db()
    assert nominee.stage == Stage.DISQUALIFIED and not nominee.barred
    assert review.state == ReviewState.DISQUALIFIED


# ---------------------------------------------------------------------------------------------
# Batches, answers, the conclusion.


def test_batch_send_and_clearance_only_when_all_answered(
    cast: Cast, campaign: Any, reviewers: Reviewers
) -> None:
    two_departments(cast, campaign)
    review = sent_review(cast, campaign)
    assert review.batch is not None
    assert review.state == ReviewState.SENT and review.batch.number == 1
    depts = set(review.assignments.values_list("department__department", flat=True))
    assert depts == {Department.COURT, Department.PUBLIC_SECURITY}
    with pytest.raises(ValidationError, match="已于"):
        s.batch_send(actor=cast.county_officer, batch=review.batch, sent_on=date(2026, 12, 2))
    # An answer must cover every condition of the department.
    a = review.assignments.get(department__department=Department.COURT)
    with pytest.raises(ValidationError, match="缺"):
        s.review_answer(actor=reviewers.court, assignment=a, answers=[])
    # Another department's reviewer may not answer it.
    with pytest.raises(ValidationError, match="未送本部门"):
        s.review_answer(actor=reviewers.police, assignment=a, answers=[])
    answer(reviewers.court, review)
    with pytest.raises(ValidationError, match="还有部门未答复：公安"):
        s.review_conclude(actor=cast.county_officer, review=review)
    answer(reviewers.police, review)
    with pytest.raises(ValidationError, match="县级"):
        s.review_conclude(actor=cast.town_officer, review=review)
    s.review_conclude(actor=cast.county_officer, review=review)
    review.nominee.refresh_from_db()
    assert review.state == ReviewState.CLEARED and review.nominee.stage == Stage.QUALIFIED
    assert review.fingerprint == s.person_fingerprint(review.person)


def test_a_should_not_stand_finding_disqualifies_without_a_bar(
    cast: Cast, campaign: Any, reviewers: Reviewers
) -> None:
    two_departments(cast, campaign)
    review = sent_review(cast, campaign)
    answer(reviewers.court, review)
    answer(reviewers.police, review, {"受过行政拘留处罚未满5年": "2024年因打架被行政拘留10日"})
    s.review_conclude(actor=cast.county_officer, review=review)
    review.nominee.refresh_from_db()
    assert review.nominee.stage == Stage.DISQUALIFIED and not review.nominee.barred


def test_a_cannot_stand_finding_bars_the_person_everywhere(
    cast: Cast, campaign: Any, reviewers: Reviewers
) -> None:
    person, _ = make_person("祁国强")
    party = make_election(cast, campaign, body="party")
    on_party = make_nominee(cast, party, person)
    # Qualified before the county set the review up (after it, only its clearance qualifies).
    s.nomination.nominee_send_to_review(actor=cast.county_officer, nominee=on_party)
    s.nomination.nominee_qualify(actor=cast.county_officer, nominee=on_party)
    two_departments(cast, campaign)
    committee = make_election(cast, campaign)
    nominee = make_nominee(cast, committee, person)
    review = s.review_start(actor=cast.village_clerk, nominee=nominee)
    to_awaiting(cast, review)
    batch = s.batch_create(actor=cast.county_officer, campaign=campaign, reviews=[review])
    s.batch_send(actor=cast.county_officer, batch=batch, sent_on=date(2026, 12, 1))
    review.refresh_from_db()
    answer(reviewers.court, review, {"因犯罪受过刑事处罚": "2019年因盗窃罪被判处有期徒刑一年"})
    answer(reviewers.police, review)
    s.review_conclude(actor=cast.county_officer, review=review)
    nominee.refresh_from_db()
    on_party.refresh_from_db()
    assert nominee.stage == Stage.DISQUALIFIED and nominee.barred
    assert "第十八条" in nominee.disqualified_reason  # the engine's article
    assert on_party.stage == Stage.WITHDRAWN and "不得作为候选人" in on_party.withdrawn_reason
    # Never proposed again in the campaign, by any service.
    other = make_election(cast, campaign, village=OTHER_TOWN_VILLAGE)
    with pytest.raises(ValidationError, match="不得作为候选人"):
        make_nominee(cast, other, person)


def test_a_cleared_person_is_not_sent_again_unless_changed(
    cast: Cast, campaign: Any, reviewers: Reviewers
) -> None:
    two_departments(cast, campaign)
    review = sent_review(cast, campaign)
    answer(reviewers.court, review)
    answer(reviewers.police, review)
    s.review_conclude(actor=cast.county_officer, review=review)
    person = review.person
    party = make_election(cast, campaign, body="party")
    second = s.review_start(actor=cast.county_officer, nominee=make_nominee(cast, party, person))
    to_awaiting(cast, second)
    second.nominee.refresh_from_db()
    assert second.state == ReviewState.CLEARED and second.reused_from == review
    assert second.nominee.stage == Stage.QUALIFIED
    assert "沿用第1批" in second.history.latest("id").reason
    # A changed record goes to the county again.
    Person.objects.filter(pk=person.pk).update(name="祁国强强")
    supervision = make_election(cast, campaign, body="supervision")
    third = s.review_start(
        actor=cast.county_officer,
        nominee=make_nominee(cast, supervision, Person.objects.get(pk=person.pk)),
    )
    to_awaiting(cast, third)
    assert third.state == ReviewState.AWAITING_BATCH


# ---------------------------------------------------------------------------------------------
# Pages: isolation.


def test_a_department_sees_only_its_queue(cast: Cast, campaign: Any, reviewers: Reviewers) -> None:
    two_departments(cast, campaign)
    review = sent_review(cast, campaign)
    court = review.assignments.get(department__department=Department.COURT)
    police = review.assignments.get(department__department=Department.PUBLIC_SECURITY)
    page = cast.client(reviewers.court).get(reverse("review:queue"))
    assert page.status_code == 200 and "祁国强" in page.content.decode()
    assert review.person.id_masked in page.content.decode()
    home = cast.client(reviewers.court).get("/")
    assert "联审任务" in home.content.decode() and "暂无换届工作" not in home.content.decode()
    urls = [reverse("review:answer", args=[court.pk])]
    assert cast.client(reviewers.court).get(urls[0]).status_code == 200
    assert cast.client(reviewers.police).get(urls[0]).status_code == 404
    assert (
        cast.client(reviewers.police).get(reverse("review:answer", args=[police.pk])).status_code
        == 200
    )
    for user in (
        reviewers.other_county_court,
        cast.town_officer,
        cast.village_clerk,
        cast.inspector,
    ):
        client = cast.client(user)
        assert client.get(urls[0]).status_code == 404, user
        if user != reviewers.other_county_court:  # its own (empty) queue
            assert client.get(reverse("review:queue")).status_code == 404, user
    empty = cast.client(reviewers.other_county_court).get(reverse("review:queue"))
    assert "祁国强" not in empty.content.decode()
    # The county's pages are not the departments' nor the town's.
    for user in (reviewers.court, cast.town_officer, cast.other_county_officer):
        client = cast.client(user)
        assert (
            client.get(
                reverse("review:batch_detail", args=[campaign.pk, review.batch_id])
            ).status_code
            == 404
        )
    assert (
        cast.client(cast.other_county_officer)
        .get(reverse("review:campaign_home", args=[campaign.pk]))
        .status_code
        == 404
    )


def test_the_answer_form(cast: Cast, campaign: Any, reviewers: Reviewers) -> None:
    two_departments(cast, campaign)
    review = sent_review(cast, campaign)
    a = review.assignments.get(department__department=Department.COURT)
    conditions = s.department_conditions(a.department)
    data: dict[str, Any] = {}
    for c in conditions:
        data[f"c{c.pk}_found"] = "0"
        data[f"c{c.pk}_note"] = ""
    bar = next(c for c in conditions if c.bar == "criminal_punishment")
    data[f"c{bar.pk}_found"] = "1"
    client = cast.client(reviewers.court)
    page = client.post(reverse("review:answer", args=[a.pk]), data)
    assert page.status_code == 200 and "请填写说明" in page.content.decode()
    data[f"c{bar.pk}_note"] = "2019年判处有期徒刑一年"
    data[f"c{bar.pk}_file"] = SimpleUploadedFile("判决书.pdf", b"%PDF-1.4 test", "application/pdf")
    assert client.post(reverse("review:answer", args=[a.pk]), data).status_code == 302
    finding = a.findings.get(condition=bar)
    assert finding.found and finding.attachment_name == "判决书.pdf"
    assert b"%PDF-1.4 test" not in Path(finding.attachment_path).read_bytes()  # sealed
    got = client.get(reverse("review:attachment", args=[a.pk, finding.pk]))
    assert got.status_code == 200 and got.content == b"%PDF-1.4 test"
    assert (
        cast.client(reviewers.police)
        .get(reverse("review:attachment", args=[a.pk, finding.pk]))
        .status_code
        == 404
    )


# ---------------------------------------------------------------------------------------------
# The ledger.


def _sheet(content: bytes) -> list[list[Any]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [list(r) for r in book.active.iter_rows(values_only=True)]


def test_ledger_export_has_masked_ids_only(cast: Cast, campaign: Any, reviewers: Reviewers) -> None:
    two_departments(cast, campaign)
    election = make_election(cast, campaign)
    person, number = make_person("韩秀英")
    nominee = make_nominee(cast, election, person)
    review = s.review_start(actor=cast.village_clerk, nominee=nominee)
    to_awaiting(cast, review)
    batch = s.batch_create(actor=cast.county_officer, campaign=campaign, reviews=[review])
    s.batch_send(actor=cast.county_officer, batch=batch, sent_on=date(2026, 12, 1))
    response = cast.client(cast.county_officer).get(
        reverse("review:ledger_xlsx", args=[campaign.pk])
    )
    rows = _sheet(response.content)
    assert rows[0] == list(imports.HEADER)
    assert len(rows) == 3  # one row per person and department
    assert {r[6] for r in rows[1:]} == {"法院", "公安"}
    assert rows[1][:5] == ["第1批", "桥头镇", "红河限村委会", "韩秀英", person.id_masked]
    assert number not in str(rows)
    mine = _sheet(
        cast.client(reviewers.court).get(reverse("review:ledger_xlsx", args=[campaign.pk])).content
    )
    assert [r[6] for r in mine[1:]] == ["法院"]


def _upload(rows: list[list[Any]]) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    for r in rows:
        book.active.append(r)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("台账.xlsx", out.getvalue())


def test_ledger_upload_round_trip(cast: Cast, campaign: Any, reviewers: Reviewers) -> None:
    two_departments(cast, campaign)
    first = sent_review(cast, campaign, "韩秀英")
    rows = _sheet(imports.ledger_xlsx(campaign, department=Department.PUBLIC_SECURITY))
    criminal = DisqualifyingCondition.objects.get(campaign=campaign, bar="criminal_punishment")
    # A bad row: an unknown condition number, and a person not in the batch.
    bad = [r[:] for r in rows]
    bad[1][8], bad[1][9], bad[1][10] = "有", "99", "说明"
    bad.append(["第1批", "", "", "无此人", "630121********0000", "", "公安", "", "无", "", ""])
    job = upload_preview(
        importer=imports.LEDGER,
        actor=reviewers.police,
        scope=campaign.region,
        upload=_upload(bad),
        campaign=campaign,
    )
    assert job.status == "rejected"
    problems = {(p["row"], p["field"]) for p in job.problems}
    assert problems == {(2, "存在的情形"), (3, "姓名")}
    assert not ReviewAssignment.objects.filter(review=first, answered_at__isnull=False).exists()
    # The sheet filled in right.
    rows[1][8], rows[1][9], rows[1][10] = "有", str(criminal.number), "2019年判处有期徒刑"
    job = upload_preview(
        importer=imports.LEDGER,
        actor=reviewers.police,
        scope=campaign.region,
        upload=_upload(rows),
        campaign=campaign,
    )
    assert job.status == "preview", job.problems
    job = upload_confirm(importer=imports.LEDGER, actor=reviewers.police, job=job)
    assert isinstance(job, ReviewLedgerImport)
    assert job.status == "succeeded" and job.answered == 1 and job.found == 1
    a = first.assignments.get(department__department=Department.PUBLIC_SECURITY)
    assert a.answered_at is not None and a.findings.get(condition=criminal).found
    # Another department's reviewer cannot open the job.
    assert (
        cast.client(reviewers.court)
        .get(reverse("review:ledger_import_job", args=[job.pk]))
        .status_code
        == 404
    )
    assert (
        cast.client(reviewers.police)
        .get(reverse("review:ledger_import_job", args=[job.pk]))
        .status_code
        == 200
    )


def test_ledger_import_command(
    cast: Cast, campaign: Any, reviewers: Reviewers, tmp_path: Path
) -> None:
    from django.core.management import call_command

    two_departments(cast, campaign)
    review = sent_review(cast, campaign, "韩秀英")
    rows = _sheet(imports.ledger_xlsx(campaign, department=Department.COURT))
    rows[1][8] = "无"
    path = tmp_path / "court.xlsx"
    path.write_bytes(_upload(rows).read())
    call_command(
        "import", "review_ledger", str(path), scope="630121", campaign=campaign.pk, user="reviewer"
    )
    assert review.assignments.get(department__department=Department.COURT).answered_at
