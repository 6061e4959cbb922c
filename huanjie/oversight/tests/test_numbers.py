"""The work in numbers reads the village ledgers' figures from ledgers.selectors.ledger_counts
(never typed), by its documented keys, and writes the county's sentence from the counts."""

from __future__ import annotations

from huanjie.ledgers.selectors import ledger_counts
from huanjie.ledgers.tests.world import make_world
from huanjie.oversight.numbers import LEDGER_FIGURES, sentence, work_in_numbers


def test_the_village_ledgers_figures_are_ledger_counts(cast, campaign):
    make_world(cast, campaign)
    counts = ledger_counts(campaign, "630121")
    numbers = work_in_numbers(campaign, "630121")
    for key, _, _ in LEDGER_FIGURES:
        assert numbers.value(key) == counts[key], key
    assert numbers.value("villages_assessed") == 1


def test_the_sentence_leaves_out_what_did_not_happen():
    own = {
        "meetings": 3,
        "documents": 5,
        "training_sessions": 2,
        "attendees": 40,
        "groups": 4,
        "visits": 12,
        "problems": 3,
        "problems_closed": 2,
        "petitions": 4,
        "petitions_settled": 3,
    }
    text = sentence(own, {"category_upgrades": 0, "complex_villages": 0})
    assert text == (
        "召开各类会议3次，下发换届选举相关文件5个；县乡累计组织开展各类培训2场次，培训40人次；"
        "成立4个督导组，督导指导工作12次，发现问题3个、已整改销号2个；"
        "妥善解决群众信访3起（受理4起）。"
    )
    assert "排查选情复杂村2个，整顿事项销号1项" in sentence(
        own, {"complex_villages": 2, "rectification_closed": 1}
    )
