"""The review ledger (联审台账): exported to xlsx, and a department's answers uploaded back
through the one spreadsheet pipeline (``uploads.importers``), all or nothing.

One row per person and department: 批次, 乡镇, 村(社区), 姓名, 身份证号 (masked: the file never
needs the full number), 职位, 联审部门, 审查情形 (the department's conditions by number, to
read), 审查结果 (无 / 有), 存在的情形 (the numbers of the conditions found, e.g. "1、3"),
说明. A department's upload answers the rows of its own department only: a row is matched by
批次 + 姓名 + masked 身份证号 among the people sent to that department; every condition it
checks and that is not listed as found is answered "无".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.urls import reverse

from huanjie.accounts.models import Department, User
from huanjie.accounts.permissions import Action
from huanjie.elections.models import Campaign
from huanjie.lib import idcard, names
from huanjie.lib.sheets import (
    Column,
    FileOutcome,
    Header,
    Issue,
    RowReader,
    Schema,
    cell_text,
)
from huanjie.lib.workbooks import Limits
from huanjie.lib.xlsx import table_xlsx
from huanjie.regions.models import Region
from huanjie.review import services
from huanjie.review.models import (
    ReviewAssignment,
    ReviewLedgerImport,
    ReviewState,
)
from huanjie.uploads.importers import Count, Importer, Load, Progress, register
from huanjie.uploads.models import UploadJob

F_BATCH, F_NAME, F_ID, F_DEPARTMENT = "批次", "姓名", "身份证号", "联审部门"
F_RESULT, F_FOUND, F_NOTE = "审查结果", "存在的情形", "说明"
HEADER: Final = (
    F_BATCH,
    "乡镇",
    "村(社区)",
    F_NAME,
    F_ID,
    "职位",
    F_DEPARTMENT,
    "审查情形",
    F_RESULT,
    F_FOUND,
    F_NOTE,
)
NONE, SOME = "无", "有"

MSG_BATCH_BAD = "批次“{value}”无法识别，请填写批次号，如 3 或 第3批"
MSG_NOT_SENT = "第{batch}批中没有送本部门联审的{name}（{masked}），请核对批次、姓名和身份证号"
MSG_RESULT_BAD = "审查结果“{value}”无法识别，应填“无”或“有”"
MSG_RESULT_EMPTY = "审查结果为空，应填“无”或“有”"
MSG_FOUND_EMPTY = "审查结果为“有”，请填写存在的情形编号"
MSG_FOUND_BAD = "情形编号“{value}”不是本部门审查的情形（本部门审查：{mine}）"
MSG_FOUND_WITH_NONE = "审查结果为“无”，存在的情形应为空"
MSG_NOTE_EMPTY = "存在负面清单情形的，请在说明中写明"
MSG_DEPARTMENT_OTHER = "该行是{name}的台账，本部门只能答复本部门的台账"
MSG_SAME_ROW = "与第{row}行是同一人，同一人只能填写一次"
MSG_ANSWER = "{message}"
MSG_DONE = "已导入：答复 {answered} 人，其中有负面清单情形 {found} 人"
MSG_NOT_REVIEWER = "只有联审部门的工作人员可以上传联审台账"

LEDGER_SCHEMA: Final = Schema(
    (
        Column("batch", F_BATCH, ("批次号", "联审批次"), required=True, width=8),
        Column("town", "乡镇", ("乡镇(街道)",), width=12),
        Column("village", "村(社区)", ("村", "社区", "村(社区)名称"), width=14),
        Column("name", F_NAME, ("名字",), required=True, width=10),
        Column(
            "id_number", F_ID, ("公民身份号码", "身份证号码"), required=True, text=True, width=22
        ),
        Column("post", "职位", ("拟任职位",), width=10),
        Column("department", F_DEPARTMENT, ("部门", "审查部门"), width=12),
        Column("conditions", "审查情形", ("负面清单情形",), width=40),
        Column("result", F_RESULT, ("审查意见", "结果"), required=True, width=10),
        Column("found", F_FOUND, ("情形编号", "存在情形"), width=14),
        Column("note", F_NOTE, ("备注", "情况说明"), width=40),
    )
)


# ---------------------------------------------------------------------------------------------
# The export.


def ledger_rows(
    campaign: Campaign, assignments: Iterable[ReviewAssignment]
) -> Iterable[tuple[Any, ...]]:
    conditions_of: dict[int, list[Any]] = {}
    for a in assignments:
        dept = a.department
        if dept.pk not in conditions_of:
            conditions_of[dept.pk] = services.department_conditions(dept)
        mine = conditions_of[dept.pk]
        review = a.review
        findings = {f.condition_id: f for f in a.findings.all()}
        answered = a.answered_at is not None
        found = [c for c in mine if c.pk in findings and findings[c.pk].found]
        result = (SOME if found else NONE) if answered else ""
        notes = "；".join(f"{c.number}.{findings[c.pk].note}" for c in found)
        yield (
            f"第{review.batch.number}批" if review.batch else "",
            review.village.parent.name if review.village.parent else "",
            review.village.name,
            review.person.name,
            review.person.id_masked,
            review.nominee.post.get_post_display(),
            dept.name,
            "；".join(f"{c.number}.{c.text}" for c in mine),
            result,
            "、".join(str(c.number) for c in found),
            notes,
        )


def ledger_assignments(
    campaign: Campaign, *, department: str = "", batch: Any = None
) -> list[ReviewAssignment]:
    qs = (
        ReviewAssignment.objects.filter(review__campaign=campaign)
        .select_related(
            "department",
            "review__batch",
            "review__village__parent",
            "review__person",
            "review__nominee__post",
        )
        .prefetch_related("findings")
        .order_by("review__batch__number", "review__village_id", "review_id", "department__order")
    )
    if department:
        qs = qs.filter(department__department=department)
    if batch is not None:
        qs = qs.filter(review__batch=batch)
    return list(qs)


def ledger_xlsx(campaign: Campaign, *, department: str = "", batch: Any = None) -> bytes:
    """The 联审台账: masked ID numbers only."""
    rows = ledger_rows(campaign, ledger_assignments(campaign, department=department, batch=batch))
    return table_xlsx("联审台账", HEADER, rows, (8, 12, 14, 10, 22, 10, 12, 40, 10, 14, 40))


# ---------------------------------------------------------------------------------------------
# The upload.


@dataclass(frozen=True, slots=True)
class LedgerRow:
    row: int
    batch: int
    name: str
    masked: str
    department: str
    found_all: bool
    found: tuple[int, ...]
    note: str


_BATCH = re.compile(r"^\s*第?\s*(\d{1,5})\s*批?\s*$")


def _number_list(text: str) -> list[int] | None:
    parts = [p for p in re.split(r"[、，,;；\s]+", text) if p]
    out: list[int] = []
    for p in parts:
        p = p.strip().rstrip(".")
        if not p.isdigit():
            return None
        out.append(int(p))
    return out


@dataclass
class LedgerOutcome(FileOutcome):
    answered: int = 0
    found_people: int = 0


class LedgerLoad(Load):
    outcome: LedgerOutcome

    def __init__(self, outcome: LedgerOutcome, *, job: ReviewLedgerImport, header: Header) -> None:
        super().__init__(outcome)
        self.job, self.columns = job, header.columns
        self.actor: User = job.created_by
        self.department = job.department

    def check(self, number: int, cells: list[Any]) -> LedgerRow | None:
        cell = RowReader(LEDGER_SCHEMA, self.columns, number, cells)
        batch_text = cell.text("batch", 20)
        match = _BATCH.match(batch_text)
        if not match:
            cell.problem("batch", batch_text[:20], MSG_BATCH_BAD.format(value=batch_text[:20]))
        name = cell.name(check=False)
        masked = idcard.mask(cell_text(cell.get("id_number")).upper())
        result = cell.text("result", 10)
        found_text = cell.text("found", 100)
        note = cell.text("note", 500)
        department = cell.text("department", 50)
        found: list[int] = []
        if not result:
            cell.problem("result", "", MSG_RESULT_EMPTY)
        elif result not in (NONE, SOME):
            cell.problem("result", result, MSG_RESULT_BAD.format(value=result))
        elif result == SOME:
            parsed = _number_list(found_text)
            if not found_text or not parsed:
                cell.problem("found", found_text[:20], MSG_FOUND_EMPTY)
            else:
                found = parsed
            if not note:
                cell.problem("note", "", MSG_NOTE_EMPTY)
        elif found_text:
            cell.problem("found", found_text[:20], MSG_FOUND_WITH_NONE)
        self.outcome.issues.extend(cell.issues)
        if cell.issues or not match:
            return None
        return LedgerRow(
            number,
            int(match.group(1)),
            name,
            masked,
            department,
            result == SOME,
            tuple(found),
            note,
        )

    def _issue(self, row: LedgerRow, field: str, value: str, message: str) -> None:
        self.outcome.issues.append(Issue(row.row, field, value, message))

    def write(self, rows: Iterable[LedgerRow]) -> None:
        rows = list(rows)
        mine = (
            ReviewAssignment.objects.filter(
                review__campaign_id=self.job.campaign_id,
                department__department=self.department,
                review__state=ReviewState.SENT,
                review__batch__sent_on__isnull=False,
            )
            .filter(review__village__code__startswith=self.job.region_id)
            .select_related("department", "review__batch", "review__person", "review__campaign")
        )
        index: dict[tuple[int, str, str], ReviewAssignment] = {}
        for sent in mine:
            batch = sent.review.batch
            assert batch is not None  # a sent review is in a batch (the filter above)
            key = (
                batch.number,
                names.normalize_name(sent.review.person.name),
                sent.review.person.id_masked,
            )
            index[key] = sent
        first: dict[int, int] = {}
        conditions: dict[int, list[Any]] = {}
        label = Department(self.department).label
        for row in rows:
            if row.department and row.department not in (label, *self._names()):
                self._issue(
                    row,
                    F_DEPARTMENT,
                    row.department,
                    MSG_DEPARTMENT_OTHER.format(name=row.department),
                )
                continue
            a = index.get((row.batch, row.name, row.masked))
            if a is None:
                self._issue(
                    row,
                    F_NAME,
                    row.name,
                    MSG_NOT_SENT.format(batch=row.batch, name=row.name, masked=row.masked),
                )
                continue
            if first.setdefault(a.pk, row.row) != row.row:
                self._issue(row, F_NAME, row.name, MSG_SAME_ROW.format(row=first[a.pk]))
                continue
            if a.department_id not in conditions:
                conditions[a.department_id] = services.department_conditions(a.department)
            by_number = {c.number: c for c in conditions[a.department_id]}
            bad = [n for n in row.found if n not in by_number]
            if bad:
                mine_text = "、".join(f"{c.number}.{c.text}" for c in by_number.values())
                self._issue(
                    row,
                    F_FOUND,
                    "、".join(map(str, bad)),
                    MSG_FOUND_BAD.format(value="、".join(map(str, bad)), mine=mine_text),
                )
                continue
            answers = [
                services.Answer(
                    condition=c,
                    found=c.number in row.found,
                    note=row.note if c.number in row.found else "",
                )
                for c in by_number.values()
            ]
            try:
                services.review_answer(actor=self.actor, assignment=a, answers=answers)
            except ValidationError as exc:
                for message in exc.messages:
                    self._issue(row, F_RESULT, "", MSG_ANSWER.format(message=message))
                continue
            self.outcome.answered += 1
            if row.found:
                self.outcome.found_people += 1

    def _names(self) -> list[str]:
        return list(
            services.ReviewDepartment.objects.filter(
                campaign_id=self.job.campaign_id, department=self.department
            ).values_list("name", flat=True)
        )


class LedgerImporter(Importer):
    """A department's 联审台账 for one campaign (the county's area). Small: run in the request."""

    kind = "review_ledger"
    label = "联审台账"
    job_model = ReviewLedgerImport
    schema = LEDGER_SCHEMA
    action = Action.ANSWER_REVIEW
    audit_action = "review.ledger_import"
    limits = Limits(max_rows=5_000)
    levels = (Region.Level.COUNTY,)
    needs_campaign = True
    background = False
    counts = (
        Count("answered", "将答复", "已答复", "success"),
        Count("found", "其中有情形", "其中有情形", "warning"),
    )
    job_url_name = "review:ledger_import_job"

    def new_outcome(self) -> LedgerOutcome:
        return LedgerOutcome()

    def new_job(
        self,
        *,
        actor: User,
        scope: Region,
        filename: str,
        campaign: Any = None,
        fields: Mapping[str, Any] | None = None,
    ) -> UploadJob:
        job = super().new_job(
            actor=actor, scope=scope, filename=filename, campaign=campaign, fields=fields
        )
        assert isinstance(job, ReviewLedgerImport)
        job.department = services.department_of(actor)
        return job

    def authorize(self, actor: User, job: UploadJob) -> str | None:
        refusal = super().authorize(actor, job)
        if refusal:
            return refusal
        assert isinstance(job, ReviewLedgerImport)
        if not job.department or job.department != services.department_of(actor):
            return MSG_NOT_REVIEWER
        return None

    def prepare(
        self, job: UploadJob, header: Header, outcome: FileOutcome, progress: Progress
    ) -> LedgerLoad:
        assert isinstance(job, ReviewLedgerImport) and isinstance(outcome, LedgerOutcome)
        return LedgerLoad(outcome, job=job, header=header)

    def fill(self, job: UploadJob, outcome: FileOutcome) -> None:
        assert isinstance(job, ReviewLedgerImport) and isinstance(outcome, LedgerOutcome)
        job.answered, job.found = outcome.answered, outcome.found_people

    def done_message(self, outcome: FileOutcome) -> str:
        assert isinstance(outcome, LedgerOutcome)
        return MSG_DONE.format(answered=outcome.answered, found=outcome.found_people)

    def upload_url(self, job: UploadJob) -> str:
        assert isinstance(job, ReviewLedgerImport)
        return reverse("review:ledger_upload", args=[job.campaign_id])


LEDGER = register(LedgerImporter())
