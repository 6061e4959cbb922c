"""The statistics report's summary tables (rosters.summary) equal a fresh count of the roster
after every kind of write: an import (and the next term's figures that depend on it), a
certified result and its correction, a recall, a by-election, a cadre's details, a term's
reference date, the care of a departed cadre, a reserve cadre added and taken out; and
`huanjie rosters_summaries` rebuilds them."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from huanjie.conftest import VILLAGE, Cast
from huanjie.rosters import report_sql
from huanjie.rosters.models import Cadre, Term, VillageEthnicity, VillageSummary
from huanjie.rosters.services.cadres import cadre_update
from huanjie.rosters.services.terms import term_set_reference_date
from huanjie.rosters.summary import summaries_rebuild
from huanjie.rosters.tests.import_helpers import REFERENCE, number, row, run
from huanjie.rosters.tests.test_by_election import TODAY, by_election, recall

pytestmark = pytest.mark.django_db

Rows = dict[tuple[int, str], dict[str, int]]


def value(key: str, raw: Any) -> Any:
    if key == "departure_payments":  # 元: SQLite sums them as REAL
        return Decimal(str(raw)).quantize(Decimal("0.01"))
    return int(raw)


def stored() -> tuple[Rows, set[tuple[int, str, str, int]]]:
    counts = {
        (r[0], r[1]): dict(zip(report_sql.SUMMARY_COLUMNS, r[2:], strict=True))
        for r in VillageSummary.objects.values_list(
            "term_id", "village_id", *report_sql.SUMMARY_COLUMNS
        )
    }
    eth = set(VillageEthnicity.objects.values_list("term_id", "village_id", "ethnicity", "cadres"))
    return counts, eth


def fresh() -> tuple[Rows, set[tuple[int, str, str, int]]]:
    """Every (term, village) counted now from the Cadre rows, stored nowhere."""
    with connection.cursor() as cursor:
        cursor.execute(report_sql.village_counts_sql("1 = 1"))
        counts = {
            (int(r[0]), r[1]): {
                k: value(k, v) for k, v in zip(report_sql.SUMMARY_COLUMNS, r[2:], strict=True)
            }
            for r in cursor.fetchall()
        }
        cursor.execute(report_sql.village_ethnicity_sql("1 = 1"))
        eth = {(int(t), v, e, int(n)) for t, v, e, n in cursor.fetchall()}
    return counts, eth


def assert_fresh() -> Rows:
    now = stored()
    assert now == fresh()
    return now[0]


def of(village: str, number: int) -> dict[str, int]:
    term = Cadre.objects.filter(village_id=village, term_number=number).values("term_id")[:1]
    return VillageSummary.objects.filter(term_id__in=term, village_id=village).values(
        *report_sql.SUMMARY_COLUMNS
    )[0]


def test_an_import_and_the_next_terms_figures_that_depend_on_it(cast: Cast) -> None:
    a, b, c, d = (number(REFERENCE - timedelta(days=12000 + 400 * k)) for k in range(4))
    officer = cast.county_officer
    term10 = [
        row(VILLAGE, "甲", a),
        row(VILLAGE, "甲", a, "村民委员会", "主任"),
        row(VILLAGE, "乙", b, "村民委员会", "委员"),
    ]
    earlier = REFERENCE.replace(year=REFERENCE.year - 5)
    assert run(officer, "630121", term10, term=10, reference=earlier).status == "succeeded"
    assert_fresh()
    term11 = [
        row(VILLAGE, "丙", c, 文化程度="大学本科", 民族="回族"),
        row(VILLAGE, "甲", a, "村民委员会", "主任"),
    ]
    assert run(officer, "630121", term11, term=11).status == "succeeded"
    assert_fresh()
    now = of(VILLAGE, 11)
    assert (now["cadres"], now["new_secretaries"], now["new_directors"]) == (2, 1, 0)
    assert (now["departed"], now["dual_role_villages"], now["minority"]) == (1, 0, 1)  # 乙 left
    # Term 10 again, 丁 added: 丁 left too at term 11, whose summary follows.
    again = [
        *term10,
        row(VILLAGE, "丁", d, "经济合作社", "委员"),
        row(VILLAGE, "乙", b, "经济合作社", "委员"),
    ]
    assert run(officer, "630121", again, term=10, reference=earlier).status == "succeeded"
    assert_fresh()
    assert of(VILLAGE, 11)["departed"] == 2
    assert of(VILLAGE, 10)["cross_appointments"] == 2  # 甲 party+committee, 乙 committee+coop


def test_a_certified_result_and_its_correction(certified: Any, closed: Any) -> None:
    from huanjie.results.services import corrections as svc
    from huanjie.results.tests.test_corrections import RECOUNT, SWAPPED, entered, opened

    before = assert_fresh()
    assert [v["cadres"] for v in before.values()] == [4]
    recount = opened(closed, closed.cast.county_officer, RECOUNT)
    entered(closed, recount, closed.cast.town_officer, **SWAPPED)
    svc.correction_submit(actor=closed.cast.town_officer, correction=recount)
    svc.correction_approve(actor=closed.county2, correction=recount, note="")
    assert_fresh()


def test_a_recall_a_by_election_and_a_new_reference_date(certified: Any, closed: Any) -> None:
    recall(closed, "王芳")
    assert_fresh()
    by_election(closed)
    assert_fresh()
    term = Term.objects.get()
    # On the day after, 王芳 (recalled today) is gone and 马丽 (elected today) counts.
    term_set_reference_date(
        actor=closed.cast.county_officer, term=term, reference_date=TODAY + timedelta(days=1)
    )
    after = assert_fresh()
    assert [v["cadres"] for v in after.values()] == [4]
    names = {c.name for c in Cadre.objects.filter(ended_on__isnull=True)}
    assert "马丽" in names and "王芳" not in names


def test_a_cadres_details(certified: Any, closed: Any) -> None:
    cadre = Cadre.objects.filter(name="刘洋").get()
    cadre_update(
        actor=closed.cast.town_officer,
        cadre=cadre,
        education="大学本科",
        political_status="中共党员",
        ethnicity="回族",
        tags=["大学生村官"],
    )
    after = assert_fresh()
    (values,) = after.values()
    assert (values["minority"], values["tag_college_official"]) == (1, 1)


def test_the_command_rebuilds_every_summary(certified: Any) -> None:
    before = stored()
    VillageSummary.objects.all().delete()
    out = io.StringIO()
    call_command("rosters_summaries", stdout=out)
    assert "已重新计算统计汇总：1个村(社区)届次" in out.getvalue()
    assert stored() == before
    assert summaries_rebuild() == 1 and stored() == before


def test_the_care_of_a_departed_cadre_and_the_reserve(cast: Cast) -> None:
    from datetime import date

    from huanjie.regions.models import Region
    from huanjie.rosters.services.care import departure_care_record
    from huanjie.rosters.services.reserve import reserve_add, reserve_remove
    from huanjie.rosters.tests.care_world import make_care_world

    w = make_care_world()
    assert_fresh()
    village = Region.objects.get(code=VILLAGE)
    departure_care_record(
        actor=cast.town_officer,
        village=village,
        term=w.terms[("630121", 10)],
        person=w.people["丁"],
        talked_on=None,
        one_off_payment="3000",
        pension_support="1200.50",
        placed=True,
        placement="县供销社",
        note="",
    )
    now = of(VILLAGE, 11)
    assert (now["departed"], now["departed_placed"]) == (1, 1)
    assert now["departure_payments"] == Decimal("4200.50")
    entry = reserve_add(
        actor=cast.town_officer, village=village, person=w.people["辛"], added_on=date(2023, 5, 1)
    )
    assert of(VILLAGE, 11)["reserve_elected"] == 1
    assert_fresh()
    reserve_remove(
        actor=cast.town_officer, reserve=entry, removed_on=date(2023, 9, 1), reason="调动"
    )
    assert of(VILLAGE, 11)["reserve_elected"] == 0
    assert_fresh()
