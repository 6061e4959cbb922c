"""The poll pages' routes for the walks: the election's polls, a poll's page and its buttons."""

from __future__ import annotations

from typing import Any

POST_ONLY = {"polls:create", "polls:action", "polls:committee_meeting"}


def routes(cast: Any, campaign: Any, objects: dict[str, Any]) -> dict[str, list[dict]]:
    from huanjie.polls.tests.routes import walk_poll

    poll = walk_poll(cast, campaign, objects)
    return {
        "polls:election": [{"election_id": poll.election_id}],
        "polls:create": [{"election_id": poll.election_id}],
        "polls:committee_meeting": [{"election_id": poll.election_id}],
        "polls:detail": [{"pk": poll.pk}],
        "polls:action": [{"pk": poll.pk, "action": "open"}],
    }
