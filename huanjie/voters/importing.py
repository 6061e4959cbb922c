"""A voter roll file's columns (``ROLL_SCHEMA``) and each row's own checks (``read_row``, and
``FastReader`` for the common row). No database here: the roll importer (``imports``) does the
cross-row and cross-village work, so the bench and the tests can drive this directly.

    >>> ROLL_SCHEMA.field_of(" 身份证号码（必填）"), ROLL_SCHEMA.field_of("组别")
    ('id_number', 'group_name')
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Final

from huanjie.lib import ethnicity, idcard, names
from huanjie.lib.sheets import (
    ID_COLUMN,
    NAME_COLUMN,
    Column,
    Issue,
    RowReader,
    Schema,
    blank,
    cell_text,
    clean_label,
    parse_date,
)
from huanjie.lib.workbooks import HEADER_SEARCH_ROWS

MSG_NO_HEADER = "前{n}行中找不到表头：表头须包含“姓名”和“公民身份号码”（或“身份证号”）列"
MSG_NAME_EMPTY = names.MSG_NAME_EMPTY
MSG_NAME_BAD = names.MSG_NAME_BAD
MSG_NAME_LONG = names.MSG_NAME_LONG
MSG_SEX_BAD = "性别“{value}”无法识别，应填“男”或“女”"
MSG_ETHNICITY_BAD = "民族“{value}”无法识别，请填写规范的民族名称（如“汉族”“回族”）"
MSG_BIRTH_BAD = "出生日期“{value}”无法识别，请写成 1990-01-01 或 1990年1月1日"
MSG_BIRTH_MISMATCH = "出生日期{value}与身份证号中的出生日期{id_birth}不符"
MSG_CATEGORY_BAD = "登记类别“{value}”无法识别，应为下拉列表中的一项"

ROLL_SCHEMA: Final = Schema(
    (
        replace(NAME_COLUMN, synonyms=("名字", "选民姓名")),
        ID_COLUMN,
        Column("sex", "性别", choices=("男", "女"), width=8, note="男/女"),
        Column(
            "ethnicity",
            "民族",
            choices=tuple(ethnicity.ETHNICITIES.values()),
            note="如：汉族、回族、土族",
        ),
        Column(
            "birth_date",
            "出生日期",
            ("出生年月", "出生年月日", "生日"),
            width=14,
            note="如：1990-01-01，可不填（按身份证号）",
        ),
        Column("group_name", "村民小组", ("小组", "组别", "居民小组", "组", "所在小组"), width=14),
        Column(
            "category",
            "登记类别",
            ("类别", "选民类别", "登记情形"),
            width=40,
            note="不填视为户籍在本村并且在本村居住（社区：户籍在本社区）",
        ),
        Column("household_no", "户号", ("户编号",), width=10),
        Column("note", "备注", ("说明",), width=20),
        Column(
            "village",
            "村(社区)代码",
            ("村代码", "社区代码", "村(社区)", "村(居)", "所在村", "村", "社区"),
            width=16,
            note="按乡镇或全县导入时必填：12位区划代码或村(社区)名称",
            template=False,
        ),
    ),
    no_header=MSG_NO_HEADER.format(n=HEADER_SEARCH_ROWS),
)
FIELD_LABELS: Final[dict[str, str]] = {c.key: c.label for c in ROLL_SCHEMA.columns}

_SEX: Final = {"男": "M", "女": "F", "M": "M", "F": "F", "男性": "M", "女性": "F"}


@dataclass(frozen=True, slots=True)
class RowIn:
    """One row after its own checks (what the database still has to decide is elsewhere)."""

    row: int
    id_number: str
    name: str
    sex: str
    birth_date: date
    ethnicity: str
    group_name: str
    category: str  # a Category code, or "" for the village's default
    household_no: str
    village: str  # the cell of the 村(社区) column, "" when absent


def read_row(
    number: int, cells: list[Any], columns: dict[str, int], categories: dict[str, str]
) -> tuple[RowIn | None, list[Issue]]:
    """(RowIn or None, issues) for one data row. `categories` maps labels and codes to codes."""
    cell = RowReader(ROLL_SCHEMA, columns, number, cells)
    raw_sex = cell.get("sex")
    sex = _SEX.get(cell_text(raw_sex)) if not blank(raw_sex) else None
    if not blank(raw_sex) and sex is None:
        text = cell_text(raw_sex)
        cell.problem("sex", text, MSG_SEX_BAD.format(value=text))
    checked = cell.id_number(sex={"M": "男", "F": "女"}.get(sex or ""))
    name = cell.name()

    code = "01"
    raw_eth = cell.get("ethnicity")
    if not blank(raw_eth):
        text = cell_text(raw_eth)
        found = ethnicity.code_of(text)
        if found is None:
            cell.problem("ethnicity", text, MSG_ETHNICITY_BAD.format(value=text))
        else:
            code = found

    raw_birth = cell.get("birth_date")
    if not blank(raw_birth):
        parsed = parse_date(raw_birth)
        shown = cell_text(raw_birth)
        if parsed is None:
            cell.problem("birth_date", shown, MSG_BIRTH_BAD.format(value=shown))
        elif checked.birth_date is not None:
            b = checked.birth_date
            same = parsed == (b.year, b.month) if isinstance(parsed, tuple) else parsed == b
            if not same:
                stated = f"{parsed[0]}年{parsed[1]}月" if isinstance(parsed, tuple) else parsed
                cell.problem(
                    "birth_date",
                    shown,
                    MSG_BIRTH_MISMATCH.format(value=stated, id_birth=b.isoformat()),
                )

    category = ""
    raw_cat = cell.get("category")
    if not blank(raw_cat):
        text = cell_text(raw_cat)
        category = categories.get(clean_label(text), "")
        if not category:
            cell.problem("category", text, MSG_CATEGORY_BAD.format(value=text))

    group = cell.text("group_name", 50)
    household = cell.text("household_no", 30)
    village = cell.text("village", 100)

    issues = cell.issues
    if issues or checked.birth_date is None or checked.sex is None:
        return None, issues
    return (
        RowIn(
            number,
            checked.normalized,
            name,
            checked.sex,
            checked.birth_date,
            code,
            group,
            category,
            household,
            village,
        ),
        issues,
    )


def category_lookup(choices: list[tuple[str, str]]) -> dict[str, str]:
    """Labels and codes (cleaned as header labels are) to codes."""
    index: dict[str, str] = {}
    for code, label in choices:
        index[clean_label(code)] = code
        index[clean_label(label)] = code
    return index


# ---------------------------------------------------------------------------------------------
# The fast path: the common row (all text, an 18-digit ID, ISO or blank birth date, known
# values) read in one tight function with the column indexes resolved once. It answers only
# when read_row would accept the row without a single issue, and then with exactly what
# read_row would return; anything else (None) goes through read_row for the full checks and
# the messages. Bench: ~4x faster than read_row per row.

_ID_CHECK_CHARS: Final = idcard.CHECK_CHARS
_fromisoformat = date.fromisoformat


def _id_birth(digits: str) -> tuple[date, str] | None:
    """The birth date in an ID number's digits 7-14, with its ISO text; None when the fast
    path leaves it to read_row."""
    try:
        birth = _fromisoformat(digits)
    except ValueError:
        return None
    if not idcard.EARLIEST_BIRTH_YEAR <= birth.year < 2026:
        return None  # the full check compares later years with today
    return birth, birth.isoformat()


class FastReader:
    def __init__(self, columns: dict[str, int], categories: dict[str, str]) -> None:
        def col(key: str) -> int:
            return columns.get(key, -1)

        self._cols = tuple(
            col(k)
            for k in (
                "id_number",
                "sex",
                "name",
                "ethnicity",
                "birth_date",
                "category",
                "group_name",
                "household_no",
                "village",
            )
        )
        self._width = max(self._cols) + 1
        # The nine cells at once; a missing column reads the "" put after the row's cells.
        getter = operator.itemgetter(*(c if c >= 0 else -1 for c in self._cols))
        if min(self._cols) >= 0:
            self._pick: Callable[[list[Any]], tuple[Any, ...]] = getter
        else:
            pad = [""]
            self._pick = lambda cells: getter(cells + pad)  # type: ignore[no-any-return]
        self._categories = categories
        self._ethnicity: dict[str, str | None] = {}
        self._category: dict[str, str | None] = {}
        self._births: dict[str, date | tuple[int, int] | None] = {}
        # An ID number's eight birth digits → (the date, ISO) or None; a few tens of thousands.
        self._id_births: dict[str, tuple[date, str] | None] = {}

    def read(self, cells: list[Any]) -> tuple[str, str, str, date, str, str, str, str, str] | None:
        """(id_number, name, sex, birth_date, ethnicity, group_name, category, household_no,
        village) as read_row's RowIn would have them, or None: ask read_row."""
        if len(cells) < self._width:
            return None
        texts = self._pick(cells)
        try:
            joined = "".join(texts)  # every cell text, or a TypeError
        except TypeError:
            return None  # a number or a date from a spreadsheet: read_row's business
        if not joined.isprintable():
            return None  # a control character, a tab, a line break, a wide space: read_row's
        if " " in joined:
            texts = tuple([v.strip() for v in texts])
        if "=" in joined and any(v[:1] == "=" for v in texts):
            return None  # a formula: read_row's business
        raw_id, raw_sex, name, raw_eth, raw_birth, raw_cat, group, house, village = texts

        # 公民身份号码: what idcard.check accepts without a problem, 18 characters only.
        if len(raw_id) != 18 or not raw_id.isascii():
            return None
        first17 = raw_id[:17]
        last = raw_id[17]
        if last == "x":
            last = "X"
        if not first17.isdigit() or _ID_CHECK_CHARS[(2 * int(first17, 13)) % 11] != last:
            return None
        digits = raw_id[6:14]
        if digits in self._id_births:
            known = self._id_births[digits]
        else:
            known = self._id_births[digits] = _id_birth(digits)
        if known is None:
            return None
        birth, iso = known
        id_sex = "M" if raw_id[16] in "13579" else "F"
        if raw_sex and _SEX.get(raw_sex) != id_sex:
            return None

        if not names.plain_name(name):
            name = names.normalize_name(name)
            if names.name_problem(name):
                return None  # read_row says what is wrong

        code = "01"
        if raw_eth:
            found = self._ethnicity.get(raw_eth, "")
            if found == "":
                found = self._ethnicity[raw_eth] = ethnicity.code_of(raw_eth)
            if found is None:
                return None
            code = found

        if raw_birth and raw_birth != iso:
            if raw_birth in self._births:
                parsed = self._births[raw_birth]
            else:
                parsed = self._births[raw_birth] = parse_date(raw_birth)
            if parsed is None:
                return None
            if isinstance(parsed, tuple):
                if parsed != (birth.year, birth.month):
                    return None
            elif parsed != birth:
                return None

        category = ""
        if raw_cat:
            found = self._category.get(raw_cat, "")
            if found == "":
                found = self._category[raw_cat] = (
                    self._categories.get(clean_label(raw_cat), "") or None
                )
            if found is None:
                return None
            category = found

        if len(group) > 50 or len(house) > 30 or len(village) > 100:
            return None
        number = raw_id if last == raw_id[17] else first17 + last
        return (number, name, id_sex, birth, code, group, category, house, village)
