"""One name rule on every form that writes a name: the dot a clerk types is stored as ·, and a
name the rule refuses is refused with its message, before anything is saved."""

from __future__ import annotations

from datetime import date

import pytest

from huanjie.conftest import VILLAGE
from huanjie.lib import idcard
from huanjie.lib.names import MSG_NAME_BAD
from huanjie.people.models import Person
from huanjie.people.services import person_find_or_create
from huanjie.voters.models import Objection, VoterRegistration
from huanjie.voters.services import voter_list_publish, voter_register
from huanjie.voters.tests.test_roll_cast import make_person, make_roll

UYGHUR = "阿依古丽·买买提"


@pytest.fixture
def roll(cast):
    return make_roll(cast)


def _register(cast, roll, name: str, seq: int):
    number = idcard.generate("630121", date(1990, 3, 3), "F", seq)
    return cast.client(cast.village_clerk).post(
        f"/voters/{roll.campaign.pk}/{VILLAGE}/register/",
        {
            "id_number": number,
            "category": "hukou_resident",
            "group_name": "第一村民小组",
            "name": name,
            "region_code": "",
        },
    )


@pytest.mark.parametrize("typed", ["阿依古丽•买买提", "阿依古丽 ・ 买买提", "阿依古丽．买买提"])
def test_a_registration_by_form_stores_the_standard_dot(cast, roll, typed):
    response = _register(cast, roll, typed, 411)
    assert response.status_code == 302, response.content.decode()[:2000]
    reg = VoterRegistration.objects.select_related("person").get()
    assert reg.person.name == UYGHUR


def test_a_registration_by_form_refuses_a_name_with_a_digit(cast, roll):
    response = _register(cast, roll, "张3", 412)
    assert response.status_code == 200
    assert MSG_NAME_BAD.format(name="张3") in response.content.decode()
    assert not Person.objects.exists()


def test_an_objection_names_its_subject_with_the_standard_dot(cast, roll):
    person, _ = make_person(UYGHUR)
    voter_register(
        actor=cast.village_clerk,
        campaign=roll.campaign,
        village=roll.village,
        person=person,
        category="hukou_resident",
    )
    voter_list_publish(
        actor=cast.village_clerk,
        campaign=roll.campaign,
        village=roll.village,
        published_on=date(2026, 11, 30),
    )
    response = cast.client(cast.village_clerk).post(
        f"/voters/{roll.campaign.pk}/{VILLAGE}/objections/",
        {
            "filer_name": "王大",
            "subject_name": "阿依古丽 • 买买提",
            "kind": "wrong_details",
            "detail": "小组有误",
            "filed_on": "2026-12-01",
            "received_on": "2026-12-01",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Objection.objects.get().subject_name == UYGHUR


@pytest.mark.parametrize("stored", [UYGHUR, "阿依古丽.买买提"])
def test_a_known_person_typed_with_another_dot_is_the_same_person(cast, stored):
    person, number = make_person(UYGHUR)
    Person.objects.filter(pk=person.pk).update(name=stored)  # as an older import left it
    found = person_find_or_create(
        actor=cast.village_clerk,
        id_number=number,
        name="阿依古丽・买买提",
        region_code=VILLAGE,
        source="test",
    )
    assert found.pk == person.pk
