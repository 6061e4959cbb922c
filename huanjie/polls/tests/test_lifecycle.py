"""A poll's life: created from the fixed lists, opened with the electorate from the roll."""

import pytest
from django.core.exceptions import ValidationError

from huanjie.polls.models import PollHistory, PollStatus
from huanjie.polls.services.lifecycle import poll_create_first


def test_the_first_poll_carries_the_fixed_lists_in_their_order(world, poll):
    posts = {p.post: [c.name for c in p.candidates.all()] for p in poll.posts.all()}
    assert sorted(posts["director"]) == sorted(["张伟", "李强"])
    assert len(posts["member"]) == 5
    assert poll.status == PollStatus.SETUP
    assert PollHistory.objects.filter(poll=poll).count() == 1


def test_a_second_first_poll_is_refused_but_a_rehearsal_is_not(world, poll):
    with pytest.raises(ValidationError, match="已有第一次投票"):
        poll_create_first(actor=world.cast.town_officer, election=world.election)
    rehearsal = poll_create_first(
        actor=world.cast.town_officer, election=world.election, rehearsal=True
    )
    assert rehearsal.rehearsal and rehearsal.number == 1
