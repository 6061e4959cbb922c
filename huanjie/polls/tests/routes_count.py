"""The count's routes for the site-wide walks (scope 404, XSS, full-ID scan), filled with
own-county objects made through the services: a rehearsal of the walk poll's election, counting,
with one box, a sheet read ballot by ballot (the town officer's entry, two ballots in) and a
sheet typed as figures on which the two entries differ. Asked for more than once per test:
made once and kept in `objects`."""

from __future__ import annotations

from typing import Any

POST_ONLY = {"polls:sheet_create", "polls:entry_start", "polls:entry_finish"}


def count_poll(cast: Any, campaign: Any, objects: dict[str, Any]) -> Any:
    """A rehearsal of the walk poll's election in counting, its sheets entered (kept in
    `objects`: "count_poll", "reading_sheet", "different_sheet")."""
    if "count_poll" in objects:
        return objects["count_poll"]
    from huanjie.polls import keyboard
    from huanjie.polls.services import entry as s
    from huanjie.polls.services.lifecycle import (
        poll_create_first,
        poll_open_voting,
        poll_start_counting,
    )
    from huanjie.polls.services.setup import ballots_issue, box_add
    from huanjie.polls.tests.routes import walk_poll

    town, county = cast.town_officer, cast.county_officer
    election = walk_poll(cast, campaign, objects).election
    poll = poll_create_first(actor=town, election=election, rehearsal=True)
    box = box_add(actor=town, poll=poll, name="计票票箱")
    ballots_issue(actor=town, box=box, count=50, serial_from=9001)
    poll_open_voting(actor=town, poll=poll)
    poll = poll_start_counting(actor=town, poll=poll)
    layout = s.layout_of(poll)

    reading = s.sheet_create(actor=town, poll=poll, box=box, method="ballots")
    entry = s.entry_start(actor=town, sheet=reading)
    for seq, line in enumerate(["1/1 2", "x1"], 1):
        b = keyboard.parse_ballot(line, layout)
        s.ballot_enter(
            actor=town, entry=entry, seq=seq, picks=b.picks, invalid=b.invalid, reason=b.reason
        )

    different = s.sheet_create(actor=town, poll=poll, box=box, method="sheet")
    zero = {post.post: {c.name: 0 for c in post.candidates} for post in layout.posts}
    figures: dict[str, Any] = {
        "returned": 2,
        "valid": 2,
        "invalid": 0,
        "blank": 2,
        "spoiled": 0,
        "replaced": 0,
        "votes": zero,
    }
    for actor, returned in ((town, 2), (county, 3)):
        e = s.entry_start(actor=actor, sheet=different)
        s.entry_save(actor=actor, entry=e, figures={**figures, "returned": returned})
        s.entry_finish(actor=actor, entry=e)
    objects |= {"count_poll": poll, "reading_sheet": reading, "different_sheet": different}
    return poll


def routes(cast: Any, campaign: Any, objects: dict[str, Any]) -> dict[str, list[dict]]:
    poll = count_poll(cast, campaign, objects)
    reading, different = objects["reading_sheet"].pk, objects["different_sheet"].pk
    return {
        "polls:count": [{"pk": poll.pk}],
        "polls:sheet_create": [{"pk": poll.pk}],
        "polls:entry": [{"pk": reading}, {"pk": different}],
        "polls:entry_start": [{"pk": reading}],
        "polls:entry_finish": [{"pk": reading}],
        "polls:differences": [{"pk": different}],
    }
