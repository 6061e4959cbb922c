"""Importing a voter roll: preview, then run in the background, all or nothing (SECURITY.md V7).

One pipeline does both: rows are read and checked in Python (``importing``; past the first
20,000 rows in worker processes), sealed (AES-GCM + keyed hash), and the same person twice in
the file is found by keyed hash as they come (RollLoad.write). Then one of two ways (_Sink;
docs/voters.md): the bulk path, for a file that outweighs the tables, sets their indexes and
foreign keys aside and COPYs new people straight in; the general path stages the rows. Either
way set-based SQL (_write) decides the rows naming people already known — a person already
registered in another village of the campaign or of any campaign of the same term
(overlapping windows, any county: → RegistrationConflict, doubtful; another county's village is
named only to a user whose area holds it), already in this village (→ unchanged) — and writes
the rest. The preview runs the pipeline and rolls it back, so its counts are exactly what the
run will do.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from huanjie.accounts.models import User
from huanjie.accounts.permissions import Action
from huanjie.elections.models import Campaign, CampaignVillage
from huanjie.elections.services import purged_refusal
from huanjie.lib.bulk import (
    Behind,
    constants,
    copy_rows,
    copy_text,
    create_temp_table,
    put_back_defaults,
    put_back_foreign_keys,
    put_back_indexes,
    set_aside,
)
from huanjie.lib.crypto import FieldSealer
from huanjie.lib.dates import cn_date
from huanjie.lib.idcard import mask
from huanjie.lib.sheets import FileOutcome, Header, Issue
from huanjie.lib.workbooks import ImportRefused, Limits
from huanjie.people.locks import people_lock
from huanjie.people.models import Person
from huanjie.people.services import ID_PURPOSE
from huanjie.regions.models import Region
from huanjie.rules import voters as voter_rules
from huanjie.rules.profiles import Profile, effective_profile
from huanjie.rules.voters import VoterCheck, VoterFacts, voter_check
from huanjie.uploads.importers import (
    Count,
    Importer,
    Load,
    Progress,
    RunAgain,
    no_progress,
    register,
    run_file,
)
from huanjie.uploads.models import UploadJob
from huanjie.uploads.services import upload_confirm, upload_preview
from huanjie.voters import importing
from huanjie.voters.importing import FIELD_LABELS, RowIn
from huanjie.voters.models import (
    Category,
    ImportJob,
    RegistrationConflict,
    VoterListPublication,
    VoterRegistration,
)
from huanjie.voters.services import MSG_DIED, MSG_FROZEN
from huanjie.voters.services.registrations import may_name, overlapping_campaigns

CHUNK = 10_000

MSG_NO_ELECTION_DATE = (
    "{village}尚未设定选举日，无法按选举日判断年满十八周岁，请先由乡镇设定选举日再导入"
)
MSG_NOT_INCLUDED = "{village}未纳入本次换届，不能导入选民"
MSG_VILLAGE_COLUMN = "按乡镇(街道)或全县导入时，文件须有“村(社区)代码”列"
MSG_VILLAGE_UNKNOWN = "村(社区)“{value}”不在本次导入范围内"
MSG_VILLAGE_OTHER = "本行的村(社区)“{value}”不是本次导入的{village}"
MSG_CATEGORY_BODY = "登记类别“{label}”不适用于{kind}"
MSG_SAME_FILE_FIRST = "与第{rows}行是同一人（身份证号相同）"
MSG_SAME_FILE_AGAIN = "与第{row}行是同一人（身份证号相同），同一人只能登记一次"
MSG_REGISTERED_ELSEWHERE = "已在{where}登记，本行未登记，已转县级处理重复登记"
MSG_REGISTERED_OTHER_AREA = "已在其他地区登记，本行未登记，已提交上级核实"
MSG_SAME_VILLAGE_DIFFERS = "已在本村登记（{what}），本次未修改，请核实"
MSG_NAME_DIFFERS = "与已有人员记录的姓名“{name}”不同，保留原记录，请核实"
MSG_DEPRIVED = (
    "人员库记录该人被剥夺政治权利（{period}），选举日没有选举权，不能登记"
    "（村民委员会组织法(2025) 第十六条）"
)
MSG_INCOMER_REVIEW = "户籍不在本村(社区)：请核实居住（或工作）年限、本人申请及会议同意情况"
MSG_DENIED = "没有导入选民的权限"
MSG_NOT_PREVIEW = "该导入任务不是待确认状态，不能再次执行"
MSG_REJECTED = "文件有 {n} 处错误，未导入任何数据，请修改后重新上传"
MSG_CHANGED = "数据在预览后发生了变化，出现 {n} 处错误，未导入任何数据，请重新上传"

# Categories a file may not settle alone: the law wants an application and a meeting's consent.
_NEEDS_REVIEW = {
    Category.INCOMER_ONE_YEAR,
    Category.INCOMER_OR_WORKER,
    Category.COMMUNITY_WORKER,
}
_VILLAGE_CATEGORIES = {
    Category.HUKOU_RESIDENT,
    Category.HUKOU_ABSENT,
    Category.INCOMER_ONE_YEAR,
    Category.INCOMER_OR_WORKER,
}
STAGE = "voters_import_stage"
# A file of at least BULK_MIN_ROWS rows into tables holding no more rows than it takes the bulk
# path (RollLoad._bulk): rebuilding the indexes of the whole tables then costs less than the
# general path's writes into them. Not further: when the file names people already known (a
# new campaign's roll), only registrations are written and the general path is the faster.
BULK_MIN_ROWS = 50_000
BULK_RATIO = 1
_STAGE_COLUMNS = (
    ("row_no", "integer"),
    ("village_id", "varchar(12)"),
    ("id_hash", "varchar(64)"),
    ("id_cipher", "text"),
    ("id_masked", "varchar(18)"),
    ("name", "varchar(50)"),
    ("sex", "varchar(1)"),
    ("birth_date", "date"),
    ("ethnicity", "varchar(2)"),
    ("group_name", "varchar(50)"),
    ("household_no", "varchar(30)"),
    ("category", "varchar(30)"),
    ("flag", "varchar(200)"),
)
_STAGE_NAMES = [name for name, _ in _STAGE_COLUMNS]
_BYTEWISE = ("village_id", "id_hash")


# ---------------------------------------------------------------------------------------------
# The villages a file may fill.


@dataclass
class Village:
    code: str
    label: str  # 桥头镇红河限村
    kind: str
    election_date: date | None
    province: str
    default_category: str

    def check(self, category: str, birth: date) -> VoterCheck:
        """The engine's verdict, cached across rows and villages: it depends only on the rules
        (body, province, election day), the category and the birth date."""
        assert self.election_date is not None
        body = "villagers" if self.kind == Region.Kind.VILLAGE else "residents"
        key = (body, self.province, self.election_date, category, birth)
        found = _CHECKS.get(key)
        if found is None:
            profile_key = (body, self.province, self.election_date)
            profile = _PROFILES.get(profile_key)
            if profile is None:
                profile = _PROFILES[profile_key] = effective_profile(*profile_key)
            found = _CHECKS[key] = voter_check(profile, _facts(category, birth), self.election_date)
        return found


# Per-file caches (cleared by run_pipeline): profiles cost ~300 µs to build, checks ~13 µs.
_PROFILES: dict[tuple[str, str, date], Profile] = {}
_CHECKS: dict[tuple[str, str, date, str, date], VoterCheck] = {}


def _facts(category: str, birth: date) -> VoterFacts:
    if category in (Category.HUKOU_RESIDENT, Category.COMMUNITY_HUKOU, Category.AREA_RESIDENT):
        return VoterFacts(birth, hukou_here=True, lives_here=True)
    if category == Category.HUKOU_ABSENT:
        return VoterFacts(birth, hukou_here=True, lives_here=False, wishes_to_vote=True)
    if category == Category.COMMUNITY_RESIDENT:
        return VoterFacts(birth, hukou_here=False, lives_here=True)
    # Applicants: the file says they applied and were accepted; the dates are for a person.
    return VoterFacts(
        birth, hukou_here=False, lives_here=True, applied=True, approved_by_meeting=True
    )


def villages_for(campaign: Campaign, scope: Region) -> dict[str, Village]:
    entries = CampaignVillage.objects.filter(
        campaign=campaign, included=True, region__code__startswith=scope.code
    ).select_related("region", "region__parent")
    found = {}
    for e in entries:
        r = e.region
        found[r.code] = Village(
            code=r.code,
            label=r.full_label,
            kind=r.kind,
            election_date=e.election_date,
            province=campaign.rule_province,
            default_category=Category.HUKOU_RESIDENT
            if r.kind == Region.Kind.VILLAGE
            else Category.COMMUNITY_HUKOU,
        )
    return found


def _village_names(villages: Iterable[Village]) -> dict[str, str]:
    """Names people write in a 村(社区) column, to codes; a name two villages share is left out."""
    names: dict[str, str] = {}
    shared: set[str] = set()
    regions = Region.objects.filter(code__in=[v.code for v in villages]).select_related("parent")
    for region in regions:
        for name in {region.name, region.short_name, region.display_name} - {""}:
            if names.setdefault(name, region.code) != region.code:
                shared.add(name)
    return {name: code for name, code in names.items() if name not in shared}


# ---------------------------------------------------------------------------------------------
# The pipeline: the roll's importer (a schema, a row check, a set-based writer).


@dataclass
class Outcome_(FileOutcome):
    """What a file does (or would do) to the roll."""

    accepted: int = 0
    unchanged: int = 0
    conflicts: int = 0


def _refuse_published(campaign: Campaign, codes: list[str]) -> None:
    """A published list is frozen: after publication the roll changes only through objections
    (村民委员会组织法(2025) 第十七条), so a file for a published village is refused whole."""
    first = (
        VoterListPublication.objects.filter(campaign=campaign, village_id__in=codes)
        .order_by("published_on")
        .first()
    )
    if first is not None:
        raise ImportRefused(
            f"{first.village.display_name}：" + MSG_FROZEN.format(day=cn_date(first.published_on))
        )


class RollLoad(Load):
    """One roll file: each row checked (a fast path for the common row, the full checks with
    their messages for the rest), sealed (AES-GCM + keyed hash) and staged; then set-based SQL
    writes people and registrations (`_write`)."""

    outcome: Outcome_
    parallel = True

    def __init__(
        self,
        outcome: Outcome_,
        *,
        campaign: Campaign,
        villages: dict[str, Village],
        scope: Region,
        header: Header,
        filename: str,
        progress: Progress,
        actor: User | None = None,
    ) -> None:
        super().__init__(outcome)
        self.campaign, self.villages, self.filename = campaign, villages, filename
        self.actor = actor
        self.progress = progress
        self.columns = header.columns
        self.categories = importing.category_lookup(Category.choices)
        self.names = _village_names(villages.values()) if "village" in header.columns else {}
        self.single = villages.get(scope.code)
        self.seal = FieldSealer(ID_PURPOSE).seal
        self.fast = importing.FastReader(header.columns, self.categories).read
        # What the fast path may settle alone: a 村(社区) cell naming a usable village (None:
        # ask _village_of), and the engine's verdicts without any problem per rule set.
        self.village_of: dict[str, Village | None] = {}
        self.clean: dict[tuple[str, date | None, str, date], bool] = {}
        self.packed, self.id_base = "", 0  # set by write, for pack
        self.read = self._fast_reader()  # type: ignore[method-assign, assignment]

    def _fast_reader(self, packed: str = "") -> Callable[[int, list[Any]], Any]:
        """`read` with the fast path first: a common row (FastReader) in a usable village that
        the engine accepts without a word is staged at once; anything else gets the full checks
        (a blank row never passes the fast path). A closure, so that a million rows look their
        helpers up once. `packed` (in a checking worker, `forked`): a common row comes out as
        its _Block parts at once (`_copy_lines`)."""
        fast, seal, village_of, clean = self.fast, self.seal, self.village_of, self.clean
        villages, names, single = self.villages, self.names, self.single
        full = super().read
        base = self.id_base

        def read(number: int, cells: list[Any]) -> Any:
            got = fast(cells)
            if got is None:
                return full(number, cells)
            id_number, name, sex, birth, eth, group, category, household, village_text = got
            if village_text in village_of:
                village = village_of[village_text]
            else:
                village = village_of[village_text] = _quiet_village(
                    village_text, villages, names, single
                )
            if village is None:
                return full(number, cells)
            category = category or village.default_category
            key = (village.kind, village.election_date, category, birth)
            ok = clean.get(key)
            if ok is None:
                ok = clean[key] = _quiet_judge(category, birth, village)
            if not ok:
                return full(number, cells)
            token, digest = seal(id_number)
            masked = f"{id_number[:6]}********{id_number[-4:]}"
            if not packed:
                return (number, village.code, digest, token, masked, name, sex, birth, eth,
                        group, household, category, "")  # fmt: skip
            return _copy_lines(packed, base, number, village.code, digest, token, masked, name,
                               sex, birth, eth, group, household, category, "")  # fmt: skip

        return read

    def forked(self) -> None:
        """In a checking worker, when the rows go to the writer as COPY text (`_Sink.packed`):
        they come out as that text as they are read."""
        if self.packed:
            self.read = self._fast_reader(self.packed)  # type: ignore[method-assign, assignment]

    def check(self, number: int, cells: list[Any]) -> tuple[Any, ...] | None:
        """The full path, with every check's message."""
        issues = self.outcome.issues
        row, found = importing.read_row(number, cells, self.columns, self.categories)
        issues.extend(found)
        if row is None:
            return None
        village = _village_of(row, self.villages, self.names, self.single, issues)
        if village is None:
            return None
        staged = _judge(row, village, issues)
        if staged is None:
            return None
        category, flag = staged
        token, digest = self.seal(row.id_number)
        return (number, village.code, digest, token, mask(row.id_number), row.name, row.sex,
                row.birth_date, row.ethnicity, row.group_name, row.household_no, category,
                flag)  # fmt: skip

    def write(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Each checked row as it comes: the same person twice in the file is an error (found
        here, by keyed hash); a new person goes straight into the people and the roll; a row
        naming a person already known is staged for `_write`."""
        outcome = self.outcome
        issues = outcome.issues
        # The keyed hash and the village code are compared byte by byte on PostgreSQL (like
        # people_person.id_hash): the locale's collation made the sorts below several times slower.
        postgres = connection.vendor == "postgresql"
        create_temp_table(
            STAGE,
            [(name, f'{kind} COLLATE "C"' if postgres and name in _BYTEWISE else kind)
             for name, kind in _STAGE_COLUMNS],
        )  # fmt: skip
        # Before any person is looked up: another import, or a registration by hand, of the
        # same term in another county finishes first, and this one finds the people it created
        # and sees the registrations it made (村民委员会组织法 第十三条 / SECURITY.md V3). One
        # lock for the file, held to the commit; the preview takes it too, so its counts are
        # the run's.
        people_lock(exclusive=True)
        sink = _Sink(self.campaign, list(self.villages), bulk=self._bulk())
        # Read by the checking workers, forked when they start (after this): pack the rows?
        self.packed, self.id_base = sink.packed, sink.base
        # The first 16 bytes of the keyed hash (HMAC-SHA256) of each ID number seen → its row.
        seen: dict[bytes, int] = {}
        later: dict[int, tuple[str, list[int]]] = {}
        batch: list[tuple[Any, ...]] = []

        def again(row_no: int, key: bytes, masked: str) -> bool:
            first = seen.setdefault(key, row_no)
            if first == row_no:
                return False
            twice(row_no, first, masked)
            return True

        def twice(row_no: int, first: int, masked: str) -> None:
            later.setdefault(first, (masked, []))[1].append(row_no)
            issues.append(
                Issue(row_no, "公民身份号码", masked, MSG_SAME_FILE_AGAIN.format(row=first))
            )

        blocks: list[_Block] = []
        in_blocks = 0
        # The writes run behind the reading (lib.bulk.Behind): the server ingests one batch
        # while this process reads and hands out the next.
        with _timed("stage total"), Behind() as behind:
            for row in rows:
                if type(row) is _Block:
                    if batch:
                        behind.put(partial(sink.add, batch, issues))
                        batch = []
                    setdefault, keys = seen.setdefault, row.keys
                    dups = [i for i, n in enumerate(row.numbers)
                            if setdefault(keys[16 * i : 16 * i + 16], n) != n]  # fmt: skip
                    for i in dups:
                        twice(row.numbers[i], seen[keys[16 * i : 16 * i + 16]], row.masked(i))
                    if not dups:
                        blocks.append(row)
                        in_blocks += len(row.numbers)
                        if in_blocks >= CHUNK:
                            behind.put(partial(sink.add_blocks, blocks, issues))
                            blocks, in_blocks = [], 0
                    continue
                if again(row[0], bytes.fromhex(row[2][:32]), row[4]):
                    continue
                if blocks:
                    behind.put(partial(sink.add_blocks, blocks, issues))
                    blocks, in_blocks = [], 0
                batch.append(row)
                if len(batch) >= CHUNK:
                    behind.put(partial(sink.add, batch, issues))
                    batch = []
            behind.put(partial(sink.add_blocks, blocks, issues))
            behind.put(partial(sink.add, batch, issues))
        seen.clear()
        for first, (masked, others) in later.items():
            message = MSG_SAME_FILE_FIRST.format(rows="、".join(map(str, others)))
            issues.append(Issue(first, "公民身份号码", masked, message, "doubtful"))
        if outcome.total == 0:
            return
        self.progress("writing", outcome.total)
        if sink.add([], issues):
            outcome.accepted = sink.accepted
            sink.finish(
                lambda unchecked: _write(
                    self.campaign, self.villages, outcome, self.filename, self.actor,
                    unchecked=unchecked,
                )
            )  # fmt: skip

    def pack(self, items: list[Any]) -> list[Any]:
        """In a checking worker: a chunk's checked rows as one _Block of COPY text when the
        writer takes it (`_Sink.packed`), so that it has nothing to do per row: the people and
        their registrations of a bulk load when nobody was known before (each new person's id
        the id base and the row's number, `_Sink.base`), or the stage's rows."""
        if not self.packed or not items:
            return items
        width = 4 if self.packed == "bulk" else 3
        parts = [item if len(item) == width else self._packed_row(item) for item in items]
        numbers, keys, *texts = zip(*parts, strict=True)
        return [
            _Block(
                list(numbers),
                bytes.fromhex("".join(keys)),
                tuple("".join(lines).encode() for lines in texts),
            )
        ]

    def _packed_row(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        """A row the full checks passed, as the packing reader makes a common one."""
        return _copy_lines(self.packed, self.id_base, *row)

    def _bulk(self) -> bool:
        """The bulk path (docs/voters.md): on PostgreSQL, for a file of at least BULK_MIN_ROWS
        rows into tables holding at most BULK_RATIO times as many people and registrations (or
        as HUANJIE_ROLL_LOAD says), when the database role owns the tables (setting their
        indexes aside is the owner's; the web's role is not, docs/operations.md); never on a
        second run."""
        if connection.vendor != "postgresql" or self.again or not _owns_tables():
            return False
        mode = settings.HUANJIE_ROLL_LOAD
        if mode in ("bulk", "general"):
            return mode == "bulk"
        rows = self.rows_estimate
        if rows < BULK_MIN_ROWS:
            return False
        enough = BULK_RATIO * rows
        held = max(
            _rows_held(Person._meta.db_table, enough),
            _rows_held(VoterRegistration._meta.db_table, enough),
        )
        return held <= enough

    def close(self) -> None:
        if connection.vendor == "sqlite":  # PostgreSQL drops them at the transaction's end
            with connection.cursor() as cursor:
                for table in (STAGE, MATCHED, NEW):
                    cursor.execute(f"DROP TABLE IF EXISTS {table}")


def _owns_tables() -> bool:
    """Whether this connection's role may set the people's and the roll's indexes aside."""
    return bool(
        _query(
            """SELECT bool_and(pg_has_role(current_user, relowner, 'USAGE')) FROM pg_class
               WHERE oid IN (%s::regclass, %s::regclass)""",
            [Person._meta.db_table, VoterRegistration._meta.db_table],
            phase="sql: choose path",
        )[0][0]
    )


def _rows_held(table: str, enough: int) -> int:
    """How many rows `table` holds, counted up to `enough` + 1 (the planner's estimate lags
    until the table is analysed again: a load just committed would not be in it)."""
    return int(
        _query(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} LIMIT %s) t",
            [enough + 1],
            phase="sql: choose path",
        )[0][0]
    )


# What the bulk path COPYs; the rest of the columns take the load's constants (_Sink).
_PERSON_COLUMNS = ("id", "id_cipher", "id_hash", "id_masked", "name", "sex", "birth_date",
                   "ethnicity", "region_id", "group_name", "household_no")  # fmt: skip
_REGISTRATION_COLUMNS = ("person_id", "village_id", "category", "group_name", "flag")
KNOWN = "voters_import_known"


class _Block(NamedTuple):
    """A chunk's rows as a checking worker made them (RollLoad.pack): each row's number and,
    16 bytes a row, the start of its keyed hash (for the in-file duplicates); its rows as COPY
    text, encoded: a bulk load's people and their registrations, or the stage's rows."""

    numbers: list[int]
    keys: bytes
    texts: tuple[bytes, ...]

    def masked(self, i: int) -> str:
        """The masked ID number of the block's `i`th row (a person's fourth field, a stage
        row's fifth)."""
        line = self.texts[0].split(b"\n", i + 1)[i]
        return line.split(b"\t", 5)[3 if len(self.texts) == 2 else 4].decode()


def _copy_lines(
    packed: str,
    base: int,
    number: int,
    village: str,
    digest: str,
    token: str,
    masked: str,
    name: str,
    sex: str,
    birth: date,
    eth: str,
    group: str,
    house: str,
    cat: str,
    flag: str,
) -> tuple[Any, ...]:
    """A checked row as a checking worker hands it over (RollLoad.pack): its number, the first
    16 bytes of its keyed hash in hex, and its COPY lines: for "stage" its stage row; for
    "bulk" its person (id: `base` and the row's number) and its registration, in the columns
    the bulk path COPYs."""
    texts = name + group + house + flag
    if "\\" in texts or not texts.isprintable():  # rare: the fast path lets neither through
        name, group, house, flag = _text(name), _text(group), _text(house), _text(flag)
    if packed == "stage":
        return (
            number,
            digest[:32],
            f"{number}\t{village}\t{digest}\t{token}\t{masked}\t{name}\t{sex}\t"
            f"{birth.isoformat()}\t{eth}\t{group}\t{house}\t{cat}\t{flag}\n",
        )
    person = base + number
    return (
        number,
        digest[:32],
        f"{person}\t{token}\t{digest}\t{masked}\t{name}\t{sex}\t"
        f"{birth.isoformat()}\t{eth}\t{village}\t{group}\t{house}\n",
        f"{person}\t{village}\t{cat}\t{group}\t{flag}\n",
    )


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value: str) -> str:
    """`value` as a field of COPY's text format."""
    return value.translate(_ESCAPES) if ("\\" in value or not value.isprintable()) else value


class _Sink:
    """Where one file's checked rows go, a batch at a time, inside the import's transaction.
    Two ways, both ending in the same rows:

    - general (tables that already hold data; SQLite always): every row is staged (a temporary
      table, COPY); `_write` then finds the people already known in one pass and writes the
      rest set-based, new people in keyed-hash order. On PostgreSQL, where the role may set
      session_replication_role (a superuser, or `GRANT SET ON PARAMETER
      session_replication_role`), the foreign keys' row-by-row triggers are off for its two
      inserts and the references are checked set-based afterwards, the rows they point at
      locked (FOR KEY SHARE) from the start; elsewhere the triggers check them.
    - bulk (pg_restore's order, `lib.bulk`): the two tables are locked and their secondary
      indexes, unique constraints and foreign keys set aside; the people known before are
      copied aside with their hashes indexed; rows naming a new person go straight into the
      real tables (COPY, ids in file order; from the workers as ready COPY text when nobody
      was known), the others are staged for `_write`; then the indexes are rebuilt, the staged
      rows decided, the foreign keys re-added and validated set-based.

    Once any row has an error nothing more is written: the run is rolled back."""

    def __init__(self, campaign: Campaign, villages: list[str], *, bulk: bool) -> None:
        self.campaign_id = campaign.pk
        self.postgres = connection.vendor == "postgresql"
        self.bulk, self.replica = bulk, False
        self.now = timezone.now()
        self.accepted = 0
        self.scanned = 0  # issues looked at for errors so far
        self.failed = False
        self.person = Person._meta.db_table
        self.registration = VoterRegistration._meta.db_table
        self.any_known = True
        self.base = 0
        if bulk:
            with _timed("sql: set aside"):
                _execute(
                    f"CREATE TEMP TABLE {KNOWN} ON COMMIT DROP AS SELECT id_hash FROM {self.person}"
                )
                _execute(f"CREATE INDEX ON {KNOWN} (id_hash)")
                self.any_known = bool(_query(f"SELECT EXISTS (SELECT 1 FROM {KNOWN})")[0][0])
                self.aside = set_aside((self.person, self.registration))
                constants(self.aside, self.person, {"created_at": self.now})
                constants(
                    self.aside,
                    self.registration,
                    {"campaign_id": campaign.pk, "active": True, "added_reason": "new",
                     "removed_reason": "", "created_at": self.now},
                )  # fmt: skip
                self.sequence = _query("SELECT pg_get_serial_sequence(%s, 'id')", [self.person])[0][
                    0
                ]
                # A new person's id is this base and the row's number: ascending in file order,
                # and given in the workers. The table is locked, so nobody else takes ids from
                # its sequence until the commit (an INSERT waits for the lock before it
                # evaluates nextval); `finish` moves the sequence past the last one given.
                self.base = _query("SELECT nextval(%s)", [self.sequence], phase="sql: new ids")[0][
                    0
                ]
                self.last = self.base
        elif self.postgres:
            self.before = _query(
                f"""SELECT (SELECT COALESCE(MAX(id), 0) FROM {self.person}),
                    (SELECT COALESCE(MAX(id), 0) FROM {self.registration})"""
            )[0]
            self.replica = _triggers_off(campaign, villages)

    @property
    def packed(self) -> str:
        """What checking workers hand over as _Blocks of COPY text (RollLoad.pack): "bulk",
        a bulk load's people and registrations when nobody was known before; "stage", the
        general path's stage rows on PostgreSQL; "" (rows) otherwise."""
        if self.bulk:
            return "" if self.any_known else "bulk"
        return "stage" if self.postgres else ""

    def _ok(self, issues: list[Issue]) -> bool:
        if not self.failed:
            self.failed = any(i.level == "error" for i in issues[self.scanned :])
            self.scanned = len(issues)
        return not self.failed

    def add(self, batch: list[tuple[Any, ...]], issues: list[Issue]) -> bool:
        """Write `batch` unless a row so far has an error; True while none has."""
        if not self._ok(issues) or not batch:
            return not self.failed
        with _timed("stage COPY"):
            if not self.bulk:
                copy_rows(STAGE, _STAGE_NAMES, batch)
                return True
            known = self._known([row[2] for row in batch]) if self.any_known else set()
            new = [row for row in batch if row[2] not in known]
            base = self.base
            copy_rows(
                self.person,
                _PERSON_COLUMNS,
                [(base + r[0], r[3], r[2], r[4], r[5], r[6], r[7], r[8], r[1], r[9], r[10])
                 for r in new],
            )  # fmt: skip
            copy_rows(
                self.registration,
                _REGISTRATION_COLUMNS,
                [(base + r[0], r[1], r[11], r[9], r[12]) for r in new],
            )
            if new:
                self.last = max(self.last, base + new[-1][0])
            if known:
                copy_rows(STAGE, _STAGE_NAMES, [row for row in batch if row[2] in known])
            self.accepted += len(new)
        return True

    def add_blocks(self, blocks: list[_Block], issues: list[Issue]) -> None:
        """Write workers' _Blocks (`packed`) unless a row so far has an error."""
        n = sum(len(block.numbers) for block in blocks)
        if not self._ok(issues) or not n:
            return
        with _timed("stage COPY"):
            if not self.bulk:
                copy_text(STAGE, _STAGE_NAMES, b"".join(b.texts[0] for b in blocks))
                return
            copy_text(self.person, _PERSON_COLUMNS, b"".join(b.texts[0] for b in blocks))
            copy_text(
                self.registration, _REGISTRATION_COLUMNS, b"".join(b.texts[1] for b in blocks)
            )
            self.last = max(self.last, self.base + blocks[-1].numbers[-1])
            self.accepted += n

    def _known(self, hashes: list[str]) -> set[str]:
        """Those of `hashes` whose people were known before the load (bulk)."""
        found = _query(
            f"SELECT id_hash FROM {KNOWN} WHERE id_hash = ANY(%s)",
            [hashes],
            phase="sql: known people",
        )
        return {h for (h,) in found}

    def finish(self, write: Callable[[bool], None]) -> None:
        """After the last batch: the indexes (bulk), the staged rows (`write`, told whether
        its inserts may run unchecked), the references."""
        if self.bulk:
            _query("SELECT setval(%s, %s)", [self.sequence, self.last], phase="sql: new ids")
            put_back_defaults(self.aside)
            with _timed("sql: indexes"):
                try:
                    put_back_indexes(self.aside)
                except IntegrityError:
                    raise RunAgain from None
        if self.postgres:
            # Temporary tables are never auto-analysed: without statistics the planner
            # guesses a few thousand rows and picks nested loops for many.
            _execute(f"ANALYZE {STAGE}", phase="sql: analyze stage")
        write(self.replica)
        if self.bulk:
            with _timed("sql: foreign keys"):
                put_back_foreign_keys(self.aside)
        elif self.replica:
            self._check_references()

    def _check_references(self) -> None:
        """What the foreign keys' triggers would have checked row by row, for the rows this
        load wrote: three set-based anti-joins."""
        person, registration = self.person, self.registration
        region, village = Region._meta.db_table, CampaignVillage._meta.db_table
        people_before, registrations_before = self.before
        broken = [
            _query(sql, [since], phase="sql: references")[0][0]
            for sql, since in (
                (
                    f"""SELECT COUNT(*) FROM {person} p LEFT JOIN {region} g ON g.code = p.region_id
                    WHERE p.id > %s AND g.code IS NULL""",
                    people_before,
                ),
                (
                    f"""SELECT COUNT(*) FROM {registration} r LEFT JOIN {village} v
                        ON v.campaign_id = r.campaign_id AND v.region_id = r.village_id
                    WHERE r.id > %s AND v.id IS NULL""",
                    registrations_before,
                ),
                (
                    f"""SELECT COUNT(*) FROM {registration} r LEFT JOIN {person} p
                        ON p.id = r.person_id
                    WHERE r.id > %s AND p.id IS NULL""",
                    registrations_before,
                ),
            )
        ]
        if any(broken):
            raise IntegrityError(f"roll import: rows without what they refer to: {broken}")


def _triggers_off(campaign: Campaign, villages: list[str]) -> bool:
    """Lock the rows the new rows will refer to (the campaign's villages and their regions,
    FOR KEY SHARE: nobody deletes them or changes their keys until the commit), and tell
    whether the role may turn the foreign keys' row-by-row triggers off (`_unchecked`)."""
    _execute(
        f"""SELECT 1 FROM {CampaignVillage._meta.db_table} WHERE campaign_id = %s
            AND region_id = ANY(%s) FOR KEY SHARE""",
        [campaign.pk, villages],
        phase="sql: references",
    )
    _execute(
        f"SELECT 1 FROM {Region._meta.db_table} WHERE code = ANY(%s) FOR KEY SHARE",
        [villages],
        phase="sql: references",
    )
    try:
        with transaction.atomic():
            _execute("SET LOCAL session_replication_role = replica", phase="sql: references")
            _execute("SET LOCAL session_replication_role = origin", phase="sql: references")
    except DatabaseError:
        return False
    return True


@contextmanager
def _unchecked(on: bool) -> Iterator[None]:
    """The statements inside run without the foreign keys' triggers when `on` (_Sink then
    checks the references set-based)."""
    if on:
        _execute("SET LOCAL session_replication_role = replica", phase="sql: references")
    try:
        yield
    finally:
        if on:
            _execute("SET LOCAL session_replication_role = origin", phase="sql: references")


class RollImporter(Importer):
    """A voter roll file: one village's, or a town's or county's with a 村(社区)代码 per row
    (the towns and the county send them up). Background: a county file holds 100,000 rows."""

    kind = "roll"
    label = "选民名单"
    job_model = ImportJob
    schema = importing.ROLL_SCHEMA
    action = Action.MANAGE_VOTERS
    audit_action = "voters.import"
    expire_action = "voters.import_expire"
    limits = Limits()
    levels = (Region.Level.COUNTY, Region.Level.TOWN, Region.Level.VILLAGE)
    needs_campaign = True
    background = True
    counts = (
        Count("accepted", "将登记", "已登记", "success"),
        Count("unchanged", "未变化", "未变化"),
    )
    job_url_name = "voters:import_job"
    confirm_note = "导入在后台进行，全部成功或全部不导入。"
    msg_rejected = MSG_REJECTED
    msg_changed = MSG_CHANGED
    msg_not_preview = MSG_NOT_PREVIEW

    def new_outcome(self) -> Outcome_:
        return Outcome_()

    def authorize(self, actor: User, job: UploadJob) -> str | None:
        """The base's scope and level refusals read as one; a purged campaign's (SECURITY.md
        P7, from the campaign guards) is said as it is."""
        refusal = super().authorize(actor, job)
        if refusal and refusal == purged_refusal(getattr(job, "campaign", None)):
            return refusal
        return MSG_DENIED if refusal else None

    def prepare(
        self, job: UploadJob, header: Header, outcome: FileOutcome, progress: Progress
    ) -> RollLoad:
        assert isinstance(job, ImportJob) and isinstance(outcome, Outcome_)
        _PROFILES.clear()
        _CHECKS.clear()
        TIMINGS.clear()
        campaign, scope = job.campaign, job.region
        villages = villages_for(campaign, scope)
        if scope.code in villages and villages[scope.code].election_date is None:
            raise ImportRefused(MSG_NO_ELECTION_DATE.format(village=villages[scope.code].label))
        if not villages:
            raise ImportRefused(MSG_NOT_INCLUDED.format(village=scope.display_name))
        _refuse_published(campaign, list(villages))
        if "village" not in header.columns and scope.code not in villages:
            raise ImportRefused(MSG_VILLAGE_COLUMN)
        return RollLoad(
            outcome,
            campaign=campaign,
            villages=villages,
            scope=scope,
            header=header,
            filename=job.filename,
            progress=progress,
            actor=job.created_by,
        )

    def fill(self, job: UploadJob, outcome: FileOutcome) -> None:
        assert isinstance(job, ImportJob) and isinstance(outcome, Outcome_)
        job.accepted = outcome.accepted
        job.unchanged = outcome.unchanged

    def done_message(self, outcome: FileOutcome) -> str:
        assert isinstance(outcome, Outcome_)
        return (
            f"已导入 {outcome.accepted} 人，未变化 {outcome.unchanged} 人，"
            f"转重复登记 {outcome.conflicts} 人"
        )

    def audit_changes(self, job: UploadJob, outcome: FileOutcome) -> dict[str, Any]:
        assert isinstance(outcome, Outcome_)
        return {**super().audit_changes(job, outcome), "conflicts": outcome.conflicts}

    def upload_url(self, job: UploadJob) -> str:
        assert isinstance(job, ImportJob)
        if job.region.is_village_level:
            return reverse("voters:import_upload", args=[job.campaign_id, job.region_id])
        return reverse("voters:import_area", args=[job.campaign_id, job.region_id])


ROLL = register(RollImporter())


def run_pipeline(
    *,
    campaign: Campaign,
    scope: Region,
    path: Path,
    filename: str,
    commit: bool,
    actor: User,
    limits: Limits | None = None,
    progress: Progress = no_progress,
) -> Outcome_:
    """The roll pipeline over one file without a stored job (the bench): the same checks and
    writes as an upload, with `actor`'s audit event when it commits."""
    started = time.perf_counter()
    job = ImportJob(campaign=campaign, region=scope, filename=filename, created_by=actor)
    outcome = run_file(ROLL, job, path, commit=commit, progress=progress, limits=limits)
    TIMINGS["total"] = time.perf_counter() - started
    assert isinstance(outcome, Outcome_)
    return outcome


def _quiet_village(
    text: str, villages: dict[str, Village], names: dict[str, str], single: Village | None
) -> Village | None:
    """The village _village_of would find for a 村(社区) cell without an issue, else None."""
    found: list[Issue] = []
    probe = RowIn(0, "", "", "", date.min, "", "", "", "", text)
    village = _village_of(probe, villages, names, single, found)
    return None if found else village


def _quiet_judge(category: str, birth: date, village: Village) -> bool:
    """True when _judge would accept the row with no issue and an empty flag."""
    if category in _NEEDS_REVIEW:
        return False
    if (category in _VILLAGE_CATEGORIES) != (village.kind == Region.Kind.VILLAGE):
        return False
    return not village.check(category, birth).problems


def _village_of(
    row: RowIn,
    villages: dict[str, Village],
    names: dict[str, str],
    single: Village | None,
    issues: list[Issue],
) -> Village | None:
    label = FIELD_LABELS["village"]
    if not row.village:
        if single is None:
            issues.append(Issue(row.row, label, "", MSG_VILLAGE_COLUMN))
        return single
    # A code, a name, or the template's drop-down value "630121100206 红河限村".
    text = row.village
    if len(text) > 12 and text[:12].isdigit() and text[12] == " ":
        text = text[:12]
    code = text if text in villages else names.get(text)
    village = villages.get(code or "")
    if village is None:
        issues.append(
            Issue(row.row, label, row.village, MSG_VILLAGE_UNKNOWN.format(value=row.village))
        )
        return None
    if single is not None and village is not single:
        issues.append(
            Issue(
                row.row,
                label,
                row.village,
                MSG_VILLAGE_OTHER.format(value=row.village, village=single.label),
            )
        )
        return None
    if village.election_date is None:
        issues.append(
            Issue(row.row, label, row.village, MSG_NO_ELECTION_DATE.format(village=village.label))
        )
        return None
    return village


def _judge(row: RowIn, village: Village, issues: list[Issue]) -> tuple[str, str] | None:
    """(category, flag) for a row the engine accepts; None (with an error) for one it refuses."""
    category = row.category or village.default_category
    is_village = village.kind == Region.Kind.VILLAGE
    if (category in _VILLAGE_CATEGORIES) != is_village:
        kind = "村" if is_village else "社区"
        issues.append(
            Issue(
                row.row,
                "登记类别",
                Category(category).label,
                MSG_CATEGORY_BODY.format(label=Category(category).label, kind=kind),
            )
        )
        return None
    verdict = village.check(category, row.birth_date)
    refused = [p for p in verdict.problems if p.code == "under_age"]
    if refused:
        for p in refused:
            issues.append(Issue(row.row, "出生日期", row.birth_date.isoformat(), p.message))
        return None
    doubts = [p.message for p in verdict.problems]
    if category in _NEEDS_REVIEW:
        doubts = [MSG_INCOMER_REVIEW]
    for message in doubts:
        issues.append(Issue(row.row, "登记类别", Category(category).label, message, "doubtful"))
    return category, "；".join(doubts)[:200]


# Seconds spent in each phase of the last run_pipeline (the bench prints them).
TIMINGS: dict[str, float] = {}


@contextmanager
def _timed(phase: str) -> Iterator[None]:
    t0 = time.perf_counter()
    try:
        yield
    finally:
        TIMINGS[phase] = TIMINGS.get(phase, 0.0) + time.perf_counter() - t0


def _query(sql: str, params: Iterable[Any] = (), phase: str = "sql") -> list[tuple[Any, ...]]:
    with _timed(phase), connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return list(cursor.fetchall())


def _execute(sql: str, params: Iterable[Any] = (), phase: str = "sql") -> int:
    with _timed(phase), connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.rowcount


MATCHED = "voters_import_matched"
NEW = "voters_import_new"


def _write(
    campaign: Campaign,
    villages: dict[str, Village],
    outcome: Outcome_,
    filename: str,
    actor: User | None = None,
    unchecked: bool = False,
) -> None:
    """Write the staged rows (no errors, no in-file duplicates left): new people, conflicts,
    registrations. Set-based, and shaped for a province's million rows:

    - the people the file names who are already known are joined once (``MATCHED``); only
      they can differ in name, be registered elsewhere or already be on this roll;
    - new people get their ids in file order (``NEW``: the roll's order within a group and a
      household's order follow the file), but go into the table in id_hash order, so the
      unique index on the keyed hash is filled left to right instead of at random places;
    - new people's registrations need no "already registered" check, and registrations go in
      person order: three of the table's four indexes lead with the person (or the id) and
      fill left to right; the (campaign, village, person) one at one place per village (a
      third less time than village order at a million rows).

    The people lock is held (RollLoad.write). `unchecked`: the two inserts run without the
    foreign keys' triggers (_Sink checks the references afterwards, set-based). Registrations
    are counted into `outcome.accepted`.
    """
    reg = VoterRegistration._meta.db_table
    person = Person._meta.db_table
    now = timezone.now()
    issues = outcome.issues
    postgres = connection.vendor == "postgresql"
    if postgres:
        # The sorts below hold a million rows; in memory they take a fraction of the time.
        _execute("SET LOCAL work_mem = '512MB'", (), phase="sql: settings")

    _execute(f"DROP TABLE IF EXISTS {MATCHED}", (), phase="sql: matched")
    _execute(
        f"""CREATE TEMP TABLE {MATCHED} {"ON COMMIT DROP" if postgres else ""} AS
            SELECT s.row_no, p.id AS person_id, p.name, p.died_on, p.rights_deprived_from,
                p.rights_deprived_until
            FROM {STAGE} s
            JOIN {person} p ON p.id_hash = s.id_hash""",
        (),
        phase="sql: matched",
    )
    if not postgres:
        # SQLite plans the joins on row_no below as nested loops: without these indexes a
        # county's file (every person known) would compare every row with every other.
        _execute(f"CREATE INDEX {STAGE}_row ON {STAGE} (row_no)", (), phase="sql: matched")
        _execute(f"CREATE INDEX {MATCHED}_row ON {MATCHED} (row_no)", (), phase="sql: matched")
    if _refuse_dead_or_deprived(villages, issues):
        return  # the file is rejected whole: nothing more to work out
    # Existing people whose name differs: the record is kept, the row is flagged.
    for row_no, masked, name in _query(
        f"""SELECT s.row_no, s.id_masked, m.name FROM {MATCHED} m
            JOIN {STAGE} s ON s.row_no = m.row_no WHERE m.name <> s.name""",
        (),
        phase="sql: names differ",
    ):
        issues.append(Issue(row_no, "姓名", masked, MSG_NAME_DIFFERS.format(name=name), "doubtful"))

    _execute(f"DROP TABLE IF EXISTS {NEW}", (), phase="sql: new ids")
    if postgres:
        # nextval is evaluated after the subquery's ORDER BY: ids follow the file.
        sequence = _query(
            "SELECT pg_get_serial_sequence(%s, 'id')", [person], phase="sql: new ids"
        )[0][0]
        next_id = f"nextval('{sequence}')"
    else:
        # SQLite: one writer at a time, so the ids after the largest ever given are ours.
        last_id = (
            _query(
                f"""SELECT MAX(n) FROM (SELECT MAX(id) AS n FROM {person}
                UNION ALL SELECT seq FROM sqlite_sequence WHERE name = %s)""",
                [person],
                phase="sql: new ids",
            )[0][0]
            or 0
        )
        next_id = f"{int(last_id)} + ROW_NUMBER() OVER (ORDER BY q.row_no)"
    _execute(
        f"""CREATE TEMP TABLE {NEW} {"ON COMMIT DROP" if postgres else ""} AS
            SELECT q.row_no, {next_id} AS person_id FROM (
                SELECT s.row_no FROM {STAGE} s
                WHERE NOT EXISTS (SELECT 1 FROM {MATCHED} m WHERE m.row_no = s.row_no)
                ORDER BY s.row_no) q""",
        (),
        phase="sql: new ids",
    )
    if postgres:
        _execute(f"ANALYZE {MATCHED}", (), phase="sql: new ids")
        _execute(f"ANALYZE {NEW}", (), phase="sql: new ids")
    else:
        _execute(f"CREATE INDEX {NEW}_row ON {NEW} (row_no)", (), phase="sql: new ids")

    with _unchecked(unchecked):
        _execute(
            f"""INSERT INTO {person} (id, id_cipher, id_hash, id_masked, name, sex, birth_date,
                ethnicity, region_id, group_name, household_no, created_at)
            SELECT n.person_id, s.id_cipher, s.id_hash, s.id_masked, s.name, s.sex, s.birth_date,
                s.ethnicity, s.village_id, s.group_name, s.household_no, %s
            FROM {NEW} n JOIN {STAGE} s ON s.row_no = n.row_no
            ORDER BY s.id_hash""",
            [now],
            phase="sql: insert person",
        )

    # Registered in another village of this campaign, or anywhere in a campaign of the same term
    # (one person, one village, one term: 村民委员会组织法(2025) 第十六条): the first registration
    # stands, this row becomes a conflict for the county.
    in_term, term = _same_term(campaign)
    _elsewhere(campaign, outcome, filename, actor)

    # Already in this village: unchanged when the same, flagged (not changed) when not.
    same = _query(
        f"""SELECT s.row_no, r.active, r.category, r.group_name, s.category, s.group_name
            FROM {MATCHED} m
            JOIN {STAGE} s ON s.row_no = m.row_no
            JOIN {reg} r ON r.person_id = m.person_id AND r.campaign_id = %s
                AND r.village_id = s.village_id""",
        [campaign.pk],
        phase="sql: same village",
    )
    for row_no, active, old_cat, old_group, new_cat, new_group in same:
        if active and old_cat == new_cat and old_group == new_group:
            outcome.unchanged += 1
            continue
        what = []
        if not active:
            what.append("已除名")
        if old_cat != new_cat:
            what.append(f"原登记类别：{Category(old_cat).label}")
        if old_group != new_group:
            what.append(f"原村民小组：{old_group or '（空）'}")
        issues.append(
            Issue(
                row_no,
                "登记类别",
                "",
                MSG_SAME_VILLAGE_DIFFERS.format(what="；".join(what)),
                "doubtful",
            )
        )

    with _unchecked(unchecked):
        outcome.accepted += _execute(
            f"""INSERT INTO {reg} (campaign_id, village_id, person_id, category, group_name, active,
                added_reason, removed_reason, flag, created_at)
            SELECT %s, s.village_id, k.person_id, s.category, s.group_name, %s, 'new', '',
                s.flag, %s
            FROM (SELECT row_no, person_id FROM {NEW}
                  UNION ALL
                  SELECT m.row_no, m.person_id FROM {MATCHED} m
                  JOIN {STAGE} t ON t.row_no = m.row_no
                  WHERE NOT EXISTS (SELECT 1 FROM {reg} r WHERE r.person_id = m.person_id
                      AND r.campaign_id IN ({in_term})
                      AND (r.active OR r.campaign_id = %s AND r.village_id = t.village_id))) k
            JOIN {STAGE} s ON s.row_no = k.row_no
            ORDER BY k.person_id""",
            [campaign.pk, True, now, *term, campaign.pk],
            phase="sql: insert registration",
        )


class _Elsewhere(NamedTuple):
    row_no: int
    masked: str
    first_id: int
    first_campaign: int
    first_village: str
    village_id: str
    category: str
    group_name: str
    person_id: int


def _same_term(campaign: Campaign) -> tuple[str, list[Any]]:
    """SQL (and its parameters) for the ids of the campaigns of `campaign`'s term: the one rule
    of registrations.overlapping_campaigns, compiled for the set-based writer."""
    sql, params = overlapping_campaigns(campaign).query.sql_with_params()
    return sql, list(params)


def _elsewhere(campaign: Campaign, outcome: Outcome_, filename: str, actor: User | None) -> None:
    """A doubtful issue and an open RegistrationConflict (unless one is open already) for each
    known person the file names who is active in another village of a campaign of the same term
    (overlapping windows, any county). One per row: this campaign's registration if there is one (at
    most one, by its unique index), else the oldest. Another county's village is named only to
    an actor whose area holds it, as voter_register does."""
    reg = VoterRegistration._meta.db_table
    in_term, term = _same_term(campaign)
    found: dict[int, _Elsewhere] = {}
    for values in _query(
        f"""SELECT s.row_no, s.id_masked, r.id, r.campaign_id, r.village_id, s.village_id,
                s.category, s.group_name, m.person_id
            FROM {MATCHED} m
            JOIN {STAGE} s ON s.row_no = m.row_no
            JOIN {reg} r ON r.person_id = m.person_id AND r.campaign_id IN ({in_term})
                AND r.active AND NOT (r.campaign_id = %s AND r.village_id = s.village_id)
            ORDER BY s.row_no, r.id""",
        [*term, campaign.pk],
        phase="sql: elsewhere",
    ):
        row = _Elsewhere(*values)
        kept = found.get(row.row_no)
        if kept is None or (kept.first_campaign != campaign.pk == row.first_campaign):
            found[row.row_no] = row
    if not found:
        return
    labels = _labels({row.first_village for row in found.values()})
    for row in sorted(found.values()):
        named = may_name(actor, row.first_village, row.village_id)
        message = (
            MSG_REGISTERED_ELSEWHERE.format(where=labels[row.first_village])
            if named
            else MSG_REGISTERED_OTHER_AREA
        )
        outcome.issues.append(Issue(row.row_no, "公民身份号码", row.masked, message, "doubtful"))
    outcome.conflicts = len(found)
    # The people a county's file names can be tens of thousands: a query per 900 of them
    # (SQLite caps a statement's parameters).
    open_: set[tuple[int, str]] = set()
    people = sorted({row.person_id for row in found.values()})
    for i in range(0, len(people), 900):
        open_.update(
            RegistrationConflict.objects.filter(
                campaign=campaign,
                status=RegistrationConflict.Status.OPEN,
                person_id__in=people[i : i + 900],
            ).values_list("person_id", "village_id")
        )
    source = f"导入：{filename}"[:200]
    conflicts = []
    for row in sorted(found.values()):
        if (row.person_id, row.village_id) in open_:
            continue
        open_.add((row.person_id, row.village_id))
        conflicts.append(
            RegistrationConflict(
                campaign=campaign,
                person_id=row.person_id,
                first_id=row.first_id,
                village_id=row.village_id,
                category=row.category,
                group_name=row.group_name,
                source=source,
            )
        )
    with _timed("sql: insert conflict"):
        RegistrationConflict.objects.bulk_create(conflicts, batch_size=1000)


def _as_date(value: Any) -> date | None:
    # SQLite hands raw queries' dates back as ISO text; PostgreSQL as dates.
    return date.fromisoformat(value) if isinstance(value, str) else value


def _refuse_dead_or_deprived(villages: dict[str, Village], issues: list[Issue]) -> bool:
    """An error per row naming a known person who is dead, or deprived of political rights, on
    their village's election day (村民委员会组织法(2025) 第十六条; 刑法 第五十四条、第五十五条).
    One query for the few known people with any status recorded; the engine judges the dates.
    True when any row was refused."""
    refused = False
    for row_no, masked, village_id, died_on, start, end in _query(
        f"""SELECT s.row_no, s.id_masked, s.village_id, m.died_on, m.rights_deprived_from,
                m.rights_deprived_until
            FROM {MATCHED} m JOIN {STAGE} s ON s.row_no = m.row_no
            WHERE m.died_on IS NOT NULL OR m.rights_deprived_from IS NOT NULL""",
        (),
        phase="sql: status",
    ):
        day = villages[village_id].election_date
        assert day is not None  # rows of a village without one were refused while staging
        died_on, start, end = _as_date(died_on), _as_date(start), _as_date(end)
        if not voter_rules.alive_on(died_on, day):
            assert died_on is not None
            message = MSG_DIED.format(day=cn_date(died_on))
        elif voter_rules.deprived_on(start, end, day):
            assert start is not None
            message = MSG_DEPRIVED.format(period=voter_rules.deprivation_text(start, end))
        else:
            continue
        issues.append(Issue(row_no, "公民身份号码", masked, message))
        refused = True
    return refused


def _labels(codes: set[str]) -> dict[str, str]:
    regions = Region.objects.filter(code__in=codes).select_related("parent")
    return {r.code: r.full_label for r in regions}


# ---------------------------------------------------------------------------------------------
# The services the views call: the upload lifecycle (uploads.services) with the roll importer.


def roll_import_preview(
    *,
    actor: User,
    campaign: Campaign,
    village: CampaignVillage | None = None,
    area: Region | None = None,
    upload: UploadedFile | Path,
    limits: Limits | None = None,
) -> ImportJob:
    """Store the upload and dry-run it: the job comes back in "preview" (ready to confirm) or
    "rejected" (with its message and problems); the roll is never touched. One village's file,
    or a town's or county's (`area`) file with a 村(社区)代码 column per row."""
    scope = village.region if village is not None else area
    if scope is None:
        raise ValidationError(MSG_DENIED)
    job = upload_preview(
        importer=ROLL, actor=actor, scope=scope, upload=upload, campaign=campaign, limits=limits
    )
    assert isinstance(job, ImportJob)
    return job


def roll_import_run(*, actor: User, job: ImportJob) -> ImportJob:
    """Confirm a previewed job: queue it for the background worker."""
    confirmed = upload_confirm(importer=ROLL, actor=actor, job=job)
    assert isinstance(confirmed, ImportJob)
    return confirmed
