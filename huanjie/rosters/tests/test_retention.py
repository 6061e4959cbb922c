"""The retention purge keeps the people who hold a post in force (rosters.retention), and the
certified result with its frozen document."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from huanjie.elections.models import Campaign
from huanjie.people.models import Person
from huanjie.results.models import ResultVersion
from huanjie.results.tests.conftest import certified, closed  # noqa: F401
from huanjie.retention import campaign_personal_data_purge
from huanjie.rosters.models import Cadre


def test_the_purge_keeps_office_holders_and_the_result(certified):  # noqa: F811
    campaign = certified.result.election.village.campaign
    today = timezone.localdate()
    Campaign.objects.filter(pk=campaign.pk).update(
        window_end=today - timedelta(days=2), retention_until=today - timedelta(days=1)
    )
    campaign.refresh_from_db()
    purged = campaign_personal_data_purge(campaign, timezone.localdate())
    assert purged is not None and purged.counts["people_erased"] > 0
    holders = Person.objects.filter(pk__in=Cadre.objects.values("person"))
    assert holders.count() == 4
    assert all(p.erased_on is None and p.name for p in holders)
    # A candidate who was not elected (李强) is nobody's office holder: erased.
    assert not Person.objects.filter(name="李强").exists()
    kept = ResultVersion.objects.get(pk=certified.pk)
    assert kept.document == certified.document and kept.sha256 == certified.sha256
