"""The ballot and hall routes for the site-wide walks: the walk's poll, and a display link the
town officer issues (the hall's URLs take its token). The hall needs no login, but a signed-in
user is held to their scope there too, so the walks treat it like any other page: 200 for the
county's own staff, 404 (logged) for another county's officer."""

from __future__ import annotations

from typing import Any

POST_ONLY = {"polls:display_link_revoke"}


def routes(cast: Any, campaign: Any, objects: dict[str, Any]) -> dict[str, list[dict]]:
    from huanjie.polls.services.display import display_link_issue
    from huanjie.polls.tests.routes import walk_poll

    poll = walk_poll(cast, campaign, objects)
    if "display_token" not in objects:
        link, token = display_link_issue(actor=cast.town_officer, poll=poll, label="礼堂大屏")
        objects["display_link"], objects["display_token"] = link, token
    token = objects["display_token"]
    return {
        "polls:ballots": [{"pk": poll.pk}],
        "polls:ballot_pdf": [{"pk": poll.pk}],
        "polls:display_links": [{"pk": poll.pk}],
        "polls:display_link_revoke": [{"pk": poll.pk, "link": objects["display_link"].pk}],
        "polls:hall": [{"token": token}],
        "polls:hall_feed": [{"token": token}],
    }
