"""The committee pages: the committee of a village (members in order, status, replacements,
history), the forms over the services, and 404 for any other region or role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from huanjie.audit.models import AuditEvent
from huanjie.committees.models import ElectionCommitteeMember
from huanjie.committees.tests.conftest import World, make_committee, make_person
from huanjie.conftest import OTHER_TOWN_VILLAGE, VILLAGE
from huanjie.lib.crypto import decrypt_field


def url(world: World, name: str, code: str = VILLAGE, **kw) -> str:
    return reverse(f"committees:{name}", kwargs={"pk": world.campaign.pk, "code": code, **kw})


def test_the_committee_page_shows_members_in_order_with_masked_numbers(world):
    response = world.cast.client(world.cast.village_clerk).get(url(world, "detail"))
    assert response.status_code == 200
    text = response.content.decode()
    names = ["韩德福", "马进才", "祁生秀", "李有福", "朱成林"]
    assert [text.index(n) for n in names] == sorted(text.index(n) for n in names)
    person = world.m(0).person
    assert person.id_masked in text
    assert decrypt_field(person.id_cipher, "person.id_number") not in text


def test_withdraw_through_the_page_records_the_replacement(world):
    client = world.cast.client(world.cast.village_clerk)
    member = world.m(1)
    response = client.post(
        url(world, "member_withdraw", member=member.pk),
        {"kind": "resigned", "reason": "外出务工"},
        follow=True,
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "马进才已退出，由李有福依次递补" in text
    assert "由李有福递补" in text
    assert world.m(1).status == "withdrawn"
    assert AuditEvent.objects.filter(action="committee.member_withdraw").count() == 1


def test_add_a_member_by_id_number_and_name_of_the_village(world):
    from huanjie.lib.crypto import decrypt_field as dec

    client = world.cast.client(world.cast.town_officer)
    person = make_person("杨秀兰")
    number = dec(person.id_cipher, "person.id_number")
    data = {"id_number": number, "name": "杨秀兰", "status": "reserve", "votes": "10"}
    response = client.post(url(world, "member_add"), data, follow=True)
    assert response.status_code == 200
    assert ElectionCommitteeMember.objects.get(person=person).order == 6
    # A person of another village, or a wrong name: one answer, nothing added.
    other = make_person("鲁成", OTHER_TOWN_VILLAGE)
    for typed, name in [(dec(other.id_cipher, "person.id_number"), "鲁成"), (number, "杨秀")]:
        response = client.post(url(world, "member_add"), {**data, "id_number": typed, "name": name})
        assert "本村人员中没有身份证号与姓名相符的人员" in response.content.decode()
    assert not ElectionCommitteeMember.objects.filter(person=other).exists()


def test_create_and_set_chair_through_the_pages(cast, campaign):
    world = World(cast, campaign, *make_committee(cast, campaign))
    client = cast.client(cast.county_officer)
    response = client.post(
        url(world, "create", code=OTHER_TOWN_VILLAGE),
        {
            "chosen_on": campaign.window_start.isoformat(),
            "chosen_by": "villagers_meeting",
            "seats": "4",
        },
    )
    assert "三人以上的奇数" in response.content.decode()
    client.post(
        url(world, "member_withdraw", member=world.m(0).pk), {"kind": "resigned", "reason": "年老"}
    )
    response = client.get(url(world, "detail"))
    assert "选举委员会目前没有主任" in response.content.decode()
    client.post(url(world, "set_chair"), {"member": world.m(1).pk, "reason": "会议推选"})
    assert world.m(1).role == "chair"


@pytest.mark.parametrize(
    "role", ["village_clerk", "town_officer", "other_county_officer", "reviewer"]
)
def test_another_region_s_committee_answers_404(cast, campaign, role):
    other_committee, members = make_committee(cast, campaign, OTHER_TOWN_VILLAGE)
    world = World(cast, campaign, other_committee, members)
    client = cast.client(getattr(cast, role))
    for name, kw in [
        ("detail", {}),
        ("member_add", {}),
        ("create", {}),
        ("member_withdraw", {"member": members[1].pk}),
    ]:
        assert client.get(url(world, name, code=OTHER_TOWN_VILLAGE, **kw)).status_code == 404
    response = client.post(
        url(world, "member_withdraw", code=OTHER_TOWN_VILLAGE, member=members[1].pk),
        {"kind": "resigned", "reason": "外出"},
    )
    assert response.status_code == 404
    assert ElectionCommitteeMember.objects.get(pk=members[1].pk).status == "serving"


def test_a_member_of_another_committee_is_404_under_one_s_own_village(cast, campaign):
    own, _ = make_committee(cast, campaign)
    _, others = make_committee(cast, campaign, OTHER_TOWN_VILLAGE)
    world = World(cast, campaign, own, [])
    client = cast.client(cast.county_officer)  # both villages in scope
    response = client.get(url(world, "member_withdraw", member=others[1].pk))
    assert response.status_code == 404


def test_the_inspector_sees_the_page_but_no_form(world):
    client = world.cast.client(world.cast.inspector)
    response = client.get(url(world, "detail"))
    assert response.status_code == 200
    assert "members/new/" not in response.content.decode()
    assert client.get(url(world, "member_add")).status_code == 404
