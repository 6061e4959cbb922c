"""The village ledgers' services in the role × action matrix (huanjie/tests/test_service_matrix.py):
each on items of the place's village, made through the services by the place's county officer
(a complex assessment first, for a rectification item)."""

from __future__ import annotations

from datetime import date
from typing import Any

from huanjie.accounts.permissions import Action
from huanjie.ledgers.tests.world import (
    assessment_values,
    audit_values,
    candidate_values,
    plan_values,
    rectification_values,
)

P = "huanjie.ledgers.services."


def _at(w: Any, at: Any) -> dict[str, Any]:
    return {"campaign": w.campaign_of(at), "region": w.region(at.village)}


def _new(w: Any, at: Any, values: dict[str, Any]) -> dict[str, Any]:
    return {**_at(w, at), "item": None, "values": values}


def _assessment(w: Any, at: Any) -> Any:
    from huanjie.ledgers.models import Assessment
    from huanjie.ledgers.services.assessments import assessment_save

    found = Assessment.objects.filter(**_at(w, at)).first()
    return found or assessment_save(actor=w.officer(at), **_new(w, at, assessment_values()))


def _item(w: Any, at: Any, closed: bool = False) -> Any:
    from huanjie.ledgers.services import rectification as r

    _assessment(w, at)
    item = r.rectification_save(actor=w.officer(at), **_new(w, at, rectification_values()))
    if closed:
        r.rectification_close(actor=w.officer(at), item=item, closed_on=date(2026, 12, 1))
    return item


def _audit(w: Any, at: Any, started: bool = False) -> Any:
    from huanjie.ledgers.services import audits

    item = audits.audit_save(actor=w.officer(at), **_new(w, at, audit_values()))
    if started:
        audits.audit_start(actor=w.officer(at), item=item, started_on=date(2026, 11, 25))
    return item


def _candidate(w: Any, at: Any) -> Any:
    from huanjie.ledgers.services.candidates import candidate_save

    return candidate_save(actor=w.officer(at), **_new(w, at, candidate_values()))


def cases() -> dict[str, Any]:
    from huanjie.tests.test_service_matrix import Case

    manage = Action.MANAGE_LEDGERS
    return {
        P + "assessments.assessment_save": Case(
            manage, lambda w, at: _new(w, at, assessment_values())
        ),
        P + "assessments.contingency_save": Case(manage, lambda w, at: _new(w, at, plan_values())),
        P + "rectification.rectification_save": Case(
            manage,
            lambda w, at: (_assessment(w, at), _new(w, at, rectification_values()))[1],
        ),
        P + "rectification.rectification_close": Case(
            manage, lambda w, at: {"item": _item(w, at), "closed_on": date(2026, 12, 1)}
        ),
        P + "rectification.rectification_reopen": Case(
            manage, lambda w, at: {"item": _item(w, at, closed=True), "reason": "问题反弹"}
        ),
        P + "audits.audit_save": Case(manage, lambda w, at: _new(w, at, audit_values())),
        P + "audits.audit_start": Case(
            manage, lambda w, at: {"item": _audit(w, at), "started_on": date(2026, 11, 25)}
        ),
        P + "audits.audit_report": Case(
            manage,
            lambda w, at: {
                "item": _audit(w, at, started=True),
                "reported_on": date(2026, 12, 2),
                "findings": "财务收支基本规范",
            },
        ),
        P + "candidates.candidate_save": Case(
            manage, lambda w, at: _new(w, at, candidate_values())
        ),
        P + "candidates.candidate_confirm": Case(manage, lambda w, at: {"item": _candidate(w, at)}),
        P + "candidates.candidate_drop": Case(
            manage, lambda w, at: {"item": _candidate(w, at), "reason": "本人不愿参选"}
        ),
    }
