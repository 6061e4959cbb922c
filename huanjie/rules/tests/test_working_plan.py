"""The working plan (rules.schedule.working_plan): the county plan's days, never after the law's
(RULES.md V7, V19; WORKFLOW.md §0.2, §3.1). Tables from the statute, then properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huanjie.rules.profiles import PROVINCE_PROFILES, effective_profile
from huanjie.rules.schedule import PLAN_KEYS, legal_schedule, working_plan

D = date(2027, 1, 10)


def plan(body: str = "villagers", province: str = "", day: date = D, **kw: str) -> dict:
    profile = effective_profile(body, province, day, **kw)
    return {s.key: s for s in working_plan(profile, day, community=body == "residents")}


@pytest.mark.parametrize(
    ("key", "province", "due", "bound", "article"),
    [
        # 村民委员会组织法(2025) 第十七条: the list 20 days before; the plan publishes it at D-24.
        ("voter_list", "", D - timedelta(days=24), "plan", "村民委员会组织法(2025) 第十七条"),
        # 同上: five days to object, three to decide, counted from the last lawful day.
        ("objections", "", D - timedelta(days=21), "plan", "村民委员会组织法(2025) 第十七条"),
        # 浙江省村民委员会选举办法 第十八条: the candidates five days before, earlier than D-4.
        ("candidate_list", "33", D - timedelta(days=5), "law", "浙江省村民委员会选举办法 第十八条"),
        # 四川省村民委员会选举条例 第二十三条: the nominees 15 days before (the plan's D-13 is later).
        ("nomination", "51", D - timedelta(days=15), "law", "四川省村民委员会选举条例 第二十三条"),
        # 村民委员会组织法(2025) 第二十四条: handover within ten days.
        ("handover", "", D + timedelta(days=10), "law", "村民委员会组织法(2025) 第二十四条"),
        # 村民委员会组织法(2025) 第十五条: the election committee runs the election.
        ("committee", "", D - timedelta(days=34), "plan", "村民委员会组织法(2025) 第十五条"),
    ],
)
def test_each_stage_is_due_on_the_earlier_of_plan_and_law(key, province, due, bound, article):
    stage = plan(province=province)[key]
    assert (stage.due, stage.bound) == (due, bound)
    assert article in stage.article


def test_the_party_goes_first_and_every_key_is_there():
    stages = plan()
    assert list(stages) == list(PLAN_KEYS)
    assert stages["party_election"].due < stages["committee"].starts


def test_a_community_has_its_own_names_and_no_proxies_in_representative_mode():
    stages = plan("residents", mode="representatives")
    assert stages["committee"].name == "推选居民选举委员会"
    assert "proxies" not in stages
    assert [s.order for s in stages.values()] == list(range(1, len(stages) + 1))


def test_a_stage_pulled_forward_pulls_the_review_before_it():
    stages = plan(province="33")
    assert stages["joint_review"].due <= stages["candidate_list"].due


@given(
    province=st.sampled_from(["", *PROVINCE_PROFILES]),
    day=st.dates(date(2026, 3, 1), date(2030, 12, 31)),
)
def test_no_stage_falls_after_its_legal_deadline_and_the_order_holds(province, day):
    profile = effective_profile("villagers", province, day)
    legal = {d.key: d.day for d in legal_schedule(profile, day)}
    stages = working_plan(profile, day, community=False)
    for stage in stages:
        assert stage.starts <= stage.due
    by_key = {s.key: s for s in stages}
    if "voter_list" in legal:
        assert by_key["voter_list"].due <= legal["voter_list"]
    if "candidate_list" in legal:
        assert by_key["candidate_list"].due <= legal["candidate_list"]
    if "handover" in legal:
        assert by_key["handover"].due <= legal["handover"]
    before = [s.due for s in stages if s.due <= day]
    assert before == sorted(before)
