"""Certification in the role × action matrix: the town's step by a town account, the county's
(and its sending back) by a county account."""

from __future__ import annotations

from typing import Any

from huanjie.accounts.permissions import Action

P = "huanjie.results.services.certify."


def cases() -> dict[str, Any]:
    from huanjie.results.tests.matrix import closed_at, town_certified_at
    from huanjie.tests.test_service_matrix import Case

    certify = Action.CERTIFY_RESULTS
    return {
        P + "result_certify_town": Case(
            certify, lambda w, at: {"election": closed_at(w, at)}, actor_levels=(9,)
        ),
        P + "result_certify_county": Case(
            certify, lambda w, at: {"version": town_certified_at(w, at)}, actor_levels=(6,)
        ),
        P + "result_return": Case(
            certify,
            lambda w, at: {"version": town_certified_at(w, at), "reason": "报告单照片不清晰"},
            actor_levels=(6,),
        ),
    }
