"""Who stands as a candidate, for the apps below nomination that must know it without importing
it (voters: a candidate may not hold a proxy). Registered with them when Django is ready
(nomination.apps)."""

from __future__ import annotations

from typing import Final

from huanjie.elections.models import CampaignVillage, Election
from huanjie.nomination.models import Nominee, Stage
from huanjie.people.models import Person

# A candidate (候选人) here: a formal candidate, or the Party's 候选人预备人选 on the way to
# it, of any election of the village in the campaign. The rule they meet is the profile's
# `proxy.candidates_excluded` (村民委员会组织法(2025) 第十八条: "候选人不得接受委托"; 北京 第二十五条,
# 海南 第二十七条, 四川 第三十条), which the engine applies.
CANDIDATE_STAGES: Final = (Stage.PRESELECTED, Stage.FORMAL)


def standing_as(campaign_id: int, village_code: str, person_id: int) -> str:
    """What the person stands as in the village's elections of the campaign ("村民委员会主任
    正式候选人"), or "" when they are no candidate there."""
    nominee = (
        Nominee.objects.filter(
            election__village__campaign_id=campaign_id,
            election__village__region_id=village_code,
            person_id=person_id,
            stage__in=CANDIDATE_STAGES,
        )
        .select_related("election", "post")
        .order_by("pk")
        .first()
    )
    if nominee is None:
        return ""
    return (
        f"{nominee.election.get_body_display()}{nominee.post.get_post_display()}"
        f"{nominee.get_stage_display()}"
    )


def open_nomination_elections(entry: CampaignVillage, person: Person) -> list[Election]:
    """The elections of the campaign village where the person is an open nominee (not withdrawn
    or disqualified): the election committee asks it before a person joins or moves up
    (committees.services, 村民委员会组织法(2025) 第十五条)."""
    return [
        n.election
        for n in Nominee.objects.filter(election__village=entry, person=person)
        .exclude(stage__in=(Stage.WITHDRAWN, Stage.DISQUALIFIED))
        .select_related("election", "election__village", "election__village__campaign")
        .order_by("pk")
    ]
