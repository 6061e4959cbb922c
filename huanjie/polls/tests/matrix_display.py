"""The display links in the role × action matrix: only a town's or a county's user holding
MANAGE_POLLS issues or revokes one (`actor_levels`); a village clerk, who holds the action, is
refused like one without it."""

from __future__ import annotations

from typing import Any

from huanjie.accounts.permissions import Action

P = "huanjie.polls.services.display."
TOWN_OR_COUNTY = (6, 9)


def _poll(w: Any, at: Any) -> Any:
    from huanjie.polls.tests.matrix import poll_at

    return poll_at(w, at)


def _link(w: Any, at: Any) -> Any:
    """A link in force, issued by the place's county officer."""
    from huanjie.polls.services.display import display_link_issue

    link, _ = display_link_issue(actor=w.officer(at), poll=_poll(w, at), label="礼堂大屏")
    return link


def cases() -> dict[str, Any]:
    from huanjie.tests.test_service_matrix import Case

    manage = Action.MANAGE_POLLS
    return {
        P + "display_link_issue": Case(
            manage,
            lambda w, at: {"poll": _poll(w, at), "label": "礼堂大屏"},
            actor_levels=TOWN_OR_COUNTY,
        ),
        P + "display_link_revoke": Case(
            manage, lambda w, at: {"link": _link(w, at)}, actor_levels=TOWN_OR_COUNTY
        ),
    }
