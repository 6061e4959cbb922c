"""Issue 11's election day in the browser, for 红河限村's villagers' committee voting today: the
town sets up the first poll (a box, its ballots), opens the vote and checks voters in by their
ID numbers; the count is read out ballot by ballot and keyed twice, blind, by the village clerk
and the county officer, who differ on one ballot; the town's coordinator sees only that ballot,
keeps the first entry, and closes the poll: the director's seat falls short and goes to a
supplementary poll, two member seats tie three ways and go to a run-off. The hall's board,
opened from a display link with no login, shows the count at 1920×1080."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from huanjie.browser_tests.conftest import shot
from huanjie.conftest import VILLAGE, make_campaign
from huanjie.polls.models import Poll, PollKind, PollStatus, SheetStatus
from huanjie.polls.tests.conftest import fixed_election
from huanjie.polls.tests.test_closing import SHORT_AND_TIED
from huanjie.regions.models import Region
from huanjie.voters.services import voter_register
from huanjie.voters.tests.test_roll_cast import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = timezone.localdate()


def _world(cast):  # type: ignore[no-untyped-def]
    """The election with its lists fixed, and 15 voters on the roll: their full ID numbers."""
    campaign = make_campaign(
        cast,
        term=13,
        start=TODAY - timedelta(days=60),
        end=TODAY + timedelta(days=120),
        election_day=TODAY,
    )
    election, _ = fixed_election(cast.county_officer, campaign, VILLAGE)
    region = Region.objects.get(code=VILLAGE)
    numbers: list[str] = []
    for i in range(15):
        person, number = make_person(f"选民{i + 1}", date(1957, 4, 2) + timedelta(days=i))
        voter_register(
            actor=cast.county_officer,
            campaign=campaign,
            village=region,
            person=person,
            category="hukou_resident",
        )
        numbers.append(number)
    return election, numbers


def _lines(poll: Poll, ballots: list[dict]) -> list[str]:
    """The keyboard lines of `ballots` (one per paper ballot) for the poll's printed order."""
    posts = list(poll.posts.order_by("position"))
    position = {
        (p.post, c.name): c.position for p in posts for c in p.candidates.order_by("position")
    }
    lines: list[str] = []
    for ballot in ballots:
        blocks = [
            " ".join(str(position[(p.post, name)]) for name in ballot.get(p.post, []))
            for p in posts
        ]
        lines.extend(["/".join(blocks)] * ballot.get("n", 1))
    return lines


def _key_ballots(page, lines: list[str]) -> None:  # type: ignore[no-untyped-def]
    box = page.locator("#hj-ballot-text")
    for i, line in enumerate(lines, 1):
        box.fill(line)
        box.press("Enter")
        page.locator(f'#hj-recent li[data-seq="{i}"]').wait_for()
    page.get_by_role("button", name="完成录入").click()
    page.wait_for_load_state()


def test_a_whole_election_day_from_set_up_to_what_follows(cast, sessions, live_server):  # type: ignore[no-untyped-def]
    election, numbers = _world(cast)
    town = sessions(cast.town_officer.username)
    base = live_server.url

    # Set-up: the first poll, one box with 15 ballots, voting opened.
    town.goto(f"{base}/polls/election/{election.pk}/")
    town.get_by_test_id("create-first").click()
    town.wait_for_load_state()
    poll = Poll.objects.get(election=election, rehearsal=False)
    town.get_by_test_id("setup").click()
    town.locator("#new-name").fill("中心会场")
    town.locator("#new-place").fill("村委会大院")
    town.get_by_role("button", name="增加", exact=True).click()
    town.wait_for_load_state()
    box = poll.boxes.get()
    town.locator(f"#count-{box.pk}").fill("15")
    town.locator(f"#serial-{box.pk}").fill("1")
    town.locator(f"#count-{box.pk}").press("Enter")
    town.wait_for_load_state()
    assert town.get_by_test_id("issued").inner_text().strip() == "15"
    shot(town, "poll-setup")
    town.goto(f"{base}/polls/{poll.pk}/")
    town.get_by_test_id("open-voting").click()
    town.wait_for_load_state()
    poll.refresh_from_db()
    assert poll.status == PollStatus.VOTING and poll.electorate == 15

    # Check-in: every voter by the number typed (or read by the card reader) and Enter.
    town.get_by_test_id("checkin").click()
    for number in numbers:
        code = town.get_by_test_id("code")
        code.fill(number)
        code.press("Enter")
        town.wait_for_load_state()
    assert poll.check_ins.filter(undone_at__isnull=True).count() == 15
    # A second ballot for the same voter is refused, with when and where.
    code = town.get_by_test_id("code")
    code.fill(numbers[0])
    code.press("Enter")
    town.wait_for_load_state()
    assert "已" in town.locator(".alert-danger, .alert-warning").first.inner_text()
    assert numbers[0] not in town.content()  # never the full number on the page
    shot(town, "poll-checkin")
    town.goto(f"{base}/polls/{poll.pk}/")
    town.get_by_test_id("start-counting").click()
    town.wait_for_load_state()

    # The count: one sheet read ballot by ballot.
    town.get_by_test_id("count").click()
    town.locator(f"#method-{box.pk}").select_option("ballots")
    town.get_by_test_id(f"sheet-create-{box.pk}").locator("button").click()
    town.wait_for_load_state()
    sheet = poll.sheets.get()
    lines = _lines(poll, SHORT_AND_TIED)
    assert len(lines) == 15

    clerk = sessions(cast.village_clerk.username)
    clerk.goto(f"{base}/polls/sheets/{sheet.pk}/entry/")
    clerk.get_by_role("button", name="开始录入").click()
    clerk.wait_for_load_state()
    _key_ballots(clerk, lines)
    shot(clerk, "poll-entry-first")

    county = sessions(cast.county_officer.username)
    county.goto(f"{base}/polls/sheets/{sheet.pk}/entry/")
    county.get_by_role("button", name="开始录入").click()
    county.wait_for_load_state()
    # Blind: the second entrant's screen starts from nothing.
    assert county.locator('#hj-totals [data-total="returned"]').inner_text().strip() == "0"
    mistyped = list(lines)
    mistyped[4] = lines[4].split("/")[0] + "/" + lines[0].split("/")[1]  # ballot 5 misheard
    assert mistyped[4] != lines[4]
    _key_ballots(county, mistyped)
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DIFFERENT

    # The coordinator sees only the differing ballot, keeps the first entry.
    town.goto(f"{base}/polls/sheets/{sheet.pk}/differences/")
    rows = town.get_by_test_id("difference")
    fields = [rows.nth(i).get_attribute("data-field") for i in range(rows.count())]
    assert fields == ["ballot.5"], fields
    shot(town, "poll-differences")
    rows.first.get_by_label("采用第一次").check()
    town.get_by_role("button", name="提交处理").click()
    town.wait_for_load_state()
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.AGREED

    # The hall's board from a display link, no login, at 1920×1080.
    town.goto(f"{base}/polls/{poll.pk}/display/")
    town.get_by_test_id("issue").click()
    town.wait_for_load_state()
    link = re.search(r"/polls/hall/[A-Za-z0-9_-]+/", town.content())
    assert link, "the display link is shown once"
    hall = sessions("")
    hall.set_viewport_size({"width": 1920, "height": 1080})
    hall.goto(base + link.group(0))
    hall.get_by_text("王芳").first.wait_for()
    assert "12" in hall.content()
    hall.screenshot(path="var/screenshots/poll-hall-1920.png")

    # Closing: the engine on what was entered; a supplementary poll and a run-off follow.
    town.goto(f"{base}/polls/{poll.pk}/")
    assert town.get_by_test_id("close-problems").count() == 0
    town.get_by_test_id("close").click()
    town.wait_for_load_state()
    poll.refresh_from_db()
    assert poll.status == PollStatus.CLOSED and len(poll.engine_hash) == 64
    assert (poll.engine_output or {})["elected"] == ["王芳"]
    following = town.get_by_test_id("following")
    assert "再次投票" in following.inner_text() and "另行选举" in following.inner_text()
    assert poll.engine_hash[:12] in town.get_by_test_id("hash").inner_text()
    shot(town, "poll-closed")
    kinds = sorted(p.kind for p in poll.followed_by.all())
    assert kinds == sorted([PollKind.RUNOFF, PollKind.SUPPLEMENTARY])
    runoff = poll.followed_by.get(kind=PollKind.RUNOFF)
    town.goto(f"{base}/polls/{runoff.pk}/")
    assert "刘洋" in town.content() and "赵敏" in town.content()
    # The run-off's ballot prints only the tied.
    response = town.request.get(f"{base}/polls/{runoff.pk}/ballot.pdf")
    assert response.ok and response.headers.get("content-type") == "application/pdf"
