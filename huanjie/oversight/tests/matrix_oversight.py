"""The oversight services in the role × action matrix (huanjie/tests/test_service_matrix.py):
inspection groups (the county's), visits and problems (a member of the group covering the
place's town: the cast's inspector in 630121), petitions, training, meetings and documents."""

from __future__ import annotations

from datetime import date
from typing import Any

from huanjie.accounts.permissions import Action
from huanjie.oversight.tests import world as ow

P = "huanjie.oversight.services."
DAY = date(2026, 11, 25)


def _members(w: Any, at: Any) -> list[Any]:
    return [w.cast.inspector] if at.county == "630121" else []


def _visit(w: Any, at: Any) -> Any:
    return ow.visit(w.campaign_of(at), at.village, _members(w, at), w.officer(at))


def _problem(w: Any, at: Any, *, closed: bool = False) -> Any:
    return ow.problem(w.campaign_of(at), at.village, _members(w, at), w.officer(at), closed=closed)


def _petition(w: Any, at: Any) -> Any:
    return ow.petition(w.campaign_of(at), at.village, w.officer(at))


def _save(w: Any, at: Any, code: str, values: dict[str, Any]) -> dict[str, Any]:
    return {"campaign": w.campaign_of(at), "region": w.region(code), "item": None, "values": values}


def _inspections() -> dict[str, Any]:
    from huanjie.tests.test_service_matrix import Case

    record = Action.RECORD_INSPECTIONS
    manage = Action.MANAGE_LEDGERS
    p = P + "inspections."

    def visit_values(w: Any, at: Any) -> dict[str, Any]:
        made = ow.group(w.campaign_of(at), at.village[:9], _members(w, at), w.officer(at))
        return _save(
            w,
            at,
            at.village,
            {"group": made.name, "visited_on": DAY, "checked": "候选人资格联审", "summary": ""},
        )

    def problem_values(w: Any, at: Any) -> dict[str, Any]:
        values = {
            "visit": _visit(w, at).number,
            "description": "联审材料不全",
            "requirement": "补齐材料",
            "due_on": None,
        }
        return _save(w, at, at.village, values)

    def group_values(w: Any, at: Any) -> dict[str, Any]:
        return {
            "name": f"督导组{next(ow.SEQ)}",
            "leader": "县委常委 张国华",
            "members": _members(w, at),
            "towns": [w.region(at.village[:9])],
        }

    return {
        p + "group_create": Case(
            Action.MANAGE_CAMPAIGNS,
            lambda w, at: {"campaign": w.campaign_of(at), **group_values(w, at)},
        ),
        p + "group_update": Case(
            Action.MANAGE_CAMPAIGNS,
            lambda w, at: {"group": _visit(w, at).group, **group_values(w, at)},
        ),
        p + "visit_save": Case(record, visit_values),
        p + "problem_save": Case(record, problem_values),
        p + "problem_follow_up": Case(
            manage, lambda w, at: {"item": _problem(w, at), "measures": "已督促补贴公告"}
        ),
        p + "problem_close": Case(
            manage,
            lambda w, at: {"item": _problem(w, at), "closed_on": DAY, "close_note": "已整改"},
        ),
        p + "problem_reopen": Case(
            record,
            lambda w, at: {"item": _problem(w, at, closed=True), "review_note": "复查仍未公布"},
        ),
    }


def _petitions() -> dict[str, Any]:
    from huanjie.tests.test_service_matrix import Case

    manage = Action.MANAGE_LEDGERS
    p = P + "petitions."
    values = {
        "kind": "report",
        "channel": "letter",
        "received_on": DAY,
        "summary": "反映拉票贿选",
        "petitioner_name": "",
        "petitioner_phone": "",
    }
    return {
        p + "petition_save": Case(manage, lambda w, at: _save(w, at, at.village, values)),
        p + "petition_handle": Case(
            manage,
            lambda w, at: {"item": _petition(w, at), "handler": "镇纪委", "measures": "调查核实"},
        ),
        p + "petition_extend": Case(
            manage, lambda w, at: {"item": _petition(w, at), "extension_reason": "涉及多个部门"}
        ),
        p + "petition_settle": Case(
            manage,
            lambda w, at: {"item": _petition(w, at), "settled_on": DAY, "outcome": "反映不属实"},
        ),
    }


def _training_and_records() -> dict[str, Any]:
    from huanjie.tests.test_service_matrix import Case

    manage = Action.MANAGE_LEDGERS
    p = P
    training_values = {
        "held_on": DAY,
        "title": "换届选举业务培训",
        "kind": "course",
        "trainer": "",
    }
    record_values = {"kind": "meeting", "held_on": DAY, "title": "换届工作推进会", "doc_number": ""}

    def attendee_values(w: Any, at: Any) -> dict[str, Any]:
        made = ow.session(w.campaign_of(at), at.area, w.officer(at))
        values = {
            "session": made.number,
            "name": "马成",
            "post": "村委会主任",
            "village": "",
            "unit": "",
        }
        return _save(w, at, at.area, values)

    return {
        p + "training.training_save": Case(
            manage, lambda w, at: _save(w, at, at.area, training_values), area_levels=(6, 9)
        ),
        p + "training.attendee_save": Case(manage, attendee_values, area_levels=(6, 9)),
        p + "records.work_record_save": Case(
            manage, lambda w, at: _save(w, at, at.area, record_values), area_levels=(6, 9)
        ),
    }


def cases() -> dict[str, Any]:
    return {**_inspections(), **_petitions(), **_training_and_records()}
