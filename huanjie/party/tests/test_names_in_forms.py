"""The member form holds names to the one name rule (huanjie.lib.names): the dot a clerk types
is stored as ·, and a name the rule refuses is refused with its message."""

from __future__ import annotations

from huanjie.lib.names import MSG_NAME_BAD
from huanjie.party.models import PartyMember

from .conftest import PartyWorld, new_id


def _add_member(world: PartyWorld, name: str):
    c, b = world.campaign.pk, world.branch.pk
    data = {"id_number": new_id("F"), "name": name, "status": "full", "sex": "", "birth_date": ""}
    client = world.cast.client(world.cast.town_officer)
    return client.post(f"/party/campaigns/{c}/branches/{b}/members/new/", data)


def test_a_member_added_by_form_is_stored_with_the_standard_dot(world: PartyWorld) -> None:
    response = _add_member(world, "阿依古丽∙买买提")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert PartyMember.objects.get(branch=world.branch).person.name == "阿依古丽·买买提"


def test_a_member_named_with_an_emoji_is_refused(world: PartyWorld) -> None:
    response = _add_member(world, "马成😀")
    assert response.status_code == 200
    assert MSG_NAME_BAD.format(name="马成😀") in response.content.decode()
    assert not PartyMember.objects.exists()
