"""Closing a poll (issue 11 item 7): the engine runs on exactly what was entered, input and
output are frozen with their SHA-256, and what follows is created as the engine says."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from huanjie.audit.models import AuditEvent
from huanjie.polls.models import CountSheet, PollKind, PollStatus, SheetStatus
from huanjie.polls.services.closing import canonical, poll_close, poll_file
from huanjie.polls.tests.closing_helpers import agreed_sheet, figures_of, to_counting

# 15 of 19 voters: nobody passes half for director (7:7, one blank) → a supplementary poll;
# 王芳 is elected member and 刘洋, 陈静, 赵敏 tie at 9 for the two seats left → a run-off.
SHORT_AND_TIED: list[dict[str, Any]] = [
    {"n": 4, "director": ["张伟"], "member": ["王芳", "刘洋", "陈静"]},
    {"n": 3, "director": ["张伟"], "member": ["王芳", "刘洋", "赵敏"]},
    {"n": 1, "director": ["李强"], "member": ["王芳", "刘洋", "赵敏"]},
    {"n": 4, "director": ["李强"], "member": ["王芳", "陈静", "赵敏"]},
    {"n": 1, "director": ["李强"], "member": ["刘洋"]},
    {"n": 1, "director": ["李强"], "member": ["陈静"]},
    {"n": 1, "member": ["赵敏"]},
]

# 15 voters, everyone decided: 张伟 director, 王芳 刘洋 陈静 members.
ALL_ELECTED: list[dict[str, Any]] = [
    {"n": 10, "director": ["张伟"], "member": ["王芳", "刘洋", "陈静"]},
    {"n": 4, "director": ["李强"], "member": ["王芳", "刘洋", "赵敏"]},
    {"n": 1, "invalid": True},
]


@pytest.fixture
def counting(world, poll):
    box = to_counting(world, poll, voted=15)
    return poll, box


def test_a_poll_where_everyone_is_elected_closes_frozen_and_asks_for_nothing_more(world, counting):
    poll, box = counting
    agreed_sheet(poll, box, figures_of(ALL_ELECTED))
    poll_close(actor=world.cast.town_officer, poll=poll)
    poll.refresh_from_db()
    assert poll.status == PollStatus.CLOSED
    result = poll.engine_output
    assert result["valid"] is True
    assert result["elected"][0] == "张伟"
    assert sorted(result["elected"][1:]) == sorted(["王芳", "刘洋", "陈静"])
    assert result["ballots"] == {"returned": 15, "valid": 14, "invalid": 1}
    assert result["next"] == []
    assert not poll.followed_by.exists()
    # The hash covers exactly the frozen input and output.
    expected = hashlib.sha256(
        canonical({"input": poll.engine_input, "output": result}).encode()
    ).hexdigest()
    assert poll.engine_hash == expected
    assert poll.engine_input["poll_file"]["voted"] == 15
    assert poll.engine_input["poll_file"]["electorate"] == 19
    assert AuditEvent.objects.filter(action="poll.result", object_id=str(poll.pk)).exists()


def test_a_shortfall_goes_to_a_supplementary_poll_and_a_tie_to_a_runoff(world, counting):
    poll, box = counting
    agreed_sheet(poll, box, figures_of(SHORT_AND_TIED))
    poll_close(actor=world.cast.town_officer, poll=poll)
    poll.refresh_from_db()
    assert poll.engine_output["elected"] == ["王芳"]
    following = {p.kind: p for p in poll.followed_by.all()}
    assert set(following) == {PollKind.RUNOFF, PollKind.SUPPLEMENTARY}
    runoff = following[PollKind.RUNOFF]
    member = runoff.posts.get()
    assert (member.post, member.seats) == ("member", 2)
    assert sorted(c.name for c in member.candidates.all()) == sorted(["刘洋", "陈静", "赵敏"])
    assert all(c.person_id for c in member.candidates.all())
    supplementary = following[PollKind.SUPPLEMENTARY]
    director = supplementary.posts.get()
    assert (director.post, director.seats) == ("director", 1)
    assert sorted(c.name for c in director.candidates.all()) == ["张伟", "李强"]
    assert runoff.status == PollStatus.SETUP and not runoff.rehearsal
    # The next poll knows who was elected before it.
    data = poll_file(runoff)
    assert data["elected_before"] == [{"name": "王芳", "sex": "F", "post": "member"}]


def test_closing_waits_for_every_box_and_every_sheet(world, counting):
    poll, box = counting
    with pytest.raises(ValidationError, match="还没有计票结果报告单"):
        poll_close(actor=world.cast.town_officer, poll=poll)
    sheet = agreed_sheet(poll, box, figures_of(ALL_ELECTED))
    CountSheet.objects.filter(pk=sheet.pk).update(status=SheetStatus.DIFFERENT)
    with pytest.raises(ValidationError, match="尚未核对一致"):
        poll_close(actor=world.cast.town_officer, poll=poll)
    assert poll.status == PollStatus.COUNTING


def test_a_village_clerk_cannot_close(world, counting):
    poll, box = counting
    agreed_sheet(poll, box, figures_of(ALL_ELECTED))
    with pytest.raises(ValidationError, match="无权"):
        poll_close(actor=world.cast.village_clerk, poll=poll)


def test_the_sheet_totals_count_like_the_ballots(world, counting):
    poll, box = counting
    agreed_sheet(poll, box, figures_of(ALL_ELECTED), method="sheet")
    data = poll_file(poll)
    assert data["ballots"] == [] and data["counted"]["valid"] == 14
    poll_close(actor=world.cast.town_officer, poll=poll)
    poll.refresh_from_db()
    assert sorted(poll.engine_output["elected"]) == sorted(["张伟", "王芳", "刘洋", "陈静"])


def test_counting_groups_of_one_box_are_added_up(world, counting):
    poll, box = counting
    agreed_sheet(poll, box, figures_of(ALL_ELECTED[:1]), group=1)
    agreed_sheet(poll, box, figures_of(ALL_ELECTED[1:]), group=2)
    poll_close(actor=world.cast.town_officer, poll=poll)
    poll.refresh_from_db()
    assert poll.engine_output["ballots"]["returned"] == 15


def test_a_rehearsal_stays_a_rehearsal_all_the_way(world):
    from huanjie.polls.services.lifecycle import poll_create_first

    rehearsal = poll_create_first(
        actor=world.cast.town_officer, election=world.election, rehearsal=True
    )
    box = to_counting(world, rehearsal, voted=15)
    agreed_sheet(rehearsal, box, figures_of(SHORT_AND_TIED))
    poll_close(actor=world.cast.town_officer, poll=rehearsal)
    assert all(p.rehearsal for p in rehearsal.followed_by.all())
    assert rehearsal.followed_by.count() == 2


def test_the_frozen_input_is_the_poll_file_as_json(world, counting):
    poll, box = counting
    agreed_sheet(poll, box, figures_of(ALL_ELECTED))
    poll_close(actor=world.cast.town_officer, poll=poll)
    poll.refresh_from_db()
    # What was frozen round-trips through JSON unchanged (the database stores it as JSON).
    assert json.loads(canonical(poll.engine_input)) == poll.engine_input


def test_an_error_of_the_catalogue_blocks_closing(world, poll):
    box = to_counting(world, poll, voted=15, issued=14)
    agreed_sheet(poll, box, figures_of(ALL_ELECTED))
    with pytest.raises(ValidationError) as refused:
        poll_close(actor=world.cast.town_officer, poll=poll)
    assert any(m.startswith("C03 ") for m in refused.value.messages)


def test_a_warning_passes_only_with_a_written_explanation(world, poll):
    from huanjie.polls.services.closing import check_explain

    box = to_counting(world, poll, voted=15, issued=17)  # two ballots not returned
    agreed_sheet(poll, box, figures_of(ALL_ELECTED))
    with pytest.raises(ValidationError, match="C15"):
        poll_close(actor=world.cast.town_officer, poll=poll)
    with pytest.raises(ValidationError, match="请填写说明"):
        check_explain(actor=world.cast.town_officer, poll=poll, code="C15", box=box.name, text=" ")
    with pytest.raises(ValidationError, match="没有需要说明"):
        check_explain(actor=world.cast.town_officer, poll=poll, code="C17", text="无")
    check_explain(
        actor=world.cast.town_officer,
        poll=poll,
        code="C15",
        box=box.name,
        text="两名选民领票后离场未投，选票已由监票人收回封存",
    )
    poll_close(actor=world.cast.town_officer, poll=poll)
    poll.refresh_from_db()
    assert poll.status == PollStatus.CLOSED
