"""docs/rules.md is generated from the profiles and must match them."""

from __future__ import annotations

from pathlib import Path

from huanjie.rules.docs import render
from huanjie.rules.profiles import PROVINCE_PROFILES, RULE_LABELS

DOC = Path(__file__).resolve().parents[3] / "docs" / "rules.md"


def test_the_committed_document_is_the_generated_one() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/rules.md is out of date: run `python -m huanjie.rules.docs > docs/rules.md`"
    )


def test_every_province_and_rule_is_in_it() -> None:
    text = render()
    for name in PROVINCE_PROFILES.values():
        assert name in text
    for label in ("委员会职数", "委托投票", "另行选举当选所需票数", "名额暂缺"):
        assert label in RULE_LABELS.values() and f"| {label} |" in text
