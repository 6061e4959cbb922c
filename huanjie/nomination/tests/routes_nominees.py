"""The nominee pages' and the nominee import's routes for the site-wide walks (merged by
`nomination/tests/routes.py`): own-county objects made through the services, reused when the
walk's world already has them (another part of nomination may make the same election)."""

from __future__ import annotations

from datetime import date
from typing import Any

from huanjie.conftest import COUNTY, TOWN, VILLAGE, Cast
from huanjie.elections.models import Campaign, CampaignVillage, Election
from huanjie.elections.services import election_create, election_set_seats
from huanjie.lib import idcard
from huanjie.nomination.imports import NomineeImport
from huanjie.nomination.models import Nominee
from huanjie.nomination.services import nominee_propose
from huanjie.people.models import Person
from huanjie.people.services import PersonIn, person_row
from huanjie.regions.models import Region

POST_ONLY = {
    "nomination:nominee_move",
    "nomination:import_confirm",
    "elections:election_seats",
}


def walk_election(cast: Cast, campaign: Campaign) -> Election:
    """红河限村's villagers' committee election, with its seats."""
    entry = CampaignVillage.objects.select_related("campaign", "region").get(
        campaign=campaign, region_id=VILLAGE
    )
    election = Election.objects.filter(village=entry, body="villagers").first()
    if election is None:
        election = election_create(
            actor=cast.county_officer, entry=entry, body="villagers", nomination_method="voters"
        )
    if not election.posts.exists():
        election_set_seats(
            actor=cast.county_officer, election=election, seats={"director": 1, "member": 4}
        )
    return election


def walk_nominee(cast: Cast, campaign: Campaign, person: Person | None = None) -> Nominee:
    """A nominee of `walk_election` (`person`, or a new one of 红河限村)."""
    election = walk_election(cast, campaign)
    if person is None:
        person = person_row(
            PersonIn(
                id_number=idcard.generate("630121", date(1969, 9, 9), "F", 321),
                name="马兰花",
                sex="F",
                birth_date=date(1969, 9, 9),
                ethnicity="01",
                region_code=VILLAGE,
            )
        )
        person.save()
    nominee = Nominee.objects.filter(election=election, person=person).first()
    if nominee is None:
        nominee = nominee_propose(
            actor=cast.county_officer,
            election=election,
            post=election.posts.get(post="member"),
            person=person,
            how_nominated="voters_jointly",
        )
    return nominee


def routes(cast: Cast, campaign: Campaign, objects: dict[str, Any]) -> dict[str, list[dict]]:
    c = campaign.pk
    nominee = walk_nominee(cast, campaign, objects["registration"].person)
    election = nominee.election
    job = NomineeImport.objects.create(
        campaign=campaign,
        region=Region.objects.get(code=COUNTY),
        filename="提名人选.xlsx",
        sha256="0" * 64,
        created_by=cast.county_officer,
    )
    jobs = [{"job_id": job.pk}]
    areas = [{"pk": c, "code": COUNTY}, {"pk": c, "code": TOWN}, {"pk": c, "code": VILLAGE}]
    on_nominee = {"pk": c, "nominee": nominee.pk}
    return {
        "nomination:home": [{"pk": c}],
        "nomination:election": [{"pk": c, "election": election.pk}],
        "nomination:propose": [{"pk": c, "election": election.pk}],
        "nomination:nominee": [on_nominee],
        "nomination:nominee_move": [{**on_nominee, "move": "send_to_review"}],
        "nomination:import_upload": areas,
        "nomination:import_template": areas,
        "nomination:import_job": jobs,
        "nomination:import_confirm": jobs,
        "nomination:import_progress": jobs,
        "nomination:import_problems": jobs,
        "elections:village_elections": [{"pk": c, "code": VILLAGE}],
        "elections:election_seats": [{"pk": c, "code": VILLAGE, "election": election.pk}],
        "api:election_nominees": [{"election": election.pk}],
        "api:election_propose": [{"election": election.pk}],
        "api:nominee_formal_check": [{"nominee": nominee.pk}],
        "api:nominee_formal": [{"nominee": nominee.pk}],
    }
