"""姓氏笔画 order against the examples of ECOSYSTEM.md §3 (the official convention, not ICU's)."""

from __future__ import annotations

import pytest

from huanjie.lib.strokes import name_key, strokes_of


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ("王李张刘陈丁马于", "丁于马王刘李张陈"),
        ("何吴宋李张沈陈杜杨邱邹苏", "苏杜李杨吴邱何邹宋沈张陈"),
        ("王毛方孔尹文卞邓", "王毛卞文方尹孔邓"),
    ],
)
def test_surnames_sort_by_count_then_by_the_first_differing_stroke(names, expected):
    assert "".join(sorted(names, key=name_key)) == expected


def test_given_names_break_ties_between_equal_surnames():
    assert sorted(["王明", "王一", "王二"], key=name_key) == ["王一", "王二", "王明"]


def test_a_character_missing_from_the_table_sorts_last_and_does_not_fail():
    assert strokes_of("𠮷") is None
    assert sorted(["𠮷", "王"], key=name_key) == ["王", "𠮷"]


def test_the_table_covers_the_common_surnames():
    for ch in "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤冶祁鲁星童":
        assert strokes_of(ch), ch
