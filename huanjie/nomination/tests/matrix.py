"""The formal-list services' cells of the role × action matrix (huanjie/tests/test_service_matrix.py):
两述, 公示 and its objections, fixing, 递补 and the county's unfixing (huanjie.nomination.lists).
`cases()` is what its MATRIX takes. The elections are the matrix's `_election` (a committee
nominated by the voters, 4 members), in the campaign's window (2026-11-01 to the election day
2027-01-15): every day below lies in it."""

from __future__ import annotations

from datetime import date
from typing import Any

NAMES = ("王芳", "刘洋", "李明", "沈括", "宋江")


def _formal_list(w: Any, at: Any, fixed: bool = True, next_in_line: bool = False) -> Any:
    """The member post of `_election` with five formal candidates (one more than its four
    seats: 村民委员会组织法(2025) 第十八条), its list fixed (no publicity is asked for under the
    national law); with `next_in_line`, a qualified nominee waits and a candidate withdrew."""
    from huanjie.nomination import lists
    from huanjie.nomination import services as n
    from huanjie.tests.test_service_matrix import _election

    officer = w.officer(at)
    election = _election(w, at)
    post = election.posts.get(post="member")

    def qualified(name: str) -> Any:
        nominee = n.nominee_propose(
            actor=officer,
            election=election,
            post=post,
            person=w.person(at, name),
            how_nominated="voters_jointly",
        )
        n.nominee_send_to_review(actor=officer, nominee=nominee)
        return n.nominee_qualify(actor=officer, nominee=nominee)

    formal = [n.nominee_make_formal(actor=officer, nominee=qualified(name)) for name in NAMES]
    if not fixed:
        return post
    candidate_list = lists.list_fix(actor=officer, post=post)
    if next_in_line:
        qualified("丁一")
        n.nominee_withdraw(actor=officer, nominee=formal[1], reason="本人申请退出")
    return candidate_list


def _publicity(w: Any, at: Any) -> Any:
    from huanjie.nomination import lists
    from huanjie.tests.test_service_matrix import _election

    return lists.publicity_open(
        actor=w.officer(at),
        election=_election(w, at),
        subject="nominees",
        starts_on=date(2026, 12, 10),
        ends_on=date(2026, 12, 15),
    )


def _objection(w: Any, at: Any) -> Any:
    from huanjie.nomination import lists

    return lists.objection_receive(
        actor=w.officer(at),
        publicity=_publicity(w, at),
        received_on=date(2026, 12, 12),
        from_name="马玉兰",
        content="反映初步人选的情况",
    )


def cases() -> dict[str, Any]:
    from huanjie.accounts.permissions import Action
    from huanjie.tests.test_service_matrix import Case, _election, _nominee

    manage = Action.MANAGE_NOMINATION
    p = "huanjie.nomination.lists."
    return {
        p + "statement_record": Case(
            manage,
            lambda w, at: {
                "nominee": _nominee(w, at),
                "held_on": date(2026, 12, 10),
                "summary": "竞职陈述：发展村集体经济",
            },
        ),
        p + "publicity_open": Case(
            manage,
            lambda w, at: {
                "election": _election(w, at),
                "subject": "nominees",
                "starts_on": date(2026, 12, 10),
                "ends_on": date(2026, 12, 15),
            },
        ),
        p + "objection_receive": Case(
            manage,
            lambda w, at: {
                "publicity": _publicity(w, at),
                "received_on": date(2026, 12, 12),
                "from_name": "马玉兰",
                "content": "反映初步人选的情况",
            },
        ),
        p + "objection_decide": Case(
            manage,
            lambda w, at: {
                "objection": _objection(w, at),
                "decision": "rejected",
                "note": "经核实，反映的情况不属实",
                "decided_on": date(2026, 12, 14),
            },
        ),
        p + "list_fix": Case(manage, lambda w, at: {"post": _formal_list(w, at, fixed=False)}),
        # 撤销确定 is the county's alone (its own refusal of a town or village user is tested in
        # test_lists.py); out of scope every holder of the Action is refused.
        p + "list_unfix": Case(
            manage,
            lambda w, at: {"candidate_list": _formal_list(w, at), "reason": "职数调整，重新确定"},
            actor_levels=(6,),
        ),
        p + "list_fill": Case(
            manage,
            lambda w, at: {"candidate_list": _formal_list(w, at, next_in_line=True)},
        ),
    }
