"""The write services of a poll's life: creating it and moving it between its states.

Each is guarded in the same order (the actor's Action and scope; the campaign not purged; the
move in `TRANSITIONS` and its guard; the service's own inputs) and then, in one transaction,
saves the poll, appends its `PollHistory` row and writes the audit event. A refused move raises
a Chinese ValidationError and writes nothing.

    setup → voting → counting → closed          (closing: polls.closing.poll_close)
    setup / voting / counting → cancelled       with a reason

The set-up (boxes, staff, ballots, check-in) is `polls.setup`; the count is `polls.entry`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from huanjie.accounts.models import User
from huanjie.accounts.permissions import Action, audit_denied, can, in_scope
from huanjie.audit.services import audit_record
from huanjie.elections.models import Body, Election, Post
from huanjie.elections.services import check_not_purged, election_day_of, election_profile
from huanjie.nomination.models import CandidateList, ListStatus, Stage
from huanjie.polls.models import (
    Meeting,
    Poll,
    PollCandidate,
    PollHistory,
    PollKind,
    PollPost,
    PollStatus,
)
from huanjie.rules.profiles import Profile

MSG_NOT_ALLOWED = "无权办理该选举的投票"
MSG_MOVE = "{poll}当前为“{status}”，不能改为“{to}”"
MSG_MOVED_MEANWHILE = "投票的状态已被他人改变，请刷新后重试"
MSG_NO_POSTS = "该选举尚未设置职位职数"
MSG_LIST_NOT_FIXED = "{post}的正式候选人名单尚未确定，不能准备投票"
MSG_FIRST_EXISTS = "该选举已有第一次投票"
MSG_REASON_REQUIRED = "请填写原因"
MSG_NO_BOX = "尚未设置票箱"
MSG_NO_BALLOTS = "尚未向票箱发放选票"
MSG_NO_PROFILE = "经济合作社的选举不由本系统计票"
MSG_NOT_HELD_YET = "投票日期（{day}）未到，不能开始投票（演练除外）"
MSG_MODE = "选举方式不正确"
MSG_NOT_PARTY = "只有村党组织的选举由委员会全体会议选举书记、副书记"
MSG_SECRETARY_ON_BALLOT = "本次选举的党员大会已直接选举书记，不再由委员会选举"
MSG_NO_COMMITTEE = "党员大会尚未选出全部委员，不能召开委员会全体会议"
MSG_NOT_ELECTED = "{name}不是新当选的委员，不能作为书记、副书记候选人"
MSG_SAME_PERSON = "书记、副书记候选人不能是同一人"
MSG_MEETING_EXISTS = "委员会全体会议已建立"
MSG_EMPTY_ROLL = "本村(社区)尚无登记参加选举的人员（党员大会：应到会党员），不能开始投票"

RESIDENT_MODES: Final = {
    "all_voters": "全体选民",
    "households": "户代表",
    "representatives": "居民代表",
}


def check_action(actor: User, poll_or_election: Poll | Election, action: Action) -> None:
    """The actor holds `action` over the poll's village (SECURITY.md C3); a refusal is logged
    (SECURITY.md L1) and raises the one Chinese message."""
    election = poll_or_election.election if isinstance(poll_or_election, Poll) else poll_or_election
    if not can(actor, action) or not in_scope(actor, election.village.region_id):
        audit_denied(actor, action, obj=poll_or_election)
        raise ValidationError(MSG_NOT_ALLOWED)


def poll_profile(poll: Poll) -> Profile:
    profile = election_profile(poll.election)
    if profile is None:
        raise ValidationError(MSG_NO_PROFILE)
    return profile


def _history(poll: Poll, actor: User, from_status: str, reason: str) -> None:
    PollHistory.objects.create(
        poll=poll, from_status=from_status, to_status=poll.status, reason=reason, actor=actor
    )


# ---------------------------------------------------------------------------------------------
# Guards: each returns the Chinese reasons the move is refused (none: allowed).

Guard = Callable[[Poll], list[str]]


def _always(poll: Poll) -> list[str]:
    return []


def _ready_to_vote(poll: Poll) -> list[str]:
    problems: list[str] = []
    boxes = list(poll.boxes.all())
    if not boxes:
        problems.append(MSG_NO_BOX)
    elif not any(box.issued for box in boxes):
        problems.append(MSG_NO_BALLOTS)
    if not poll.rehearsal and poll.held_on > date.today():
        problems.append(MSG_NOT_HELD_YET.format(day=poll.held_on.isoformat()))
    from huanjie.polls.services.setup import setup_problems  # setup imports this module

    return problems + setup_problems(poll)


TRANSITIONS: Final[dict[tuple[str, str], Guard]] = {
    (PollStatus.SETUP, PollStatus.VOTING): _ready_to_vote,
    (PollStatus.VOTING, PollStatus.COUNTING): _always,
    **{
        (status, PollStatus.CANCELLED): _always
        for status in (PollStatus.SETUP, PollStatus.VOTING, PollStatus.COUNTING)
    },
}


def poll_move(
    *,
    actor: User,
    poll: Poll,
    to: str,
    event: str,
    action: Action = Action.MANAGE_POLLS,
    reason: str = "",
    fields: dict[str, Any] | None = None,
    guard: Guard | None = None,
) -> Poll:
    """Move `poll` to `to`: the checks in order, then the poll, its history row and the audit
    event `event` in one transaction. `guard` replaces the table's (closing has its own)."""
    check_action(actor, poll, action)
    check_not_purged(poll.election.village.campaign)
    table_guard = TRANSITIONS.get((poll.status, to))
    if guard is None and table_guard is None:
        raise ValidationError(
            MSG_MOVE.format(
                poll=poll.title, status=PollStatus(poll.status).label, to=PollStatus(to).label
            )
        )
    problems = (guard or table_guard or _always)(poll)
    if problems:
        raise ValidationError(problems)
    fields = fields or {}
    old = poll.status
    with transaction.atomic():
        current = Poll.objects.select_for_update().values_list("status", flat=True)
        if current.get(pk=poll.pk) != old:
            raise ValidationError(MSG_MOVED_MEANWHILE)
        poll.status = to
        for key, value in fields.items():
            setattr(poll, key, value)
        poll.save(update_fields=["status", *fields])
        _history(poll, actor, old, reason)
        audit_record(
            actor=actor,
            action=event,
            obj=poll,
            changes={"status": {"old": old, "new": to}, "reason": reason},
        )
    return poll


# ---------------------------------------------------------------------------------------------
# Creating polls.


def _next_number(election: Election, rehearsal: bool) -> int:
    top = Poll.objects.filter(election=election, rehearsal=rehearsal).aggregate(n=Max("number"))
    return (top["n"] or 0) + 1


def _list_candidates(election: Election) -> list[tuple[str, int, list[tuple[Any, str, str]]]]:
    """(post, seats, [(person, name, sex)...]) per post of the election, from the fixed formal
    lists in their printed order; 自荐直选 has no list."""
    posts = list(election.posts.all())
    if not posts:
        raise ValidationError(MSG_NO_POSTS)
    order = [p.value for p in Post]
    posts.sort(key=lambda p: order.index(p.post))
    out: list[tuple[str, int, list[tuple[Any, str, str]]]] = []
    for post in posts:
        people: list[tuple[Any, str, str]] = []
        if election.has_list:
            clist = CandidateList.objects.filter(post=post).first()
            if clist is None or clist.status != ListStatus.FIXED:
                raise ValidationError(MSG_LIST_NOT_FIXED.format(post=post.get_post_display()))
            entries = clist.entries.filter(nominee__stage=Stage.FORMAL).select_related(
                "nominee__person"
            )
            for entry in entries.order_by("position"):
                person = entry.nominee.person
                people.append((person, person.name, person.sex))
        out.append((post.post, post.seats, people))
    return out


def _create(
    *,
    actor: User,
    election: Election,
    kind: str,
    rehearsal: bool,
    held_on: date,
    posts: list[tuple[str, int, bool, list[tuple[Any, str, str]]]],
    follows: Poll | None = None,
    mode: str = "",
    committee_seats: int | None = None,
    note: str = "",
) -> Poll:
    poll = Poll.objects.create(
        election=election,
        number=_next_number(election, rehearsal),
        kind=kind,
        status=PollStatus.SETUP,
        rehearsal=rehearsal,
        follows=follows,
        held_on=held_on,
        mode=mode,
        committee_seats=committee_seats,
        note=note,
        created_by=actor,
    )
    for i, (post, seats, women_only, people) in enumerate(posts):
        row = PollPost.objects.create(
            poll=poll, post=post, seats=seats, women_only=women_only, position=i
        )
        PollCandidate.objects.bulk_create(
            PollCandidate(poll_post=row, person=person, name=name, sex=sex, position=j + 1)
            for j, (person, name, sex) in enumerate(people)
        )
    _history(poll, actor, "", note)
    return poll


def poll_create_first(
    *,
    actor: User,
    election: Election,
    rehearsal: bool = False,
    mode: str = "",
    committee_seats: int | None = None,
    committee_elects: bool = False,
) -> Poll:
    """The first poll of `election` (or a rehearsal of it): its posts and seats, and on the
    ballot the formal candidates of each fixed list in the list's order. For the Party with
    `committee_elects`, the members' meeting elects all the seats as members and the new
    committee elects its secretary (`poll_create_committee_meeting`)."""
    check_action(actor, election, Action.MANAGE_POLLS)
    check_not_purged(election.village.campaign)
    if election.body == Body.COOPERATIVE:
        raise ValidationError(MSG_NO_PROFILE)
    if election.body == Body.RESIDENTS and mode and mode not in RESIDENT_MODES:
        raise ValidationError({"mode": MSG_MODE})
    if election.body == Body.PARTY and mode and mode not in Meeting.values:
        raise ValidationError({"mode": MSG_MODE})
    if (
        not rehearsal
        and Poll.objects.filter(election=election, rehearsal=False, kind=PollKind.FIRST)
        .exclude(status=PollStatus.CANCELLED)
        .exists()
    ):
        raise ValidationError(MSG_FIRST_EXISTS)
    lists = _list_candidates(election)
    if election.body == Body.PARTY and committee_elects:
        # The members' meeting elects the committee; its first plenary then elects the secretary
        # and deputy from the new members (P12): one ballot of all the seats as members.
        seats = sum(s for _, s, _ in lists)
        everyone = [p for _, _, people in lists for p in people]
        lists = [("member", seats, everyone)]
    held_on = election_day_of(election.village)
    with transaction.atomic():
        poll = _create(
            actor=actor,
            election=election,
            kind=PollKind.FIRST,
            rehearsal=rehearsal,
            held_on=held_on,
            posts=[(post, seats, False, people) for post, seats, people in lists],
            mode=mode or ("members" if election.body == Body.PARTY else ""),
            committee_seats=committee_seats,
        )
        audit_record(
            actor=actor,
            action="poll.create",
            obj=poll,
            changes={"kind": poll.kind, "rehearsal": rehearsal, "held_on": held_on.isoformat()},
        )
    return poll


def electorate_of(poll: Poll) -> int | None:
    """The electorate the law counts turnout against, from the rolls: the village's registered
    voters in the campaign (村民委员会组织法(2025) 第十八条: "登记参加选举的村民"); in household
    mode the households among them (城市居民委员会组织法(2025) 第十九条: "户的代表"); for the
    Party the members expected to attend (应到会, 中国共产党基层组织选举工作条例 第二十六条) and for
    the committee's own meeting its members. None where no roll holds it (resident
    representatives): then it is typed."""
    from huanjie.party.models import PartyBranch
    from huanjie.party.selectors import attendance
    from huanjie.voters.models import VoterRegistration

    election = poll.election
    entry = election.village
    if election.body == Body.PARTY:
        if poll.mode == Meeting.COMMITTEE:
            return sum(p.seats for p in election.posts.all()) or None
        branch = PartyBranch.objects.filter(village_id=entry.region_id).first()
        if branch is None:
            return None
        return len(attendance(entry.campaign, branch).expected)
    if poll.mode == "representatives":
        return None
    roll = VoterRegistration.objects.filter(
        campaign_id=entry.campaign_id, village_id=entry.region_id, active=True
    )
    if poll.mode == "households":
        return (
            roll.exclude(person__household_no="").values("person__household_no").distinct().count()
        )
    return roll.count()


def poll_open_voting(*, actor: User, poll: Poll, electorate: int | None = None) -> Poll:
    """Voting begins: the electorate is fixed for the count, from the rolls (`electorate_of`);
    typed only where no roll holds it."""
    check_action(actor, poll, Action.MANAGE_POLLS)
    counted = electorate_of(poll)
    if counted is not None:
        if counted < 1:
            raise ValidationError({"electorate": MSG_EMPTY_ROLL})
        electorate = counted
    if not isinstance(electorate, int) or isinstance(electorate, bool) or electorate < 1:
        raise ValidationError({"electorate": "应参加投票人数应为正整数"})
    return poll_move(
        actor=actor,
        poll=poll,
        to=PollStatus.VOTING,
        event="poll.open_voting",
        fields={"electorate": electorate},
    )


def poll_start_counting(*, actor: User, poll: Poll) -> Poll:
    """The boxes are opened together in public (WORKFLOW.md §1 step 13): the count begins."""
    return poll_move(actor=actor, poll=poll, to=PollStatus.COUNTING, event="poll.start_counting")


def poll_cancel(*, actor: User, poll: Poll, reason: str) -> Poll:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": MSG_REASON_REQUIRED})
    return poll_move(
        actor=actor,
        poll=poll,
        to=PollStatus.CANCELLED,
        event="poll.cancel",
        action=Action.COORDINATE_COUNT,
        reason=reason,
    )


def committee_elected(election: Election, rehearsal: bool = False) -> list[Any]:
    """The persons the Party members' meeting elected to the committee, once every seat is
    filled (its closed polls, run-offs and supplementary polls included); [] before."""
    polls = list(
        Poll.objects.filter(election=election, rehearsal=rehearsal, status=PollStatus.CLOSED)
        .exclude(mode=Meeting.COMMITTEE)
        .order_by("number")
    )
    if (
        not polls
        or Poll.objects.filter(election=election, rehearsal=rehearsal)
        .exclude(status__in=[PollStatus.CLOSED, PollStatus.CANCELLED])
        .exclude(mode=Meeting.COMMITTEE)
        .exists()
    ):
        return []
    seats = sum(p.seats for p in election.posts.exclude(post="deputy_secretary"))
    names: list[str] = []
    for poll in polls:
        result = poll.engine_output or {}
        if result.get("valid"):
            names += list(result.get("elected", []))
    if len(names) < seats:
        return []
    people = {
        c.name: c.person
        for c in PollCandidate.objects.filter(
            poll_post__poll__in=polls, person__isnull=False
        ).select_related("person")
    }
    return [people[name] for name in names if name in people]


def poll_create_committee_meeting(
    *, actor: User, election: Election, secretary: Any, deputy: Any = None, rehearsal: bool = False
) -> Poll:
    """The new Party committee's first plenary electing the secretary (and a deputy) from its
    members, one candidate for each (等额, the candidates the town Party committee approved):
    中国共产党基层组织选举工作条例 (RULES.md P12). The meeting's electorate is the committee."""
    check_action(actor, election, Action.MANAGE_POLLS)
    check_not_purged(election.village.campaign)
    if election.body != Body.PARTY:
        raise ValidationError(MSG_NOT_PARTY)
    if (
        PollPost.objects.filter(
            poll__election=election,
            poll__rehearsal=rehearsal,
            post__in=["secretary", "deputy_secretary"],
        )
        .exclude(poll__mode=Meeting.COMMITTEE)
        .exists()
    ):
        raise ValidationError(MSG_SECRETARY_ON_BALLOT)
    if (
        Poll.objects.filter(election=election, rehearsal=rehearsal, mode=Meeting.COMMITTEE)
        .exclude(status=PollStatus.CANCELLED)
        .exists()
    ):
        raise ValidationError(MSG_MEETING_EXISTS)
    members = committee_elected(election, rehearsal)
    if not members:
        raise ValidationError(MSG_NO_COMMITTEE)
    chosen = [("secretary", secretary)] + ([("deputy_secretary", deputy)] if deputy else [])
    for _, person in chosen:
        if person not in members:
            raise ValidationError(MSG_NOT_ELECTED.format(name=getattr(person, "name", person)))
    if deputy is not None and deputy == secretary:
        raise ValidationError(MSG_SAME_PERSON)
    with transaction.atomic():
        poll = _create(
            actor=actor,
            election=election,
            kind=PollKind.FIRST,
            rehearsal=rehearsal,
            held_on=date.today() if rehearsal else election_day_of(election.village),
            posts=[(post, 1, False, [(p, p.name, p.sex)]) for post, p in chosen],
            mode=Meeting.COMMITTEE,
            note="委员会全体会议选举书记、副书记",
        )
        audit_record(
            actor=actor,
            action="poll.create",
            obj=poll,
            changes={"kind": poll.kind, "meeting": Meeting.COMMITTEE, "rehearsal": rehearsal},
        )
    return poll
