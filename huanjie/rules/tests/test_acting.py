"""Who presides (主持工作) while the head's seat is open, and what open seats need, by body and
province, with the article applied or the project's reading said (huanjie.rules.acting)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huanjie.rules.acting import acting, by_election_term, open_seats
from huanjie.rules.profiles import PROVINCE_PROFILES, effective_profile

DAY = date(2026, 5, 10)
READING = "本系统的解释"


@pytest.mark.parametrize(
    ("body", "province", "elected", "post", "by_votes", "text", "articles"),
    [
        # 北京市村民委员会选举办法 第三十条 (RULES.md §5): the deputy presides.
        ("villagers", "11", {"deputy_director": 1}, "deputy_director", False,
         "主任暂缺，由副主任主持工作", ("北京市村民委员会选举办法 第三十条",)),
        ("villagers", "11", {"deputy_director": 2, "member": 1}, "deputy_director", True,
         "主任暂缺，由得票多的一名副主任主持工作", ("北京市村民委员会选举办法 第三十条",)),
        # Everywhere else, and in 北京 without a deputy: the project's reading.
        ("villagers", "11", {"member": 3}, "member", True,
         "主任、副主任暂缺，由得票多的一名委员主持工作，直至选出主任", ()),
        ("villagers", "", {"deputy_director": 1}, "deputy_director", False,
         "主任暂缺，由副主任主持工作", ()),
        ("villagers", "33", {"woman_member": 1}, "member", True,
         "主任、副主任暂缺，由得票多的一名委员主持工作，直至选出主任", ()),
        ("villagers", "51", {"deputy_director": 1}, "deputy_director", False,
         "主任暂缺，由副主任主持工作", ()),
        ("residents", "41", {"deputy_director": 1}, "deputy_director", False,
         "主任暂缺，由副主任主持工作", ()),
        ("supervision", "", {"member": 2}, "member", True,
         "主任、副主任暂缺，由得票多的一名委员主持工作，直至选出主任", ()),
        ("party", "", {"deputy_secretary": 1}, "deputy_secretary", False,
         "书记暂缺，由副书记主持工作", ()),
        ("party", "", {"member": 3}, "member", False,
         "书记、副书记暂缺，由上级党组织指定一名委员主持工作", ()),
        ("villagers", "46", {}, "", False, "委员会没有在任成员，须依法补选", ()),
    ],
)  # fmt: skip
def test_who_presides_and_on_what(body, province, elected, post, by_votes, text, articles):
    rule = acting(effective_profile(body, province, DAY), {"director": 0, **elected})
    assert rule is not None
    assert (rule.post, rule.by_votes, rule.text, rule.articles) == (post, by_votes, text, articles)
    # A rule whose text was not found says it is the project's reading.
    assert bool(rule.articles) != rule.note.startswith(READING)


@pytest.mark.parametrize("province", ["", *PROVINCE_PROFILES])
def test_nobody_is_named_while_the_head_is_in_office(province):
    for body in ("villagers", "residents", "supervision"):
        assert acting(effective_profile(body, province, DAY), {"director": 1}) is None
    assert acting(effective_profile("party", province, DAY), {"secretary": 1}) is None


@pytest.mark.parametrize(
    ("province", "in_office", "may_stay", "articles"),
    [
        # 浙江 30, 四川 38: three in office → the rest may stay empty.
        ("33", {"director": 1, "member": 2}, True, ("浙江省村民委员会选举办法 第三十条",)),
        ("51", {"director": 1, "member": 2}, True, ("四川省村民委员会选举条例 第三十八条",)),
        # 北京 30: more than three and the director.
        ("11", {"director": 1, "member": 2}, False, ("村民委员会组织法(2025) 第二十三条",)),
        ("11", {"director": 1, "member": 3}, True, ("北京市村民委员会选举办法 第三十条",)),
        # 海南 44 (2025): the director's seat or fewer than three → a by-election within 3 months.
        ("46", {"deputy_director": 1, "member": 3}, False, ("海南省村民委员会选举办法 第四十四条",)),
        ("46", {"director": 1, "member": 3}, True, ("海南省村民委员会选举办法 第三十四条",)),
        # 河南 and 河北 carry no vacancy article: the national reading (村民委员会组织法 第八条).
        ("41", {"director": 1, "member": 2}, True, ("村民委员会组织法(2025) 第八条",)),
    ],
)  # fmt: skip
def test_open_seats_stay_empty_or_go_to_a_by_election(province, in_office, may_stay, articles):
    post = "director" if "director" not in in_office else "member"
    (seat,) = open_seats(
        effective_profile("villagers", province, DAY), {post: 1}, in_office=in_office
    )
    assert (seat.may_stay_empty, seat.articles) == (may_stay, articles)


def test_a_seat_the_count_still_holds_open_goes_to_another_poll():
    profile = effective_profile("villagers", "33", DAY)
    (seat,) = open_seats(
        profile, {"member": 1}, in_office={"director": 1, "member": 3}, pending={"member"}
    )
    assert not seat.may_stay_empty and seat.articles == ("浙江省村民委员会选举办法 第二十九条",)


def test_a_by_election_winner_serves_to_the_end_of_the_term():
    assert by_election_term(effective_profile("villagers", "", date(2015, 5, 1))).articles == (
        "村民委员会组织法(2010) 第十九条",
    )
    party = by_election_term(effective_profile("party", "", DAY))
    assert party.articles == () and party.note.startswith(READING)


@given(
    st.sampled_from(["villagers", "residents", "supervision"]),
    st.sampled_from(["", *PROVINCE_PROFILES]),
    st.integers(0, 3),
    st.integers(0, 5),
)
def test_the_one_who_presides_holds_a_post_in_office(body, province, deputies, members):
    rule = acting(
        effective_profile(body, province, DAY), {"deputy_director": deputies, "member": members}
    )
    assert rule is not None
    if rule.post:
        assert {"deputy_director": deputies, "member": members}[rule.post] > 0
    else:
        assert deputies == members == 0
