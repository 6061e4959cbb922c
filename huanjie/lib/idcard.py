"""公民身份号码 (GB 11643-1999): normalise, check, mask and generate.

Pure Python with no Django import, so imports, forms, the rules engine and the demo
generator all share one definition (SECURITY.md V2). We do not use python-stdnum's
``is_valid``: it rejects correct numbers whose region code did not exist in the birth
year and crashes on unknown counties (ECOSYSTEM.md §1). A region code we do not know is
the caller's warning to give, never a reason to reject here.

Every problem comes back as a code plus a Chinese message, so an import can report all
of them per row and a person decides; nothing is silently dropped.

>>> check_digit("11010519491231002")
'X'
>>> is_valid("11010519491231002x")
True
>>> is_valid("440524188001010014")
True
>>> normalize(" ４４０５２４\u3000188001010014\u200b")
'440524188001010014'
>>> mask("11010519491231002X")
'110105********002X'
>>> birth_date_of("11010519491231002X"), sex_of("11010519491231002X")
(datetime.date(1949, 12, 31), 'F')
>>> result = check("110105194912310021")
>>> result.ok, [p.code.value for p in result.problems]
(False, ['check_digit'])
>>> check("11010519491231002X", sex="男").problems[0].message
'身份证号第17位表示性别为女，与登记的性别“男”不符'
>>> print(check(6.30121199001011e17).problems[0].message)
Excel 已将身份证号存为数字并截断为15位有效数字，请将该列设为文本后重新填写
>>> check("110105491231002").problems[0].code.value
'legacy_15'
>>> generate("630121", date(1990, 1, 1), "F", 7)
'630121199001010143'
>>> is_valid(generate("630121", date(1990, 1, 1), "M", 7), sex="M")
True
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Final, Literal

__all__ = [
    "IdCheck",
    "IdNumberError",
    "Problem",
    "ProblemCode",
    "Sex",
    "birth_date_of",
    "check",
    "check_digit",
    "generate",
    "is_valid",
    "mask",
    "normalize",
    "redact",
    "sex_of",
]

Sex = Literal["M", "F"]

# GB 11643 / ISO 7064 MOD 11-2. Weight i is 2**(17 - i) mod 11, i = 0..16.
WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS: Final = "10X98765432"  # indexed by (weighted sum) mod 11

# No living person, and no example in the standard (1880), is born before this year.
EARLIEST_BIRTH_YEAR: Final = 1850
# Every birth date before 1 January of this year (when this module was written) is in
# the past on any day the code runs.
_ALWAYS_PAST_BEFORE_YEAR: Final = 2026

_SEX_NAMES: Final[dict[str, str]] = {"M": "男", "F": "女"}
_STATED_SEX: Final[dict[str, Sex]] = {"M": "M", "F": "F", "男": "M", "女": "F"}
_EXCEL_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?(?:E\+?[0-9]+)?", re.ASCII | re.IGNORECASE)


class IdNumberError(ValueError):
    """An ID number (or the part of one a function needs) is not usable."""


class ProblemCode(StrEnum):
    EMPTY = "empty"
    LENGTH = "length"
    NOT_DIGITS = "not_digits"
    CHECK_DIGIT = "check_digit"
    BAD_DATE = "bad_date"
    FUTURE_DATE = "future_date"
    SEX_MISMATCH = "sex_mismatch"
    LEGACY_15 = "legacy_15"
    EXCEL_TRUNCATED = "excel_truncated"


# The user-facing text of each problem, defined once so tests can assert it exactly.
MESSAGES: Final[dict[ProblemCode, str]] = {
    ProblemCode.EMPTY: "身份证号为空",
    ProblemCode.LENGTH: "身份证号应为18位，当前为{length}位",
    ProblemCode.NOT_DIGITS: "身份证号只能由数字组成，最后一位可以是X",
    # Deliberately does not say what the check digit "should" be: that would invite
    # fixing the last digit when the typo is elsewhere.
    ProblemCode.CHECK_DIGIT: "身份证号校验码不符，请核对是否有数字录入错误",
    ProblemCode.BAD_DATE: "身份证号中的出生日期{digits}不是有效日期",
    ProblemCode.FUTURE_DATE: "身份证号中的出生日期{birth:%Y-%m-%d}晚于{on:%Y-%m-%d}",
    ProblemCode.SEX_MISMATCH: "身份证号第17位表示性别为{id_sex}，与登记的性别“{stated}”不符",
    ProblemCode.LEGACY_15: "这是15位旧身份证号，需人工核对并换用18位号码",
    ProblemCode.EXCEL_TRUNCATED: (
        "Excel 已将身份证号存为数字并截断为15位有效数字，请将该列设为文本后重新填写"
    ),
}


@dataclass(frozen=True, slots=True)
class Problem:
    code: ProblemCode
    message: str


@dataclass(frozen=True)
class IdCheck:
    """What ``check`` found. Fields are filled as far as the number can be read, even
    when there are problems, so a person deciding a flagged row sees what it says."""

    normalized: str
    birth_date: date | None
    sex: Sex | None
    region: str | None  # the 6-digit 行政区划代码 prefix, not checked against any list
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def has(self, code: ProblemCode) -> bool:
        return any(p.code is code for p in self.problems)


def _idcheck(
    normalized: str,
    birth_date: date | None,
    sex: Sex | None,
    region: str | None,
    problems: tuple[Problem, ...],
) -> IdCheck:
    # A frozen dataclass's __init__ sets each field through object.__setattr__, which
    # costs more than the whole checksum; filling the instance dict directly is 2-3x
    # faster and gives an equal object (bulk imports check every row).
    result = _new(IdCheck)
    fields = result.__dict__
    fields["normalized"] = normalized
    fields["birth_date"] = birth_date
    fields["sex"] = sex
    fields["region"] = region
    fields["problems"] = problems
    return result


_new = object.__new__


def _problem(code: ProblemCode, **fields: object) -> Problem:
    return Problem(code, MESSAGES[code].format(**fields))


def _is_invisible(ch: str) -> bool:
    # Whitespace (incl. U+3000, NBSP) and format characters (Cf: U+200B..U+200D, U+2060,
    # U+FEFF, soft hyphen, bidi marks) that arrive with text pasted from web pages or Word.
    return ch.isspace() or unicodedata.category(ch) == "Cf"


def _strip(text: str) -> str:
    return "".join(ch for ch in text if not _is_invisible(ch))


def normalize(raw: str) -> str:
    """NFKC (full-width digits and Ｘ become ASCII), remove all whitespace and invisible
    format characters, upper-case ``x``. Idempotent: ``normalize(normalize(s)) ==
    normalize(s)``.

    >>> normalize("６３０１２１ １９９００１０１ ０１４x")
    '63012119900101014X'
    """
    if raw.isascii():  # the common case; NFKC does nothing to ASCII
        if not raw.isalnum():
            raw = "".join(raw.split())
        return raw.replace("x", "X")
    text = _strip(raw)
    # Removing a character can bring a base letter and a combining mark together, which
    # NFKC then composes; repeat until nothing changes (one or two rounds in practice).
    while True:
        again = _strip(unicodedata.normalize("NFKC", text))
        if again == text:
            break
        text = again
    return text.replace("x", "X")


def _weighted_sum(first17: str) -> int:
    return sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))


def check_digit(first17: str) -> str:
    """The 18th character for 17 ASCII digits (region, birth date, sequence code).

    >>> check_digit("44052418800101001")
    '4'
    """
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise IdNumberError("check_digit needs exactly 17 ASCII digits")
    return CHECK_CHARS[_weighted_sum(first17) % 11]


def _check_char(first17: str) -> str:
    # The hot path of bulk imports. Since weight i is 2**(17 - i) mod 11 and 13 ≡ 2
    # (mod 11), the weighted sum is 2 * int(first17, 13) mod 11, and int() does the loop
    # in C (about 4x faster than a Python loop). Callers have already checked that
    # first17 is 17 ASCII digits; a test checks this against check_digit on every digit.
    return CHECK_CHARS[(2 * int(first17, 13)) % 11]


def _excel_problem(normalized: str) -> IdCheck:
    return _idcheck(normalized, None, None, None, (_problem(ProblemCode.EXCEL_TRUNCATED),))


def _from_number(raw: int | float | Decimal) -> str | IdCheck:
    """An ID that reached us as a number (a spreadsheet cell not formatted as text).

    Excel keeps 15 significant digits, so any number of 16 or more digits has lost its
    tail; 15-digit legacy numbers survive intact and are checked as text."""
    if isinstance(raw, int):
        digits = str(raw)
        if len(digits) >= 16 and raw > 0 and set(digits[15:]) == {"0"}:
            return _excel_problem(digits)
        return digits
    value = Decimal(raw) if isinstance(raw, float) else raw
    if not value.is_finite() or value != value.to_integral_value():
        return normalize(str(raw))
    if abs(value) >= 10**15:
        return _excel_problem(f"{raw:.15G}" if isinstance(raw, float) else str(raw))
    return str(int(value))


def check(raw: object, *, sex: str | None = None, on: date | None = None) -> IdCheck:
    """Check one ID number as an operator typed, pasted or imported it.

    ``raw`` may be a string or a spreadsheet number (int/float/Decimal). ``sex`` is the
    stated sex (``"M"``/``"F"``/``"男"``/``"女"``) to compare with digit 17; ``on`` is
    the day the birth date must not be after (default: today).
    """
    expected_sex = _STATED_SEX.get(sex) if sex else None
    if sex and expected_sex is None:
        raise ValueError(f"sex must be M, F, 男 or 女, not {sex!r}")
    if type(raw) is str and raw.isascii() and raw.isalnum():  # the bulk-import case
        value = raw.replace("x", "X")
    elif raw is None:
        return _idcheck("", None, None, None, (_problem(ProblemCode.EMPTY),))
    elif isinstance(raw, str):
        value = normalize(raw)
    elif isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        number = _from_number(raw)
        if isinstance(number, IdCheck):
            return number
        value = number
    else:
        value = normalize(str(raw))

    length = len(value)
    if length == 0:
        return _idcheck("", None, None, None, (_problem(ProblemCode.EMPTY),))
    if not value.isascii():
        return _idcheck(value, None, None, None, (_problem(ProblemCode.NOT_DIGITS),))
    if length == 18:
        first17 = value[:17]
        last = value[17]
        if not first17.isdigit() or not (last.isdigit() or last == "X"):
            if _EXCEL_NUMBER.fullmatch(value):
                return _excel_numeric_text(value)
            return _idcheck(value, None, None, None, (_problem(ProblemCode.NOT_DIGITS),))
        problems: tuple[Problem, ...] = ()
        if CHECK_CHARS[(2 * int(first17, 13)) % 11] != last:  # _check_char, inlined
            if value.endswith("000"):
                # What Excel leaves of an 18-digit number: 15 digits and three zeros.
                return _excel_problem(value)
            problems = (_problem(ProblemCode.CHECK_DIGIT),)
        birth_digits = value[6:14]
        sex_digit = value[16]
    elif length == 15:
        if not value.isdigit():
            if _EXCEL_NUMBER.fullmatch(value):
                return _excel_numeric_text(value)
            return _idcheck(value, None, None, None, (_problem(ProblemCode.NOT_DIGITS),))
        # 1st-generation card: 6-digit region, YYMMDD (all 19xx), 3-digit sequence.
        problems = (_problem(ProblemCode.LEGACY_15),)
        birth_digits = "19" + value[6:12]
        sex_digit = value[14]
    else:
        if _EXCEL_NUMBER.fullmatch(value) and not value.isdigit():
            return _excel_numeric_text(value)
        return _idcheck(value, None, None, None, (_problem(ProblemCode.LENGTH, length=length),))

    id_sex: Sex = "M" if sex_digit in "13579" else "F"
    birth: date | None
    try:
        birth = date.fromisoformat(birth_digits)  # YYYYMMDD, all ASCII digits here
    except ValueError:
        birth = None
    if birth is None or birth.year < EARLIEST_BIRTH_YEAR:
        problems += (_problem(ProblemCode.BAD_DATE, digits=birth_digits),)
        birth = None
    elif on is not None or birth.year >= _ALWAYS_PAST_BEFORE_YEAR:
        # date.today() costs as much as the rest of the check; skip it for dates that
        # were already past when this was written.
        today = on if on is not None else date.today()
        if birth > today:
            problems += (_problem(ProblemCode.FUTURE_DATE, birth=birth, on=today),)
    if expected_sex is not None and expected_sex != id_sex:
        problems += (_problem(ProblemCode.SEX_MISMATCH, id_sex=_SEX_NAMES[id_sex], stated=sex),)
    return _idcheck(value, birth, id_sex, value[:6], problems)


def _excel_numeric_text(value: str) -> IdCheck:
    """Text such as "6.30121E+17" or "630121199001011000.0": a number Excel displayed
    or a float a script printed. 16+ integral digits mean the tail is already lost."""
    try:
        number = Decimal(value)
    except InvalidOperation:  # pragma: no cover - the regex only lets numbers through
        return _idcheck(value, None, None, None, (_problem(ProblemCode.NOT_DIGITS),))
    if number == number.to_integral_value() and number >= 10**15:
        return _excel_problem(value)
    return _idcheck(value, None, None, None, (_problem(ProblemCode.NOT_DIGITS),))


def is_valid(raw: object, *, sex: str | None = None, on: date | None = None) -> bool:
    """True when ``check`` finds nothing: 18 characters, check digit, real past date
    and (if given) the stated sex. A 15-digit legacy number is not valid."""
    return check(raw, sex=sex, on=on).ok


def mask(id_number: str) -> str:
    """First 6 + 8 stars + last 4 (SECURITY.md P3); never shows the birth date.

    Anything that is not an 18-digit number is masked just as hard: a 15-digit legacy
    number shows 6 + 5 stars + 4, other text of 10+ characters 6 + 8 stars + 4, shorter
    text only stars.

    >>> mask("630121199001010143"), mask("110105491231002"), mask("12345")
    ('630121********0143', '110105*****1002', '*****')
    """
    value = normalize(id_number)
    if len(value) == 15:
        return f"{value[:6]}*****{value[-4:]}"
    if len(value) < 10:
        return "*" * len(value)
    return f"{value[:6]}********{value[-4:]}"


# What could be an ID number inside free text: 18 characters (17 digits and a digit or X) or the
# 15-digit legacy form, full-width digits included, not part of a longer run of digits.
_IN_TEXT = re.compile(
    r"(?<![0-9０-９])[0-9０-９]{14}(?:[0-9０-９]{3}[0-9０-９XxＸｘ]|[0-9０-９])(?![0-9０-９])"
)


def redact(text: str) -> str:
    """Free text with every run that could be an ID number masked: a value typed in the wrong
    column (an ID number under 姓名 or 村民小组) must not be echoed in full by a message
    (SECURITY.md P3).

    >>> redact("姓名“630121199001010143”含有不应出现的字符")
    '姓名“630121********0143”含有不应出现的字符'
    >>> redact("第12组 1234567890123456789 110105491231002")
    '第12组 1234567890123456789 110105*****1002'
    """
    return _IN_TEXT.sub(lambda m: mask(m.group()), text)


def _read(id_number: str) -> IdCheck:
    result = check(id_number)
    if result.birth_date is None or result.sex is None:
        raise IdNumberError(result.problems[0].message)
    return result


def birth_date_of(id_number: str) -> date:
    """The birth date an 18- (or 15-) digit number encodes; IdNumberError if unreadable.
    Does not require the check digit to be right."""
    birth = _read(id_number).birth_date
    assert birth is not None
    return birth


def sex_of(id_number: str) -> Sex:
    """``"M"`` if digit 17 (digit 15 of a legacy number) is odd, else ``"F"``."""
    sex = _read(id_number).sex
    assert sex is not None
    return sex


def generate(region6: str, birth_date: date, sex: str, seq: int) -> str:
    """A valid 18-digit number for tests and the demo.

    ``seq`` (0..499) is the n-th number of that sex issued for the region and day; the
    3-digit sequence code is ``2 * seq + 1`` for men and ``2 * seq`` for women, so the
    sex digit always agrees.
    """
    if len(region6) != 6 or not (region6.isascii() and region6.isdigit()):
        raise IdNumberError("region6 must be 6 ASCII digits")
    if sex not in _STATED_SEX:
        raise ValueError(f"sex must be M, F, 男 or 女, not {sex!r}")
    if not 0 <= seq <= 499:
        raise ValueError("seq must be between 0 and 499")
    if not EARLIEST_BIRTH_YEAR <= birth_date.year <= 9999:
        raise ValueError(f"birth year must be {EARLIEST_BIRTH_YEAR} or later")
    code = 2 * seq + (1 if _STATED_SEX[sex] == "M" else 0)
    first17 = f"{region6}{birth_date:%Y%m%d}{code:03d}"
    return first17 + _check_char(first17)
