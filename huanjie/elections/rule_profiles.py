"""A county's own election rules (县级选举规则, issue 10 item 6): services, selectors and the
adapter that gives the engine's custom profile to a campaign's elections.

The demo county is in 青海, whose measure the engine does not carry (RULES.md §9): a county
defines a `RuleProfile` — the national law as the base, the parameters it sets, each with the
article of its measure it cites — and the engine (`huanjie.rules.custom`) checks every value
against the national law. A campaign selects a published version; the version is frozen once
an election of the campaign has begun (`campaign_started`): an edit then makes a new version,
and the campaign keeps the frozen one. `election_profile` (elections.services) asks
`county_profile` first, so the counts, the lists and every notice cite what was applied.

"Begun", our definition: a village of the campaign has its election day on or before today, or
any election of the campaign has a nominee. Nomination is where the rules first bite (the
surplus fixes the lists), so a profile cannot change under nominees already put forward.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from huanjie.accounts.models import User
from huanjie.accounts.permissions import Action, audit_denied, can, get_scoped_or_404, in_scope
from huanjie.accounts.permissions import scoped as scoped_to
from huanjie.audit.services import audit_record
from huanjie.elections.models import Body, Campaign, CampaignVillage, Election, RuleProfile
from huanjie.elections.services import check_not_purged, election_day_of
from huanjie.lib.dates import cn_date
from huanjie.regions.models import Region
from huanjie.rules.custom import (
    PARAMETERS,
    CustomProfile,
    custom_profile,
    overrides_from_json,
    value_from_json,
    value_to_json,
)
from huanjie.rules.profiles import (
    LAW_2025_FROM,
    PROVINCE_NAMES,
    PROVINCE_PROFILES,
    Profile,
    effective_profile,
    law_version,
)
from huanjie.rules.verdict import Verdict

MSG_NOT_ALLOWED = "无权设置县级选举规则"
MSG_COUNTY_ONLY = "县级选举规则由县级区划设置，“{region}”是{level}"
MSG_PROVINCE_CARRIED = "本系统已收录{province}的选举办法，请在换届中直接选用，不需要县级选举规则"
MSG_NAME = "请填写规则名称"
MSG_NAME_EXISTS = "“{name}”已存在，请修改该规则（修改已冻结的版本会生成新版本）"
MSG_LAW = "基准法律应为村民委员会组织法(2018)或村民委员会组织法(2025)"
MSG_MEASURE = "请填写所引用的选举办法名称，例如“青海省村民委员会选举办法”"
MSG_UNKNOWN_PARAMETER = "“{name}”不是可以由县级设置的选举规则参数"
MSG_REFUSED = "{message}（依据：{article}）"
MSG_EMPTY = "至少设置一项参数才能发布"
MSG_PUBLISHED = "“{name}”第{version}版已经发布"
MSG_NOT_PUBLISHED = "只能选用已发布的县级选举规则，“{name}”第{version}版尚未发布"
MSG_OTHER_REGION = "只能选用本换届组织单位（{region}）设置的选举规则"
MSG_CAMPAIGN_PROVINCE = "该换届已选用{province}的选举办法，不能同时选用县级选举规则"
MSG_STARTED = "该换届的选举已经开始（{why}），选举规则已冻结，不能更换"
MSG_LAW_MISMATCH = (
    "“{name}”以村民委员会组织法({law})为基础，该换届工作期间（{start}至{end}）的选举适用{other}"
)
WHY_DAY = "{day}已有村(社区)举行选举"
WHY_NOMINEES = "已有提名人选"
NOTE = "{county}选举规则“{name}”第{version}版（以全国性法律为基础，引用{measure}）"

# The body whose rules a county profile sets: the provincial village measures govern the
# villagers' committees only (RULES.md §5); the other bodies keep the national law.
BODY = Body.VILLAGERS

# An election day under each national text, to build the base the profile is checked against.
_DAY_OF_LAW = {"2018": date(2025, 6, 1), "2025": LAW_2025_FROM}
# The national texts a county profile may take as its base.
LAWS = tuple(_DAY_OF_LAW)

# The engine's titles of the national laws, as a notice cites them.
FORMAL_TITLES = {
    "村民委员会组织法(2010)": "中华人民共和国村民委员会组织法",
    "村民委员会组织法(2018)": "中华人民共和国村民委员会组织法",
    "村民委员会组织法(2025)": "中华人民共和国村民委员会组织法",
    "城市居民委员会组织法(1989)": "中华人民共和国城市居民委员会组织法",
    "城市居民委员会组织法(2018)": "中华人民共和国城市居民委员会组织法",
    "中国共产党基层组织选举工作暂行条例(1990)": "中国共产党基层组织选举工作暂行条例",
    "城市居民委员会组织法(2025)": "中华人民共和国城市居民委员会组织法",
}


# ---------------------------------------------------------------------------------------------
# The engine side: the base, the checked profile.


def national_base(law: str) -> Profile:
    """The national villagers' committee rules of `law` ("2018" or "2025"), the county's base."""
    return effective_profile(BODY, "", _DAY_OF_LAW[law])


def build(profile: RuleProfile, parameters: dict[str, Any] | None = None) -> CustomProfile:
    """The engine's answer on `profile` (or on `parameters` in its place): ok and the profile to
    apply, or the problems, each with the national article it breaks."""
    return county_rules(
        law=profile.law,
        measure=profile.measure,
        parameters=profile.parameters if parameters is None else parameters,
        name=profile.name,
        version=profile.version,
        province=profile.region_id[:2],
        county=profile.region.display_name,
    )


def county_rules(
    *,
    law: str,
    measure: str,
    parameters: Mapping[str, Any],
    name: str,
    version: int,
    province: str,
    county: str,
) -> CustomProfile:
    """`build` on a profile given by its parts, without the database: a closed poll freezes
    them (polls.services.closing) and a result file is recomputed from them (results.verify).
    `law` is one of LAWS; `province` the county's two-digit code, `county` its name."""
    base = national_base(law)
    overrides, problems = overrides_from_json(base, parameters, measure)
    if problems:
        return CustomProfile(Verdict(problems), None)
    note = NOTE.format(county=county, name=name, version=version, measure=f"《{measure}》")
    return custom_profile(base, overrides, title=measure, province=province, note=note)


def _refusal(result: CustomProfile) -> ValidationError:
    return ValidationError(
        [
            MSG_REFUSED.format(message=p.message, article=p.article) if p.article else p.message
            for p in result.verdict.problems
        ]
    )


def county_profile(entry: CampaignVillage, body: str) -> Profile | None:
    """The adapter: the engine's custom profile for `body`'s election in `entry`, when its
    campaign runs on a county profile and the profile's base is the law in force on the
    election day; otherwise None (the caller uses the national or provincial profile)."""
    rule = entry.campaign.rule_profile
    if rule is None or body != BODY:
        return None
    if law_version(election_day_of(entry)) != rule.law:
        return None
    result = build(rule)
    return result.profile if result.ok else None


def village_profile(campaign: Campaign, village: Region) -> Profile:
    """The rules of the committee election of `village` in `campaign` (villagers' or
    residents'), for its notices."""
    body = Body.RESIDENTS if village.kind == Region.Kind.COMMUNITY else Body.VILLAGERS
    entry = CampaignVillage.objects.select_related("campaign__rule_profile__region").get(
        campaign=campaign, region=village
    )
    custom = county_profile(entry, body)
    if custom is not None:
        return custom
    return effective_profile(body, campaign.rule_province, election_day_of(entry))


def notice_citations(profile: Profile) -> tuple[str, ...]:
    """The titles a notice cites: exactly the texts the engine applied, in their formal names.

    >>> notice_citations(national_base("2025"))
    ('中华人民共和国村民委员会组织法',)
    """
    titles: list[str] = []
    for source in profile.sources:
        title = FORMAL_TITLES.get(source, source)
        if title not in titles:
            titles.append(title)
    return tuple(titles)


def cite_words(titles: tuple[str, ...]) -> str:
    """《A》, 《A》和《B》, 《A》、《B》和《C》.

    >>> cite_words(("甲", "乙", "丙"))
    '《甲》、《乙》和《丙》'
    """
    quoted = [f"《{t}》" for t in titles]
    if len(quoted) <= 1:
        return "".join(quoted)
    return "、".join(quoted[:-1]) + "和" + quoted[-1]


# ---------------------------------------------------------------------------------------------
# Reads.


def rule_profiles_visible_to(user: Any) -> QuerySet[RuleProfile]:
    return scoped_to(
        user, RuleProfile.objects.select_related("region"), Action.MANAGE_RULE_PROFILES
    )


def access_rule_profile(user: Any, pk: int) -> RuleProfile:
    return get_scoped_or_404(
        user,
        RuleProfile.objects.select_related("region"),
        Action.MANAGE_RULE_PROFILES,
        pk=pk,
    )


def campaign_started(campaign: Campaign, today: date | None = None) -> str | None:
    """Why an election of `campaign` has begun (see the module's definition), else None."""
    today = today or timezone.localdate()
    first = (
        CampaignVillage.objects.filter(
            campaign=campaign, included=True, election_date__isnull=False
        )
        .order_by("election_date")
        .values_list("election_date", flat=True)
        .first()
    )
    if first is not None and first <= today:
        return WHY_DAY.format(day=cn_date(first))
    if Election.objects.filter(village__campaign=campaign, nominees__isnull=False).exists():
        return WHY_NOMINEES
    return None


def frozen_because(profile: RuleProfile, today: date | None = None) -> str | None:
    """Why `profile` may no longer change: frozen already, or a campaign using it has begun."""
    if profile.frozen_at is not None:
        return f"已于{cn_date(timezone.localdate(profile.frozen_at))}冻结"
    for campaign in profile.campaigns.all():
        why = campaign_started(campaign, today)
        if why:
            return f"{campaign.name}：{why}"
    return None


# ---------------------------------------------------------------------------------------------
# Writes.


def _check(actor: User, region: Region, obj: Any = None) -> None:
    if not can(actor, Action.MANAGE_RULE_PROFILES) or not in_scope(actor, region.code):
        audit_denied(actor, Action.MANAGE_RULE_PROFILES, obj=obj or region)  # SECURITY.md L1
        raise ValidationError(MSG_NOT_ALLOWED)


def rule_profile_create(
    *, actor: User, region: Region, name: str, law: str, measure: str
) -> RuleProfile:
    """A new county profile (version 1, a draft) of `region`, a county whose province the engine
    does not carry, on the national `law`, citing `measure`."""
    _check(actor, region)
    if region.level != Region.Level.COUNTY:
        raise ValidationError(
            MSG_COUNTY_ONLY.format(region=region.display_name, level=region.get_level_display())
        )
    province = region.code[:2]
    if province in PROVINCE_PROFILES:
        raise ValidationError(MSG_PROVINCE_CARRIED.format(province=PROVINCE_NAMES[province]))
    name = name.strip()
    measure = measure.strip().strip("《》").strip()
    if not name or len(name) > 100:
        raise ValidationError(MSG_NAME)
    if law not in _DAY_OF_LAW:
        raise ValidationError(MSG_LAW)
    if not measure or len(measure) > 100:
        raise ValidationError(MSG_MEASURE)
    if RuleProfile.objects.filter(region=region, name=name).exists():
        raise ValidationError(MSG_NAME_EXISTS.format(name=name))
    profile = RuleProfile(
        region=region, name=name, law=law, measure=measure, version=1, created_by=actor
    )
    try:
        with transaction.atomic():
            profile.save()
            audit_record(
                actor=actor,
                action="rule_profile.create",
                obj=profile,
                changes={"region": region.code, "name": name, "law": law, "measure": measure},
            )
    except IntegrityError as exc:
        raise ValidationError(MSG_NAME_EXISTS.format(name=name)) from exc
    return profile


def _writable(actor: User, profile: RuleProfile, today: date | None) -> RuleProfile:
    """The version an edit of `profile` goes to, inside the caller's transaction: `profile`
    itself, or — when it is frozen — the newest unfrozen version of its name, or a new draft
    version copied from it. A version found begun is marked frozen here (audited)."""
    why = frozen_because(profile, today)
    if why is None:
        return profile
    if profile.frozen_at is None:
        profile.frozen_at = timezone.now()
        profile.save(update_fields=["frozen_at"])
        audit_record(
            actor=actor,
            action="rule_profile.freeze",
            obj=profile,
            changes={"version": profile.version, "because": why},
        )
    newest = (
        RuleProfile.objects.select_for_update()
        .filter(region=profile.region, name=profile.name)
        .order_by("-version")
        .first()
    )
    if newest is not None and newest.pk != profile.pk and frozen_because(newest, today) is None:
        return newest
    top = RuleProfile.objects.filter(region=profile.region, name=profile.name).aggregate(
        v=Max("version")
    )["v"]
    copy = RuleProfile.objects.create(
        region=profile.region,
        name=profile.name,
        law=profile.law,
        measure=profile.measure,
        version=(top or 0) + 1,
        parameters=dict(profile.parameters),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="rule_profile.new_version",
        obj=copy,
        changes={"from_version": profile.version, "version": copy.version, "because": why},
    )
    return copy


def rule_profile_set_parameter(
    *,
    actor: User,
    profile: RuleProfile,
    parameter: str,
    value: Any,
    article: int | None,
    today: date | None = None,
) -> RuleProfile:
    """Set one parameter (its value in the engine's JSON form, the article of the measure it
    cites, None for the measure as a whole), checked by the engine against the national law
    with the profile's other parameters. Returns the version changed: a frozen one is left as
    it is and the change goes to a new version."""
    _check(actor, profile.region, profile)
    if parameter not in PARAMETERS:
        raise ValidationError(MSG_UNKNOWN_PARAMETER.format(name=parameter))
    try:
        # Stored in the engine's own JSON form (a value of the wrong shape is refused here).
        value = value_to_json(value_from_json(national_base(profile.law), parameter, value))
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    entry = {"value": value, "article": article}
    with transaction.atomic():
        target = _writable(actor, profile, today)
        # The engine checks the value with the version's other parameters; a refusal rolls back
        # the freeze and the new version with it.
        result = build(target, {**target.parameters, parameter: entry})
        if not result.ok:
            raise _refusal(result)
        old = target.parameters.get(parameter)
        if old == entry:
            return target
        target.parameters = {**target.parameters, parameter: entry}
        target.save(update_fields=["parameters"])
        audit_record(
            actor=actor,
            action="rule_profile.parameter_set",
            obj=target,
            changes={
                "version": target.version,
                "parameter": parameter,
                "old": old,
                "new": entry,
            },
        )
    return target


def rule_profile_clear_parameter(
    *, actor: User, profile: RuleProfile, parameter: str, today: date | None = None
) -> RuleProfile:
    """Let one parameter go back to the national law. A frozen version is left as it is."""
    _check(actor, profile.region, profile)
    if parameter not in profile.parameters:
        raise ValidationError(MSG_UNKNOWN_PARAMETER.format(name=parameter))
    with transaction.atomic():
        target = _writable(actor, profile, today)
        old = target.parameters.get(parameter)
        if old is None:
            return target
        target.parameters = {k: v for k, v in target.parameters.items() if k != parameter}
        target.save(update_fields=["parameters"])
        audit_record(
            actor=actor,
            action="rule_profile.parameter_clear",
            obj=target,
            changes={"version": target.version, "parameter": parameter, "old": old},
        )
    return target


def rule_profile_publish(*, actor: User, profile: RuleProfile) -> RuleProfile:
    """Publish a draft as its version: campaigns of the county may then select it."""
    _check(actor, profile.region, profile)
    if profile.published_at is not None:
        raise ValidationError(MSG_PUBLISHED.format(name=profile.name, version=profile.version))
    if not profile.parameters:
        raise ValidationError(MSG_EMPTY)
    result = build(profile)
    if not result.ok:
        raise _refusal(result)
    with transaction.atomic():
        profile.published_at = timezone.now()
        profile.save(update_fields=["published_at"])
        audit_record(
            actor=actor,
            action="rule_profile.publish",
            obj=profile,
            changes={"version": profile.version, "parameters": profile.parameters},
        )
    return profile


def campaign_set_rule_profile(
    *,
    actor: User,
    campaign: Campaign,
    profile: RuleProfile | None,
    today: date | None = None,
) -> Campaign:
    """Select a published county profile version for `campaign` (None: the national law
    again); refused once an election of the campaign has begun."""
    _check(actor, campaign.region, campaign)
    check_not_purged(campaign)
    why = campaign_started(campaign, today)
    if why:
        raise ValidationError(MSG_STARTED.format(why=why))
    if profile is not None:
        if not in_scope(actor, profile.region_id):
            audit_denied(actor, Action.MANAGE_RULE_PROFILES, obj=profile)  # SECURITY.md L1
            raise ValidationError(MSG_NOT_ALLOWED)
        if profile.region_id != campaign.region_id:
            raise ValidationError(MSG_OTHER_REGION.format(region=campaign.region.display_name))
        if profile.published_at is None:
            raise ValidationError(
                MSG_NOT_PUBLISHED.format(name=profile.name, version=profile.version)
            )
        if campaign.rule_province:
            raise ValidationError(
                MSG_CAMPAIGN_PROVINCE.format(province=PROVINCE_NAMES[campaign.rule_province])
            )
        laws = {law_version(campaign.window_start), law_version(campaign.window_end)}
        if laws != {profile.law}:
            other = "、".join(f"村民委员会组织法({law})" for law in sorted(laws))
            raise ValidationError(
                MSG_LAW_MISMATCH.format(
                    name=profile.name,
                    law=profile.law,
                    start=cn_date(campaign.window_start),
                    end=cn_date(campaign.window_end),
                    other=other,
                )
            )
    old = campaign.rule_profile
    if old == profile:
        return campaign
    with transaction.atomic():
        campaign.rule_profile = profile
        campaign.save(update_fields=["rule_profile"])
        audit_record(
            actor=actor,
            action="campaign.rule_profile_set",
            obj=campaign,
            changes={
                "old": None if old is None else {"id": old.pk, "version": old.version},
                "new": None if profile is None else {"id": profile.pk, "version": profile.version},
            },
        )
    return campaign
