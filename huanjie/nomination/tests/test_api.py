"""The nominee API: the nominees of an election, a nomination by ID number within the village,
making a nominee formal; the same services and refusals as the pages; 404 outside the region."""

from __future__ import annotations

import pytest

from huanjie.conftest import OTHER_TOWN_VILLAGE
from huanjie.elections.models import Election
from huanjie.nomination import services as n
from huanjie.nomination.models import Nominee, Stage
from huanjie.nomination.tests.world_nominees import World, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def post(client, address: str, data: dict):
    return client.post(address, data, content_type="application/json")


def test_list_propose_and_make_formal(world: World) -> None:
    client = world.cast.client(world.cast.village_clerk)
    address = f"/api/elections/{world.villagers.pk}/nominees"
    assert client.get(address).json() == []
    response = post(
        client, address, {"id_number": world.number, "post": "director", "how_nominated": "self"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["id_masked"], body["post"], body["stage"]) == (
        "马玉兰",
        world.person.id_masked,
        "director",
        "nominated",
    )
    assert world.number not in response.content.decode()
    nominee = Nominee.objects.get(pk=body["id"])
    officer = world.cast.county_officer
    n.nominee_send_to_review(actor=officer, nominee=nominee)
    n.nominee_qualify(actor=officer, nominee=nominee)
    response = post(client, f"/api/nominees/{nominee.pk}/formal", {"reason": "公示无异议"})
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == "formal"
    listed = client.get(address).json()
    assert [(r["name"], r["stage_label"]) for r in listed] == [("马玉兰", "正式候选人")]


def test_an_id_number_of_another_village_answers_as_an_unknown_one(world: World) -> None:
    client = world.cast.client(world.cast.town_officer)
    address = f"/api/elections/{world.villagers.pk}/nominees"
    elsewhere = post(
        client,
        address,
        {"id_number": world.outsider_number, "post": "member", "how_nominated": "self"},
    )
    unknown = post(
        client,
        address,
        {"id_number": "630121196001010018", "post": "member", "how_nominated": "self"},
    )
    assert elsewhere.status_code == unknown.status_code == 400
    assert elsewhere.json() == unknown.json()


def test_refusals_are_400_with_the_services_messages(world: World) -> None:
    clerk = world.cast.client(world.cast.village_clerk)
    response = post(
        clerk,
        f"/api/elections/{world.party.pk}/nominees",
        {"id_number": world.number, "post": "member", "how_nominated": "self"},
    )
    assert response.status_code == 400
    assert response.json()["detail"] == [n.MSG_PARTY_BY_TOWN]
    response = post(
        clerk,
        f"/api/elections/{world.villagers.pk}/nominees",
        {"id_number": world.number, "post": "member", "how_nominated": "organisation"},
    )
    assert response.status_code == 400
    assert "不接受“组织推荐”" in response.json()["detail"][0]
    response = post(
        clerk,
        f"/api/elections/{world.villagers.pk}/nominees",
        {"id_number": "12\x00", "post": "member", "how_nominated": "self"},
    )
    assert response.status_code == 422
    assert not Nominee.objects.filter(election=world.villagers).exists()


@pytest.mark.parametrize("who", ["other_county_officer", "reviewer"])
def test_outside_the_region_is_404(world: World, who: str) -> None:
    client = world.cast.client(getattr(world.cast, who))
    nominee = n.nominee_propose(
        actor=world.cast.county_officer,
        election=world.villagers,
        post=world.villagers.posts.get(post="member"),
        person=world.person,
        how_nominated="self",
    )
    assert client.get(f"/api/elections/{world.villagers.pk}/nominees").status_code == 404
    response = post(
        client,
        f"/api/elections/{world.villagers.pk}/nominees",
        {"id_number": world.number, "post": "member", "how_nominated": "self"},
    )
    assert response.status_code == 404
    assert post(client, f"/api/nominees/{nominee.pk}/formal", {}).status_code == 404
    nominee.refresh_from_db()
    assert nominee.stage == Stage.NOMINATED


def test_a_town_officer_gets_404_for_another_towns_election(world: World) -> None:
    client = world.cast.client(world.cast.town_officer)
    other = Election.objects.get(village__region_id=OTHER_TOWN_VILLAGE)
    assert client.get(f"/api/elections/{other.pk}/nominees").status_code == 404
