"""The demo campaign of `huanjie demo`: the county's 12th term, its villages' election days."""

from __future__ import annotations

from datetime import date, timedelta

from huanjie.accounts.models import User
from huanjie.elections.models import Campaign, CampaignVillage
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
