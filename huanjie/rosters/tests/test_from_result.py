"""Certified winners join the roster (the signal results.signals.version_in_force)."""

from __future__ import annotations

from huanjie.results.tests.conftest import certified, closed  # noqa: F401
from huanjie.rosters.models import Cadre


def test_the_certified_winners_hold_their_posts_for_the_new_term(certified):  # noqa: F811
    roster = sorted(Cadre.objects.values_list("post", "name", "term_number", "source"))
    assert roster == [
        ("director", "张伟", 13, "result"),
        ("member", "刘洋", 13, "result"),
        ("member", "王芳", 13, "result"),
        ("member", "陈静", 13, "result"),
    ]
    assert {c.result_version_id for c in Cadre.objects.all()} == {certified.pk}
    assert all(c.person is not None for c in Cadre.objects.all())


def _in_force() -> list[tuple[str, str, str]]:
    return sorted(
        Cadre.objects.filter(ended_on__isnull=True).values_list("post", "name", "end_reason")
    )


def test_a_correction_that_keeps_the_winners_keeps_their_rows(certified, closed):  # noqa: F811
    from huanjie.results.services import corrections as svc
    from huanjie.results.tests.test_corrections import ONE_VOTE, entered, opened

    before, rows = _in_force(), set(Cadre.objects.values_list("pk", flat=True))
    correction = opened(closed, closed.cast.town_officer)
    entered(closed, correction, closed.cast.town_officer, **ONE_VOTE)
    version = svc.correction_submit(actor=closed.cast.town_officer, correction=correction)
    svc.correction_approve(actor=closed.county2, correction=correction, note="")
    assert _in_force() == before
    assert set(Cadre.objects.values_list("pk", flat=True)) == rows
    assert set(Cadre.objects.values_list("result_version", flat=True)) == {version.pk}


def test_a_recount_that_changes_a_winner_moves_the_roster(certified, closed):  # noqa: F811
    from huanjie.results.services import corrections as svc
    from huanjie.results.tests.test_corrections import RECOUNT, SWAPPED, entered, opened
    from huanjie.rosters.models import EndReason

    recount = opened(closed, closed.cast.county_officer, RECOUNT)
    entered(closed, recount, closed.cast.town_officer, **SWAPPED)
    version = svc.correction_submit(actor=closed.cast.town_officer, correction=recount)
    svc.correction_approve(actor=closed.county2, correction=recount, note="")
    ended = Cadre.objects.get(name="陈静")
    assert (ended.end_reason, ended.ended_on is not None) == (EndReason.CORRECTED, True)
    assert "第2版" in ended.end_note
    assert _in_force() == [
        ("director", "张伟", ""),
        ("member", "刘洋", ""),
        ("member", "王芳", ""),
        ("member", "赵敏", ""),
    ]
    assert Cadre.objects.get(name="赵敏").result_version == version
