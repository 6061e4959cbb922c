"""The 党员名册 file (党员名册导入): a town's or the county's Party members, branch by branch, for
one campaign, through the one upload pipeline (``uploads.importers``): previewed, then run all
or nothing, and a re-run of the same file changes nothing (a member with the same values is
"unchanged").

A row names its branch (the branch's name, or its village's name or 12-digit code), the member
(公民身份号码 and 姓名), his status (RULES.md P1), whether he is a 流动党员, and whether he
registered for this campaign's members' meeting (党员选举登记: a 流动党员 who did not is not
expected at it). Every write goes through ``party.services`` with its audit event; the file adds
one "party.roll_import" event.

What a blank or a missing column means: 入党日期 blank keeps the recorded date; a missing
是否流动党员 column keeps the recorded flag (a new member: not flowing); a missing
是否已登记参加选举 column leaves the registrations alone, a blank cell there is 否.

A branch outside the job's area answers exactly like one that does not exist, and a known ID
number under another name is refused: a member is never attached to the wrong person.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils import timezone

from huanjie.accounts.models import User
from huanjie.accounts.permissions import Action
from huanjie.elections.models import Campaign
from huanjie.lib import idcard, names
from huanjie.lib.bulk import in_chunks
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
    parse_date,
)
from huanjie.lib.workbooks import ImportRefused, Limits
from huanjie.party import services
from huanjie.party.models import (
    MemberRegistration,
    MemberStatus,
    PartyBranch,
    PartyMember,
    PartyRollImport,
)
from huanjie.people.models import Person
from huanjie.regions.models import Region
from huanjie.uploads.exports import template_xlsx
from huanjie.uploads.importers import Count, Importer, Load, Progress, register
from huanjie.uploads.models import UploadJob
from huanjie.uploads.services import upload_confirm, upload_preview

MAX_ROWS: Final = 20_000

F_BRANCH, F_NAME, F_ID = "党组织", "姓名", "公民身份号码"
F_STATUS, F_JOINED = "党员状态", "入党日期"
F_FLOWING, F_REGISTERED = "是否流动党员", "是否已登记参加选举"
YES, NO = "是", "否"

_STATUS_CHOICES: Final = "、".join(f"“{label}”" for label in MemberStatus.labels)
MSG_BRANCH_EMPTY = "党组织为空"
MSG_BRANCH_UNKNOWN = (
    "党组织“{value}”不是{area}已建立的村党组织，请填写党组织名称、村(社区)名称或12位村(社区)代码"
)
MSG_BRANCH_AMBIGUOUS = "“{value}”对应{area}的多个村党组织，请填写党组织全称或12位村(社区)代码"
MSG_STATUS_EMPTY = f"党员状态为空，应填{_STATUS_CHOICES}之一"
MSG_STATUS_BAD = f"党员状态“{{value}}”无法识别，应填{_STATUS_CHOICES}之一"
MSG_YES_NO_BAD = "{label}“{value}”无法识别，应填“是”或“否”"
MSG_DATE_BAD = "入党日期“{value}”无法识别，请写成 2001-07-01 或 2001年7月1日"
MSG_DATE_MONTH = "入党日期“{value}”只写到月，请写明年月日，如 2001-07-01"
MSG_SAME_PERSON = "与第{row}行是同一人（身份证号相同），同一人只能填写一次"
MSG_NAME_DIFFERS = "姓名与人员库中该身份证号的姓名“{name}”不符，本行不予导入，请核对"
MSG_NAME_DIFFERS_ELSEWHERE = "姓名与人员库中该身份证号登记的姓名不符，本行不予导入，请核对"
MSG_OTHER_BRANCH = (
    "该党员已是{branch}的党员，不能同时登记在两个党组织；组织关系已转接的，请先在原党组织处理"
)
MSG_OTHER_BRANCH_ELSEWHERE = (
    "该党员已是其他党组织的党员，不能同时登记在两个党组织；组织关系已转接的，请先在原党组织处理"
)
MSG_NO_BRANCHES = "{area}在本次换届中还没有建立村党组织，请先建立村党组织再导入党员名册"
MSG_DONE = "已导入：新增党员 {added} 人，更新 {updated} 人，未变化 {unchanged} 人"

_YES_NO_NOTE = "从下拉列表选择“是”或“否”；不填为“否”"
PARTY_SCHEMA: Final = Schema(
    (
        Column(
            "branch",
            F_BRANCH,
            (
                "党组织名称",
                "所在党组织",
                "党支部",
                "所在党支部",
                "支部",
                "村(社区)",
                "村(社区)名称",
                "村(社区)代码",
                "村",
                "社区",
                "所在村",
            ),
            required=True,
            width=28,
            note="从下拉列表选择；也可填村(社区)名称或12位村(社区)代码",
        ),
        replace(NAME_COLUMN, synonyms=("名字", "党员姓名")),
        ID_COLUMN,
        Column(
            "status",
            F_STATUS,
            ("状态", "党员类别", "党员身份"),
            required=True,
            choices=tuple(MemberStatus.labels),
            width=18,
            note="从下拉列表选择：正式党员、预备党员、留党察看、被依法留置、逮捕",
        ),
        Column(
            "joined_on",
            F_JOINED,
            ("入党时间",),
            width=14,
            note="写成 2001-07-01；不填则保留已有记录",
        ),
        Column(
            "flowing",
            F_FLOWING,
            ("流动党员", "是否为流动党员"),
            choices=(YES, NO),
            width=14,
            note=_YES_NO_NOTE,
        ),
        Column(
            "registered",
            F_REGISTERED,
            (
                "已登记参加选举",
                "是否登记参加选举",
                "党员选举登记",
                "是否已进行党员选举登记",
                "选举登记",
            ),
            choices=(YES, NO),
            width=18,
            note="本次换届党员大会的党员选举登记；未登记的流动党员不计入应到会人数。"
            + _YES_NO_NOTE,
        ),
    )
)


def _word(text: str) -> str:
    """A choice cell as compared: `clean_label` without the separators people vary."""
    return "".join(ch for ch in clean_label(text) if ch not in "、，,/／或及和")


_STATUSES: Final[dict[str, str]] = {
    _word(text): status
    for status, spellings in {
        MemberStatus.FULL: ("正式党员", "正式"),
        MemberStatus.PROBATIONARY: ("预备党员", "预备"),
        MemberStatus.PROBATION_DISCIPLINE: ("留党察看", "留党察看党员", "留党察看期间"),
        MemberStatus.SUSPENDED: (
            "被依法留置、逮捕",
            "依法留置、逮捕",
            "留置、逮捕",
            "被依法留置",
            "被依法逮捕",
            "被留置",
            "被逮捕",
            "留置",
            "逮捕",
        ),
    }.items()
    for text in spellings
}
_YES: Final = frozenset(
    _word(w) for w in ("是", "Y", "YES", "√", "✓", "✔", "1", "TRUE", "对", "有")
)
_NO: Final = frozenset(
    _word(w) for w in ("否", "N", "NO", "×", "✗", "✘", "0", "FALSE", "不是", "无", "")
)


# ---------------------------------------------------------------------------------------------
# The row check.


@dataclass(frozen=True, slots=True)
class MemberRow:
    row: int
    branch: str  # as written: resolved by the writer, within the job's area
    id_number: str  # normalised
    id_hash: str
    masked: str
    name: str
    status: str
    joined_on: date | None  # None: not given, the recorded date stays
    flowing: bool | None  # None: no such column
    registered: bool | None  # None: no such column


def _status(cell: RowReader) -> str | None:
    text = cell_text(cell.get("status"))
    if not text:
        cell.problem("status", "", MSG_STATUS_EMPTY)
        return None
    status = _STATUSES.get(_word(text))
    if status is None:
        cell.problem("status", text[:20], MSG_STATUS_BAD.format(value=text[:20]))
    return status


def _yes_no(cell: RowReader, key: str) -> bool | None:
    if key not in cell.columns:
        return None
    raw = cell.get(key)
    if isinstance(raw, bool):
        return raw
    text = cell_text(raw)
    word = _word(text)
    if word in _YES:
        return True
    if word not in _NO:
        label = PARTY_SCHEMA.label(key)
        cell.problem(key, text[:20], MSG_YES_NO_BAD.format(label=label, value=text[:20]))
    return False


def _joined_on(cell: RowReader, birth: date | None, today: date) -> date | None:
    raw = cell.get("joined_on")
    text = cell_text(raw)
    if not text:
        return None
    parsed = parse_date(raw)
    if isinstance(parsed, tuple):
        cell.problem("joined_on", text, MSG_DATE_MONTH.format(value=text))
        return None
    if parsed is None:
        cell.problem("joined_on", text[:20], MSG_DATE_BAD.format(value=text[:20]))
        return None
    problem = services.joined_on_problem(parsed, birth, today) if birth else None
    if problem:
        cell.problem("joined_on", parsed.isoformat(), problem)
    return parsed


def read_member_row(
    number: int, cells: list[Any], columns: dict[str, int], *, today: date
) -> tuple[MemberRow | None, list[Issue]]:
    """(MemberRow or None, issues) for one data row of a 党员名册: the row's own checks only
    (the branch, the person and the members on record are the writer's)."""
    cell = RowReader(PARTY_SCHEMA, columns, number, cells)
    branch = cell.text("branch", 100)
    if not branch:
        cell.problem("branch", "", MSG_BRANCH_EMPTY)
    checked = cell.id_number()
    name = cell.name()
    status = _status(cell)
    joined_on = _joined_on(cell, checked.birth_date, today)
    flowing = _yes_no(cell, "flowing")
    registered = _yes_no(cell, "registered")
    if cell.issues or status is None:
        return None, cell.issues
    normalized = checked.normalized
    row = MemberRow(
        number,
        branch,
        normalized,
        lookup_hash(normalized),
        idcard.mask(normalized),
        name,
        status,
        joined_on,
        flowing,
        registered,
    )
    return row, cell.issues


# ---------------------------------------------------------------------------------------------
# The branches a file may name.


def area_branches(campaign: Campaign, area: Region) -> list[PartyBranch]:
    """The branches of the campaign's villages in the area, by village code."""
    return list(
        PartyBranch.objects.filter(
            village__campaign_entries__campaign=campaign, village__code__startswith=area.code
        )
        .select_related("village", "village__parent")
        .order_by("village_id")
    )


def _branch_keys(branch: PartyBranch) -> set[str]:
    village = branch.village
    texts = {
        branch.name,
        f"{branch.name}({village.code})",
        village.code,
        village.name,
        village.short_name,
        village.full_label,
    }
    return {clean_label(t) for t in texts if t}


def branch_index(branches: Iterable[PartyBranch]) -> dict[str, list[PartyBranch]]:
    """What a 党组织 cell may say (compared as `clean_label`), to the branches it names: one,
    or several when two branches of the area share a name."""
    index: dict[str, list[PartyBranch]] = {}
    for branch in branches:
        for key in _branch_keys(branch):
            index.setdefault(key, []).append(branch)
    return index


def branch_choices(branches: list[PartyBranch]) -> list[str]:
    """The template's 党组织 drop-down: each branch's name, with its village code when the area
    has two branches of that name."""
    counts: dict[str, int] = {}
    for b in branches:
        counts[b.name] = counts.get(b.name, 0) + 1
    return [b.name if counts[b.name] == 1 else f"{b.name}({b.village_id})" for b in branches]


# ---------------------------------------------------------------------------------------------
# The writer.


@dataclass
class PartyOutcome(FileOutcome):
    """What a 党员名册 does (or would do)."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0


class PartyLoad(Load):
    """Every row through the party services, in file order: a county's roll is a few thousand
    members."""

    outcome: PartyOutcome

    def __init__(
        self,
        outcome: PartyOutcome,
        *,
        job: PartyRollImport,
        header: Header,
        branches: list[PartyBranch],
    ) -> None:
        super().__init__(outcome)
        self.job, self.columns = job, header.columns
        self.actor, self.campaign, self.area = job.created_by, job.campaign, job.region
        self.branches = branch_index(branches)
        self.today = timezone.localdate()

    def check(self, number: int, cells: list[Any]) -> MemberRow | None:
        row, found = read_member_row(number, cells, self.columns, today=self.today)
        self.outcome.issues.extend(found)
        return row

    def write(self, rows: Iterable[MemberRow]) -> None:
        rows = list(rows)
        people = {
            p.id_hash: p
            for p in in_chunks(Person.objects.all(), "id_hash", (r.id_hash for r in rows))
        }
        memberships: dict[int, list[PartyMember]] = {}
        members = PartyMember.objects.select_related("person", "branch__village")
        for m in in_chunks(members, "person_id", (p.pk for p in people.values())):
            memberships.setdefault(m.person_id, []).append(m)
        registrations = {
            r.member_id: r
            for r in in_chunks(
                MemberRegistration.objects.filter(campaign=self.campaign),
                "member_id",
                (m.pk for ms in memberships.values() for m in ms),
            )
        }
        first: dict[str, int] = {}
        for row in rows:
            if first.setdefault(row.id_hash, row.row) != row.row:
                self._issue(row, F_ID, MSG_SAME_PERSON.format(row=first[row.id_hash]))
                continue
            branch = self._branch(row)
            person = people.get(row.id_hash)
            if branch is None or not self._same_person(row, person):
                continue
            held = memberships.get(person.pk, []) if person else []
            member = next((m for m in held if m.branch_id == branch.pk), None)
            if member is None and held:
                self._issue(row, F_BRANCH, self._other_branch(held[0].branch))
            elif member is None:
                self._add(row, branch)
            else:
                self._update(row, member, registrations.get(member.pk))

    def _issue(self, row: MemberRow, field: str, message: str) -> None:
        yes_no = {True: YES, False: NO, None: ""}
        shown = {
            F_BRANCH: row.branch[:30],
            F_NAME: row.name,
            F_STATUS: MemberStatus(row.status).label,
            F_JOINED: row.joined_on.isoformat() if row.joined_on else "",
            F_REGISTERED: yes_no[row.registered],
        }.get(field, row.masked)
        self.outcome.issues.append(Issue(row.row, field, shown, message))

    def _branch(self, row: MemberRow) -> PartyBranch | None:
        """The branch the row names among the area's; one outside the area is unknown."""
        found = self.branches.get(clean_label(row.branch), [])
        if len(found) == 1:
            return found[0]
        message = MSG_BRANCH_AMBIGUOUS if found else MSG_BRANCH_UNKNOWN
        self._issue(row, F_BRANCH, message.format(value=row.branch, area=self.area.display_name))
        return None

    def _same_person(self, row: MemberRow, person: Person | None) -> bool:
        """A known ID number under another name is refused (never attached to the wrong person);
        the recorded name is shown only for a person of the area."""
        if person is None or names.normalize_name(person.name) == row.name:
            return True
        if person.region_id.startswith(self.area.code):
            self._issue(row, F_NAME, MSG_NAME_DIFFERS.format(name=person.name))
        else:
            self._issue(row, F_NAME, MSG_NAME_DIFFERS_ELSEWHERE)
        return False

    def _other_branch(self, branch: PartyBranch) -> str:
        if branch.village_id.startswith(self.area.code):
            return MSG_OTHER_BRANCH.format(branch=branch.name)
        return MSG_OTHER_BRANCH_ELSEWHERE

    def _refused(self, row: MemberRow, field: str, exc: ValidationError) -> None:
        for message in exc.messages:
            self._issue(row, field, message)

    def _add(self, row: MemberRow, branch: PartyBranch) -> None:
        try:
            member = services.member_add(
                actor=self.actor,
                branch=branch,
                id_number=row.id_number,
                name=row.name,
                status=row.status,
                flowing=bool(row.flowing),
                joined_on=row.joined_on,
            )
        except ValidationError as exc:
            self._refused(row, F_ID, exc)
            return
        if self._register(row, member, None) is not None:
            self.outcome.added += 1

    def _update(self, row: MemberRow, member: PartyMember, reg: MemberRegistration | None) -> None:
        flowing = member.flowing if row.flowing is None else row.flowing
        new_status = row.status != member.status or flowing != member.flowing
        new_joined_on = row.joined_on is not None and row.joined_on != member.joined_on
        step = F_STATUS
        try:
            if new_status:
                services.member_set_status(
                    actor=self.actor, member=member, status=row.status, flowing=flowing
                )
            step = F_JOINED
            if new_joined_on:
                services.member_set_joined_on(
                    actor=self.actor, member=member, joined_on=row.joined_on
                )
        except ValidationError as exc:
            self._refused(row, step, exc)
            return
        registered = self._register(row, member, reg)
        if registered is None:
            return
        if new_status or new_joined_on or registered:
            self.outcome.updated += 1
        else:
            self.outcome.unchanged += 1

    def _register(
        self, row: MemberRow, member: PartyMember, reg: MemberRegistration | None
    ) -> bool | None:
        """Set the member's registration where the file says otherwise than the record: True
        when changed, False when the same, None when refused. A request to leave him out of
        the expected attendance (P8b) is kept as it is."""
        if row.registered is None or row.registered == (reg is not None and reg.registered):
            return False
        try:
            services.member_registration_set(
                actor=self.actor,
                campaign=self.campaign,
                member=member,
                registered=row.registered,
                exclusion=reg.exclusion if reg else "",
                note=reg.exclusion_note if reg else "",
                approved=reg.approved if reg else False,
            )
        except ValidationError as exc:
            self._refused(row, F_REGISTERED, exc)
            return None
        return True


class PartyImporter(Importer):
    """A 党员名册 (党组织, 姓名, 公民身份号码, 党员状态, 入党日期, 是否流动党员,
    是否已登记参加选举) for a county or a town in one campaign. Small: run in the request that
    confirms it."""

    kind = "party"
    label = "党员名册"
    job_model = PartyRollImport
    schema = PARTY_SCHEMA
    action = Action.MANAGE_PARTY
    audit_action = "party.roll_import"
    limits = Limits(max_rows=MAX_ROWS)
    levels = (Region.Level.COUNTY, Region.Level.TOWN)
    needs_campaign = True
    background = False
    counts = (
        Count("added", "将新增党员", "新增党员", "success"),
        Count("updated", "将更新", "已更新"),
        Count("unchanged", "未变化", "未变化"),
    )
    job_url_name = "party:roll_import_job"

    def new_outcome(self) -> PartyOutcome:
        return PartyOutcome()

    def prepare(
        self, job: UploadJob, header: Header, outcome: FileOutcome, progress: Progress
    ) -> PartyLoad:
        assert isinstance(job, PartyRollImport) and isinstance(outcome, PartyOutcome)
        branches = area_branches(job.campaign, job.region)
        if not branches:
            raise ImportRefused(MSG_NO_BRANCHES.format(area=job.region.display_name))
        return PartyLoad(outcome, job=job, header=header, branches=branches)

    def fill(self, job: UploadJob, outcome: FileOutcome) -> None:
        assert isinstance(job, PartyRollImport) and isinstance(outcome, PartyOutcome)
        job.added, job.updated, job.unchanged = outcome.added, outcome.updated, outcome.unchanged

    def done_message(self, outcome: FileOutcome) -> str:
        assert isinstance(outcome, PartyOutcome)
        return MSG_DONE.format(
            added=outcome.added, updated=outcome.updated, unchanged=outcome.unchanged
        )

    def upload_url(self, job: UploadJob) -> str:
        assert isinstance(job, PartyRollImport)
        return reverse("party:roll_import_upload", args=[job.campaign_id, job.region_id])


PARTY = register(PartyImporter())


def party_roll_preview(
    *,
    actor: User,
    campaign: Campaign,
    area: Region,
    upload: UploadedFile | Path,
    limits: Limits | None = None,
) -> PartyRollImport:
    """Store the upload and dry-run it: the job comes back "preview" (ready to confirm) or
    "rejected" (its message and problems, the file deleted); nothing is written but the job.
    ValidationError when the user may not import into `area`."""
    job = upload_preview(
        importer=PARTY, actor=actor, scope=area, upload=upload, campaign=campaign, limits=limits
    )
    assert isinstance(job, PartyRollImport)
    return job


def party_roll_confirm(
    *, actor: User, job: PartyRollImport, limits: Limits | None = None
) -> PartyRollImport:
    """Run a previewed 党员名册 for real, in the request: all or nothing; the file is deleted
    either way."""
    done = upload_confirm(importer=PARTY, actor=actor, job=job, limits=limits)
    assert isinstance(done, PartyRollImport)
    return done


def party_roll_template(campaign: Campaign, area: Region) -> bytes:
    """The 党员名册 template of an area: the area's branches and the fixed choices as drop-downs
    that refuse anything else, the ID column as text, for as many rows as a file may hold."""
    return template_xlsx(
        PARTY_SCHEMA,
        sheet_name="党员名册",
        title=(
            f"{area.display_name}党员名册（第1、2行为说明和表头，从第3行起每名党员一行；"
            "党组织、党员状态、是否流动党员、是否已登记参加选举从下拉列表选择；"
            "入党日期写成 2001-07-01）"
        ),
        rows=PARTY.limits.max_rows,
        choices={"branch": branch_choices(area_branches(campaign, area))},
    )
