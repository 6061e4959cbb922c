r"""姓名: one rule for every form and every import.

A name is stored with the standard 间隔号 · (U+00B7) between the parts of a minority name
(阿依古丽·买买提), whichever dot the clerk's keyboard or input method produced, and a name is
never refused for its dot. Pure Python with no Django import, so the forms, the services and
the imports share one definition.

``normalize_name`` returns the form to store:

- invisible format characters (zero-width space, BOM, soft hyphen, bidi marks) are removed, as
  ``idcard.normalize`` does, then NFKC: full-width letters become ASCII, U+3000 and NBSP a
  space, ･ (U+FF65) becomes ・ and ． (U+FF0E) a ".", a compatibility ideograph (U+F900 豈) or
  a Kangxi radical (⼀) the unified ideograph the ID card's GB 18030 text has;
- whitespace runs become one space, and the ends are stripped of spaces and dots;
- the middle dots · • ・ ‧ ∙ ⋅ ⸱ ⸳ (and U+FF65 ･ and U+0387 by NFKC) become ·, spaces around them go, and a run
  of them becomes one;
- "." "。" "．" and the hyphens and dashes - ‐ ‑ ‒ – — ― − － are ambiguous: next to a Han
  character (on either side, spaces ignored) they become ·, because a Chinese citizen's name
  on the ID card holds only Han characters and the 间隔号, so a period or hyphen there can only
  be a mistyped dot; between Latin letters they are kept as typed ("John.Smith", "Mary-Jane",
  "J. Smith"), because there they are the name's own punctuation.

A space between two Han characters is kept (one space): it may be the padding of a two-
character name (张　三) or a missing dot, and we cannot tell which, so a person decides.

>>> normalize_name("阿依古丽•买买提")
'阿依古丽·买买提'
>>> normalize_name(" 阿依古丽 ・ 买买提 ")
'阿依古丽·买买提'
>>> normalize_name("阿依古丽.买买提"), normalize_name("阿依古丽－买买提")
('阿依古丽·买买提', '阿依古丽·买买提')
>>> normalize_name("阿依古丽··买买提·"), normalize_name("阿依古丽\u200b·\u3000买买提")
('阿依古丽·买买提', '阿依古丽·买买提')
>>> normalize_name("Ｊｏｈｎ．Ｓｍｉｔｈ"), normalize_name("Mary-Jane  Smith")
('John.Smith', 'Mary-Jane Smith')

``name_problem`` says what is wrong with a name after that normalisation, or None. A name holds
Han characters (with extension A to H and the compatibility ideographs), ASCII letters, the ·,
single spaces and, between Latin letters, "." and "-"; at most 50 characters:

>>> name_problem("阿依古丽•买买提") is None, name_problem("𠮷田") is None
(True, True)
>>> name_problem(" · ")
'姓名为空'
>>> name_problem("张3")
'姓名“张3”含有不应出现的字符（只能是汉字、字母和间隔号·）'

Both are quick for the common name, which is already standard (a precompiled regular
expression, no NFKC): the roll import calls them for up to a million rows.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

__all__ = [
    "DOT",
    "MAX_LENGTH",
    "MSG_NAME_BAD",
    "MSG_NAME_EMPTY",
    "MSG_NAME_LONG",
    "name_problem",
    "normalize_name",
]

MSG_NAME_EMPTY: Final = "姓名为空"
MSG_NAME_LONG: Final = "姓名超过50个字"
MSG_NAME_BAD: Final = "姓名“{name}”含有不应出现的字符（只能是汉字、字母和间隔号·）"

DOT: Final = "\u00b7"  # 间隔号, GB/T 15834-2011 标点符号用法 4.14
MAX_LENGTH: Final = 50

# Han: 〇, extension A, the unified block, the compatibility ideographs (after NFKC only the
# twelve unified ones such as 﨑 remain) and the supplementary planes from extension B to H.
# The range is wide on purpose: a rare character Unicode adds later is accepted before Python's
# tables know it, because refusing a real name is worse than accepting a strange one.
_HAN: Final = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U000323af"
# The same without the compatibility ideographs (U+F900 block and U+2F800-U+2FA1F), which NFKC
# changes: a name made only of these and ASCII letters is its own normal form.
_HAN_STABLE: Final = "\u3007\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002f7ff\U0002fa20-\U000323af"

# A standard name: parts of Han or ASCII letters, each two joined by one · or one space.
_standard = re.compile(f"[{_HAN_STABLE}A-Za-z]+(?:[ {DOT}][{_HAN_STABLE}A-Za-z]+)*").fullmatch
_allowed = re.compile(f"[{_HAN}A-Za-z{DOT}. -]+").fullmatch
_is_han = re.compile(f"[{_HAN}]").match

# What the middle dots, periods and dashes are after NFKC (which already made U+FF65 ・,
# U+0387 ·, U+FF0E/U+FE52/U+2024 ".", U+FF61 。, U+FF0D/U+FE63 "-", U+2011 ‐, U+FE58 —).
_MIDDLE_DOTS: Final = "\u00b7\u2022\u2027\u2219\u22c5\u2e31\u2e33\u30fb"
_DASHES: Final = "\u2010\u2012\u2013\u2014\u2015\u2212"
_TO_THREE: Final = str.maketrans(
    {**dict.fromkeys(_MIDDLE_DOTS, DOT), "\u3002": ".", **dict.fromkeys(_DASHES, "-")}
)
_separators = re.compile(f"[ {DOT}.-]+")
_repeats = re.compile(r"([.-])\1+")


def normalize_name(text: str) -> str:
    """The name to store (see the module docstring). Idempotent:
    ``normalize_name(normalize_name(s)) == normalize_name(s)``.

    >>> normalize_name("买买提.Ahmet"), normalize_name("J. Smith"), normalize_name("张　三")
    ('买买提·Ahmet', 'J. Smith', '张 三')
    """
    if _standard(text):
        return text
    return _normalize(text)


def name_problem(name: str) -> str | None:
    """None when `name` is acceptable after ``normalize_name``, else the Chinese message
    (MSG_NAME_EMPTY, MSG_NAME_LONG or MSG_NAME_BAD, which shows the normalised name).

    >>> name_problem("阿"*50) is None, name_problem("阿"*51)
    (True, '姓名超过50个字')
    """
    if len(name) <= MAX_LENGTH and _standard(name):
        return None
    name = _normalize(name)
    if not name:
        return MSG_NAME_EMPTY
    if len(name) > MAX_LENGTH:
        return MSG_NAME_LONG
    if not _allowed(name):
        return MSG_NAME_BAD.format(name=name)
    return None


def _normalize(text: str) -> str:
    if not text.isprintable():  # whitespace other than " ", controls, format characters
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = unicodedata.normalize("NFKC", text).translate(_TO_THREE)
    text = " ".join(text.split())
    return _separators.sub(_separator, text)


def _separator(match: re.Match[str]) -> str:
    """What a run of spaces, dots, periods and hyphens between two characters becomes."""
    text, run = match.string, match.group()
    start, end = match.span()
    if start == 0 or end == len(text):
        return ""
    if run == " ":
        return run
    if DOT in run or _is_han(text[start - 1]) or _is_han(text[end]):
        return DOT
    return _repeats.sub(r"\1", run)  # Latin punctuation: "John..Smith" is "John.Smith"


_PLAIN: Final = re.compile("[\u4e00-\u9fff\u3400-\u4dbf]{1,50}")


def plain_name(text: str) -> bool:
    """True for the common name that needs no work: 1 to 50 Han characters and nothing else,
    already what normalize_name returns and name_problem accepts (the import's fast path).

    >>> plain_name("张伟"), plain_name("阿依古丽•买买提"), plain_name("张 伟")
    (True, False, False)
    """
    return _PLAIN.fullmatch(text) is not None
