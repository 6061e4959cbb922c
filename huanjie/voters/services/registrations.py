"""Registering voters on a village's roll: one person at a time (with the engine's verdict on
election day), a person registered in two villages as a conflict for the county, removal, the
carry-over of the previous term's roll, the frozen roll after publication, and the reveal of a
full ID number. Each service validates, saves and writes its audit event in one transaction
(STYLE.md).

One person, one village, one term, in the whole database (村民委员会组织法(2025) 第十六条): the
duplicate check spans every campaign whose window overlaps this one's (`overlapping_campaigns`),
another county's or a province's as well as this one. A registration found in another county is
named only to a user whose area holds it (SECURITY.md: outside your region a lookup answers as
an unknown one does)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from huanjie.accounts.models import User
from huanjie.accounts.permissions import Action, audit_denied, can, in_scope
from huanjie.audit.models import AuditEvent, Outcome
from huanjie.audit.services import audit_record
from huanjie.elections.models import Campaign, CampaignVillage
from huanjie.elections.services import check_not_purged
from huanjie.lib.crypto import decrypt_field
from huanjie.lib.dates import cn_date
from huanjie.lib.idcard import redact
from huanjie.people.locks import people_lock
from huanjie.people.models import Person
from huanjie.people.services import ID_PURPOSE
from huanjie.regions.models import Region
from huanjie.rules import voters as voter_rules
from huanjie.rules.profiles import Profile, effective_profile
from huanjie.rules.verdict import Verdict
from huanjie.voters.models import (
    REMOVAL_REASONS,
    Category,
    ChangeReason,
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
# A registration in another county (another campaign of the same term): where is not said to a
# user outside that county; the conflict waits for a user whose area holds both villages.
MSG_REGISTERED_OTHER_AREA = "已在其他地区登记，已提交上级核实"
MSG_OTHER_AREA = "其他地区"
MSG_CONCURRENT = "该人员正在被同时登记，本次未登记，请刷新后核对"
MSG_MOVE_OTHER_AREA = (
    "原登记在其他地区，不能改在本村登记：请由原登记地区除名，或由共同的上级处理；"
    "也可以选择保留原登记"
)
MSG_HUKOU_ELSEWHERE = "户籍不在本村(社区)，与登记类别“{category}”不符，请核实"
MSG_DIED = "人员库记录该人已于{day}死亡，不能登记为选民"
MSG_NOT_A_REMOVAL = "“{reason}”不是除名原因"
MSG_ALREADY_REMOVED = "该选民已除名"
MSG_FROZEN = (
    "选民名单已于{day}公布，名单只能通过申诉处理改变（村民委员会组织法第十七条），"
    "请在“申诉”中登记并处理"
)
MSG_CARRY_SAME_CAMPAIGN = "上届换届不能是本次换届"
MSG_CARRY_DONE = "本村(社区)已有选民登记，不能再结转上届名单"
MSG_CARRY_PURGED = "上届换届的个人信息已按保存期限删除，不能结转，请用户籍资料生成选民名单"
MSG_CONFLICT_CLOSED = "该重复登记已处理"
MSG_CONFLICT_DECISION = "处理方式只能是保留原登记或改在本村登记"
MSG_RESOLVE_NOT_ALLOWED = "只有县级可以处理重复登记"
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


def refuse_unless_ok(verdict: Verdict) -> None:
    # The engine's messages are shown as they are, with their article.
    if not verdict.ok:
        raise ValidationError(
            [f"{p.message}（{p.article}）" if p.article else p.message for p in verdict.problems]
        )


def campaign_entry(campaign: Campaign, village: Region) -> CampaignVillage:
    """The village's entry in the campaign, for a write: refused when the village is not in
    it, or the campaign's personal data was removed (SECURITY.md P7: read-only from then on)."""
    check_not_purged(campaign)
    try:
        return CampaignVillage.objects.get(campaign=campaign, region=village, included=True)
    except CampaignVillage.DoesNotExist as exc:
        raise ValidationError(MSG_NOT_IN_CAMPAIGN) from exc


def check_manage(actor: User, village: Region) -> None:
    if not can(actor, Action.MANAGE_VOTERS) or not in_scope(actor, village.code):
        audit_denied(actor, Action.MANAGE_VOTERS, obj=village)  # SECURITY.md L1
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


def check_not_frozen(campaign: Campaign, village: Region) -> None:
    check_not_purged(campaign)  # SECURITY.md P7: a purged campaign is frozen for good
    first = first_publication(campaign, village)
    if first is not None:
        raise ValidationError(MSG_FROZEN.format(day=cn_date(first.published_on)))


def voter_facts(
    person: Person, village: Region, category: str, day: date
) -> voter_rules.VoterFacts:
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
    check = voter_rules.voter_check(profile, voter_facts(person, village, category, day), day)
    hard = [p for p in check.problems if p.code in ("under_age", "deprived")]
    refuse_unless_ok(Verdict(tuple(hard)))
    if category in HUKOU_CATEGORIES and person.region_id != village.code:
        return MSG_HUKOU_ELSEWHERE.format(category=Category(category).label)
    return ""


def register_person(
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
    # Registrations of one person wait for each other (PostgreSQL; SQLite has one writer): no
    # unique index spans two campaigns, so two at once in two counties must not both find the
    # other county empty. A roll write in bulk locks no person: the people lock (shared here,
    # already held when the caller took it first) makes it wait for this one, or this for it.
    # NO KEY: an import's foreign-key checks on the person do not wait.
    people_lock()
    Person.objects.select_for_update(no_key=True).filter(pk=person.pk).values_list("pk").first()
    here = VoterRegistration.objects.filter(campaign=campaign, village=village, person=person)
    existing = here.first()
    if existing is not None and existing.active:
        raise ValidationError(MSG_ALREADY_HERE)
    elsewhere = active_elsewhere(campaign, village, person)
    if elsewhere is not None:
        raise RegisteredElsewhere(elsewhere)
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


class RegisteredElsewhere(Exception):
    def __init__(self, first: VoterRegistration) -> None:
        self.first = first


def overlapping_campaigns(campaign: Campaign) -> QuerySet[Campaign, int]:
    """The campaigns of the same term as `campaign` (itself included), as a subquery: every
    campaign whose window (换届开始日期 – 换届结束日期, both inclusive) overlaps its own, in any
    county or province."""
    return (
        Campaign.objects.filter(
            window_start__lte=campaign.window_end, window_end__gte=campaign.window_start
        )
        .order_by()
        .values_list("pk", flat=True)
    )


def active_elsewhere(
    campaign: Campaign, village: Region, person: Person
) -> VoterRegistration | None:
    """The person's active registration anywhere but this village's roll of this campaign, in any
    campaign of the same term: one in this campaign first (the county's own conflict), then the
    oldest."""
    found = list(
        VoterRegistration.objects.filter(
            person=person, active=True, campaign__in=overlapping_campaigns(campaign)
        )
        .exclude(campaign=campaign, village=village)
        .select_related("village", "village__parent", "campaign")
        .order_by("id")
    )
    found.sort(key=lambda r: r.campaign_id != campaign.pk)
    return found[0] if found else None


def same_county(code: str, other: str) -> bool:
    return code[:6] == other[:6]


def may_name(actor: User | None, first_code: str, village_code: str) -> bool:
    """Whether a conflict's first village may be named to `actor` registering in `village_code`:
    within the county, or inside the actor's own area; another county's is not named at all."""
    return same_county(first_code, village_code) or (
        actor is not None and in_scope(actor, first_code)
    )


def where_for(actor: User | None, village: Region, first: VoterRegistration) -> str | None:
    """The first registration's village as `actor` may read it (桥头镇红河限村), or None."""
    if may_name(actor, first.village_id, village.code):
        return first.village.full_label
    return None


def elsewhere_message(actor: User | None, village: Region, first: VoterRegistration) -> str:
    """ "已在××登记，已提交县级处理", or, for a registration in another county outside the actor's
    area, "已在其他地区登记，已提交上级核实"."""
    where = where_for(actor, village, first)
    if where is None:
        return MSG_REGISTERED_OTHER_AREA
    return MSG_REGISTERED_ELSEWHERE.format(village=where) + MSG_CONFLICT_SENT


def conflict_keep(
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
    on election day. A person actively registered in another village (of this campaign or of any
    campaign of the same term) is not registered twice: a RegistrationConflict is saved and
    DuplicateRegistration raised ("已在××登记", or "已在其他地区登记" for another county outside
    the actor's area)."""
    return _register_once(
        actor=actor,
        campaign=campaign,
        village=village,
        person_of=lambda: person,
        category=category,
        group_name=group_name,
        reason=reason,
    )


def voter_register_by_number(
    *,
    actor: User,
    campaign: Campaign,
    village: Region,
    id_number: str,
    name: str,
    sex: str,
    region: Region,
    category: str,
    group_name: str = "",
) -> VoterRegistration:
    """voter_register for the registration form: the person with this ID number, or a new one
    with `region` as 户籍地 (person_for_registration), found or created in the registration's own
    transaction, so a refused registration leaves no new person behind."""
    return _register_once(
        actor=actor,
        campaign=campaign,
        village=village,
        person_of=lambda: person_for_registration(
            actor=actor, id_number=id_number, name=name, sex=sex, region=region
        ),
        category=category,
        group_name=group_name,
        reason=ChangeReason.NEW,
    )


def _register_once(
    *,
    actor: User,
    campaign: Campaign,
    village: Region,
    person_of: Callable[[], Person],
    category: str,
    group_name: str,
    reason: str,
) -> VoterRegistration:
    """The person, their registration or conflict, in one transaction. Two requests for the same
    person at once: the second waits for the first (the person's row, or the unique indexes on a
    new person's number and on the roll) and is worked out again once against what the first
    wrote — registered already, or a conflict — so it never ends in an IntegrityError (a 500)."""
    check_manage(actor, village)
    entry = campaign_entry(campaign, village)
    check_not_frozen(campaign, village)
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                people_lock()  # first: an import's write, or the roll built, finishes before
                person = person_of()
                try:
                    return register_person(
                        actor=actor,
                        entry=entry,
                        person=person,
                        category=category,
                        group_name=group_name,
                        reason=reason,
                    )
                except RegisteredElsewhere as found:
                    conflict = conflict_keep(
                        actor=actor,
                        entry=entry,
                        person=person,
                        first=found.first,
                        category=category,
                        group_name=group_name.strip(),
                    )
        except IntegrityError:
            if attempt == 2:
                raise ValidationError(MSG_CONCURRENT) from None
            continue
        raise DuplicateRegistration(elsewhere_message(actor, village, conflict.first), conflict)
    raise AssertionError("unreachable")


def registration_deactivate(*, actor: User, registration: VoterRegistration, reason: str) -> None:
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
    check_manage(actor, registration.village)
    if reason not in REMOVAL_REASONS:
        raise ValidationError(MSG_NOT_A_REMOVAL.format(reason=reason))
    if not registration.active:
        raise ValidationError(MSG_ALREADY_REMOVED)
    check_not_frozen(registration.campaign, registration.village)
    with transaction.atomic():
        registration_deactivate(actor=actor, registration=registration, reason=reason)


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
    check_manage(actor, village)
    if previous_campaign.pk == campaign.pk:
        raise ValidationError(MSG_CARRY_SAME_CAMPAIGN)
    if previous_campaign.purged:  # its roll has no groups or people left to carry (P7)
        raise ValidationError(MSG_CARRY_PURGED)
    entry = campaign_entry(campaign, village)
    check_not_frozen(campaign, village)
    profile = village_profile(entry)
    day = entry.election_date
    assert day is not None
    with transaction.atomic():
        # The people lock, exclusive, before the roll and the people are read: the rows below
        # lock no person, so a registration of the same people elsewhere waits for this one,
        # or this for it (村民委员会组织法 第十三条 / SECURITY.md V3).
        people_lock(exclusive=True)
        return _carry_over(
            actor=actor,
            campaign=campaign,
            village=village,
            previous_campaign=previous_campaign,
            profile=profile,
            day=day,
        )


def _carry_over(
    *,
    actor: User,
    campaign: Campaign,
    village: Region,
    previous_campaign: Campaign,
    profile: Profile,
    day: date,
) -> CarryOver:
    """roll_carry_over's work, inside its transaction and the people lock."""
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
        Person.objects.filter(region=village, birth_date__lte=born_by, erased_on__isnull=True)
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
    person to the second village (the first is removed "registered_elsewhere", kept on record).

    Within one county the county officer decides either way. A first registration in another
    county (a campaign of the same term there, or a province's): the county of the second
    registration may keep the first (nothing is written on either roll); moving needs the first
    registration removed, which only a user whose area holds both villages may do here (the
    common superior) — or the other county removes it itself, and then this county may move."""
    first = conflict.first
    if not can(actor, Action.RESOLVE_DUPLICATES) or not in_scope(actor, conflict.village_id):
        audit_denied(actor, Action.RESOLVE_DUPLICATES, obj=conflict)  # SECURITY.md L1
        raise ValidationError(MSG_RESOLVE_NOT_ALLOWED)
    first_in_scope = in_scope(actor, first.village_id)
    if not first_in_scope and same_county(first.village_id, conflict.village_id):
        audit_denied(actor, Action.RESOLVE_DUPLICATES, obj=conflict)  # SECURITY.md L1
        raise ValidationError(MSG_RESOLVE_NOT_ALLOWED)  # as before: a county decides its own
    check_not_purged(conflict.campaign)
    if conflict.status != RegistrationConflict.Status.OPEN:
        raise ValidationError(MSG_CONFLICT_CLOSED)
    if decision not in (RegistrationConflict.Status.KEPT_FIRST, RegistrationConflict.Status.MOVED):
        raise ValidationError(MSG_CONFLICT_DECISION)
    if decision == RegistrationConflict.Status.MOVED and first.active and not first_in_scope:
        raise ValidationError(MSG_MOVE_OTHER_AREA)
    with transaction.atomic():
        people_lock()  # before the removal's audit event: the lock always comes first
        if decision == RegistrationConflict.Status.MOVED:
            check_not_frozen(first.campaign, first.village)
            check_not_frozen(conflict.campaign, conflict.village)
            if first.active:
                registration_deactivate(
                    actor=actor, registration=first, reason=ChangeReason.REGISTERED_ELSEWHERE
                )
            entry = campaign_entry(conflict.campaign, conflict.village)
            try:
                register_person(
                    actor=actor,
                    entry=entry,
                    person=conflict.person,
                    category=conflict.category,
                    group_name=conflict.group_name,
                    reason=ChangeReason.MOVED_IN,
                )
            except RegisteredElsewhere as found:  # registered in a third village meanwhile
                where = where_for(actor, conflict.village, found.first) or MSG_OTHER_AREA
                raise ValidationError(MSG_REGISTERED_ELSEWHERE.format(village=where)) from None
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
        audit_denied(actor, Action.REVEAL_ID, obj=person)  # SECURITY.md L1
        raise ValidationError(MSG_REVEAL_NOT_ALLOWED)
    # The reason is kept in the audit row: a number typed in it is masked there (SECURITY.md P3, L3).
    reason = redact(reason.strip())
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
