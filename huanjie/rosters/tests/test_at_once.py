"""Two offices writing the same roster at once: one open seat takes one by-election, one cadre
one waiting recall motion, one motion one vote; the other is refused with the message the same
writes one after the other give, never a 500 nor a second row.

PostgreSQL only: SQLite runs one writer at a time, so there is no race to lose."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from huanjie.rosters.models import ByElection, Cadre, Recall, RecallStatus, Source
from huanjie.rosters.services.by_election import by_election_record
from huanjie.rosters.services.recall import recall_motion, recall_vote
from huanjie.voters.tests.test_one_place import (
    _at_once,
    flushable,  # noqa: F401 (a fixture)
    postgres_only,
)

pytestmark = [
    postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushable"),
]

TODAY = timezone.localdate()


def _motion(closed, name: str = "王芳"):
    return lambda: recall_motion(
        actor=closed.cast.town_officer,
        cadre=Cadre.objects.get(name=name, ended_on__isnull=True),
        reason="长期不履行职责",
        signers=300,
        of=1000,
        by_representatives=False,
        motion_on=TODAY,
    )


def test_two_motions_against_one_cadre_at_once_leave_one_waiting(certified, closed):
    results = _at_once([_motion(closed), _motion(closed)])
    assert sorted(type(r).__name__ for r in results) == ["Recall", "ValidationError"]
    assert Recall.objects.filter(status=RecallStatus.MOTION).count() == 1


def test_two_votes_on_one_motion_at_once_count_once(certified, closed):
    motion = _motion(closed)()

    def vote():
        return recall_vote(
            actor=closed.cast.county_officer,
            recall=motion,
            voted_on=TODAY,
            electorate=10,
            voted=8,
            yes=6,
        )

    results = _at_once([vote, vote])
    assert sorted(type(r).__name__ for r in results) == ["Recall", "ValidationError"]
    wang = Cadre.objects.get(name="王芳")
    assert wang.end_reason == "recalled"


def test_two_by_elections_of_one_open_seat_at_once_fill_it_once(certified, closed):
    motion = _motion(closed)()
    recall_vote(
        actor=closed.cast.town_officer, recall=motion, voted_on=TODAY, electorate=10, voted=8, yes=6
    )

    def fill(name: str):
        return lambda: by_election_record(
            actor=closed.cast.town_officer,
            election=closed.election,
            post="member",
            seats=1,
            reason="原委员被罢免",
            held_on=TODAY,
            electorate=100,
            voted=60,
            ballots_issued=60,
            valid=60,
            invalid=0,
            votes={name: 45, "韩军": 15},
            candidates=[{"name": name, "sex": "F"}, {"name": "韩军", "sex": "M"}],
        )

    results = _at_once([fill("马丽"), fill("马兰")])
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1 and "没有空缺名额" in refused[0].messages[0]
    assert ByElection.objects.count() == 1
    assert Cadre.objects.filter(source=Source.BY_ELECTION).count() == 1
