"""A candidate cannot hold a proxy (issue 10 item 5): the proxy service asks nomination who is a
candidate of the village's elections (a 预备人选 or a formal candidate), and the engine's rule
(the profile's `proxy.candidates_excluded`: 村民委员会组织法(2025) 第十八条 for this campaign)
refuses it with its article; the proxy page no longer tells the clerk to check by hand."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from huanjie.conftest import VILLAGE
from huanjie.nomination import services as n
from huanjie.nomination.models import Nominee
from huanjie.nomination.tests.world_nominees import World, on_roll, world_fixture  # noqa: F401
from huanjie.voters.models import Proxy, VoterRegistration
from huanjie.voters.services import proxy_record

pytestmark = pytest.mark.django_db

FILED = date(2027, 1, 5)
REFUSAL = "候选人不得接受委托投票（村民委员会组织法(2025) 第十八条）"


def reg(w: World, person) -> VoterRegistration:
    return VoterRegistration.objects.get(campaign=w.campaign, village_id=VILLAGE, person=person)


def nominee_at(w: World, person, stage: str) -> Nominee:
    officer = w.cast.county_officer
    nominee = n.nominee_propose(
        actor=officer,
        election=w.villagers,
        post=w.villagers.posts.get(post="member"),
        person=person,
        how_nominated="self",
    )
    if stage == "nominated":
        return nominee
    n.nominee_send_to_review(actor=officer, nominee=nominee)
    n.nominee_qualify(actor=officer, nominee=nominee)
    if stage == "formal":
        n.nominee_make_formal(actor=officer, nominee=nominee)
    return nominee


def record(w: World, holder) -> Proxy:
    principal, _ = on_roll(w.cast, w.campaign, "马秀英")
    return proxy_record(
        actor=w.cast.village_clerk,
        principal=reg(w, principal),
        holder=reg(w, holder),
        relation="母女",
        close_relative=True,
        filed_on=FILED,
    )


def test_a_formal_candidate_cannot_hold_a_proxy(world: World) -> None:
    nominee_at(world, world.person, "formal")
    with pytest.raises(ValidationError) as exc:
        record(world, world.person)
    assert exc.value.messages == [f"马玉兰是村民委员会委员正式候选人，{REFUSAL}"]
    assert not Proxy.objects.exists()


@pytest.mark.parametrize("stage", ["nominated", "qualified"])
def test_a_nominee_not_yet_a_candidate_may_hold_one(world: World, stage: str) -> None:
    nominee_at(world, world.person, stage)
    assert record(world, world.person).holder.person_id == world.person.pk


def test_a_formal_candidate_who_withdrew_may_hold_one(world: World) -> None:
    nominee = nominee_at(world, world.person, "formal")
    n.nominee_withdraw(actor=world.cast.county_officer, nominee=nominee, reason="本人申请退出")
    assert record(world, world.person).holder.person_id == world.person.pk


def test_a_party_preselected_nominee_cannot_hold_one(world: World) -> None:
    town = world.cast.town_officer
    nominee = n.nominee_propose(
        actor=town,
        election=world.party,
        post=world.party.posts.get(post="member"),
        person=world.person,
        how_nominated="organisation",
    )
    n.nominee_send_to_review(actor=town, nominee=nominee)
    n.nominee_qualify(actor=world.cast.county_officer, nominee=nominee)
    n.nominee_recommend(actor=town, nominee=nominee, member_votes=20, mass_votes=80)
    n.nominee_preselect(actor=town, nominee=nominee, committee_votes=7)
    with pytest.raises(ValidationError) as exc:
        record(world, world.person)
    assert REFUSAL in exc.value.messages[0] and "预备人选" in exc.value.messages[0]


def test_the_proxy_page_refuses_it_and_no_longer_says_check_by_hand(world: World) -> None:
    nominee_at(world, world.person, "formal")
    principal, _ = on_roll(world.cast, world.campaign, "马秀英")
    client = world.cast.client(world.cast.village_clerk)
    address = reverse("voters:proxies", args=[world.campaign.pk, VILLAGE])
    page = client.get(address).content.decode()
    assert "人工核对" not in page
    response = client.post(
        address,
        {
            "principal": reg(world, principal).pk,
            "holder": reg(world, world.person).pk,
            "relation": "母女",
            "close_relative": "on",
            "filed_on": FILED.isoformat(),
        },
    )
    assert response.status_code == 200
    assert REFUSAL in response.content.decode()
    assert not Proxy.objects.exists()


def test_a_proxy_accepted_before_becoming_a_candidate_holds_up_the_list(world: World) -> None:
    """The holder became a formal candidate after accepting: fixing the post's list is refused
    until the proxy is withdrawn."""
    from huanjie.nomination import lists
    from huanjie.voters.services import proxy_withdraw

    proxy = record(world, world.person)
    nominee_at(world, world.person, "formal")
    post = world.villagers.posts.get(post="member")
    verdict = lists.list_verdict(post)
    held = [p for p in verdict.problems if "接受了1份委托投票" in p]
    assert held and "马玉兰" in held[0] and "第十八条" in held[0]
    proxy_withdraw(actor=world.cast.village_clerk, proxy=proxy, on=FILED, reason="委托人撤回")
    assert not [p for p in lists.list_verdict(post).problems if "委托投票" in p]
