"""The rule on nominees (村民委员会组织法(2018) 第十二条; (2025) 第十五条) through
`nomination.services.nominee_propose`: a serving member of the village's election committee who
is nominated — or, under the 2025 law, whose declared close relative is — must leave; the
proposal is refused with the engine's message and article unless the caller confirms with
`withdraw_member=True`, which withdraws the member in the same transaction, the next reserve
moving up."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from huanjie.audit.models import AuditEvent
from huanjie.committees import services as s
from huanjie.committees.models import ElectionCommitteeMember
from huanjie.committees.tests.conftest import World, make_election, make_person
from huanjie.elections.models import Election
from huanjie.nomination import services as n
from huanjie.nomination.models import Nominee

ART_2025 = "村民委员会组织法(2025) 第十五条"
ART_2018 = "村民委员会组织法(2018) 第十二条"


def propose(world: World, election: Election, person, **kw):
    return n.nominee_propose(
        actor=world.cast.village_clerk,
        election=election,
        post=election.posts.get(post="member"),
        person=person,
        how_nominated="self",
        **kw,
    )


def _counts() -> tuple[int, int, int]:
    return (
        Nominee.objects.count(),
        ElectionCommitteeMember.objects.filter(status="withdrawn").count(),
        AuditEvent.objects.filter(
            action__in=("nominee.propose", "committee.member_withdraw")
        ).count(),
    )


@pytest.mark.parametrize(("fixture", "article"), [("world", ART_2025), ("world_2018", ART_2018)])
def test_a_nominated_member_must_leave_under_both_laws(request, fixture, article):
    world = request.getfixturevalue(fixture)
    election = make_election(world.cast, world.campaign)
    member = world.m(1)
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        propose(world, election, member.person)
    assert exc.value.messages == [
        f"马进才是本村选举委员会成员，本人被提名为候选人，应当退出选举委员会（依据：{article}）"
    ]
    assert exc.value.error_list[0].code == s.MUST_LEAVE
    assert _counts() == before  # nothing written
    assert world.m(1).status == "serving"

    nominee = propose(world, election, member.person, withdraw_member=True)
    left, up = world.m(1), world.m(3)
    assert (left.status, left.withdrawal_kind, left.withdrawn_for_id) == (
        "withdrawn",
        "nominated",
        nominee.pk,
    )
    assert left.withdrawn_reason == "马进才被提名为委员候选人"
    assert left.replaced_by_id == up.pk and up.status == "serving"
    actions = list(
        AuditEvent.objects.filter(action__in=("nominee.propose", "committee.member_withdraw"))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["nominee.propose", "committee.member_withdraw"]
    event = AuditEvent.objects.get(action="committee.member_withdraw")
    assert event.changes["nominee"] == nominee.pk


def test_under_2025_a_member_whose_declared_close_relative_is_nominated_must_leave(world):
    election = make_election(world.cast, world.campaign)
    son = make_person("韩小军")
    chair = world.m(0)
    with pytest.raises(ValidationError) as exc:
        propose(world, election, son, committee_relatives=[chair])
    assert exc.value.messages == [
        f"韩德福是本村选举委员会成员，其近亲属被提名为候选人，应当退出选举委员会（依据：{ART_2025}）"
    ]
    assert not Nominee.objects.exists()
    propose(world, election, son, committee_relatives=[chair], withdraw_member=True)
    chair = world.m(0)
    assert (chair.status, chair.withdrawal_kind) == ("withdrawn", "relative_nominated")
    assert chair.replaced_by is not None
    assert chair.replaced_by.person.name == "李有福"
    # The chair left: the committee has none until it elects one.
    assert not ElectionCommitteeMember.objects.filter(role="chair", status="serving").exists()


def test_under_2018_a_relative_s_nomination_does_not_make_the_member_leave(world_2018):
    world = world_2018
    election = make_election(world.cast, world.campaign)
    nominee = propose(world, election, make_person("韩小军"), committee_relatives=[world.m(0)])
    assert nominee.pk
    assert world.m(0).status == "serving"
    assert not ElectionCommitteeMember.objects.filter(status="withdrawn").exists()


def test_a_declared_relative_must_be_a_serving_member_of_this_committee(world):
    election = make_election(world.cast, world.campaign)
    with pytest.raises(ValidationError) as exc:
        propose(world, election, make_person("韩小军"), committee_relatives=[world.m(3)])
    assert exc.value.messages == ["申报的近亲属李有福不是本村选举委员会的在任成员"]
    assert not Nominee.objects.exists()


def test_a_person_not_on_the_committee_is_proposed_as_before(world):
    election = make_election(world.cast, world.campaign)
    nominee = propose(world, election, make_person("杨秀兰"))
    assert nominee.order == 1
    assert not ElectionCommitteeMember.objects.filter(status="withdrawn").exists()


def test_the_party_s_nomination_does_not_make_a_member_leave(world):
    """The law speaks of 村民委员会成员候选人: the Party's profile carries no such rule."""
    from huanjie.committees.tests.conftest import entry_of
    from huanjie.elections.services import election_create, election_set_seats

    party = election_create(
        actor=world.cast.county_officer,
        entry=entry_of(world.campaign),
        body="party",
        nomination_method="three_recommendations",
    )
    election_set_seats(
        actor=world.cast.county_officer, election=party, seats={"secretary": 1, "member": 4}
    )
    nominee = n.nominee_propose(
        actor=world.cast.town_officer,
        election=party,
        post=party.posts.get(post="member"),
        person=world.m(1).person,
        how_nominated="self",
    )
    assert nominee.pk and world.m(1).status == "serving"


def test_a_reserve_who_is_a_nominee_is_passed_over_and_cannot_join(world):
    election = make_election(world.cast, world.campaign)
    reserve = world.m(3)  # 李有福, the first reserve
    propose(world, election, reserve.person)  # a reserve is no member: nothing to leave
    done = s.member_withdraw(
        actor=world.cast.town_officer, member=world.m(2), kind="resigned", reason="外出"
    )
    assert done.replacement is not None
    assert done.replacement.person.name == "朱成林"
    assert world.m(3).status == "reserve"
    passed = world.committee.history.filter(member=world.m(3), event="passed_over").get()
    assert passed.reason == "李有福已被提名为候选人，不予递补"


def test_an_open_nominee_cannot_be_added_to_the_committee(world):
    election = make_election(world.cast, world.campaign)
    person = make_person("杨秀兰")
    propose(world, election, person)
    with pytest.raises(ValidationError) as exc:
        s.member_add(
            actor=world.cast.town_officer,
            committee=world.committee,
            person=person,
            status="reserve",
        )
    assert exc.value.messages == [
        f"杨秀兰是本村提名人选，被提名为候选人的应当退出选举委员会，不能担任选举委员会成员（依据：{ART_2025}）"
    ]
