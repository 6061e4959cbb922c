"""`huanjie demo` builds the demo county and can be run again without duplicating anything."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from huanjie.accounts.models import User
from huanjie.audit.models import AuditEvent
from huanjie.elections.models import Campaign, CampaignVillage
from huanjie.party.models import PartyMember
from huanjie.people.models import Person
from huanjie.regions.models import Region
from huanjie.voters.models import VoterRegistration


@pytest.mark.django_db
def test_the_demo_loads_the_county_and_reloads_idempotently():
    out = io.StringIO()
    call_command("demo", scale=0.02, stdout=out)
    text = out.getvalue()
    assert Region.objects.filter(code__startswith="630121", level=5).count() == 313
    campaign = Campaign.objects.get(region_id="630121", term_number=12)
    entries = CampaignVillage.objects.filter(campaign=campaign)
    assert entries.count() == 313
    assert entries.filter(included=False).exclude(exclusion_reason="").count() == 1
    assert not entries.filter(included=True, election_date=None).exists()
    people = Person.objects.count()
    assert people > 313 * 10
    assert User.objects.filter(username__startswith="dt_").count() == 9
    # Every included village outside 桥头镇 has its adults registered, through the import.
    registered = VoterRegistration.objects.filter(campaign=campaign)
    assert registered.exists()
    assert not registered.filter(village__code__startswith="630121100").exists()
    assert AuditEvent.objects.filter(action="voters.import").count() == 1
    assert PartyMember.objects.exists()
    for username in ("dt_county", "dt_town", "dt_clerk", "dt_auditadmin"):
        assert username in text
    call_command("demo", scale=0.02, stdout=io.StringIO())
    assert Person.objects.count() == people
    assert Campaign.objects.count() == 1
    assert User.objects.filter(username__startswith="dt_").count() == 9
    assert VoterRegistration.objects.count() == registered.count()
