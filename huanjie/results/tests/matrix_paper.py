"""The signed paper in the role × action matrix: pages uploaded and taken down by those who run
the poll (MANAGE_POLLS), read by those who see the campaign, compared and marked with incidents
by the town or the county (CERTIFY_RESULTS)."""

from __future__ import annotations

from typing import Any

from huanjie.accounts.permissions import Action

P = "huanjie.results.services.paper."


def _box(election: Any) -> Any:
    from huanjie.polls.models import BallotBox

    return BallotBox.objects.filter(poll__election=election, poll__rehearsal=False).first()


def _scan(w: Any, at: Any) -> Any:
    """A page of a closed poll's box, uploaded by the place's county officer."""
    from huanjie.results.services.paper import scan_upload
    from huanjie.results.tests.conftest import PNG
    from huanjie.results.tests.matrix import closed_at

    box = _box(closed_at(w, at, paper=False))
    return scan_upload(actor=w.officer(at), box=box, name="报告单.png", content=PNG)


def _incident(w: Any, at: Any) -> Any:
    """An incident raised by a town officer of the place's town (the town may resolve it, and
    so may the county)."""
    from huanjie.results.services.paper import incident_raise
    from huanjie.results.tests.matrix import closed_at, town_officer_of

    return incident_raise(
        actor=town_officer_of(w, at), box=_box(closed_at(w, at)), note="监票员签字不全"
    )


def cases() -> dict[str, Any]:
    from huanjie.results.tests.conftest import PNG
    from huanjie.results.tests.matrix import closed_at
    from huanjie.tests.test_service_matrix import Case

    manage, certify = Action.MANAGE_POLLS, Action.CERTIFY_RESULTS
    levels = (6, 9)  # the town and the county compare; never a village
    return {
        P + "scan_upload": Case(
            manage,
            lambda w, at: {
                "box": _box(closed_at(w, at, paper=False)),
                "name": "报告单.png",
                "content": PNG,
            },
        ),
        P + "scan_remove": Case(
            manage, lambda w, at: {"scan": _scan(w, at), "reason": "拍错了票箱"}
        ),
        P + "scan_open": Case(Action.VIEW_CAMPAIGNS, lambda w, at: {"scan": _scan(w, at)}),
        # The matrix's paper is compared by the town already: the town's call answers with that
        # comparison, the county's makes its own.
        P + "box_check": Case(
            certify, lambda w, at: {"box": _box(closed_at(w, at))}, actor_levels=levels
        ),
        P + "incident_raise": Case(
            certify,
            lambda w, at: {"box": _box(closed_at(w, at)), "note": "报告单与录入的收回票数不一致"},
            actor_levels=levels,
        ),
        P + "incident_resolve": Case(
            certify,
            lambda w, at: {"incident": _incident(w, at), "resolution": "已补签并重新上传"},
            actor_levels=levels,
        ),
    }
