"""The write services of the village election committee (村民选举委员会): one per change.

Each is guarded in the same order (the actor's Action MANAGE_COMMITTEES and scope over the
village; the campaign not purged; the service's guard; its inputs) and then, in one transaction,
saves the rows, appends the `ElectionCommitteeHistory` rows and writes the audit event. A refused
change raises a Chinese ValidationError and writes nothing (a refusal for want of the Action or
scope writes its access.denied row, SECURITY.md L1).

The law (RULES.md V4): "村民选举委员会的组成人员被提名为村民委员会成员候选人的，应当退出村民选举
委员会" (村民委员会组织法(2018) 第十二条); the 2025 text: "村民选举委员会成员或者其近亲属被提名为
村民委员会成员候选人的，应当退出村民选举委员会。村民选举委员会成员退出…的，按照原推选结果依次递补，
也可以另行推选" (村民委员会组织法(2025) 第十五条). `member_withdraw` fills the place with the next
reserve in the original order; with none left the place is recorded vacant, to be filled by a new
推选 (补选, `member_add` as serving). `withdrawals_for_nomination` is what `nominee_propose` asks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Final

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from huanjie.accounts.models import User
from huanjie.accounts.permissions import Action, audit_denied, can, in_scope
from huanjie.audit.services import audit_record
from huanjie.committees.models import (
    ChosenBy,
    ElectionCommittee,
    ElectionCommitteeHistory,
    ElectionCommitteeMember,
    Event,
    MemberRole,
    MemberStatus,
    WithdrawalKind,
)
from huanjie.elections.models import CampaignVillage, Election
from huanjie.elections.services import check_not_purged, election_profile
from huanjie.people.models import Person
from huanjie.rules.candidates import must_leave_election_committee

MSG_NOT_ALLOWED = "无权办理该村(社区)的选举委员会"
MSG_VILLAGE_EXCLUDED = "该村(社区)不在本次换届范围内"
MSG_EXISTS = "{village}本次换届的选举委员会已登记"
MSG_CHOSEN_BY = "请选择推选方式"
MSG_CHOSEN_ON = "推选日期（{day}）应在换届期间（{start}至{end}）"
MSG_SEATS = "选举委员会成员应为三人以上的奇数，填写的是{seats}人（依据：{article}）"
MSG_NOT_OF_VILLAGE = (
    "{name}（{masked}）户籍不在本村，也未在本村本次换届的选民名单中登记，不能作为本村选举委员会成员"
)
MSG_DIED = "{name}已死亡，不能作为选举委员会成员"
MSG_ALREADY = "{name}（{masked}）已是本村选举委员会成员或候补人员"
MSG_ORDER_TAKEN = "推选结果顺序第{order}位已有人员"
MSG_ORDER = "推选结果顺序应为不小于1的整数"
MSG_VOTES = "推选得票应为不小于0的整数"
MSG_VOTES_ORDER = "推选结果顺序应按得票多少排列：第{order}位得{votes}票，与{other}（第{other_order}位，{other_votes}票）的先后不符"
MSG_FULL = "选举委员会{seats}个名额已满，不能再增加在任成员（可登记为候补）"
MSG_ROLE = "请选择在任成员的职务"
MSG_RESERVE_ROLE = "候补人员不担任职务"
MSG_STATUS = "成员状态只能是在任或候补"
MSG_CHAIR_TAKEN = "选举委员会已有主任{name}，如需更换请办理“推选主任”"
MSG_NOMINEE_MEMBER = "{name}是本村提名人选，{rule}，不能担任选举委员会成员（依据：{article}）"
MSG_NOT_SERVING = "{name}当前为“{status}”，不是在任成员"
MSG_MOVED_MEANWHILE = "{name}的状态已被他人改变，请刷新后重试"
MSG_KIND = "请选择退出情形"
MSG_REASON_REQUIRED = "请填写退出原因"
MSG_CHAIR_SAME = "{name}已是选举委员会主任"
MSG_OTHER_COMMITTEE = "该成员不属于这个选举委员会"
MSG_MUST_LEAVE = (
    "{member}是本村选举委员会成员，{who}被提名为候选人，应当退出选举委员会（依据：{article}）"
)
MSG_CONFIRM = "确认提名的，{member}即退出选举委员会，由候补人员依次递补"
MSG_RELATIVE_NOT_MEMBER = "申报的近亲属{name}不是本村选举委员会的在任成员"
MSG_VACANT = "无候补人员可递补，选举委员会出缺{n}名，应当另行推选（补选）"

# 村民委员会选举规程（民发〔2013〕76号）一: "村民选举委员会由主任和委员组成，成员人数应当为三人
# 以上的奇数".
GUIDE_SIZE: Final = "村民委员会选举规程（民发〔2013〕76号） 一"

# The code of the refusal `nominee_propose` gives without `withdraw_member`: the page shows the
# messages and asks whether the member leaves.
MUST_LEAVE: Final = "committee_withdrawal"

# The law's words for who was nominated, as the message names them.
WHO = {WithdrawalKind.NOMINATED: "本人", WithdrawalKind.RELATIVE_NOMINATED: "其近亲属"}


# ---------------------------------------------------------------------------------------------
# The shared steps.


def _check_manage(actor: User, entry: CampaignVillage) -> None:
    if not can(actor, Action.MANAGE_COMMITTEES) or not in_scope(actor, entry.region_id):
        audit_denied(actor, Action.MANAGE_COMMITTEES, obj=entry)  # SECURITY.md L1
        raise ValidationError(MSG_NOT_ALLOWED)


def _history(
    committee: ElectionCommittee,
    actor: User,
    event: str,
    member: ElectionCommitteeMember | None = None,
    from_status: str = "",
    reason: str = "",
) -> None:
    ElectionCommitteeHistory.objects.create(
        committee=committee,
        member=member,
        event=event,
        from_status=from_status,
        to_status=member.status if member is not None else "",
        reason=reason[:500],
        actor=actor,
    )


def _person_problems(committee: ElectionCommittee, person: Person) -> list[str]:
    """Why `person` cannot sit on the committee: not of the village (户籍 elsewhere and not on
    the village's roll of the campaign), dead, or already on it."""
    from huanjie.voters.models import VoterRegistration

    entry = committee.village
    name, masked = person.name, person.id_masked
    problems: list[str] = []
    on_roll = VoterRegistration.objects.filter(
        campaign_id=entry.campaign_id, village_id=entry.region_id, person=person, active=True
    ).exists()
    if person.region_id != entry.region_id and not on_roll:
        problems.append(MSG_NOT_OF_VILLAGE.format(name=name, masked=masked))
    if not person.alive_on(timezone.localdate()):
        problems.append(MSG_DIED.format(name=name))
    if ElectionCommitteeMember.objects.filter(committee=committee, person=person).exists():
        problems.append(MSG_ALREADY.format(name=name, masked=masked))
    return problems


def _rule_text(election: Election, kind: str) -> tuple[bool, str]:
    """Whether the engine makes a member leave for `kind` in `election`, and its article."""
    profile = election_profile(election)
    if profile is None:  # a cooperative: the engine carries no rules for it
        return False, ""
    leave = must_leave_election_committee(
        profile,
        nominated=kind == WithdrawalKind.NOMINATED,
        relative_nominated=kind == WithdrawalKind.RELATIVE_NOMINATED,
    )
    return leave, "、".join(profile.committee_withdrawal.cite())


# Who is an open nominee of a village's elections: nomination registers its lookup here in
# its AppConfig.ready (this app sits below nomination and may not import it). Each takes the
# campaign village and the person and returns the elections where the person is an open nominee.
open_nomination_lookups: list[Callable[[CampaignVillage, Person], list[Election]]] = []


def _open_nominee_problems(committee: ElectionCommittee, person: Person) -> list[str]:
    """A person who is an open nominee of the village's elections, where the engine makes a
    nominated member leave, cannot join the committee (nor move up into it)."""
    for lookup in open_nomination_lookups:
        for election in lookup(committee.village, person):
            leave, article = _rule_text(election, WithdrawalKind.NOMINATED)
            if leave:
                return [
                    MSG_NOMINEE_MEMBER.format(
                        name=person.name,
                        rule="被提名为候选人的应当退出选举委员会",
                        article=article,
                    )
                ]
    return []


def _check_order_and_votes(
    committee: ElectionCommittee, order: int, votes: int | None
) -> list[str]:
    """The original order is the order of votes at the 推选: a later place has no more votes
    than an earlier one (ties in either order)."""
    if votes is None:
        return []
    others = ElectionCommitteeMember.objects.filter(committee=committee, votes__isnull=False)
    for other in others.select_related("person"):
        assert other.votes is not None
        if (other.order < order and other.votes < votes) or (
            other.order > order and other.votes > votes
        ):
            return [
                MSG_VOTES_ORDER.format(
                    order=order,
                    votes=votes,
                    other=other.person.name,
                    other_order=other.order,
                    other_votes=other.votes,
                )
            ]
    return []


def _is_count(n: object, minimum: int) -> bool:
    return isinstance(n, int) and not isinstance(n, bool) and n >= minimum


def vacancies(committee: ElectionCommittee) -> int:
    """The places no member fills: to be filled by a new 推选 (补选)."""
    serving = committee.members.filter(status=MemberStatus.SERVING).count()
    return max(committee.seats - serving, 0)


# ---------------------------------------------------------------------------------------------
# The services.


def committee_create(
    *, actor: User, entry: CampaignVillage, chosen_on: date, chosen_by: str, seats: int
) -> ElectionCommittee:
    """Record the village's election committee: the day and the way it was chosen (推选) and
    its number of members (at least three, odd: 村民委员会选举规程 一). Its members are added
    after, in the original order of the 推选 (`member_add`)."""
    _check_manage(actor, entry)
    campaign = entry.campaign
    check_not_purged(campaign)
    if not entry.included:
        raise ValidationError(MSG_VILLAGE_EXCLUDED)
    problems: list[str] = []
    if chosen_by not in ChosenBy.values:
        problems.append(MSG_CHOSEN_BY)
    if not isinstance(chosen_on, date) or not (
        campaign.window_start <= chosen_on <= campaign.window_end
    ):
        problems.append(
            MSG_CHOSEN_ON.format(
                day=chosen_on, start=campaign.window_start, end=campaign.window_end
            )
        )
    # 村民委员会选举规程 一: "成员人数应当为三人以上的奇数".
    if not _is_count(seats, 3) or seats % 2 == 0:
        problems.append(MSG_SEATS.format(seats=seats, article=GUIDE_SIZE))
    if problems:
        raise ValidationError(problems)
    village = entry.region.display_name
    committee = ElectionCommittee(
        village=entry, chosen_on=chosen_on, chosen_by=chosen_by, seats=seats, created_by=actor
    )
    try:
        with transaction.atomic():
            committee.save()
            _history(
                committee,
                actor,
                Event.CREATED,
                reason=f"{ChosenBy(chosen_by).label}，成员{seats}名",
            )
            audit_record(
                actor=actor,
                action="committee.create",
                obj=committee,
                changes={
                    "campaign": entry.campaign_id,
                    "village": entry.region_id,
                    "chosen_on": chosen_on.isoformat(),
                    "chosen_by": chosen_by,
                    "seats": seats,
                },
            )
    except IntegrityError as exc:
        raise ValidationError(MSG_EXISTS.format(village=village)) from exc
    return committee


def member_add(
    *,
    actor: User,
    committee: ElectionCommittee,
    person: Person,
    status: str,
    role: str = "",
    votes: int | None = None,
    order: int | None = None,
) -> ElectionCommitteeMember:
    """Add a person chosen at the 推选: serving (in a post: 主任, 副主任 or 委员) or a reserve
    (候补) waiting to move up. `order` is their place in the original result of the 推选 (by
    votes; the next free place when not given), the order 递补 follows. A serving member added
    after the committee was formed fills a vacancy (补选). The person is one of the village
    (户籍, or on its roll of the campaign), alive, not yet on the committee, and not an open
    nominee of the village where the law makes a nominated member leave."""
    entry = committee.village
    _check_manage(actor, entry)
    check_not_purged(entry.campaign)
    problems: list[str] = []
    if status not in (MemberStatus.SERVING, MemberStatus.RESERVE):
        raise ValidationError(MSG_STATUS)
    if status == MemberStatus.SERVING and role not in MemberRole.values:
        problems.append(MSG_ROLE)
    if status == MemberStatus.RESERVE and role:
        problems.append(MSG_RESERVE_ROLE)
    if order is not None and not _is_count(order, 1):
        problems.append(MSG_ORDER)
    if votes is not None and not _is_count(votes, 0):
        problems.append(MSG_VOTES)
    if problems:
        raise ValidationError(problems)
    problems = _person_problems(committee, person) + _open_nominee_problems(committee, person)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        # The committee's row serialises the places and the seats given out.
        ElectionCommittee.objects.select_for_update().filter(pk=committee.pk).exists()
        members = ElectionCommitteeMember.objects.filter(committee=committee)
        serving = members.filter(status=MemberStatus.SERVING)
        if status == MemberStatus.SERVING and serving.count() >= committee.seats:
            raise ValidationError(MSG_FULL.format(seats=committee.seats))
        chair = serving.filter(role=MemberRole.CHAIR).select_related("person").first()
        if role == MemberRole.CHAIR and chair is not None:
            raise ValidationError(MSG_CHAIR_TAKEN.format(name=chair.person.name))
        if order is None:
            order = (members.aggregate(m=Max("order"))["m"] or 0) + 1
        elif members.filter(order=order).exists():
            raise ValidationError(MSG_ORDER_TAKEN.format(order=order))
        problems = _check_order_and_votes(committee, order, votes)
        if problems:
            raise ValidationError(problems)
        try:
            with transaction.atomic():
                member = ElectionCommitteeMember.objects.create(
                    committee=committee,
                    person=person,
                    role=role,
                    votes=votes,
                    order=order,
                    status=status,
                )
        except IntegrityError as exc:  # the same person or place added twice at once
            raise ValidationError(
                MSG_ALREADY.format(name=person.name, masked=person.id_masked)
            ) from exc
        label = MemberRole(role).label if role else MemberStatus.RESERVE.label
        _history(committee, actor, Event.ADDED, member, reason=f"第{order}位，{label}")
        audit_record(
            actor=actor,
            action="committee.member_add",
            obj=member,
            changes={
                "committee": committee.pk,
                "person": person.id_masked,
                "status": status,
                "role": role,
                "votes": votes,
                "order": order,
            },
        )
    return member


def _next_reserve(
    committee: ElectionCommittee,
) -> tuple[ElectionCommitteeMember | None, list[ElectionCommitteeMember]]:
    """The next reserve in the original order who may move up, and the reserves passed over
    (open nominees of the village, who would have to leave at once)."""
    passed: list[ElectionCommitteeMember] = []
    reserves = (
        ElectionCommitteeMember.objects.select_for_update()
        .filter(committee=committee, status=MemberStatus.RESERVE)
        .order_by("order")
    )
    for reserve in reserves:
        if _open_nominee_problems(committee, reserve.person):
            passed.append(reserve)
            continue
        return reserve, passed
    return None, passed


@dataclass(frozen=True)
class Withdrawal:
    """What a withdrawal did: the member who left, who moved up in their place (None: the
    place is vacant, to be filled by 补选), and whether the committee lost its chair."""

    member: ElectionCommitteeMember
    replacement: ElectionCommitteeMember | None
    chair_vacant: bool


def member_withdraw(
    *,
    actor: User,
    member: ElectionCommitteeMember,
    kind: str,
    reason: str,
    nominee: object | None = None,
) -> Withdrawal:
    """A serving member withdraws (退出), with the kind and reason; the next reserve in the
    original order of the 推选 takes the place at once ("按照原推选结果依次递补", 村民委员会组织法
    (2025) 第十五条) as a 委员, and who replaced whom is recorded. With no reserve left the place
    is recorded vacant: the committee must be completed by a new 推选 (补选). A withdrawing chair
    leaves the committee without a chair until it elects one (`committee_set_chair`).
    `nominee` is the nomination that made the member leave (`nominee_propose`)."""
    committee = member.committee
    entry = committee.village
    _check_manage(actor, entry)
    check_not_purged(entry.campaign)
    name = member.person.name
    if member.status != MemberStatus.SERVING:
        raise ValidationError(
            MSG_NOT_SERVING.format(name=name, status=MemberStatus(member.status).label)
        )
    reason = reason.strip()
    problems = [MSG_KIND] * (kind not in WithdrawalKind.values)
    problems += [MSG_REASON_REQUIRED] * (not reason)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        ElectionCommittee.objects.select_for_update().filter(pk=committee.pk).exists()
        current = ElectionCommitteeMember.objects.values_list("status", flat=True)
        if current.get(pk=member.pk) != MemberStatus.SERVING:
            raise ValidationError(MSG_MOVED_MEANWHILE.format(name=name))
        was_chair = member.role == MemberRole.CHAIR
        replacement, passed = _next_reserve(committee)
        member.status = MemberStatus.WITHDRAWN
        member.withdrawal_kind = kind
        member.withdrawn_reason = reason[:300]
        member.withdrawn_at = timezone.now()
        member.withdrawn_for_id = getattr(nominee, "pk", None)
        member.replaced_by = replacement
        if replacement is not None:
            replacement.status = MemberStatus.SERVING
            replacement.role = MemberRole.MEMBER
            replacement.save(update_fields=["status", "role"])
        member.save(
            update_fields=[
                "status",
                "withdrawal_kind",
                "withdrawn_reason",
                "withdrawn_at",
                "withdrawn_for",
                "replaced_by",
            ]
        )
        text = f"{WithdrawalKind(kind).label}：{reason}"
        _history(committee, actor, Event.WITHDRAWN, member, MemberStatus.SERVING, text)
        for skipped in passed:
            _history(
                committee,
                actor,
                Event.PASSED_OVER,
                skipped,
                MemberStatus.RESERVE,
                f"{skipped.person.name}已被提名为候选人，不予递补",
            )
        if replacement is not None:
            _history(
                committee,
                actor,
                Event.MOVED_UP,
                replacement,
                MemberStatus.RESERVE,
                f"按照原推选结果依次递补{name}（第{replacement.order}位）",
            )
        else:
            _history(
                committee, actor, Event.VACANT, reason=MSG_VACANT.format(n=vacancies(committee))
            )
        audit_record(
            actor=actor,
            action="committee.member_withdraw",
            obj=member,
            changes={
                "committee": committee.pk,
                "person": member.person.id_masked,
                "status": {"old": MemberStatus.SERVING, "new": MemberStatus.WITHDRAWN},
                "kind": kind,
                "reason": reason,
                "nominee": member.withdrawn_for_id,
                "replaced_by": replacement.person.id_masked if replacement else None,
                "vacancies": vacancies(committee),
                "chair_vacant": was_chair,
            },
        )
    return Withdrawal(member=member, replacement=replacement, chair_vacant=was_chair)


def committee_set_chair(
    *, actor: User, committee: ElectionCommittee, member: ElectionCommitteeMember, reason: str = ""
) -> ElectionCommitteeMember:
    """The committee elects `member` (serving) its chair (主任), as after the chair withdrew;
    a chair still serving becomes a 委员."""
    entry = committee.village
    _check_manage(actor, entry)
    check_not_purged(entry.campaign)
    name = member.person.name
    if member.committee_id != committee.pk:
        raise ValidationError(MSG_OTHER_COMMITTEE)
    if member.status != MemberStatus.SERVING:
        raise ValidationError(
            MSG_NOT_SERVING.format(name=name, status=MemberStatus(member.status).label)
        )
    if member.role == MemberRole.CHAIR:
        raise ValidationError(MSG_CHAIR_SAME.format(name=name))
    reason = reason.strip()
    with transaction.atomic():
        ElectionCommittee.objects.select_for_update().filter(pk=committee.pk).exists()
        current = ElectionCommitteeMember.objects.values_list("status", "role")
        if current.get(pk=member.pk) != (MemberStatus.SERVING, member.role):
            raise ValidationError(MSG_MOVED_MEANWHILE.format(name=name))
        old_chair = (
            ElectionCommitteeMember.objects.filter(
                committee=committee, status=MemberStatus.SERVING, role=MemberRole.CHAIR
            )
            .select_related("person")
            .first()
        )
        if old_chair is not None:
            old_chair.role = MemberRole.MEMBER
            old_chair.save(update_fields=["role"])
        old_role = member.role
        member.role = MemberRole.CHAIR
        member.save(update_fields=["role"])
        text = f"{MemberRole(old_role).label}{name}当选主任"
        if old_chair is not None:
            text += f"，原主任{old_chair.person.name}改任委员"
        if reason:
            text += f"：{reason}"
        _history(committee, actor, Event.CHAIR, member, MemberStatus.SERVING, text)
        audit_record(
            actor=actor,
            action="committee.set_chair",
            obj=member,
            changes={
                "committee": committee.pk,
                "person": member.person.id_masked,
                "role": {"old": old_role, "new": MemberRole.CHAIR},
                "previous_chair": old_chair.person.id_masked if old_chair else None,
                "reason": reason,
            },
        )
    return member


# ---------------------------------------------------------------------------------------------
# The rule on nominees (村民委员会组织法(2018) 第十二条; (2025) 第十五条), for nominee_propose.


@dataclass(frozen=True)
class MustLeave:
    """A serving member the engine says must leave the committee for a nomination, why (the
    kind), and the message with the article."""

    member: ElectionCommitteeMember
    kind: str
    message: str


def withdrawals_for_nomination(
    election: Election, person: Person, relatives: Iterable[ElectionCommitteeMember] = ()
) -> list[MustLeave]:
    """The serving members of the village's election committee who must leave because `person`
    is nominated in `election`: the person themself, and — where the engine's profile says
    "self_or_relatives" (2025) — the members the proposer declares close relatives (近亲属) of
    the person. The system holds no family records: the declaration is the proposer's, and
    each declared relative must be a serving member of this committee."""
    committee = ElectionCommittee.objects.filter(village_id=election.village_id).first()
    relatives = list(relatives)
    if committee is None:
        if relatives:
            raise ValidationError(MSG_RELATIVE_NOT_MEMBER.format(name=relatives[0].person.name))
        return []
    serving = {
        m.pk: m
        for m in committee.members.filter(status=MemberStatus.SERVING).select_related("person")
    }
    for relative in relatives:
        if relative.pk not in serving:
            raise ValidationError(MSG_RELATIVE_NOT_MEMBER.format(name=relative.person.name))
    found: list[MustLeave] = []
    wanted = [(m, WithdrawalKind.NOMINATED) for m in serving.values() if m.person_id == person.pk]
    wanted += [
        (serving[r.pk], WithdrawalKind.RELATIVE_NOMINATED)
        for r in relatives
        if r.person_id != person.pk
    ]
    seen: set[int] = set()
    for member, kind in wanted:
        leave, article = _rule_text(election, kind)
        if not leave or member.pk in seen:
            continue
        seen.add(member.pk)
        message = MSG_MUST_LEAVE.format(member=member.person.name, who=WHO[kind], article=article)
        found.append(MustLeave(member=member, kind=kind, message=message))
    return found
