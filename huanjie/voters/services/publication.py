"""The published voter list and its objections: the first publication freezes the roll; after
it, the roll changes only through an upheld objection (村民委员会组织法(2025) 第十七条: objections
are decided by the election committee and the result published), which publishes a 补正榜."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from huanjie.accounts.models import User
from huanjie.audit.services import audit_record
from huanjie.elections.models import Campaign, CampaignVillage
from huanjie.lib.dates import cn_date
from huanjie.people.models import Person
from huanjie.regions.models import Region
from huanjie.rules import voters as voter_rules
from huanjie.rules.profiles import Profile
from huanjie.voters.models import (
    ChangeReason,
    Objection,
    VoterListPublication,
    VoterRegistration,
)
from huanjie.voters.selectors import roll_snapshot
from huanjie.voters.services.registrations import (
    MSG_OTHER_AREA,
    MSG_REGISTERED_ELSEWHERE,
    RegisteredElsewhere,
    campaign_entry,
    check_manage,
    check_not_frozen,
    refuse_unless_ok,
    register_person,
    registration_deactivate,
    village_profile,
    where_for,
)

MSG_PUBLISH_EARLIER = "补正榜的公布日期不能早于上一次公布（{day}）"
MSG_NOTHING_TO_CORRECT = "自上次公布以来名单没有变化，无需公布补正榜"
MSG_FILED_BEFORE_PUBLICATION = "申诉日期不能早于名单公布日期（{day}）"
MSG_RECEIVED_BEFORE_FILED = "受理日期不能早于提出日期"
MSG_OBJECTION_DECIDED = "该申诉已处理"
MSG_OUTCOME = "处理结果只能是申诉成立或申诉不成立"
MSG_DECISION_REQUIRED = "请填写处理意见"
MSG_DECIDED_BEFORE_RECEIVED = "处理日期不能早于受理日期"
MSG_OMITTED_NEEDS_PERSON = "申诉成立需补登时，请填写被补登人员的身份证号及登记类别"
MSG_SUBJECT_NOT_ON_ROLL = "“{name}”不在本村(社区)选民名单中"


def _publish(
    *,
    actor: User,
    entry: CampaignVillage,
    published_on: date,
    profile: Profile,
    changes: list[dict[str, Any]],
) -> VoterListPublication:
    campaign, village = entry.campaign, entry.region
    assert entry.election_date is not None
    snapshot = roll_snapshot(campaign, village)
    last = (
        VoterListPublication.objects.filter(campaign=campaign, village=village).aggregate(
            v=Max("version")
        )["v"]
        or 0
    )
    publication = VoterListPublication.objects.create(
        campaign=campaign,
        village=village,
        version=last + 1,
        published_on=published_on,
        election_date=entry.election_date,
        objection_deadline=voter_rules.objection_deadline(profile, published_on),
        snapshot=snapshot,
        voters=sum(len(g["names"]) for g in snapshot),
        changes=changes,
        published_by=actor,
    )
    audit_record(
        actor=actor,
        action="voter.list_publish",
        obj=publication,
        changes={
            "village": village.code,
            "version": publication.version,
            "published_on": published_on.isoformat(),
            "voters": publication.voters,
            "changes": len(changes),
        },
    )
    return publication


def voter_list_publish(
    *, actor: User, campaign: Campaign, village: Region, published_on: date
) -> VoterListPublication:
    """Publish the village's voter list (选民名单公告) on `published_on`, which the engine must
    accept (at least 20 days before election day). It freezes the roll: later changes come only
    from objections, each upheld one publishing a 补正榜 (objection_decide)."""
    check_manage(actor, village)
    entry = campaign_entry(campaign, village)
    profile = village_profile(entry)
    assert entry.election_date is not None
    with transaction.atomic():
        # Lock the village's entry: two clicks on "publish" must not make two version 1s.
        CampaignVillage.objects.select_for_update().filter(pk=entry.pk).first()
        check_not_frozen(campaign, village)
        refuse_unless_ok(voter_rules.voter_list_check(profile, published_on, entry.election_date))
        return _publish(
            actor=actor, entry=entry, published_on=published_on, profile=profile, changes=[]
        )


def objection_record(
    *,
    actor: User,
    publication: VoterListPublication,
    filer_name: str,
    subject_name: str,
    kind: str,
    detail: str,
    filed_on: date,
    received_on: date,
    subject: Person | None = None,
) -> Objection:
    """Record an objection to a published list. Filed after the legal window (five days from
    publication): refused with the engine's message. The decision is due by the engine's date."""
    check_manage(actor, publication.village)
    entry = campaign_entry(publication.campaign, publication.village)
    profile = village_profile(entry)
    if filed_on < publication.published_on:
        raise ValidationError(
            MSG_FILED_BEFORE_PUBLICATION.format(day=cn_date(publication.published_on))
        )
    if received_on < filed_on:
        raise ValidationError(MSG_RECEIVED_BEFORE_FILED)
    refuse_unless_ok(voter_rules.objection_check(profile, publication.published_on, filed_on))
    with transaction.atomic():
        objection = Objection.objects.create(
            publication=publication,
            filer_name=filer_name.strip(),
            subject_name=subject_name.strip(),
            subject=subject,
            kind=kind,
            detail=detail.strip(),
            filed_on=filed_on,
            received_on=received_on,
            decision_due=voter_rules.objection_decision_due(profile, received_on),
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="voter.objection_record",
            obj=objection,
            changes={
                "publication": publication.pk,
                "kind": kind,
                "filed_on": filed_on.isoformat(),
                "decision_due": objection.decision_due.isoformat(),
            },
        )
    return objection


def objection_decide(
    *,
    actor: User,
    objection: Objection,
    outcome: str,
    decision: str,
    decided_on: date,
    person: Person | None = None,
    category: str = "",
    group_name: str = "",
) -> VoterListPublication | None:
    """Decide an objection. Upheld, it changes the roll — an omitted person is registered
    (`person`, or the objection's subject, with `category` and `group_name`), a wrongly listed one
    removed, wrong details (the 村民小组) corrected — and a 补正榜 is published the same day;
    returns it. A decision after the legal due date is still recorded (the list shows it late)."""
    publication = objection.publication
    check_manage(actor, publication.village)
    if objection.outcome != Objection.Outcome.PENDING:
        raise ValidationError(MSG_OBJECTION_DECIDED)
    if outcome not in (Objection.Outcome.UPHELD, Objection.Outcome.REJECTED):
        raise ValidationError(MSG_OUTCOME)
    if not decision.strip():
        raise ValidationError(MSG_DECISION_REQUIRED)
    if decided_on < objection.received_on:
        raise ValidationError(MSG_DECIDED_BEFORE_RECEIVED)
    entry = campaign_entry(publication.campaign, publication.village)
    profile = village_profile(entry)
    subject = person or objection.subject
    changes: list[dict[str, Any]] = []
    with transaction.atomic():
        if outcome == Objection.Outcome.UPHELD:
            changes = _apply_upheld(
                actor=actor,
                entry=entry,
                objection=objection,
                subject=subject,
                category=category,
                group_name=group_name,
            )
        objection.outcome = outcome
        objection.decision = decision.strip()
        objection.decided_on = decided_on
        if subject is not None and objection.subject_id is None:
            objection.subject = subject
        objection.save(update_fields=["outcome", "decision", "decided_on", "subject"])
        audit_record(
            actor=actor,
            action="voter.objection_decide",
            obj=objection,
            changes={
                "outcome": outcome,
                "decided_on": decided_on.isoformat(),
                "late": decided_on > objection.decision_due,
            },
        )
        if not changes:
            return None
        return _publish(
            actor=actor, entry=entry, published_on=decided_on, profile=profile, changes=changes
        )


def _apply_upheld(
    *,
    actor: User,
    entry: CampaignVillage,
    objection: Objection,
    subject: Person | None,
    category: str,
    group_name: str,
) -> list[dict[str, Any]]:
    kind = objection.kind
    if kind == Objection.Kind.OMITTED:
        if subject is None or not category:
            raise ValidationError(MSG_OMITTED_NEEDS_PERSON)
        try:
            added = register_person(
                actor=actor,
                entry=entry,
                person=subject,
                category=category,
                group_name=group_name,
                reason=ChangeReason.OBJECTION_UPHELD,
            )
        except RegisteredElsewhere as found:
            where = where_for(actor, entry.region, found.first) or MSG_OTHER_AREA
            raise ValidationError(
                MSG_REGISTERED_ELSEWHERE.format(village=where) + "，请先由县级处理重复登记"
            ) from None
        return [_change("增加", added, ChangeReason.OBJECTION_UPHELD.label, objection)]
    reg_qs = VoterRegistration.objects.filter(
        campaign=entry.campaign, village=entry.region, active=True
    ).select_related("person")
    if subject is not None:
        reg = reg_qs.filter(person=subject).first()
    else:  # no ID number given: the subject's name, if it names exactly one voter here
        named = list(reg_qs.filter(person__name=objection.subject_name)[:2])
        reg = named[0] if len(named) == 1 else None
    if reg is None:
        raise ValidationError(MSG_SUBJECT_NOT_ON_ROLL.format(name=objection.subject_name))
    if kind == Objection.Kind.WRONGLY_LISTED:
        registration_deactivate(
            actor=actor, registration=reg, reason=ChangeReason.OBJECTION_REMOVED
        )
        return [_change("删除", reg, ChangeReason.OBJECTION_REMOVED.label, objection)]
    if group_name.strip() and group_name.strip() != reg.group_name:
        old = reg.group_name
        reg.group_name = group_name.strip()
        reg.save(update_fields=["group_name"])
        audit_record(
            actor=actor,
            action="voter.correct",
            obj=reg,
            changes={"group": {"old": old, "new": reg.group_name}},
        )
        return [_change("更正", reg, f"村民小组由“{old or '未分组'}”更正", objection)]
    return []


def _change(
    change: str, reg: VoterRegistration, reason: str, objection: Objection
) -> dict[str, Any]:
    return {
        "change": change,
        "name": reg.person.name,
        "group": reg.group_name or "未分组",
        "reason": reason,
        "objection": objection.pk,
    }
