"""The county election rules' routes (elections.rule_profile_views) for the site-wide walks:
an own-county profile made through the services, reused when the walk's world has it."""

from __future__ import annotations

from typing import Any

from huanjie.conftest import Cast
from huanjie.elections import rule_profiles
from huanjie.elections.models import Campaign, RuleProfile
from huanjie.rules.custom import PARAMETERS

POST_ONLY = {"elections:rule_profile_publish"}

NAME = "路由检查规则"


def walk_profile(cast: Cast, campaign: Campaign) -> RuleProfile:
    """A published profile of the campaign's county, with the surplus set."""
    profile = RuleProfile.objects.filter(region=campaign.region, name=NAME).first()
    if profile is None:
        profile = rule_profiles.rule_profile_create(
            actor=cast.county_officer,
            region=campaign.region,
            name=NAME,
            law="2025",
            measure="青海省村民委员会选举办法",
        )
        profile = rule_profiles.rule_profile_set_parameter(
            actor=cast.county_officer,
            profile=profile,
            parameter="surplus",
            value={"by_post": {"director": [1, 1], "member": [1, 3]}},
            article=None,
        )
        profile = rule_profiles.rule_profile_publish(actor=cast.county_officer, profile=profile)
    return profile


def routes(cast: Cast, campaign: Campaign, objects: dict[str, Any]) -> dict[str, list[dict]]:
    profile = walk_profile(cast, campaign)
    one = {"profile": profile.pk}
    return {
        "elections:rule_profile_detail": [one],
        "elections:rule_profile_publish": [one],
        "elections:rule_profile_parameter": [{**one, "parameter": p} for p in PARAMETERS],
        "elections:campaign_rule_profile": [{"pk": campaign.pk}],
    }
