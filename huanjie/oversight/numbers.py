"""The county's work in numbers (seed 000: "召开各类会议14次，下发换届选举相关文件29个……县乡累计
组织开展各类培训99场次……成立4个县级督导组……督导指导工作700余次……妥善解决群众信访34起……及时
将21个“二类村”转化为“一类村”"), counted from the ledgers, never typed: the oversight ledgers
here, the village ledgers through huanjie.ledgers.selectors.ledger_counts (its documented keys;
a figure it does not give shows as "—")."""

from __future__ import annotations

import importlib
import importlib.util
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import xlsxwriter
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from huanjie.lib.xlsx import safe_cell
from huanjie.oversight.models import (
    InspectionGroup,
    InspectionProblem,
    InspectionVisit,
    Petition,
    PetitionStatus,
    ProblemStatus,
    TrainingAttendee,
    TrainingSession,
    WorkRecord,
    WorkRecordKind,
)
from huanjie.regions.models import Region

if TYPE_CHECKING:
    from huanjie.elections.models import Campaign

LEDGER_SELECTORS: Final = "huanjie.ledgers.selectors"


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str
    value: int | None  # None: the ledger that counts it is not there


@dataclass(frozen=True)
class Section:
    title: str
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class Numbers:
    sections: tuple[Section, ...]
    sentence: str

    def value(self, key: str) -> int | None:
        for section in self.sections:
            for figure in section.figures:
                if figure.key == key:
                    return figure.value
        raise KeyError(key)


# The figures of the village ledgers, by ledger_counts' documented keys (design C).
LEDGER_FIGURES: Final = (
    ("villages_assessed", "已摸底研判村(社区)", "个"),
    ("category_1", "一类村", "个"),
    ("category_2", "二类村", "个"),
    ("category_3", "三类村", "个"),
    ("category_upgrades", "“二类村”转化为“一类村”", "个"),
    ("complex_villages", "选情复杂村", "个"),
    ("contingency_plans", "一村一策应急预案", "个"),
    ("rectification_open", "整顿事项未销号", "项"),
    ("rectification_closed", "整顿事项已销号", "项"),
    ("audits_total", "离任审计", "个"),
    ("audits_reported", "离任审计已出具报告", "个"),
    ("dual_role_found", "已物色“一肩挑”人选的村", "个"),
    ("dual_role_missing", "尚无“一肩挑”人选的村", "个"),
)


def ledger_counts(campaign: Campaign, prefix: str) -> dict[str, int] | None:
    """The village ledgers' counts, or None while huanjie.ledgers has no selectors module."""
    if importlib.util.find_spec(LEDGER_SELECTORS) is None:
        return None
    module = importlib.import_module(LEDGER_SELECTORS)
    counts: dict[str, int] = module.ledger_counts(campaign, prefix)
    return counts


def _own_counts(campaign: Campaign, prefix: str) -> dict[str, int]:
    today = timezone.localdate()
    inside = Q(campaign=campaign, region__code__startswith=prefix)
    records = WorkRecord.objects.filter(inside).aggregate(
        meetings=Count("id", filter=Q(kind=WorkRecordKind.MEETING)),
        documents=Count("id", filter=Q(kind=WorkRecordKind.DOCUMENT)),
    )
    problems = InspectionProblem.objects.filter(inside).aggregate(
        problems=Count("id"),
        problems_closed=Count("id", filter=Q(status=ProblemStatus.CLOSED)),
        problems_overdue=Count("id", filter=~Q(status=ProblemStatus.CLOSED) & Q(due_on__lt=today)),
    )
    petitions = Petition.objects.filter(inside).aggregate(
        petitions=Count("id"),
        reports=Count("id", filter=Q(kind="report")),
        petitions_settled=Count("id", filter=Q(status=PetitionStatus.SETTLED)),
        petitions_overdue=Count(
            "id", filter=~Q(status=PetitionStatus.SETTLED) & Q(due_on__lt=today)
        ),
    )
    groups = InspectionGroup.objects.filter(campaign=campaign, towns__code__startswith=prefix)
    return {
        **records,
        "training_sessions": TrainingSession.objects.filter(inside).count(),
        "attendees": TrainingAttendee.objects.filter(
            session__campaign=campaign, session__region__code__startswith=prefix
        ).count(),
        "groups": groups.values("pk").distinct().count(),
        "visits": InspectionVisit.objects.filter(inside).count(),
        **problems,
        **petitions,
    }


def work_in_numbers(campaign: Campaign, prefix: str) -> Numbers:
    """The figures of `campaign` in the region `prefix` (a county or a town) and the sentence."""
    own = _own_counts(campaign, prefix)
    ledgers = ledger_counts(campaign, prefix)

    def fig(key: str, label: str, unit: str) -> Figure:
        return Figure(key, label, unit, own[key])

    def led(key: str, label: str, unit: str) -> Figure:
        return Figure(key, label, unit, None if ledgers is None else ledgers.get(key))

    sections = (
        Section(
            "组织部署",
            (
                fig("meetings", "召开各类会议", "次"),
                fig("documents", "下发换届选举相关文件", "个"),
            ),
        ),
        Section(
            "业务培训",
            (
                fig("training_sessions", "组织开展各类培训", "场次"),
                fig("attendees", "参训人员", "人次"),
            ),
        ),
        Section(
            "督导指导",
            (
                fig("groups", "督导组", "个"),
                fig("visits", "督导指导工作", "次"),
                fig("problems", "发现问题", "个"),
                fig("problems_closed", "已整改销号", "个"),
                fig("problems_overdue", "逾期未整改", "个"),
            ),
        ),
        Section(
            "信访举报",
            (
                fig("petitions", "受理信访举报", "起"),
                fig("reports", "其中举报", "起"),
                fig("petitions_settled", "妥善解决（已办结）", "起"),
                fig("petitions_overdue", "超期未办结", "起"),
            ),
        ),
        Section("摸底研判与村级台账", tuple(led(*item) for item in LEDGER_FIGURES)),
    )
    return Numbers(sections, sentence(own, ledgers))


def sentence(own: dict[str, int], ledgers: dict[str, int] | None) -> str:
    """What the county writes in its report, from the counts.

    >>> sentence({"meetings": 14, "documents": 29, "training_sessions": 99, "attendees": 0,
    ...   "groups": 4, "visits": 700, "problems": 0, "problems_closed": 0, "petitions": 34,
    ...   "petitions_settled": 34}, {"category_upgrades": 21})
    '召开各类会议14次，下发换届选举相关文件29个；县乡累计组织开展各类培训99场次；成立4个督导组，督导指导工作700次；妥善解决群众信访34起；及时将21个“二类村”转化为“一类村”。'
    """
    parts = [f"召开各类会议{own['meetings']}次，下发换届选举相关文件{own['documents']}个"]
    training = f"县乡累计组织开展各类培训{own['training_sessions']}场次"
    if own["attendees"]:
        training += f"，培训{own['attendees']}人次"
    parts.append(training)
    inspection = f"成立{own['groups']}个督导组，督导指导工作{own['visits']}次"
    if own["problems"]:
        inspection += f"，发现问题{own['problems']}个、已整改销号{own['problems_closed']}个"
    parts.append(inspection)
    petitions = f"妥善解决群众信访{own['petitions_settled']}起"
    if own["petitions"] != own["petitions_settled"]:
        petitions += f"（受理{own['petitions']}起）"
    parts.append(petitions)
    if ledgers and ledgers.get("category_upgrades"):
        parts.append(f"及时将{ledgers['category_upgrades']}个“二类村”转化为“一类村”")
    if ledgers and ledgers.get("complex_villages"):
        closed = ledgers.get("rectification_closed", 0)
        parts.append(f"排查选情复杂村{ledgers['complex_villages']}个，整顿事项销号{closed}项")
    return "；".join(parts) + "。"


# ---------------------------------------------------------------------------------------------
# By town: the county's table (one query per ledger, the county's own rows under 县本级).

TOWN_COLUMNS: Final = (
    ("meetings", "会议(次)"),
    ("documents", "文件(个)"),
    ("training_sessions", "培训(场次)"),
    ("attendees", "参训(人次)"),
    ("visits", "督导(次)"),
    ("problems", "发现问题(个)"),
    ("problems_closed", "已整改(个)"),
    ("petitions", "信访举报(起)"),
    ("petitions_settled", "已办结(起)"),
)
COUNTY_OWN: Final = "县本级"


@dataclass(frozen=True)
class TownRow:
    code: str
    name: str
    values: tuple[int, ...]


def _by_town(rows: Any, keys: dict[str, Any]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for row in rows:
        town = row["town"]
        for key in keys:
            out.setdefault(town, {})[key] = out.get(town, {}).get(key, 0) + row[key]
    return out


def town_table(campaign: Campaign, county: Region) -> list[TownRow]:
    """Each town's figures of the county's campaign, the county's own row first."""
    inside = Q(campaign=campaign, region__code__startswith=county.code)
    town = Substr("region_id", 1, 9)
    counts: dict[str, dict[str, int]] = {}

    def add(queryset: Any, **aggregates: Any) -> None:
        rows = queryset.order_by().annotate(town=town).values("town").annotate(**aggregates)
        for code, figures in _by_town(rows, aggregates).items():
            counts.setdefault(code, {}).update(figures)

    add(
        WorkRecord.objects.filter(inside),
        meetings=Count("id", filter=Q(kind=WorkRecordKind.MEETING)),
        documents=Count("id", filter=Q(kind=WorkRecordKind.DOCUMENT)),
    )
    add(TrainingSession.objects.filter(inside), training_sessions=Count("id"))
    add(TrainingAttendee.objects.filter(inside), attendees=Count("id"))
    add(InspectionVisit.objects.filter(inside), visits=Count("id"))
    add(
        InspectionProblem.objects.filter(inside),
        problems=Count("id"),
        problems_closed=Count("id", filter=Q(status=ProblemStatus.CLOSED)),
    )
    add(
        Petition.objects.filter(inside),
        petitions=Count("id"),
        petitions_settled=Count("id", filter=Q(status=PetitionStatus.SETTLED)),
    )
    towns = Region.objects.filter(parent_id=county.code).order_by("code")
    rows = [TownRow(county.code, COUNTY_OWN, _values(counts.get(county.code, {})))]
    rows += [TownRow(t.code, t.display_name, _values(counts.get(t.code, {}))) for t in towns]
    return rows


def _values(figures: dict[str, int]) -> tuple[int, ...]:
    return tuple(figures.get(key, 0) for key, _ in TOWN_COLUMNS)


def total_row(rows: list[TownRow]) -> tuple[int, ...]:
    return tuple(sum(r.values[i] for r in rows) for i in range(len(TOWN_COLUMNS)))


def numbers_xlsx(
    campaign: Campaign, region: Region, numbers: Numbers, towns: list[TownRow] | None
) -> bytes:
    """The figures as a county sends them: a title, the day, the sentence, each figure; a
    second sheet by town (with the total) for a county."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    title = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    cell = book.add_format({"border": 1})
    sheet = book.add_worksheet("工作成效")
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 28)
    sheet.set_column(2, 3, 10)
    today = timezone.localdate()
    sheet.merge_range(0, 0, 0, 3, safe_cell(f"{region.display_name}{campaign.name}工作成效"), title)
    sheet.merge_range(1, 0, 1, 3, f"截至{today:%Y年%-m月%-d日}（据各项台账统计）")
    sheet.merge_range(2, 0, 2, 3, safe_cell(numbers.sentence), wrap)
    sheet.set_row(2, 90)
    for col, label in enumerate(("类别", "项目", "数量", "单位")):
        sheet.write_string(3, col, label, head)
    row = 4
    for section in numbers.sections:
        for figure in section.figures:
            sheet.write_string(row, 0, section.title, cell)
            sheet.write_string(row, 1, figure.label, cell)
            if figure.value is None:
                sheet.write_string(row, 2, "—", cell)
            else:
                sheet.write_number(row, 2, figure.value, cell)
            sheet.write_string(row, 3, figure.unit, cell)
            row += 1
    if towns is not None:
        by_town = book.add_worksheet("分乡镇")
        by_town.set_column(0, 0, 16)
        by_town.set_column(1, len(TOWN_COLUMNS), 11)
        for col, label in enumerate(("乡镇(街道)", *(label for _, label in TOWN_COLUMNS))):
            by_town.write_string(0, col, label, head)
        lines = [(t.name, t.values) for t in towns] + [("合计", total_row(towns))]
        for r, (name, values) in enumerate(lines, 1):
            by_town.write_string(r, 0, safe_cell(name), cell)
            for c, value in enumerate(values, 1):
                by_town.write_number(r, c, value, cell)
    book.close()
    return buffer.getvalue()
