"""GB 11643 ID numbers: each problem from a table, and properties over generated IDs."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huanjie.lib import idcard
from huanjie.lib.idcard import MESSAGES, IdCheck, ProblemCode

ON = date(2026, 1, 1)
EXCEL = MESSAGES[ProblemCode.EXCEL_TRUNCATED]


def with_check_digit(first17: str) -> str:
    return first17 + idcard.check_digit(first17)


# A correct check digit, but no such day / too early / later than ON.
FEB_30 = with_check_digit("63012119900230001")
YEAR_1849 = with_check_digit("63012118491231001")
BORN_2030 = with_check_digit("63012120300101002")
# What Excel keeps of 630121199001011234 (whose check digit we do not care about):
# 15 significant digits, then zeros. Its own check digit would be 4, so it fails.
EXCEL_CUT = "630121199001011000"


def codes(result: IdCheck) -> list[str]:
    return [p.code.value for p in result.problems]


def test_the_standards_examples_are_valid() -> None:
    for number in ("11010519491231002X", "440524188001010014"):
        assert idcard.is_valid(number)
        assert idcard.check(number).problems == ()


def test_a_valid_number_is_read_completely() -> None:
    result = idcard.check("11010519491231002x", sex="F", on=ON)
    assert result == IdCheck("11010519491231002X", date(1949, 12, 31), "F", "110105", ())
    assert result.ok


@pytest.mark.parametrize(
    ("raw", "expected_code", "expected_message"),
    [
        (None, "empty", "身份证号为空"),
        (" \u3000\u200b", "empty", "身份证号为空"),
        ("12345", "length", "身份证号应为18位，当前为5位"),
        ("1101051949123100211", "length", "身份证号应为18位，当前为19位"),
        ("11010519491231002A", "not_digits", "身份证号只能由数字组成，最后一位可以是X"),
        ("1101051949123100X2", "not_digits", "身份证号只能由数字组成，最后一位可以是X"),
        ("11010519491231-02X", "not_digits", "身份证号只能由数字组成，最后一位可以是X"),
        # Arabic-Indic digits: int() and \d accept them, NFKC keeps them; we must not.
        ("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", "not_digits", "身份证号只能由数字组成，最后一位可以是X"),
        ("110105194912310021", "check_digit", "身份证号校验码不符，请核对是否有数字录入错误"),
        (FEB_30, "bad_date", "身份证号中的出生日期19900230不是有效日期"),
        (YEAR_1849, "bad_date", "身份证号中的出生日期18491231不是有效日期"),
        (BORN_2030, "future_date", "身份证号中的出生日期2030-01-01晚于2026-01-01"),
        ("110105491231002", "legacy_15", "这是15位旧身份证号，需人工核对并换用18位号码"),
        (EXCEL_CUT, "excel_truncated", EXCEL),
        ("6.30121E+17", "excel_truncated", EXCEL),
        ("6.30121199001011E+17", "excel_truncated", EXCEL),
        ("6.30121199001011e17", "excel_truncated", EXCEL),
        ("630121199001011000.0", "excel_truncated", EXCEL),
        (6.30121199001011e17, "excel_truncated", EXCEL),
        (630121199001011000, "excel_truncated", EXCEL),
        (Decimal("630121199001011000"), "excel_truncated", EXCEL),
    ],
)
def test_each_problem_has_its_code_and_message(
    raw: object, expected_code: str, expected_message: str
) -> None:
    result = idcard.check(raw, on=ON)
    assert codes(result) == [expected_code]
    assert result.problems[0].message == expected_message
    assert not result.ok


def test_sex_disagreeing_with_digit_17_is_reported() -> None:
    result = idcard.check("11010519491231002X", sex="M", on=ON)
    assert codes(result) == ["sex_mismatch"]
    assert result.problems[0].message == "身份证号第17位表示性别为女，与登记的性别“M”不符"
    assert idcard.check("440524188001010014", sex="男").ok
    assert idcard.check("440524188001010014", sex="女").has(ProblemCode.SEX_MISMATCH)


def test_an_unknown_stated_sex_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="sex must be"):
        idcard.check("440524188001010014", sex="male")


def test_every_problem_found_is_reported_not_just_the_first() -> None:
    wrong_check_and_future = BORN_2030[:-1] + ("0" if BORN_2030[-1] != "0" else "1")
    result = idcard.check(wrong_check_and_future, sex="男", on=ON)
    assert codes(result) == ["check_digit", "future_date", "sex_mismatch"]
    # What could be read is still there for the person deciding.
    assert result.birth_date == date(2030, 1, 1)
    assert result.sex == "F"
    assert result.region == "630121"


def test_a_legacy_number_is_read_but_flagged() -> None:
    result = idcard.check("110105491231002", on=ON)
    assert result.birth_date == date(1949, 12, 31)
    assert result.sex == "F"
    assert not idcard.is_valid("110105491231002")
    # A 15-digit number survives Excel intact, so as a number it is legacy, not truncated.
    assert codes(idcard.check(110105491231002)) == ["legacy_15"]
    assert codes(idcard.check(110105491231002.0)) == ["legacy_15"]


def test_born_today_is_not_in_the_future() -> None:
    today_id = idcard.generate("630121", ON, "F", 0)
    assert idcard.check(today_id, on=ON).ok
    assert idcard.check(BORN_2030).has(ProblemCode.FUTURE_DATE)  # against the real clock


def test_an_eighteen_digit_number_ending_in_000_with_a_valid_check_digit_is_accepted() -> None:
    # Rare but real: sequence 00x with check digit 0. Only a failing one is blamed on Excel.
    candidates = (
        with_check_digit(f"6301211990{month:02d}{day:02d}{n}00")
        for month in range(1, 13)
        for day in range(1, 29)
        for n in range(10)
    )
    number = next(c for c in candidates if c.endswith("000"))
    assert idcard.is_valid(number)


def test_other_numbers_are_not_mistaken_for_excel_damage() -> None:
    assert codes(idcard.check(1.5)) == ["not_digits"]
    assert codes(idcard.check(123)) == ["length"]
    assert codes(idcard.check("12.5")) == ["not_digits"]
    assert codes(idcard.check(True)) == ["length"]
    assert codes(idcard.check(440524188001010014)) == []  # an int that kept its digits


def test_normalize_handles_what_people_paste() -> None:
    assert idcard.normalize("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"
    assert idcard.normalize("\ufeff110105 1949\u30001231\u00a0002x\u200b\u200c\u200d\u2060") == (
        "11010519491231002X"
    )
    assert idcard.normalize("110105\t19491231\n002X\r") == "11010519491231002X"
    assert idcard.is_valid("\u3000１１０１０５１９４９１２３１００２Ｘ ")


def test_check_digit_examples_and_input_guard() -> None:
    assert idcard.check_digit("11010519491231002") == "X"
    assert idcard.check_digit("44052418800101001") == "4"
    for bad in (
        "1101051949123100",
        "110105194912310021",
        "1101051949123100A",
        "１１０１０５１９４９１２３１００２",
    ):
        with pytest.raises(idcard.IdNumberError):
            idcard.check_digit(bad)


def test_birth_date_and_sex_of_need_a_readable_number() -> None:
    assert idcard.birth_date_of("440524188001010014") == date(1880, 1, 1)
    assert idcard.sex_of("440524188001010014") == "M"
    with pytest.raises(idcard.IdNumberError, match="不是有效日期"):
        idcard.birth_date_of(FEB_30)
    with pytest.raises(idcard.IdNumberError):
        idcard.sex_of("12345")


def test_generate_refuses_bad_arguments() -> None:
    with pytest.raises(idcard.IdNumberError):
        idcard.generate("63012", ON, "M", 1)
    with pytest.raises(ValueError):
        idcard.generate("630121", ON, "X", 1)
    with pytest.raises(ValueError):
        idcard.generate("630121", ON, "M", 500)
    with pytest.raises(ValueError):
        idcard.generate("630121", date(1800, 1, 1), "M", 1)


def test_results_are_frozen_and_compare_by_value() -> None:
    result = idcard.check("440524188001010014")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.sex = "F"  # type: ignore[misc]
    assert result == IdCheck(result.normalized, result.birth_date, "M", "440524", ())
    assert hash(result) == hash(IdCheck(result.normalized, result.birth_date, "M", "440524", ()))


# --- properties ---------------------------------------------------------------------

regions = st.from_regex(r"[1-9][0-9]{5}", fullmatch=True)
births = st.dates(min_value=date(idcard.EARLIEST_BIRTH_YEAR, 1, 1), max_value=ON)
sexes = st.sampled_from(["M", "F"])
seqs = st.integers(min_value=0, max_value=499)
digits17 = st.from_regex(r"[0-9]{17}", fullmatch=True)


@given(regions, births, sexes, seqs)
def test_every_generated_number_validates_and_round_trips(
    region: str, birth: date, sex: str, seq: int
) -> None:
    number = idcard.generate(region, birth, sex, seq)
    result = idcard.check(number, sex=sex, on=ON)
    assert result.ok, result.problems
    assert (result.birth_date, result.sex, result.region) == (birth, sex, region)
    assert idcard.birth_date_of(number) == birth
    assert idcard.sex_of(number) == sex
    assert idcard.is_valid(number.lower(), sex=sex, on=ON)


@given(digits17)
def test_the_fast_check_digit_agrees_with_the_weights(first17: str) -> None:
    assert idcard._check_char(first17) == idcard.check_digit(first17)


@given(regions, births, sexes, seqs, st.integers(0, 16), st.integers(1, 9))
def test_any_single_wrong_digit_is_caught(
    region: str, birth: date, sex: str, seq: int, position: int, shift: int
) -> None:
    number = idcard.generate(region, birth, sex, seq)
    wrong = str((int(number[position]) + shift) % 10)
    typo = number[:position] + wrong + number[position + 1 :]
    assert not idcard.is_valid(typo)


@given(regions, births, sexes, seqs, st.integers(0, 15))
def test_any_swap_of_two_different_neighbouring_digits_is_caught(
    region: str, birth: date, sex: str, seq: int, position: int
) -> None:
    number = idcard.generate(region, birth, sex, seq)
    a, b = number[position], number[position + 1]
    swapped = number[:position] + b + a + number[position + 2 :]
    assert swapped == number or not idcard.is_valid(swapped)


@given(regions, births, sexes, seqs)
def test_mask_shows_region_and_last_four_only(region: str, birth: date, sex: str, seq: int) -> None:
    number = idcard.generate(region, birth, sex, seq)
    masked = idcard.mask(number)
    assert masked == number[:6] + "********" + number[-4:]
    assert f"{birth:%Y%m%d}" not in masked


@given(st.text())
def test_mask_never_shows_more_than_ten_characters_of_anything(text: str) -> None:
    masked = idcard.mask(text)
    assert sum(ch != "*" for ch in masked) <= 10
    assert len(masked) <= 18


tricky = st.sampled_from(
    list("0123456789xX ０１２９ｘＸ\u3000\u00a0\u200b\u200c\u200d\ufeff\u2060\u00ad\u0301\u00a8eé")
)


@given(st.text(st.one_of(st.characters(), tricky)))
def test_normalize_is_idempotent(text: str) -> None:
    once = idcard.normalize(text)
    assert idcard.normalize(once) == once
    assert "x" not in once and not any(ch.isspace() for ch in once)


@given(st.one_of(st.text(st.one_of(st.characters(), tricky)), st.integers(), st.floats()))
def test_check_never_raises_on_any_input(raw: object) -> None:
    result = idcard.check(raw, on=ON)
    assert result.ok == (result.problems == ())
