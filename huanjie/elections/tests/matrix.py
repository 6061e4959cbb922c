"""The county rule-profile services' cells of the role × action matrix
(huanjie/tests/test_service_matrix.py): a county's own election rules
(huanjie.elections.rule_profiles), the county officer's. `cases()` is what its MATRIX takes."""

from __future__ import annotations

from datetime import date
from typing import Any

MEASURE = "青海省村民委员会选举办法"
SURPLUS = {"by_post": {"director": [1, 1], "member": [1, 2]}}
BEFORE = date(2026, 12, 1)  # before the campaign's election day: no election has begun


def _profile(w: Any, at: Any, published: bool = False) -> Any:
    """A draft of the county's profile with one parameter set; published if asked."""
    from huanjie.elections import rule_profiles as rp

    officer = w.officer(at)
    profile = rp.rule_profile_create(
        actor=officer,
        region=w.region(at.county),
        name="县村民委员会选举规则",
        law="2025",
        measure=MEASURE,
    )
    profile = rp.rule_profile_set_parameter(
        actor=officer, profile=profile, parameter="surplus", value=SURPLUS, article=None
    )
    if published:
        profile = rp.rule_profile_publish(actor=officer, profile=profile)
    return profile


def cases() -> dict[str, Any]:
    from huanjie.accounts.permissions import Action
    from huanjie.tests.test_service_matrix import Case

    manage = Action.MANAGE_RULE_PROFILES
    p = "huanjie.elections.rule_profiles."
    county = (6,)  # a county's own rules
    return {
        p + "rule_profile_create": Case(
            manage,
            lambda w, at: {
                "region": w.region(at.county),
                "name": "县村民委员会选举规则",
                "law": "2025",
                "measure": MEASURE,
            },
            actor_levels=county,
        ),
        p + "rule_profile_set_parameter": Case(
            manage,
            lambda w, at: {
                "profile": _profile(w, at),
                "parameter": "transfer",
                "value": "allowed",
                "article": 12,
                "today": BEFORE,
            },
            actor_levels=county,
        ),
        p + "rule_profile_clear_parameter": Case(
            manage,
            lambda w, at: {"profile": _profile(w, at), "parameter": "surplus", "today": BEFORE},
            actor_levels=county,
        ),
        p + "rule_profile_publish": Case(
            manage, lambda w, at: {"profile": _profile(w, at)}, actor_levels=county
        ),
        p + "campaign_set_rule_profile": Case(
            manage,
            lambda w, at: {
                "campaign": w.campaign_of(at),
                "profile": _profile(w, at, published=True),
                "today": BEFORE,
            },
            actor_levels=county,
        ),
    }
