"""GB 3304 民族 codes and the names people write for them."""

from __future__ import annotations

import pytest

from huanjie.lib.ethnicity import CHOICES, ETHNICITIES, code_of, name_of


def test_the_table_has_the_56_groups_and_the_two_extra_codes() -> None:
    assert len(ETHNICITIES) == 58
    assert [code for code, _ in CHOICES] == [f"{n:02d}" for n in range(1, 57)] + ["97", "98"]
    assert len(set(ETHNICITIES.values())) == 58
    assert (
        name_of("01") == "汉族"
        and name_of("35") == "撒拉族"
        and name_of("98") == "外国血统中国籍人士"
    )


def test_every_standard_name_and_code_reads_back() -> None:
    for code, name in ETHNICITIES.items():
        assert code_of(name) == code
        assert code_of(code) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("汉", "01"),
        ("汉族", "01"),
        ("回", "03"),
        ("回族", "03"),
        ("土", "30"),
        ("土族", "30"),
        ("土家", "15"),
        ("蒙古", "02"),
        ("蒙族", "02"),
        ("维吾尔", "05"),
        ("撒拉", "35"),
        (" 藏 族\u3000", "04"),
        ("3", "03"),
        ("０３", "03"),
        ("其他", "97"),
        ("穿青人", "97"),
        ("外国人加入中国籍", "98"),
    ],
)
def test_common_spellings_map_to_codes(text: str, code: str) -> None:
    assert code_of(text) == code


@pytest.mark.parametrize("text", ["", "族", "火星族", "57", "99", "00", "Han"])
def test_unknown_text_gives_none(text: str) -> None:
    assert code_of(text) is None
