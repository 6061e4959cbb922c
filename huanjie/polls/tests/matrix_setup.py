"""The set-up and check-in's cells of the role × action matrix (huanjie/tests/test_service_matrix.py),
and the builders its tests share: a poll voting at a place (a rehearsal, so any election day
will do) and a Party poll with its branch."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from huanjie.polls.tests.matrix import Action, poll_at

PARTY_NAMES = "甲乙丙丁戊己庚辛壬癸"


def voting_poll(w: Any, at: Any) -> tuple[Any, Any, Any]:
    """A rehearsal of a first poll at `at`, voting, with one box of 100 ballots and a voter on
    the roll: (poll, box, registration)."""
    from huanjie.polls.services.lifecycle import poll_open_voting
    from huanjie.polls.services.setup import ballots_issue, box_add

    officer = w.officer(at)
    poll = poll_at(w, at, rehearsal=True)
    registration = w.registration(at)
    box = box_add(actor=officer, poll=poll, name="中心会场")
    ballots_issue(actor=officer, box=box, count=100, serial_from=1)
    poll_open_voting(actor=officer, poll=poll)
    return poll, box, registration


def party_poll(
    officer: Any,
    campaign: Any,
    code: str,
    *,
    members: int = 10,
    rehearsal: bool = False,
    committee_elects: bool = False,
) -> tuple[Any, list[Any]]:
    """The village's Party organisation election with its lists fixed (书记 1 of 2, 委员 2 of 3,
    the candidates the branch's first five members) and its first poll in set-up, by `officer`:
    (poll, [PartyMember])."""
    from huanjie.elections.models import CampaignVillage
    from huanjie.elections.services import election_create, election_set_seats
    from huanjie.lib import idcard
    from huanjie.nomination import lists
    from huanjie.nomination import services as n
    from huanjie.nomination.models import Nominee
    from huanjie.party.models import PartyBranch
    from huanjie.party.services import branch_create, member_add
    from huanjie.polls.services.lifecycle import poll_create_first
    from huanjie.regions.models import Region

    village = Region.objects.get(code=code)
    branch = PartyBranch.objects.filter(village=village).first() or branch_create(
        actor=officer, village=village, name="中共村支部委员会", kind="branch"
    )
    people = [
        member_add(
            actor=officer,
            branch=branch,
            id_number=idcard.generate("630121", date(1966, 2, 1) + timedelta(days=i), "M", 50 + i),
            name="党员" + PARTY_NAMES[i % 10] + ("" if i < 10 else PARTY_NAMES[i // 10]),
        )
        for i in range(members)
    ]
    entry = CampaignVillage.objects.select_related("campaign").get(
        campaign=campaign, region_id=code
    )
    election = election_create(
        actor=officer, entry=entry, body="party", nomination_method="three_recommendations"
    )
    election = election_set_seats(
        actor=officer, election=election, seats={"secretary": 1, "member": 2}
    )
    for post, chosen in (("secretary", people[:2]), ("member", people[2:5])):
        row = election.posts.get(post=post)
        for member in chosen:
            nominee = n.nominee_propose(
                actor=officer,
                election=election,
                post=row,
                person=member.person,
                how_nominated="organisation",
            )
            n.nominee_send_to_review(actor=officer, nominee=nominee)
            n.nominee_qualify(actor=officer, nominee=nominee)
            n.nominee_recommend(actor=officer, nominee=nominee, member_votes=5, mass_votes=5)
            n.nominee_preselect(actor=officer, nominee=nominee, committee_votes=5)
    day = min(entry.election_date or date.today(), date.today())
    for subject in ("nominees", "preselected"):
        lists.publicity_open(
            actor=officer,
            election=election,
            subject=subject,
            starts_on=day - timedelta(days=12),
            ends_on=day - timedelta(days=7),
        )
    for nominee in Nominee.objects.filter(election=election):
        n.nominee_make_formal(actor=officer, nominee=nominee)
    for row in election.posts.all():
        lists.list_fix(actor=officer, post=row)
    poll = poll_create_first(
        actor=officer, election=election, rehearsal=rehearsal, committee_elects=committee_elects
    )
    return poll, people


def party_voting(w: Any, at: Any) -> tuple[Any, list[Any]]:
    """A rehearsal Party poll at `at`, voting (attendance open)."""
    from huanjie.polls.services.lifecycle import poll_open_voting
    from huanjie.polls.services.setup import ballots_issue, box_add

    officer = w.officer(at)
    poll, members = party_poll(officer, w.campaign_of(at), at.village, rehearsal=True)
    box = box_add(actor=officer, poll=poll, name="会场票箱")
    ballots_issue(actor=officer, box=box, count=20, serial_from=1)
    poll_open_voting(actor=officer, poll=poll)
    return poll, members


def _box(w: Any, at: Any, *, mobile: bool = False) -> Any:
    from huanjie.polls.services.setup import box_add

    return box_add(
        actor=w.officer(at),
        poll=poll_at(w, at),
        name="流动票箱一" if mobile else "中心会场",
        mobile=mobile,
    )


def _listed(w: Any, at: Any) -> Any:
    from huanjie.polls.services.setup import mobile_voter_add

    return mobile_voter_add(
        actor=w.officer(at),
        box=_box(w, at, mobile=True),
        registration=w.registration(at),
        reason="年老行动不便",
    )


def _staff(w: Any, at: Any) -> Any:
    from huanjie.polls.services.setup import staff_appoint

    return staff_appoint(
        actor=w.officer(at), poll=poll_at(w, at), person=w.person(at, "祁国强"), role="counter"
    )


def _check_in(w: Any, at: Any) -> Any:
    from huanjie.polls.services.checkin import check_in

    poll, box, registration = voting_poll(w, at)
    return check_in(actor=w.officer(at), poll=poll, box=box, registration=registration)


def _attendance(w: Any, at: Any) -> Any:
    from huanjie.polls.services.checkin import party_attend

    poll, members = party_voting(w, at)
    return party_attend(actor=w.officer(at), poll=poll, member=members[6])


def cases() -> dict[str, Any]:
    from huanjie.tests.test_service_matrix import Case

    manage, coordinate = Action.MANAGE_POLLS, Action.COORDINATE_COUNT
    s = "huanjie.polls.services.setup."
    c = "huanjie.polls.services.checkin."

    def voting_check_in(w: Any, at: Any) -> dict[str, Any]:
        poll, box, registration = voting_poll(w, at)
        return {"poll": poll, "box": box, "registration": registration}

    def attend(w: Any, at: Any) -> dict[str, Any]:
        poll, members = party_voting(w, at)
        return {"poll": poll, "member": members[6]}

    return {
        s + "box_add": Case(
            manage, lambda w, at: {"poll": poll_at(w, at), "name": "第二投票站", "place": "村小学"}
        ),
        s + "box_update": Case(
            manage, lambda w, at: {"box": _box(w, at), "name": "中心会场", "place": "村委会大院"}
        ),
        s + "box_remove": Case(manage, lambda w, at: {"box": _box(w, at)}),
        s + "mobile_voter_add": Case(
            manage,
            lambda w, at: {
                "box": _box(w, at, mobile=True),
                "registration": w.registration(at),
                "reason": "患病卧床",
            },
        ),
        s + "mobile_voter_remove": Case(manage, lambda w, at: {"listed": _listed(w, at)}),
        s + "staff_appoint": Case(
            manage,
            lambda w, at: {
                "poll": poll_at(w, at),
                "person": w.person(at, "祁国强"),
                "role": "scrutineer",
            },
        ),
        s + "staff_remove": Case(manage, lambda w, at: {"staff": _staff(w, at)}),
        s + "ballots_issue": Case(
            manage, lambda w, at: {"box": _box(w, at), "count": 300, "serial_from": 1}
        ),
        s + "ballots_print": Case(
            manage, lambda w, at: {"box": voting_poll(w, at)[1], "first": 1, "last": 2}
        ),
        c + "check_in": Case(manage, voting_check_in),
        c + "check_in_undo": Case(
            coordinate, lambda w, at: {"check_in": _check_in(w, at), "reason": "发错选票"}
        ),
        c + "party_attend": Case(manage, attend),
        c + "party_attend_undo": Case(
            coordinate, lambda w, at: {"attendance": _attendance(w, at), "reason": "登记错人"}
        ),
    }


def roll_voter(
    officer: Any, campaign: Any, name: str, code: str, *, household: str = ""
) -> tuple[Any, str]:
    """A new person registered on the roll of `code`: (registration, their full ID number)."""
    from huanjie.regions.models import Region
    from huanjie.voters.services import voter_register
    from huanjie.voters.tests.test_roll_cast import make_person

    region = Region.objects.get(code=code)
    person, number = make_person(name, region=code, household=household)
    category = "community_hukou" if region.kind == Region.Kind.COMMUNITY else "hukou_resident"
    registration = voter_register(
        actor=officer, campaign=campaign, village=region, person=person, category=category
    )
    return registration, number
