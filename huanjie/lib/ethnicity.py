"""民族: the GB/T 3304-1991 codes, and reading what people write in a 民族 column.

``Person.ethnicity`` stores the 2-digit code. Imports meet "汉", "汉族", "回", "蒙族",
"０３" or "3"; ``code_of`` maps them all, and returns None for anything it does not know
(the import flags the row; it never guesses).

>>> name_of("30")
'土族'
>>> code_of("汉"), code_of("回族"), code_of(" 土 族 "), code_of("蒙族"), code_of("3")
('01', '03', '30', '02', '03')
>>> code_of("土家"), code_of("火星族")
('15', None)
"""

from __future__ import annotations

import unicodedata
from types import MappingProxyType
from typing import Final

__all__ = ["CHOICES", "ETHNICITIES", "code_of", "name_of"]

# GB/T 3304-1991 中国各民族名称的罗马字母拼写法和代码, numeric codes, in code order.
ETHNICITIES: Final = MappingProxyType(
    {
        "01": "汉族",
        "02": "蒙古族",
        "03": "回族",
        "04": "藏族",
        "05": "维吾尔族",
        "06": "苗族",
        "07": "彝族",
        "08": "壮族",
        "09": "布依族",
        "10": "朝鲜族",
        "11": "满族",
        "12": "侗族",
        "13": "瑶族",
        "14": "白族",
        "15": "土家族",
        "16": "哈尼族",
        "17": "哈萨克族",
        "18": "傣族",
        "19": "黎族",
        "20": "傈僳族",
        "21": "佤族",
        "22": "畲族",
        "23": "高山族",
        "24": "拉祜族",
        "25": "水族",
        "26": "东乡族",
        "27": "纳西族",
        "28": "景颇族",
        "29": "柯尔克孜族",
        "30": "土族",
        "31": "达斡尔族",
        "32": "仫佬族",
        "33": "羌族",
        "34": "布朗族",
        "35": "撒拉族",
        "36": "毛南族",
        "37": "仡佬族",
        "38": "锡伯族",
        "39": "阿昌族",
        "40": "普米族",
        "41": "塔吉克族",
        "42": "怒族",
        "43": "乌孜别克族",
        "44": "俄罗斯族",
        "45": "鄂温克族",
        "46": "德昂族",
        "47": "保安族",
        "48": "裕固族",
        "49": "京族",
        "50": "塔塔尔族",
        "51": "独龙族",
        "52": "鄂伦春族",
        "53": "赫哲族",
        "54": "门巴族",
        "55": "珞巴族",
        "56": "基诺族",
        # Not one of the 56: people whose group is not yet identified (e.g. 穿青人), and
        # Chinese citizens of foreign descent. The census tables label them "其他未识别的
        # 民族" and "外国人加入中国籍".
        "97": "其他未识别民族",
        "98": "外国血统中国籍人士",
    }
)

# For <select> fields: [(code, name), ...] in code order.
CHOICES: Final = tuple(ETHNICITIES.items())

# Other names people write, beyond "X族" and "X" (which are derived below).
_ALIASES: Final = {
    "蒙": "02",
    "蒙族": "02",
    "维族": "05",
    "维吾尔": "05",
    "朝族": "10",
    "哈族": "17",
    "柯族": "29",
    "其他": "97",
    "未识别": "97",
    "未识别民族": "97",
    "其他未识别的民族": "97",
    "穿青人": "97",
    "外国血统": "98",
    "外国人加入中国籍": "98",
    "入籍": "98",
}


def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for code, name in ETHNICITIES.items():
        index[name] = code
        if code < "97":  # "回族" -> "回", "土家族" -> "土家" (distinct from "土")
            index[name.removesuffix("族")] = code
    index.update(_ALIASES)
    return index


_BY_NAME: Final = _index()


def name_of(code: str) -> str:
    """The standard name for a code; KeyError for an unknown code."""
    return ETHNICITIES[code]


def code_of(text: str) -> str | None:
    """The code for a name, short name, common alias or the code itself (full-width
    digits and stray spaces are fine); None if unknown."""
    value = "".join(unicodedata.normalize("NFKC", text).split())
    if value.isascii() and value.isdigit():
        code = value.zfill(2)
        return code if code in ETHNICITIES else None
    return _BY_NAME.get(value)
