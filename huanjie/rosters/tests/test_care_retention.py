"""The retention purge keeps whom a reserve entry or a departing cadre's care names (the
county's records of its cadres, no campaign's): rosters.retention."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from huanjie.elections.models import Campaign
from huanjie.people.models import Person
from huanjie.results.tests.conftest import certified, closed  # noqa: F401
from huanjie.retention import campaign_personal_data_purge
from huanjie.rosters.models import Cadre, DepartureCare, ReserveCadre, Term


def test_the_purge_keeps_reserve_cadres_and_the_cared_for(certified):  # noqa: F811
    campaign = certified.result.election.village.campaign
    village = certified.result.election.village.region
    officer = certified.result.election.created_by
    holders = set(Cadre.objects.values_list("person", flat=True))
    losers = list(
        Person.objects.filter(region=village, erased_on__isnull=True)
        .exclude(pk__in=holders)
        .filter(name__in=["李强", "刘洋", "陈静", "赵敏", "孙丽", "王芳"])
        .order_by("name")
    )
    reserve, cared, other = losers[0], losers[1], losers[2]
    ReserveCadre.objects.create(
        village=village,
        person=reserve,
        name=reserve.name,
        sex=reserve.sex,
        birth_date=reserve.birth_date,
        added_on=date(2023, 5, 1),
        status="removed",
        removed_on=date(2023, 9, 1),
        recorded_by=officer,
    )
    term, _ = Term.objects.get_or_create(
        county_id=village.code[:6], number=11, defaults={"reference_date": date(2024, 1, 20)}
    )
    DepartureCare.objects.create(
        village=village, term=term, person=cared, name=cared.name, recorded_by=officer
    )
    today = timezone.localdate()
    Campaign.objects.filter(pk=campaign.pk).update(
        window_end=today - timedelta(days=2), retention_until=today - timedelta(days=1)
    )
    campaign.refresh_from_db()
    purged = campaign_personal_data_purge(campaign, today)
    assert purged is not None and purged.counts["people_erased"] > 0
    for kept in (reserve, cared):
        kept.refresh_from_db()
        assert kept.erased_on is None and kept.name
    assert not Person.objects.filter(pk=other.pk, erased_on__isnull=True, name=other.name).exists()
    assert ReserveCadre.objects.count() == 1 and DepartureCare.objects.count() == 1
