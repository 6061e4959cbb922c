"""The nominee file (提名人选导入): a county's, a town's or a village's nominations for one
campaign, through the one upload pipeline (``uploads.importers``): previewed, then run all or
nothing, each row through ``nomination.services.nominee_propose`` with its audit event; the file
adds one "nominee.import" event.

A row names the village (its name or 12-digit code, within the job's area), the body (村党组织,
村民委员会 ...), the post, the person (姓名 and 公民身份号码) and how they were nominated. The
row check: the village and its election of that body exist in the campaign; the post is one of
the election's; the person is on the village's roll (its voter roll in the campaign, or its Party
branch's members), found by the keyed hash of the ID number, and the name matches; the way of
nomination is one the election's method takes; and the person may stand
(``person_may_stand``: a cannot-stand finding anywhere in the campaign keeps them off). A
village outside the area answers like one that does not exist; a person of another village
like an unknown number. Problems name the row and the column; an ID number is always masked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.urls import reverse

from huanjie.accounts.permissions import Action
from huanjie.elections.models import Body, Campaign, CampaignVillage, Election, Post
from huanjie.lib import idcard, names
from huanjie.lib.crypto import lookup_hash
from huanjie.lib.sheets import (
    ID_COLUMN,
    NAME_COLUMN,
    Column,
    FileOutcome,
    Header,
    Issue,
    RowReader,
    Schema,
    cell_text,
    clean_label,
)
from huanjie.lib.workbooks import ImportRefused, Limits
from huanjie.nomination import services
from huanjie.nomination.models import HowNominated, Nominee, NomineeImport
from huanjie.nomination.selectors_nominees import village_people
from huanjie.regions.models import Region
from huanjie.uploads.exports import template_xlsx
from huanjie.uploads.importers import Count, Importer, Load, Progress, register
from huanjie.uploads.models import UploadJob

MAX_ROWS: Final = 5_000

F_VILLAGE, F_BODY, F_POST, F_NAME, F_ID, F_HOW = (
    "村(社区)",
    "选举",
    "职位",
    "姓名",
    "公民身份号码",
    "提名方式",
)

MSG_EMPTY = "{label}为空"
MSG_CHOICE = "{label}“{value}”无法识别，应填{choices}之一"
MSG_VILLAGE_UNKNOWN = "“{value}”不是{area}纳入本次换届的村(社区)，请填写村(社区)名称或12位代码"
MSG_VILLAGE_AMBIGUOUS = "“{value}”对应{area}的多个村(社区)，请填写12位村(社区)代码"
MSG_NO_ELECTION = "{village}本次换届尚未设置{body}选举"
MSG_NO_POST = "{village}{body}选举未设{post}职位"
MSG_NOT_ON_ROLL = "该身份证号不在{village}本次换届的选民名单或本村党组织的党员中"
MSG_NAME_DIFFERS = "姓名与该身份证号登记的姓名“{name}”不符，请核对"
MSG_SAME_ROW = "与第{row}行是同一选举的同一人，同一人在一次选举中只能提名一次"
MSG_DONE = "已导入：新增提名人选 {added} 人"

_BODIES: Final = {clean_label(label): value for value, label in Body.choices} | {
    clean_label(w): v
    for w, v in (
        ("党组织", Body.PARTY),
        ("党支部", Body.PARTY),
        ("村党支部", Body.PARTY),
        ("村党组织委员会", Body.PARTY),
        ("村委会", Body.VILLAGERS),
        ("居委会", Body.RESIDENTS),
        ("村务监督委员会", Body.SUPERVISION),
        ("监委会", Body.SUPERVISION),
        ("经济合作社", Body.COOPERATIVE),
        ("股份经济合作社", Body.COOPERATIVE),
    )
}
_POSTS: Final = {clean_label(label): value for value, label in Post.choices}
_HOWS: Final = {clean_label(label): value for value, label in HowNominated.choices} | {
    clean_label(w): v
    for w, v in (
        ("自荐", HowNominated.SELF),
        ("本人自荐", HowNominated.SELF),
        ("选民联名", HowNominated.VOTERS_JOINTLY),
        ("党组织提名", HowNominated.PARTY_ORGANISATION),
        ("党员群众联名", HowNominated.MEMBERS_AND_MASSES),
        ("组织推荐", HowNominated.ORGANISATION),
    )
}

NOMINEE_SCHEMA: Final = Schema(
    (
        Column(
            "village",
            F_VILLAGE,
            ("村", "社区", "村(社区)名称", "村(社区)代码", "所在村"),
            required=True,
            width=24,
            note="村(社区)名称或12位代码",
        ),
        Column(
            "body",
            F_BODY,
            ("选举的组织", "组织"),
            required=True,
            choices=tuple(Body.labels),
            width=16,
            note="从下拉列表选择",
        ),
        Column(
            "post",
            F_POST,
            ("提名职位", "拟任职位"),
            required=True,
            choices=tuple(Post.labels),
            width=12,
            note="从下拉列表选择",
        ),
        replace(NAME_COLUMN, synonyms=("名字", "被提名人", "被提名人姓名")),
        ID_COLUMN,
        Column(
            "how",
            F_HOW,
            ("提名方式", "如何提名", "推荐方式"),
            required=True,
            choices=tuple(HowNominated.labels),
            width=18,
            note="从下拉列表选择；须是该选举的提名方式允许的",
        ),
    )
)


@dataclass(frozen=True, slots=True)
class NomineeRow:
    row: int
    village: str
    body: str
    post: str
    name: str
    id_hash: str
    masked: str
    how: str


def _choice(cell: RowReader, key: str, table: dict[str, str], labels: list[str]) -> str | None:
    text = cell_text(cell.get(key))
    label = NOMINEE_SCHEMA.label(key)
    if not text:
        cell.problem(key, "", MSG_EMPTY.format(label=label))
        return None
    value = table.get(clean_label(text))
    if value is None:
        choices = "、".join(f"“{x}”" for x in labels)
        cell.problem(
            key, text[:20], MSG_CHOICE.format(label=label, value=text[:20], choices=choices)
        )
    return value


def read_nominee_row(
    number: int, cells: list[Any], columns: dict[str, int]
) -> tuple[NomineeRow | None, list[Issue]]:
    """(NomineeRow or None, issues) for one data row: the row's own checks only (the village,
    the election, the roll and who may stand are the writer's)."""
    cell = RowReader(NOMINEE_SCHEMA, columns, number, cells)
    village = cell.text("village", 100)
    if not village:
        cell.problem("village", "", MSG_EMPTY.format(label=F_VILLAGE))
    body = _choice(cell, "body", _BODIES, list(Body.labels))
    post = _choice(cell, "post", _POSTS, list(Post.labels))
    name = cell.name()
    checked = cell.id_number()
    how = _choice(cell, "how", _HOWS, list(HowNominated.labels))
    if cell.issues or body is None or post is None or how is None:
        return None, cell.issues
    normalized = checked.normalized
    row = NomineeRow(
        number, village, body, post, name, lookup_hash(normalized), idcard.mask(normalized), how
    )
    return row, cell.issues


@dataclass
class NomineeOutcome(FileOutcome):
    added: int = 0


def area_villages(campaign: Campaign, area: Region) -> list[CampaignVillage]:
    return list(
        CampaignVillage.objects.filter(
            campaign=campaign, included=True, region__code__startswith=area.code
        )
        .select_related("region", "campaign")
        .order_by("region_id")
    )


def _village_index(entries: Iterable[CampaignVillage]) -> dict[str, list[CampaignVillage]]:
    index: dict[str, list[CampaignVillage]] = {}
    for e in entries:
        r = e.region
        for text in {r.code, r.name, r.short_name, r.full_label}:
            if text:
                index.setdefault(clean_label(text), []).append(e)
    return index


class NomineeLoad(Load):
    outcome: NomineeOutcome

    def __init__(self, outcome: NomineeOutcome, *, job: NomineeImport, header: Header) -> None:
        super().__init__(outcome)
        self.job, self.columns = job, header.columns
        self.actor, self.area = job.created_by, job.region
        self.villages = _village_index(area_villages(job.campaign, job.region))

    def check(self, number: int, cells: list[Any]) -> NomineeRow | None:
        row, found = read_nominee_row(number, cells, self.columns)
        self.outcome.issues.extend(found)
        return row

    def _issue(self, row: NomineeRow, field: str, message: str) -> None:
        shown = {
            F_VILLAGE: row.village[:30],
            F_BODY: Body(row.body).label,
            F_POST: Post(row.post).label,
            F_NAME: row.name,
            F_HOW: HowNominated(row.how).label,
        }.get(field, row.masked)
        self.outcome.issues.append(Issue(row.row, field, shown, message))

    def _election(self, row: NomineeRow) -> Election | None:
        found = self.villages.get(clean_label(row.village), [])
        if len(found) != 1:
            message = MSG_VILLAGE_AMBIGUOUS if found else MSG_VILLAGE_UNKNOWN
            self._issue(
                row, F_VILLAGE, message.format(value=row.village, area=self.area.display_name)
            )
            return None
        entry = found[0]
        election = (
            Election.objects.filter(village=entry, body=row.body)
            .select_related("village", "village__region", "village__campaign")
            .first()
        )
        if election is None:
            village = entry.region.display_name
            self._issue(
                row, F_BODY, MSG_NO_ELECTION.format(village=village, body=Body(row.body).label)
            )
        return election

    def write(self, rows: Iterable[NomineeRow]) -> None:
        first: dict[tuple[str, str, str], int] = {}
        for row in rows:
            key = (clean_label(row.village), row.body, row.id_hash)
            if first.setdefault(key, row.row) != row.row:
                self._issue(row, F_ID, MSG_SAME_ROW.format(row=first[key]))
                continue
            election = self._election(row)
            if election is not None:
                self._propose(row, election)

    def _propose(self, row: NomineeRow, election: Election) -> None:
        entry = election.village
        village = entry.region.display_name
        post = election.posts.filter(post=row.post).first()
        if post is None:
            body = election.get_body_display()
            self._issue(
                row,
                F_POST,
                MSG_NO_POST.format(village=village, body=body, post=Post(row.post).label),
            )
            return
        # The person on the village's roll, by the keyed hash; anyone else is unknown here.
        person = village_people(entry).filter(id_hash=row.id_hash).first()
        if person is None:
            self._issue(row, F_ID, MSG_NOT_ON_ROLL.format(village=village))
            return
        if names.normalize_name(person.name) != row.name:
            self._issue(row, F_NAME, MSG_NAME_DIFFERS.format(name=person.name))
            return
        if row.how not in services.HOW_BY_METHOD[election.nomination_method]:
            message = services.MSG_HOW_FOR_METHOD.format(
                method=election.get_nomination_method_display(), how=HowNominated(row.how).label
            )
            self._issue(row, F_HOW, message)
            return
        problems = services.person_may_stand(election, person)
        for problem in problems:
            self._issue(row, F_ID, problem)
        if problems:
            return
        try:
            services.nominee_propose(
                actor=self.actor, election=election, post=post, person=person, how_nominated=row.how
            )
        except ValidationError as exc:
            for message in exc.messages:
                self._issue(row, F_ID, message)
            return
        self.outcome.added += 1


class NomineeImporter(Importer):
    """A nominee file (村(社区), 选举, 职位, 姓名, 公民身份号码, 提名方式) for a county, a town or
    a village in one campaign. Small: run in the request that confirms it."""

    kind = "nominees"
    label = "提名人选"
    job_model = NomineeImport
    schema = NOMINEE_SCHEMA
    action = Action.MANAGE_NOMINATION
    audit_action = "nominee.import"
    limits = Limits(max_rows=MAX_ROWS)
    levels = (Region.Level.COUNTY, Region.Level.TOWN, Region.Level.VILLAGE)
    needs_campaign = True
    background = False
    counts = (Count("added", "将新增提名人选", "新增提名人选", "success"),)
    job_url_name = "nomination:import_job"

    def new_outcome(self) -> NomineeOutcome:
        return NomineeOutcome()

    def prepare(
        self, job: UploadJob, header: Header, outcome: FileOutcome, progress: Progress
    ) -> NomineeLoad:
        assert isinstance(job, NomineeImport) and isinstance(outcome, NomineeOutcome)
        if not Election.objects.filter(
            village__campaign=job.campaign, village__region__code__startswith=job.region_id
        ).exists():
            raise ImportRefused(
                f"{job.region.display_name}在本次换届中还没有设置选举，请先设置选举"
            )
        return NomineeLoad(outcome, job=job, header=header)

    def fill(self, job: UploadJob, outcome: FileOutcome) -> None:
        assert isinstance(job, NomineeImport) and isinstance(outcome, NomineeOutcome)
        job.added = outcome.added

    def done_message(self, outcome: FileOutcome) -> str:
        assert isinstance(outcome, NomineeOutcome)
        return MSG_DONE.format(added=outcome.added)

    def upload_url(self, job: UploadJob) -> str:
        assert isinstance(job, NomineeImport)
        return reverse("nomination:import_upload", args=[job.campaign_id, job.region_id])


NOMINEES = register(NomineeImporter())


def nominee_template(campaign: Campaign, area: Region) -> bytes:
    """The nominee file's template of an area: the area's villages and the fixed choices as
    drop-downs, the ID column as text."""
    return template_xlsx(
        NOMINEE_SCHEMA,
        sheet_name="提名人选",
        title=(
            f"{area.display_name}提名人选（第1、2行为说明和表头，从第3行起每人一行；"
            "选举、职位、提名方式从下拉列表选择）"
        ),
        rows=NOMINEES.limits.max_rows,
        choices={"village": [e.region.display_name for e in area_villages(campaign, area)]},
    )


__all__ = ["NOMINEES", "Nominee", "NomineeImport", "nominee_template"]
