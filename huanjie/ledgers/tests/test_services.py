"""The ledgers' state machines: the complex list follows the rectification items, the
category's history counts the upgrades, transitions are guarded and leave history rows."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from huanjie.conftest import VILLAGE
from huanjie.ledgers.models import Assessment, AssessmentChange, LedgerEvent
from huanjie.ledgers.selectors import ledger_counts
from huanjie.ledgers.services import assessments, audits, candidates, rectification
from huanjie.ledgers.tests.world import (
    assessment_values,
    candidate_values,
    make_world,
    rectification_values,
)
from huanjie.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast: Any, campaign: Any) -> dict[str, Any]:
    return make_world(cast, campaign)


def test_a_village_leaves_the_complex_list_when_its_last_item_closes(
    world: dict[str, Any], cast: Any
) -> None:
    officer = cast.town_officer
    item = world["rectification"]
    assert Assessment.objects.get(pk=world["assessment"].pk).complex
    rectification.rectification_close(actor=officer, item=item, closed_on=date(2026, 12, 3))
    assessment = Assessment.objects.get(pk=world["assessment"].pk)
    assert not assessment.complex
    last = AssessmentChange.objects.filter(assessment=assessment).latest("id")
    assert (last.from_complex, last.to_complex, last.note) == (
        True,
        False,
        assessments.NOTE_CLEARED,
    )
    rectification.rectification_reopen(actor=officer, item=item, reason="问题反弹")
    assert Assessment.objects.get(pk=assessment.pk).complex
    steps = list(
        LedgerEvent.objects.filter(kind="rectification", item_id=item.pk).values_list(
            "from_status", "to_status"
        )
    )
    assert steps == [("", "open"), ("open", "closed"), ("closed", "open")]


def test_it_refuses_to_close_an_item_twice(world: dict[str, Any], cast: Any) -> None:
    with pytest.raises(ValidationError, match="当前状态为“已销号”，不能销号"):
        rectification.rectification_close(
            actor=cast.county_officer,
            item=world["rectification_closed"],
            closed_on=date(2026, 12, 3),
        )


def test_it_refuses_an_item_for_a_village_not_on_the_complex_list(cast: Any, campaign: Any) -> None:
    village = Region.objects.get(code=VILLAGE)
    with pytest.raises(ValidationError, match="不在选情复杂村名单中"):
        rectification.rectification_save(
            actor=cast.county_officer,
            campaign=campaign,
            region=village,
            item=None,
            values=rectification_values(),
        )


def test_it_keeps_a_village_with_open_items_on_the_complex_list(
    world: dict[str, Any], cast: Any, campaign: Any
) -> None:
    with pytest.raises(ValidationError, match="还有 1 项整顿事项未销号"):
        assessments.assessment_save(
            actor=cast.county_officer,
            campaign=campaign,
            region=world["assessment"].region,
            item=world["assessment"],
            values=assessment_values(complex=False, complex_reasons=""),
        )


def test_a_village_turned_from_second_to_first_category_is_counted(
    world: dict[str, Any], cast: Any, campaign: Any
) -> None:
    assert ledger_counts(campaign, "630121")["category_upgrades"] == 0
    item = world["rectification"]
    rectification.rectification_close(
        actor=cast.county_officer, item=item, closed_on=date(2026, 12, 3)
    )
    assessments.assessment_save(
        actor=cast.county_officer,
        campaign=campaign,
        region=world["assessment"].region,
        item=Assessment.objects.get(pk=world["assessment"].pk),
        values=assessment_values(category="1", complex=False, complex_reasons=""),
    )
    counts = ledger_counts(campaign, "630121")
    assert counts["category_upgrades"] == 1
    assert counts["category_1"] == 1
    assert counts["complex_villages"] == 0
    assert ledger_counts(campaign, "630121101")["category_upgrades"] == 0


def test_the_counts_of_a_world(world: dict[str, Any], campaign: Any) -> None:
    counts = ledger_counts(campaign, "630121")
    assert counts["villages_assessed"] == 1
    assert counts["rectification_open"] == 1 and counts["rectification_closed"] == 1
    assert counts["audits_total"] == 1 and counts["audits_reported"] == 1
    assert counts["dual_role_found"] == 1
    assert counts["dual_role_missing"] == campaign.villages.filter(included=True).count() - 1
    assert counts["contingency_plans"] == 1


def test_dropping_the_dual_role_person_puts_the_village_back_on_the_missing_list(
    world: dict[str, Any], cast: Any, campaign: Any
) -> None:
    before = ledger_counts(campaign, "630121")["dual_role_missing"]
    candidates.candidate_drop(actor=cast.town_officer, item=world["candidates"], reason="外出务工")
    assert ledger_counts(campaign, "630121")["dual_role_missing"] == before + 1


def test_one_confirmed_person_per_post(world: dict[str, Any], cast: Any, campaign: Any) -> None:
    second = candidates.candidate_save(
        actor=cast.town_officer,
        campaign=campaign,
        region=world["candidates"].region,
        item=None,
        values=candidate_values(name="马福海"),
    )
    with pytest.raises(ValidationError, match="已确定“一肩挑”人选祁海龙"):
        candidates.candidate_confirm(actor=cast.town_officer, item=second)


def test_an_audit_reported_before_it_started_is_refused(
    world: dict[str, Any], cast: Any, campaign: Any
) -> None:
    item = audits.audit_save(
        actor=cast.county_officer,
        campaign=campaign,
        region=world["audits"].region,
        item=None,
        values={"audit_kind": "finance", "subject": "主任", "auditor": ""},
    )
    audits.audit_start(actor=cast.county_officer, item=item, started_on=date(2026, 12, 2))
    with pytest.raises(ValidationError, match="报告日期不能早于进场日期"):
        audits.audit_report(
            actor=cast.county_officer, item=item, reported_on=date(2026, 12, 1), findings="规范"
        )


def test_a_name_with_a_foreign_dot_is_stored_with_the_standard_one(
    cast: Any, campaign: Any
) -> None:
    item = candidates.candidate_save(
        actor=cast.county_officer,
        campaign=campaign,
        region=Region.objects.get(code=VILLAGE),
        item=None,
        values=candidate_values(name="买买提.艾力"),
    )
    assert item.name == "买买提·艾力"
