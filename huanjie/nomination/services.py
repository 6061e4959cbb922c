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

from collections.abc import Callable
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from huanjie.accounts.models import User
from huanjie.accounts.permissions import Action, audit_denied, can, in_scope
from huanjie.audit.services import audit_record
from huanjie.elections.models import Body, Election, ElectionPost, NominationMethod
from huanjie.elections.services import check_not_purged, election_day_of, election_profile
from huanjie.nomination.models import HowNominated, Nominee, NomineeHistory, Stage
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
    (Stage.UNDER_REVIEW, Stage.QUALIFIED): _may_stand,
    (Stage.UNDER_REVIEW, Stage.DISQUALIFIED): _always,
    (Stage.QUALIFIED, Stage.RECOMMENDED): _three_recommendations,
    (Stage.RECOMMENDED, Stage.PRESELECTED): _three_recommendations,
    (Stage.PRESELECTED, Stage.FORMAL): _party_list,
    (Stage.QUALIFIED, Stage.FORMAL): _committee_list,
    **{(stage, Stage.WITHDRAWN): _always for stage in OPEN_STAGES},
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
) -> Nominee:
    """Record a nomination (初步人选) for `post` of `election`, in the election's next order.
    Refused when the method does not take this way of nomination, when the person is already a
    nominee of the election (one person, one post), or may not stand (`person_may_stand`)."""
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
    except IntegrityError as exc:
        raise ValidationError(MSG_ALREADY_NOMINATED.format(name=person.name)) from exc
    return nominee


def nominee_send_to_review(*, actor: User, nominee: Nominee, reason: str = "") -> Nominee:
    """Send a nominee to the qualification review (资格审查)."""
    return _move(
        actor=actor,
        nominee=nominee,
        to=Stage.UNDER_REVIEW,
        event="nominee.send_to_review",
        reason=reason,
    )


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
