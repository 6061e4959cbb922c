"""The catalogue of checks on a count's entered figures (count_checks.py): each code, the box
and figure its message names, its level, and the generated document."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huanjie.rules.count_checks import (
    CATALOGUE,
    ERROR,
    WARNING,
    BoxCount,
    CountContext,
    CountFigures,
    Finding,
    PostCount,
    Rate,
    checks_markdown,
    count_checks,
    render,
)
from huanjie.rules.errors import RulesError
from huanjie.rules.profiles import effective_profile

DOC = Path(__file__).resolve().parents[3] / "docs" / "count-checks.md"
DAY = date(2026, 5, 10)
NATIONAL = effective_profile("villagers", "", DAY)
HAINAN = effective_profile("villagers", "46", DAY)
ZHEJIANG = effective_profile("villagers", "33", DAY)
PARTY = effective_profile("party", "", DAY)

MAIN = BoxCount("中心会场", issued=600, returned=600, valid=590, invalid=10, blank=20)
MOBILE = BoxCount("流动1", issued=20, returned=20, valid=20, invalid=0, mobile=True, listed=20)
GOOD = CountFigures(
    electorate=1000,
    voted=620,
    boxes=(MAIN, MOBILE),
    posts=(PostCount("member", 3, (("王芳", 580), ("刘洋", 400), ("陈静", 300))),),
)


def _box(base: BoxCount, **changes: Any) -> BoxCount:
    return dataclasses.replace(base, **changes)


def _codes(found: tuple[Finding, ...]) -> list[str]:
    return [f.code for f in found]


def test_a_sound_count_has_no_findings() -> None:
    assert count_checks(GOOD, NATIONAL) == ()
    assert count_checks(GOOD, HAINAN, CountContext(Rate(60, 100), Rate(1, 100), 5, 5)) == ()


def test_the_catalogue_is_numbered_and_every_code_has_a_level() -> None:
    assert list(CATALOGUE) == [f"C{n:02d}" for n in range(1, 21)]
    assert {check.level for check in CATALOGUE.values()} == {ERROR, WARNING}


# (case, figures, profile, context, expected (code, level, box, message))
CASES: list[tuple[str, CountFigures, object, CountContext, tuple[str, str, str | None, str]]] = [
    (
        "negative figure",
        dataclasses.replace(GOOD, boxes=(_box(MAIN, invalid=-1), MOBILE)),
        NATIONAL,
        CountContext(),
        ("C01", ERROR, "中心会场", "票箱“中心会场”无效票为-1，不能为负数"),
    ),
    (
        "more voted than registered",
        dataclasses.replace(GOOD, electorate=610),
        NATIONAL,
        CountContext(),
        ("C02", ERROR, None, "参加投票620人，多于登记参加选举（应到会）的610人"),
    ),
    (
        "a box returns more than it issued",
        dataclasses.replace(GOOD, boxes=(_box(MAIN, issued=599), MOBILE)),
        ZHEJIANG,
        CountContext(),
        ("C03", ERROR, "中心会场", "票箱“中心会场”收回选票600张，多于发出的599张"),
    ),
    (
        "more returned than issued in all",
        dataclasses.replace(GOOD, boxes=(_box(MAIN, issued=599), MOBILE)),
        ZHEJIANG,
        CountContext(),
        ("C04", ERROR, None, "收回选票共620张，多于发出的619张，本次投票无效"),
    ),
    (
        "more returned than voted",
        dataclasses.replace(GOOD, voted=619),
        NATIONAL,
        CountContext(),
        ("C05", ERROR, None, "收回选票共620张，多于参加投票的619人，本次投票无效"),
    ),
    (
        "valid and invalid do not add up",
        dataclasses.replace(GOOD, boxes=(_box(MAIN, invalid=11), MOBILE)),
        NATIONAL,
        CountContext(),
        ("C06", ERROR, "中心会场", "票箱“中心会场”有效票590张、无效票11张，合计601张，不等于收回的600张"),
    ),
    (
        "more blank than valid",
        dataclasses.replace(GOOD, boxes=(MAIN, _box(MOBILE, blank=21))),
        NATIONAL,
        CountContext(),
        ("C07", ERROR, "流动1", "流动票箱“流动1”空白票21张，多于有效票20张"),
    ),
    (
        "more replaced than spoiled",
        dataclasses.replace(GOOD, boxes=(_box(MAIN, issued=602, spoiled=2, replaced=3), MOBILE)),
        NATIONAL,
        CountContext(),
        ("C08", ERROR, "中心会场", "票箱“中心会场”换领选票3张，多于作废的2张"),
    ),
    (
        "spoiled ballots not in the issued count",
        dataclasses.replace(GOOD, boxes=(_box(MAIN, spoiled=2, replaced=2), MOBILE)),
        NATIONAL,
        CountContext(),
        ("C09", ERROR, "中心会场", "票箱“中心会场”收回600张、作废2张，合计602张，多于发出的600张"),
    ),
    (
        "a post's votes above seats times ballots",
        dataclasses.replace(GOOD, posts=(PostCount("director", 1, (("张伟", 400), ("李强", 200))),)),
        NATIONAL,
        CountContext(),
        ("C10", ERROR, None, "主任应选1名，得票总数600票，多于1×590张非空白有效票=590票"),
    ),
    (
        "one person's votes above the ballots",
        dataclasses.replace(GOOD, posts=(PostCount("member", 3, (("王芳", 591),)),)),
        NATIONAL,
        CountContext(),
        ("C11", ERROR, None, "委员“王芳”得591票，多于非空白有效票590张"),
    ),
    (
        "an over-full mobile box, void alone (海南 29)",
        dataclasses.replace(GOOD, boxes=(MAIN, _box(MOBILE, listed=19))),
        HAINAN,
        CountContext(),
        ("C12", ERROR, "流动1", "流动票箱“流动1”收回选票20张，多于公布的使用流动票箱的选民19人，该票箱的选票无效"),
    ),
    (
        "an over-full mobile box elsewhere",
        dataclasses.replace(GOOD, boxes=(MAIN, _box(MOBILE, listed=19))),
        ZHEJIANG,
        CountContext(),
        ("C13", WARNING, "流动1", "流动票箱“流动1”收回选票20张，多于公布的使用流动票箱的选民19人，请书面说明"),
    ),
    (
        "a mobile box without its list",
        dataclasses.replace(GOOD, boxes=(MAIN, _box(MOBILE, listed=None))),
        NATIONAL,
        CountContext(),
        ("C14", WARNING, "流动1", "流动票箱“流动1”未填写公布的使用流动票箱的选民人数，请补填或书面说明"),
    ),
    (
        "ballots not returned",
        dataclasses.replace(GOOD, boxes=(_box(MAIN, issued=605, spoiled=2, replaced=2), MOBILE)),
        NATIONAL,
        CountContext(),
        ("C15", WARNING, "中心会场", "票箱“中心会场”发出选票605张，收回600张、作废2张，3张未收回，请书面说明"),
    ),
    (
        "turnout not over half: the poll will be void (V10)",
        dataclasses.replace(GOOD, electorate=1240),
        NATIONAL,
        CountContext(),
        ("C16", WARNING, None, "参加投票620人，登记参加选举1240人，未过半数，本次投票无效，应当重新投票"),
    ),
    (
        "party quorum not over four fifths",
        dataclasses.replace(GOOD, electorate=775),
        PARTY,
        CountContext(),
        ("C16", WARNING, None, "实到会620人，应到会775人，未超过五分之四，本次投票无效，应当重新投票"),
    ),
    (
        "turnout far from the usual",
        GOOD,
        NATIONAL,
        CountContext(usual_turnout=Rate(780, 1000)),
        ("C17", WARNING, None, "投票率62.0%，上届为78.0%，相差超过15个百分点，请书面说明"),
    ),
    (
        "invalid rate above the usual",
        dataclasses.replace(GOOD, boxes=(_box(MAIN, valid=550, invalid=50), MOBILE)),
        NATIONAL,
        CountContext(usual_invalid=Rate(2, 100)),
        ("C18", WARNING, None, "无效票50张，占收回选票的8.1%，上届为2.0%，高出5个百分点以上，请书面说明"),
    ),
    (
        "invalid rate above ten percent with no usual",
        dataclasses.replace(GOOD, boxes=(_box(MAIN, valid=520, invalid=80), MOBILE)),
        NATIONAL,
        CountContext(),
        ("C19", WARNING, None, "无效票80张，占收回选票的12.9%，超过10%，请书面说明"),
    ),
    (
        "proxies above the published list",
        GOOD,
        NATIONAL,
        CountContext(proxies_published=12, proxies_recorded=13),
        ("C20", WARNING, None, "登记的委托投票13人，多于公布的委托投票名单12人，请书面说明"),
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "figures", "profile", "context", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_each_check(
    case: str,
    figures: CountFigures,
    profile: object,
    context: CountContext,
    expected: tuple[str, str, str | None, str],
) -> None:
    code, level, box, message = expected
    found = [f for f in count_checks(figures, profile, context) if f.code == code]  # type: ignore[arg-type]
    assert [(f.level, f.box, f.message) for f in found] == [(level, box, message)]
    assert CATALOGUE[code].level == level
    assert found[0].article


def test_every_code_of_the_catalogue_is_exercised() -> None:
    assert {case[4][0] for case in CASES} == set(CATALOGUE)


def test_the_articles_come_from_the_profile() -> None:
    figures = dataclasses.replace(GOOD, boxes=(_box(MAIN, issued=599), _box(MOBILE, listed=19)))
    found = {f.code: f.article for f in count_checks(figures, HAINAN)}
    assert found["C03"] == "海南省村民委员会选举办法 第二十九条"
    assert found["C12"] == "海南省村民委员会选举办法 第二十九条"
    low = dataclasses.replace(GOOD, electorate=1240)
    assert [f.article for f in count_checks(low, NATIONAL) if f.code == "C16"] == [
        "村民委员会组织法(2025) 第十八条"
    ]


def test_hainan_needs_ballots_returned_over_half_too() -> None:
    # 海南省村民委员会选举办法 第二十九条: "收回选票数超过本村选民半数".
    figures = dataclasses.replace(
        GOOD,
        electorate=1100,
        voted=620,
        boxes=(_box(MAIN, issued=600, returned=530, valid=520, invalid=10, blank=0), MOBILE),
    )
    assert "C16" in _codes(count_checks(figures, HAINAN))
    assert "C16" not in _codes(count_checks(figures, NATIONAL))


def test_a_party_meeting_may_have_more_present_than_expected() -> None:
    # RULES.md P8b: members left out of the expected attendance may still come.
    figures = dataclasses.replace(GOOD, electorate=600)
    assert "C02" not in _codes(count_checks(figures, PARTY))
    assert "C02" in _codes(count_checks(figures, NATIONAL))


def test_figures_that_cannot_be_checked_are_refused() -> None:
    twice = dataclasses.replace(GOOD, boxes=(MAIN, _box(MOBILE, box="中心会场")))
    with pytest.raises(RulesError, match="票箱名称“中心会场”重复"):
        count_checks(twice)
    with pytest.raises(RulesError, match="委员的应选人数至少为1"):
        count_checks(dataclasses.replace(GOOD, posts=(PostCount("member", 0),)))


_figure = st.integers(0, 50)


@settings(max_examples=200, deadline=None)
@given(
    issued=_figure,
    returned=_figure,
    valid=_figure,
    invalid=_figure,
    blank=_figure,
    spoiled=_figure,
    replaced=_figure,
)
def test_errors_exactly_when_an_identity_breaks(
    issued: int, returned: int, valid: int, invalid: int, blank: int, spoiled: int, replaced: int
) -> None:
    box = BoxCount("一", issued, returned, valid, invalid, blank, spoiled, replaced)
    figures = CountFigures(electorate=returned, voted=returned, boxes=(box,))
    errors = {f.code for f in count_checks(figures) if f.level == ERROR}
    sound = (
        returned + spoiled <= issued
        and valid + invalid == returned
        and blank <= valid
        and replaced <= spoiled
    )
    assert (not errors) == sound


def test_the_committed_document_is_the_generated_one() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/count-checks.md is out of date: "
        "run `python -m huanjie.rules.count_checks > docs/count-checks.md`"
    )
    assert checks_markdown() in render()
