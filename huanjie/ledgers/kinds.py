"""The village ledgers declared (ledgers.framework): assessment (摸底研判), contingency plans
(一村一策预案), rectification (整顿台账), departure audits (离任审计) and intended candidates
(人选物色). Registered by LedgersConfig.ready."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from huanjie.ledgers.framework import (
    BOOL,
    CHOICE,
    DATE,
    INT,
    LONG,
    HistoryRow,
    LedgerColumn,
    LedgerKind,
    Transition,
    register_kind,
)
from huanjie.ledgers.models import (
    Assessment,
    AssessmentChange,
    AuditKind,
    CandidateRole,
    Category,
    ContingencyPlan,
    DepartureAudit,
    IntendedCandidate,
    LeaderLevel,
    LedgerEvent,
    PlanCase,
    RectificationItem,
    Sex,
)
from huanjie.ledgers.services import assessments, audits, candidates, rectification

# The assessment, the plans and the candidates are the organisation department's: read from
# the town up, not by the village's own clerk.
TOWN_UP = (2, 4, 6, 9)


def events_of(kind: str) -> Any:
    """The history of a kind whose transitions write LedgerEvent rows."""

    def history(item: Any) -> Iterable[HistoryRow]:
        model = type(item)
        labels = dict(model.Status.choices)
        for e in LedgerEvent.objects.filter(kind=kind, item_id=item.pk).select_related("actor"):
            what = (
                f"{labels.get(e.from_status, '')} → {labels.get(e.to_status, '')}"
                if e.from_status
                else f"登记（{labels.get(e.to_status, '')}）"
            )
            if e.day:
                what += f"，{e.day.isoformat()}"
            yield HistoryRow(e.at, e.actor.full_name or e.actor.username, what, e.note)

    return history


def assessment_history(item: Assessment) -> Iterable[HistoryRow]:
    labels = dict(Category.choices)
    for c in AssessmentChange.objects.filter(assessment=item).select_related("actor"):
        flag = "选情复杂村" if c.to_complex else "非选情复杂村"
        if c.from_category:
            what = f"{labels.get(c.from_category)} → {labels.get(c.to_category)}，{flag}"
        else:
            what = f"研判为{labels.get(c.to_category)}，{flag}"
        yield HistoryRow(c.at, c.actor.full_name or c.actor.username, what, c.note)


ASSESSMENT = LedgerKind(
    key="assessment",
    label="摸底研判",
    prefix="PG",
    model=Assessment,
    columns=(
        LedgerColumn("category", "类别", CHOICE, required=True, choices=Category.choices, width=8),
        LedgerColumn("complex", "选情复杂村", BOOL, width=10, note="填“是”或“否”"),
        LedgerColumn("complex_reasons", "复杂原因", max_length=300, width=30),
        LedgerColumn("assessed_on", "研判日期", DATE, required=True, width=12),
        LedgerColumn("note", "备注", max_length=300, width=24),
    ),
    save=assessments.assessment_save,
    reader_levels=TOWN_UP,
    unique_by=("region",),
    search=("complex_reasons", "note"),
    filters=("category", "complex"),
    history=assessment_history,
    description="每村一条：类别（一类/二类/三类）、是否选情复杂村及原因；类别的每次变化都有记录，"
    "“二类村转化为一类村”据此统计。选情复杂村的整顿事项全部销号后自动移出名单。",
)

CONTINGENCY = LedgerKind(
    key="contingency",
    label="一村一策预案",
    prefix="YA",
    model=ContingencyPlan,
    columns=(
        LedgerColumn("case", "情形", CHOICE, required=True, choices=PlanCase.choices, width=22),
        LedgerColumn("measures", "应对措施", LONG, required=True, max_length=1000, width=40),
        LedgerColumn("responsible", "责任人", required=True, max_length=50, width=12),
        LedgerColumn("note", "备注", max_length=300, width=20),
    ),
    save=assessments.contingency_save,
    reader_levels=TOWN_UP,
    unique_by=("region", "case"),
    search=("measures", "responsible"),
    filters=("case",),
    description="每村针对参选率不高、主要负责人候选人落选、人选错位、候选人临时退出、职位空缺、"
    "干扰选举、信访举报等情形制定的应对预案，每种情形一条。",
)

RECTIFICATION = LedgerKind(
    key="rectification",
    label="整顿台账",
    prefix="ZD",
    model=RectificationItem,
    columns=(
        LedgerColumn("problem", "存在问题", LONG, required=True, max_length=500, width=36),
        LedgerColumn("measures", "整顿措施", LONG, max_length=1000, width=36),
        LedgerColumn("leader", "责任领导", required=True, max_length=50, width=12),
        LedgerColumn(
            "leader_level", "领导类别", CHOICE, required=True, choices=LeaderLevel.choices, width=14
        ),
        LedgerColumn("due_on", "完成时限", DATE, width=12),
        LedgerColumn(
            "status",
            "状态",
            CHOICE,
            choices=RectificationItem.Status.choices,
            width=10,
            note="整顿中或已销号；改为已销号须填销号日期",
        ),
        LedgerColumn("closed_on", "销号日期", DATE, width=12, editable=False),
        LedgerColumn("close_note", "销号说明", max_length=300, width=24, editable=False),
    ),
    save=rectification.rectification_save,
    status="status",
    transitions=(
        Transition(
            "open",
            "closed",
            "销号",
            rectification.rectification_close,
            fields=("closed_on", "close_note"),
            tone="success",
        ),
        Transition(
            "closed",
            "open",
            "重新打开",
            rectification.rectification_reopen,
            extra=(LedgerColumn("reason", "重新打开的原因", required=True, max_length=300),),
            tone="outline-secondary",
        ),
    ),
    reader_levels=TOWN_UP,
    search=("problem", "measures", "leader"),
    filters=("leader_level",),
    history=events_of("rectification"),
    description="选情复杂村的整顿事项，逐项销号（先整顿后换届）。村里最后一项销号后，"
    "该村自动移出选情复杂村名单。",
)

AUDITS = LedgerKind(
    key="audits",
    label="离任审计",
    prefix="SJ",
    model=DepartureAudit,
    columns=(
        LedgerColumn(
            "audit_kind", "审计类型", CHOICE, required=True, choices=AuditKind.choices, width=18
        ),
        LedgerColumn("subject", "审计对象", required=True, max_length=100, width=16),
        LedgerColumn("auditor", "审计单位", max_length=100, width=18),
        LedgerColumn("status", "状态", CHOICE, choices=DepartureAudit.Status.choices, width=10),
        LedgerColumn("started_on", "进场日期", DATE, width=12, editable=False),
        LedgerColumn("reported_on", "报告日期", DATE, width=12, editable=False),
        LedgerColumn("findings", "审计结论", LONG, max_length=1000, width=30, editable=False),
        LedgerColumn("problems", "发现问题", LONG, max_length=1000, width=30, editable=False),
    ),
    save=audits.audit_save,
    status="status",
    transitions=(
        Transition("planned", "under_way", "进场", audits.audit_start, fields=("started_on",)),
        Transition(
            "under_way",
            "reported",
            "出具报告",
            audits.audit_report,
            fields=("reported_on", "findings", "problems"),
            tone="success",
        ),
    ),
    search=("subject", "auditor", "findings", "problems"),
    filters=("audit_kind",),
    history=events_of("audits"),
    description="村委会成员任期和离任经济责任审计、社区居委会财务收支审计：安排 → 进场 → 出具报告。",
)

CANDIDATES = LedgerKind(
    key="candidates",
    label="人选物色",
    prefix="RX",
    model=IntendedCandidate,
    columns=(
        LedgerColumn(
            "role", "人选类别", CHOICE, required=True, choices=CandidateRole.choices, width=14
        ),
        LedgerColumn("name", "姓名", required=True, max_length=50, width=10),
        LedgerColumn("sex", "性别", CHOICE, required=True, choices=Sex.choices, width=6),
        LedgerColumn("birth_year", "出生年份", INT, width=10),
        LedgerColumn("current_post", "现任职务", max_length=100, width=20),
        LedgerColumn("status", "状态", CHOICE, choices=IntendedCandidate.Status.choices, width=10),
        LedgerColumn("note", "备注", max_length=300, width=20),
    ),
    save=candidates.candidate_save,
    status="status",
    transitions=(
        Transition(
            "considering", "confirmed", "确定", candidates.candidate_confirm, tone="success"
        ),
        Transition(
            "considering",
            "dropped",
            "放弃",
            candidates.candidate_drop,
            extra=(LedgerColumn("reason", "放弃的原因", required=True, max_length=300),),
            tone="outline-danger",
        ),
        Transition(
            "confirmed",
            "dropped",
            "放弃",
            candidates.candidate_drop,
            extra=(LedgerColumn("reason", "放弃的原因", required=True, max_length=300),),
            tone="outline-danger",
        ),
    ),
    reader_levels=TOWN_UP,
    search=("name", "current_post", "note"),
    filters=("role",),
    history=events_of("candidates"),
    links=(("尚未物色到“一肩挑”人选的村", "ledgers:dual_role_missing"),),
    description="新一届村(社区)“两委”人选，特别是“一肩挑”人选。只记姓名、性别、出生年份、现任职务，"
    "不记身份证号。",
)

LEDGERS = (ASSESSMENT, CONTINGENCY, RECTIFICATION, AUDITS, CANDIDATES)


def register_all() -> None:
    for kind in LEDGERS:
        register_kind(kind)
