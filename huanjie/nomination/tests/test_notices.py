"""The candidate notice (候选人公告) as an A4 PDF: the fixed lists in order, the order stated,
the texts the engine applied cited, and no ID number at all."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.core.exceptions import ValidationError

from huanjie.nomination import lists
from huanjie.nomination.notices import candidate_notice_pdf, notice_context
from huanjie.nomination.tests import test_lists
from huanjie.nomination.tests.test_lists import formal, member_post

# The fixtures of test_lists, shared.
camp = test_lists.camp
villagers = test_lists.villagers
five_members = test_lists.five_members


def _fix_all(cast, election):
    formal(cast, election, "马玉兰", post="director")
    formal(cast, election, "祁成", post="director")
    for post in election.posts.all():
        lists.list_fix(actor=cast.town_officer, post=post)


def test_the_notice_is_refused_until_every_list_is_fixed(cast, villagers, five_members):
    lists.list_fix(actor=cast.town_officer, post=member_post(villagers))
    with pytest.raises(ValidationError) as exc:
        notice_context(villagers)
    assert exc.value.messages == ["主任的正式候选人名单尚未确定，不能生成候选人公告"]


def test_the_notice_prints_the_lists_in_order_with_the_sources_and_no_id_number(
    cast, villagers, five_members
):
    _fix_all(cast, villagers)
    context = notice_context(villagers)
    assert context["sources"] == ["村民委员会组织法(2025)"]
    members = next(s for s in context["sections"] if s["post"] == "委员")
    assert [r["name"] for r in members["rows"]] == ["王芳", "刘洋", "李明", "沈括", "宋江"]
    assert members["order"] == "按姓氏笔画为序"
    pdf = candidate_notice_pdf(villagers)
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        return
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    for name in ["王芳", "刘洋", "李明", "沈括", "宋江", "马玉兰", "祁成"]:
        assert name in text
    assert "按姓氏笔画为序" in text and "村民委员会组织法(2025)" in text
    assert "红河限村村民选举委员会" in text
    for nominee in five_members:
        person = nominee.person
        assert person.id_masked not in text
        assert person.id_masked[-4:] + " " not in text
    assert not any(ch.isdigit() and len(tok) >= 15 for tok in text.split() for ch in tok[:1])


def test_a_community_s_party_notice_names_the_community_s_organisation(cast, campaign):
    """A 社区 elects a 社区党组织 (not a 村党组织) and a 居民委员会."""
    from huanjie.elections.models import CampaignVillage
    from huanjie.elections.services import election_create, election_set_seats
    from huanjie.nomination.tests.test_services import make_person

    entry = CampaignVillage.objects.select_related("campaign", "region").get(
        campaign=campaign, region_id="630121100001"
    )
    party = election_create(
        actor=cast.county_officer,
        entry=entry,
        body="party",
        nomination_method="three_recommendations",
    )
    party = election_set_seats(actor=cast.county_officer, election=party, seats={"secretary": 1})
    from huanjie.nomination import services as n

    for name in ("马玉兰", "祁成"):
        nominee = n.nominee_propose(
            actor=cast.county_officer,
            election=party,
            post=party.posts.get(post="secretary"),
            person=make_person(name, region="630121100001"),
            how_nominated="organisation",
        )
        n.nominee_send_to_review(actor=cast.county_officer, nominee=nominee)
        n.nominee_qualify(actor=cast.county_officer, nominee=nominee)
        n.nominee_recommend(
            actor=cast.county_officer, nominee=nominee, member_votes=9, mass_votes=30
        )
        n.nominee_preselect(actor=cast.county_officer, nominee=nominee, committee_votes=5)
        n.nominee_make_formal(actor=cast.county_officer, nominee=nominee)
    lists.publicity_open(
        actor=cast.county_officer,
        election=party,
        subject="preselected",
        starts_on=campaign.window_start,
        ends_on=campaign.window_start,
    )
    lists.list_fix(actor=cast.county_officer, post=party.posts.get(post="secretary"))
    title = notice_context(party)["title"]
    assert "人民路南社区" in title and "社区党组织正式候选人名单公告" in title
    assert "村党组织" not in title
