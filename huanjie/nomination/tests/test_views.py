"""The nominee pages: the campaign's home, a village's elections (created and seated through
the services, the engine's refusal shown), an election's nominees, a nomination by name or by ID
number within the village only, one form per move, refusals shown in Chinese (never a 500) and
404 outside the user's region."""

from __future__ import annotations

import re

import pytest

from huanjie.accounts.permissions import menu_for
from huanjie.conftest import OTHER_TOWN_VILLAGE, VILLAGE
from huanjie.elections.models import Election
from huanjie.nomination import services as n
from huanjie.nomination.models import Nominee, NomineeHistory, Stage
from huanjie.nomination.tests.world_nominees import World, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def url(w: World, name: str, **kw: object) -> str:
    from django.urls import reverse

    return reverse(f"nomination:{name}", kwargs={"pk": w.campaign.pk, **kw})


def text(response) -> str:
    return response.content.decode()


def propose(w: World, actor, election: Election, person, post="member", how="voters_jointly"):
    return n.nominee_propose(
        actor=actor,
        election=election,
        post=election.posts.get(post=post),
        person=person,
        how_nominated=how,
    )


# ---------------------------------------------------------------------------------------------
# Menu, home, scope.


def test_the_menu_has_the_nomination_line_for_business_users_only(world: World) -> None:
    def labels(user):
        return [i.label for _, items in menu_for(user) for i in items]

    assert "提名与候选人" in labels(world.cast.village_clerk)
    assert "提名与候选人" not in labels(world.cast.reviewer)


def test_home_lists_the_villages_with_their_elections_and_counts(world: World) -> None:
    propose(world, world.cast.county_officer, world.villagers, world.person)
    response = world.cast.client(world.cast.town_officer).get(url(world, "home"))
    assert response.status_code == 200
    page = text(response)
    assert "红河限村" in page and "村民委员会" in page and "村党组织" in page
    assert "东门村" not in page  # another town
    rows = re.findall(r"<tr>.*?</tr>", page, re.S)
    villagers = next(r for r in rows if "选民直接提名" in r)
    assert re.findall(r'text-end">(\d+)<', villagers)[:1] == ["1"]  # one 初步人选


@pytest.mark.parametrize("who", ["reviewer", "other_county_officer"])
def test_a_review_department_and_another_county_get_404(world: World, who: str) -> None:
    client = world.cast.client(getattr(world.cast, who))
    nominee = propose(world, world.cast.county_officer, world.villagers, world.person)
    for address in (
        url(world, "home"),
        url(world, "election", election=world.villagers.pk),
        url(world, "propose", election=world.villagers.pk),
        url(world, "nominee", nominee=nominee.pk),
    ):
        assert client.get(address).status_code == 404, address
    response = client.post(url(world, "nominee_move", nominee=nominee.pk, move="withdraw"))
    assert response.status_code == 404
    nominee.refresh_from_db()
    assert nominee.stage == Stage.NOMINATED


def test_a_town_officer_gets_404_on_another_towns_election(world: World) -> None:
    other = Election.objects.get(village__region_id=OTHER_TOWN_VILLAGE)
    client = world.cast.client(world.cast.town_officer)
    assert client.get(url(world, "election", election=other.pk)).status_code == 404
    nominee = Nominee.objects.get(election=other)
    assert client.get(url(world, "nominee", nominee=nominee.pk)).status_code == 404


# ---------------------------------------------------------------------------------------------
# A village's elections.


def village_url(w: World, code: str = VILLAGE) -> str:
    from django.urls import reverse

    return reverse("elections:village_elections", args=[w.campaign.pk, code])


def test_the_county_sets_up_an_election_and_its_seats(cast, campaign) -> None:

    client = cast.client(cast.county_officer)
    from django.urls import reverse

    address = reverse("elections:village_elections", args=[campaign.pk, VILLAGE])
    response = client.post(
        address, {"body": "supervision", "nomination_method": "voters"}, follow=True
    )
    assert "已设置村务监督委员会选举" in text(response)
    election = Election.objects.get(village__region_id=VILLAGE, body="supervision")
    seats = reverse("elections:election_seats", args=[campaign.pk, VILLAGE, election.pk])
    response = client.post(
        seats, {f"e{election.pk}-director": "1", f"e{election.pk}-member": "2"}, follow=True
    )
    assert "职位和应选名额已保存" in text(response)
    assert dict(election.posts.values_list("post", "seats")) == {"director": 1, "member": 2}


def test_the_engines_refusals_show_on_the_page(cast, campaign) -> None:
    from django.urls import reverse

    client = cast.client(cast.county_officer)
    address = reverse("elections:village_elections", args=[campaign.pk, VILLAGE])
    # The Party's only method is 三推两述一选.
    response = client.post(address, {"body": "party", "nomination_method": "voters"})
    assert response.status_code == 200
    assert "村党组织的提名方式不能是“选民直接提名”" in text(response)
    # 红河限村 is a 村: it elects a 村民委员会, not a 居民委员会.
    response = client.post(address, {"body": "residents", "nomination_method": "voters"})
    assert "不是居民委员会" in text(response)
    client.post(address, {"body": "villagers", "nomination_method": "voters"})
    election = Election.objects.get(village__region_id=VILLAGE, body="villagers")
    seats = reverse("elections:election_seats", args=[campaign.pk, VILLAGE, election.pk])
    p = f"e{election.pk}-"
    response = client.post(seats, {p + "director": "1", p + "member": "9"}, follow=True)
    page = text(response)
    assert response.status_code == 200
    assert "村民委员会组织法" in page and "第" in page  # the engine's message with its article
    assert not election.posts.exists()
    response = client.post(seats, {p + "director": "2", p + "member": "3"}, follow=True)
    assert "主任应选1名，现为2名" in text(response)


def test_a_village_clerk_may_not_set_up_elections(cast, campaign) -> None:
    from django.urls import reverse

    client = cast.client(cast.village_clerk)
    address = reverse("elections:village_elections", args=[campaign.pk, VILLAGE])
    assert client.get(address).status_code == 200  # reads them
    response = client.post(address, {"body": "villagers", "nomination_method": "voters"})
    assert response.status_code == 404
    assert not Election.objects.exists()


def test_another_towns_village_elections_answer_404(cast, campaign) -> None:
    from django.urls import reverse

    client = cast.client(cast.town_officer)
    address = reverse("elections:village_elections", args=[campaign.pk, OTHER_TOWN_VILLAGE])
    assert client.get(address).status_code == 404
    response = client.post(address, {"body": "villagers", "nomination_method": "voters"})
    assert response.status_code == 404
    assert not Election.objects.exists()


# ---------------------------------------------------------------------------------------------
# A nomination: the person from the village's roll, by name or by ID number.


def found_table(response) -> str:
    match = re.search(r'<table[^>]*data-testid="found".*?</table>', text(response), re.S)
    assert match, "no result table"
    return match.group(0)


def test_the_search_finds_the_villages_people_by_name_and_by_id_number(world: World) -> None:
    client = world.cast.client(world.cast.village_clerk)
    address = url(world, "propose", election=world.villagers.pk)
    by_name = client.post(address, {"q": "玉兰", "search": "1"})
    assert "马玉兰" in found_table(by_name)
    by_number = client.post(address, {"q": world.number, "search": "1"})
    table = found_table(by_number)
    assert "马玉兰" in table and world.person.id_masked in table
    assert world.number not in text(by_number)  # the full number is not echoed back


def test_an_id_number_of_another_village_answers_as_an_unknown_one(world: World) -> None:
    from datetime import date

    from huanjie.lib import idcard

    client = world.cast.client(world.cast.village_clerk)
    address = url(world, "propose", election=world.villagers.pk)
    unknown = idcard.generate("630121", date(1960, 1, 1), "M", 499)
    elsewhere = client.post(address, {"q": world.outsider_number, "search": "1"})
    nobody = client.post(address, {"q": unknown, "search": "1"})
    assert found_table(elsewhere) == found_table(nobody)
    assert "鲁成福" not in text(elsewhere)
    # Nor can the outsider be proposed by posting their id.
    response = client.post(
        address,
        {
            "person": world.outsider.pk,
            "post": world.villagers.posts.get(post="member").pk,
            "how_nominated": "voters_jointly",
        },
    )
    assert response.status_code == 200
    assert "须是本村(社区)本次换届的登记选民或本村党组织的党员" in text(response)
    assert not Nominee.objects.filter(election=world.villagers).exists()


def test_the_clerk_proposes_a_villager(world: World) -> None:
    client = world.cast.client(world.cast.village_clerk)
    address = url(world, "propose", election=world.villagers.pk)
    response = client.post(
        address,
        {
            "person": world.person.pk,
            "post": world.villagers.posts.get(post="member").pk,
            "how_nominated": "voters_jointly",
            "reason": "十人联名",
        },
        follow=True,
    )
    assert "已提名马玉兰" in text(response)
    nominee = Nominee.objects.get(election=world.villagers)
    assert (nominee.person_id, nominee.stage, nominee.created_by_id) == (
        world.person.pk,
        Stage.NOMINATED,
        world.cast.village_clerk.pk,
    )
    assert NomineeHistory.objects.get(nominee=nominee).reason == "十人联名"


def test_a_refused_nomination_shows_the_services_message(world: World) -> None:
    client = world.cast.client(world.cast.village_clerk)
    address = url(world, "propose", election=world.villagers.pk)
    post = world.villagers.posts.get(post="member").pk
    # The method does not take this way of nomination (组织推荐 is the Party's).
    response = client.post(
        address, {"person": world.person.pk, "post": post, "how_nominated": "organisation"}
    )
    assert response.status_code == 200
    assert "有效的选项" in text(response)
    assert not Nominee.objects.filter(election=world.villagers).exists()
    # Twice the same person.
    propose(world, world.cast.village_clerk, world.villagers, world.person)
    response = client.post(
        address, {"person": world.person.pk, "post": post, "how_nominated": "self"}
    )
    assert response.status_code == 200
    assert "马玉兰已是本次选举的提名人选" in text(response)


def test_the_party_election_is_refused_to_the_village_clerk_on_the_page(world: World) -> None:
    client = world.cast.client(world.cast.village_clerk)
    page = client.get(url(world, "election", election=world.party.pk))
    assert page.status_code == 200
    assert n.MSG_PARTY_BY_TOWN in text(page)
    assert 'data-testid="propose"' not in text(page)
    response = client.post(
        url(world, "propose", election=world.party.pk),
        {
            "person": world.person.pk,
            "post": world.party.posts.get(post="member").pk,
            "how_nominated": "self",
        },
    )
    assert response.status_code == 200
    assert n.MSG_PARTY_BY_TOWN in text(response)
    assert not Nominee.objects.filter(election=world.party).exists()
    # A Party nominee the town made: the clerk sees it but gets no move, and a posted one is
    # refused with the message.
    nominee = propose(world, world.cast.town_officer, world.party, world.person, how="self")
    page = client.get(url(world, "nominee", nominee=nominee.pk))
    assert page.status_code == 200 and 'data-testid="move-' not in text(page)
    response = client.post(
        url(world, "nominee_move", nominee=nominee.pk, move="send_to_review"), follow=True
    )
    assert response.status_code == 200
    assert n.MSG_PARTY_BY_TOWN in text(response)
    nominee.refresh_from_db()
    assert nominee.stage == Stage.NOMINATED


# ---------------------------------------------------------------------------------------------
# The moves.


def move(client, w: World, nominee: Nominee, name: str, data: dict | None = None):
    fields = {f"{name}-{k}": v for k, v in (data or {}).items()}
    return client.post(url(w, "nominee_move", nominee=nominee.pk, move=name), fields, follow=True)


def test_the_party_path_through_the_forms(world: World) -> None:
    town = world.cast.client(world.cast.town_officer)
    county = world.cast.client(world.cast.county_officer)
    nominee = propose(world, world.cast.town_officer, world.party, world.person, how="organisation")
    move(town, world, nominee, "send_to_review")
    page = text(town.get(url(world, "nominee", nominee=nominee.pk)))
    assert "move-qualify" not in page and "move-disqualify" not in page  # the county's
    assert "move-disqualify" in text(county.get(url(world, "nominee", nominee=nominee.pk)))
    move(county, world, nominee, "qualify", {"reason": "联审无异常"})
    response = move(town, world, nominee, "recommend", {"member_votes": "31", "mass_votes": "-2"})
    assert "群众推荐票数" in text(response)  # a bad count is refused with its label
    nominee.refresh_from_db()
    assert nominee.stage == Stage.QUALIFIED
    move(town, world, nominee, "recommend", {"member_votes": "31", "mass_votes": "120"})
    move(town, world, nominee, "preselect", {"committee_votes": "9"})
    response = move(town, world, nominee, "make_formal")
    assert "确定为正式候选人" in text(response)
    nominee.refresh_from_db()
    assert (nominee.stage, nominee.member_votes, nominee.mass_votes, nominee.committee_votes) == (
        Stage.FORMAL,
        31,
        120,
        9,
    )
    history = text(town.get(url(world, "nominee", nominee=nominee.pk)))
    for label in (
        "资格审查中",
        "资格审查通过",
        "民主推荐人选",
        "预备人选",
        "正式候选人",
        "联审无异常",
    ):
        assert label in history


def test_only_the_county_gives_the_reviews_conclusion(world: World) -> None:
    clerk = world.cast.client(world.cast.village_clerk)
    nominee = propose(world, world.cast.village_clerk, world.villagers, world.person)
    move(clerk, world, nominee, "send_to_review")
    response = move(clerk, world, nominee, "disqualify", {"reason": "x", "cannot_stand": "1"})
    assert "资格审查结论由县级资格联审作出" in text(response)
    response = move(clerk, world, nominee, "qualify")
    assert "资格审查结论由县级资格联审作出" in text(response)
    nominee.refresh_from_db()
    assert nominee.stage == Stage.UNDER_REVIEW
    county = world.cast.client(world.cast.county_officer)
    move(
        county,
        world,
        nominee,
        "disqualify",
        {"reason": "2019年因盗窃罪受过刑事处罚", "cannot_stand": "1"},
    )
    nominee.refresh_from_db()
    assert (nominee.stage, nominee.barred) == (Stage.DISQUALIFIED, True)
    # SECURITY.md P8: the finding is the county review's to read; the village and the town
    # see that the nominee did not pass.
    page = url(world, "nominee", nominee=nominee.pk)
    assert "盗窃罪" in text(county.get(page))
    for user in (world.cast.village_clerk, world.cast.town_officer, world.cast.inspector):
        shown = text(world.cast.client(user).get(page))
        assert "盗窃罪" not in shown and "具体情形由县级资格联审掌握" in shown


def test_a_refused_move_is_a_message_not_a_500(world: World) -> None:
    clerk = world.cast.client(world.cast.village_clerk)
    nominee = propose(world, world.cast.village_clerk, world.villagers, world.person)
    response = move(clerk, world, nominee, "make_formal")  # not reviewed yet
    assert response.status_code == 200
    assert "马玉兰当前为“初步人选”，不能改为“正式候选人”" in text(response)
    response = move(clerk, world, nominee, "withdraw", {"reason": ""})
    assert response.status_code == 200 and "退出原因" in text(response)
    response = move(clerk, world, nominee, "no_such_move")
    assert response.status_code == 200 and "没有这项操作" in text(response)
    move(clerk, world, nominee, "withdraw", {"reason": "本人申请退出"})
    nominee.refresh_from_db()
    assert (nominee.stage, nominee.withdrawn_reason) == (Stage.WITHDRAWN, "本人申请退出")


def test_an_inspector_reads_but_has_no_forms(world: World) -> None:
    client = world.cast.client(world.cast.inspector)
    nominee = propose(world, world.cast.county_officer, world.villagers, world.person)
    page = client.get(url(world, "nominee", nominee=nominee.pk))
    assert page.status_code == 200 and "move-" not in text(page)
    assert client.get(url(world, "propose", election=world.villagers.pk)).status_code == 404
    response = client.post(url(world, "nominee_move", nominee=nominee.pk, move="withdraw"))
    assert response.status_code == 404


def test_the_nominee_page_shows_the_registered_review_status(world: World, monkeypatch) -> None:
    """The joint review (an app above this one) tells the page where a nominee's review stands
    through `review_status_lookups`; the link only for the users it gives one."""
    nominee = propose(world, world.cast.county_officer, world.villagers, world.person)

    def lookup(found, user):
        link = "/review/campaigns/1/" if user == world.cast.county_officer else ""
        return ("第2批 县级联审中", link) if found.pk == nominee.pk else None

    monkeypatch.setattr(n, "review_status_lookups", [lookup])
    page = text(
        world.cast.client(world.cast.county_officer).get(url(world, "nominee", nominee=nominee.pk))
    )
    assert 'data-testid="review-status"' in page and "第2批 县级联审中" in page
    assert 'href="/review/campaigns/1/"' in page
    page = text(
        world.cast.client(world.cast.inspector).get(url(world, "nominee", nominee=nominee.pk))
    )
    assert "第2批 县级联审中" in page and 'href="/review/campaigns/1/"' not in page
