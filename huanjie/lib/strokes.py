"""姓氏笔画 order: names sorted as official Chinese lists sort them.

By stroke count of the first character, then by the first differing stroke in the order
横 竖 撇 点 折, then the next character likewise (GB 13000.1 字符集汉字笔顺规范). ICU's stroke
collation breaks ties by radical instead, which is not the official order (ECOSYSTEM.md §3), so
huanjie ships its own table (data/strokes.tsv, from npm cnchar-order, MIT). A character missing
from the table sorts after every known character of its position, by code point.

    >>> sorted(["王", "李", "张", "刘", "陈", "丁", "马", "于"], key=name_key)
    ['丁', '于', '马', '王', '刘', '李', '张', '陈']
    >>> sorted(["王", "毛", "方", "孔", "尹", "文", "卞", "邓"], key=name_key)
    ['王', '毛', '卞', '文', '方', '尹', '孔', '邓']
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_TABLE = Path(__file__).with_name("data") / "strokes.tsv"
_UNKNOWN = (10_000, "")


@lru_cache(maxsize=1)
def _strokes() -> dict[str, str]:
    table: dict[str, str] = {}
    with _TABLE.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            ch, _, seq = line.rstrip("\n").partition("\t")
            table[ch] = seq
    return table


def strokes_of(ch: str) -> str | None:
    """The stroke classes of one character ('1121' for 王), or None if not in the table."""
    return _strokes().get(ch)


def name_key(name: str) -> tuple[tuple[int, str, int], ...]:
    """A sort key giving 姓氏笔画 order (the surname first, then the given name)."""
    table = _strokes()
    key = []
    for ch in name:
        seq = table.get(ch)
        count, shapes = (len(seq), seq) if seq else _UNKNOWN
        key.append((count, shapes, ord(ch)))
    return tuple(key)
