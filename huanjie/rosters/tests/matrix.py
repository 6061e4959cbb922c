"""The roster's cells of the role × action matrix (huanjie/tests/test_service_matrix.py): a
recall's motion and vote and a by-election, each on a roster whose result is in force."""

from __future__ import annotations

import importlib
from typing import Any

from huanjie.accounts.permissions import Action

# The other parts' cases (matrix_*.py beside this file): the import, the structure checks and
# the kin, the cadres' details, reserve cadres and the care of departing cadres.
PARTS = ("matrix_import", "matrix_structure", "matrix_care")

P = "huanjie.rosters.services."


def cadre_at(w: Any, at: Any) -> Any:
    """A member in force on the roster of a certified result at the place `at`."""
    from huanjie.results.tests.matrix import certified_at
    from huanjie.rosters.models import Cadre

    version = certified_at(w, at)
    return Cadre.objects.filter(result_version=version, post="member", ended_on__isnull=True)[0]


def recall_at(w: Any, at: Any) -> Any:
    """A recall motion with enough names, waiting for its vote, made by the place's officer."""
    from django.utils import timezone

    from huanjie.rosters.services.recall import recall_motion

    return recall_motion(
        actor=w.officer(at),
        cadre=cadre_at(w, at),
        reason="长期不履行职责",
        signers=200,
        of=1000,
        by_representatives=False,
        motion_on=timezone.localdate(),
    )


def open_seat_at(w: Any, at: Any) -> Any:
    """The election of a certified result at `at` with one member's seat open (he resigned)."""
    from django.utils import timezone

    from huanjie.rosters.models import Cadre, EndReason

    cadre = cadre_at(w, at)
    Cadre.objects.filter(pk=cadre.pk).update(
        ended_on=timezone.localdate(), end_reason=EndReason.RESIGNED
    )
    return cadre.result_version.result.election


def cases() -> dict[str, Any]:
    found = _changes()
    for part in PARTS:
        try:
            module = importlib.import_module(f"huanjie.rosters.tests.{part}")
        except ModuleNotFoundError:
            continue
        found |= module.cases()
    return found


def term_at(w: Any, at: Any) -> Any:
    """The county's term 11 of the place `at` (made once)."""
    from datetime import date

    from huanjie.rosters.models import Term

    term, _ = Term.objects.get_or_create(
        county_id=at.county, number=11, defaults={"reference_date": date(2022, 1, 31)}
    )
    return term


def _changes() -> dict[str, Any]:
    """The changes during the term: recall and by-election."""
    from django.utils import timezone

    from huanjie.tests.test_service_matrix import Case

    manage = Action.MANAGE_ROSTER
    today = timezone.localdate()
    return {
        P + "terms.term_set_reference_date": Case(
            Action.MANAGE_CAMPAIGNS,
            lambda w, at: {"term": term_at(w, at), "reference_date": today},
            area_levels=(6,),
            actor_levels=(6,),
        ),
        P + "recall.recall_motion": Case(
            manage,
            lambda w, at: {
                "cadre": cadre_at(w, at),
                "reason": "长期不履行职责",
                "signers": 200,
                "of": 1000,
                "by_representatives": False,
                "motion_on": today,
            },
        ),
        P + "recall.recall_vote": Case(
            manage,
            lambda w, at: {
                "recall": recall_at(w, at),
                "voted_on": today,
                "electorate": 1000,
                "voted": 600,
                "yes": 400,
            },
        ),
        P + "by_election.by_election_record": Case(
            manage,
            lambda w, at: {
                "election": open_seat_at(w, at),
                "post": "member",
                "seats": 1,
                "reason": "原委员辞职",
                "held_on": today,
                "electorate": 100,
                "voted": 80,
                "ballots_issued": 80,
                "valid": 78,
                "invalid": 2,
                "votes": {"马丽": 60, "韩军": 18},
                "candidates": [{"name": "马丽", "sex": "F"}, {"name": "韩军", "sex": "M"}],
            },
        ),
    }
