"""What the database itself holds to, whatever code writes: a registration belongs to a village
the campaign took in (voters migration 0007: one composite reference on PostgreSQL, triggers on
SQLite, which a later table rebuild there would silently drop: this test would then fail)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from huanjie.conftest import OTHER_COUNTY_VILLAGE
from huanjie.elections.models import CampaignVillage
from huanjie.voters.models import VoterRegistration
from huanjie.voters.tests.test_roll_cast import make_person, make_roll


def _now_checked() -> None:
    # PostgreSQL checks the deferred reference at commit; a test never commits.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _register(roll, person, **changes) -> VoterRegistration:
    fields = {"campaign": roll.campaign, "village": roll.village, "person": person}
    return VoterRegistration.objects.create(category="hukou_resident", **{**fields, **changes})


def test_a_registration_outside_the_campaigns_villages_is_refused(cast):
    roll = make_roll(cast)
    person, _ = make_person("马成林")
    _now_checked()
    with pytest.raises(IntegrityError), transaction.atomic():
        _register(roll, person, village_id=OTHER_COUNTY_VILLAGE)
    registration = _register(roll, person)
    with pytest.raises(IntegrityError), transaction.atomic():
        VoterRegistration.objects.filter(pk=registration.pk).update(village_id=OTHER_COUNTY_VILLAGE)


def test_a_village_with_registrations_stays_in_the_campaign(cast):
    roll = make_roll(cast)
    person, _ = make_person("马成林")
    _register(roll, person)
    _now_checked()
    with pytest.raises(IntegrityError), transaction.atomic():
        CampaignVillage.objects.filter(campaign=roll.campaign, region=roll.village).delete()
    assert CampaignVillage.objects.filter(campaign=roll.campaign, region=roll.village).exists()
