"""Corrections and recounts (issue 12 items 1 and 5): chosen boxes of a certified result get
corrected figures, side by side with the originals; the recomputed outcome, approved by a second
person at the county, is the next version, and the roster follows it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from huanjie.accounts.models import Role
from huanjie.audit.models import AuditEvent
from huanjie.conftest import TOWN, _user
from huanjie.polls import figures as count_figures
from huanjie.results.models import (
    Correction,
    CorrectionStatus,
    ResultHistory,
    ResultVersion,
    VersionStatus,
)
from huanjie.results.services import corrections as svc
from huanjie.results.services.certify import MSG_CORRECTION_OPEN
from huanjie.results.tests.matrix_corrections import sheet
from huanjie.voters.tests.test_one_place import (
    _at_once,
    flushable,  # noqa: F401 (a fixture)
    postgres_only,
)

AMEND, RECOUNT = "amend", "recount"


def recomputes(version: ResultVersion) -> bool:
    """`huanjie verify` recomputes the version's canonical file to the same result."""
    from huanjie.results.verify import verify_document

    found = verify_document(version.document)
    assert found.findings == () and found.problem == "", found
    return found.matches


def county(username: str, name: str) -> Any:
    return _user(username, name, "630121", Role.COUNTY_OFFICER)


def opened(closed: Any, actor: Any, kind: str = AMEND) -> Correction:
    return svc.correction_open(
        actor=actor,
        election=closed.election,
        poll=closed.poll,
        kind=kind,
        reason="计票结果报告单录入错误" if kind == AMEND else "有选民举报计票不实",
        boxes=[closed.box],
    )


def entered(closed: Any, correction: Correction, actor: Any, **changes: int) -> Any:
    original = correction.boxes.get().original
    return svc.correction_enter(
        actor=actor,
        correction=correction,
        box=closed.box,
        figures=sheet(closed.poll, original, **changes),
    )


# 陈静 loses a vote to 赵敏: 9 against 5, still elected.
ONE_VOTE = {"votes__member__陈静": 9, "votes__member__赵敏": 5}
# 陈静 and 赵敏 swap: 赵敏 elected member instead of 陈静.
SWAPPED = {"votes__member__陈静": 4, "votes__member__赵敏": 10}


def elected(version) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Who the version's outcome elects (the roster follows it: huanjie/rosters/tests)."""
    return sorted((e["post"], e["name"]) for e in version.document["outcome"]["elected"])


def test_an_amendment_that_keeps_the_winners_is_version_2(certified, closed):
    correction = opened(closed, closed.cast.town_officer)
    row = correction.boxes.get()
    assert row.original["votes"]["member"]["陈静"] == 10  # as certified
    entered(closed, correction, closed.cast.town_officer, **ONE_VOTE)
    version = svc.correction_submit(actor=closed.cast.town_officer, correction=correction)
    assert (version.number, version.status) == (2, VersionStatus.PROPOSED)
    assert version.correction == correction
    assert version.reason == "更正计票数据：计票结果报告单录入错误"
    poll = version.document["polls"][0]
    assert poll["output"]["posts"][1]["votes"]["陈静"] == 9
    assert poll["input"]["poll_file"]["counted"]["votes"]["member"]["赵敏"] == 5
    # Only the figures changed: the rest of the frozen poll file stays as it was.
    frozen = certified.document["polls"][0]["input"]["poll_file"]
    same = {k: v for k, v in frozen.items() if k not in svc.FIGURE_KEYS}
    assert {k: v for k, v in poll["input"]["poll_file"].items() if k in same} == same

    svc.correction_approve(actor=closed.county2, correction=correction, note="核对报告单无误")
    certified.refresh_from_db()
    version.refresh_from_db()
    correction.refresh_from_db()
    assert certified.status == VersionStatus.SUPERSEDED
    assert version.status == VersionStatus.CERTIFIED
    assert version.certified_by == closed.county2
    assert correction.status == CorrectionStatus.APPROVED
    assert (correction.decided_by, correction.decision_note) == (closed.county2, "核对报告单无误")
    assert elected(version) == elected(certified)
    # Every move has its history row and its audit event.
    moves = [(h.version.number, h.from_status, h.to_status) for h in ResultHistory.objects.all()]
    assert moves == [
        (1, "", "town_certified"),
        (1, "town_certified", "certified"),
        (2, "", "proposed"),
        (1, "certified", "superseded"),
        (2, "proposed", "certified"),
    ]
    events = list(
        AuditEvent.objects.filter(action__startswith="result.correction_")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert events == [
        "result.correction_open",
        "result.correction_enter",
        "result.correction_submit",
        "result.correction_approve",
    ]


def test_a_recount_that_changes_a_winner(certified, closed):
    recount = opened(closed, closed.cast.county_officer, RECOUNT)
    entered(closed, recount, closed.cast.town_officer, **SWAPPED)
    preview = svc.correction_preview(recount)
    assert preview.errors == []
    members = [e["name"] for e in preview.outcome["elected"] if e["post"] == "member"]
    assert "赵敏" in members and "陈静" not in members
    version = svc.correction_submit(actor=closed.cast.town_officer, correction=recount)
    assert version.reason == "重新计票：有选民举报计票不实"
    assert recomputes(version)
    svc.correction_approve(actor=closed.county2, correction=recount, note="")
    version.refresh_from_db()
    assert version.status == VersionStatus.CERTIFIED
    assert elected(version) == [
        ("director", "张伟"),
        ("member", "刘洋"),
        ("member", "王芳"),
        ("member", "赵敏"),
    ]


def test_who_opened_or_entered_cannot_approve(certified, closed):
    third = county("county3", "韩永福")
    correction = opened(closed, closed.cast.county_officer)
    entered(closed, correction, closed.county2, **ONE_VOTE)
    svc.correction_submit(actor=closed.county2, correction=correction)
    with pytest.raises(ValidationError, match="提出更正的人不能批准"):
        svc.correction_approve(actor=closed.cast.county_officer, correction=correction)
    with pytest.raises(ValidationError, match="录入更正数字的人不能批准"):
        svc.correction_approve(actor=closed.county2, correction=correction)
    assert ResultVersion.objects.get(number=2).status == VersionStatus.PROPOSED
    svc.correction_approve(actor=third, correction=correction)
    assert ResultVersion.objects.get(number=2).status == VersionStatus.CERTIFIED


def test_a_town_account_neither_orders_a_recount_nor_approves_nor_rejects(certified, closed):
    with pytest.raises(ValidationError, match="重新计票须由县级工作人员决定"):
        opened(closed, closed.cast.town_officer, RECOUNT)
    correction = opened(closed, closed.cast.town_officer)
    entered(closed, correction, closed.cast.town_officer, **ONE_VOTE)
    svc.correction_submit(actor=closed.cast.town_officer, correction=correction)
    with pytest.raises(ValidationError, match="批准更正须由县级工作人员进行"):
        svc.correction_approve(actor=closed.town2, correction=correction)
    with pytest.raises(ValidationError, match="驳回更正须由县级工作人员进行"):
        svc.correction_reject(actor=closed.town2, correction=correction, note="不同意")
    with pytest.raises(ValidationError):
        svc.correction_approve(actor=closed.cast.village_clerk, correction=correction)
    with pytest.raises(ValidationError):
        svc.correction_approve(actor=closed.cast.other_county_officer, correction=correction)
    assert ResultVersion.objects.get(number=2).status == VersionStatus.PROPOSED


def test_who_ordered_a_recount_does_not_count_it(certified, closed):
    recount = opened(closed, closed.cast.county_officer, RECOUNT)
    with pytest.raises(ValidationError, match="决定重新计票的人以外"):
        entered(closed, recount, closed.cast.county_officer, **SWAPPED)
    entered(closed, recount, closed.county2, **SWAPPED)


def test_a_second_approval_finds_the_correction_approved(certified, closed):
    third = county("county3", "韩永福")
    correction = opened(closed, closed.cast.town_officer)
    entered(closed, correction, closed.cast.town_officer, **ONE_VOTE)
    svc.correction_submit(actor=closed.cast.town_officer, correction=correction)
    svc.correction_approve(actor=closed.county2, correction=correction)
    with pytest.raises(ValidationError, match="已批准"):
        svc.correction_approve(actor=third, correction=correction)
    assert ResultVersion.objects.filter(status=VersionStatus.CERTIFIED).count() == 1
    assert ResultVersion.objects.count() == 2


def test_figures_that_break_a_count_check_are_refused_at_submit(certified, closed):
    correction = opened(closed, closed.cast.town_officer)
    # 13 valid and 1 invalid ballots, but 15 returned.
    entered(closed, correction, closed.cast.town_officer, valid=13, votes__member__陈静=9)
    with pytest.raises(ValidationError) as caught:
        svc.correction_submit(actor=closed.cast.town_officer, correction=correction)
    assert caught.value.messages[0] == (
        "C06 票箱“中心会场”有效票13张、无效票1张，合计14张，不等于收回的15张"
    )
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.OPEN
    assert ResultVersion.objects.count() == 1


def test_a_correction_that_changes_what_must_follow_is_refused(certified, closed):
    correction = opened(closed, closed.cast.town_officer)
    # 张伟 7, 李强 7: nobody has more than half of the 15 who voted.
    entered(
        closed,
        correction,
        closed.cast.town_officer,
        votes__director__张伟=7,
        votes__director__李强=7,
    )
    with pytest.raises(ValidationError) as caught:
        svc.correction_submit(actor=closed.cast.town_officer, correction=correction)
    assert caught.value.messages[0] == svc.MSG_FOLLOWING
    assert "第1轮投票" in caught.value.messages[1]
    assert ResultVersion.objects.count() == 1


def test_an_amendment_that_changes_nothing_is_refused_but_a_recount_confirming_is_kept(
    certified, closed
):
    correction = opened(closed, closed.cast.town_officer)
    entered(closed, correction, closed.cast.town_officer)
    with pytest.raises(ValidationError, match="无须更正"):
        svc.correction_submit(actor=closed.cast.town_officer, correction=correction)
    svc.correction_withdraw(actor=closed.cast.town_officer, correction=correction)
    recount = opened(closed, closed.cast.county_officer, RECOUNT)
    entered(closed, recount, closed.cast.town_officer)
    version = svc.correction_submit(actor=closed.cast.town_officer, correction=recount)
    assert version.document["outcome"] == certified.document["outcome"]
    svc.correction_approve(actor=closed.county2, correction=recount)
    version.refresh_from_db()
    assert version.status == VersionStatus.CERTIFIED


def test_reject_and_withdraw_leave_the_version_in_force(certified, closed):
    correction = opened(closed, closed.cast.town_officer)
    entered(closed, correction, closed.cast.town_officer, **ONE_VOTE)
    version = svc.correction_submit(actor=closed.cast.town_officer, correction=correction)
    with pytest.raises(ValidationError, match="请填写驳回理由"):
        svc.correction_reject(actor=closed.county2, correction=correction, note=" ")
    svc.correction_reject(actor=closed.county2, correction=correction, note="报告单照片显示为10票")
    version.refresh_from_db()
    assert version.status == VersionStatus.REJECTED
    assert version.history.order_by("id").last().reason == "报告单照片显示为10票"  # type: ignore[union-attr]
    certified.refresh_from_db()
    assert certified.status == VersionStatus.CERTIFIED
    with pytest.raises(ValidationError, match="未批准"):
        svc.correction_approve(actor=closed.county2, correction=correction)

    # The next correction is version 3; the town's own one it may withdraw, another's not.
    again = opened(closed, closed.cast.county_officer)
    with pytest.raises(ValidationError, match="只有提出更正的人或县级工作人员"):
        svc.correction_withdraw(actor=closed.cast.town_officer, correction=again)
    entered(closed, again, closed.cast.county_officer, **ONE_VOTE)
    assert svc.correction_submit(actor=closed.county2, correction=again).number == 3
    svc.correction_withdraw(actor=closed.cast.county_officer, correction=again)
    again.refresh_from_db()
    assert again.status == CorrectionStatus.WITHDRAWN
    assert ResultVersion.objects.get(number=3).status == VersionStatus.REJECTED
    assert [v.status for v in ResultVersion.objects.order_by("number")] == [
        "certified",
        "rejected",
        "rejected",
    ]
    with pytest.raises(ValidationError, match="已撤回"):
        svc.correction_withdraw(actor=closed.cast.county_officer, correction=again)


def test_opening_needs_a_version_in_force_a_reason_boxes_of_the_poll_and_one_at_a_time(
    closed,
):
    with pytest.raises(ValidationError, match="尚未确认生效"):
        opened(closed, closed.cast.town_officer)
    from huanjie.results.services.certify import result_certify_county, result_certify_town

    version = result_certify_town(actor=closed.cast.town_officer, election=closed.election)
    with pytest.raises(ValidationError, match="尚未确认生效"):
        opened(closed, closed.cast.town_officer)
    result_certify_county(actor=closed.cast.county_officer, version=version)
    base = {
        "actor": closed.cast.town_officer,
        "election": closed.election,
        "poll": closed.poll,
        "kind": AMEND,
        "reason": "录入错误",
        "boxes": [closed.box],
    }
    with pytest.raises(ValidationError, match="请填写更正原因"):
        svc.correction_open(**{**base, "reason": "  "})
    with pytest.raises(ValidationError, match="不能超过400个字"):
        svc.correction_open(**{**base, "reason": "错" * 401})
    with pytest.raises(ValidationError, match="请至少选择一个票箱"):
        svc.correction_open(**{**base, "boxes": []})
    with pytest.raises(ValidationError, match="选择了两次"):
        svc.correction_open(**{**base, "boxes": [closed.box, closed.box]})
    with pytest.raises(ValidationError, match="更正类别"):
        svc.correction_open(**{**base, "kind": "rewrite"})
    svc.correction_open(**base)
    with pytest.raises(ValidationError, match=MSG_CORRECTION_OPEN):
        svc.correction_open(**base)
    assert Correction.objects.count() == 1


def test_a_box_or_poll_of_another_election_is_refused(certified, closed, cast):
    from huanjie.polls.tests.conftest import make_world
    from huanjie.results.tests.conftest import close_poll

    other = make_world(cast, voters=8, term=14)
    poll, box = close_poll(other)
    base = {
        "actor": closed.cast.town_officer,
        "election": closed.election,
        "kind": AMEND,
        "reason": "录入错误",
    }
    with pytest.raises(ValidationError, match="不属于所选投票"):
        svc.correction_open(**base, poll=closed.poll, boxes=[box])
    with pytest.raises(ValidationError, match="所选投票不在现行选举结果中"):
        svc.correction_open(**base, poll=poll, boxes=[box])


def test_entering_checks_the_figures_as_a_sheet_and_overwrites_until_submitted(certified, closed):
    correction = opened(closed, closed.cast.town_officer)
    original = correction.boxes.get().original
    good = sheet(closed.poll, original, **ONE_VOTE)
    enter = {"actor": closed.cast.town_officer, "correction": correction, "box": closed.box}
    with pytest.raises(ValidationError) as caught:
        svc.correction_enter(**enter, figures={**good, "returned": -1})
    assert caught.value.message_dict == {"returned": ["请填写非负整数"]}
    with pytest.raises(ValidationError) as caught:
        svc.correction_enter(**enter, figures={**good, "votes": {"member": {"王芳": 3}}})
    assert "votes.member.刘洋" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        svc.correction_enter(**enter, figures={**good, "votes": {**good["votes"], "deputy": {}}})
    assert caught.value.message_dict == {"votes.deputy": ["本次投票没有“deputy”职位"]}
    with pytest.raises(ValidationError, match="不逐张录入选票"):
        svc.correction_enter(**enter, figures={**good, "ballots": []})
    with pytest.raises(ValidationError, match="计票结果格式不正确"):
        svc.correction_enter(**enter, figures=["returned"])  # type: ignore[arg-type]
    # A new write-in is allowed, as on the day; a name too long is not.
    votes = {**good["votes"], "member": {**good["votes"]["member"], "马成林": 1}}
    row = svc.correction_enter(**enter, figures={**good, "votes": votes})
    assert row.corrected is not None
    assert row.corrected["votes"]["member"]["马成林"] == 1
    with pytest.raises(ValidationError, match="姓名应为1至20个字"):
        svc.correction_enter(
            **enter, figures={**good, "votes": {**good["votes"], "member": {"王" * 21: 1}}}
        )
    row = svc.correction_enter(**enter, figures=good)
    assert row.corrected is not None
    assert "马成林" not in row.corrected["votes"]["member"]
    assert row.entered_by == closed.cast.town_officer
    svc.correction_submit(actor=closed.cast.town_officer, correction=correction)
    with pytest.raises(ValidationError, match="待批准"):
        svc.correction_enter(**enter, figures=good)
    # A box outside the correction.
    from huanjie.polls.models import BallotBox

    extra = BallotBox.objects.create(poll=closed.poll, name="流动票箱", issued=0, mobile=True)
    correction2 = Correction.objects.create(
        result=correction.result,
        poll=closed.poll,
        kind=AMEND,
        status=CorrectionStatus.OPEN,
        reason="x",
        opened_by=closed.cast.town_officer,
    )
    with pytest.raises(ValidationError, match="不在本次更正之中"):
        svc.correction_enter(**{**enter, "correction": correction2, "box": extra}, figures=good)


def test_submitting_needs_every_box_entered(certified, closed):
    correction = opened(closed, closed.cast.town_officer)
    with pytest.raises(ValidationError, match="尚未录入更正后的数字"):
        svc.correction_submit(actor=closed.cast.town_officer, correction=correction)


def test_a_later_correction_starts_from_the_corrected_figures(certified, closed):
    first = opened(closed, closed.cast.town_officer)
    entered(closed, first, closed.cast.town_officer, **ONE_VOTE)
    svc.correction_submit(actor=closed.cast.town_officer, correction=first)
    svc.correction_approve(actor=closed.county2, correction=first)
    second = opened(closed, closed.cast.town_officer)
    original = second.boxes.get().original
    assert original["votes"]["member"]["陈静"] == 9
    assert "ballots" not in original  # corrected figures are a sheet's
    entered(closed, second, closed.cast.town_officer, **SWAPPED)
    version = svc.correction_submit(actor=closed.cast.town_officer, correction=second)
    assert version.number == 3
    svc.correction_approve(actor=closed.county2, correction=second)
    assert [v.status for v in ResultVersion.objects.order_by("number")] == [
        "superseded",
        "superseded",
        "certified",
    ]


# A first poll that fills the director's seat and two of three members' (王芳 12, 刘洋 11; 陈静 6
# and 赵敏 5 short of half): a supplementary poll for the third, held and closed.
SHORT: list[dict[str, Any]] = [
    {"n": 6, "director": ["张伟"], "member": ["王芳", "刘洋", "陈静"]},
    {"n": 3, "director": ["张伟"], "member": ["王芳", "刘洋"]},
    {"n": 3, "director": ["李强"], "member": ["王芳", "赵敏"]},
    {"n": 2, "director": ["李强"], "member": ["刘洋", "赵敏"]},
    {"n": 1, "invalid": True},
]


@pytest.fixture
def two_polls(cast):
    from huanjie.polls.models import PollKind
    from huanjie.polls.services.closing import poll_close
    from huanjie.polls.tests.closing_helpers import agreed_sheet, figures_of, to_counting
    from huanjie.polls.tests.conftest import make_world
    from huanjie.results.services.certify import result_certify_county, result_certify_town
    from huanjie.results.tests.conftest import close_poll, paper_ready

    world = make_world(cast, voters=8)
    first, box = close_poll(world, SHORT)
    second = first.followed_by.get()
    assert second.kind == PollKind.SUPPLEMENTARY
    names = [c.name for c in second.posts.get().candidates.order_by("position")]
    box2 = to_counting(world, second, voted=15)
    agreed_sheet(second, box2, figures_of([{"n": 10, "member": [names[0]]}, {"n": 5}]))
    poll_close(actor=cast.town_officer, poll=second)
    second.refresh_from_db()
    for poll in (first, second):
        paper_ready(cast.town_officer, poll)
    version = result_certify_town(actor=cast.town_officer, election=world.election)
    version = result_certify_county(actor=cast.county_officer, version=version)
    return world, first, box, second, version, names[0]


def test_a_recount_of_an_earlier_poll_counts_the_later_ones_on_its_winners(two_polls, cast):
    world, first, box, _second, v1, third_member = two_polls
    county2 = county("county2", "李秀英")
    before = v1.document["polls"][1]["input"]["poll_file"]["elected_before"]
    assert ("director", "张伟") in [(e["post"], e["name"]) for e in before]
    recount = svc.correction_open(
        actor=cast.county_officer,
        election=world.election,
        poll=first,
        kind=RECOUNT,
        reason="有选民举报村主任选票计错",
        boxes=[box],
    )
    original = recount.boxes.get().original
    svc.correction_enter(
        actor=cast.town_officer,
        correction=recount,
        box=box,
        figures=sheet(first, original, votes__director__张伟=5, votes__director__李强=9),
    )
    version = svc.correction_submit(actor=cast.town_officer, correction=recount)
    polls = version.document["polls"]
    assert polls[0]["output"]["next"] == v1.document["polls"][0]["output"]["next"]
    later = polls[1]["input"]["poll_file"]["elected_before"]
    assert ("director", "李强") in [(e["post"], e["name"]) for e in later]
    assert ("director", "张伟") not in [(e["post"], e["name"]) for e in later]
    assert polls[1]["sha256"] != v1.document["polls"][1]["sha256"]
    assert polls[1]["output"]["elected"] == [third_member]
    assert recomputes(version)
    svc.correction_approve(actor=county2, correction=recount)
    version.refresh_from_db()
    assert ("director", "李强") in elected(version)
    assert ("member", third_member) in elected(version)
    assert ("director", "张伟") not in elected(version)


def test_the_town_officer_of_another_town_is_refused(certified, closed):
    other = _user("towncity", "马国良", "630121101", Role.TOWN_OFFICER)
    with pytest.raises(ValidationError):
        opened(closed, other)
    assert TOWN != "630121101"


# ---------------------------------------------------------------------------------------------
# The pages.


def _form(poll: Any, original: dict[str, Any], **changes: int) -> dict[str, Any]:
    """The box form as posted: every field of the sheet by its flat name."""
    flat = count_figures.flatten(sheet(poll, original, **changes))
    return {k: str(v) for k, v in flat.items()}


def test_the_pages_take_a_correction_from_opening_to_approval(certified, closed):
    from django.urls import reverse

    town = closed.cast.client(closed.cast.town_officer)
    page = town.get(reverse("results:corrections", args=[closed.election.pk]))
    assert page.status_code == 200
    assert 'data-testid="open-form"' in page.text
    assert 'value="recount"' not in page.text  # a recount is the county's
    county_page = closed.cast.client(closed.cast.county_officer).get(
        reverse("results:corrections", args=[closed.election.pk])
    )
    assert 'value="recount"' in county_page.text

    answer = town.post(
        reverse("results:correction_open", args=[closed.election.pk]),
        {
            "kind": AMEND,
            "poll": closed.poll.pk,
            "boxes": [closed.box.pk],
            "reason": "报告单录入错误",
        },
    )
    correction = Correction.objects.get()
    assert answer.url == reverse("results:correction", args=[correction.pk])
    form_url = reverse("results:correction_box", args=[correction.pk, closed.box.pk])
    form = town.get(form_url)
    assert form.status_code == 200
    assert (
        'name="votes.member.陈静" value="10"' in form.text
    )  # an amendment starts from the original

    bad = town.post(form_url, {**_form(closed.poll, correction.boxes.get().original), "valid": "x"})
    assert bad.status_code == 400
    assert "请填写非负整数" in bad.text
    saved = town.post(form_url, _form(closed.poll, correction.boxes.get().original, **ONE_VOTE))
    assert saved.status_code == 302
    session = town.get(reverse("results:correction", args=[correction.pk]))
    assert session.text.count('data-testid="diff"') == 2
    assert 'data-testid="winners-same"' in session.text
    assert 'data-testid="submit-correction"' in session.text
    assert 'data-testid="approve-correction"' not in session.text

    town.post(reverse("results:correction_submit", args=[correction.pk]))
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.PROPOSED
    approver = closed.cast.client(closed.county2)
    session = approver.get(reverse("results:correction", args=[correction.pk]))
    assert 'data-testid="approve-correction"' in session.text
    approver.post(reverse("results:correction_approve", args=[correction.pk]), {"note": "同意"})
    assert ResultVersion.objects.get(number=2).status == VersionStatus.CERTIFIED
    listing = town.get(reverse("results:corrections", args=[closed.election.pk]))
    assert "已批准" in listing.text and "第2版" in listing.text


def test_a_recount_page_shows_the_new_winner_and_the_one_no_longer_elected(certified, closed):
    from django.urls import reverse

    recount = opened(closed, closed.cast.county_officer, RECOUNT)
    town = closed.cast.client(closed.cast.town_officer)
    form = town.get(reverse("results:correction_box", args=[recount.pk, closed.box.pk]))
    assert 'name="votes.member.陈静" value=""' in form.text  # counted afresh
    # The orderer sees no entry button.
    orderer = closed.cast.client(closed.cast.county_officer)
    page = orderer.get(reverse("results:correction", args=[recount.pk]))
    assert f'data-testid="enter-{closed.box.pk}"' not in page.text
    entered(closed, recount, closed.cast.town_officer, **SWAPPED)
    page = town.get(reverse("results:correction", args=[recount.pk]))
    assert 'data-testid="winners-changed"' in page.text
    assert 'data-testid="dropped"' in page.text and "陈静" in page.text


def test_a_refusal_shows_as_a_message(certified, closed):
    from django.urls import reverse

    town = closed.cast.client(closed.cast.town_officer)
    answer = town.post(
        reverse("results:correction_open", args=[closed.election.pk]),
        {"kind": RECOUNT, "poll": closed.poll.pk, "boxes": [closed.box.pk], "reason": "举报"},
        follow=True,
    )
    assert "重新计票须由县级工作人员决定" in answer.text
    answer = town.post(
        reverse("results:correction_open", args=[closed.election.pk]),
        {"kind": AMEND, "poll": "abc", "reason": "x"},
        follow=True,
    )
    assert "请选择要更正的投票" in answer.text
    assert Correction.objects.count() == 0


def test_another_county_gets_404_on_every_url(certified, closed):
    from django.urls import reverse

    correction = opened(closed, closed.cast.town_officer)
    entered(closed, correction, closed.cast.town_officer, **ONE_VOTE)
    outsider = closed.cast.client(closed.cast.other_county_officer)
    gets = [
        reverse("results:corrections", args=[closed.election.pk]),
        reverse("results:correction", args=[correction.pk]),
        reverse("results:correction_box", args=[correction.pk, closed.box.pk]),
    ]
    posts = [
        reverse("results:correction_open", args=[closed.election.pk]),
        reverse("results:correction_box", args=[correction.pk, closed.box.pk]),
        *(
            reverse(f"results:correction_{name}", args=[correction.pk])
            for name in ("submit", "approve", "reject", "withdraw")
        ),
    ]
    for url in gets:
        assert outsider.get(url).status_code == 404, url
    for url in posts:
        assert outsider.post(url, {"note": "x", "reason": "x", "kind": AMEND}).status_code == 404
    # A box of the poll that is not in the correction: 404 for the insider too.
    from huanjie.polls.models import BallotBox

    extra = BallotBox.objects.create(poll=closed.poll, name="流动票箱", issued=0, mobile=True)
    town = closed.cast.client(closed.cast.town_officer)
    url = reverse("results:correction_box", args=[correction.pk, extra.pk])
    assert town.get(url).status_code == 404
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.OPEN


# ---------------------------------------------------------------------------------------------
# Two approvals at once (PostgreSQL: SQLite runs one writer at a time, there is no race).


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_make_exactly_one_new_version(flushable, cast):  # noqa: F811
    from huanjie.polls.tests.conftest import make_world
    from huanjie.results.services.certify import result_certify_county, result_certify_town
    from huanjie.results.tests.conftest import close_poll, paper_ready

    world = make_world(cast, voters=8)
    poll, box = close_poll(world)
    paper_ready(cast.town_officer, poll)
    version = result_certify_town(actor=cast.town_officer, election=world.election)
    result_certify_county(actor=cast.county_officer, version=version)
    correction = svc.correction_open(
        actor=cast.town_officer,
        election=world.election,
        poll=poll,
        kind=AMEND,
        reason="录入错误",
        boxes=[box],
    )
    svc.correction_enter(
        actor=cast.town_officer,
        correction=correction,
        box=box,
        figures=sheet(poll, correction.boxes.get().original, **ONE_VOTE),
    )
    svc.correction_submit(actor=cast.town_officer, correction=correction)
    approvers = [county("county2", "李秀英"), county("county3", "韩永福")]
    results = _at_once(
        [lambda a=a: svc.correction_approve(actor=a, correction=correction) for a in approvers]
    )
    done = [r for r in results if isinstance(r, ResultVersion)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(done) == 1 and len(refused) == 1, results
    assert "已批准" in refused[0].messages[0]
    assert ResultVersion.objects.filter(status=VersionStatus.CERTIFIED).count() == 1
    assert ResultVersion.objects.get(status=VersionStatus.CERTIFIED).number == 2
    assert ResultVersion.objects.count() == 2
