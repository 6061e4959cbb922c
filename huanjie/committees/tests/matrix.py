"""The committee services' cells of the role × action matrix (huanjie/tests/test_service_matrix.py):
`cases()` is what its MATRIX takes (`**committee_cases()`); until the lead adds it there,
test_matrix.py in this app runs the same cells."""

from __future__ import annotations

from typing import Any


def _committee(w: Any, at: Any, reserves: bool = True) -> Any:
    from huanjie.committees import services as s

    officer = w.officer(at)
    committee = s.committee_create(
        actor=officer,
        entry=w.entry(at),
        chosen_on=w.campaign_of(at).window_start,
        chosen_by="villagers_meeting",
        seats=3,
    )
    rows = [("韩德福", "serving", "chair"), ("马进才", "serving", "member")]
    rows += [("祁生秀", "serving", "member")]
    rows += [("李有福", "reserve", "")] * reserves
    for name, status, role in rows:
        s.member_add(
            actor=officer,
            committee=committee,
            person=w.person(at, name),
            status=status,
            role=role,
        )
    return committee


def _member(w: Any, at: Any, order: int) -> Any:
    return _committee(w, at).members.get(order=order)


def cases() -> dict[str, Any]:
    from huanjie.accounts.permissions import Action
    from huanjie.tests.test_service_matrix import Case

    manage = Action.MANAGE_COMMITTEES
    p = "huanjie.committees.services."
    return {
        p + "committee_create": Case(
            manage,
            lambda w, at: {
                "entry": w.entry(at),
                "chosen_on": w.campaign_of(at).window_start,
                "chosen_by": "representatives_meeting",
                "seats": 5,
            },
        ),
        p + "member_add": Case(
            manage,
            lambda w, at: {
                "committee": _committee(w, at, reserves=False),
                "person": w.person(at, "朱成林"),
                "status": "reserve",
            },
        ),
        p + "member_withdraw": Case(
            manage,
            lambda w, at: {"member": _member(w, at, 2), "kind": "resigned", "reason": "外出务工"},
        ),
        p + "committee_set_chair": Case(
            manage,
            lambda w, at: (
                lambda committee: {"committee": committee, "member": committee.members.get(order=2)}
            )(_committee(w, at)),
        ),
    }
