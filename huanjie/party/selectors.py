"""Reads of Party organisations, scoped to the user, and the adapter that turns a branch's
members into the engine's quorum of its members' meeting.

Who counts in the expected attendance (应到会人数):
- only full members whose rights stand (RULES.md P1): 预备党员, 留党察看 and members under
  留置/逮捕 have no vote;
- a flowing member counts only once registered (党员选举登记, PRODUCT.md step 3);
- a full member left out for a reason of the 中组部 rule counts until that is approved (P8b):
  the engine decides, from `Exclusion(reason, approved)`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from huanjie.accounts.permissions import Action, get_scoped_or_404, scoped
from huanjie.elections.models import Campaign
from huanjie.party.models import (
    BranchKind,
    MemberRegistration,
    MemberStatus,
    PartyBranch,
    PartyMember,
)
from huanjie.rules.party import Exclusion, Quorum, party_quorum

# 中国共产党农村基层组织工作条例 (2019) 第二章 (RULES.md R1): the sizes of a village's Party
# organisation. Defined once so tests assert the exact text.
MSG_TOO_FEW_FULL = "正式党员不足3人（现有{full}人），不能单独成立党支部"
MSG_GENERAL_BRANCH_SMALL = (
    "党员不超过50人（现有{total}人），成立党总支须确因工作需要并经上级党组织批准"
)
MSG_COMMITTEE_SMALL = "党员不足100人（现有{total}人），不宜成立党委"
MSG_MAY_BE_GENERAL_BRANCH = "党员超过50人（现有{total}人），可以成立党总支"
MSG_MAY_BE_COMMITTEE = "党员100人以上（现有{total}人），经县级党委批准可以成立党委"


def branch_kind_warnings(*, kind: str, full: int, total: int) -> list[str]:
    """Warnings on a branch's kind against its size (R1): a branch needs 3 or more full members,
    a 总支 is formed above 50 members, a 党委 may be formed at 100 or more. Warnings, not refusals:
    the higher organisation may approve otherwise.

    >>> branch_kind_warnings(kind="branch", full=2, total=2)
    ['正式党员不足3人（现有2人），不能单独成立党支部']
    >>> branch_kind_warnings(kind="branch", full=40, total=51)
    ['党员超过50人（现有51人），可以成立党总支']
    >>> branch_kind_warnings(kind="general_branch", full=40, total=50)
    ['党员不超过50人（现有50人），成立党总支须确因工作需要并经上级党组织批准']
    >>> branch_kind_warnings(kind="committee", full=90, total=99)
    ['党员不足100人（现有99人），不宜成立党委']
    >>> branch_kind_warnings(kind="general_branch", full=90, total=100)
    ['党员100人以上（现有100人），经县级党委批准可以成立党委']
    >>> branch_kind_warnings(kind="branch", full=3, total=50)
    []
    """
    warnings = []
    if full < 3:
        warnings.append(MSG_TOO_FEW_FULL.format(full=full))
    if kind == BranchKind.COMMITTEE and total < 100:
        warnings.append(MSG_COMMITTEE_SMALL.format(total=total))
    if kind == BranchKind.GENERAL_BRANCH and total <= 50:
        warnings.append(MSG_GENERAL_BRANCH_SMALL.format(total=total))
    if kind != BranchKind.COMMITTEE and total >= 100:
        warnings.append(MSG_MAY_BE_COMMITTEE.format(total=total))
    elif kind == BranchKind.BRANCH and total > 50:
        warnings.append(MSG_MAY_BE_GENERAL_BRANCH.format(total=total))
    return warnings


@dataclass
class Attendance:
    """The members' meeting of one branch in one campaign: the engine's `quorum` and the members
    behind each of its numbers, so a page can explain them."""

    branch: PartyBranch
    quorum: Quorum
    # Every member, by name, each with `registration` (for this campaign, or None).
    members: list[PartyMember] = field(default_factory=list)
    # Counted in 应到会: full members not left out by an approved exclusion.
    expected: list[PartyMember] = field(default_factory=list)
    # Full members whose exclusion is approved (not counted).
    excluded: list[PartyMember] = field(default_factory=list)
    # Full members whose exclusion awaits approval (still counted).
    pending: list[PartyMember] = field(default_factory=list)
    # Flowing full members who did not register (not counted).
    unregistered_flowing: list[PartyMember] = field(default_factory=list)
    # Members without the vote, by status (not counted): probationary, 留党察看, suspended.
    without_vote: dict[str, list[PartyMember]] = field(default_factory=dict)
    total: int = 0
    full: int = 0  # full members, suspended or not: the R1 size counts them all
    warnings: list[str] = field(default_factory=list)

    @property
    def voting(self) -> list[PartyMember]:
        """Full members whose rights stand and who take part: the engine's `members`."""
        return self.expected + self.excluded + self.pending


def _attendance(
    branch: PartyBranch,
    members: list[PartyMember],
    registrations: dict[int, MemberRegistration],
    present: int,
) -> Attendance:
    counted: list[PartyMember] = []
    exclusions: list[Exclusion] = []
    excluded: list[PartyMember] = []
    pending: list[PartyMember] = []
    unregistered: list[PartyMember] = []
    without_vote: dict[str, list[PartyMember]] = {
        s: [] for s in MemberStatus.values if s != MemberStatus.FULL
    }
    for member in members:
        reg = registrations.get(member.pk)
        member.registration = reg  # type: ignore[attr-defined]
        if not member.votes:
            without_vote[member.status].append(member)
        elif member.flowing and not (reg is not None and reg.registered):
            unregistered.append(member)
        elif reg is not None and reg.exclusion:
            exclusions.append(Exclusion(reg.exclusion, reg.approved))
            (excluded if reg.approved else pending).append(member)
        else:
            counted.append(member)
    voting = len(counted) + len(excluded) + len(pending)
    quorum = party_quorum(voting, present, exclusions)
    full = sum(1 for m in members if m.status in (MemberStatus.FULL, MemberStatus.SUSPENDED))
    return Attendance(
        branch=branch,
        quorum=quorum,
        members=members,
        expected=counted + pending,
        excluded=excluded,
        pending=pending,
        unregistered_flowing=unregistered,
        without_vote=without_vote,
        total=len(members),
        full=full,
        warnings=branch_kind_warnings(kind=branch.kind, full=full, total=len(members)),
    )


def attendance_of_branches(
    campaign: Campaign, branches: Iterable[PartyBranch], *, present: int = 0
) -> dict[int, Attendance]:
    """The attendance of each branch (by pk) in two queries, whatever their number."""
    by_pk = {b.pk: b for b in branches}
    members = list(
        PartyMember.objects.filter(branch__in=list(by_pk))
        .select_related("person")
        .order_by("branch_id", "person__name", "id")
    )
    registrations = {
        r.member_id: r
        for r in MemberRegistration.objects.filter(
            campaign=campaign, member__branch__in=list(by_pk)
        )
    }
    grouped: dict[int, list[PartyMember]] = {pk: [] for pk in by_pk}
    for m in members:
        grouped[m.branch_id].append(m)
    return {
        pk: _attendance(branch, grouped[pk], registrations, present) for pk, branch in by_pk.items()
    }


def attendance(campaign: Campaign, branch: PartyBranch, *, present: int = 0) -> Attendance:
    """The expected attendance (应到会人数) of a branch's members' meeting in a campaign and its
    quorum with `present` members with the vote present, from the engine.

    The members come back with their registration for the campaign as `member.registration`.
    """
    return attendance_of_branches(campaign, [branch], present=present)[branch.pk]


def branches_of_campaign(user: Any, campaign: Campaign) -> QuerySet[PartyBranch]:
    """The branches of the campaign's villages in the user's scope."""
    return scoped(
        user,
        PartyBranch.objects.filter(village__campaign_entries__campaign=campaign),
        Action.VIEW_CAMPAIGNS,
        field="village__code",
    ).select_related("village", "village__parent")


def access_branch(user: Any, campaign: Campaign, pk: int) -> PartyBranch:
    return get_scoped_or_404(
        user,
        PartyBranch.objects.filter(village__campaign_entries__campaign=campaign).select_related(
            "village"
        ),
        Action.VIEW_CAMPAIGNS,
        field="village__code",
        pk=pk,
    )


def access_member(user: Any, branch: PartyBranch, pk: int) -> PartyMember:
    return get_scoped_or_404(
        user,
        PartyMember.objects.filter(branch=branch).select_related("person", "branch__village"),
        Action.VIEW_CAMPAIGNS,
        field="branch__village__code",
        pk=pk,
    )


def member_registration(campaign: Campaign, member: PartyMember) -> MemberRegistration | None:
    return MemberRegistration.objects.filter(campaign=campaign, member=member).first()
