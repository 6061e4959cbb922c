"""The national code lists a roster's columns use, and reading what people write in them.

文化程度: GB/T 4658-2006 学历代码, kept at its level of the eight categories (研究生教育 10,
大学本科 20, 大学专科 30, 中等职业教育 40, 普通高级中学 60, 初级中学 70, 小学 80, 其他 90); a
detailed code ("21" 大学本科毕业, "47" 技工学校毕业) reads as its category.

政治面貌: GB/T 4762-1984 政治面貌代码 (01 中共党员 ... 13 群众).

``education_of`` and ``political_status_of`` return the code for a label, a common short form or
the code itself, and None for anything they do not know (the import flags the row; it never
guesses).

>>> education_of("大专"), education_of("本科"), education_of("中专"), education_of("21")
('30', '20', '40', '20')
>>> political_status_of("党员"), political_status_of("预备党员"), political_status_of("群众")
('01', '02', '13')
>>> education_of("火星大学") is None
True
"""

from __future__ import annotations

import unicodedata
from types import MappingProxyType
from typing import Final

# GB/T 4658-2006 学历代码, the eight categories.
EDUCATION: Final = MappingProxyType(
    {
        "10": "研究生",
        "20": "大学本科",
        "30": "大学专科",
        "40": "中专（中职）",
        "60": "高中",
        "70": "初中",
        "80": "小学",
        "90": "其他",
    }
)

_EDUCATION_ALIASES: Final = {
    "研究生教育": "10",
    "博士": "10",
    "博士研究生": "10",
    "硕士": "10",
    "硕士研究生": "10",
    "本科": "20",
    "大学": "20",
    "大学本科教育": "20",
    "大专": "30",
    "专科": "30",
    "高职": "30",
    "大学专科教育": "30",
    "中专": "40",
    "中职": "40",
    "中专（中职）": "40",
    "中专(中职)": "40",
    "中等专科": "40",
    "中等职业教育": "40",
    "职高": "40",
    "职业高中": "40",
    "技校": "40",
    "技工学校": "40",
    "高中": "60",
    "普通高中": "60",
    "高中（中专）": "60",
    "高中(中专)": "60",
    "普通高级中学教育": "60",
    "初中": "70",
    "初级中学教育": "70",
    "小学": "80",
    "小学教育": "80",
    "文盲": "90",
    "半文盲": "90",
    "其他": "90",
}

# GB/T 4762-1984 政治面貌代码.
POLITICAL_STATUS: Final = MappingProxyType(
    {
        "01": "中共党员",
        "02": "中共预备党员",
        "03": "共青团员",
        "04": "民革党员",
        "05": "民盟盟员",
        "06": "民建会员",
        "07": "民进会员",
        "08": "农工党党员",
        "09": "致公党党员",
        "10": "九三学社社员",
        "11": "台盟盟员",
        "12": "无党派人士",
        "13": "群众",
    }
)

# A member of the Communist Party of China, full or probationary (中国共产党章程 第七条).
PARTY_MEMBER_CODES: Final = frozenset({"01", "02"})

_POLITICAL_ALIASES: Final = {
    "党员": "01",
    "中国共产党党员": "01",
    "共产党员": "01",
    "正式党员": "01",
    "预备党员": "02",
    "团员": "03",
    "共青团员": "03",
    "无党派": "12",
    "民主人士": "12",
    "普通群众": "13",
}


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _index(codes: MappingProxyType[str, str], aliases: dict[str, str]) -> dict[str, str]:
    index = {_key(name): code for code, name in codes.items()}
    index.update({_key(k): v for k, v in aliases.items()})
    return index


_EDUCATION_INDEX: Final = _index(EDUCATION, _EDUCATION_ALIASES)
_POLITICAL_INDEX: Final = _index(POLITICAL_STATUS, _POLITICAL_ALIASES)


def education_of(text: str) -> str | None:
    """The category code of a 文化程度 as written; None when unknown."""
    value = _key(text).replace("及以上", "").replace("毕业", "")
    if value.isascii() and value.isdigit() and len(value) <= 2:
        category = value.zfill(2)[0] + "0"
        return category if category in EDUCATION else None
    return _EDUCATION_INDEX.get(value)


def political_status_of(text: str) -> str | None:
    """The code of a 政治面貌 as written; None when unknown."""
    value = _key(text)
    if value.isascii() and value.isdigit() and len(value) <= 2:
        code = value.zfill(2)
        return code if code in POLITICAL_STATUS else None
    return _POLITICAL_INDEX.get(value)


def is_party_member(code: str) -> bool:
    return code in PARTY_MEMBER_CODES


# The report's education bands, highest first: 研究生, 大学本科, 大学专科, 高中(中专), 初中及以下.
EDUCATION_BANDS: Final = (
    ("postgraduate", "研究生", ("10",)),
    ("undergraduate", "大学本科", ("20",)),
    ("college", "大学专科", ("30",)),
    ("secondary", "高中（中专）", ("40", "60")),
    ("junior_or_below", "初中及以下", ("70", "80", "90")),
)
