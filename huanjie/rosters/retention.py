"""The roster's part of the retention purge (SECURITY.md P7; huanjie.retention): a person who
holds a post in force is an office holder of the village, not only a voter of a past campaign,
so the purge of that campaign keeps them (the roster is kept for the term, like the results and
their signed tally sheets, which are the election's archive: 选举档案).

The same holds for the roster's other records of a person, which are the county's records of
its cadres, not a campaign's: a reserve cadre (后备干部, in the reserve or taken out: the entry
keeps its history), the care of a departing cadre (离任关爱: what was paid, where they were
placed) and a declared close relation (近亲属, the checks of 近亲属回避). No campaign's purge
erases whom such a row names, and no campaign's purge removes the rows: they belong to no
campaign, and stay until the county takes them out (a decision for the county, not the purge)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from huanjie.rosters.models import Cadre, DepartureCare, Kinship, ReserveCadre


def kept_by_roster() -> Q:
    """People (a filter on Person) holding a post in force on a roster, or named by a reserve
    entry, a departing cadre's care or a declared close relation."""
    person = OuterRef("pk")
    return (
        Q(Exists(Cadre.objects.filter(person=person, ended_on__isnull=True)))
        | Q(Exists(ReserveCadre.objects.filter(person=person)))
        | Q(Exists(DepartureCare.objects.filter(person=person)))
        | Q(Exists(Kinship.objects.filter(Q(person_a=person) | Q(person_b=person))))
    )
