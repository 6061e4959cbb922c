"""The write services of nomination: one per transition of a nominee's stage.

Each is guarded in the same order (the actor's Action and scope; the campaign not purged; the
move in `TRANSITIONS` and its guard; the service's own inputs) and then, in one transaction,
saves the nominee, appends its `NomineeHistory` row and writes the audit event. A refused move
raises a Chinese ValidationError and writes nothing (a refusal for want of the Action or scope
writes its access.denied row, SECURITY.md L1).

The stages (WORKFLOW.md §1 step 7–9, §2 steps 4–7):

    committees:  nominated → under_review → qualified → formal
    the Party:   nominated → under_review → qualified → recommended → preselected → formal
    both:        under_review → disqualified (terminal); any open stage → withdrawn (terminal)

自荐直选 has no list: its self-nominees are reviewed but never made formal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from huanjie.accounts.models import User
from huanjie.accounts.permissions import Action, audit_denied, can, in_scope
from huanjie.audit.services import audit_record
from huanjie.committees.models import ElectionCommitteeMember
from huanjie.committees.services import MUST_LEAVE, member_withdraw, withdrawals_for_nomination
from huanjie.elections.models import Body, Election, ElectionPost, NominationMethod
from huanjie.elections.services import check_not_purged, election_day_of, election_profile
from huanjie.nomination.models import (
    CandidateList,
    HowNominated,
    ListStatus,
    Nominee,
    NomineeHistory,
    Stage,
)
from huanjie.people.models import Person
from huanjie.rules.candidates import CandidateFacts, candidacy_check
from huanjie.rules.profiles import Profile, effective_profile

MSG_NOT_ALLOWED = "无权办理该选举的提名"
MSG_PARTY_BY_TOWN = "村党组织的提名人选由乡镇党委办理，村级工作人员不能办理"
MSG_MOVE = "{name}当前为“{stage}”，不能改为“{to}”"
MSG_MOVED_MEANWHILE = "{name}的阶段已被他人改变，请刷新后重试"
MSG_POST_OTHER_ELECTION = "该职位不属于这次选举"
MSG_HOW_FOR_METHOD = "“{method}”的选举不接受“{how}”"
MSG_ALREADY_NOMINATED = "{name}已是本次选举的提名人选"
MSG_BARRED = "{name}在本次换届中经资格审查不得作为候选人"
MSG_DIED = "{name}已死亡，不能作为候选人"
MSG_ENGINE = "{message}（依据：{article}）"
MSG_NOT_THREE = "只有三推两述一选的选举经过民主推荐和乡镇党委差额票决"
MSG_NO_LIST = "自荐直选不确定正式候选人名单"
MSG_PARTY_PATH = "村党组织的人选须经民主推荐和乡镇党委差额票决确定为预备人选，才能确定为正式候选人"
MSG_REASON_REQUIRED = "请填写原因"
MSG_VOTES = "{what}应为不小于0的整数"
MSG_LIST_FIXED = "{post}的正式候选人名单已确定，不能增加候选人（退出的名额按递补办理）"
MSG_WITHDRAWAL_LATE = "正式候选人应当在选举日（{day}）的{days}日前提出退出（依据：{article}）"

# Which ways of nomination each method takes (WORKFLOW.md §1 step 7, §2; seed 002).
HOW_BY_METHOD: Final[dict[str, frozenset[str]]] = {
    NominationMethod.THREE_RECOMMENDATIONS: frozenset(
        {HowNominated.SELF, HowNominated.MEMBERS_AND_MASSES, HowNominated.ORGANISATION}
    ),
    NominationMethod.VOTERS: frozenset({HowNominated.VOTERS_JOINTLY, HowNominated.SELF}),
    NominationMethod.PARTY_OR_VOTERS: frozenset(
        {HowNominated.VOTERS_JOINTLY, HowNominated.SELF, HowNominated.PARTY_ORGANISATION}
    ),
    NominationMethod.SELF_NOMINATED: frozenset({HowNominated.SELF}),
}


# ---------------------------------------------------------------------------------------------
# Guards: each returns the Chinese reasons the move is refused (none: allowed).

Guard = Callable[[Nominee], list[str]]


def _always(nominee: Nominee) -> list[str]:
    return []


def _profile_for_person(election: Election) -> Profile:
    """The rules that say who may stand: the election's profile; for a cooperative, which the
    engine carries no rules for, the committee law of the village (nobody deprived of political
    rights stands anywhere)."""
    profile = election_profile(election)
    if profile is not None:
        return profile
    entry = election.village
    return effective_profile("villagers", entry.campaign.rule_province, election_day_of(entry))


def person_may_stand(election: Election, person: Person) -> list[str]:
    """Why `person` may not stand in `election` (none: they may): the engine's bars on the
    facts the system holds (deprivation of political rights on the election day), a death, and
    a cannot-stand finding anywhere in the campaign, which keeps the person off every list."""
    day = election_day_of(election.village)
    problems: list[str] = []
    if not person.alive_on(day):
        problems.append(MSG_DIED.format(name=person.name))
    facts = CandidateFacts(deprived_of_political_rights=person.deprived_on(day))
    for p in candidacy_check(_profile_for_person(election), facts).problems:
        problems.append(MSG_ENGINE.format(message=p.message, article=p.article))
    barred = Nominee.objects.filter(
        person=person, barred=True, election__village__campaign_id=election.village.campaign_id
    )
    if barred.exists():
        problems.append(MSG_BARRED.format(name=person.name))
    return problems


def _may_stand(nominee: Nominee) -> list[str]:
    return person_may_stand(nominee.election, nominee.person)


# What must hold before a nominee is qualified, beyond who may stand: the joint review
# (huanjie.review, an app above this one) registers here, in its AppConfig.ready, that once a
# campaign's review is set up a nominee is qualified only by the review's clearance.
qualification_guards: list[Guard] = []


def _qualifiable(nominee: Nominee) -> list[str]:
    """Why the nominee cannot be qualified now: the registered guards, then `_may_stand`."""
    return qualification_refusal(nominee) or _may_stand(nominee)


# Where a nominee's review stands, for the nominee page: huanjie.review registers here a lookup
# (nominee, user) -> (label, url) — url "" for a user who may not open the review pages — or
# None for a nominee it does not review.
review_status_lookups: list[Callable[[Nominee, Any], tuple[str, str] | None]] = []


def review_status(nominee: Nominee, user: Any) -> list[tuple[str, str]]:
    """The registered lookups' answers for `nominee` as `user` sees them."""
    return [s for lookup in review_status_lookups if (s := lookup(nominee, user)) is not None]


def qualification_refusal(nominee: Nominee) -> list[str]:
    """The registered guards' reasons alone (the nominee page shows them instead of the
    qualify form)."""
    return [m for guard in qualification_guards for m in guard(nominee)]


def _three_recommendations(nominee: Nominee) -> list[str]:
    if nominee.election.nomination_method != NominationMethod.THREE_RECOMMENDATIONS:
        return [MSG_NOT_THREE]
    return []


def _committee_list(nominee: Nominee) -> list[str]:
    method = nominee.election.nomination_method
    if method == NominationMethod.THREE_RECOMMENDATIONS:
        return [MSG_PARTY_PATH]
    if method == NominationMethod.SELF_NOMINATED:
        return [MSG_NO_LIST]
    return _may_stand(nominee)


def _party_list(nominee: Nominee) -> list[str]:
    return _three_recommendations(nominee) or _may_stand(nominee)


def _list_open(nominee: Nominee) -> list[str]:
    """A fixed list (nomination.lists) takes no new candidate: only its 递补 (`list_fill`)."""
    fixed = CandidateList.objects.filter(post_id=nominee.post_id, status=ListStatus.FIXED)
    return [MSG_LIST_FIXED.format(post=nominee.post.get_post_display())] if fixed.exists() else []


def _formal_withdrawal(nominee: Nominee) -> list[str]:
    """A formal candidate withdraws no later than the profile's `withdrawal_days` before the
    election day, where it has one (浙江省村民委员会选举办法 第十九条: 3 days)."""
    profile = election_profile(nominee.election)
    day = nominee.election.village.election_date
    if profile is None or day is None or profile.withdrawal_days.value is None:
        return []
    days = profile.withdrawal_days.value
    if (day - timezone.localdate()).days >= days:
        return []
    article = "、".join(profile.withdrawal_days.cite())
    return [MSG_WITHDRAWAL_LATE.format(day=day, days=days, article=article)]


OPEN_STAGES: Final = (
    Stage.NOMINATED,
    Stage.UNDER_REVIEW,
    Stage.QUALIFIED,
    Stage.RECOMMENDED,
    Stage.PRESELECTED,
    Stage.FORMAL,
)

# Every allowed move, (from, to) → its guard. A move not here is refused; nothing leaves
# DISQUALIFIED or WITHDRAWN, so a person found unable to stand never comes back.
TRANSITIONS: Final[dict[tuple[str, str], Guard]] = {
    (Stage.NOMINATED, Stage.UNDER_REVIEW): _always,
    (Stage.UNDER_REVIEW, Stage.QUALIFIED): _qualifiable,
    (Stage.UNDER_REVIEW, Stage.DISQUALIFIED): _always,
    (Stage.QUALIFIED, Stage.RECOMMENDED): _three_recommendations,
    (Stage.RECOMMENDED, Stage.PRESELECTED): _three_recommendations,
    (Stage.PRESELECTED, Stage.FORMAL): lambda n: _party_list(n) or _list_open(n),
    (Stage.QUALIFIED, Stage.FORMAL): lambda n: _committee_list(n) or _list_open(n),
    **{(stage, Stage.WITHDRAWN): _always for stage in OPEN_STAGES},
    (Stage.FORMAL, Stage.WITHDRAWN): _formal_withdrawal,
}


# ---------------------------------------------------------------------------------------------
# The shared steps.


def _check_manage(actor: User, election: Election) -> None:
    """The actor holds MANAGE_NOMINATION over the election's village; the Party's nominees are
    the town Party committee's (WORKFLOW.md §2), never a village user's."""
    region = election.village.region_id
    message = ""
    if not can(actor, Action.MANAGE_NOMINATION) or not in_scope(actor, region):
        message = MSG_NOT_ALLOWED
    elif election.body == Body.PARTY and len(actor.region_id or "") > 9:
        message = MSG_PARTY_BY_TOWN
    if message:
        audit_denied(actor, Action.MANAGE_NOMINATION, obj=election)  # SECURITY.md L1
        raise ValidationError(message)


def _history(nominee: Nominee, actor: User, from_stage: str, reason: str) -> None:
    NomineeHistory.objects.create(
        nominee=nominee, from_stage=from_stage, to_stage=nominee.stage, reason=reason, actor=actor
    )


def _move(
    *,
    actor: User,
    nominee: Nominee,
    to: str,
    event: str,
    reason: str = "",
    fields: dict[str, Any] | None = None,
    check: Callable[[], list[str]] | None = None,
) -> Nominee:
    """Move `nominee` to `to`: the checks in order, then the nominee, its history row and the
    audit event `event` in one transaction. `check` is the service's own check of its inputs,
    run after the guard of the move."""
    election = nominee.election
    _check_manage(actor, election)
    check_not_purged(election.village.campaign)
    guard = TRANSITIONS.get((nominee.stage, to))
    name = nominee.person.name
    if guard is None:
        raise ValidationError(
            MSG_MOVE.format(name=name, stage=Stage(nominee.stage).label, to=Stage(to).label)
        )
    problems = guard(nominee) + (check() if check else [])
    if problems:
        raise ValidationError(problems)
    fields = fields or {}
    reason = reason.strip()
    old = nominee.stage
    with transaction.atomic():
        current = Nominee.objects.select_for_update().values_list("stage", flat=True)
        if current.get(pk=nominee.pk) != old:
            raise ValidationError(MSG_MOVED_MEANWHILE.format(name=name))
        nominee.stage = to
        for key, value in fields.items():
            setattr(nominee, key, value)
        nominee.save(update_fields=["stage", *fields])
        _history(nominee, actor, old, reason)
        audit_record(
            actor=actor,
            action=event,
            obj=nominee,
            changes={"stage": {"old": old, "new": to}, "reason": reason, **fields},
        )
    return nominee


def _votes(**counts: int | None) -> list[str]:
    labels = {
        "member_votes": "党员推荐票数",
        "mass_votes": "群众推荐票数",
        "committee_votes": "乡镇党委票决票数",
    }
    return [
        MSG_VOTES.format(what=labels[key])
        for key, n in counts.items()
        if not isinstance(n, int) or isinstance(n, bool) or n < 0
    ]


# ---------------------------------------------------------------------------------------------
# The services.


def nominee_propose(
    *,
    actor: User,
    election: Election,
    post: ElectionPost,
    person: Person,
    how_nominated: str,
    reason: str = "",
    committee_relatives: Sequence[ElectionCommitteeMember] = (),
    withdraw_member: bool = False,
) -> Nominee:
    """Record a nomination (初步人选) for `post` of `election`, in the election's next order.
    Refused when the method does not take this way of nomination, when the person is already a
    nominee of the election (one person, one post), or may not stand (`person_may_stand`).

    A serving member of the village's election committee who is nominated — or, under the 2025
    law, whose close relative is (`committee_relatives`: the members the proposer declares 近亲属
    of the person) — must leave it (村民委员会组织法(2018) 第十二条; (2025) 第十五条): refused
    with the engine's message unless `withdraw_member`, which withdraws them in the same
    transaction, the next reserve moving up (committees.services.member_withdraw)."""
    _check_manage(actor, election)
    check_not_purged(election.village.campaign)
    if post.election_id != election.pk:
        raise ValidationError(MSG_POST_OTHER_ELECTION)
    method = election.nomination_method
    if how_nominated not in HOW_BY_METHOD[method]:
        how = HowNominated(how_nominated).label if how_nominated in HowNominated.values else ""
        raise ValidationError(
            MSG_HOW_FOR_METHOD.format(method=NominationMethod(method).label, how=how)
        )
    if Nominee.objects.filter(election=election, person=person).exists():
        raise ValidationError(MSG_ALREADY_NOMINATED.format(name=person.name))
    problems = person_may_stand(election, person)
    if problems:
        raise ValidationError(problems)
    leaving = withdrawals_for_nomination(election, person, committee_relatives)
    if leaving and not withdraw_member:
        raise ValidationError([ValidationError(m.message, code=MUST_LEAVE) for m in leaving])
    reason = reason.strip()
    try:
        with transaction.atomic():
            # The election's row serialises the orders given out.
            Election.objects.select_for_update().filter(pk=election.pk).exists()
            last = Nominee.objects.filter(election=election).aggregate(m=Max("order"))["m"]
            nominee = Nominee.objects.create(
                election=election,
                post=post,
                person=person,
                how_nominated=how_nominated,
                stage=Stage.NOMINATED,
                order=(last or 0) + 1,
                created_by=actor,
            )
            _history(nominee, actor, "", reason)
            audit_record(
                actor=actor,
                action="nominee.propose",
                obj=nominee,
                changes={
                    "election": election.pk,
                    "post": post.post,
                    "person": person.id_masked,
                    "how_nominated": how_nominated,
                    "order": nominee.order,
                    "reason": reason,
                },
            )
            for leave in leaving:
                member_withdraw(
                    actor=actor,
                    member=leave.member,
                    kind=leave.kind,
                    reason=f"{person.name}被提名为{post.get_post_display()}候选人",
                    nominee=nominee,
                )
    except IntegrityError as exc:
        raise ValidationError(MSG_ALREADY_NOMINATED.format(name=person.name)) from exc
    return nominee


# What else happens when a nominee is sent to the review, in the same transaction: the joint
# review (huanjie.review, above this app) registers here that, once a campaign's review is set
# up, the nominee enters it (村级预审), whichever page or service sent them.
sent_to_review_hooks: list[Callable[[User, Nominee, str], None]] = []


def nominee_send_to_review(*, actor: User, nominee: Nominee, reason: str = "") -> Nominee:
    """Send a nominee to the qualification review (资格审查)."""
    with transaction.atomic():
        _move(
            actor=actor,
            nominee=nominee,
            to=Stage.UNDER_REVIEW,
            event="nominee.send_to_review",
            reason=reason,
        )
        for hook in sent_to_review_hooks:
            hook(actor, nominee, reason.strip())
    return nominee


def nominee_qualify(*, actor: User, nominee: Nominee, reason: str = "") -> Nominee:
    """Record that the review found nothing against the nominee. Refused when the engine, a
    death or a cannot-stand finding in the campaign says the person may not stand."""
    return _move(
        actor=actor, nominee=nominee, to=Stage.QUALIFIED, event="nominee.qualify", reason=reason
    )


def nominee_disqualify(
    *,
    actor: User,
    nominee: Nominee,
    reason: str,
    cannot_stand: bool,
    facts: CandidateFacts | None = None,
) -> Nominee:
    """Record that the review disqualified the nominee, with its reason. `cannot_stand` (不得
    作为候选人, as against 不宜) keeps the person off every list of the campaign; a finding the
    law itself bars (`facts`, checked by the engine) is always cannot-stand and its articles go
    into the reason."""
    found = candidacy_check(_profile_for_person(nominee.election), facts or CandidateFacts())
    barred = cannot_stand or not found.ok
    text = "；".join(
        [reason.strip()] * bool(reason.strip())
        + [MSG_ENGINE.format(message=p.message, article=p.article) for p in found.problems]
    )
    return _move(
        actor=actor,
        nominee=nominee,
        to=Stage.DISQUALIFIED,
        event="nominee.disqualify",
        reason=text,
        fields={"barred": barred, "disqualified_reason": text[:500]},
        check=lambda: [] if text else [MSG_REASON_REQUIRED],
    )


def nominee_recommend(
    *, actor: User, nominee: Nominee, member_votes: int, mass_votes: int, reason: str = ""
) -> Nominee:
    """The Party's democratic recommendation meeting (两推: 党员推荐 + 群众推荐) put the nominee
    forward, with the votes each recommendation gave."""
    return _move(
        actor=actor,
        nominee=nominee,
        to=Stage.RECOMMENDED,
        event="nominee.recommend",
        reason=reason,
        fields={"member_votes": member_votes, "mass_votes": mass_votes},
        check=lambda: _votes(member_votes=member_votes, mass_votes=mass_votes),
    )


def nominee_preselect(
    *, actor: User, nominee: Nominee, committee_votes: int, reason: str = ""
) -> Nominee:
    """The town Party committee's competitive vote (差额票决) made the nominee a 候选人预备人选."""
    return _move(
        actor=actor,
        nominee=nominee,
        to=Stage.PRESELECTED,
        event="nominee.preselect",
        reason=reason,
        fields={"committee_votes": committee_votes},
        check=lambda: _votes(committee_votes=committee_votes),
    )


def nominee_make_formal(*, actor: User, nominee: Nominee, reason: str = "") -> Nominee:
    """Make the nominee a formal candidate (正式候选人): from 预备人选 on the Party's path, from
    资格审查通过 for a committee with a list; never for 自荐直选, never for a person who may
    not stand. The surplus (差额) of the whole list is checked when the list is fixed (next)."""
    return _move(
        actor=actor, nominee=nominee, to=Stage.FORMAL, event="nominee.make_formal", reason=reason
    )


def nominee_withdraw(*, actor: User, nominee: Nominee, reason: str) -> Nominee:
    """The nominee withdraws or is withdrawn (退出), with the reason."""
    return _move(
        actor=actor,
        nominee=nominee,
        to=Stage.WITHDRAWN,
        event="nominee.withdraw",
        reason=reason,
        fields={"withdrawn_reason": reason.strip()[:200]},
        check=lambda: [] if reason.strip() else [MSG_REASON_REQUIRED],
    )
