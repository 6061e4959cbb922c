"""The roster's part of the retention purge (SECURITY.md P7; huanjie.retention): a person who
holds a post in force is an office holder of the village, not only a voter of a past campaign,
so the purge of that campaign keeps them (the roster is kept for the term, like the results and
their signed tally sheets, which are the election's archive: 选举档案)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from huanjie.rosters.models import Cadre


def kept_by_roster() -> Q:
    """People (a filter on Person) holding a post in force on a roster."""
    return Q(Exists(Cadre.objects.filter(person=OuterRef("pk"), ended_on__isnull=True)))
