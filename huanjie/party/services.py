"""Write services for Party organisations, members and member registration. Each checks the
actor's right and scope, validates, saves, and writes its audit event in one transaction."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from huanjie.accounts.models import User
from huanjie.accounts.permissions import Action, audit_denied, can, in_scope
from huanjie.audit.services import audit_record
from huanjie.elections.models import Campaign, CampaignVillage
from huanjie.elections.services import check_not_purged
from huanjie.party.models import (
    BranchKind,
    MemberRegistration,
    MemberStatus,
    PartyBranch,
    PartyMember,
    PartyRollImport,
)
from huanjie.people.models import Person, Sex
from huanjie.people.services import (  # noqa: F401  (messages re-exported for the party pages)
    MSG_BIRTH_MISMATCH,
    MSG_NAME_MISMATCH,
    MSG_NAME_MISMATCH_ELSEWHERE,
    person_find_or_create,
)
from huanjie.regions.models import Region
from huanjie.rules.profiles import EXCLUSION_LABELS
from huanjie.rules.voters import coming_of_age

MSG_NOT_ALLOWED = "无权管理该村党组织"
MSG_NOT_VILLAGE = "党组织只能建在村(社区)，“{region}”是{level}"
MSG_DUPLICATE_BRANCH = "“{village}”已有党组织“{branch}”"
MSG_NAME_REQUIRED = "请填写党组织名称"
MSG_KIND_UNKNOWN = "党组织类别“{kind}”不在规定之列"
MSG_DUPLICATE_MEMBER = "{name}（{masked}）已是{branch}的党员，不能重复添加"
MSG_STATUS_UNKNOWN = "党员状态“{status}”不在规定之列"
MSG_NOT_IN_CAMPAIGN = "“{village}”不在本次换届范围内"
MSG_EXCLUSION_UNKNOWN = "不计入应到会人数的理由“{reason}”不在规定之列"
MSG_DETAINED_IS_STATUS = (
    "被依法留置、逮捕的党员请将其党员状态改为“被依法留置、逮捕”，不作为不计入理由登记"
)
MSG_EXCLUSION_NOT_VOTING = "{status}没有表决权，本就不计入应到会人数，无需作不计入处理"
MSG_APPROVAL_WITHOUT_REASON = "未选择不计入应到会人数的理由，无从审批"
MSG_JOINED_FUTURE = "入党日期{day}晚于今天，请核对"
MSG_JOINED_UNDER_18 = "入党日期{day}时未满十八周岁（出生日期{birth}），请核对（党章 第一条）"


def _check_manage(actor: User, village: Region) -> None:
    if not can(actor, Action.MANAGE_PARTY) or not in_scope(actor, village.code):
        audit_denied(actor, Action.MANAGE_PARTY, obj=village)  # SECURITY.md L1
        raise ValidationError(MSG_NOT_ALLOWED)


def branch_create(*, actor: User, village: Region, name: str, kind: str) -> PartyBranch:
    """Create the Party organisation of a village-level unit (one per village)."""
    _check_manage(actor, village)
    name = name.strip()
    if not village.is_village_level:
        raise ValidationError(
            MSG_NOT_VILLAGE.format(region=village.display_name, level=village.get_level_display())
        )
    if not name:
        raise ValidationError(MSG_NAME_REQUIRED)
    if kind not in BranchKind.values:
        raise ValidationError(MSG_KIND_UNKNOWN.format(kind=kind))
    existing = PartyBranch.objects.filter(village=village).first()
    if existing is not None:
        raise ValidationError(
            MSG_DUPLICATE_BRANCH.format(village=village.display_name, branch=existing.name)
        )
    try:
        with transaction.atomic():
            branch = PartyBranch.objects.create(village=village, name=name, kind=kind)
            audit_record(
                actor=actor,
                action="party.branch_create",
                obj=branch,
                changes={"village": village.code, "name": name, "kind": kind},
            )
    except IntegrityError as exc:  # a concurrent create of the same village's branch
        raise ValidationError(
            MSG_DUPLICATE_BRANCH.format(village=village.display_name, branch=name)
        ) from exc
    return branch


def _find_or_create_person(
    *,
    actor: User,
    branch: PartyBranch,
    id_number: str,
    name: str,
    sex: str,
    birth_date: date | None,
) -> Person:
    """The person with this ID number, or a new one registered in the branch's village."""
    return person_find_or_create(
        actor=actor,
        id_number=id_number,
        name=name,
        sex=sex,
        birth_date=birth_date,
        region_code=branch.village_id,
        source="party.member_add",
    )


def member_add(
    *,
    actor: User,
    branch: PartyBranch,
    id_number: str,
    name: str,
    sex: str = "",
    birth_date: date | None = None,
    status: str = MemberStatus.FULL,
    flowing: bool = False,
    joined_on: date | None = None,
) -> PartyMember:
    """Add a member to a branch by ID number: the person already on record, or a new person
    (sex and birth date default to those the ID number encodes; stated ones must agree)."""
    _check_manage(actor, branch.village)
    name = name.strip()
    if not name:
        raise ValidationError("请填写姓名")
    if sex and sex not in Sex.values:
        raise ValidationError(f"性别“{sex}”不在规定之列")
    if status not in MemberStatus.values:
        raise ValidationError(MSG_STATUS_UNKNOWN.format(status=status))
    with transaction.atomic():
        person = _find_or_create_person(
            actor=actor,
            branch=branch,
            id_number=id_number,
            name=name,
            sex=sex,
            birth_date=birth_date,
        )
        duplicate = MSG_DUPLICATE_MEMBER.format(
            name=person.name, masked=person.id_masked, branch=branch.name
        )
        if PartyMember.objects.filter(branch=branch, person=person).exists():
            raise ValidationError(duplicate)
        try:
            with transaction.atomic():
                member = PartyMember.objects.create(
                    branch=branch,
                    person=person,
                    status=status,
                    flowing=flowing,
                    joined_on=joined_on,
                )
        except IntegrityError as exc:  # the same person added twice at once
            raise ValidationError(duplicate) from exc
        audit_record(
            actor=actor,
            action="party.member_add",
            obj=member,
            changes={
                "branch": branch.pk,
                "id_masked": person.id_masked,
                "status": status,
                "flowing": flowing,
            },
        )
    return member


def member_set_status(
    *, actor: User, member: PartyMember, status: str, flowing: bool | None = None
) -> PartyMember:
    """Change a member's status (and, when given, whether he is a flowing member)."""
    _check_manage(actor, member.branch.village)
    if status not in MemberStatus.values:
        raise ValidationError(MSG_STATUS_UNKNOWN.format(status=status))
    changes: dict[str, object] = {}
    if status != member.status:
        changes["status"] = [member.status, status]
    if flowing is not None and flowing != member.flowing:
        changes["flowing"] = [member.flowing, flowing]
    if not changes:
        return member
    member.status = status
    if flowing is not None:
        member.flowing = flowing
    with transaction.atomic():
        member.save(update_fields=["status", "flowing"])
        audit_record(actor=actor, action="party.member_status", obj=member, changes=changes)
    return member


def joined_on_problem(joined_on: date, birth_date: date, today: date) -> str | None:
    """What is wrong with a date of joining the Party, or None. 党章 第一条: only a person of
    eighteen may join, so a date before the 18th birthday (or after today) is a typo.

    >>> joined_on_problem(date(2008, 3, 15), date(1990, 3, 15), date(2026, 1, 1))
    >>> joined_on_problem(date(2008, 3, 14), date(1990, 3, 15), date(2026, 1, 1))
    '入党日期2008-03-14时未满十八周岁（出生日期1990-03-15），请核对（党章 第一条）'
    """
    if joined_on > today:
        return MSG_JOINED_FUTURE.format(day=joined_on.isoformat())
    if joined_on < coming_of_age(birth_date):
        return MSG_JOINED_UNDER_18.format(day=joined_on.isoformat(), birth=birth_date.isoformat())
    return None


def member_set_joined_on(
    *, actor: User, member: PartyMember, joined_on: date | None
) -> PartyMember:
    """Correct a member's date of joining the Party (None: not known). Checked against today and
    the member's 18th birthday (`joined_on_problem`)."""
    _check_manage(actor, member.branch.village)
    if joined_on == member.joined_on:
        return member
    if joined_on is not None:
        problem = joined_on_problem(joined_on, member.person.birth_date, timezone.localdate())
        if problem:
            raise ValidationError(problem)
    changes = {"joined_on": [_plain(member.joined_on), _plain(joined_on)]}
    member.joined_on = joined_on
    with transaction.atomic():
        member.save(update_fields=["joined_on"])
        audit_record(actor=actor, action="party.member_joined_on", obj=member, changes=changes)
    return member


def member_registration_set(
    *,
    actor: User,
    campaign: Campaign,
    member: PartyMember,
    registered: bool,
    registered_on: date | None = None,
    exclusion: str = "",
    note: str = "",
    approved: bool = False,
) -> MemberRegistration:
    """Record a member's registration for the campaign's members' meeting (党员选举登记) and any
    request to leave him out of the expected attendance, with its approval (RULES.md P8b).

    Sets the whole state: a registration date defaults to today; an exclusion is only for a full
    member (the others never count), and a member under 留置/逮捕 is a status, not a reason here.
    """
    village = member.branch.village
    _check_manage(actor, village)
    check_not_purged(campaign)  # SECURITY.md P7: read-only once its personal data is gone
    if not CampaignVillage.objects.filter(campaign=campaign, region=village).exists():
        raise ValidationError(MSG_NOT_IN_CAMPAIGN.format(village=village.display_name))
    note = note.strip()
    if exclusion:
        if exclusion not in EXCLUSION_LABELS:
            raise ValidationError(MSG_EXCLUSION_UNKNOWN.format(reason=exclusion))
        if exclusion == "detained":
            raise ValidationError(MSG_DETAINED_IS_STATUS)
        if not member.votes:
            raise ValidationError(
                MSG_EXCLUSION_NOT_VOTING.format(status=member.get_status_display())
            )
    elif approved:
        raise ValidationError(MSG_APPROVAL_WITHOUT_REASON)
    if registered and registered_on is None:
        registered_on = timezone.localdate()
    if not registered:
        registered_on = None
    with transaction.atomic():
        reg, created = MemberRegistration.objects.select_for_update().get_or_create(
            campaign=campaign, member=member
        )
        before = {
            "registered": reg.registered,
            "registered_on": reg.registered_on,
            "exclusion": reg.exclusion,
            "note": reg.exclusion_note,
            "approved": reg.approved,
        }
        reg.registered = registered
        reg.registered_on = registered_on
        reg.exclusion = exclusion
        reg.exclusion_note = note
        reg.approved = approved
        after = {
            "registered": registered,
            "registered_on": registered_on,
            "exclusion": exclusion,
            "note": note,
            "approved": approved,
        }
        reg.save(
            update_fields=[
                "registered",
                "registered_on",
                "exclusion",
                "exclusion_note",
                "approved",
                "updated_at",
            ]
        )
        changes = {
            key: [_plain(before[key]), _plain(value)]
            for key, value in after.items()
            if created or before[key] != value
        }
        audit_record(
            actor=actor,
            action="party.registration_set",
            obj=reg,
            changes={"campaign": campaign.pk, "member": member.pk, **changes},
        )
    return reg


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


# ---------------------------------------------------------------------------------------------
# The Party's part of the retention purge (SECURITY.md P7; huanjie.retention), inside its
# transaction.


def kept_by_party() -> Q:
    """The people the Party roll holds (a filter on Person): a member is a live record of the
    village's Party organisation, not one campaign's, so the purge of a campaign never erases
    them."""
    return Q(Exists(PartyMember.objects.filter(person=OuterRef("pk"))))


def party_personal_data_purge(campaign: Campaign) -> dict[str, int]:
    """Blank what this campaign's members' meeting registrations and 党员名册 uploads say about a
    person (the note on why a member will not attend, the rows an import refused); the
    registrations stay for the attendance counts."""
    notes = MemberRegistration.objects.filter(campaign=campaign).update(exclusion_note="")
    PartyRollImport.objects.filter(campaign=campaign).update(problems=[])
    return {"member_registrations": notes}
