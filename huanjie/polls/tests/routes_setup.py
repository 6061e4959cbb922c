"""The set-up and check-in routes for the site-wide walks (scope 404, XSS, full-ID scan), filled
with own-county objects made through the services: the walk's poll (`routes.walk_poll`) with a
central box, a mobile box, a listed voter and a staff member. Asked for more than once per test:
every object is found again rather than made twice."""

from __future__ import annotations

from typing import Any

from huanjie.conftest import Cast
from huanjie.elections.models import Campaign

POST_ONLY = {
    "polls:box_add",
    "polls:box_update",
    "polls:box_remove",
    "polls:ballots_issue",
    "polls:mobile_voter_add",
    "polls:mobile_voter_remove",
    "polls:staff_appoint",
    "polls:staff_remove",
    "polls:checkin_undo",
}


def _set_up(cast: Cast, poll: Any) -> tuple[Any, Any, Any, Any]:
    from huanjie.polls.models import BallotBox, MobileBoxVoter, PollStaff
    from huanjie.polls.services import setup

    officer = cast.county_officer
    box = BallotBox.objects.filter(poll=poll, mobile=False).first() or setup.box_add(
        actor=officer, poll=poll, name="中心会场", place="村委会大院"
    )
    mobile = BallotBox.objects.filter(poll=poll, mobile=True).first() or setup.box_add(
        actor=officer, poll=poll, name="流动票箱一", mobile=True, route="一组→二组"
    )
    listed = MobileBoxVoter.objects.filter(box=mobile).first()
    if listed is None:
        candidates = poll.posts.values("candidates__person_id")
        registration = setup.roll_of(poll).exclude(person_id__in=candidates).first()
        assert registration is not None, "the walk's poll has voters besides its candidates"
        listed = setup.mobile_voter_add(
            actor=officer, box=mobile, registration=registration, reason="年老行动不便"
        )
    staff = PollStaff.objects.filter(poll=poll).first() or setup.staff_appoint(
        actor=officer,
        poll=poll,
        person=listed.registration.person,
        role="scrutineer",
        box=mobile,
    )
    return box, mobile, listed, staff


def routes(cast: Cast, campaign: Campaign, objects: dict[str, Any]) -> dict[str, list[dict]]:
    from huanjie.polls.tests.routes import walk_poll

    poll = walk_poll(cast, campaign, objects)
    box, mobile, listed, staff = _set_up(cast, poll)
    p = [{"pk": poll.pk}]
    return {
        "polls:setup": p,
        "polls:setup_search": p,
        "polls:box_add": p,
        "polls:staff_appoint": p,
        "polls:box_update": [{"pk": box.pk}],
        "polls:box_remove": [{"pk": box.pk}],
        "polls:ballots_issue": [{"pk": box.pk}, {"pk": mobile.pk}],
        "polls:mobile_voter_add": [{"pk": mobile.pk}],
        "polls:mobile_voter_remove": [{"pk": listed.pk}],
        "polls:staff_remove": [{"pk": staff.pk}],
        "polls:checkin": p,
        "polls:checkin_search": p,
        "polls:presence": p,
        "polls:checkin_undo": p,
    }
