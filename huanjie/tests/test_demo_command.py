"""`huanjie demo` builds the demo county and can be run again without duplicating anything."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from huanjie.accounts.models import User
from huanjie.audit.models import AuditEvent
from huanjie.elections.models import Campaign, CampaignVillage
from huanjie.party.models import PartyMember
from huanjie.people.models import Person, PersonStatusChange
from huanjie.regions.models import Region
from huanjie.voters.models import Proxy, VoterRegistration


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
    # 城关镇: deaths, two deprivations (one for life) and a restoration, recorded by the county
    # officer through the service; the unpublished rolls follow, each removal audited.
    changes = PersonStatusChange.objects.filter(person__region__code__startswith="630121101")
    assert changes.filter(kind="died").count() >= 5
    assert changes.filter(kind="rights_deprived", until=None).count() == 1
    assert changes.filter(kind="rights_restored").count() == 1
    assert set(changes.values_list("recorded_by__username", flat=True)) == {"dt_county"}
    removed = registered.filter(active=False)
    assert removed.filter(removed_reason="died").count() == changes.filter(kind="died").count()
    assert removed.filter(removed_reason="lost_rights").count() == 3
    assert AuditEvent.objects.filter(action="voter.remove").count() == removed.count()
    assert AuditEvent.objects.filter(action="people.status_record").count() == changes.count()
    # 西关村: proxies held by a relative of the same household and group, one withdrawn.
    proxies = Proxy.objects.filter(village_id="630121101200").select_related(
        "principal__person", "holder__person"
    )
    assert proxies.count() >= 2
    assert proxies.exclude(withdrawn_on=None).count() == 1
    for proxy in proxies:
        assert proxy.principal.group_name == proxy.holder.group_name
        assert proxy.principal.person.household_no == proxy.holder.person.household_no
    assert AuditEvent.objects.filter(action="voter.proxy_record").count() == proxies.count()
    assert "人员变动：城关镇" in text and "委托投票：西关村" in text
    # The schedule, the board's rows and the ledgers (issue 14): every village has its row,
    # some are late, the ledgers and the inspections are filled, 21 二类村 turned 一类.
    from django.utils import timezone

    from huanjie.ledgers.selectors import ledger_counts
    from huanjie.oversight.models import InspectionGroup, InspectionVisit, Petition
    from huanjie.progress.models import ScheduleStage, VillageProgress

    progress = VillageProgress.objects.filter(campaign=campaign)
    assert progress.count() == 313
    assert progress.filter(next_due__lt=timezone.localdate()).exists()
    assert ScheduleStage.objects.filter(village__campaign=campaign).count() > 313 * 10
    counts = ledger_counts(campaign, "630121")
    assert counts["category_upgrades"] == 21 and counts["complex_villages"] > 0
    assert counts["rectification_closed"] > 0 and counts["dual_role_missing"] > 0
    assert InspectionGroup.objects.filter(campaign=campaign).count() == 4
    assert InspectionVisit.objects.filter(campaign=campaign).exists()
    assert Petition.objects.filter(campaign=campaign).exists()
    assert "工作日程：" in text and "工作台账：" in text and "督导：" in text
    stages = ScheduleStage.objects.count()
    visits = InspectionVisit.objects.count()
    again = io.StringIO()
    call_command("demo", scale=0.02, stdout=again)
    assert Person.objects.count() == people
    assert Campaign.objects.count() == 1
    assert User.objects.filter(username__startswith="dt_").count() == 9
    assert VoterRegistration.objects.count() == registered.count()
    assert PersonStatusChange.objects.count() == changes.count()
    assert Proxy.objects.count() == proxies.count()
    assert "人员变动：已存在" in again.getvalue() and "委托投票：已存在" in again.getvalue()
    assert ScheduleStage.objects.count() == stages
    assert InspectionVisit.objects.count() == visits
    assert ledger_counts(campaign, "630121") == counts
