from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huanjie.conftest import VILLAGE
from huanjie.party.models import MemberRegistration, MemberStatus, PartyBranch, PartyMember
from huanjie.party.services import MSG_DUPLICATE_MEMBER, branch_create
from huanjie.regions.models import Region

from .conftest import PartyWorld, new_id


def _urls(world: PartyWorld, branch: PartyBranch, member: PartyMember) -> dict[str, str]:
    c, b, m = world.campaign.pk, branch.pk, member.pk
    return {
        "branch_list": f"/party/campaigns/{c}/",
        "branch_create": f"/party/campaigns/{c}/branches/new/",
        "branch_detail": f"/party/campaigns/{c}/branches/{b}/",
        "member_add": f"/party/campaigns/{c}/branches/{b}/members/new/",
        "member_detail": f"/party/campaigns/{c}/branches/{b}/members/{m}/",
        "member_status": f"/party/campaigns/{c}/branches/{b}/members/{m}/status/",
        "member_registration": f"/party/campaigns/{c}/branches/{b}/members/{m}/registration/",
    }


def test_the_branch_list_shows_the_expected_attendance_in_constant_queries(world):
    client = world.cast.client(world.cast.county_officer)
    for name in "甲乙丙":
        world.add(name)
    world.add("丁", status=MemberStatus.PROBATIONARY)
    url = f"/party/campaigns/{world.campaign.pk}/"
    client.get(url)  # warm the session and the role cache's first query shapes
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "中共红河限村支部委员会" in body and "中共东门村支部委员会" in body
    assert body.count('data-testid="expected">3<') == 1
    for code in ("630121100207", "630121101204"):
        branch = branch_create(
            actor=world.cast.county_officer,
            village=Region.objects.get(code=code),
            name=f"中共{code}支部委员会",
            kind="branch",
        )
        world.add("戊", branch=branch)
        world.add("己", branch=branch, flowing=True)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count("<tr data-branch=") == 4
    assert len(many) == len(few)
    # The page's own reads: the town subtotals, the page count, the branches, their members,
    # their registrations; the rest (session, user, roles, menu) is the layout's and the same on
    # every page.
    party = [q["sql"] for q in few.captured_queries if '"party_' in q["sql"]]
    assert len(party) == 5, party


def test_a_town_officer_lists_only_the_branches_of_his_town(world):
    body = (
        world.cast.client(world.cast.town_officer)
        .get(f"/party/campaigns/{world.campaign.pk}/")
        .content.decode()
    )
    assert "中共红河限村支部委员会" in body and "中共东门村支部委员会" not in body


def test_the_branch_page_explains_the_expected_attendance_with_masked_ids(world):
    full = world.add("马成")
    world.add("祁兰", status=MemberStatus.PROBATION_DISCIPLINE)
    world.add("韩明", flowing=True)
    client = world.cast.client(world.cast.inspector)
    response = client.get(
        f"/party/campaigns/{world.campaign.pk}/branches/{world.branch.pk}/?present=1"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert full.person.id_masked in body
    assert "减：留党察看（无表决权）" in body and "未进行党员选举登记的流动党员" in body
    assert 'data-testid="expected">1人<' in body
    assert "正式党员不足3人（现有2人），不能单独成立党支部" in body
    assert "会议有效" in body
    # read-only for an inspector: no forms, no links to them
    assert "添加党员" not in body and "办理" not in body


def test_a_party_manager_adds_a_member_through_the_form(world):
    client = world.cast.client(world.cast.town_officer)
    url = f"/party/campaigns/{world.campaign.pk}/branches/{world.branch.pk}/members/new/"
    data = {"id_number": new_id(), "name": "马成", "status": "full", "sex": "", "birth_date": ""}
    response = client.post(url, data)
    assert response.status_code == 302
    member = PartyMember.objects.get(branch=world.branch)
    assert member.person.name == "马成" and member.status == MemberStatus.FULL
    again = client.post(url, data)
    assert again.status_code == 200
    assert (
        MSG_DUPLICATE_MEMBER.format(
            name="马成", masked=member.person.id_masked, branch="中共红河限村支部委员会"
        )
        in again.content.decode()
    )


def test_a_party_manager_creates_a_branch(world):
    client = world.cast.client(world.cast.town_officer)
    url = f"/party/campaigns/{world.campaign.pk}/branches/new/"
    page = client.get(url).content.decode()
    assert "630121100207" in page and VILLAGE not in page  # only villages without a branch
    response = client.post(
        url, {"village": "630121100207", "name": "中共毛家寨村支部委员会", "kind": "branch"}
    )
    branch = PartyBranch.objects.get(village_id="630121100207")
    assert response["Location"] == f"/party/campaigns/{world.campaign.pk}/branches/{branch.pk}/"


def test_registration_and_status_forms_save_and_report_errors_in_chinese(world):
    member = world.add("马成", flowing=True)
    client = world.cast.client(world.cast.town_officer)
    urls = _urls(world, world.branch, member)
    page = client.get(urls["member_detail"]).content.decode()
    assert "保存登记" in page and "保存党员状态" in page
    assert "被依法留置、逮捕（党员权利中止）" not in page  # a status, not a reason
    response = client.post(
        urls["member_registration"],
        {"registered": "on", "registered_on": "2026-11-20", "exclusion": "", "note": ""},
    )
    assert response["Location"] == urls["member_detail"]
    reg = MemberRegistration.objects.get(member=member)
    assert reg.registered and str(reg.registered_on) == "2026-11-20"
    client.post(urls["member_status"], {"status": "probationary"})
    member.refresh_from_db()
    assert member.status == MemberStatus.PROBATIONARY and member.flowing is False
    response = client.post(
        urls["member_registration"], {"exclusion": "abroad", "approved": "on"}, follow=True
    )
    assert "预备党员没有表决权，本就不计入应到会人数，无需作不计入处理" in response.content.decode()


@pytest.mark.parametrize("who", ["village_clerk", "inspector"])
def test_readers_cannot_write(world, who):
    member = world.add("马成")
    client = world.cast.client(getattr(world.cast, who))
    urls = _urls(world, world.branch, member)
    assert client.get(urls["branch_detail"]).status_code == 200
    for name in ("branch_create", "member_add"):
        assert client.get(urls[name]).status_code == 404
    for name in ("member_status", "member_registration"):
        assert client.post(urls[name], {"status": "suspended"}).status_code == 404
    member.refresh_from_db()
    assert member.status == MemberStatus.FULL


def test_the_index_lists_the_campaigns_in_scope(world):
    link = f'href="/party/campaigns/{world.campaign.pk}/"'
    assert link in world.cast.client(world.cast.town_officer).get("/party/").content.decode()
    other = world.cast.client(world.cast.other_county_officer).get("/party/")
    assert other.status_code == 200 and link not in other.content.decode()


def test_every_url_is_404_for_another_county(world):
    member = world.add("马成")
    client = world.cast.client(world.cast.other_county_officer)
    for name, url in _urls(world, world.branch, member).items():
        assert client.get(url).status_code in (404, 405), name
        assert client.post(url, {"status": "suspended"}).status_code == 404, name
    member.refresh_from_db()
    assert member.status == MemberStatus.FULL


def test_another_towns_branch_is_404_for_a_town_officer(world):
    member = world.add("马成", branch=world.other_branch)
    client = world.cast.client(world.cast.town_officer)
    urls = _urls(world, world.other_branch, member)
    del urls["branch_list"], urls["branch_create"]  # the campaign itself is his
    for name, url in urls.items():
        assert client.get(url).status_code in (404, 405), name
        assert (
            client.post(
                url, {"status": "suspended", "id_number": new_id(), "name": "甲"}
            ).status_code
            == 404
        ), name
    # his own branch's id with the other branch's member is 404 too
    own = _urls(world, world.branch, member)
    assert client.get(own["member_detail"]).status_code == 404
    assert client.post(own["member_status"], {"status": "suspended"}).status_code == 404
    member.refresh_from_db()
    assert member.status == MemberStatus.FULL
