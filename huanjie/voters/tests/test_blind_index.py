"""SECURITY.md D3: the database itself refuses a second person with one ID number (the unique
keyed hash, never the number) and a second active registration of one person in one campaign,
whatever code writes."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from huanjie.lib.crypto import lookup_hash
from huanjie.voters.models import VoterRegistration
from huanjie.voters.tests.test_roll_cast import make_person, make_roll

NEIGHBOUR = "630121100207"  # 毛家寨村, in 桥头镇 as well


def test_one_id_number_is_one_person_in_the_database(cast):
    person, number = make_person("马成林")
    assert person.id_hash == lookup_hash(number) and number not in person.id_cipher
    twin, _ = make_person("马成林", birth=date(1981, 6, 2))
    twin.id_hash = person.id_hash
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save(update_fields=["id_hash"])


def test_one_active_registration_per_person_and_campaign_in_the_database(cast):
    roll = make_roll(cast)
    other = make_roll(cast, code=NEIGHBOUR, campaign=roll.campaign)
    person, _ = make_person("马成林")
    fields = {"campaign": roll.campaign, "person": person, "category": "hukou_resident"}
    VoterRegistration.objects.create(village=roll.village, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        VoterRegistration.objects.create(village=other.village, **fields)
