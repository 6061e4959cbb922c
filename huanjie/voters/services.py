"""Write services for voter registration: the roll, its publication, objections, proxies and the
reveal of a full ID number. Each validates, asks the rules engine where the law decides, saves,
and writes its audit event in one transaction (STYLE.md).

The first publication of a village's list freezes its roll: after it, the roll changes only
through an upheld objection (村民委员会组织法(2025) 第十七条: objections are decided by the
election committee and the result published), which publishes a 补正榜.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from huanjie.accounts.models import User
from huanjie.accounts.permissions import Action, can, in_scope
from huanjie.audit.models import AuditEvent, Outcome
from huanjie.audit.services import audit_record
from huanjie.elections.models import Campaign, CampaignVillage
from huanjie.lib.crypto import decrypt_field
from huanjie.lib.dates import cn_date
from huanjie.lib.strokes import name_key
from huanjie.people.models import Person
from huanjie.people.services import ID_PURPOSE
from huanjie.regions.models import Region
from huanjie.rules import proxies as proxy_rules
from huanjie.rules import voters as voter_rules
from huanjie.rules.profiles import Profile, effective_profile
from huanjie.rules.verdict import Verdict
from huanjie.voters.models import (
    REMOVAL_REASONS,
    Category,
    ChangeReason,
    Objection,
    Proxy,
    RegistrationConflict,
    VoterListPublication,
    VoterRegistration,
)

MSG_NOT_ALLOWED = "无权办理该村(社区)的选民登记"
MSG_NOT_IN_CAMPAIGN = "该村(社区)不在本次换届范围内"
MSG_NO_ELECTION_DATE = "请先确定该村(社区)的选举日：选举资格按选举日计算"
MSG_CATEGORY_NOT_APPLICABLE = "登记类别“{category}”不适用于本次选举"
MSG_ALREADY_HERE = "已在本村(社区)登记"
MSG_REGISTERED_ELSEWHERE = "已在{village}登记"
MSG_CONFLICT_SENT = "，已提交县级处理"
MSG_HUKOU_ELSEWHERE = "户籍不在本村(社区)，与登记类别“{category}”不符，请核实"
MSG_DIED = "人员库记录该人已于{day}死亡，不能登记为选民"
FLAG_DIED_AFTER_PUBLICATION = "名单公布后登记为死亡，请按程序处理"
FLAG_DEPRIVED_AFTER_PUBLICATION = "名单公布后登记为被剥夺政治权利，请按程序处理"
FLAG_RIGHTS_BACK = "人员库记录选举日已不在剥夺政治权利期间，如符合登记条件请重新登记"
FLAG_STATUS_CORRECTED = "人员变动登记已更正，请核实是否恢复登记"
FLAG_STATUS_FLAG_CORRECTED = "人员变动登记已更正，以下待核实事项不再成立，请核实"
MSG_NOT_A_REMOVAL = "“{reason}”不是除名原因"
MSG_ALREADY_REMOVED = "该选民已除名"
MSG_FROZEN = (
    "选民名单已于{day}公布，名单只能通过申诉处理改变（村民委员会组织法第十七条），"
    "请在“申诉”中登记并处理"
)
MSG_CARRY_SAME_CAMPAIGN = "上届换届不能是本次换届"
MSG_CARRY_DONE = "本村(社区)已有选民登记，不能再结转上届名单"
MSG_CONFLICT_CLOSED = "该重复登记已处理"
MSG_CONFLICT_DECISION = "处理方式只能是保留原登记或改在本村登记"
MSG_RESOLVE_NOT_ALLOWED = "只有县级可以处理重复登记"
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
MSG_PROXY_SAME = "委托人和受委托人不能是同一人"
MSG_PROXY_OTHER_VILLAGE = "委托人和受委托人都须是本村(社区)本次换届的登记选民"
MSG_PROXY_PRINCIPAL_REMOVED = "委托人已除名，不能委托投票"
MSG_PROXY_EXISTS = "{name}已办理委托投票（受委托人：{holder}）"
MSG_PROXY_RELATION = "请填写受委托人与委托人的关系"
MSG_PROXY_WITHDRAWN = "该委托已于{day}撤销"
MSG_PROXY_WITHDRAW_REASON = "请填写撤销委托的原因"
MSG_PROXY_WITHDRAW_BEFORE_FILED = "撤销日期不能早于委托办理日期（{day}）"
MSG_PROXY_WITHDRAW_TOO_LATE = "选举日（{day}）当天及以后不能撤销委托"
MSG_REVEAL_NOT_ALLOWED = "无权查看完整身份证号"
MSG_REVEAL_REASON = "请填写查看完整身份证号的事由（至少4个字）"
MSG_REVEAL_LIMIT = "一小时内查看完整身份证号已达{limit}次，请稍后再试；如确有需要请联系安全管理员"

REVEAL_LIMIT_PER_HOUR = 50  # SECURITY.md P4 [PROJ]
REVEAL_REASON_MIN = 4

HUKOU_CATEGORIES = frozenset(
    {Category.HUKOU_RESIDENT, Category.HUKOU_ABSENT, Category.COMMUNITY_HUKOU}
)


class DuplicateRegistration(ValidationError):
    """The person is already registered in another village of this campaign: the second
    registration was kept as a RegistrationConflict (`conflict`) for the county to resolve."""

    def __init__(self, message: str, conflict: RegistrationConflict) -> None:
        super().__init__(message)
        self.conflict = conflict


def _refuse(verdict: Verdict) -> None:
    # The engine's messages are shown as they are, with their article.
    if not verdict.ok:
        raise ValidationError(
            [f"{p.message}（{p.article}）" if p.article else p.message for p in verdict.problems]
        )


def _entry(campaign: Campaign, village: Region) -> CampaignVillage:
    try:
        return CampaignVillage.objects.get(campaign=campaign, region=village, included=True)
    except CampaignVillage.DoesNotExist as exc:
        raise ValidationError(MSG_NOT_IN_CAMPAIGN) from exc


def _check_manage(actor: User, village: Region) -> None:
    if not can(actor, Action.MANAGE_VOTERS) or not in_scope(actor, village.code):
        raise ValidationError(MSG_NOT_ALLOWED)


def body_of(village: Region) -> str:
    return "residents" if village.kind == Region.Kind.COMMUNITY else "villagers"


def village_profile(entry: CampaignVillage) -> Profile:
    """The rules of this village's election; the election day must be set."""
    if entry.election_date is None:
        raise ValidationError(MSG_NO_ELECTION_DATE)
    return effective_profile(
        body_of(entry.region), entry.campaign.rule_province, entry.election_date
    )


def first_publication(campaign: Campaign, village: Region) -> VoterListPublication | None:
    return (
        VoterListPublication.objects.filter(campaign=campaign, village=village)
        .order_by("version")
        .first()
    )


def _check_not_frozen(campaign: Campaign, village: Region) -> None:
    first = first_publication(campaign, village)
    if first is not None:
        raise ValidationError(MSG_FROZEN.format(day=cn_date(first.published_on)))


def _facts(person: Person, village: Region, category: str, day: date) -> voter_rules.VoterFacts:
    """Engine facts from the record and the category the clerk chose. The clerk's choice of a
    category that needs an application and a meeting's approval states that both were done; the
    engine then checks the age and whether the category exists in this election's law."""
    hukou_here = person.region_id == village.code
    lives_here = category != Category.HUKOU_ABSENT
    declared = category not in HUKOU_CATEGORIES
    return voter_rules.VoterFacts(
        birth_date=person.birth_date,
        hukou_here=hukou_here,
        lives_here=lives_here,
        resident_since=voter_rules.add_months(day, -12) if declared else None,
        work_since=voter_rules.add_months(day, -12)
        if category in (Category.INCOMER_OR_WORKER, Category.COMMUNITY_WORKER)
        else None,
        applied=declared,
        approved_by_meeting=declared,
        # 村民委员会组织法(2025) 第十六条: "依照法律被剥夺政治权利的人除外"; the period is the
        # one recorded on the person (刑法 第五十五条、第五十八条), judged on election day.
        deprived_of_political_rights=person.deprived_on(day),
    )


def _eligibility(
    profile: Profile, person: Person, village: Region, category: str, day: date
) -> str:
    """Refuse whom the law excludes on election day (under age, deprived of political rights)
    and the dead; return a flag for a record that is doubtful (the category does not match the
    hukou) — flagged, never dropped."""
    if category not in profile.registration.value:
        raise ValidationError(MSG_CATEGORY_NOT_APPLICABLE.format(category=Category(category).label))
    if not person.alive_on(day):
        assert person.died_on is not None
        raise ValidationError(MSG_DIED.format(day=cn_date(person.died_on)))
    check = voter_rules.voter_check(profile, _facts(person, village, category, day), day)
    hard = [p for p in check.problems if p.code in ("under_age", "deprived")]
    _refuse(Verdict(tuple(hard)))
    if category in HUKOU_CATEGORIES and person.region_id != village.code:
        return MSG_HUKOU_ELSEWHERE.format(category=Category(category).label)
    return ""


def _register(
    *,
    actor: User,
    entry: CampaignVillage,
    person: Person,
    category: str,
    group_name: str,
    reason: str,
) -> VoterRegistration:
    """The one place a registration is made: engine check, one active village per campaign.
    Call inside transaction.atomic(); raises DuplicateRegistration after saving the conflict
    only when the caller lets the transaction commit (voter_register does)."""
    village, campaign = entry.region, entry.campaign
    profile = village_profile(entry)
    assert entry.election_date is not None
    flag = _eligibility(profile, person, village, category, entry.election_date)
    here = VoterRegistration.objects.filter(campaign=campaign, village=village, person=person)
    existing = here.first()
    if existing is not None and existing.active:
        raise ValidationError(MSG_ALREADY_HERE)
    elsewhere = (
        VoterRegistration.objects.filter(campaign=campaign, person=person, active=True)
        .exclude(village=village)
        .select_related("village")
        .first()
    )
    if elsewhere is not None:
        raise _Elsewhere(elsewhere)
    if existing is not None:  # removed earlier, registered again
        existing.active, existing.removed_reason = True, ""
        existing.category, existing.group_name = category, group_name.strip()
        existing.added_reason, existing.flag = reason, flag
        existing.save(
            update_fields=[
                "active",
                "removed_reason",
                "category",
                "group_name",
                "added_reason",
                "flag",
            ]
        )
        registration = existing
    else:
        registration = VoterRegistration.objects.create(
            campaign=campaign,
            village=village,
            person=person,
            category=category,
            group_name=group_name.strip(),
            added_reason=reason,
            flag=flag,
        )
    audit_record(
        actor=actor,
        action="voter.register",
        obj=registration,
        changes={
            "village": village.code,
            "category": category,
            "group": registration.group_name,
            "reason": reason,
            "flag": flag,
        },
    )
    return registration


class _Elsewhere(Exception):
    def __init__(self, first: VoterRegistration) -> None:
        self.first = first


def _conflict(
    *, actor: User, entry: CampaignVillage, person: Person, first: VoterRegistration, **kw: str
) -> RegistrationConflict:
    conflict, created = RegistrationConflict.objects.get_or_create(
        campaign=entry.campaign,
        person=person,
        village=entry.region,
        status=RegistrationConflict.Status.OPEN,
        defaults={"first": first, **kw},
    )
    if created:
        audit_record(
            actor=actor,
            action="voter.conflict",
            obj=conflict,
            changes={"first_village": first.village_id, "village": entry.region_id},
        )
    return conflict


def voter_register(
    *,
    actor: User,
    campaign: Campaign,
    village: Region,
    person: Person,
    category: str,
    group_name: str = "",
    reason: str = ChangeReason.NEW,
) -> VoterRegistration:
    """Register `person` on the roll of `village`. Refused before the election day is set,
    after the list is published (then only objections change it), and for whom the law excludes
    on election day. A person actively registered in another village is not registered twice:
    a RegistrationConflict is saved and DuplicateRegistration raised ("已在××登记")."""
    _check_manage(actor, village)
    entry = _entry(campaign, village)
    _check_not_frozen(campaign, village)
    conflict = None
    with transaction.atomic():
        try:
            return _register(
                actor=actor,
                entry=entry,
                person=person,
                category=category,
                group_name=group_name,
                reason=reason,
            )
        except _Elsewhere as found:
            conflict = _conflict(
                actor=actor,
                entry=entry,
                person=person,
                first=found.first,
                category=category,
                group_name=group_name.strip(),
            )
    raise DuplicateRegistration(
        MSG_REGISTERED_ELSEWHERE.format(village=conflict.first.village.full_label)
        + MSG_CONFLICT_SENT,
        conflict,
    )


def _deactivate(*, actor: User, registration: VoterRegistration, reason: str) -> None:
    registration.active = False
    registration.removed_reason = reason
    registration.save(update_fields=["active", "removed_reason"])
    audit_record(
        actor=actor,
        action="voter.remove",
        obj=registration,
        changes={"village": registration.village_id, "reason": reason},
    )


def voter_remove(*, actor: User, registration: VoterRegistration, reason: str) -> None:
    """Take a person off the roll for one of the removal reasons (四减). Before publication only."""
    _check_manage(actor, registration.village)
    if reason not in REMOVAL_REASONS:
        raise ValidationError(MSG_NOT_A_REMOVAL.format(reason=reason))
    if not registration.active:
        raise ValidationError(MSG_ALREADY_REMOVED)
    _check_not_frozen(registration.campaign, registration.village)
    with transaction.atomic():
        _deactivate(actor=actor, registration=registration, reason=reason)


@dataclass(frozen=True)
class Touched:
    """One registration a recorded status changed: removed for `reason`, or given `flag`."""

    registration: VoterRegistration
    reason: str = ""
    flag: str = ""


@dataclass(frozen=True)
class StatusEffects:
    touched: tuple[Touched, ...] = ()

    @property
    def removed(self) -> int:
        return sum(1 for t in self.touched if t.reason)

    @property
    def flagged(self) -> int:
        return sum(1 for t in self.touched if t.flag)


@dataclass(frozen=True)
class StatusUndone:
    restored: int = 0
    unflagged: int = 0
    flagged: int = 0


def _flag(*, actor: User, registration: VoterRegistration, text: str) -> bool:
    """Put `text` in front of the registration's flag (once); audited. False when it was there."""
    if text in registration.flag:
        return False
    old = registration.flag
    registration.flag = (f"{text}；{old}" if old else text)[:200]
    registration.save(update_fields=["flag"])
    audit_record(
        actor=actor,
        action="voter.flag",
        obj=registration,
        changes={"village": registration.village_id, "flag": text},
    )
    return True


def _unflag(*, actor: User, registration: VoterRegistration, text: str) -> bool:
    """Take `text` out of the registration's flag; audited. False when it is not there."""
    parts = registration.flag.split("；")
    if text not in parts:
        return False
    parts.remove(text)
    registration.flag = "；".join(parts)
    registration.save(update_fields=["flag"])
    audit_record(
        actor=actor,
        action="voter.unflag",
        obj=registration,
        changes={"village": registration.village_id, "flag": text},
    )
    return True


def _reactivate(*, actor: User, registration: VoterRegistration, why: str) -> None:
    """Undo a removal: the registration is on the roll again as it was (category, group and the
    reason it was added unchanged). Audited with the removal it undoes."""
    old = registration.removed_reason
    registration.active, registration.removed_reason = True, ""
    registration.save(update_fields=["active", "removed_reason"])
    audit_record(
        actor=actor,
        action="voter.restore",
        obj=registration,
        changes={"village": registration.village_id, "removed_reason": old, "why": why},
    )


def _election_days(registrations: list[VoterRegistration]) -> dict[tuple[int, str], date | None]:
    """The election day of each (campaign, village) of these registrations, in one query."""
    return {
        (c, r): d
        for c, r, d in CampaignVillage.objects.filter(
            campaign_id__in={r.campaign_id for r in registrations},
            region_id__in={r.village_id for r in registrations},
        ).values_list("campaign_id", "region_id", "election_date")
    }


def registrations_apply_status(*, actor: User, person: Person) -> StatusEffects:
    """Bring every roll the person is on in line with the death or the deprivation of political
    rights just recorded on them, judged on each village's election day (today where none is set
    yet). Call inside the transaction that recorded the status (people.status does).

    - an active registration of someone dead, or deprived (村民委员会组织法(2025) 第十六条;
      刑法 第五十四条), on that day is removed "died" / "lost_rights" through the one removal
      path (audited) while the village's list is unpublished; once published the roll is frozen
      (第十七条: it changes only through objections), so the registration is flagged for the
      election committee instead;
    - a registration removed "lost_rights" whose person is no longer deprived that day (a
      restoration) is flagged, before publication, for a person to register them again.

    Every campaign's roll follows, whoever's scope it lies in: the fact is about the person (an
    incomer's hukou county records the death), and a dead voter is wrong on any roll. Each change
    is audited under the recording user."""
    registrations = list(
        VoterRegistration.objects.filter(person=person)
        .select_related("campaign", "village")
        .order_by("campaign_id", "id")
    )
    if not registrations:
        return StatusEffects()
    days = _election_days(registrations)
    today = timezone.localdate()
    touched: list[Touched] = []
    for reg in registrations:
        day = days.get((reg.campaign_id, reg.village_id)) or today
        if reg.active:
            if not person.alive_on(day):
                reason, text = ChangeReason.DIED, FLAG_DIED_AFTER_PUBLICATION
            elif person.deprived_on(day):
                reason, text = ChangeReason.LOST_RIGHTS, FLAG_DEPRIVED_AFTER_PUBLICATION
            else:
                continue
            if first_publication(reg.campaign, reg.village) is None:
                _deactivate(actor=actor, registration=reg, reason=reason)
                touched.append(Touched(reg, reason=reason))
            elif _flag(actor=actor, registration=reg, text=text):
                touched.append(Touched(reg, flag=text))
        elif (
            reg.removed_reason == ChangeReason.LOST_RIGHTS
            and person.alive_on(day)
            and not person.deprived_on(day)
            and first_publication(reg.campaign, reg.village) is None
            and _flag(actor=actor, registration=reg, text=FLAG_RIGHTS_BACK)
        ):
            touched.append(Touched(reg, flag=FLAG_RIGHTS_BACK))
    return StatusEffects(tuple(touched))


def registrations_undo_status(
    *, actor: User, person: Person, touched: Iterable[Touched]
) -> StatusUndone:
    """Undo what a recorded status did to the rolls (`touched`, as registrations_apply_status
    returned it), the person's record having been put back first. Call inside the transaction
    that corrects the record (people.status.person_status_correct does). Each village is judged
    on its election day (today where none is set), as the recording was:

    - a registration it removed goes back on the roll (audited "voter.restore") while the
      village's list is unpublished, if what remains on record does not exclude the person on
      that day (村民委员会组织法(2025) 第十六条: dead, or deprived of political rights) and they
      hold no other active registration in the campaign (第十六条: one village a campaign).
      Otherwise, and always once the list is published (第十七条: the roll then changes only
      through objections), it is flagged FLAG_STATUS_CORRECTED for a person to decide;
    - a flag it added is taken off while the list is unpublished: it asked for work that is now
      wrong, and nothing has been published on it. Once published, the committee may already
      be acting on it, so it stays, with FLAG_STATUS_FLAG_CORRECTED put in front.

    A registration handled by someone since (registered again, the flag cleared) is left as it
    is; one removed again for another reason is flagged."""
    items = list(touched)
    if not items:
        return StatusUndone()
    registrations = {
        r.pk: r
        for r in VoterRegistration.objects.select_for_update(of=("self",))
        .filter(pk__in=[t.registration.pk for t in items])
        .select_related("campaign", "village")
    }
    days = _election_days(list(registrations.values()))
    today = timezone.localdate()
    restored = unflagged = flagged = 0
    for item in items:
        reg = registrations[item.registration.pk]
        day = days.get((reg.campaign_id, reg.village_id)) or today
        published = first_publication(reg.campaign, reg.village) is not None
        if item.reason:
            if reg.active:
                continue
            elsewhere = VoterRegistration.objects.filter(
                campaign_id=reg.campaign_id, person=person, active=True
            ).exists()
            if (
                not published
                and reg.removed_reason == item.reason
                and person.alive_on(day)
                and not person.deprived_on(day)
                and not elsewhere
            ):
                _reactivate(actor=actor, registration=reg, why="status_corrected")
                restored += 1
            elif _flag(actor=actor, registration=reg, text=FLAG_STATUS_CORRECTED):
                flagged += 1
        elif item.flag in reg.flag.split("；"):
            if not published:
                _unflag(actor=actor, registration=reg, text=item.flag)
                unflagged += 1
            elif _flag(actor=actor, registration=reg, text=FLAG_STATUS_FLAG_CORRECTED):
                flagged += 1
    return StatusUndone(restored, unflagged, flagged)


@dataclass(frozen=True)
class CarryOver:
    carried: int
    turned_18: int
    moved_out: int
    died: int
    lost_rights: int
    flagged: int
    conflicts: int


def roll_carry_over(
    *, actor: User, campaign: Campaign, village: Region, previous_campaign: Campaign
) -> CarryOver:
    """Start this term's roll from the previous term's (where the province keeps rolls), with the
    changes worked through against the people records (Person.region is the 户籍地):

    - everyone active last term is carried (added_reason "carried");
    - whose hukou has moved to another village while registered by hukou: kept on record as
      removed "moved_out" (a person confirms; 四减 counts it);
    - people of this village's hukou who are 18 on election day and were not on the last roll
      (too young then): added as "turned_18";
    - an incomer carried over is flagged: the one-year residence and the meeting's approval are
      this term's to confirm;
    - whose death is recorded on or before election day: kept on record as removed "died";
      whom the recorded deprivation of political rights covers on election day: removed
      "lost_rights" (村民委员会组织法(2025) 第十六条; 刑法 第五十四条、第五十五条). Death is
      checked first, then the deprivation, then the hukou move: each person counts once;
    - a newcomer who is dead or deprived on election day is not added (never on the last roll,
      so nothing to remove: the law, not the data, keeps them off).
    """
    _check_manage(actor, village)
    if previous_campaign.pk == campaign.pk:
        raise ValidationError(MSG_CARRY_SAME_CAMPAIGN)
    entry = _entry(campaign, village)
    _check_not_frozen(campaign, village)
    profile = village_profile(entry)
    day = entry.election_date
    assert day is not None
    if VoterRegistration.objects.filter(campaign=campaign, village=village).exists():
        raise ValidationError(MSG_CARRY_DONE)
    previous = list(
        VoterRegistration.objects.filter(
            campaign=previous_campaign, village=village, active=True
        ).select_related("person")
    )
    taken = set(
        VoterRegistration.objects.filter(campaign=campaign, active=True).values_list(
            "person_id", flat=True
        )
    )
    rows: list[VoterRegistration] = []
    counts = {
        "carried": 0,
        "turned_18": 0,
        "moved_out": 0,
        "died": 0,
        "lost_rights": 0,
        "flagged": 0,
        "conflicts": 0,
    }
    seen: set[int] = set()
    for old in previous:
        person = old.person
        seen.add(person.pk)
        if person.pk in taken:
            counts["conflicts"] += 1
            continue
        row = VoterRegistration(
            campaign=campaign,
            village=village,
            person=person,
            category=old.category,
            group_name=old.group_name,
            added_reason=ChangeReason.CARRIED,
        )
        if not person.alive_on(day):
            row.active, row.removed_reason = False, ChangeReason.DIED
            counts["died"] += 1
        elif person.deprived_on(day):
            row.active, row.removed_reason = False, ChangeReason.LOST_RIGHTS
            counts["lost_rights"] += 1
        elif old.category in HUKOU_CATEGORIES and person.region_id != village.code:
            row.active, row.removed_reason = False, ChangeReason.MOVED_OUT
            counts["moved_out"] += 1
        else:
            counts["carried"] += 1
            if old.category not in HUKOU_CATEGORIES:
                row.flag = "上届登记的非本村户籍选民，请核实本届仍符合登记条件"
                counts["flagged"] += 1
        rows.append(row)
    category = (
        Category.COMMUNITY_HUKOU
        if "community_hukou" in profile.registration.value
        else (
            Category.AREA_RESIDENT
            if "area_resident" in profile.registration.value
            else Category.HUKOU_RESIDENT
        )
    )
    born_by = voter_rules.add_months(day, -12 * (profile.age.value or 18))
    newcomers = (
        Person.objects.filter(region=village, birth_date__lte=born_by)
        .exclude(pk__in=seen)
        .exclude(pk__in=taken)
        .order_by("group_name", "household_no", "id")
    )
    previous_day = _previous_day(previous_campaign, village)
    for person in newcomers:
        if voter_rules.coming_of_age(person.birth_date, profile.age.value or 18) > day:
            continue
        if not person.alive_on(day) or person.deprived_on(day):
            continue
        # Was 18 already at the last term's election? Then absent from the old roll for a
        # reason we do not know: registered, but flagged for a person to confirm.
        adult_before = previous_day is not None and voter_rules.age_on(
            person.birth_date, previous_day
        ) >= (profile.age.value or 18)
        rows.append(
            VoterRegistration(
                campaign=campaign,
                village=village,
                person=person,
                category=category,
                group_name=person.group_name,
                added_reason=ChangeReason.NEW if adult_before else ChangeReason.TURNED_18,
                flag="上届名单中没有，请核实（迁入或漏登）" if adult_before else "",
            )
        )
        if adult_before:
            counts["flagged"] += 1
        else:
            counts["turned_18"] += 1
    with transaction.atomic():
        VoterRegistration.objects.bulk_create(rows, batch_size=500)
        audit_record(
            actor=actor,
            action="voter.carry_over",
            object_type="voters.roll",
            object_id=f"{campaign.pk}:{village.code}",
            object_repr=f"{campaign} · {village.display_name}",
            changes={"previous_campaign": previous_campaign.pk, **counts},
        )
    return CarryOver(**counts)


def _previous_day(campaign: Campaign, village: Region) -> date | None:
    return (
        CampaignVillage.objects.filter(campaign=campaign, region=village)
        .values_list("election_date", flat=True)
        .first()
    )


def conflict_resolve(
    *, actor: User, conflict: RegistrationConflict, decision: str, note: str = ""
) -> RegistrationConflict:
    """The county decides a cross-village duplicate: keep the first registration, or move the
    person to the second village (the first is removed "registered_elsewhere", kept on record)."""
    first = conflict.first
    if (
        not can(actor, Action.RESOLVE_DUPLICATES)
        or not in_scope(actor, conflict.village_id)
        or not in_scope(actor, first.village_id)
    ):
        raise ValidationError(MSG_RESOLVE_NOT_ALLOWED)
    if conflict.status != RegistrationConflict.Status.OPEN:
        raise ValidationError(MSG_CONFLICT_CLOSED)
    if decision not in (RegistrationConflict.Status.KEPT_FIRST, RegistrationConflict.Status.MOVED):
        raise ValidationError(MSG_CONFLICT_DECISION)
    with transaction.atomic():
        if decision == RegistrationConflict.Status.MOVED:
            _check_not_frozen(conflict.campaign, first.village)
            _check_not_frozen(conflict.campaign, conflict.village)
            if first.active:
                _deactivate(
                    actor=actor, registration=first, reason=ChangeReason.REGISTERED_ELSEWHERE
                )
            entry = _entry(conflict.campaign, conflict.village)
            try:
                _register(
                    actor=actor,
                    entry=entry,
                    person=conflict.person,
                    category=conflict.category,
                    group_name=conflict.group_name,
                    reason=ChangeReason.MOVED_IN,
                )
            except _Elsewhere as found:  # registered in a third village meanwhile
                raise ValidationError(
                    MSG_REGISTERED_ELSEWHERE.format(village=found.first.village.full_label)
                ) from None
        conflict.status = decision
        conflict.resolved_by = actor
        conflict.resolved_at = timezone.now()
        conflict.note = note.strip()[:200]
        conflict.save(update_fields=["status", "resolved_by", "resolved_at", "note"])
        audit_record(
            actor=actor,
            action="voter.conflict_resolve",
            obj=conflict,
            changes={"decision": decision, "note": conflict.note},
        )
    return conflict


def roll_snapshot(campaign: Campaign, village: Region) -> list[dict[str, Any]]:
    """The active roll by 村民小组, as published: groups in their natural order (第二 before
    第十一), names in 姓氏笔画 order within each group, as a village posts its list."""
    rows = (
        VoterRegistration.objects.filter(campaign=campaign, village=village, active=True)
        .order_by("group_name", "id")
        .values_list("group_name", "person__name")
    )
    groups: dict[str, list[str]] = {}
    for group, name in rows:
        groups.setdefault(group or "未分组", []).append(name)
    return [
        {"group": g, "names": sorted(groups[g], key=name_key)}
        for g in sorted(groups, key=group_order)
    ]


_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


def group_order(name: str) -> tuple[int, str]:
    """Sort key putting 第二村民小组 before 第十一村民小组 (and "3组" before "12组").

    >>> sorted(["第十一村民小组", "第三村民小组", "第二村民小组", "未分组"], key=group_order)
    ['第二村民小组', '第三村民小组', '第十一村民小组', '未分组']
    """

    match = re.search(r"[0-9]+|[零一二三四五六七八九十百]+", name)
    if match is None:
        return (10**6, name)
    text = match.group()
    if text.isdigit():
        return (int(text), name)
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total, current = total + (current or 1) * 100, 0
        elif ch == "十":
            total, current = total + (current or 1) * 10, 0
        else:
            current = _DIGITS[ch]
    return (total + current, name)


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
    _check_manage(actor, village)
    entry = _entry(campaign, village)
    profile = village_profile(entry)
    assert entry.election_date is not None
    with transaction.atomic():
        # Lock the village's entry: two clicks on "publish" must not make two version 1s.
        CampaignVillage.objects.select_for_update().filter(pk=entry.pk).first()
        _check_not_frozen(campaign, village)
        _refuse(voter_rules.voter_list_check(profile, published_on, entry.election_date))
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
    _check_manage(actor, publication.village)
    entry = _entry(publication.campaign, publication.village)
    profile = village_profile(entry)
    if filed_on < publication.published_on:
        raise ValidationError(
            MSG_FILED_BEFORE_PUBLICATION.format(day=cn_date(publication.published_on))
        )
    if received_on < filed_on:
        raise ValidationError(MSG_RECEIVED_BEFORE_FILED)
    _refuse(voter_rules.objection_check(profile, publication.published_on, filed_on))
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
    _check_manage(actor, publication.village)
    if objection.outcome != Objection.Outcome.PENDING:
        raise ValidationError(MSG_OBJECTION_DECIDED)
    if outcome not in (Objection.Outcome.UPHELD, Objection.Outcome.REJECTED):
        raise ValidationError(MSG_OUTCOME)
    if not decision.strip():
        raise ValidationError(MSG_DECISION_REQUIRED)
    if decided_on < objection.received_on:
        raise ValidationError(MSG_DECIDED_BEFORE_RECEIVED)
    entry = _entry(publication.campaign, publication.village)
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
            added = _register(
                actor=actor,
                entry=entry,
                person=subject,
                category=category,
                group_name=group_name,
                reason=ChangeReason.OBJECTION_UPHELD,
            )
        except _Elsewhere as found:
            raise ValidationError(
                MSG_REGISTERED_ELSEWHERE.format(village=found.first.village.full_label)
                + "，请先由县级处理重复登记"
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
        _deactivate(actor=actor, registration=reg, reason=ChangeReason.OBJECTION_REMOVED)
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


def proxy_record(
    *,
    actor: User,
    principal: VoterRegistration,
    holder: VoterRegistration,
    relation: str,
    close_relative: bool,
    filed_on: date,
) -> Proxy:
    """Record a written proxy (委托投票) and check it against the law of this election: who may
    hold one, how many (counted from the database), the filing deadline. There is no candidate
    model yet, so "候选人不得接受委托" is not checked here (holder_is_candidate=False)."""
    village = principal.village
    _check_manage(actor, village)
    if principal.pk == holder.pk:
        raise ValidationError(MSG_PROXY_SAME)
    if holder.campaign_id != principal.campaign_id or holder.village_id != principal.village_id:
        raise ValidationError(MSG_PROXY_OTHER_VILLAGE)
    if not principal.active:
        raise ValidationError(MSG_PROXY_PRINCIPAL_REMOVED)
    if not relation.strip():
        raise ValidationError(MSG_PROXY_RELATION)
    entry = _entry(principal.campaign, village)
    profile = village_profile(entry)
    assert entry.election_date is not None
    with transaction.atomic():
        # Lock the holder's row so two clerks cannot both give them a fourth proxy.
        VoterRegistration.objects.select_for_update().filter(pk=holder.pk).first()
        existing = Proxy.objects.filter(
            principal=principal, withdrawn_on__isnull=True
        ).select_related("holder__person")
        if existing:
            raise ValidationError(
                MSG_PROXY_EXISTS.format(
                    name=principal.person.name, holder=existing[0].holder.person.name
                )
            )
        request = proxy_rules.ProxyRequest(
            holder_registered=holder.active,
            holder_close_relative=close_relative,
            holder_is_candidate=False,
            # A withdrawn proxy no longer binds the holder: only those in force count.
            already_held=Proxy.objects.filter(holder=holder, withdrawn_on__isnull=True).count(),
            filed_on=filed_on,
        )
        _refuse(proxy_rules.proxy_check(profile, request, entry.election_date))
        proxy = Proxy.objects.create(
            campaign=principal.campaign,
            village=village,
            principal=principal,
            holder=holder,
            relation=relation.strip(),
            close_relative=close_relative,
            filed_on=filed_on,
            written=True,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="voter.proxy_record",
            obj=proxy,
            changes={
                "principal": principal.pk,
                "holder": holder.pk,
                "close_relative": close_relative,
                "filed_on": filed_on.isoformat(),
            },
        )
    return proxy


def proxy_withdraw(*, actor: User, proxy: Proxy, on: date, reason: str) -> Proxy:
    """Record that the principal withdrew a proxy on `on`, for `reason`. The row stays on record
    (no longer in force): the holder's count drops and the principal may authorise someone else.
    Refused once withdrawn, without a reason, dated before the proxy was filed, and on or after
    the village's election day."""
    village = proxy.village
    _check_manage(actor, village)
    entry = _entry(proxy.campaign, village)
    reason = reason.strip()
    with transaction.atomic():
        # Lock the row: two clerks withdrawing the same proxy must not both succeed.
        locked = Proxy.objects.select_for_update().get(pk=proxy.pk)
        if locked.withdrawn_on is not None:
            raise ValidationError(MSG_PROXY_WITHDRAWN.format(day=cn_date(locked.withdrawn_on)))
        if not reason:
            raise ValidationError(MSG_PROXY_WITHDRAW_REASON)
        if on < proxy.filed_on:
            raise ValidationError(
                MSG_PROXY_WITHDRAW_BEFORE_FILED.format(day=cn_date(proxy.filed_on))
            )
        if entry.election_date is None:
            raise ValidationError(MSG_NO_ELECTION_DATE)
        # 民法典 第一百七十三条: the principal may cancel the agency while it is unused; the proxy
        # is used when the vote is cast on election day (村民委员会组织法(2025) 第十八条第四款),
        # so from that day on there is nothing left to withdraw. (There is no results model yet;
        # election day is the only cut-off.)
        if on >= entry.election_date:
            raise ValidationError(
                MSG_PROXY_WITHDRAW_TOO_LATE.format(day=cn_date(entry.election_date))
            )
        proxy.withdrawn_on, proxy.withdrawal_reason, proxy.withdrawn_by = on, reason, actor
        proxy.save(update_fields=["withdrawn_on", "withdrawal_reason", "withdrawn_by"])
        audit_record(
            actor=actor,
            action="voter.proxy_withdraw",
            obj=proxy,
            changes={
                "principal": proxy.principal_id,
                "holder": proxy.holder_id,
                "withdrawn_on": on.isoformat(),
                "reason": reason,
            },
        )
    return proxy


def _person_in_scope(actor: User, person: Person) -> bool:
    if in_scope(actor, person.region_id):
        return True
    villages: Iterable[str] = person.registrations.values_list("village_id", flat=True)
    return any(in_scope(actor, code) for code in villages)


def person_reveal_id(*, actor: User, person: Person, reason: str) -> str:
    """The full ID number of one person, for a user holding REVEAL_ID, with a typed reason,
    at most 50 a user an hour (SECURITY.md P4). The audit row keeps the reason, never the
    number; a refusal over the limit is logged as a failure."""
    if not can(actor, Action.REVEAL_ID) or not _person_in_scope(actor, person):
        raise ValidationError(MSG_REVEAL_NOT_ALLOWED)
    reason = reason.strip()
    if len(reason) < REVEAL_REASON_MIN:
        raise ValidationError(MSG_REVEAL_REASON)
    since = timezone.now() - timedelta(hours=1)
    with transaction.atomic():
        used = AuditEvent.objects.filter(
            action="person.reveal_id", user_id=actor.pk, outcome=Outcome.SUCCESS, at__gte=since
        ).count()
        if used >= REVEAL_LIMIT_PER_HOUR:
            refused = True
        else:
            refused = False
            audit_record(
                actor=actor,
                action="person.reveal_id",
                obj=person,
                changes={"reason": reason[:200]},
            )
    if refused:
        message = MSG_REVEAL_LIMIT.format(limit=REVEAL_LIMIT_PER_HOUR)
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="person.reveal_id",
                obj=person,
                changes={"reason": reason[:200]},
                outcome=Outcome.FAILURE,
                message=message,
            )
        raise ValidationError(message)
    return decrypt_field(person.id_cipher, ID_PURPOSE)


MSG_PERSON_UNKNOWN = "人员库中没有该身份证号的人员，请填写姓名以新建"
MSG_REGION_UNKNOWN = "户籍地区划代码“{code}”不是村(社区)"


def person_for_registration(
    *, actor: User, id_number: str, name: str, sex: str, region: Region
) -> Person:
    """The person with this ID number, or a new one with `region` as 户籍地 (people's one path)."""
    from huanjie.people.services import person_find_or_create

    if region.level != Region.Level.VILLAGE:
        raise ValidationError(MSG_REGION_UNKNOWN.format(code=region.code))
    found = find_person(id_number)
    if found is not None:
        return found  # the registration form looks a known person up by number alone
    if not name.strip():
        raise ValidationError(MSG_PERSON_UNKNOWN)
    return person_find_or_create(
        actor=actor,
        id_number=id_number,
        name=name,
        sex=sex,
        region_code=region.code,
        source="voters.register",
    )


def find_person(id_number: str) -> Person | None:
    """The person with this normalized ID number, by its keyed hash; None for "" or unknown."""
    from huanjie.lib.crypto import lookup_hash

    if not id_number:
        return None
    return Person.objects.filter(id_hash=lookup_hash(id_number)).first()
