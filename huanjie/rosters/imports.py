"""The roster file (干部名册导入): a county's or a town's roster of one term, through the one
upload pipeline (``uploads.importers``): previewed, then run all or nothing; the file adds one
"roster.import" event (and "people.bulk_create" for the people it adds to the people records).

The job carries the term's number and reference date (the campaign's completion date: every age
is counted at it). The term is found or made by ``rosters.services.terms``; a file giving another
reference date for a term that exists is refused as a whole.

**The file is the complete roster of its scope for the term.** On confirming, every imported row
of that term in the job's villages (the county's, or the town's) is replaced by the file's rows:
an earlier import of the same scope is superseded, never added to. Villages whose roster of the
term came from certified results or by-elections keep it: rows naming them are refused. A term
is imported once per village, by the county or by its town, whichever is the later file.

Row checks (``rosters.import_rows``) and then the writer's: the village is a village-level unit
of the scope (the code wins; a name given with it must agree; a name alone must be unique; a
village outside the scope answers like one that does not exist); the same person on the same
body of a village twice, or two heads of one body, is an error; the same person in two villages
is flagged (跨村任职 happens) and imported. The person is found by the keyed hash of the ID
number (a known number under another name is refused) or added to the people records, registered
in the row's village, in one batch (``people_bulk_create``) after the file has passed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils import timezone

from huanjie.accounts.models import User
from huanjie.accounts.permissions import Action
from huanjie.elections.models import Post
from huanjie.lib import names
from huanjie.lib.bulk import in_chunks
from huanjie.lib.dates import cn_date
from huanjie.lib.sheets import FileOutcome, Header, Issue, clean_label
from huanjie.lib.workbooks import ImportRefused, Limits
from huanjie.people.locks import people_lock
from huanjie.people.models import Person
from huanjie.people.services import PersonIn, people_bulk_create
from huanjie.regions.models import Region
from huanjie.rosters.import_rows import (
    F_BODY,
    F_ID,
    F_NAME,
    F_POST,
    F_VILLAGE_CODE,
    F_VILLAGE_NAME,
    ROSTER_SCHEMA,
    SINGLE_POSTS,
    RosterRow,
    read_roster_row,
)
from huanjie.rosters.models import Cadre, Recall, RosterBody, RosterImport, Source, Term
from huanjie.rosters.services.terms import MSG_OTHER_DATE, county_of, term_get_or_create
from huanjie.rosters.summary import summary_refresh
from huanjie.rules.voters import age_on
from huanjie.uploads.exports import template_xlsx
from huanjie.uploads.importers import Count, Importer, JobField, Load, Progress, register
from huanjie.uploads.models import UploadJob
from huanjie.uploads.services import upload_confirm, upload_preview

MAX_ROWS: Final = 20_000
MOST_TERM: Final = 99

MSG_NO_VILLAGE_COLUMN: Final = "缺少“村代码”或“村名”列，请至少保留其中一列"
MSG_NO_VILLAGES: Final = "{area}没有村(社区)，不能导入干部名册"
MSG_TERM: Final = f"届次须为1至{MOST_TERM}之间的整数"
MSG_REFERENCE_DATE: Final = "基准日期须为不晚于今天的日期（本届换届的完成日期）"
MSG_VILLAGE_UNKNOWN: Final = "“{value}”不是{area}的村(社区)，请填写12位村(社区)代码或村名"
MSG_VILLAGE_AMBIGUOUS: Final = "“{value}”对应{area}的多个村(社区)，请填写12位村(社区)代码"
MSG_VILLAGE_NAME_DIFFERS: Final = "村名“{name}”与村代码{code}（{village}）不符，请核对"
MSG_COMMITTEE_KIND: Final = (
    "{village}是{kind}，其{body}应填“{right}”；区划类别有误的，请先更正村(社区)类别"
)
MSG_FROM_RESULTS: Final = (
    "{village}第{number}届的干部名册已由选举结果（或补选）产生，不能再导入；"
    "任期内的变动请在干部名册中办理"
)
MSG_RECALLED: Final = (
    "{village}第{number}届已导入的干部中有人被提出罢免，不能整体替换，请联系县级处理"
)
MSG_SAME_BODY: Final = (
    "与第{row}行是同一人在{village}{body}的任职，同一人在一个组织只能填写一个职务"
)
MSG_SECOND_HEAD: Final = "与第{row}行都是{village}{body}的{post}，一个组织只能有一名{post}"
MSG_SAME_ID_OTHER_NAME: Final = "与第{row}行身份证号相同而姓名不同，请核对"
MSG_TWO_VILLAGES: Final = (
    "与第{row}行是同一人，分别在{first}和{village}任职（跨村任职），已导入，请核实"
)
MSG_NAME_DIFFERS: Final = "姓名与人员库中该身份证号的姓名“{name}”不符，本行不予导入，请核对"
MSG_NAME_DIFFERS_ELSEWHERE: Final = "姓名与人员库中该身份证号登记的姓名不符，本行不予导入，请核对"
MSG_DONE: Final = (
    "已导入第{number}届干部名册：任职记录 {added} 条，替换原有导入记录 {replaced} 条，"
    "人员库新增 {created} 人"
)
REPLACED_NOTE: Final = "被干部名册导入（任务{job}）替换"

_COMMITTEE_OF_KIND: Final[dict[str, str]] = {
    Region.Kind.VILLAGE.value: RosterBody.VILLAGERS.value,
    Region.Kind.COMMUNITY.value: RosterBody.RESIDENTS.value,
}


def scope_villages(area: Region) -> list[Region]:
    """The village-level units of a county or a town, in code order."""
    return list(
        Region.objects.filter(level=Region.Level.VILLAGE, code__startswith=area.code).order_by(
            "code"
        )
    )


def _village_index(villages: Iterable[Region]) -> dict[str, list[Region]]:
    index: dict[str, list[Region]] = {}
    for v in villages:
        for text in {v.name, v.short_name, v.full_label}:
            if text:
                index.setdefault(clean_label(text), []).append(v)
    return index


@dataclass
class RosterOutcome(FileOutcome):
    added: int = 0
    replaced: int = 0
    created: int = 0
    term_number: int = 0


class RosterLoad(Load):
    """Checks every row, then the file as a whole (villages, people, duplicates), then writes
    it in a few statements: a county's roster is a few thousand rows."""

    outcome: RosterOutcome

    def __init__(self, outcome: RosterOutcome, *, job: RosterImport, header: Header) -> None:
        super().__init__(outcome)
        self.job, self.columns = job, header.columns
        self.actor, self.area = job.created_by, job.region
        villages = scope_villages(job.region)
        self.by_code = {v.code: v for v in villages}
        self.by_name = _village_index(villages)
        self.county = county_of(job.region_id)

    def check(self, number: int, cells: list[Any]) -> RosterRow | None:
        row, found = read_roster_row(number, cells, self.columns)
        self.outcome.issues.extend(found)
        return row

    def _issue(self, row: RosterRow, field: str, message: str, level: str = "error") -> None:
        shown = {
            F_VILLAGE_CODE: row.village_code,
            F_VILLAGE_NAME: row.village_name[:30],
            F_NAME: row.name,
            F_BODY: RosterBody(row.body).label,
            F_POST: Post(row.post).label,
        }.get(field, row.masked)
        self.outcome.issues.append(Issue(row.row, field, shown, message, level))

    # --- the file as a whole --------------------------------------------------------------

    def _village(self, row: RosterRow) -> Region | None:
        area = self.area.display_name
        if row.village_code:
            village = self.by_code.get(row.village_code)
            if village is None:
                message = MSG_VILLAGE_UNKNOWN.format(value=row.village_code, area=area)
                self._issue(row, F_VILLAGE_CODE, message)
                return None
            if row.village_name and village not in self.by_name.get(
                clean_label(row.village_name), []
            ):
                message = MSG_VILLAGE_NAME_DIFFERS.format(
                    name=row.village_name, code=village.code, village=village.display_name
                )
                self._issue(row, F_VILLAGE_NAME, message)
                return None
            return village
        found = self.by_name.get(clean_label(row.village_name), [])
        if len(found) != 1:
            message = MSG_VILLAGE_AMBIGUOUS if found else MSG_VILLAGE_UNKNOWN
            self._issue(row, F_VILLAGE_NAME, message.format(value=row.village_name, area=area))
            return None
        return found[0]

    def _committee_fits(self, row: RosterRow, village: Region) -> bool:
        """A village elects a 村民委员会, a community a 居民委员会 (Region.kind)."""
        if row.body not in (RosterBody.VILLAGERS, RosterBody.RESIDENTS):
            return True
        right = _COMMITTEE_OF_KIND.get(village.kind, row.body)
        if right == row.body:
            return True
        message = MSG_COMMITTEE_KIND.format(
            village=village.display_name,
            kind=Region.Kind(village.kind).label,
            body=F_BODY,
            right=RosterBody(right).label,
        )
        self._issue(row, F_BODY, message)
        return False

    def _placed(self, rows: list[RosterRow]) -> list[tuple[RosterRow, Region]]:
        """Each row with its village; the file's own duplicates refused or flagged."""
        placed: list[tuple[RosterRow, Region]] = []
        same_body: dict[tuple[str, str, str], int] = {}
        heads: dict[tuple[str, str, str], int] = {}
        names_of: dict[str, tuple[int, str]] = {}
        village_of: dict[str, tuple[int, Region]] = {}
        for row in rows:
            village = self._village(row)
            if village is None or not self._committee_fits(row, village):
                continue
            body = RosterBody(row.body).label
            key = (village.code, row.body, row.id_hash)
            if same_body.setdefault(key, row.row) != row.row:
                message = MSG_SAME_BODY.format(
                    row=same_body[key], village=village.display_name, body=body
                )
                self._issue(row, F_ID, message)
                continue
            if row.post in SINGLE_POSTS:
                head = (village.code, row.body, row.post)
                if heads.setdefault(head, row.row) != row.row:
                    message = MSG_SECOND_HEAD.format(
                        row=heads[head],
                        village=village.display_name,
                        body=body,
                        post=Post(row.post).label,
                    )
                    self._issue(row, F_POST, message)
                    continue
            first_name = names_of.setdefault(row.id_hash, (row.row, row.name))
            if first_name[1] != row.name:
                self._issue(row, F_NAME, MSG_SAME_ID_OTHER_NAME.format(row=first_name[0]))
                continue
            first = village_of.setdefault(row.id_hash, (row.row, village))
            if first[1] != village:
                message = MSG_TWO_VILLAGES.format(
                    row=first[0], first=first[1].display_name, village=village.display_name
                )
                self._issue(row, F_ID, message, "doubtful")
            placed.append((row, village))
        return placed

    def _refuse_fixed_villages(
        self, placed: list[tuple[RosterRow, Region]], term: Term | None
    ) -> list[tuple[RosterRow, Region]]:
        """Rows of villages whose roster of the term came from results or by-elections, or
        whose imported rows carry a recall, are refused."""
        if term is None:
            return placed
        in_area = Cadre.objects.filter(term=term, village__code__startswith=self.area.code)
        fixed = set(
            in_area.exclude(source=Source.IMPORT).values_list("village_id", flat=True).distinct()
        )
        recalled = set(
            Recall.objects.filter(
                cadre__term=term,
                cadre__source=Source.IMPORT,
                cadre__village__code__startswith=self.area.code,
            ).values_list("cadre__village_id", flat=True)
        )
        kept = []
        for row, village in placed:
            if village.code in fixed or village.code in recalled:
                message = MSG_FROM_RESULTS if village.code in fixed else MSG_RECALLED
                field = F_VILLAGE_CODE if row.village_code else F_VILLAGE_NAME
                text = message.format(village=village.display_name, number=term.number)
                self._issue(row, field, text)
            else:
                kept.append((row, village))
        return kept

    def _people(self, placed: list[tuple[RosterRow, Region]]) -> dict[str, Person]:
        """The known people of the file by keyed hash; a known number under another name is
        refused (the recorded name shown only for a person of the area)."""
        known = {
            p.id_hash: p
            for p in in_chunks(
                Person.objects.only("id", "id_hash", "name", "region_id"),
                "id_hash",
                (row.id_hash for row, _ in placed),
            )
        }
        for row, _ in placed:
            person = known.get(row.id_hash)
            if person is None or names.normalize_name(person.name) == row.name:
                continue
            if person.region_id.startswith(self.area.code):
                self._issue(row, F_NAME, MSG_NAME_DIFFERS.format(name=person.name))
            else:
                self._issue(row, F_NAME, MSG_NAME_DIFFERS_ELSEWHERE)
        return known

    # --- the write ------------------------------------------------------------------------

    def write(self, rows: Iterable[RosterRow]) -> None:
        # Before the people are read: a roll import creating one of them commits first and is
        # found (SECURITY.md V3); taken before the first audit event of the run.
        people_lock(exclusive=True)
        job = self.job
        existing = Term.objects.filter(county=self.county, number=job.term_number).first()
        placed = self._refuse_fixed_villages(self._placed(list(rows)), existing)
        known = self._people(placed)
        if self.outcome.errors:
            return
        try:
            term = term_get_or_create(
                actor=self.actor,
                county=self.county,
                number=job.term_number,
                reference_date=job.reference_date,
            )
        except ValidationError as exc:
            raise ImportRefused("；".join(exc.messages)) from None
        people = self._add_people(placed, known)
        # The statistics report's summaries of every village the file empties or fills.
        villages = {village.code for _, village in placed} | set(
            Cadre.objects.filter(term=term, village__code__startswith=self.area.code)
            .values_list("village_id", flat=True)
            .distinct()
        )
        self.outcome.replaced = self._replace(term)
        self._add_cadres(term, placed, people)
        summary_refresh(term=term, village_codes=villages)

    def _add_people(
        self, placed: list[tuple[RosterRow, Region]], known: dict[str, Person]
    ) -> dict[str, Person]:
        new: dict[str, PersonIn] = {}
        for row, village in placed:
            if row.id_hash not in known and row.id_hash not in new:
                new[row.id_hash] = PersonIn(
                    id_number=row.id_number,
                    name=row.name,
                    sex=row.sex,
                    birth_date=row.birth_date,
                    ethnicity=row.ethnicity or "01",
                    region_code=village.code,
                )
        if new:
            self.outcome.created = people_bulk_create(
                actor=self.actor, people=new.values(), source="roster.import"
            )
            known = known | {
                p.id_hash: p
                for p in in_chunks(Person.objects.only("id", "id_hash"), "id_hash", new)
            }
        return known

    def _replace(self, term: Term) -> int:
        """Delete the term's imported rows of the area: the file is its complete roster."""
        old = Cadre.objects.filter(
            term=term, source=Source.IMPORT, village__code__startswith=self.area.code
        )
        count = old.count()
        if count:
            old.delete()
        return count

    def _add_cadres(
        self, term: Term, placed: list[tuple[RosterRow, Region]], people: dict[str, Person]
    ) -> None:
        reference = term.reference_date
        cadres = [
            Cadre(
                village_id=village.code,
                body=row.body,
                term=term,
                term_number=term.number,
                campaign_id=term.campaign_id,
                post=row.post,
                person_id=people[row.id_hash].pk,
                name=row.name,
                sex=row.sex,
                birth_date=row.birth_date,
                age=age_on(row.birth_date, reference),
                ethnicity=row.ethnicity,
                education=row.education,
                political_status=row.political_status,
                source=Source.IMPORT,
                roster_import_id=self.job.pk,
                started_on=reference,
                **dict.fromkeys(row.tags, True),
            )
            for row, village in placed
        ]
        Cadre.objects.bulk_create(cadres, batch_size=1000)
        self.outcome.added = len(cadres)
        self.outcome.term_number = term.number


def _parse_term(text: str) -> int:
    return int(text)


def _parse_date(text: str) -> date:
    return date.fromisoformat(text)


class RosterImporter(Importer):
    """A roster file (村代码, 村名, 姓名, 公民身份号码, 性别, 民族, 文化程度, 政治面貌, 组织, 职务,
    身份标签) of one term for a county or a town. Run in the request that confirms it: a
    county's file of a few thousand rows takes a few seconds."""

    kind = "roster"
    label = "干部名册"
    job_model = RosterImport
    schema = ROSTER_SCHEMA
    action = Action.MANAGE_ROSTER
    audit_action = "roster.import"
    limits = Limits(max_rows=MAX_ROWS)
    levels = (Region.Level.COUNTY, Region.Level.TOWN)
    job_fields = (
        JobField("term_number", "--term", "届次（如 11）", _parse_term),
        JobField("reference_date", "--reference-date", "基准日期（YYYY-MM-DD）", _parse_date),
    )
    background = False
    counts = (
        Count("added", "将导入任职记录", "导入任职记录", "success"),
        Count("replaced", "将替换原有导入记录", "替换原有导入记录", "warning"),
    )
    job_url_name = "rosters:import_job"
    confirm_note = "全部导入或全部不导入；本范围内该届原有的导入记录将被本文件替换。"

    def new_outcome(self) -> RosterOutcome:
        return RosterOutcome()

    def authorize(self, actor: User, job: UploadJob) -> str | None:
        refusal = super().authorize(actor, job)
        if refusal:
            return refusal
        assert isinstance(job, RosterImport)
        number = job.term_number
        if isinstance(number, bool) or not isinstance(number, int) or not 0 < number <= MOST_TERM:
            return MSG_TERM
        day = job.reference_date
        if not isinstance(day, date) or day > timezone.localdate():
            return MSG_REFERENCE_DATE
        return None

    def prepare(
        self, job: UploadJob, header: Header, outcome: FileOutcome, progress: Progress
    ) -> RosterLoad:
        assert isinstance(job, RosterImport) and isinstance(outcome, RosterOutcome)
        if "village_code" not in header.columns and "village_name" not in header.columns:
            raise ImportRefused(MSG_NO_VILLAGE_COLUMN)
        if not scope_villages(job.region):
            raise ImportRefused(MSG_NO_VILLAGES.format(area=job.region.display_name))
        county = county_of(job.region_id)
        term = Term.objects.filter(county=county, number=job.term_number).first()
        if term is not None and term.reference_date != job.reference_date:
            raise ImportRefused(
                MSG_OTHER_DATE.format(
                    county=county.display_name,
                    number=term.number,
                    day=cn_date(term.reference_date),
                    given=cn_date(job.reference_date),
                )
            )
        return RosterLoad(outcome, job=job, header=header)

    def fill(self, job: UploadJob, outcome: FileOutcome) -> None:
        assert isinstance(job, RosterImport) and isinstance(outcome, RosterOutcome)
        job.added, job.replaced = outcome.added, outcome.replaced

    def done_message(self, outcome: FileOutcome) -> str:
        assert isinstance(outcome, RosterOutcome)
        return MSG_DONE.format(
            number=outcome.term_number,
            added=outcome.added,
            replaced=outcome.replaced,
            created=outcome.created,
        )

    def audit_changes(self, job: UploadJob, outcome: FileOutcome) -> dict[str, Any]:
        assert isinstance(job, RosterImport) and isinstance(outcome, RosterOutcome)
        changes = super().audit_changes(job, outcome)
        changes["term_number"] = job.term_number
        changes["reference_date"] = job.reference_date.isoformat()
        changes["people_created"] = outcome.created
        return changes

    def upload_url(self, job: UploadJob) -> str:
        return reverse("rosters:import_upload", args=[job.region_id])


ROSTERS = register(RosterImporter())


def roster_template(area: Region) -> bytes:
    """The roster file's template of an area: its villages' names and the fixed choices as
    drop-downs, the ID and code columns as text."""
    return template_xlsx(
        ROSTER_SCHEMA,
        sheet_name="干部名册",
        title=(
            f"{area.display_name}村(社区)干部名册（第1、2行为说明和表头，从第3行起每个职务一行："
            "一人兼任几个职务的填几行；身份标签多个用“；”分隔）"
        ),
        rows=ROSTERS.limits.max_rows,
        choices={"village_name": [v.display_name for v in scope_villages(area)]},
    )


def roster_import_preview(
    *,
    actor: User,
    area: Region,
    upload: UploadedFile | Path,
    term_number: int,
    reference_date: date,
    limits: Limits | None = None,
) -> RosterImport:
    """Store a roster file of `area` (a county or a town) for term `term_number` and dry-run
    it: the job comes back "preview" or "rejected"; nothing is written but the job.
    ValidationError when the user may not import into `area`."""
    job = upload_preview(
        importer=ROSTERS,
        actor=actor,
        scope=area,
        upload=upload,
        limits=limits,
        fields={"term_number": term_number, "reference_date": reference_date},
    )
    assert isinstance(job, RosterImport)
    return job


def roster_import_confirm(
    *, actor: User, job: RosterImport, limits: Limits | None = None
) -> RosterImport:
    """Run a previewed roster file for real, in the call: all or nothing; the file is deleted
    either way."""
    done = upload_confirm(importer=ROSTERS, actor=actor, job=job, limits=limits, wait=True)
    assert isinstance(done, RosterImport)
    return done


__all__ = ["ROSTERS", "RosterImport", "roster_template"]
