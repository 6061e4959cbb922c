"""A cadre leaving a post during the term (辞职, or an office ended for another reason): the row
ends and stays in the roster's history, the report no longer counts the person on that post,
and the seat is open; what is refused and why; the page's form."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from huanjie.audit.models import AuditEvent
from huanjie.conftest import Cast
from huanjie.regions.models import Region
from huanjie.rosters.models import Cadre
from huanjie.rosters.report import report
from huanjie.rosters.services.cadres import (
    MSG_LEAVE_BEFORE,
    MSG_LEAVE_FUTURE,
    MSG_LEAVE_NOTE,
    MSG_NOT_ALLOWED,
    cadre_leave,
)
from huanjie.rosters.tests.care_world import R11, CareWorld, make_care_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast: Cast) -> CareWorld:
    return make_care_world()


def test_a_resignation_ends_the_row_and_keeps_it(world: CareWorld, cast: Cast) -> None:
    row = world.rows["辛/11/villagers"]
    county = Region.objects.get(code="630121")
    before = report(county, 11).scope.figure("cadres").value
    assert isinstance(before, int)
    left = cadre_leave(actor=cast.town_officer, cadre=row, ended_on=R11 - timedelta(days=5),
                       reason="resigned")  # fmt: skip
    assert (left.ended_on, left.end_reason) == (R11 - timedelta(days=5), "resigned")
    assert Cadre.objects.filter(pk=row.pk).exists()  # history, never deleted
    # Left before the reference date: no longer on the term's roster (the summaries follow).
    assert report(county, 11).scope.figure("cadres").value == before - 1
    event = AuditEvent.objects.get(action="roster.cadre_leave")
    assert event.changes["reason"] == "resigned" and event.object_id == str(row.pk)
    with pytest.raises(ValidationError) as exc:
        cadre_leave(actor=cast.town_officer, cadre=row, ended_on=R11, reason="resigned")
    assert "已于" in exc.value.messages[0] and "不能再登记离任" in exc.value.messages[0]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"reason": "other"}, MSG_LEAVE_NOTE),
        ({"ended_on": R11 - timedelta(days=400)}, None),
        ({"ended_on": R11 + timedelta(days=4000)}, MSG_LEAVE_FUTURE),
        ({"reason": "recalled"}, "离任原因须为辞职或其他"),
    ],
)
def test_what_is_refused(world: CareWorld, cast: Cast, given: dict, message: str | None) -> None:
    row = world.rows["辛/11/villagers"]
    values = {"ended_on": R11, "reason": "resigned", "note": ""} | given
    with pytest.raises(ValidationError) as exc:
        cadre_leave(actor=cast.town_officer, cadre=row, **values)
    expected = message or MSG_LEAVE_BEFORE.format(day=f"{row.started_on.year}年"
                                                  f"{row.started_on.month}月{row.started_on.day}日")  # fmt: skip
    assert exc.value.messages == [expected]
    assert Cadre.objects.get(pk=row.pk).ended_on is None


def test_another_towns_officer_is_refused(world: CareWorld, cast: Cast) -> None:
    row = world.rows["子/11/villagers"]  # 城关镇: not the town officer's
    with pytest.raises(ValidationError) as exc:
        cadre_leave(actor=cast.town_officer, cadre=row, ended_on=R11, reason="resigned")
    assert exc.value.messages == [MSG_NOT_ALLOWED]
    assert AuditEvent.objects.filter(action="access.denied").exists()


def test_the_page_records_a_leaving(world: CareWorld, cast: Cast, client) -> None:  # type: ignore[no-untyped-def]
    row = world.rows["辛/11/villagers"]
    client.force_login(cast.town_officer)
    page = client.get(reverse("rosters:cadre_edit", args=[row.pk]))
    assert "离任登记" in page.content.decode()
    answer = client.post(
        reverse("rosters:cadre_leave", args=[row.pk]),
        {"ended_on": R11.isoformat(), "reason": "other", "note": "被判处刑罚，职务自行终止"},
    )
    assert answer.status_code == 302
    row.refresh_from_db()
    assert (row.end_reason, row.end_note) == ("other", "被判处刑罚，职务自行终止")
    village = client.get(answer["Location"]).content.decode()
    assert "被判处刑罚" in village or "其他" in village
    assert client.get(reverse("rosters:cadre_leave", args=[row.pk])).status_code == 405
    other = world.rows["卯/10/residents"]
    assert client.post(reverse("rosters:cadre_leave", args=[other.pk]), {}).status_code == 404
