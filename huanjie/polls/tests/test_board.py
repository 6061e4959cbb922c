"""The hall's big screen (issue 11 item 6) and its display links: the town issues a link whose
token only it sees once, the screen answers that link without a login and shows names and
counts only, a revoked or unknown link is a 404, a signed-in user of another region is refused;
and the ballot pages."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from huanjie.audit.models import AuditEvent
from huanjie.audit.services import ACCESS_DENIED, flush_denied
from huanjie.polls.models import DisplayLink, Poll
from huanjie.polls.services import entry
from huanjie.polls.services.display import (
    MSG_LEVEL,
    MSG_REVOKED,
    display_link_issue,
    display_link_revoke,
    hall_state,
)
from huanjie.polls.services.lifecycle import poll_open_voting, poll_start_counting
from huanjie.polls.services.setup import ballots_issue, box_add

RUNNING = {
    "posts": [
        {
            "post": "director",
            "label": "主任",
            "seats": 1,
            "candidates": [{"name": "张伟", "votes": 7}, {"name": "李强", "votes": 4}],
            "write_ins": [],
        },
        {
            "post": "member",
            "label": "委员",
            "seats": 3,
            "candidates": [
                {"name": "王芳", "votes": 9},
                {"name": "刘洋", "votes": 6},
                {"name": "陈静", "votes": 8},
                {"name": "赵敏", "votes": 3},
                {"name": "孙丽", "votes": 5},
            ],
            "write_ins": [
                {"name": "马玉兰", "votes": 2},
                {"name": "祁成", "votes": 1},
                {"name": "韩梅", "votes": 1},
                {"name": "鲁强", "votes": 1},
            ],
        },
    ],
    "ballots_counted": 12,
    "updated": "2026-05-10T10:21:05+08:00",
}


def _issue(world: Any, poll: Poll, label: str = "礼堂大屏") -> tuple[DisplayLink, str]:
    return display_link_issue(actor=world.cast.town_officer, poll=poll, label=label)


def _counting(world: Any, poll: Poll) -> Poll:
    officer = world.cast.town_officer
    box = box_add(actor=officer, poll=poll, name="中心会场")
    ballots_issue(actor=officer, box=box, count=30, serial_from=1)
    poll_open_voting(actor=officer, poll=poll)
    return poll_start_counting(actor=officer, poll=poll)


@pytest.fixture
def counting(world, poll, monkeypatch):
    """The poll counting, with the running count stubbed (the entry part's own tests check it)."""
    monkeypatch.setattr(entry, "running_count", lambda p: json.loads(json.dumps(RUNNING)))
    return _counting(world, poll)


# --- the links -------------------------------------------------------------------------------


def test_a_town_officer_issues_a_link_whose_token_is_kept_only_as_its_hash(world, poll):
    link, token = _issue(world, poll)
    assert len(token) >= 43
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    row = DisplayLink.objects.filter(pk=link.pk).values().get()
    assert token not in json.dumps(row, default=str)
    event = AuditEvent.objects.filter(action="poll.display_link_issue").latest("id")
    assert event.user_id == world.cast.town_officer.pk
    assert token not in json.dumps(event.changes, default=str)


def test_a_county_officer_issues_and_revokes(world, poll):
    link, _ = display_link_issue(actor=world.cast.county_officer, poll=poll, label="")
    display_link_revoke(actor=world.cast.county_officer, link=link)
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == world.cast.county_officer
    assert AuditEvent.objects.filter(action="poll.display_link_revoke").exists()
    with pytest.raises(ValidationError) as exc:
        display_link_revoke(actor=world.cast.county_officer, link=link)
    assert exc.value.messages == [MSG_REVOKED]


def test_a_village_clerk_cannot_issue_a_link(world, poll):
    denied = AuditEvent.objects.filter(action=ACCESS_DENIED).count()
    with pytest.raises(ValidationError) as exc:
        display_link_issue(actor=world.cast.village_clerk, poll=poll, label="礼堂")
    flush_denied()
    assert exc.value.messages == [MSG_LEVEL]
    assert not DisplayLink.objects.exists()
    assert AuditEvent.objects.filter(action=ACCESS_DENIED).count() == denied + 1
    # Nor through the page, which offers no form to the clerk.
    client = world.cast.client(world.cast.village_clerk)
    url = reverse("polls:display_links", args=[poll.pk])
    assert 'data-testid="issue-form"' not in client.get(url).content.decode()
    response = client.post(url, {"label": "礼堂"}, follow=True)
    assert MSG_LEVEL in response.content.decode()
    assert not DisplayLink.objects.exists()


def test_another_county_s_officer_gets_404_everywhere(world, poll):
    link, token = _issue(world, poll)
    client = world.cast.client(world.cast.other_county_officer)
    for url in (
        reverse("polls:display_links", args=[poll.pk]),
        reverse("polls:ballots", args=[poll.pk]),
        reverse("polls:ballot_pdf", args=[poll.pk]),
        reverse("polls:hall", args=[token]),
        reverse("polls:hall_feed", args=[token]),
    ):
        assert client.get(url).status_code == 404, url
    revoke = reverse("polls:display_link_revoke", args=[poll.pk, link.pk])
    assert client.post(revoke).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None
    with pytest.raises(ValidationError):
        display_link_issue(actor=world.cast.other_county_officer, poll=poll)


def test_the_page_shows_the_url_once_and_never_the_token_again(world, poll):
    client = world.cast.client(world.cast.town_officer)
    url = reverse("polls:display_links", args=[poll.pk])
    response = client.post(url, {"label": "礼堂大屏"})
    assert response.status_code == 200
    shown = re.search(r'value="(http[^"]+/polls/hall/([\w-]+)/)"', response.content.decode())
    assert shown is not None
    token = shown.group(2)
    assert DisplayLink.objects.get().token_hash == hashlib.sha256(token.encode()).hexdigest()
    listing = client.get(url).content.decode()
    assert "礼堂大屏" in listing and token not in listing
    # The URL opens the screen, without a login.
    assert Client().get(shown.group(1)).status_code == 200


def test_a_revoke_through_the_page_turns_the_screen_off(world, poll):
    link, token = _issue(world, poll)
    anonymous = Client()
    hall = reverse("polls:hall", args=[token])
    feed = reverse("polls:hall_feed", args=[token])
    assert anonymous.get(hall).status_code == 200
    assert anonymous.get(feed).status_code == 200
    client = world.cast.client(world.cast.town_officer)
    client.post(reverse("polls:display_link_revoke", args=[poll.pk, link.pk]))
    assert anonymous.get(hall).status_code == 404
    assert anonymous.get(feed).status_code == 404


def test_an_unknown_token_is_404(world, poll):
    _issue(world, poll)
    anonymous = Client()
    for token in ("x" * 43, "abc", "z" * 300):
        assert anonymous.get(reverse("polls:hall", args=[token])).status_code == 404
        assert anonymous.get(reverse("polls:hall_feed", args=[token])).status_code == 404


# --- the screen ------------------------------------------------------------------------------


def test_the_hall_needs_no_login_and_sends_the_csp(world, poll):
    _, token = _issue(world, poll)
    response = Client().get(reverse("polls:hall", args=[token]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "桥头镇红河限村" in page and "第13届村民委员会选举" in page
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert 'src="/static/polls/hall.js"' in page
    assert "演练" not in page


def test_the_feed_carries_the_running_count_names_and_numbers_only(world, counting):
    _, token = _issue(world, counting)
    response = Client().get(reverse("polls:hall_feed", args=[token]))
    assert response["Content-Type"] == "application/json"
    state = response.json()
    assert state["status"] == "counting" and state["status_label"] == "计票中"
    assert state["ballots_counted"] == 12
    assert state["title"] == {
        "village": "桥头镇红河限村",
        "body": "第13届村民委员会选举",
        "poll": "第1轮 第一次投票",
    }
    director, member = state["posts"]
    # In the ballot's order (the list's), whatever order the count gives.
    assert director["candidates"] == [{"name": "李强", "votes": 4}, {"name": "张伟", "votes": 7}]
    assert director["seats"] == 1 and member["seats"] == 3
    assert [c["name"] for c in member["candidates"]] == list(
        counting.posts.get(post="member").candidates.values_list("name", flat=True)
    )
    # The three write-ins with most votes by name, the rest summed.
    assert member["write_ins"] == [
        {"name": "马玉兰", "votes": 2},
        {"name": "祁成", "votes": 1},
        {"name": "韩梅", "votes": 1},
    ]
    assert member["write_ins_more"] == {"people": 1, "votes": 1}
    assert state["result"] is None
    text = response.content.decode()
    for person in world.candidates.values():
        assert person.id_masked not in text
        assert person.id_masked[-4:] not in text
    assert not re.search(r"\d{15,}|\d{6}\*+", text)
    assert set(state) == {
        "title",
        "status",
        "status_label",
        "rehearsal",
        "ballots_counted",
        "posts",
        "result",
        "updated",
    }


def test_the_feed_reads_the_entry_part_s_running_count(world, poll):
    """Without the stub: a poll counting with nothing entered shows every name at 0."""
    _counting(world, poll)
    state = hall_state(poll)
    assert state["ballots_counted"] == 0
    assert all(c["votes"] == 0 for p in state["posts"] for c in p["candidates"])
    assert len(state["posts"][1]["candidates"]) == 5


def test_before_the_count_the_screen_shows_the_names_at_zero(world, poll):
    state = hall_state(poll)
    assert state["status_label"] == "尚未开始投票"
    assert [c["votes"] for c in state["posts"][0]["candidates"]] == [0, 0]


def test_once_closed_the_screen_shows_the_elected_and_what_comes_next(world, counting):
    output = {
        "valid": True,
        "reasons": [],
        "ballots": {"returned": 12, "valid": 12, "invalid": 0},
        "posts": [
            {"post": "director", "seats": 1, "votes": {"张伟": 7, "李强": 4}, "elected": ["张伟"]},
            {
                "post": "member",
                "seats": 3,
                "votes": {"王芳": 9, "陈静": 8, "刘洋": 6, "马玉兰": 2},
                "elected": ["王芳", "陈静"],
                "open": 1,
            },
        ],
        "elected": ["张伟", "王芳", "陈静"],
        "next": [
            {
                "poll": "supplementary",
                "post": "member",
                "seats": 1,
                "candidates": ["刘洋", "孙丽"],
                "women_only": False,
            }
        ],
    }
    Poll.objects.filter(pk=counting.pk).update(
        status="closed", engine_output=output, engine_hash="0" * 64
    )
    _, token = _issue(world, counting)
    state = Client().get(reverse("polls:hall_feed", args=[token])).json()
    assert state["status_label"] == "已结束"
    assert state["posts"][0]["elected"] == ["张伟"]
    member = state["posts"][1]
    assert {c["name"]: c["votes"] for c in member["candidates"]}["赵敏"] == 0
    assert member["write_ins"] == [{"name": "马玉兰", "votes": 2}]
    assert state["result"] == {
        "valid": True,
        "elected": [
            {"label": "主任", "names": ["张伟"]},
            {"label": "委员", "names": ["王芳", "陈静"]},
        ],
        "next": ["委员另行选举，应选1名"],
    }


def test_a_rehearsal_screen_says_so(world):
    from huanjie.polls.services.lifecycle import poll_create_first

    rehearsal = poll_create_first(
        actor=world.cast.town_officer, election=world.election, rehearsal=True
    )
    _, token = _issue(world, rehearsal)
    page = Client().get(reverse("polls:hall", args=[token])).content.decode()
    assert "演练 · 非正式结果" in page and "hall-is-rehearsal" in page
    assert Client().get(reverse("polls:hall_feed", args=[token])).json()["rehearsal"] is True


def test_a_signed_in_user_in_scope_sees_the_screen_too(world, poll):
    _, token = _issue(world, poll)
    client = world.cast.client(world.cast.village_clerk)
    assert client.get(reverse("polls:hall", args=[token])).status_code == 200


def test_the_feed_asks_a_few_queries(world, counting, django_assert_max_num_queries):
    _, token = _issue(world, counting)
    client = Client()
    url = reverse("polls:hall_feed", args=[token])
    with django_assert_max_num_queries(4):
        assert client.get(url).status_code == 200


# --- the ballot pages ------------------------------------------------------------------------


def test_the_ballot_page_lists_the_boxes_in_parts(world, poll):
    officer = world.cast.town_officer
    box = box_add(actor=officer, poll=poll, name="中心会场")
    ballots_issue(actor=officer, box=box, count=1200, serial_from=1)
    page = world.cast.client(officer).get(reverse("polls:ballots", args=[poll.pk]))
    text = page.content.decode()
    assert f"?box={box.pk}&amp;first=1&amp;last=500" in text
    assert f"?box={box.pk}&amp;first=1001&amp;last=1200" in text


def test_the_ballot_pdf_of_a_box_is_numbered_and_its_printing_logged(world, poll):
    officer = world.cast.town_officer
    box = box_add(actor=officer, poll=poll, name="中心会场")
    ballots_issue(actor=officer, box=box, count=1200, serial_from=1)
    client = world.cast.client(world.cast.village_clerk)
    url = reverse("polls:ballot_pdf", args=[poll.pk])
    response = client.get(url, {"box": box.pk, "first": 1, "last": 2})
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    event = AuditEvent.objects.filter(action="poll.ballots_print").latest("id")
    assert event.changes == {"box": "中心会场", "first": 1, "last": 2}
    # The whole box is more than one file holds: back to the list with the reason.
    response = client.get(url, {"box": box.pk}, follow=True)
    assert "共1200张，每次最多生成500张，请分段下载" in response.content.decode()
    # A box of another poll, or a word for a number: 404.
    assert client.get(url, {"box": box.pk + 999}).status_code == 404
    assert client.get(url, {"box": "x"}).status_code == 404
    specimen = client.get(url)
    assert specimen["Content-Type"] == "application/pdf"


# --- the walks' view of these routes ---------------------------------------------------------


def test_the_board_routes_answer_as_the_walks_expect(world, poll):
    """What the site-wide walks ask of routes_board's URLs: a page for the county's own staff
    (405 for the POST-only one), and for another county's officer a 404 logged once."""
    from huanjie.polls.tests import routes_board

    objects: dict[str, Any] = {"poll": poll}
    own = world.cast.client(world.cast.town_officer)
    other = world.cast.client(world.cast.other_county_officer)
    denied = AuditEvent.objects.filter(action=ACCESS_DENIED)
    for name, kwargs_list in routes_board.routes(world.cast, world.campaign, objects).items():
        for kwargs in kwargs_list:
            url = reverse(name, kwargs=kwargs)
            expected = 405 if name in routes_board.POST_ONLY else 200
            assert own.get(url).status_code == expected, url
            for method in ("get", "post"):
                before = denied.count()
                status = getattr(other, method)(url).status_code
                assert status in (404, 405), (method, url, status)
                if status == 404:
                    assert denied.count() == before + 1, (method, url)
