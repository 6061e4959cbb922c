"""The count's pages: the overview, the entry screens (the sheet form; the ballot screen's JSON
answers), the coordinator's page of differences; blind entry and the region's 404."""

from __future__ import annotations

import json
from typing import Any

import pytest

from huanjie.polls import figures, keyboard
from huanjie.polls.models import BallotEntry, SheetStatus
from huanjie.polls.services import entry as s
from huanjie.polls.services.lifecycle import poll_create_first
from huanjie.polls.sheet_form import MSG_WRITE_IN_NAME
from huanjie.polls.tests.test_entry import TRUTH, both_entries, counting

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def box(world, poll):
    return counting(world, poll)[0]


def _url(name: str, pk: int) -> str:
    from django.urls import reverse

    return reverse(f"polls:{name}", args=[pk])


def _ballot(client: Any, sheet: Any, text: str, seq: int | None = None) -> Any:
    data = {"text": text, **({"seq": seq} if seq is not None else {})}
    return client.post(_url("entry", sheet.pk), data, **JSON)


def test_the_overview_lists_boxes_and_sheets_and_makes_a_sheet(world, poll, box):
    client = world.cast.client(world.cast.village_clerk)
    response = client.post(_url("sheet_create", poll.pk), {"box": box.pk, "method": "ballots"})
    assert response.status_code == 302
    sheet = box.sheets.get()
    page = client.get(_url("count", poll.pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert "第1组" in text and "逐张唱票录入" in text and _url("entry", sheet.pk) in text
    bad = client.post(
        _url("sheet_create", poll.pk),
        {"box": box.pk, "method": "ballots", "group": "1"},
        follow=True,
    )
    assert "第1票箱已有第1计票组的报告单" in bad.content.decode()


def test_another_county_sees_nothing(world, poll, box):
    sheet = s.sheet_create(actor=world.cast.town_officer, poll=poll, box=box, method="sheet")
    other = world.cast.client(world.cast.other_county_officer)
    for name, pk in (("count", poll.pk), ("entry", sheet.pk), ("differences", sheet.pk)):
        assert other.get(_url(name, pk)).status_code == 404
    assert other.post(_url("entry_start", sheet.pk)).status_code == 404
    assert _ballot(other, sheet, "1/").status_code == 404


def test_a_rehearsal_says_so_on_every_count_page(world, box):
    rehearsal = poll_create_first(
        actor=world.cast.town_officer, election=world.election, rehearsal=True
    )
    rbox = counting(world, rehearsal)[0]
    sheet = s.sheet_create(actor=world.cast.town_officer, poll=rehearsal, box=rbox, method="sheet")
    client = world.cast.client(world.cast.county_officer)
    for name, pk in (("count", rehearsal.pk), ("entry", sheet.pk), ("differences", sheet.pk)):
        assert 'data-testid="rehearsal-banner"' in client.get(_url(name, pk)).content.decode()


def test_the_second_entrant_never_sees_the_first_entry(world, poll, box):
    cast = world.cast
    sheet = s.sheet_create(actor=cast.town_officer, poll=poll, box=box, method="sheet")
    first, _ = both_entries(world, sheet)
    secret = {**TRUTH, "returned": 8765, "valid": 8764}
    s.entry_save(actor=first.user, entry=first, figures=secret)
    s.entry_finish(actor=first.user, entry=first)
    for user in (cast.town_officer, cast.county_officer):
        page = cast.client(user).get(_url("entry", sheet.pk)).content.decode()
        assert "8765" not in page and "8764" not in page
    # Nor does the overview or the coordinator's page before both have finished.
    coordinator = cast.client(cast.county_officer)
    assert "8765" not in coordinator.get(_url("count", poll.pk)).content.decode()
    page = coordinator.get(_url("differences", sheet.pk)).content.decode()
    assert "8765" not in page and 'data-testid="no-differences"' in page
    # A counter without the coordinator's right does not get that page at all.
    assert cast.client(cast.village_clerk).get(_url("differences", sheet.pk)).status_code == 404
    # The first entrant sees their own figures.
    assert "8765" in cast.client(cast.village_clerk).get(_url("entry", sheet.pk)).content.decode()


def test_the_same_person_cannot_start_the_second_entry(world, poll, box):
    cast = world.cast
    sheet = s.sheet_create(actor=cast.town_officer, poll=poll, box=box, method="sheet")
    clerk = cast.client(cast.village_clerk)
    clerk.post(_url("entry_start", sheet.pk))
    entry = sheet.entries.get()
    s.entry_save(actor=cast.village_clerk, entry=entry, figures=TRUTH)
    s.entry_finish(actor=cast.village_clerk, entry=entry)
    again = clerk.post(_url("entry_start", sheet.pk), follow=True)
    assert s.MSG_SECOND_SAME_USER in again.content.decode()
    assert sheet.entries.count() == 1


def test_the_ballot_screen_enters_corrects_and_takes_back(
    world, poll, box, django_assert_max_num_queries
):
    cast = world.cast
    sheet = s.sheet_create(actor=cast.town_officer, poll=poll, box=box, method="ballots")
    clerk = cast.client(cast.village_clerk)
    screen = clerk.get(_url("entry", sheet.pk)).content.decode()
    assert 'data-testid="entry-start"' in screen
    clerk.post(_url("entry_start", sheet.pk))
    screen = clerk.get(_url("entry", sheet.pk)).content.decode()
    assert 'id="hj-ballot-form"' in screen and "polls/entry.js" in screen

    # The session, the user, their roles, the entry with all it needs (one query); the ballot
    # in its transaction; the session saved in its own. Nothing grows with the ballots entered.
    with django_assert_max_num_queries(10):
        answer = _ballot(clerk, sheet, "张伟/王芳 刘洋 +马六", seq=1)
    assert answer.status_code == 200
    data = answer.json()
    assert (data["ok"], data["seq"], data["next"]) == (True, 1, 2)
    assert data["words"] == "主任：张伟；委员：王芳、刘洋、马六（另选）"
    assert _ballot(clerk, sheet, "x1", seq=2).json()["words"] == "无效票（无法辨认）"

    refused = _ballot(clerk, sheet, "1 2", seq=3)
    assert refused.status_code == 400
    assert refused.json()["error"].startswith("本选票有2个职位")
    taken = _ballot(clerk, sheet, "/", seq=2)
    assert taken.json() == {"ok": False, "error": "第2张已录入；如需更正请输入“#2 内容”"}

    fixed = _ballot(clerk, sheet, "#2 李强/").json()
    assert (fixed["kind"], fixed["seq"], fixed["totals"]["invalid"]) == ("correct", 2, 0)
    assert fixed["totals"]["votes"]["director"] == {"张伟": 1, "李强": 1}
    undone = _ballot(clerk, sheet, "#-").json()
    assert (undone["kind"], undone["seq"], undone["totals"]["returned"]) == ("undo", 2, 1)
    assert list(BallotEntry.objects.values_list("seq", flat=True)) == [1]

    # Without the script: a message and the screen again.
    plain = clerk.post(_url("entry", sheet.pk), {"text": "李强/", "seq": 2}, follow=True)
    assert "第2张：主任：李强" in plain.content.decode()

    done = clerk.post(
        _url("entry_finish", sheet.pk), {"spoiled": "1", "replaced": "1"}, follow=True
    )
    assert "录入已完成，等待另一次录入" in done.content.decode()
    entry = sheet.entries.get()
    assert (entry.figures["returned"], entry.figures["spoiled"]) == (2, 1)
    assert _ballot(clerk, sheet, "/", seq=3).json()["error"] == s.MSG_FINISHED


def test_the_sheet_form_saves_finishes_and_names_each_wrong_field(world, poll, box):
    cast = world.cast
    sheet = s.sheet_create(actor=cast.town_officer, poll=poll, box=box, method="sheet")
    clerk = cast.client(cast.village_clerk)
    clerk.post(_url("entry_start", sheet.pk))
    form = {k: str(v) for k, v in figures.flatten(TRUTH).items() if not k.endswith("马六")}
    form |= {"wi.member.0.name": "马六", "wi.member.0.votes": "1", "wi.member.1.votes": "3"}
    form |= {"wi.member.2.name": "王芳", "wi.member.2.votes": "2"}
    form["valid"] = "九"
    page = clerk.post(_url("entry", sheet.pk), form)
    assert page.status_code == 400
    text = page.content.decode()
    assert MSG_WRITE_IN_NAME in text
    assert "王芳是选票上印制的候选人，票数请填在其名下" in text
    form["wi.member.2.name"] = form["wi.member.2.votes"] = ""
    form["wi.member.1.votes"] = ""
    page = clerk.post(_url("entry", sheet.pk), form)
    assert page.status_code == 400 and figures.MSG_NUMBER in page.content.decode()
    form["valid"] = "9"
    assert clerk.post(_url("entry", sheet.pk), {**form, "finish": "1"}).status_code == 302
    entry = sheet.entries.get()
    assert entry.figures == TRUTH and entry.finished_at is not None


def test_the_coordinator_sees_only_the_differing_fields_and_decides(world, poll, box):
    cast = world.cast
    sheet = s.sheet_create(actor=cast.town_officer, poll=poll, box=box, method="ballots")
    first, second = both_entries(world, sheet)
    for e, lines in (
        (first, ["张伟/王芳", "李强/刘洋", "/"]),
        (second, ["张伟/王芳", "李强/陈静", "/"]),
    ):
        for seq, line in enumerate(lines, 1):
            b = keyboard.parse_ballot(line, s.layout_of(poll))
            s.ballot_enter(actor=e.user, entry=e, seq=seq, picks=b.picks)
        s.entry_finish(actor=e.user, entry=e)
    coordinator = cast.client(cast.county_officer)
    page = coordinator.get(_url("differences", sheet.pk)).content.decode()
    assert page.count('data-testid="difference"') == 1
    assert 'data-field="ballot.2"' in page
    assert "主任：李强；委员：刘洋" in page and "主任：李强；委员：陈静" in page
    assert "主任：张伟；委员：王芳" not in page  # an agreed ballot is not shown
    response = coordinator.post(_url("differences", sheet.pk), {"choice:ballot.2": "rekey"})
    assert response.status_code == 302
    screen = cast.client(cast.village_clerk).get(_url("entry", sheet.pk)).content.decode()
    assert "第2张</strong>" in screen and 'value="#2 "' in screen
    for user in (first.user, second.user):
        c = cast.client(user)
        assert _ballot(c, sheet, "#2 李强/刘洋").json()["ok"]
        c.post(_url("entry_finish", sheet.pk))
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.AGREED
    assert sheet.agreed is not None
    assert sheet.agreed["votes"]["member"]["刘洋"] == 1


def test_a_refused_decision_says_why(world, poll, box):
    cast = world.cast
    sheet = s.sheet_create(actor=cast.town_officer, poll=poll, box=box, method="sheet")
    first, second = both_entries(world, sheet)
    for e, typed in ((first, TRUTH), (second, {**TRUTH, "valid": 8})):
        s.entry_save(actor=e.user, entry=e, figures=typed)
        s.entry_finish(actor=e.user, entry=e)
    page = cast.client(cast.county_officer).post(_url("differences", sheet.pk), {}, follow=True)
    assert s.MSG_NO_DECISIONS in page.content.decode()
    # The town officer entered it: refused, though a coordinator.
    page = cast.client(cast.town_officer).post(
        _url("differences", sheet.pk), {"choice:valid": "first"}, follow=True
    )
    assert s.MSG_DECIDER_ENTERED in page.content.decode()
    assert json.dumps(sheet.decisions.count()) == "0"
