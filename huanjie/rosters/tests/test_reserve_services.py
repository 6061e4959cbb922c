"""Reserve cadres through their services: added by ID number (found or registered), once at a
time per village, corrected, taken out; the checks and the audit events (masked numbers only)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from huanjie.audit.models import AuditEvent
from huanjie.conftest import OTHER_TOWN_VILLAGE, VILLAGE, Cast
from huanjie.lib import idcard
from huanjie.people.models import Person
from huanjie.regions.models import Region
from huanjie.rosters.models import ReserveCadre, ReserveStatus
from huanjie.rosters.services.reserve import reserve_add, reserve_remove, reserve_update

pytestmark = pytest.mark.django_db

BORN = date(1993, 7, 19)


def number() -> str:
    return idcard.generate("630121", BORN, "F", 7)


def add(actor, code: str = VILLAGE, **given) -> ReserveCadre:
    values: dict[str, Any] = {
        "id_number": number(),
        "name": "祁海燕",
        "added_on": date(2023, 5, 1),
    } | given
    return reserve_add(actor=actor, village=Region.objects.get(code=code), **values)


def test_a_new_person_is_registered_from_the_id_number(cast: Cast) -> None:
    row = add(cast.town_officer, education="大专", political_status="团员", channel="村级推荐")
    assert (row.sex, row.birth_date, row.education, row.political_status) == ("F", BORN, "30", "03")
    assert row.person.id_masked == idcard.mask(number())
    event = AuditEvent.objects.get(action="roster.reserve_add")
    assert event.changes["id_masked"] == row.person.id_masked
    assert number() not in json.dumps(event.changes, ensure_ascii=False)


def test_a_person_on_record_is_found_by_the_number(cast: Cast) -> None:
    first = add(cast.town_officer)
    reserve_remove(
        actor=cast.town_officer, reserve=first, removed_on=date(2023, 9, 1), reason="外出"
    )
    again = add(cast.town_officer)
    assert again.person_id == first.person_id and Person.objects.count() == 1


def test_a_person_is_in_a_villages_reserve_once(cast: Cast) -> None:
    row = add(cast.town_officer)
    with pytest.raises(ValidationError) as exc:
        add(cast.town_officer)
    assert exc.value.messages == [f"“祁海燕”（{row.person.id_masked}）已在红河限村后备干部库中"]


def test_a_town_officer_may_not_add_in_another_town(cast: Cast) -> None:
    with pytest.raises(ValidationError) as exc:
        add(cast.town_officer, code=OTHER_TOWN_VILLAGE)
    assert exc.value.messages == ["无权管理该村(社区)的干部名册"]
    assert not Person.objects.exists()


def test_a_bad_id_number_is_refused_masked(cast: Cast) -> None:
    bad = number()[:-1] + ("0" if number()[-1] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        add(cast.town_officer, id_number=bad)
    assert bad not in " ".join(exc.value.messages)


def test_a_future_day_and_an_unknown_post_are_refused(cast: Cast) -> None:
    with pytest.raises(ValidationError) as exc:
        add(cast.town_officer, added_on=date(2999, 1, 1))
    assert exc.value.messages == ["入库日期：不能晚于今天"]
    with pytest.raises(ValidationError) as exc:
        add(cast.town_officer, intended_post="king")
    assert exc.value.messages == ["拟培养职务：“king”不在规定之列"]


def test_an_update_and_a_removal_keep_the_history(cast: Cast) -> None:
    row = add(cast.town_officer)
    row = reserve_update(
        actor=cast.town_officer, reserve=row, occupation="村合作社会计", added_on=date(2023, 5, 1)
    )
    assert row.occupation == "村合作社会计"
    event = AuditEvent.objects.get(action="roster.reserve_update")
    assert event.changes == {"occupation": ["", "村合作社会计"]}
    with pytest.raises(ValidationError) as exc:
        reserve_remove(
            actor=cast.town_officer, reserve=row, removed_on=date(2023, 4, 1), reason="x"
        )
    assert exc.value.messages == ["调出日期：不能早于入库日期（2023年5月1日）"]
    row = reserve_remove(
        actor=cast.town_officer, reserve=row, removed_on=date(2024, 2, 1), reason="外出务工"
    )
    assert (row.status, row.removed_reason) == (ReserveStatus.REMOVED, "外出务工")
    with pytest.raises(ValidationError):
        reserve_update(actor=cast.town_officer, reserve=row, added_on=date(2023, 5, 1))
