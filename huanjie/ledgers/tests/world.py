"""One item of each village ledger of 红河限村 (the cast's village, in 桥头镇), made through the
services by the county officer: the pages' and the re-import tests' world."""

from __future__ import annotations

from datetime import date
from typing import Any

from huanjie.conftest import VILLAGE
from huanjie.ledgers.services import assessments, audits, candidates, rectification
from huanjie.regions.models import Region

DAY = date(2026, 11, 20)


def assessment_values(**over: Any) -> dict[str, Any]:
    return {
        "category": "2",
        "complex": True,
        "complex_reasons": "宗族势力干扰，班子不团结",
        "assessed_on": DAY,
        "note": "",
        **over,
    }


def rectification_values(**over: Any) -> dict[str, Any]:
    return {
        "problem": "村务公开不及时，账目不清",
        "measures": "乡镇纪委牵头清理账目，按月公开",
        "leader": "王建华",
        "leader_level": "county",
        "due_on": date(2026, 12, 31),
        **over,
    }


def audit_values(**over: Any) -> dict[str, Any]:
    return {
        "audit_kind": "departure",
        "subject": "村民委员会主任马福林",
        "auditor": "县农业农村局审计组",
        **over,
    }


def candidate_values(**over: Any) -> dict[str, Any]:
    return {
        "role": "dual_role",
        "name": "祁海龙",
        "sex": "M",
        "birth_year": 1985,
        "current_post": "村党支部副书记",
        "note": "",
        **over,
    }


def plan_values(**over: Any) -> dict[str, Any]:
    return {
        "case": "low_turnout",
        "measures": "提前入户宣传，设立流动票箱",
        "responsible": "包村干部韩亮",
        "note": "",
        **over,
    }


def make_world(cast: Any, campaign: Any, code: str = VILLAGE) -> dict[str, Any]:
    """Items of every kind in the village `code`: a complex 二类 assessment with a plan, two
    rectification items (one closed), an audit reported, a confirmed dual-role person and
    one considered."""
    actor = cast.county_officer
    village = Region.objects.get(code=code)
    at = {"actor": actor, "campaign": campaign, "region": village, "item": None}
    assessment = assessments.assessment_save(**at, values=assessment_values())
    plan = assessments.contingency_save(**at, values=plan_values())
    open_item = rectification.rectification_save(**at, values=rectification_values())
    closed = rectification.rectification_save(
        **at, values=rectification_values(problem="“三资”台账缺失")
    )
    rectification.rectification_close(
        actor=actor, item=closed, closed_on=date(2026, 12, 1), close_note="已建立台账"
    )
    audit = audits.audit_save(**at, values=audit_values())
    audits.audit_start(actor=actor, item=audit, started_on=date(2026, 11, 25))
    audits.audit_report(
        actor=actor,
        item=audit,
        reported_on=date(2026, 12, 2),
        findings="财务收支基本规范",
        problems="个别票据不全",
    )
    dual = candidates.candidate_save(**at, values=candidate_values())
    candidates.candidate_confirm(actor=actor, item=dual)
    other = candidates.candidate_save(
        **at, values=candidate_values(role="secretary", name="韩秀英", sex="F", birth_year=1990)
    )
    return {
        "assessment": assessment,
        "contingency": plan,
        "rectification": open_item,
        "rectification_closed": closed,
        "audits": audit,
        "candidates": dual,
        "candidate_other": other,
    }
