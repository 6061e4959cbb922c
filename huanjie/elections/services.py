"""Write services for campaigns (换届). Each validates, saves, and writes its audit event."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, QuerySet
from django.utils import timezone

from huanjie.accounts.models import User
from huanjie.accounts.permissions import Action, audit_denied, can, in_scope
from huanjie.audit.services import audit_record
from huanjie.elections.models import (
    Body,
    Campaign,
    CampaignVillage,
    Election,
    ElectionPost,
    NominationMethod,
    Post,
)
from huanjie.elections.signals import campaign_created, election_day_set
from huanjie.lib.dates import add_years, cn_date
from huanjie.regions.models import Region
from huanjie.rules.candidates import committee_size_check
from huanjie.rules.errors import ProfileError
from huanjie.rules.profiles import (
    PROVINCE_PROFILES,
    Profile,
    effective_profile,
    law_version,
    national_text,
)

MSG_NOT_ALLOWED = "无权创建或修改换届"
MSG_REGION_LEVEL = "换届只能由县级及以上区划组织，“{region}”是{level}"
MSG_WINDOW_INVERTED = "换届结束日期（{end}）不能早于开始日期（{start}）"
MSG_TERM = "届次应为1至99之间的整数"
MSG_PROFILE_UNKNOWN = "没有省份代码为“{code}”的选举规则"
MSG_PROFILE_OTHER_PROVINCE = "选举规则应为全国法律或本省（{province}）的规则，不能选用{other}的规则"
MSG_DUPLICATE_TERM = "“{region}”第{term}届换届已存在"
MSG_NO_VILLAGES = "“{region}”下没有村(社区)，请先导入行政区划"
MSG_REASON_REQUIRED = "不纳入本次换届须填写原因"
MSG_NOT_IN_CAMPAIGN = "该村(社区)不在本次换届范围内"
MSG_PURGED = "该换届的个人信息已于{day}按保存期限删除，换届数据只读，不能再办理"
MSG_RETENTION_BEFORE_WINDOW = "个人信息保存期限（{day}）不能早于换届结束日期（{end}）"
MSG_RETENTION_PAST = "个人信息保存期限（{day}）不能早于今天"
MSG_RETENTION_REASON = "请填写修改保存期限的依据（至少4个字）"
MSG_WINDOW_AFTER_RETENTION = (
    "换届结束日期（{end}）不能晚于个人信息保存期限（{day}），请先修改保存期限"
)

# SECURITY.md P7 [PROJ]: a campaign's personal data is kept 5 years after its window ends,
# unless the county sets another end date under its local archive rules. Five years is one term
# (村民委员会组织法(2025) 第十三条): the next term's roll is built from this one (carry-over,
# roll build, the 四增四减 against the previous list), and disputes about this election are long
# settled; no longer, because PIPL 第十九条 wants the shortest time the purpose needs.
RETENTION_YEARS = 5
RETENTION_REASON_MIN = 4


def default_retention(window_end: date) -> date:
    """The default last day a campaign's personal data is kept (SECURITY.md P7)."""
    return add_years(window_end, RETENTION_YEARS)


def purged_refusal(campaign: Campaign | None) -> str | None:
    """The refusal of a write to a campaign whose personal data was removed, else None."""
    if campaign is None or campaign.personal_data_purged_on is None:
        return None
    return MSG_PURGED.format(day=cn_date(campaign.personal_data_purged_on))


def check_not_purged(campaign: Campaign) -> None:
    """Refuse any write to a campaign whose personal data was removed (SECURITY.md P7): it is
    read-only from then on, as the handover leaves it (WORKFLOW.md stage 16)."""
    refusal = purged_refusal(campaign)
    if refusal:
        raise ValidationError(refusal)


def _check_law_carried(window_start: date) -> None:
    """A campaign's elections are judged by the law in force on their day: a window opening
    before the earliest text the engine carries (村民委员会组织法(2010), from 2010-10-28) cannot be
    judged, and is refused here rather than on every later page."""
    try:
        national_text(window_start, "villagers")
    except ProfileError as exc:
        raise ValidationError({"window_start": exc.message}) from None


def _check_manage(actor: User, region: Region) -> None:
    if not can(actor, Action.MANAGE_CAMPAIGNS) or not in_scope(actor, region.code):
        audit_denied(actor, Action.MANAGE_CAMPAIGNS, obj=region)  # SECURITY.md L1
        raise ValidationError(MSG_NOT_ALLOWED)


def campaign_create(
    *,
    actor: User,
    name: str,
    term_number: int,
    region: Region,
    rule_province: str,
    window_start: date,
    window_end: date,
    excluded: dict[str, str] | None = None,
) -> Campaign:
    """Create a campaign over every village-level unit under `region`, except `excluded`
    (code -> reason), which are recorded as left out with their reason."""
    _check_manage(actor, region)
    name = name.strip()
    if region.level > Region.Level.COUNTY:
        raise ValidationError(
            MSG_REGION_LEVEL.format(region=region.display_name, level=region.get_level_display())
        )
    if window_end < window_start:
        raise ValidationError(MSG_WINDOW_INVERTED.format(start=window_start, end=window_end))
    _check_law_carried(window_start)
    if not 1 <= term_number <= 99:
        raise ValidationError(MSG_TERM)
    if rule_province:
        if rule_province not in PROVINCE_PROFILES:
            raise ValidationError(MSG_PROFILE_UNKNOWN.format(code=rule_province))
        if region.code[:2] != rule_province:
            raise ValidationError(
                MSG_PROFILE_OTHER_PROVINCE.format(
                    province=region.code[:2], other=PROVINCE_PROFILES[rule_province]
                )
            )
    excluded = excluded or {}
    for code, reason in excluded.items():
        if not reason.strip():
            raise ValidationError(f"{code}：{MSG_REASON_REQUIRED}")
    villages = list(
        Region.objects.filter(level=Region.Level.VILLAGE, code__startswith=region.code).values_list(
            "code", flat=True
        )
    )
    if not villages:
        raise ValidationError(MSG_NO_VILLAGES.format(region=region.display_name))
    unknown = set(excluded) - set(villages)
    if unknown:
        raise ValidationError(f"{sorted(unknown)[0]}：{MSG_NOT_IN_CAMPAIGN}")
    campaign = Campaign(
        name=name,
        term_number=term_number,
        region=region,
        rule_province=rule_province,
        window_start=window_start,
        window_end=window_end,
        retention_until=default_retention(window_end),
        created_by=actor,
    )
    try:
        with transaction.atomic():
            campaign.save()
            CampaignVillage.objects.bulk_create(
                (
                    CampaignVillage(
                        campaign=campaign,
                        region_id=code,
                        included=code not in excluded,
                        exclusion_reason=excluded.get(code, "").strip(),
                    )
                    for code in villages
                ),
                batch_size=500,
            )
            campaign_created.send(sender=Campaign, campaign=campaign)
            audit_record(
                actor=actor,
                action="campaign.create",
                obj=campaign,
                changes={
                    "region": region.code,
                    "term_number": term_number,
                    "rule_province": rule_province,
                    "window": [window_start.isoformat(), window_end.isoformat()],
                    "retention_until": campaign.retention_until.isoformat(),
                    "villages": len(villages),
                    "excluded": sorted(excluded),
                },
            )
    except IntegrityError as exc:
        raise ValidationError(
            MSG_DUPLICATE_TERM.format(region=region.display_name, term=term_number)
        ) from exc
    return campaign


def campaign_update(
    *,
    actor: User,
    campaign: Campaign,
    name: str,
    rule_province: str,
    window_start: date,
    window_end: date,
) -> Campaign:
    _check_manage(actor, campaign.region)
    check_not_purged(campaign)
    if window_end < window_start:
        raise ValidationError(MSG_WINDOW_INVERTED.format(start=window_start, end=window_end))
    _check_law_carried(window_start)
    if rule_province and (
        rule_province not in PROVINCE_PROFILES or campaign.region_id[:2] != rule_province
    ):
        raise ValidationError(MSG_PROFILE_UNKNOWN.format(code=rule_province))
    new = {
        "name": name.strip(),
        "rule_province": rule_province,
        "window_start": window_start,
        "window_end": window_end,
    }
    # An end date nobody changed follows the window; one the county set stays where it was.
    if campaign.retention_until == default_retention(campaign.window_end):
        new["retention_until"] = default_retention(window_end)
    elif window_end > campaign.retention_until:
        raise ValidationError(
            MSG_WINDOW_AFTER_RETENTION.format(end=window_end, day=campaign.retention_until)
        )
    changes = {
        k: {"old": str(getattr(campaign, k)), "new": str(v)}
        for k, v in new.items()
        if getattr(campaign, k) != v
    }
    if not changes:
        return campaign
    with transaction.atomic():
        for k, v in new.items():
            setattr(campaign, k, v)
        campaign.save(update_fields=list(changes))
        audit_record(actor=actor, action="campaign.update", obj=campaign, changes=changes)
    return campaign


def campaign_village_set(
    *, actor: User, entry: CampaignVillage, included: bool, reason: str = ""
) -> CampaignVillage:
    """Leave a village out of the campaign (with its reason) or bring it back in."""
    _check_manage(actor, entry.campaign.region)
    if not in_scope(actor, entry.region_id):
        audit_denied(actor, Action.MANAGE_CAMPAIGNS, obj=entry)  # SECURITY.md L1
        raise ValidationError(MSG_NOT_ALLOWED)
    check_not_purged(entry.campaign)
    reason = reason.strip()
    if not included and not reason:
        raise ValidationError(MSG_REASON_REQUIRED)
    old = {"included": entry.included, "reason": entry.exclusion_reason}
    with transaction.atomic():
        entry.included = included
        entry.exclusion_reason = "" if included else reason
        entry.save(update_fields=["included", "exclusion_reason"])
        audit_record(
            actor=actor,
            action="campaign.village_include" if included else "campaign.village_exclude",
            obj=entry,
            changes={"old": old, "new": {"included": included, "reason": entry.exclusion_reason}},
        )
    return entry


MSG_DATE_OUTSIDE_WINDOW = "选举日（{day}）应在换届工作期间（{start}至{end}）内"
MSG_MOVE_REASON = "选举日已确定为{old}，变更选举日须填写变更原因"
MSG_MOVE_REASON_LONG = "变更原因不能超过200字"
MOVE_REASON_MAX = 200


def campaign_village_set_election_date(
    *, actor: User, entry: CampaignVillage, election_date: date, reason: str = ""
) -> CampaignVillage:
    """Fix a village's election day, the anchor of its legal calendar. A town officer sets it
    for the villages of the town; the county for any of its villages. Moving a day already
    fixed needs its reason (issue 14: "moved only with a reason"); each fixing and move is an
    ElectionDayChange row, and the village's schedule is counted again from the new day
    (progress.signals, on `election_day_set`: due days recomputed, done days kept, history
    rows)."""
    if not in_scope(actor, entry.region_id) or not can(actor, Action.SET_ELECTION_DATE):
        audit_denied(actor, Action.SET_ELECTION_DATE, obj=entry)  # SECURITY.md L1
        raise ValidationError(MSG_NOT_ALLOWED)
    campaign = entry.campaign
    check_not_purged(campaign)
    if not campaign.window_start <= election_date <= campaign.window_end:
        raise ValidationError(
            MSG_DATE_OUTSIDE_WINDOW.format(
                day=election_date, start=campaign.window_start, end=campaign.window_end
            )
        )
    old = entry.election_date
    reason = reason.strip()
    if old == election_date:
        return entry
    if old is not None and not reason:
        raise ValidationError(MSG_MOVE_REASON.format(old=old))
    if len(reason) > MOVE_REASON_MAX:
        raise ValidationError(MSG_MOVE_REASON_LONG)
    with transaction.atomic():
        entry.election_date = election_date
        entry.save(update_fields=["election_date"])
        changes: dict[str, object] = {
            "election_date": {"old": str(old) if old else None, "new": str(election_date)}
        }
        if reason:
            changes["reason"] = reason
        audit_record(
            actor=actor, action="campaign.village_election_date", obj=entry, changes=changes
        )
        election_day_set.send(
            sender=CampaignVillage, actor=actor, entry=entry, old=old, reason=reason
        )
    return entry


def campaign_set_retention(
    *, actor: User, campaign: Campaign, retention_until: date, reason: str
) -> Campaign:
    """Set the last day the campaign's personal data is kept (SECURITY.md P7), with its basis
    (the local archive rules, a pending dispute): a county officer of the campaign's area. Not
    before the window's end, nor in the past: removing the data early is not a date to type
    in, and the purge runs on the day after the end date."""
    _check_manage(actor, campaign.region)
    check_not_purged(campaign)
    reason = reason.strip()
    if len(reason) < RETENTION_REASON_MIN:
        raise ValidationError(MSG_RETENTION_REASON)
    if retention_until < campaign.window_end:
        raise ValidationError(
            MSG_RETENTION_BEFORE_WINDOW.format(day=retention_until, end=campaign.window_end)
        )
    if retention_until < timezone.localdate():
        raise ValidationError(MSG_RETENTION_PAST.format(day=retention_until))
    old = campaign.retention_until
    if old == retention_until:
        return campaign
    with transaction.atomic():
        campaign.retention_until = retention_until
        campaign.save(update_fields=["retention_until"])
        audit_record(
            actor=actor,
            action="campaign.retention_set",
            obj=campaign,
            changes={
                "retention_until": {"old": str(old), "new": str(retention_until)},
                "reason": reason[:200],
            },
        )
    return campaign


def campaigns_due_for_purge(today: date) -> QuerySet[Campaign]:
    """The campaigns past their end date whose personal data is still there (SECURITY.md P7)."""
    return Campaign.objects.filter(
        personal_data_purged_on__isnull=True, retention_until__lt=today
    ).order_by("retention_until", "pk")


def campaigns_retained(today: date) -> QuerySet[Campaign]:
    """The campaigns whose personal data is still kept on `today`: within their end date."""
    return Campaign.objects.filter(personal_data_purged_on__isnull=True, retention_until__gte=today)


def campaign_mark_purged(*, campaign: Campaign, today: date, counts: dict[str, int]) -> None:
    """The system's last step of a campaign's purge (huanjie.retention), inside its
    transaction: the campaign is read-only from now on, and the audit log says what went."""
    campaign.personal_data_purged_on = today
    campaign.save(update_fields=["personal_data_purged_on"])
    audit_record(
        actor=None,
        action="campaign.personal_data_purge",
        obj=campaign,
        changes={"retention_until": str(campaign.retention_until), **counts},
    )


# ---------------------------------------------------------------------------------------------
# The elections of a village: one per body, its nomination method, its posts and seats.

MSG_ELECTION_NOT_ALLOWED = "无权设置该村(社区)的选举"
MSG_VILLAGE_EXCLUDED = "该村(社区)未纳入本次换届，不能设置选举"
MSG_ELECTION_EXISTS = "该村(社区)本次换届的{body}选举已设置"
MSG_BODY_KIND = "{village}是{kind}，选举的是{expected}，不是{body}"
MSG_METHOD_FOR_BODY = "{body}的提名方式不能是“{method}”"
MSG_METHOD_2025 = "“党组织或选民提名推荐”是村民委员会组织法(2025)第十八条的提名方式，2026年1月1日起施行；该村选举日适用{law}年文本"
MSG_NO_SEATS = "请至少设置一个职位的应选名额"
MSG_POST_FOR_BODY = "{body}不设{post}职位"
MSG_SEATS_POSITIVE = "{post}的应选名额应为正整数"
MSG_ONE_SEAT = "{post}应选1名，现为{seats}名"
MSG_HEAD_REQUIRED = "{body}应当设{post}职位"
MSG_SEATS_REFUSED = "{message}（依据：{article}）"
MSG_POST_HAS_NOMINEES = "{post}已有提名人选，不能取消该职位"

# The posts of the bodies the engine carries no profile for (社管会: 社长/主任, 副主任, 委员).
COOPERATIVE_POSTS = ("director", "deputy_director", "member")
# The post that heads each body: exactly one seat.
HEAD_POSTS = {"secretary", "director"}


def _check_elections(actor: User, entry: CampaignVillage) -> None:
    if not can(actor, Action.MANAGE_ELECTIONS) or not in_scope(actor, entry.region_id):
        audit_denied(actor, Action.MANAGE_ELECTIONS, obj=entry)  # SECURITY.md L1
        raise ValidationError(MSG_ELECTION_NOT_ALLOWED)


def election_day_of(entry: CampaignVillage) -> date:
    """The day whose law governs the village's elections: its election day, or the campaign's
    first day while the town has not fixed it."""
    return entry.election_date or entry.campaign.window_start


def election_profile(election: Election) -> Profile | None:
    """The engine's rules for `election` (None for a cooperative: the engine carries none): the
    county's own profile when its campaign selected one (elections.rule_profiles)."""
    if election.body == Body.COOPERATIVE:
        return None
    entry = election.village
    from huanjie.elections.rule_profiles import county_profile  # it imports this module

    custom = county_profile(entry, election.body)
    if custom is not None:
        return custom
    return effective_profile(election.body, entry.campaign.rule_province, election_day_of(entry))


def election_posts_allowed(election: Election) -> tuple[str, ...]:
    """The posts `election`'s body elects, highest first."""
    profile = election_profile(election)
    return COOPERATIVE_POSTS if profile is None else profile.posts


def _check_body_and_method(entry: CampaignVillage, body: str, method: str) -> None:
    body_name = Body(body).label
    committee = {"village": Body.VILLAGERS, "community": Body.RESIDENTS}.get(entry.region.kind)
    if body in (Body.VILLAGERS, Body.RESIDENTS) and committee is not None and body != committee:
        raise ValidationError(
            MSG_BODY_KIND.format(
                village=entry.region.display_name,
                kind=entry.region.get_kind_display(),
                expected=committee.label,
                body=body_name,
            )
        )
    party = body == Body.PARTY
    if party != (method == NominationMethod.THREE_RECOMMENDATIONS):
        raise ValidationError(
            MSG_METHOD_FOR_BODY.format(body=body_name, method=NominationMethod(method).label)
        )
    law = law_version(election_day_of(entry))
    if method == NominationMethod.PARTY_OR_VOTERS and law != "2025":
        raise ValidationError(MSG_METHOD_2025.format(law=law))


def election_create(
    *, actor: User, entry: CampaignVillage, body: str, nomination_method: str
) -> Election:
    """Set up one body's election in a campaign's village with the nomination method the
    county chose: 三推两述一选 for the Party organisation; for the committees nomination by the
    voters, by the Party organisation or the voters (2025 law), or 自荐直选 (no list)."""
    _check_elections(actor, entry)
    check_not_purged(entry.campaign)
    if body not in Body.values:
        raise ValidationError(MSG_ELECTION_NOT_ALLOWED)
    if nomination_method not in NominationMethod.values:
        raise ValidationError(MSG_METHOD_FOR_BODY.format(body=Body(body).label, method=""))
    if not entry.included:
        raise ValidationError(MSG_VILLAGE_EXCLUDED)
    _check_body_and_method(entry, body, nomination_method)
    election = Election(
        village=entry, body=body, nomination_method=nomination_method, created_by=actor
    )
    try:
        with transaction.atomic():
            election.save()
            audit_record(
                actor=actor,
                action="election.create",
                obj=election,
                changes={
                    "campaign": entry.campaign_id,
                    "village": entry.region_id,
                    "body": body,
                    "nomination_method": nomination_method,
                },
            )
    except IntegrityError as exc:
        raise ValidationError(MSG_ELECTION_EXISTS.format(body=Body(body).label)) from exc
    return election


def _seats_problems(election: Election, seats: dict[str, int]) -> list[str]:
    """What is wrong with `seats` (post → seats) for `election`, in Chinese; the engine's own
    messages carry the article they come from."""
    profile = election_profile(election)
    allowed = election_posts_allowed(election)
    body = election.get_body_display()
    problems: list[str] = []
    if not seats:
        return [MSG_NO_SEATS]
    for post, n in seats.items():
        name = Post(post).label if post in Post.values else post
        if post not in allowed:
            problems.append(MSG_POST_FOR_BODY.format(body=body, post=name))
        elif not isinstance(n, int) or isinstance(n, bool) or n < 1:
            problems.append(MSG_SEATS_POSITIVE.format(post=name))
        elif post in HEAD_POSTS and n != 1:
            problems.append(MSG_ONE_SEAT.format(post=name, seats=n))
    head = next((p for p in allowed if p in HEAD_POSTS), None)
    if head is not None and head not in seats:
        problems.append(MSG_HEAD_REQUIRED.format(body=body, post=Post(head).label))
    if problems or profile is None:
        return problems
    found = committee_size_check(profile, sum(seats.values()))
    return [MSG_SEATS_REFUSED.format(message=p.message, article=p.article) for p in found.problems]


# Checks the apps above add to `election_set_seats` (this app may not import them): each takes
# the election, its current seats and the new ones, and returns the Chinese reasons to refuse.
# nomination registers one: a post whose formal candidate list is fixed keeps its seats.
seats_guards: list[Callable[[Election, dict[str, int], dict[str, int]], list[str]]] = []


def election_set_seats(*, actor: User, election: Election, seats: dict[str, int]) -> Election:
    """Set the posts of `election` and their seats (post → seats; a post left out has none),
    within the engine's limits: a committee of 3 to 7 villagers or 5 to 9 residents
    (村民委员会组织法(2025) 第八条, 城市居民委员会组织法(2025) 第八条), one 书记 or 主任."""
    entry = election.village
    _check_elections(actor, entry)
    check_not_purged(entry.campaign)
    problems = _seats_problems(election, seats)
    if problems:
        raise ValidationError(problems)
    old = dict(election.posts.values_list("post", "seats"))
    if old == seats:
        return election
    guarded = [m for guard in seats_guards for m in guard(election, old, seats)]
    if guarded:
        raise ValidationError(guarded)
    order = election_posts_allowed(election)
    with transaction.atomic():
        for post in sorted(set(old) - set(seats)):
            try:
                election.posts.filter(post=post).delete()
            except ProtectedError as exc:
                raise ValidationError(MSG_POST_HAS_NOMINEES.format(post=Post(post).label)) from exc
        for post in sorted(seats, key=order.index):
            ElectionPost.objects.update_or_create(
                election=election, post=post, defaults={"seats": seats[post]}
            )
        audit_record(
            actor=actor,
            action="election.seats_set",
            obj=election,
            changes={"seats": {"old": old, "new": seats}},
        )
    return election
