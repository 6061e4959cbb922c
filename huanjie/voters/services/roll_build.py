"""从人员库生成选民名单: a village's draft roll from the people whose 户籍 is in the village.

The people database already knows who lives where; this builds the roll from it as a preview the
clerk confirms. Everyone whose 户籍 is here (Person.region) is sorted into exactly one bucket, in
this order:

- already on this roll: active → unchanged; removed earlier → left removed (the clerk or an
  upheld objection took them off, and only a person puts them back, with voter_register);
- dead on election day, under 18 on election day, deprived of political rights on election day:
  left out and counted (村民委员会组织法(2025) 第十六条: "年满十八周岁…但是，依照法律被剥夺政治权利
  的人除外"; the engine judges each, huanjie.rules.voters);
- actively registered in another village of the campaign, or anywhere in a campaign of the
  same term (overlapping windows, any county or province): not registered twice (第十六条), but
  kept as a RegistrationConflict for the county, the way voter_register does it — once: not
  while one is open for this village, nor after the county decided one about the same first
  registration; a village in another county is named only to a user whose area holds it;
- everyone else is added, in the category of a person whose 户籍 is here and who lives here.

The confirmation works the buckets out again inside its transaction and writes only if they are
what the clerk saw (the fingerprint); otherwise it hands back the new preview. Registrations go in
set-based with one audit event listing the counts, as the roll import and the carry-over do.
Running it again adds nobody.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from huanjie.accounts.models import User
from huanjie.audit.services import audit_record
from huanjie.elections.models import CampaignVillage
from huanjie.people.locks import people_lock
from huanjie.people.models import Person
from huanjie.regions.models import Region
from huanjie.rules import voters as voter_rules
from huanjie.rules.profiles import Profile
from huanjie.voters.models import Category, ChangeReason, RegistrationConflict, VoterRegistration
from huanjie.voters.selectors import group_order
from huanjie.voters.services.registrations import (
    MSG_CATEGORY_NOT_APPLICABLE,
    MSG_NOT_IN_CAMPAIGN,
    MSG_OTHER_AREA,
    body_of,
    check_manage,
    check_not_frozen,
    conflict_keep,
    overlapping_campaigns,
    village_profile,
    voter_facts,
    where_for,
)

ACTION = "voters.roll_build"
SOURCE = "从人员库生成选民名单"
SAMPLE_SIZE = 50
NO_GROUP = "未分组"

MSG_CHANGED = "人员库或选民名单在预览后发生了变化，未写入任何登记；请核对以下新的预览后再确认"
MSG_NOTHING = "没有需要新增的选民，名单未改变"
MSG_DONE = (
    "已从人员库生成选民名单：新登记{added}人，已在本村登记{unchanged}人，"
    "转县级处理重复登记{conflicts}人"
)


@dataclass(frozen=True)
class BuildRow:
    """One person the confirmation would register (ID number masked)."""

    name: str
    id_masked: str
    group_name: str
    household_no: str


@dataclass(frozen=True)
class ElsewhereRow:
    """One person actively registered in another village of the campaign."""

    name: str
    id_masked: str
    where: str  # "其他地区" for another county's village outside the user's area
    sent: bool  # the county already has a conflict for them and this village


@dataclass(frozen=True)
class RollBuild:
    """What building the roll from the people database does (preview) or did (confirm).

    hukou == unchanged + removed_here + dead + under_age + deprived + elsewhere + to_add."""

    election_date: date
    category: str
    hukou: int  # people whose 户籍 is in the village
    to_add: int
    unchanged: int  # already on this roll
    removed_here: int  # removed from this roll earlier: left as they are
    elsewhere: int  # registered in another village of the campaign, or of the same term
    conflicts_new: int  # of them, sent to the county now
    under_age: int
    dead: int
    deprived: int
    groups: tuple[tuple[str, int], ...]  # to be added, per 村民小组
    sample: tuple[BuildRow, ...]  # the first SAMPLE_SIZE to be added, in roll order
    elsewhere_rows: tuple[ElsewhereRow, ...]  # the first SAMPLE_SIZE registered elsewhere
    fingerprint: str  # what the confirmation must find again before it writes

    @property
    def category_label(self) -> str:
        return Category(self.category).label

    @property
    def nothing_to_do(self) -> bool:
        return self.to_add == 0 and self.conflicts_new == 0

    @property
    def counts(self) -> dict[str, int]:
        return {
            "hukou": self.hukou,
            "added": self.to_add,
            "unchanged": self.unchanged,
            "removed_here": self.removed_here,
            "elsewhere": self.elsewhere,
            "conflicts": self.conflicts_new,
            "under_age": self.under_age,
            "dead": self.dead,
            "deprived": self.deprived,
        }


class RollChanged(ValidationError):
    """The people or the roll changed between the preview and the confirmation: nothing was
    written; `build` is the new preview for the clerk to confirm instead."""

    def __init__(self, build: RollBuild) -> None:
        super().__init__(MSG_CHANGED)
        self.build = build


@dataclass
class _Plan:
    """The buckets, with the rows the confirmation writes."""

    adds: list[tuple[Person, str]] = field(default_factory=list)  # (person, flag)
    conflicts: list[tuple[Person, VoterRegistration]] = field(default_factory=list)
    elsewhere: list[tuple[Person, VoterRegistration, bool]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)


def _category(village: Region, profile: Profile) -> str:
    """The category of someone whose 户籍 is here and who lives here: a file's default without a
    登记类别 column (imports.villages_for). A community's election held under the 2018 law knows
    only "本居住地区居民" (城市居民委员会组织法(2018) 第八条)."""
    if body_of(village) == "villagers":
        category = Category.HUKOU_RESIDENT
    elif Category.COMMUNITY_HUKOU in profile.registration.value:
        category = Category.COMMUNITY_HUKOU
    else:
        category = Category.AREA_RESIDENT
    if category not in profile.registration.value:
        raise ValidationError(MSG_CATEGORY_NOT_APPLICABLE.format(category=Category(category).label))
    return category


def _check(actor: User, entry: CampaignVillage) -> tuple[Profile, str]:
    """Refuse who may not manage this village's roll, a village outside the campaign, a published
    (frozen) list and a village without its election day; the law and the category otherwise."""
    check_manage(actor, entry.region)
    if not entry.included:
        raise ValidationError(MSG_NOT_IN_CAMPAIGN)
    check_not_frozen(entry.campaign, entry.region)
    profile = village_profile(entry)
    return profile, _category(entry.region, profile)


def _plan(entry: CampaignVillage, profile: Profile, category: str) -> _Plan:
    """Sort the people of the village's 户籍 into the buckets: three queries, whatever their
    number (the people, their registrations in this campaign, the conflicts already sent)."""
    village, day = entry.region, entry.election_date
    assert day is not None
    here, elsewhere, sent = _registered(entry)
    plan = _Plan()
    counts = plan.counts
    # A person erased by the retention purge (SECURITY.md P7) is no one's 户籍 any more.
    people = Person.objects.filter(region=village, erased_on__isnull=True)
    for person in people.only(*_PERSON_FIELDS).order_by("id"):
        counts["hukou"] += 1
        if person.pk in here:
            counts["unchanged" if here[person.pk] else "removed_here"] += 1
            continue
        if not person.alive_on(day):
            counts["dead"] += 1
            continue
        check = voter_rules.voter_check(profile, voter_facts(person, village, category, day), day)
        codes = {p.code for p in check.problems}
        # Age first: deprivation is the exception among those of age (第十六条 "但是…除外").
        if "under_age" in codes:
            counts["under_age"] += 1
            continue
        if "deprived" in codes:
            counts["deprived"] += 1
            continue
        first = elsewhere.get(person.pk)
        if first is not None:
            counts["elsewhere"] += 1
            known = (person.pk, None) in sent or (person.pk, first.pk) in sent
            plan.elsewhere.append((person, first, known))
            if not known:
                plan.conflicts.append((person, first))
            continue
        # Flag, never drop: whatever else the engine doubts goes to a person on the roll.
        flag = "；".join(p.message for p in check.problems)[:200]
        plan.adds.append((person, flag))
        counts["to_add"] += 1
    plan.adds.sort(key=lambda a: (group_order(_group(a[0])), a[0].household_no, a[0].pk))
    return plan


_PERSON_FIELDS = (
    "id",
    "name",
    "id_masked",
    "birth_date",
    "region_id",
    "group_name",
    "household_no",
    "died_on",
    "rights_deprived_from",
    "rights_deprived_until",
)


def _registered(
    entry: CampaignVillage,
) -> tuple[dict[int, bool], dict[int, VoterRegistration], set[tuple[int, int | None]]]:
    """For the people of the village's 户籍: whether each on this roll is active; the active
    registration of each registered in another village of this campaign or of a campaign of the
    same term (this campaign's first, else the oldest); and the conflicts already sent, as
    (person, None) while open and (person, first registration) once decided."""
    village, campaign = entry.region, entry.campaign
    here: dict[int, bool] = {}
    elsewhere: dict[int, VoterRegistration] = {}
    for reg in (
        VoterRegistration.objects.filter(
            campaign__in=overlapping_campaigns(campaign), person__region=village
        )
        .select_related("village", "village__parent")
        .order_by("id")
    ):
        if reg.campaign_id == campaign.pk and reg.village_id == village.code:
            here[reg.person_id] = reg.active
        elif reg.active:
            kept = elsewhere.get(reg.person_id)
            if kept is None or (kept.campaign_id != campaign.pk == reg.campaign_id):
                elsewhere[reg.person_id] = reg
    # A conflict is sent once: while it is open, and after the county decided it about the
    # same first registration (kept the first: asking again would undo the decision).
    sent = {
        (person_id, first_id if status != RegistrationConflict.Status.OPEN else None)
        for person_id, first_id, status in RegistrationConflict.objects.filter(
            campaign=campaign, village=village, person__region=village
        ).values_list("person_id", "first_id", "status")
    }
    return here, elsewhere, sent


def _group(person: Person) -> str:
    return person.group_name.strip() or NO_GROUP


def _fingerprint(day: date, category: str, plan: _Plan) -> str:
    """The buckets' counts and who exactly is written: a swap of one person for another that
    leaves every count as it was still changes it."""
    data = [
        day.isoformat(),
        category,
        sorted(plan.counts.items()),
        sorted((p.pk, p.group_name) for p, _ in plan.adds),
        sorted(p.pk for p, _ in plan.conflicts),
    ]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()


def _summary(actor: User, entry: CampaignVillage, category: str, plan: _Plan) -> RollBuild:
    assert entry.election_date is not None
    c = plan.counts
    per_group = Counter(_group(p) for p, _ in plan.adds)
    return RollBuild(
        election_date=entry.election_date,
        category=category,
        hukou=c["hukou"],
        to_add=c["to_add"],
        unchanged=c["unchanged"],
        removed_here=c["removed_here"],
        elsewhere=c["elsewhere"],
        conflicts_new=len(plan.conflicts),
        under_age=c["under_age"],
        dead=c["dead"],
        deprived=c["deprived"],
        groups=tuple((g, per_group[g]) for g in sorted(per_group, key=group_order)),
        sample=tuple(
            BuildRow(p.name, p.id_masked, _group(p), p.household_no)
            for p, _ in plan.adds[:SAMPLE_SIZE]
        ),
        elsewhere_rows=tuple(
            ElsewhereRow(
                p.name, p.id_masked, where_for(actor, entry.region, first) or MSG_OTHER_AREA, sent
            )
            for p, first, sent in plan.elsewhere[:SAMPLE_SIZE]
        ),
        fingerprint=_fingerprint(entry.election_date, category, plan),
    )


def roll_build_preview(*, actor: User, entry: CampaignVillage) -> RollBuild:
    """What building the village's roll from the people database would do; writes nothing.
    Refused (ValidationError) for whom may not manage the roll, a village outside the campaign,
    a published list and a village without its election day."""
    profile, category = _check(actor, entry)
    return _summary(actor, entry, category, _plan(entry, profile, category))


def roll_build_confirm(*, actor: User, entry: CampaignVillage, expected: str) -> RollBuild:
    """Write what the preview with fingerprint `expected` showed, in one transaction: the
    registrations (added_reason "new", the person's 村民小组), a RegistrationConflict for each
    person newly found registered in another village (audited as voter_register does), and one
    "voters.roll_build" audit event with the counts. Refused as the preview is; RollChanged (with
    the new preview, nothing written) when the buckets are no longer what the clerk saw. With
    nothing to add it writes nothing, not even the audit event."""
    try:
        with transaction.atomic():
            # The people lock, exclusive: the registrations below lock no person, so a
            # registration by hand or an import of the same people in another village waits
            # for this one, or this for it (村民委员会组织法 第十三条 / SECURITY.md V3).
            people_lock(exclusive=True)
            # Lock the village's entry: a publication (which locks it too) cannot slip in
            # between the checks and the write, nor can a second confirmation.
            locked = (
                CampaignVillage.objects.select_for_update(of=("self",))
                .select_related("campaign", "region")
                .get(pk=entry.pk)
            )
            profile, category = _check(actor, locked)
            plan = _plan(locked, profile, category)
            build = _summary(actor, locked, category, plan)
            if build.fingerprint != expected:
                raise RollChanged(build)
            if not build.nothing_to_do:
                _write(actor=actor, entry=locked, category=category, plan=plan, build=build)
    except IntegrityError:
        # Someone registered one of these people meanwhile (one active registration a campaign):
        # the transaction is gone, nothing was written; show what is true now.
        raise RollChanged(roll_build_preview(actor=actor, entry=entry)) from None
    return build


def _write(
    *, actor: User, entry: CampaignVillage, category: str, plan: _Plan, build: RollBuild
) -> None:
    campaign, village = entry.campaign, entry.region
    VoterRegistration.objects.bulk_create(
        [
            VoterRegistration(
                campaign=campaign,
                village=village,
                person=person,
                category=category,
                group_name=person.group_name.strip(),
                added_reason=ChangeReason.NEW,
                flag=flag,
            )
            for person, flag in plan.adds
        ],
        batch_size=500,
    )
    for person, first in plan.conflicts:
        conflict_keep(
            actor=actor,
            entry=entry,
            person=person,
            first=first,
            category=category,
            group_name=person.group_name.strip(),
            source=SOURCE,
        )
    assert entry.election_date is not None
    audit_record(
        actor=actor,
        action=ACTION,
        object_type="voters.roll",
        object_id=f"{campaign.pk}:{village.code}",
        object_repr=f"{campaign} · {village.display_name}",
        changes={
            "election_date": entry.election_date.isoformat(),
            "category": category,
            **build.counts,
            "fingerprint": build.fingerprint,
        },
    )
