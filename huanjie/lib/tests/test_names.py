"""姓名: the dots clerks type, from a table, and properties of the normalisation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huanjie.lib import names
from huanjie.lib.names import (
    DOT,
    MSG_NAME_BAD,
    MSG_NAME_EMPTY,
    MSG_NAME_LONG,
    name_problem,
    normalize_name,
)

UYGHUR = "阿依古丽·买买提"

# Every dot, period and hyphen a clerk has been seen to type between the parts of a name.
DOTS = [
    "\u00b7",  # · MIDDLE DOT, the standard
    "\u2022",  # • BULLET
    "\u30fb",  # ・ KATAKANA MIDDLE DOT
    "\uff65",  # ･ HALFWIDTH KATAKANA MIDDLE DOT
    "\uff0e",  # ． FULLWIDTH FULL STOP
    "\u2027",  # ‧ HYPHENATION POINT
    "\u2219",  # ∙ BULLET OPERATOR
    "\u22c5",  # ⋅ DOT OPERATOR
    "\u0387",  # · GREEK ANO TELEIA
    "\u2e31",  # ⸱ WORD SEPARATOR MIDDLE DOT
    ".",
    "\u3002",  # 。
    "\uff61",  # ｡ HALFWIDTH IDEOGRAPHIC FULL STOP
    "-",
    "\u2010",  # ‐ HYPHEN
    "\u2011",  # ‑ NON-BREAKING HYPHEN
    "\uff0d",  # － FULLWIDTH HYPHEN-MINUS
    "\u2013",  # – EN DASH
    "\u2014",  # — EM DASH
    "\u2212",  # − MINUS SIGN
]


@pytest.mark.parametrize("dot", DOTS)
def test_every_dot_in_a_uyghur_name_becomes_the_standard_dot(dot: str) -> None:
    for typed in (
        f"阿依古丽{dot}买买提",
        f"阿依古丽 {dot} 买买提",
        f"阿依古丽\u3000{dot}\u3000买买提",
        f"阿依古丽{dot}{dot}买买提",
        f"{dot}阿依古丽{dot}买买提{dot}",
    ):
        assert normalize_name(typed) == UYGHUR, typed
        assert name_problem(typed) is None, typed


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (UYGHUR, UYGHUR),
        ("张三", "张三"),
        ("  张三\t", "张三"),
        ("张　三", "张 三"),  # padding or a missing dot: kept for a person to decide
        ("张\u200b三\ufeff", "张三"),  # zero-width space and BOM pasted from the web
        ("阿依古丽·\u00a0买买提", UYGHUR),
        ("阿依古丽•·・买买提", UYGHUR),
        ("阿依古丽·买买提·艾力", "阿依古丽·买买提·艾力"),
        ("Ｊｏｈｎ　Ｓｍｉｔｈ", "John Smith"),
        ("John.Smith", "John.Smith"),
        ("Ｊｏｈｎ．Ｓｍｉｔｈ", "John.Smith"),
        ("John..Smith", "John.Smith"),
        ("J. Smith", "J. Smith"),
        ("Mary-Jane Smith", "Mary-Jane Smith"),
        ("Ahmet • Tursun", "Ahmet·Tursun"),
        ("买买提.Ahmet", "买买提·Ahmet"),  # a period next to a Han character is a dot
        ("Smith Jr.", "Smith Jr"),
        ("\uf900", "\u8c48"),  # a compatibility ideograph becomes the unified one
        ("\u2f00\u2f08", "一人"),  # Kangxi radicals copied from a PDF
        ("𠮷田", "𠮷田"),
        ("\ufa11", "\ufa11"),  # 﨑 is a unified ideograph in the compatibility block
        ("···", ""),
    ],
)
def test_the_name_stored_is(typed: str, stored: str) -> None:
    assert normalize_name(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (UYGHUR, None),
        ("阿依古丽•买买提", None),
        ("𠮷田", None),  # extension B
        ("\U0002a6d6", None),  # extension C
        ("\U00031350", None),  # extension H: Python 3.11 does not know it yet; we accept it
        ("〇", None),
        ("John.Smith", None),
        ("Mary-Jane", None),
        ("阿" * 50, None),
        ("阿依古丽 · 买买提" + "阿" * 42, None),  # 50 once the spaces go
        ("", MSG_NAME_EMPTY),
        ("  ", MSG_NAME_EMPTY),
        (" · ", MSG_NAME_EMPTY),
        ("阿" * 51, MSG_NAME_LONG),
        ("张3", MSG_NAME_BAD.format(name="张3")),
        ("张３", MSG_NAME_BAD.format(name="张3")),
        ("张三😀", MSG_NAME_BAD.format(name="张三😀")),
        ("张三(小)", MSG_NAME_BAD.format(name="张三(小)")),
        ("ｶﾀｶﾅ", MSG_NAME_BAD.format(name="カタカナ")),
        ("José", MSG_NAME_BAD.format(name="José")),
        ("3.5", MSG_NAME_BAD.format(name="3.5")),
    ],
)
def test_the_problem_with(typed: str, message: str | None) -> None:
    assert name_problem(typed) == message


def test_the_messages_are_the_ones_other_modules_assert() -> None:
    assert MSG_NAME_EMPTY == "姓名为空"
    assert MSG_NAME_LONG == "姓名超过50个字"
    assert (
        MSG_NAME_BAD.format(name="张3")
        == "姓名“张3”含有不应出现的字符（只能是汉字、字母和间隔号·）"
    )


HAN = st.sampled_from("张王阿依古丽买买提欧阳〇𠮷\U0002a6d6\uf900\ufa11\u2f00")
LATIN = st.sampled_from("AaZzJohnＪＳｍ")
SEPARATORS = st.sampled_from([*DOTS, " ", "\u3000", "\t", "\u200b", "\u00ad"])
# Characters a name must not have, and the ones NFKC composes or splits.
ODD = st.sampled_from(["3", "３", "😀", "é", "e\u0301", "\u0301", "¨", "ﬁ", "㈱", "ｶ", "(", "_"])
NAMEISH = st.lists(st.one_of(HAN, LATIN, SEPARATORS, ODD), max_size=30).map("".join)


@given(st.one_of(NAMEISH, st.text(max_size=30)))
def test_normalizing_twice_changes_nothing(text: str) -> None:
    once = normalize_name(text)
    assert normalize_name(once) == once


@given(st.one_of(NAMEISH, st.text(max_size=30)))
def test_normalizing_never_turns_an_accepted_name_into_a_refused_one(text: str) -> None:
    if name_problem(text) is None:
        assert name_problem(normalize_name(text)) is None
        assert normalize_name(text).strip(f" {DOT}.-") == normalize_name(text)


PART = st.text(alphabet=st.sampled_from("张王阿依古丽买买提欧阳𠮷"), min_size=1, max_size=6)


@given(
    st.lists(PART, min_size=1, max_size=4),
    st.lists(st.tuples(st.sampled_from(DOTS), st.sampled_from(["", " ", "\u3000"])), min_size=3),
)
def test_any_dot_between_han_parts_gives_the_standard_name(
    parts: list[str], dots: list[tuple[str, str]]
) -> None:
    standard = DOT.join(parts)
    typed = parts[0]
    for part, (dot, space) in zip(parts[1:], dots, strict=False):
        typed += f"{space}{dot}{space}{part}"
    assert normalize_name(typed) == standard
    assert name_problem(typed) is None


# Names that are (mostly) standard already: parts joined by one space or one dot.
STANDARDISH = st.lists(
    st.tuples(st.sampled_from([" ", DOT]), st.text(st.one_of(HAN, LATIN), min_size=1)),
    min_size=1,
    max_size=5,
).map(lambda parts: "".join(sep + part for sep, part in parts)[1:])


@given(st.one_of(STANDARDISH, NAMEISH, st.text(max_size=30)))
def test_the_fast_path_agrees_with_the_full_normalisation(text: str) -> None:
    # The shortcut returns a standard name unchanged without NFKC; it must be what the full
    # normalisation would have returned.
    assert normalize_name(text) == names._normalize(text)
    for name in (text, normalize_name(text)):
        if names._standard(name):
            assert names._normalize(name) == name
