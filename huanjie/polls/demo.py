"""The demo's election day (`huanjie demo`), in the first village of 城关镇 whose formal lists the
nomination demo fixed. The county votes from 2027-01-10, so no official poll can have been held
yet; what a county sees before its election day is what the demo holds, all made through the
services with the demo's users:

- the first poll, set up for its day: the central box and a mobile box with its listed voters
  and staff, the counters and scrutineers, the ballots issued with their serial ranges, and a
  display link for the hall's screen;
- a rehearsal (演练) run from set-up to closing on test figures: the director's seat falls short
  and goes to a supplementary poll, two member seats tie and go to a run-off, both created by
  the engine (rehearsals too);
- a second rehearsal being counted, whose sheet the two counters keyed differently in one
  field: the coordinator's differences page shows just that field.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from huanjie.accounts.models import User
from huanjie.elections.models import Campaign, CampaignVillage, Election
from huanjie.polls.models import Poll
from huanjie.polls.services import checkin, closing, display, entry, lifecycle, setup
from huanjie.voters.models import VoterRegistration

VOTING_SHARE = 0.72  # of the roll, at the rehearsal


def _village(campaign: Campaign, town: str) -> tuple[CampaignVillage, Election] | None:
    """The town's first village whose committee election has every list fixed."""
    for entry_ in (
        CampaignVillage.objects.filter(
            campaign=campaign, included=True, region__code__startswith=town
        )
        .select_related("campaign", "region")
        .order_by("region_id")
    ):
        for election in Election.objects.filter(
            village=entry_, body__in=["villagers", "residents"]
        ):
            posts = list(election.posts.all())
            if posts and all(
                getattr(p, "candidate_list", None) is not None and p.candidate_list.fixed
                for p in posts
            ):
                return entry_, election
    return None


def roll_of(entry_: CampaignVillage) -> list[VoterRegistration]:
    return list(
        VoterRegistration.objects.filter(
            campaign_id=entry_.campaign_id, village_id=entry_.region_id, active=True
        )
        .select_related("person")
        .order_by("id")
    )


def set_up(actor: User, poll: Poll, roll: list[VoterRegistration], rng: random.Random) -> None:
    """The central box with ballots for the whole roll; a mobile box for three listed voters
    (where the rules allow one); the staff from voters who stand for nothing."""
    printed = {c.person_id for p in poll.posts.all() for c in p.candidates.all()}
    households = {
        c.person.household_no
        for p in poll.posts.all()
        for c in p.candidates.select_related("person")
        if c.person and c.person.household_no
    }
    free = [
        r for r in roll if r.person_id not in printed and r.person.household_no not in households
    ]
    rng.shuffle(free)
    central = setup.box_add(actor=actor, poll=poll, name="中心会场", place="村委会大院")
    mobile = setup.box_add(
        actor=actor, poll=poll, name="流动票箱一", mobile=True, route="一组→二组→三组"
    )
    for r, why in zip(free[:3], ("年老体弱", "卧病在床", "行动不便"), strict=True):
        setup.mobile_voter_add(actor=actor, box=mobile, registration=r, reason=why)
    staff = free[3:12]
    roles = ["chief_scrutineer", "scrutineer", "scrutineer", "reader", "counter", "counter"]
    for r, role in zip(staff, roles, strict=False):
        setup.staff_appoint(actor=actor, poll=poll, person=r.person, role=role)
    for r in staff[6:9]:
        setup.staff_appoint(
            actor=actor, poll=poll, person=r.person, role="mobile_staff", box=mobile
        )
        setup.staff_appoint(actor=actor, poll=poll, person=r.person, role="scrutineer", box=mobile)
    setup.ballots_issue(actor=actor, box=central, count=len(roll), serial_from=1)
    setup.ballots_issue(actor=actor, box=mobile, count=5, serial_from=len(roll) + 1)


def _shortfall_and_tie(poll: Poll, voted: int) -> dict[str, Any]:
    """Sheet figures for `voted` valid ballots in which nobody passes half for the director (a
    supplementary poll) and the last two member seats tie three ways (a run-off); every other
    post's first candidate is elected."""
    votes: dict[str, dict[str, int]] = {}
    half = voted // 2
    for post in poll.posts.order_by("position"):
        names = [c.name for c in post.candidates.order_by("position")]
        if post.post == "director":
            votes[post.post] = {names[0]: half - 1, names[1]: half - 1, **{n: 0 for n in names[2:]}}
        elif post.post == "member" and len(names) >= post.seats + 1 and post.seats >= 2:
            top = post.seats - 2
            by_name = {n: voted * 8 // 10 for n in names[:top]}
            by_name |= {n: voted * 6 // 10 for n in names[top : top + 3]}
            votes[post.post] = by_name | {n: 0 for n in names[top + 3 :]}
        else:
            votes[post.post] = {n: (voted * 7 // 10 if i == 0 else 0) for i, n in enumerate(names)}
    return {
        "returned": voted,
        "valid": voted,
        "invalid": 0,
        "blank": 0,
        "spoiled": 0,
        "replaced": 0,
        "invalid_reasons": {},
        "votes": votes,
    }


def voted(
    town: User, poll: Poll, roll: list[VoterRegistration], share: float
) -> list[VoterRegistration]:
    """Voting opened, `share` of the roll (those not listed for a mobile box) checked in at the
    central box, the count begun: who voted."""
    lifecycle.poll_open_voting(actor=town, poll=poll)
    listed = set(poll.boxes.filter(mobile=True).values_list("listed__registration_id", flat=True))
    central = poll.boxes.get(mobile=False)
    voters = [r for r in roll if r.pk not in listed]
    voting = voters[: int(len(voters) * share)]
    for r in voting:
        checkin.check_in(actor=town, poll=poll, box=central, registration=r)
    lifecycle.poll_start_counting(actor=town, poll=poll)
    return voting


def keyed_twice(
    town: User,
    county: User,
    poll: Poll,
    box: Any,
    figures: dict[str, Any],
    second: dict[str, Any] | None = None,
) -> None:
    """One sheet of `box` keyed by the town and then by the county (`second`: what the county
    typed, when it differs)."""
    sheet = entry.sheet_create(actor=town, poll=poll, box=box, method="sheet")
    for who, typed in ((town, figures), (county, second or figures)):
        keyed = entry.entry_start(actor=who, sheet=sheet)
        entry.entry_save(actor=who, entry=keyed, figures=typed)
        entry.entry_finish(actor=who, entry=keyed)


def nothing(figures: dict[str, Any]) -> dict[str, Any]:
    """The sheet of a box whose ballots came back unused: `figures`' names, every count 0."""
    return {
        **figures,
        "returned": 0,
        "valid": 0,
        "invalid": 0,
        "blank": 0,
        "invalid_reasons": {},
        "votes": {
            post: {name: 0 for name in by_name} for post, by_name in figures["votes"].items()
        },
    }


def explained_and_closed(county: User, poll: Poll, text: str) -> None:
    """Every warning of the count explained with `text`, and the poll closed."""
    for finding in closing.poll_findings(poll):
        if finding.level == "warning":
            closing.check_explain(
                actor=county, poll=poll, code=finding.code, box=finding.box or "", text=text
            )
    closing.poll_close(actor=county, poll=poll)


def _rehearse(
    *,
    election: Election,
    roll: list[VoterRegistration],
    town: User,
    county: User,
    rng: random.Random,
    close: bool,
) -> Poll:
    """A rehearsal of the first poll: set up, voted by part of the roll, counted on one sheet
    keyed by the town and the county. Closed (`close`), or left with the two entries differing
    in one field."""
    poll = lifecycle.poll_create_first(actor=town, election=election, rehearsal=True)
    set_up(town, poll, roll, rng)
    voting = voted(town, poll, roll, VOTING_SHARE)
    figures = _shortfall_and_tie(poll, len(voting))
    second = None
    if not close:
        # The second counter mistyped one candidate's votes (transposed digits).
        second = {**figures, "votes": {k: dict(v) for k, v in figures["votes"].items()}}
        post = next(iter(second["votes"]))
        name = next(iter(second["votes"][post]))
        second["votes"][post][name] += 9
    keyed_twice(town, county, poll, poll.boxes.get(mobile=False), figures, second)
    # The mobile box's five ballots came back unused: sealed, one sheet of nothing.
    keyed_twice(town, county, poll, poll.boxes.get(mobile=True), nothing(figures))
    if close:
        explained_and_closed(county, poll, "演练：流动票箱的选票未使用，已当众封存")
    return poll


def polls_seed(
    *, campaign: Campaign, officers: Mapping[str, User], county: User, seed: int
) -> str | None:
    """Election day's demo in the first ready village of the last town of `officers` (城关镇,
    whose rolls the demo builds). Done once: skipped when the campaign has any poll."""
    if Poll.objects.filter(election__village__campaign=campaign).exists():
        return None
    town_code, town = list(officers.items())[-1]
    found = _village(campaign, town_code)
    if found is None:
        return None
    entry_, election = found
    roll = roll_of(entry_)
    if len(roll) < 20:
        return None
    rng = random.Random(seed + 11)
    real = lifecycle.poll_create_first(actor=town, election=election)
    set_up(town, real, roll, rng)
    _, token = display.display_link_issue(actor=town, poll=real, label="会场大屏")
    rehearsal = _rehearse(
        election=election, roll=roll, town=town, county=county, rng=rng, close=True
    )
    _rehearse(election=election, roll=roll, town=town, county=county, rng=rng, close=False)
    following = "、".join(p.get_kind_display() for p in rehearsal.followed_by.all())
    return (
        f"投票：{entry_.region.display_name}第一次投票已筹备（票箱、流动票箱、工作人员、选票），"
        f"大屏链接 /polls/hall/{token}/；演练一轮已结束（接着：{following}），"
        "另一轮演练计票中（两次录入有一项不一致）"
    )
