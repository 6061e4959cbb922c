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
