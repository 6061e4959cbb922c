"""The scope walk: every voters URL answers 404 to the officer of another county, and the village
URLs to the town officer of another town."""

from __future__ import annotations

from datetime import date

import pytest

from huanjie.conftest import OTHER_TOWN_VILLAGE, VILLAGE
from huanjie.voters.models import Objection, RegistrationConflict, VoterRegistration
from huanjie.voters.services import (
    DuplicateRegistration,
    objection_record,
    voter_list_publish,
    voter_register,
)
from huanjie.voters.tests.test_roll_cast import make_person, make_roll


@pytest.fixture
def world(cast):
    roll = make_roll(cast)
    make_roll(cast, code=OTHER_TOWN_VILLAGE, campaign=roll.campaign)
    person, number = make_person("张三")
    reg = voter_register(
        actor=cast.village_clerk,
        campaign=roll.campaign,
        village=roll.village,
        person=person,
        category="hukou_resident",
    )
    publication = voter_list_publish(
        actor=cast.village_clerk,
        campaign=roll.campaign,
        village=roll.village,
        published_on=date(2026, 11, 30),
    )
    objection = objection_record(
        actor=cast.village_clerk,
        publication=publication,
        filer_name="王大",
        subject_name="张三",
        kind="wrong_details",
        detail="小组有误",
        filed_on=date(2026, 12, 1),
        received_on=date(2026, 12, 1),
    )
    with pytest.raises(DuplicateRegistration):
        voter_register(
            actor=cast.county_officer,
            campaign=roll.campaign,
            village=roll.entry.campaign.villages.get(region_id=OTHER_TOWN_VILLAGE).region,
            person=person,
            category="incomer_or_worker_one_year",
        )
    return roll, reg, objection, RegistrationConflict.objects.get(), number


def _village_urls(c, code, reg, objection):
    base = f"/voters/{c}/{code}/"
    return {
        "get": [
            base,
            base + "register/",
            base + "carry-over/",
            base + "publish/",
            base + "publications/1/notice.pdf",
            base + "objections/",
            base + "proxies/",
            base + "proxies/notice.pdf",
            base + f"registrations/{reg}/reveal/",
        ],
        "post": [
            base + "election-date/",
            base + f"registrations/{reg}/remove/",
            base + f"objections/{objection}/decide/",
        ],
    }


def test_every_url_is_404_for_another_county(cast, world):
    roll, reg, objection, conflict, _ = world
    client = cast.client(cast.other_county_officer)
    urls = _village_urls(roll.campaign.pk, VILLAGE, reg.pk, objection.pk)
    urls["get"] += [
        f"/voters/{roll.campaign.pk}/figures/630121/",
        f"/voters/{roll.campaign.pk}/conflicts/",
    ]
    urls["post"] += [f"/voters/{roll.campaign.pk}/conflicts/{conflict.pk}/resolve/"]
    for url in urls["get"]:
        assert client.get(url).status_code == 404, url
    for url in urls["post"]:
        assert client.post(url, {"reason": "died"}).status_code == 404, url
    assert VoterRegistration.objects.filter(active=True).count() == 1


def test_every_village_url_is_404_for_the_town_officer_of_another_town(cast, world):
    roll, reg, objection, _, _ = world
    client = cast.client(cast.town_officer)
    urls = _village_urls(roll.campaign.pk, OTHER_TOWN_VILLAGE, reg.pk, objection.pk)
    for url in urls["get"]:
        assert client.get(url).status_code == 404, url
    for url in urls["post"]:
        assert client.post(url, {"reason": "died"}).status_code == 404, url
    # and the same registration through its own village is found
    assert client.get(f"/voters/{roll.campaign.pk}/{VILLAGE}/").status_code == 200


def test_the_pages_of_the_village_work_for_its_clerk_and_mask_the_id(cast, world):
    roll, reg, objection, _, number = world
    client = cast.client(cast.village_clerk)
    for url in _village_urls(roll.campaign.pk, VILLAGE, reg.pk, objection.pk)["get"]:
        response = client.get(url)
        if url.endswith("/reveal/"):
            assert response.status_code == 404  # a clerk cannot reveal
            continue
        assert response.status_code == 200, url
        if not url.endswith(".pdf"):
            assert number not in response.content.decode(), url


def test_the_clerk_registers_a_new_person_by_id_number(cast, world):
    roll, *_ = world
    other = make_roll(cast, code="630121100207", campaign=roll.campaign)
    client = cast.client(cast.town_officer)
    from huanjie.lib import idcard

    number = idcard.generate("630121", date(1990, 3, 3), "F", 408)
    response = client.post(
        f"/voters/{roll.campaign.pk}/{other.village.code}/register/",
        {
            "id_number": number,
            "category": "hukou_resident",
            "group_name": "第一村民小组",
            "name": "新人",
            "region_code": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    reg = VoterRegistration.objects.get(person__name="新人")
    assert reg.person.sex == "F" and reg.person.region_id == "630121100207"


def test_the_decide_form_upholds_a_correction_of_the_group(cast, world):
    roll, reg, objection, _, _ = world
    client = cast.client(cast.village_clerk)
    response = client.post(
        f"/voters/{roll.campaign.pk}/{VILLAGE}/objections/{objection.pk}/decide/",
        {
            "outcome": "upheld",
            "decision": "更正为第二村民小组",
            "decided_on": "2026-12-02",
            "group_name": "第二村民小组",
        },
    )
    assert response.status_code == 302
    reg.refresh_from_db()
    assert reg.group_name == "第二村民小组"
    assert Objection.objects.get().outcome == "upheld"
    assert roll.campaign.publications.get(version=2).changes[0]["change"] == "更正"
