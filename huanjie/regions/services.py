"""The write paths of the region tree: loading the national division files, correcting a kind.

`regions_load` reads the five gzipped CSV files of huanjie/regions/data (NBS 2023 统计用区划代码),
checks every row, stages the rows it keeps in a temporary table and merges them into
`Region` with one INSERT … ON CONFLICT statement, all in one transaction: a bad file changes
nothing, and a second load of the same files changes nothing either.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q

from huanjie.audit.services import audit_record
from huanjie.regions.kinds import VILLAGE, village_kind
from huanjie.regions.models import Region

DATA_DIR = Path(__file__).resolve().parent / "data"

# User-facing messages, defined once so that tests assert the exact text.
MISSING_FILE = "缺少区划文件 {path}"
UNREADABLE_FILE = "{file} 无法读取：{problem}"
BAD_HEADER = "{file} 第1行：表头应为“{expected}”，实为“{actual}”"
ROW_PROBLEM = "{file} 第{line}行 {field}：{problem}"
WRONG_COLUMNS = "应有{expected}列，实有{actual}列"
WRONG_CODE = "区划代码应为{digits}位数字，实为“{value}”"
DUPLICATE_CODE = "区划代码“{value}”重复"
EMPTY_NAME = "名称为空"
LONG_NAME = "名称超过{limit}个字"
NOT_A_PREFIX = "上级代码“{value}”与区划代码“{code}”不符"
NO_SUCH_PARENT = "上级代码“{value}”在 {parent_file} 中不存在"
UNKNOWN_CODE = "未找到区划代码 {code}"
KIND_NOT_VILLAGE_LEVEL = "只有村级单位才分村和社区，“{name}”是{level}单位"
KIND_INVALID = "类别应为“村”或“社区”，实为“{value}”"
KIND_REASON_REQUIRED = "请填写更正原因"
KIND_NOT_ALLOWED = "无权更正“{name}”的类别"

_NAME_LIMIT = Region._meta.get_field("name").max_length or 100
_STAGE = "huanjie_region_stage"
_STAGE_COLUMNS = ("code", "name", "short_name", "level", "parent_id", "kind", "kind_doubtful")

StagedRow = tuple[str, str, str, int, str | None, str, bool]


class RegionFileError(Exception):
    """A region file or a requested code that cannot be loaded. The message is for the user."""

    def __init__(self, message: str, *, file: str = "", line: int = 0, field: str = "") -> None:
        super().__init__(message)
        self.file = file
        self.line = line
        self.field = field


@dataclass(frozen=True)
class _FileSpec:
    filename: str
    level: int
    digits: int
    header: tuple[str, ...]  # code, name, then the ancestors' codes, the direct parent first

    @property
    def ancestor_digits(self) -> list[int]:
        return [_ANCESTOR_DIGITS[column] for column in self.header[2:]]


_ANCESTOR_DIGITS = {"provinceCode": 2, "cityCode": 4, "areaCode": 6, "streetCode": 9}
# One file per level. Each row names its direct parent and, redundantly, its other ancestors.
FILES: tuple[_FileSpec, ...] = (
    _FileSpec("provinces.csv.gz", 1, 2, ("code", "name")),
    _FileSpec("cities.csv.gz", 2, 4, ("code", "name", "provinceCode")),
    _FileSpec("areas.csv.gz", 3, 6, ("code", "name", "cityCode", "provinceCode")),
    _FileSpec("streets.csv.gz", 4, 9, ("code", "name", "areaCode", "provinceCode", "cityCode")),
    _FileSpec(
        "villages.csv.gz",
        5,
        12,
        ("code", "name", "streetCode", "provinceCode", "cityCode", "areaCode"),
    ),
)


@dataclass(frozen=True)
class LevelCount:
    read: int  # rows of this level in the file
    loaded: int  # of which inside the requested region (all of them without `under`)
    inserted: int
    updated: int

    @property
    def unchanged(self) -> int:
        return self.loaded - self.inserted - self.updated


@dataclass(frozen=True)
class LoadReport:
    under: str | None
    under_name: str
    levels: Mapping[int, LevelCount]
    villages: int  # village-level units of kind village inside the loaded region, after the load
    communities: int
    doubtful: int  # village-level units whose kind is a guess still to be checked by a person

    @property
    def read(self) -> int:
        return sum(c.read for c in self.levels.values())

    @property
    def loaded(self) -> int:
        return sum(c.loaded for c in self.levels.values())

    @property
    def inserted(self) -> int:
        return sum(c.inserted for c in self.levels.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.levels.values())

    @property
    def unchanged(self) -> int:
        return sum(c.unchanged for c in self.levels.values())

    def summary(self) -> str:
        scope = f"{self.under} {self.under_name}及其上下级" if self.under else "全国"
        levels = "、".join(
            f"{Region.Level(level).label}{count.loaded:,}" for level, count in self.levels.items()
        )
        return (
            f"{scope}：读取 {self.read:,} 行，载入 {self.loaded:,} 行"
            f"（新增 {self.inserted:,}，更新 {self.updated:,}，未变 {self.unchanged:,}）；"
            f"{levels}；村 {self.villages:,} 个，社区 {self.communities:,} 个，"
            f"类别存疑 {self.doubtful:,} 个"
        )

    def as_audit_changes(self) -> dict[str, Any]:
        return {
            "under": self.under or "",
            "read": self.read,
            "loaded": self.loaded,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "levels": {
                str(level): {"loaded": c.loaded, "inserted": c.inserted, "updated": c.updated}
                for level, c in self.levels.items()
            },
            "villages": self.villages,
            "communities": self.communities,
            "doubtful": self.doubtful,
        }


def regions_load(
    *, actor: Any | None = None, under: str | None = None, data_dir: Path | None = None
) -> LoadReport:
    """Load the division files into `Region`: everything, or `under` with its ancestors and
    descendants only. Idempotent; a hand-corrected kind survives. Raises RegionFileError with a
    Chinese message naming file, row and field, before anything is saved.
    """
    under = (under or "").strip() or None
    directory = Path(data_dir) if data_dir is not None else DATA_DIR
    paths = [directory / spec.filename for spec in FILES]
    for path in paths:
        if not path.is_file():
            raise RegionFileError(MISSING_FILE.format(path=path), file=path.name)
    reader = _Reader(under)
    with transaction.atomic():
        _lock_regions()
        _stage_create()
        _stage_write(reader.rows(paths))
        if under and not reader.under_name:
            raise RegionFileError(UNKNOWN_CODE.format(code=under), field="under")
        compared = _stage_compare()
        _stage_merge()
        _stage_drop()
        in_scope = Q(level=Region.Level.VILLAGE)
        if under:
            in_scope &= Q(code__startswith=under)
        totals = Region.objects.filter(in_scope).aggregate(
            villages=Count("code", filter=Q(kind=VILLAGE)),
            units=Count("code"),
            doubtful=Count("code", filter=Q(kind_doubtful=True)),
        )
        levels: dict[int, LevelCount] = {}
        for spec in FILES:
            loaded, inserted, updated = compared.get(spec.level, (0, 0, 0))
            levels[spec.level] = LevelCount(reader.read[spec.level], loaded, inserted, updated)
        report = LoadReport(
            under=under,
            under_name=reader.under_name,
            levels=levels,
            villages=totals["villages"],
            communities=totals["units"] - totals["villages"],
            doubtful=totals["doubtful"],
        )
        audit_record(
            actor=actor,
            action="regions.load",
            object_type="regions.region",
            object_id=under or "",
            object_repr=reader.under_name or "全国",
            changes=report.as_audit_changes(),
            message=report.summary(),
        )
    return report


def region_kind_correct(*, actor: Any, region: Region, kind: str, reason: str) -> Region:
    """Set a village-level unit's kind by hand. The loader keeps it from then on."""
    from huanjie.accounts.permissions import Action, audit_denied, can, in_scope

    # SECURITY.md C1/C3: the service refuses by itself, not only behind the view's check.
    if not can(actor, Action.CORRECT_REGION_KIND) or not in_scope(actor, region.code):
        audit_denied(actor, Action.CORRECT_REGION_KIND, obj=region)
        raise ValidationError(KIND_NOT_ALLOWED.format(name=region.display_name), code="denied")
    if not region.is_village_level:
        raise ValidationError(
            KIND_NOT_VILLAGE_LEVEL.format(
                name=region.display_name, level=region.get_level_display()
            ),
            code="not_village_level",
        )
    if kind not in Region.Kind.values:
        raise ValidationError(KIND_INVALID.format(value=kind), code="invalid_kind")
    reason = reason.strip()
    if not reason:
        raise ValidationError(KIND_REASON_REQUIRED, code="reason_required")
    with transaction.atomic():
        old = Region.objects.select_for_update().values_list("kind", flat=True).get(pk=region.pk)
        region.kind = kind
        region.kind_corrected = True
        region.kind_doubtful = False
        region.save(update_fields=["kind", "kind_corrected", "kind_doubtful"])
        audit_record(
            actor=actor,
            action="region.kind_correct",
            obj=region,
            changes={"kind": [old, kind]},
            message=reason,
        )
    return region


class _Reader:
    """Reads and checks the five files in level order, yielding the rows to stage.

    Every row of every file is checked, also when only one region is loaded: a file with a bad
    row anywhere is refused as a whole.
    """

    def __init__(self, under: str | None) -> None:
        self.under = under or ""
        self.under_name = ""
        self.read: dict[int, int] = {}

    def rows(self, paths: Iterable[Path]) -> Iterator[StagedRow]:
        parents: set[str] = set()
        parent_file = ""
        under = self.under
        for spec, path in zip(FILES, paths, strict=True):
            codes: set[str] = set()
            check = _RowCheck(spec, codes, parents, parent_file)
            with _open_csv(path, spec) as reader:
                for row in reader:
                    try:
                        code, name, parent = check(row)
                    except _RowProblem as exc:
                        line = reader.line_num
                        text = ROW_PROBLEM.format(
                            file=spec.filename, line=line, field=exc.column, problem=exc
                        )
                        raise RegionFileError(
                            text, file=spec.filename, line=line, field=exc.column
                        ) from None
                    codes.add(code)
                    if under and not (code.startswith(under) or under.startswith(code)):
                        continue
                    if code == under:
                        self.under_name = name
                    if spec.level == Region.Level.VILLAGE:
                        guess = village_kind(name, code)
                        doubtful = not guess.certain
                        yield (code, name, guess.short_name, 5, parent, guess.kind, doubtful)
                    else:
                        yield (code, name, name, spec.level, parent, "", False)
            self.read[spec.level] = len(codes)
            parents, parent_file = codes, spec.filename


class _RowCheck:
    """Checks one row of a file: the code, the name, the ancestors' codes."""

    def __init__(
        self, spec: _FileSpec, codes: set[str], parents: set[str], parent_file: str
    ) -> None:
        self.spec = spec
        self.width = len(spec.header)
        self.digits = spec.digits
        self.ancestors = spec.ancestor_digits
        self.codes = codes
        self.parents = parents
        self.parent_file = parent_file

    def __call__(self, row: list[str]) -> tuple[str, str, str | None]:
        """The row's code, name and parent code; _RowProblem names the first problem."""
        if len(row) != self.width:
            raise _RowProblem("列数", WRONG_COLUMNS.format(expected=self.width, actual=len(row)))
        code = row[0]
        if len(code) != self.digits or not code.isdigit() or not code.isascii():
            raise _RowProblem("code", WRONG_CODE.format(digits=self.digits, value=code))
        if code in self.codes:
            raise _RowProblem("code", DUPLICATE_CODE.format(value=code))
        name = row[1].strip()
        if not name:
            raise _RowProblem("name", EMPTY_NAME)
        if len(name) > _NAME_LIMIT:
            raise _RowProblem("name", LONG_NAME.format(limit=_NAME_LIMIT))
        if not self.ancestors:
            return code, name, None
        # The ancestors' codes must be the code's own prefixes ("630121100" of "630121100206").
        expected = [code[:digits] for digits in self.ancestors]
        if row[2:] != expected:
            for column, value, wanted in zip(self.spec.header[2:], row[2:], expected, strict=True):
                if value != wanted:
                    raise _RowProblem(column, NOT_A_PREFIX.format(value=value, code=code))
        parent = expected[0]
        if parent not in self.parents:
            text = NO_SUCH_PARENT.format(value=parent, parent_file=self.parent_file)
            raise _RowProblem(self.spec.header[2], text)
        return code, name, parent


class _RowProblem(Exception):
    """A problem in the current row; the reader adds the file name and the line number."""

    def __init__(self, column: str, problem: str) -> None:
        super().__init__(problem)
        self.column = column


@contextmanager
def _open_csv(path: Path, spec: _FileSpec) -> Iterator[Any]:
    """A csv reader over the gzipped file, past its checked header. Undecodable bytes, a broken
    gzip stream or bad CSV quoting become a RegionFileError naming the file."""
    try:
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, [])
            if tuple(header) != spec.header:
                expected, actual = ",".join(spec.header), ",".join(header)
                raise RegionFileError(
                    BAD_HEADER.format(file=spec.filename, expected=expected, actual=actual),
                    file=spec.filename,
                    line=1,
                )
            yield reader
    except (OSError, EOFError, UnicodeDecodeError, csv.Error) as exc:
        raise RegionFileError(
            UNREADABLE_FILE.format(file=spec.filename, problem=_describe(exc)), file=spec.filename
        ) from exc


def _describe(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "不是UTF-8编码"
    if isinstance(exc, gzip.BadGzipFile):
        return "不是gzip压缩文件"
    if isinstance(exc, EOFError):
        return "文件不完整（压缩数据被截断）"
    return str(exc)


# The staging table and the merge. The same SQL runs on PostgreSQL and SQLite (3.24+ for the
# upsert); only the bulk write differs: COPY on PostgreSQL, executemany on SQLite.


def _lock_regions() -> None:
    if connection.vendor == "postgresql":
        # One load at a time; readers go on reading the old rows until the commit.
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Region._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
    # SQLite runs IMMEDIATE transactions (settings): one writer at a time already.


def _stage_create() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_STAGE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_STAGE} ("
            "code varchar(12) NOT NULL, name varchar(100) NOT NULL,"
            " short_name varchar(100) NOT NULL, level smallint NOT NULL,"
            " parent_id varchar(12) NULL, kind varchar(10) NOT NULL,"
            " kind_doubtful boolean NOT NULL)"
        )


def _stage_write(rows: Iterator[StagedRow]) -> None:
    columns = ", ".join(_STAGE_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # psycopg 3's COPY through Django's own connection, so it shares the transaction.
            with cursor.cursor.copy(f"COPY {_STAGE} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(_STAGE_COLUMNS))
            sql = f"INSERT INTO {_STAGE} ({columns}) VALUES ({placeholders})"
            while batch := list(islice(rows, 20_000)):
                cursor.executemany(sql, batch)


def _changed(old: str, new: str) -> str:
    """SQL that is true when the staged row `new` would change the saved row `old`.

    A kind corrected by hand is kept, so its kind and doubt are not compared.
    """
    return (
        f"({old}.name <> {new}.name OR {old}.short_name <> {new}.short_name"
        f" OR {old}.level <> {new}.level"
        f" OR COALESCE({old}.parent_id, '') <> COALESCE({new}.parent_id, '')"
        f" OR (NOT {old}.kind_corrected AND ({old}.kind <> {new}.kind"
        f" OR {old}.kind_doubtful <> {new}.kind_doubtful)))"
    )


def _stage_compare() -> dict[int, tuple[int, int, int]]:
    """Per level: staged rows, rows new to the table, rows the merge will change."""
    table = Region._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.level, COUNT(*),"
            f" SUM(CASE WHEN r.code IS NULL THEN 1 ELSE 0 END),"
            f" SUM(CASE WHEN r.code IS NOT NULL AND {_changed('r', 's')} THEN 1 ELSE 0 END)"
            f" FROM {_STAGE} s LEFT JOIN {table} r ON r.code = s.code"
            f" GROUP BY s.level"
        )
        return {
            int(level): (int(n), int(new or 0), int(changed or 0))
            for level, n, new, changed in cursor.fetchall()
        }


def _stage_merge() -> None:
    """Insert the new rows and update the changed ones, in one statement.

    The join leaves out the unchanged rows before the upsert, so a reload of the same files costs
    one join instead of an attempted insert per row; the WHERE of DO UPDATE says the same again
    for the rows that do conflict.
    """
    table = Region._meta.db_table
    columns = ", ".join(_STAGE_COLUMNS)
    staged = ", ".join(f"s.{column}" for column in _STAGE_COLUMNS)
    keep_corrected = ", ".join(
        f"{column} = CASE WHEN {table}.kind_corrected THEN {table}.{column} ELSE excluded.{column} END"
        for column in ("kind", "kind_doubtful")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}, kind_corrected)"
            f" SELECT {staged}, false FROM {_STAGE} s LEFT JOIN {table} r ON r.code = s.code"
            f" WHERE r.code IS NULL OR {_changed('r', 's')}"
            f" ON CONFLICT (code) DO UPDATE SET name = excluded.name,"
            f" short_name = excluded.short_name, level = excluded.level,"
            f" parent_id = excluded.parent_id, {keep_corrected}"
            f" WHERE {_changed(table, 'excluded')}"
        )


def _stage_drop() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {_STAGE}")
