"""The structure checks' cells of the role × action matrix: a campaign's structure settings
(the county's), and a village's close relatives recorded and removed (the town's or county's)."""

from __future__ import annotations

from typing import Any

from huanjie.accounts.permissions import Action

P = "huanjie.rosters.services.structure."


def kinship_at(w: Any, at: Any) -> Any:
    """Two people registered in the village at `at`, recorded close relatives."""
    from huanjie.rosters.models import Kinship

    a, b = sorted((w.person(at, "马玉兰"), w.person(at, "祁国强")), key=lambda p: p.pk)
    return Kinship.objects.create(
        village_id=at.village, person_a=a, person_b=b, relation="spouse", recorded_by=w.officer(at)
    )


def cases() -> dict[str, Any]:
    from huanjie.tests.test_service_matrix import Case

    return {
        P + "structure_rules_set": Case(
            Action.MANAGE_CAMPAIGNS,
            lambda w, at: {"campaign": w.campaign_of(at), "values": {"villagers_min": 5}},
        ),
        P + "kinship_record": Case(
            Action.MANAGE_ROSTER,
            lambda w, at: {
                "village": w.region(at.village),
                "person_a": w.person(at, "马玉兰"),
                "person_b": w.person(at, "祁国强"),
                "relation": "spouse",
                "note": "候选人本人申报",
            },
        ),
        P + "kinship_remove": Case(
            Action.MANAGE_ROSTER, lambda w, at: {"kinship": kinship_at(w, at)}
        ),
    }
