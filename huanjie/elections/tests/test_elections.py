"""The elections of a village (issue 10 item 1): one per body, its nomination method and its
posts' seats within the engine's limits, through the services only."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from huanjie.audit.models import AuditEvent
from huanjie.audit.services import ACCESS_DENIED, flush_denied
from huanjie.conftest import OTHER_TOWN_VILLAGE, VILLAGE
from huanjie.elections.models import CampaignVillage, Election, ElectionPost
from huanjie.elections.services import (
    MSG_BODY_KIND,
    MSG_ELECTION_EXISTS,
    MSG_ELECTION_NOT_ALLOWED,
    MSG_METHOD_2025,
    MSG_METHOD_FOR_BODY,
    MSG_ONE_SEAT,
    MSG_POST_FOR_BODY,
    MSG_VILLAGE_EXCLUDED,
    campaign_village_set,
    election_create,
    election_set_seats,
)

COMMUNITY = "630121100001"


def _entry(campaign, code=VILLAGE):
    return CampaignVillage.objects.select_related("campaign", "region").get(
        campaign=campaign, region_id=code
    )


def _villagers(cast, campaign, method="party_or_voters", code=VILLAGE, actor=None):
    return election_create(
        actor=actor or cast.town_officer,
        entry=_entry(campaign, code),
        body="villagers",
        nomination_method=method,
    )


def test_a_town_officer_sets_up_a_villagers_election_and_it_is_audited(cast, campaign):
    election = _villagers(cast, campaign)
    assert (election.body, election.nomination_method) == ("villagers", "party_or_voters")
    event = AuditEvent.objects.get(action="election.create")
    assert event.changes["body"] == "villagers"
    assert event.user_id == cast.town_officer.pk


def test_a_village_has_one_election_per_body(cast, campaign):
    _villagers(cast, campaign)
    with pytest.raises(ValidationError) as exc:
        _villagers(cast, campaign, method="voters")
    assert exc.value.messages == [MSG_ELECTION_EXISTS.format(body="村民委员会")]
    assert Election.objects.count() == 1


def test_the_party_is_nominated_by_three_recommendations_and_only_the_party(cast, campaign):
    entry = _entry(campaign)
    with pytest.raises(ValidationError) as exc:
        election_create(
            actor=cast.town_officer, entry=entry, body="party", nomination_method="voters"
        )
    assert exc.value.messages == [
        MSG_METHOD_FOR_BODY.format(body="村党组织", method="选民直接提名")
    ]
    with pytest.raises(ValidationError):
        _villagers(cast, campaign, method="three_recommendations")
    party = election_create(
        actor=cast.town_officer,
        entry=entry,
        body="party",
        nomination_method="three_recommendations",
    )
    assert party.has_list


def test_a_community_elects_a_residents_committee_not_a_villagers_one(cast, campaign):
    with pytest.raises(ValidationError) as exc:
        _villagers(cast, campaign, code=COMMUNITY)
    assert exc.value.messages == [
        MSG_BODY_KIND.format(
            village="人民路南社区", kind="社区", expected="居民委员会", body="村民委员会"
        )
    ]


def test_nomination_by_the_party_needs_the_2025_law(cast, campaign):
    CampaignVillage.objects.filter(campaign=campaign).update(election_date=None)
    campaign.window_start = date(2025, 11, 1)
    campaign.save(update_fields=["window_start"])
    with pytest.raises(ValidationError) as exc:
        _villagers(cast, campaign)
    assert exc.value.messages == [MSG_METHOD_2025.format(law="2018")]
    assert _villagers(cast, campaign, method="self_nominated").has_list is False


def test_a_village_left_out_of_the_campaign_has_no_election(cast, campaign):
    campaign_village_set(
        actor=cast.county_officer, entry=_entry(campaign), included=False, reason="撤并中"
    )
    with pytest.raises(ValidationError) as exc:
        _villagers(cast, campaign)
    assert exc.value.messages == [MSG_VILLAGE_EXCLUDED]


def test_a_village_clerk_may_not_set_up_elections_and_is_audited(cast, campaign):
    with pytest.raises(ValidationError) as exc:
        _villagers(cast, campaign, actor=cast.village_clerk)
    assert exc.value.messages == [MSG_ELECTION_NOT_ALLOWED]
    flush_denied()
    assert AuditEvent.objects.filter(action=ACCESS_DENIED, user_id=cast.village_clerk.pk).exists()
    assert not Election.objects.exists()


def test_another_towns_village_is_refused(cast, campaign):
    with pytest.raises(ValidationError) as exc:
        _villagers(cast, campaign, code=OTHER_TOWN_VILLAGE)
    assert exc.value.messages == [MSG_ELECTION_NOT_ALLOWED]
    assert not Election.objects.exists()


def test_seats_are_set_and_changed_with_one_audit_event_each(cast, campaign):
    election = _villagers(cast, campaign)
    election_set_seats(
        actor=cast.town_officer,
        election=election,
        seats={"director": 1, "deputy_director": 1, "member": 3},
    )
    election_set_seats(
        actor=cast.town_officer, election=election, seats={"director": 1, "member": 4}
    )
    assert dict(ElectionPost.objects.values_list("post", "seats")) == {"director": 1, "member": 4}
    events = AuditEvent.objects.filter(action="election.seats_set").order_by("id")
    assert [e.changes["seats"]["new"] for e in events] == [
        {"director": 1, "deputy_director": 1, "member": 3},
        {"director": 1, "member": 4},
    ]
    # The same seats again change nothing and write nothing.
    election_set_seats(
        actor=cast.town_officer, election=election, seats={"director": 1, "member": 4}
    )
    assert AuditEvent.objects.filter(action="election.seats_set").count() == 2


def test_a_villagers_committee_of_eight_is_refused_with_the_engines_article(cast, campaign):
    election = _villagers(cast, campaign)
    with pytest.raises(ValidationError) as exc:
        election_set_seats(
            actor=cast.town_officer,
            election=election,
            seats={"director": 1, "deputy_director": 2, "member": 5},
        )
    assert exc.value.messages == [
        "村民委员会由3至7人组成，现为8人（依据：村民委员会组织法(2025) 第八条）"
    ]
    assert not ElectionPost.objects.exists()
    assert not AuditEvent.objects.filter(action="election.seats_set").exists()


def test_posts_the_body_does_not_have_and_two_directors_are_refused(cast, campaign):
    election = _villagers(cast, campaign)
    with pytest.raises(ValidationError) as exc:
        election_set_seats(
            actor=cast.town_officer, election=election, seats={"director": 2, "secretary": 1}
        )
    assert exc.value.messages == [
        MSG_ONE_SEAT.format(post="主任", seats=2),
        MSG_POST_FOR_BODY.format(body="村民委员会", post="书记"),
    ]


def test_a_party_committee_has_no_engine_size_but_one_secretary(cast, campaign):
    party = election_create(
        actor=cast.county_officer,
        entry=_entry(campaign),
        body="party",
        nomination_method="three_recommendations",
    )
    election_set_seats(
        actor=cast.county_officer, election=party, seats={"secretary": 1, "member": 4}
    )
    assert party.posts.count() == 2


def test_a_cooperative_takes_director_and_members(cast, campaign):
    coop = election_create(
        actor=cast.town_officer,
        entry=_entry(campaign),
        body="cooperative",
        nomination_method="voters",
    )
    election_set_seats(actor=cast.town_officer, election=coop, seats={"director": 1, "member": 2})
    assert coop.posts.count() == 2


def test_seats_of_another_towns_election_are_refused(cast, campaign):
    election = _villagers(cast, campaign, code=OTHER_TOWN_VILLAGE, actor=cast.county_officer)
    with pytest.raises(ValidationError):
        election_set_seats(
            actor=cast.town_officer, election=election, seats={"director": 1, "member": 2}
        )
    assert not ElectionPost.objects.exists()
