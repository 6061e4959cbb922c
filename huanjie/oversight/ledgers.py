"""The oversight ledgers declared (huanjie.ledgers.framework): inspection visits and the problems
found, petitions and reports, training sessions and their attendees, meetings and documents.
Each gets the framework's list (town subtotals for a county), xlsx export, item page, add form
and import as "ledger-<key>"; registered by OversightConfig.ready."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from huanjie.accounts.permissions import Action
from huanjie.ledgers.framework import (
    BOOL,
    CHOICE,
    DATE,
    LONG,
    HistoryRow,
    LedgerColumn,
    LedgerKind,
    Transition,
)
from huanjie.oversight.models import (
    TEXT,
    InspectionProblem,
    InspectionVisit,
    Petition,
    PetitionChannel,
    PetitionKind,
    PetitionStatus,
    ProblemStatus,
    TrainingAttendee,
    TrainingKind,
    TrainingSession,
    WorkRecord,
    WorkRecordKind,
)
from huanjie.oversight.services import inspections, petitions, records, training
from huanjie.regions.models import Region

# The kinds' keys (URL parts, importers "ledger-<key>"), by what the oversight pages call them.
KIND_KEYS: Final = {
    "visits": "inspection-visits",
    "problems": "inspection-problems",
    "petitions": "petitions",
    "training": "training",
    "attendees": "training-attendees",
    "records": "work-records",
}

TOWN_OR_VILLAGE: Final = (Region.Level.TOWN, Region.Level.VILLAGE)
COUNTY_OR_TOWN: Final = (Region.Level.COUNTY, Region.Level.TOWN)

EVENTS: Final = {
    "recorded": "登记",
    "follow_up": "登记整改措施",
    "closed": "整改销号",
    "reopened": "复查未整改到位，重新整改",
    "received": "受理",
    "handled": "登记办理情况",
    "extended": "延长办理期限",
    "settled": "办结",
}


def _history(events: Any, labels: dict[str, str]) -> Iterable[HistoryRow]:
    for e in events.select_related("actor"):
        what = EVENTS.get(e.event, e.event)
        if e.old_status and e.old_status != e.new_status:
            what += f"（{labels.get(e.old_status, '')} → {labels.get(e.new_status, '')}）"
        what += f"，{e.on.isoformat()}"
        yield HistoryRow(e.at, e.actor.full_name or e.actor.username, what, e.note)


def problem_history(item: InspectionProblem) -> Iterable[HistoryRow]:
    return _history(item.events.all(), dict(ProblemStatus.choices))


def petition_history(item: Petition) -> Iterable[HistoryRow]:
    return _history(item.events.all(), dict(PetitionStatus.choices))


VISITS = LedgerKind(
    key=KIND_KEYS["visits"],
    label="督导记录",
    prefix="DD",
    model=InspectionVisit,
    owner_levels=TOWN_OR_VILLAGE,
    columns=(
        LedgerColumn("group", "督导组", required=True, attr="group__name", max_length=60),
        LedgerColumn("visited_on", "督导日期", DATE, required=True, width=12),
        LedgerColumn("checked", "督导内容", LONG, required=True, max_length=TEXT, width=40),
        LedgerColumn("summary", "督导情况", LONG, max_length=TEXT, width=40),
        LedgerColumn(
            "recorded_by", "登记人", imported=False, attr="recorded_by__full_name", width=12
        ),
    ),
    save=inspections.visit_save,
    action=Action.RECORD_INSPECTIONS,
    search=("checked", "summary", "group__name"),
    links=(("登记督导", "oversight:visit_new"), ("督导组", "oversight:groups")),
    description="督导组成员只能登记本组联系乡镇(街道)及其所属村(社区)的督导情况。",
    ordering=("-visited_on", "-pk"),
)

PROBLEMS = LedgerKind(
    key=KIND_KEYS["problems"],
    label="督导发现问题",
    prefix="WT",
    model=InspectionProblem,
    owner_levels=TOWN_OR_VILLAGE,
    columns=(
        LedgerColumn("visit", "督导记录编号", required=True, attr="visit_number", width=12),
        LedgerColumn("group", "督导组", imported=False, attr="visit__group__name"),
        LedgerColumn("description", "发现问题", LONG, required=True, max_length=TEXT, width=40),
        LedgerColumn("requirement", "整改要求", LONG, max_length=TEXT, width=30),
        LedgerColumn("due_on", "整改时限", DATE, width=12),
        LedgerColumn("status", "状态", CHOICE, choices=tuple(ProblemStatus.choices), width=10),
        LedgerColumn("measures", "整改措施", LONG, max_length=TEXT, editable=False, width=30),
        LedgerColumn("closed_on", "销号日期", DATE, editable=False, width=12),
        LedgerColumn("close_note", "整改情况", LONG, max_length=TEXT, editable=False, width=30),
        LedgerColumn("review_note", "复查意见", LONG, max_length=TEXT, editable=False, width=30),
        LedgerColumn("overdue", "逾期未整改", BOOL, imported=False, attr="overdue", width=10),
    ),
    save=inspections.problem_save,
    status="status",
    transitions=(
        Transition(
            ProblemStatus.OPEN,
            ProblemStatus.RECTIFYING,
            "登记整改措施",
            inspections.problem_follow_up,
            fields=("measures",),
            action=Action.MANAGE_LEDGERS,
        ),
        Transition(
            (ProblemStatus.OPEN, ProblemStatus.RECTIFYING),
            ProblemStatus.CLOSED,
            "整改销号",
            inspections.problem_close,
            fields=("closed_on", "close_note"),
            tone="success",
            action=Action.MANAGE_LEDGERS,
        ),
        Transition(
            ProblemStatus.CLOSED,
            ProblemStatus.RECTIFYING,
            "复查未整改到位，重新整改",
            inspections.problem_reopen,
            fields=("review_note",),
            tone="warning",
        ),
    ),
    # The inspection group records, corrects and reopens (its services check the group); the
    # owner town (or the county) follows up and closes, on the page or by its follow-up file.
    action=Action.RECORD_INSPECTIONS,
    import_action=Action.MANAGE_LEDGERS,
    search=("description", "requirement", "measures", "visit__group__name"),
    history=problem_history,
    links=(("督导记录", "oversight:campaign"),),
    description="督导发现的问题由责任乡镇(村)整改，乡镇或县级登记整改措施、整改销号；督导组复查未整改到位的可重新整改。",
    ordering=("-pk",),
)

PETITIONS = LedgerKind(
    key=KIND_KEYS["petitions"],
    label="信访举报",
    prefix="XF",
    model=Petition,
    owner_levels=TOWN_OR_VILLAGE,
    columns=(
        LedgerColumn(
            "kind", "类别", CHOICE, required=True, choices=tuple(PetitionKind.choices), width=8
        ),
        LedgerColumn(
            "channel",
            "来源渠道",
            CHOICE,
            required=True,
            choices=tuple(PetitionChannel.choices),
            width=10,
        ),
        LedgerColumn("received_on", "受理日期", DATE, required=True, width=12),
        LedgerColumn("summary", "反映问题", LONG, required=True, max_length=TEXT, width=40),
        LedgerColumn("petitioner_name", "信访人姓名", max_length=30, width=10),
        LedgerColumn(
            "petitioner_phone",
            "信访人电话",
            attr="phone_masked",
            max_length=20,
            width=14,
            note="显示为掩码；保留掩码即不修改",
        ),
        LedgerColumn("due_on", "办理期限", DATE, imported=False, width=12),
        LedgerColumn("overdue", "超期未办结", BOOL, imported=False, attr="overdue", width=10),
        LedgerColumn("status", "状态", CHOICE, choices=tuple(PetitionStatus.choices), width=10),
        LedgerColumn("handler", "承办单位(人)", max_length=60, editable=False, width=14),
        LedgerColumn("measures", "办理措施", LONG, max_length=TEXT, editable=False, width=30),
        LedgerColumn("extension_reason", "延期理由", editable=False, width=20),
        LedgerColumn("settled_on", "办结日期", DATE, editable=False, width=12),
        LedgerColumn("outcome", "办理结果", LONG, max_length=TEXT, editable=False, width=30),
    ),
    save=petitions.petition_save,
    status="status",
    transitions=(
        Transition(
            PetitionStatus.RECEIVED,
            PetitionStatus.HANDLING,
            "登记办理情况",
            petitions.petition_handle,
            fields=("handler", "measures"),
        ),
        Transition(
            PetitionStatus.RECEIVED,
            PetitionStatus.RECEIVED,
            "延长办理期限（30日）",
            petitions.petition_extend,
            fields=("extension_reason",),
            tone="warning",
        ),
        Transition(
            PetitionStatus.HANDLING,
            PetitionStatus.HANDLING,
            "延长办理期限（30日）",
            petitions.petition_extend,
            fields=("extension_reason",),
            tone="warning",
        ),
        Transition(
            (PetitionStatus.RECEIVED, PetitionStatus.HANDLING),
            PetitionStatus.SETTLED,
            "办结",
            petitions.petition_settle,
            fields=("settled_on", "outcome"),
            tone="success",
        ),
    ),
    action=Action.MANAGE_LEDGERS,
    search=("summary", "handler", "measures", "outcome"),
    filters=("kind", "channel"),
    history=petition_history,
    description=(
        "受理、办理、办结。办理期限：自受理之日起60日，情况复杂的可延长一次、不超过30日"
        "（信访工作条例(2022)第三十四条）；超过期限未办结的标为超期。"
        "信访人电话以掩码显示。"
    ),
    ordering=("-received_on", "-pk"),
)

TRAINING = LedgerKind(
    key=KIND_KEYS["training"],
    label="培训",
    prefix="PX",
    model=TrainingSession,
    owner_levels=COUNTY_OR_TOWN,
    columns=(
        LedgerColumn("held_on", "培训日期", DATE, required=True, width=12),
        LedgerColumn("title", "培训主题", required=True, max_length=100, width=30),
        LedgerColumn(
            "kind", "培训方式", CHOICE, required=True, choices=tuple(TrainingKind.choices), width=12
        ),
        LedgerColumn("trainer", "授课人", max_length=60, width=12),
    ),
    save=training.training_save,
    action=Action.MANAGE_LEDGERS,
    search=("title", "trainer"),
    filters=("kind",),
    description="县乡组织的换届业务培训；参训人员在“参训人员”台账中按培训编号登记或导入。",
    ordering=("-held_on", "-pk"),
)

ATTENDEES = LedgerKind(
    key=KIND_KEYS["attendees"],
    label="参训人员",
    prefix="CX",
    model=TrainingAttendee,
    owner_levels=COUNTY_OR_TOWN,
    columns=(
        LedgerColumn("session", "培训编号", required=True, attr="session_number", width=12),
        LedgerColumn("session_title", "培训主题", imported=False, attr="session__title", width=24),
        LedgerColumn("name", "姓名", required=True, max_length=30, width=10),
        LedgerColumn("post", "职务", max_length=60, width=14),
        LedgerColumn(
            "village",
            "所在村(社区)",
            attr="village_label",
            max_length=100,
            width=18,
            note="村(社区)名称或代码；乡镇、县直单位人员不填，填工作单位",
        ),
        LedgerColumn("unit", "工作单位", max_length=100, width=18),
    ),
    save=training.attendee_save,
    action=Action.MANAGE_LEDGERS,
    search=("name", "post", "unit", "session__title"),
    description="单位为培训的组织单位（县或乡镇）；每行一名参训人员，培训编号见“培训”台账。",
    ordering=("session_id", "pk"),
)

RECORDS = LedgerKind(
    key=KIND_KEYS["records"],
    label="会议文件",
    prefix="HW",
    model=WorkRecord,
    owner_levels=COUNTY_OR_TOWN,
    columns=(
        LedgerColumn(
            "kind", "类别", CHOICE, required=True, choices=tuple(WorkRecordKind.choices), width=8
        ),
        LedgerColumn("held_on", "日期", DATE, required=True, width=12),
        LedgerColumn("title", "会议名称或文件标题", required=True, max_length=200, width=40),
        LedgerColumn("doc_number", "文号", max_length=60, width=18),
    ),
    save=records.work_record_save,
    action=Action.MANAGE_LEDGERS,
    search=("title", "doc_number"),
    filters=("kind",),
    description="县乡召开的换届工作会议、下发的换届相关文件。",
    ordering=("-held_on", "-pk"),
)

KINDS: Final = (VISITS, PROBLEMS, PETITIONS, TRAINING, ATTENDEES, RECORDS)
