"""Reading the rows of an uploaded sheet against a schema: the header (title rows above it,
merged and two-row headers, column synonyms), the cells (text, numbers, dates, formulas) and
every problem as (row, column, value as shown, Chinese message, error or doubtful).

Pure Python; the file itself (its kind, its safety checks, its rows) is ``lib.workbooks``.
An import declares its columns once, as a ``Schema``; the same schema names the template's
columns and drop-down lists.

    >>> schema = Schema((Column("name", "姓名", ("名字",), required=True),
    ...                  Column("id_number", "公民身份号码", ("身份证号", "身份证号码"),
    ...                         required=True, masked=True)))
    >>> schema.field_of(" 身份证号码（必填）"), schema.field_of("序号"), schema.field_of("籍贯")
    ('id_number', '', None)
    >>> parse_date("2024.1.1"), parse_date("2024年1月1日"), parse_date(45292.0)
    (datetime.date(2024, 1, 1), datetime.date(2024, 1, 1), datetime.date(2024, 1, 1))
    >>> parse_date("20240101"), parse_date("1990年3月")
    (datetime.date(2024, 1, 1), (1990, 3))
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any, Final

from huanjie.lib import idcard, names
from huanjie.lib.workbooks import HEADER_SEARCH_ROWS, ImportRefused, Sheet

MSG_NO_HEADER = "前{n}行中找不到表头：表头须包含{columns}列"
MSG_MISSING_COLUMNS = "缺少必需的列：{columns}"
MSG_DUPLICATE_COLUMN = "“{label}”列出现了两次（第{a}列和第{b}列），请删除其中一列"
MSG_MERGED_DATA = "第{first}行至第{last}行的“{label}”是合并单元格，请取消合并，每人一行分别填写"
MSG_NO_ROWS = "表头下面没有数据行"
MSG_FORMULA = "单元格是公式“{text}”，请粘贴为数值后再导入"
MSG_TOO_LONG = "“{label}”超过{n}个字"

# Columns every schema knows and reads nothing from.
IGNORED_LABELS: Final = ("序号", "编号", "No.", "No")


@dataclass(frozen=True)
class Column:
    """One column an import reads: its key, the label the template writes, the other labels
    people write, whether the file must have it; `masked`: values are ID numbers, shown masked
    in every problem. `width`, `note` and `choices` (a drop-down list) shape the template;
    `text`: the template formats the column as text (an ID number must never become a number
    Excel cuts to 15 digits)."""

    key: str
    label: str
    synonyms: tuple[str, ...] = ()
    required: bool = False
    masked: bool = False
    width: int = 12
    note: str = ""
    choices: tuple[str, ...] = ()
    text: bool = False
    template: bool = True  # written in the template (a column only for area files may not be)


def clean_label(text: str) -> str:
    """A header or choice cell as compared: NFKC, no spaces, no leading/trailing * or colon."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if not ch.isspace()).strip("*＊:：").lower()


# The two columns every file about people has: the ID number (masked in every problem, a text
# column in the template) and the name.
ID_COLUMN: Final = Column(
    "id_number",
    "公民身份号码",
    (
        "身份证号",
        "身份证号码",
        "证件号码",
        "身份证",
        "公民身份证号码",
        "身份证件号码",
        "居民身份证号码",
    ),
    required=True,
    masked=True,
    width=22,
    note="必填，18位，本列已设为文本",
    text=True,
)
NAME_COLUMN: Final = Column(
    "name", "姓名", ("名字",), required=True, note="必填；少数民族姓名的间隔号写作·"
)

_NOTE_IN_BRACKETS = re.compile(r"[(\[【][^()\[\]【】]*[)\]】]$")


@dataclass(frozen=True)
class Schema:
    columns: tuple[Column, ...]
    # The message for a file without a header, when the default naming the required columns
    # is not the one users know.
    no_header: str = ""

    @cached_property
    def _index(self) -> dict[str, str]:
        index = {clean_label(label): "" for label in IGNORED_LABELS}
        for column in self.columns:
            for label in (column.label, *column.synonyms):
                index[clean_label(label)] = column.key
        return index

    @cached_property
    def by_key(self) -> dict[str, Column]:
        return {c.key: c for c in self.columns}

    def label(self, key: str) -> str:
        return self.by_key[key].label

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns if c.required)

    def field_of(self, label: object) -> str | None:
        """The key a header cell names ("" for known columns that carry nothing, such as 序号),
        or None for a column this schema does not read. A trailing note in brackets
        ("（必填）") is ignored."""
        if not isinstance(label, str):
            return None
        text = clean_label(label)
        if not text:
            return None
        while True:
            if text in self._index:
                return self._index[text]
            shorter = _NOTE_IN_BRACKETS.sub("", text).strip("*:")
            if shorter == text or not shorter:
                return None
            text = shorter


# ---------------------------------------------------------------------------------------------
# The header.


@dataclass(frozen=True)
class Header:
    row: int  # the row number of the header (the last one, for a two-row header)
    columns: dict[str, int]  # key -> column index
    unknown: tuple[str, ...]  # labels of columns nothing reads


def find_header(first_rows: list[tuple[int, list[Any]]], schema: Schema) -> Header:
    """The header among the first rows: the row naming the most of the schema's columns, which
    must include the required ones. A title row above it is skipped; a header cell merged down
    over two rows (its value in the row above) and a grouped header (基本信息 over 姓名/性别)
    work."""

    def labels(i: int) -> list[Any]:
        cells = first_rows[i][1]
        above = first_rows[i - 1][1] if i > 0 else []
        return [
            (above[c] if c < len(above) else "") if c >= len(cells) or blank(cells[c]) else cells[c]
            for c in range(max(len(cells), len(above)))
        ]

    required = schema.required
    no_header = schema.no_header or MSG_NO_HEADER.format(
        n=HEADER_SEARCH_ROWS, columns="和".join(f"“{schema.label(k)}”" for k in required)
    )
    best: tuple[int, int] | None = None  # (score, index)
    for i in range(min(len(first_rows), HEADER_SEARCH_ROWS)):
        found = {schema.field_of(c) for c in labels(i)} - {None, ""}
        if found and (best is None or len(found) > best[0]):
            best = (len(found), i)
    if best is None:
        raise ImportRefused(no_header)
    index = best[1]
    columns: dict[str, int] = {}
    unknown: list[str] = []
    for col, raw in enumerate(labels(index)):
        key = schema.field_of(raw)
        if key is None:
            if not blank(raw):
                unknown.append(str(raw).strip())
            continue
        if not key:
            continue
        if key in columns:
            raise ImportRefused(
                MSG_DUPLICATE_COLUMN.format(label=schema.label(key), a=columns[key] + 1, b=col + 1)
            )
        columns[key] = col
    missing = [schema.label(k) for k in required if k not in columns]
    if missing:
        if len(missing) == len(required):
            raise ImportRefused(no_header)
        raise ImportRefused(MSG_MISSING_COLUMNS.format(columns="、".join(missing)))
    return Header(first_rows[index][0], columns, tuple(unknown))


def read_header(sheet: Sheet, schema: Schema) -> tuple[Header, Iterator[tuple[int, list[Any]]]]:
    """The sheet's header and an iterator over the data rows below it (blank rows included:
    the caller counts what it reads). Merged cells in the data are refused (`merged_data`)."""
    first: list[tuple[int, list[Any]]] = []
    for item in sheet.rows:
        first.append(item)
        if len(first) >= HEADER_SEARCH_ROWS:
            break
    header = find_header(first, schema)
    merged_data(sheet, header, schema)

    def data_rows() -> Iterator[tuple[int, list[Any]]]:
        for number, cells in first:
            if number > header.row:
                yield number, cells
        yield from sheet.rows

    return header, data_rows()


def merged_data(sheet: Sheet, header: Header, schema: Schema) -> None:
    """Refuse merged cells below the header: a merged cell holds one value for several people,
    and which ones is a guess we will not make."""
    by_col = {col: key for key, col in header.columns.items()}
    for r0, c0, r1, c1 in sheet.merged:
        if r1 <= header.row or r0 == r1:
            continue
        for col in range(c0, c1 + 1):
            if col in by_col:
                raise ImportRefused(
                    MSG_MERGED_DATA.format(
                        first=max(r0, header.row + 1), last=r1, label=schema.label(by_col[col])
                    )
                )


# ---------------------------------------------------------------------------------------------
# Cells.


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_blank_row(cells: list[Any]) -> bool:
    return all(blank(c) for c in cells)


_EXCEL_EPOCH: Final = date(1899, 12, 30)  # serial 1 = 1900-01-01, past Excel's 1900 leap bug
_DATE_TEXT = re.compile(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*(?:[-./月]\s*(\d{1,2})\s*日?)?\s*月?")


def parse_date(value: object) -> date | tuple[int, int] | None:
    """A date cell, a serial number or text; (year, month) for "1990年3月" (出生年月); None
    when it is not a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466 and float(value).is_integer():
            return _EXCEL_EPOCH + timedelta(days=int(value))
        return None
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    if len(text) == 8 and text.isascii() and text.isdigit():
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            return None
    m = _DATE_TEXT.fullmatch(text)
    if not m:
        return None
    year, month = int(m[1]), int(m[2])
    if m[3] is None:
        return (year, month) if 1 <= month <= 12 else None
    try:
        return date(year, month, int(m[3]))
    except ValueError:
        return None


# Control characters (a NUL, a bell) that a file can carry and no person typed: never stored.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def cell_text(value: object) -> str:
    r"""A cell as text: numbers without a spurious ".0", dates as ISO, control characters gone.

    >>> cell_text(" 第一\x00组 "), cell_text(1990.0)
    ('第一组', '1990')
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return _CONTROL.sub("", str(value)).strip()


@dataclass(frozen=True)
class Issue:
    row: int
    field: str  # the Chinese column label
    value: str  # as shown to users: an ID number is masked
    message: str
    level: str = "error"  # "error": the file is refused; "doubtful": imported, flagged

    def __post_init__(self) -> None:
        # A value typed in the wrong column (an ID number under 姓名, columns shuffled) is
        # echoed by its message: whatever could be an ID number is masked, in every import.
        object.__setattr__(self, "value", idcard.redact(self.value))
        object.__setattr__(self, "message", idcard.redact(self.message))

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "field": self.field,
            "value": self.value,
            "message": self.message,
            "level": self.level,
        }


@dataclass
class FileOutcome:
    """What a file does (or would do): its data rows, every problem by row, the columns it had
    that nothing reads. Each import adds its own counts."""

    total: int = 0
    issues: list[Issue] = field(default_factory=list)
    unknown_columns: tuple[str, ...] = ()

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "error"]

    @property
    def rejected_rows(self) -> int:
        return len({i.row for i in self.errors})

    @property
    def doubtful_rows(self) -> int:
        return len(
            {i.row for i in self.issues if i.level == "doubtful"} - {i.row for i in self.errors}
        )


def masked(value: object) -> str:
    return idcard.mask(cell_text(value)) if not blank(value) else ""


class RowReader:
    """The cells of one data row by key: text stripped, None when the column is absent; a
    formula is never evaluated: it is reported (its text, an ID number masked) and read as
    None (SECURITY.md V7). Issues go to `issues`."""

    __slots__ = ("cells", "columns", "issues", "number", "schema")

    def __init__(
        self, schema: Schema, columns: dict[str, int], number: int, cells: list[Any]
    ) -> None:
        self.schema, self.columns, self.number, self.cells = schema, columns, number, cells
        self.issues: list[Issue] = []

    def get(self, key: str) -> Any:
        col = self.columns.get(key)
        if col is None or col >= len(self.cells):
            return None
        value = self.cells[col]
        if isinstance(value, str):
            value = value.strip()
            if value.startswith("="):
                column = self.schema.by_key[key]
                shown = masked(value) if column.masked else value[:30]
                self.problem(key, shown, MSG_FORMULA.format(text=shown))
                return None
        return value

    def text(self, key: str, limit: int | None = None) -> str:
        """The cell as text; longer than `limit` characters is an error."""
        text = cell_text(self.get(key))
        if limit is not None and len(text) > limit:
            label = self.schema.label(key)
            self.problem(key, text[:20], MSG_TOO_LONG.format(label=label, n=limit))
        return text

    def id_number(self, key: str = "id_number", *, sex: str | None = None) -> idcard.IdCheck:
        """The ID number cell checked (lib.idcard: check digit, date, a stated sex, a number
        Excel cut to 15 digits); each problem reported with the value masked."""
        raw = self.get(key)
        raw = None if blank(raw) else raw
        checked = idcard.check(raw, sex=sex)
        shown = masked(raw) if raw is not None else ""
        for p in checked.problems:
            self.problem(key, shown, p.message)
        return checked

    def name(self, key: str = "name", *, check: bool = True) -> str:
        """The name as the one name rule stores it (lib.names: the middle dot as clerks type
        it); with `check`, refused as name_problem says, else only when empty."""
        name = names.normalize_name(cell_text(self.get(key)))
        problem = names.name_problem(name) if check else (None if name else names.MSG_NAME_EMPTY)
        if problem:
            self.problem(key, name[:50], problem)
        return name

    def problem(self, key: str, value: str, message: str, level: str = "error") -> None:
        self.issues.append(Issue(self.number, self.schema.label(key), value, message, level))


Check = Callable[[int, list[Any]], Any]
