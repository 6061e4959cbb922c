"""The care of departing cadres and a cadre's details, through their services: the checks of
the actor and the scope, what is refused and why, the audit event (never an ID number)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from huanjie.audit.models import AuditEvent
from huanjie.conftest import VILLAGE, Cast
from huanjie.regions.models import Region
from huanjie.rosters.models import Cadre, DepartureCare
from huanjie.rosters.services.cadres import cadre_update
from huanjie.rosters.services.care import departure_care_record
from huanjie.rosters.tests.care_world import CHENGGUAN, CareWorld, make_care_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast: Cast) -> CareWorld:
    return make_care_world()


def record(w: CareWorld, actor, name: str = "丁", village: str = VILLAGE, **given) -> DepartureCare:
    values: dict[str, Any] = {
        "talked_on": date(2024, 2, 1),
        "one_off_payment": "3000",
        "pension_support": "1200.5",
        "placed": True,
        "placement": "县供销社",
        "note": "",
    } | given
    return departure_care_record(
        actor=actor,
        village=Region.objects.get(code=village),
        term=w.terms[(village[:6], 10)],
        person=w.people[name],
        **values,
    )


def test_the_care_of_one_who_left_is_recorded_then_corrected(world, cast) -> None:
    care = record(world, cast.town_officer)
    assert (care.one_off_payment, care.pension_support) == (Decimal("3000.00"), Decimal("1200.50"))
    assert care.name == "丁" and care.placed
    again = record(world, cast.town_officer, placed=False, placement="", one_off_payment="2,000")
    assert again.pk == care.pk and not again.placed and again.one_off_payment == Decimal("2000")
    events = AuditEvent.objects.filter(action="roster.departure_care").order_by("id")
    assert [e.changes["created"] for e in events] == [True, False]
    assert events[1].changes["placed"] == [True, False]
    assert world.numbers["丁"] not in json.dumps([e.changes for e in events], ensure_ascii=False)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"one_off_payment": "-1"}, "一次性补助：须为0至99999999.99元之间的金额，最多两位小数"),
        (
            {"pension_support": "1.005"},
            "养老保险补助：须为0至99999999.99元之间的金额，最多两位小数",
        ),
        ({"one_off_payment": "三千"}, "一次性补助：须为0至99999999.99元之间的金额，最多两位小数"),
        ({"placement": ""}, "另行安排工作的，请填写安排去向"),
        ({"placed": False}, "未另行安排工作的，安排去向应为空"),
        ({"talked_on": date(2999, 1, 1)}, "谈心谈话日期：不能晚于今天"),
    ],
)
def test_bad_figures_are_refused_with_the_field_named(world, cast, given, message) -> None:
    with pytest.raises(ValidationError) as exc:
        record(world, cast.town_officer, **given)
    assert exc.value.messages == [message]
    assert not DepartureCare.objects.exists()


def test_only_one_who_left_has_care(world, cast) -> None:
    with pytest.raises(ValidationError) as exc:
        record(world, cast.town_officer, name="甲")  # still the secretary in term 11
    assert exc.value.messages == ["“甲”不是红河限村第11届换届时离任的村干部，不能登记离任关爱"]


def test_a_town_officer_of_another_town_is_refused(world, cast) -> None:
    with pytest.raises(ValidationError) as exc:
        record(world, cast.town_officer, name="丑", village=CHENGGUAN)
    assert exc.value.messages == ["无权管理该村(社区)的干部名册"]
    assert AuditEvent.objects.filter(action="access.denied").exists()


def test_an_inspector_may_not_record(world, cast) -> None:
    with pytest.raises(ValidationError):
        record(world, cast.inspector)


def test_a_cadre_update_changes_all_the_persons_rows_of_the_term(world, cast) -> None:
    secretary = world.rows["甲/11/party"]
    Cadre.objects.create(
        **{
            f.name: getattr(secretary, f.name)
            for f in Cadre._meta.concrete_fields
            if f.name not in ("id", "created_at")
        }
        | {"body": "cooperative", "post": "director"}
    )
    cadre_update(
        actor=cast.town_officer,
        cadre=secretary,
        education="本科",
        political_status="预备党员",
        ethnicity="土族",
        tags=["tag_veteran", "回乡创业"],
    )
    rows = Cadre.objects.filter(term_number=11, person=world.people["甲"])
    assert {(r.education, r.political_status, r.ethnicity) for r in rows} == {("20", "02", "30")}
    assert all(r.tag_veteran and r.tag_returnee and not r.tag_grower for r in rows)
    old = Cadre.objects.filter(term_number=10, person=world.people["甲"])
    assert {r.education for r in old} == {"30"}  # the other term keeps its own
    event = AuditEvent.objects.get(action="roster.cadre_update")
    assert event.changes["education"] == ["30", "20"]
    assert len(event.changes["rows"]) == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "education",
            "火星大学",
            "文化程度：“火星大学”不是国家标准学历代码（GB/T 4658）所列的文化程度",
        ),
        (
            "political_status",
            "99",
            "政治面貌：“99”不是国家标准政治面貌代码（GB/T 4762）所列的政治面貌",
        ),
        ("ethnicity", "火星族", "民族：“火星族”不是国家标准民族代码（GB/T 3304）所列的民族"),
        ("tags", ["tag_astronaut"], "身份标签：“tag_astronaut”不在规定之列"),
    ],
)
def test_a_cadre_update_refuses_unknown_codes(world, cast, field, value, message) -> None:
    given = {"education": "", "political_status": "", "ethnicity": "", "tags": []}
    with pytest.raises(ValidationError) as exc:
        cadre_update(
            actor=cast.town_officer, cadre=world.rows["甲/11/party"], **given | {field: value}
        )
    assert exc.value.messages == [message]


def test_a_cadre_update_out_of_scope_is_refused(world, cast) -> None:
    with pytest.raises(ValidationError):
        cadre_update(
            actor=cast.other_county_officer,
            cadre=world.rows["甲/11/party"],
            education="",
            political_status="",
            ethnicity="",
            tags=[],
        )
