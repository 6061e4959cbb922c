from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from huanjie.audit.models import AuditEvent
from huanjie.voters.services import (
    MSG_REVEAL_LIMIT,
    MSG_REVEAL_NOT_ALLOWED,
    MSG_REVEAL_REASON,
    person_reveal_id,
    voter_register,
)
from huanjie.voters.tests.test_roll_cast import make_person, make_roll


def test_the_county_sees_the_full_number_with_a_reason_logged_without_the_number(cast):
    person, number = make_person("张三")
    assert (
        person_reveal_id(actor=cast.county_officer, person=person, reason="核对重复登记") == number
    )
    event = AuditEvent.objects.get(action="person.reveal_id")
    assert event.changes == {"reason": "核对重复登记"} and event.outcome == "success"
    assert number not in str(event.changes) + event.object_repr + event.message


def test_a_town_officer_may_not_reveal(cast):
    person, _ = make_person("张三")
    with pytest.raises(ValidationError) as exc:
        person_reveal_id(actor=cast.town_officer, person=person, reason="核对重复登记")
    assert exc.value.messages == [MSG_REVEAL_NOT_ALLOWED]
    with pytest.raises(ValidationError):
        person_reveal_id(actor=cast.other_county_officer, person=person, reason="核对重复登记")
    assert not AuditEvent.objects.filter(action="person.reveal_id").exists()


def test_a_reason_of_four_characters_is_required(cast):
    person, _ = make_person("张三")
    with pytest.raises(ValidationError) as exc:
        person_reveal_id(actor=cast.county_officer, person=person, reason=" 核对 ")
    assert exc.value.messages == [MSG_REVEAL_REASON]


def test_the_fifty_first_reveal_in_an_hour_is_refused_and_logged(cast):
    person, _ = make_person("张三")
    for _ in range(50):
        person_reveal_id(actor=cast.county_officer, person=person, reason="批量核对户籍")
    with pytest.raises(ValidationError) as exc:
        person_reveal_id(actor=cast.county_officer, person=person, reason="批量核对户籍")
    assert exc.value.messages == [MSG_REVEAL_LIMIT.format(limit=50)]
    assert AuditEvent.objects.filter(action="person.reveal_id", outcome="failure").count() == 1
    # An hour later the window has moved on (the audit log is append-only: move the clock).
    later = timezone.now() + timedelta(minutes=61)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert person_reveal_id(actor=cast.county_officer, person=person, reason="批量核对户籍")


def test_the_reveal_page_shows_the_number_once_and_is_not_cached(cast):
    roll = make_roll(cast)
    person, number = make_person("张三")
    reg = voter_register(
        actor=cast.village_clerk,
        campaign=roll.campaign,
        village=roll.village,
        person=person,
        category="hukou_resident",
    )
    url = f"/voters/{roll.campaign.pk}/{roll.village.code}/registrations/{reg.pk}/reveal/"
    client = cast.client(cast.county_officer)
    page = client.get(url)
    assert number not in page.content.decode() and person.id_masked in page.content.decode()
    response = client.post(url, {"reason": "核对重复登记"})
    assert number in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert cast.client(cast.town_officer).get(url).status_code == 404
    roll_page = client.get(f"/voters/{roll.campaign.pk}/{roll.village.code}/").content.decode()
    assert number not in roll_page and person.id_masked in roll_page
