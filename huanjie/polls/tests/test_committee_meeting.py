"""The Party committee's first plenary electing the secretary and deputy from its members (issue
11 item 9; RULES.md P12): made once the members' meeting has filled every seat, one candidate
per post from the elected, counted by the engine as a committee meeting."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from huanjie.conftest import VILLAGE
from huanjie.elections.models import CampaignVillage
from huanjie.elections.services import election_create, election_set_seats
from huanjie.polls.models import Meeting, Poll, PollKind, PollStatus
from huanjie.polls.services.closing import poll_file, run_engine
from huanjie.polls.services.lifecycle import _create, poll_create_committee_meeting
from huanjie.polls.tests.conftest import _person

NAMES = ["马成林", "王海英", "李德福", "赵秀兰", "韩国强"]


@pytest.fixture
def party(cast, world):
    entry = CampaignVillage.objects.get(campaign=world.campaign, region_id=VILLAGE)
    election = election_create(
        actor=cast.county_officer,
        entry=entry,
        body="party",
        nomination_method="three_recommendations",
    )
    return election_set_seats(
        actor=cast.county_officer, election=election, seats={"secretary": 1, "member": 4}
    )


def _members_meeting(cast, election, elected):
    """A members' meeting poll, closed with `elected` (made directly: the count has its own
    tests)."""
    from datetime import date

    people = [_person(name, date(1966, 5, 5), "M") for name in NAMES]
    poll = _create(
        actor=cast.town_officer,
        election=election,
        kind=PollKind.FIRST,
        rehearsal=False,
        held_on=date.today(),
        posts=[("member", 5, False, [(p, p.name, p.sex) for p in people])],
        mode=Meeting.MEMBERS,
    )
    Poll.objects.filter(pk=poll.pk).update(
        status=PollStatus.CLOSED,
        engine_hash="0" * 64,
        engine_output={"valid": True, "elected": elected},
    )
    return {p.name: p for p in people}


def test_the_committee_elects_its_secretary_once_every_seat_is_filled(cast, party):
    people = _members_meeting(cast, party, NAMES[:4])
    with pytest.raises(ValidationError, match="尚未选出全部委员"):
        poll_create_committee_meeting(
            actor=cast.town_officer, election=party, secretary=people["马成林"]
        )
    Poll.objects.filter(election=party).update(engine_output={"valid": True, "elected": NAMES})
    outsider = _person("祁生", __import__("datetime").date(1970, 1, 1), "M")
    with pytest.raises(ValidationError, match="不是新当选的委员"):
        poll_create_committee_meeting(actor=cast.town_officer, election=party, secretary=outsider)
    with pytest.raises(ValidationError, match="同一人"):
        poll_create_committee_meeting(
            actor=cast.town_officer,
            election=party,
            secretary=people["马成林"],
            deputy=people["马成林"],
        )
    meeting = poll_create_committee_meeting(
        actor=cast.town_officer,
        election=party,
        secretary=people["马成林"],
        deputy=people["王海英"],
    )
    assert meeting.mode == Meeting.COMMITTEE
    assert [(p.post, [c.name for c in p.candidates.all()]) for p in meeting.posts.all()] == [
        ("secretary", ["马成林"]),
        ("deputy_secretary", ["王海英"]),
    ]
    with pytest.raises(ValidationError, match="已建立"):
        poll_create_committee_meeting(
            actor=cast.town_officer, election=party, secretary=people["马成林"]
        )
    # The engine counts it as the committee's meeting: more than half of the five present, and
    # more than half of those present for each.
    Poll.objects.filter(pk=meeting.pk).update(electorate=5)
    meeting.refresh_from_db()
    data = poll_file(meeting)
    assert data["meeting"] == "committee" and data["body"] == "party"
    data |= {
        "voted": 5,
        "ballots_issued": 5,
        "ballots": [
            {"n": 4, "secretary": ["马成林"], "deputy_secretary": ["王海英"]},
            {"n": 1, "secretary": ["马成林"]},
        ],
    }
    result = run_engine(meeting, data)
    assert result["valid"] and result["elected"] == ["马成林", "王海英"]


def test_a_village_committee_has_no_such_meeting(cast, world):
    with pytest.raises(ValidationError, match="只有村党组织"):
        poll_create_committee_meeting(
            actor=cast.town_officer,
            election=world.election,
            secretary=next(iter(world.candidates.values())),
        )


def test_only_the_new_committee_attends_its_plenary(cast, world):
    from huanjie.polls.services import setup as s
    from huanjie.polls.services.checkin import party_attend
    from huanjie.polls.services.lifecycle import poll_open_voting
    from huanjie.polls.tests.matrix_setup import party_poll

    officer = cast.town_officer
    members_meeting, people = party_poll(
        cast.county_officer, world.campaign, VILLAGE, committee_elects=True
    )
    post = members_meeting.posts.get()
    assert (post.post, post.seats, post.candidates.count()) == ("member", 3, 5)
    elected = [m.person.name for m in people[:3]]
    Poll.objects.filter(pk=members_meeting.pk).update(
        status=PollStatus.CLOSED,
        engine_hash="0" * 64,
        engine_output={"valid": True, "elected": elected},
    )
    meeting = poll_create_committee_meeting(
        actor=officer, election=members_meeting.election, secretary=people[0].person
    )
    box = s.box_add(actor=officer, poll=meeting, name="会议票箱")
    s.ballots_issue(actor=officer, box=box, count=3, serial_from=1)
    poll_open_voting(actor=officer, poll=meeting)
    meeting.refresh_from_db()
    assert meeting.electorate == 3
    party_attend(actor=officer, poll=meeting, member=people[1])
    with pytest.raises(ValidationError, match="不参加委员会全体会议"):
        party_attend(actor=officer, poll=meeting, member=people[6])
