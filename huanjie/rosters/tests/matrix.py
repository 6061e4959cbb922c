"""The roster's cells of the role × action matrix (huanjie/tests/test_service_matrix.py): a
recall's motion and vote and a by-election, each on a roster whose result is in force."""

from __future__ import annotations

from typing import Any

from huanjie.accounts.permissions import Action

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
    from django.utils import timezone

    from huanjie.tests.test_service_matrix import Case

    manage = Action.MANAGE_ROSTER
    today = timezone.localdate()
    return {
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
