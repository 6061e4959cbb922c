"""The demo campaign of `huanjie demo`: the county's 12th term, its villages' election days, and
the county's own election rules citing 《青海省村民委员会选举办法》."""

from __future__ import annotations

from datetime import date, timedelta

from huanjie.accounts.models import User
from huanjie.elections.models import Campaign, CampaignVillage, RuleProfile
from huanjie.elections.services import campaign_create, campaign_village_set_election_date
from huanjie.regions.models import Region

TERM_NUMBER = 12


def campaign_seed(*, county: Region, officer: User, left_out: Region) -> Campaign:
    """The county's campaign for the 12th term, created by `officer` unless it exists, over all
    its villages but `left_out`, which is recorded as left out with a reason."""
    campaign = Campaign.objects.filter(region=county, term_number=TERM_NUMBER).first()
    if campaign is None:
        campaign = campaign_create(
            actor=officer,
            name="2026年村(社区)“两委”换届",
            term_number=TERM_NUMBER,
            region=county,
            rule_province="",
            window_start=date(2026, 11, 1),
            window_end=date(2027, 3, 31),
            excluded={left_out.code: "村(社区)撤并调整中，待区划调整后另行安排"},
        )
    return campaign


def election_days_seed(*, campaign: Campaign, officer: User) -> str | None:
    """Each town holds its villages' elections on one day, the towns a week apart from
    2027-01-10: far enough ahead that a clerk can still publish the list 20 days before.
    Only villages without a day get one. Returns the line to print, None when none was set."""
    entries = CampaignVillage.objects.filter(campaign=campaign, included=True, election_date=None)
    towns = sorted({e.region_id[:9] for e in entries})
    days = {town: date(2027, 1, 10) + timedelta(days=7 * (i % 10)) for i, town in enumerate(towns)}
    for entry in entries.select_related("campaign"):
        campaign_village_set_election_date(
            actor=officer, entry=entry, election_date=days[entry.region_id[:9]]
        )
    if not towns:
        return None
    return f"选举日：{len(towns)} 个乡镇，{days[towns[0]]:%Y-%m-%d} 起每周一批"


# The demo county's rules. 青海's measure is not carried by the engine, and its text was not
# found (RULES.md §9): the values below are the surplus most carried provinces prescribe (主任、
# 副主任 seats + 1; 委员 seats + 1 to 3: 上海 12, 河北 17, 海南 20, 四川 22), NOT read from the
# 青海 text, so they cite the measure as a whole, without an article number.
DEMO_MEASURE = "青海省村民委员会选举办法"
DEMO_PROFILE = "大通县村民委员会选举规则"
DEMO_SURPLUS = {
    "by_post": {
        "director": [1, 1],
        "deputy_director": [1, 1],
        "woman_member": [1, 3],
        "member": [1, 3],
    }
}


def rule_profile_seed(*, campaign: Campaign, officer: User) -> str | None:
    """The county's profile (the national law, the surplus set, citing the 青海 measure),
    published and selected for the demo campaign, unless the campaign already has one or its
    elections have begun. Returns the line to print, None when nothing was done."""
    from huanjie.elections import rule_profiles

    if campaign.rule_profile_id is not None or rule_profiles.campaign_started(campaign):
        return None
    profile = (
        RuleProfile.objects.filter(region=campaign.region, name=DEMO_PROFILE)
        .order_by("-version")
        .first()
    )
    if profile is None:
        profile = rule_profiles.rule_profile_create(
            actor=officer,
            region=campaign.region,
            name=DEMO_PROFILE,
            law="2025",
            measure=DEMO_MEASURE,
        )
    if profile.published_at is None:
        profile = rule_profiles.rule_profile_set_parameter(
            actor=officer, profile=profile, parameter="surplus", value=DEMO_SURPLUS, article=None
        )
        profile = rule_profiles.rule_profile_publish(actor=officer, profile=profile)
    rule_profiles.campaign_set_rule_profile(actor=officer, campaign=campaign, profile=profile)
    return f"选举规则：{profile}，引用《{DEMO_MEASURE}》（候选人差额）"
