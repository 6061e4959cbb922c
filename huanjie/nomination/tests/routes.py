"""The nomination app's routes for the site-wide walks (scope 404, XSS, full-ID scan): the list
pages' (`_list_routes`) merged with the nominee pages' (`routes_nominees`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from huanjie.conftest import Cast
from huanjie.elections.models import Campaign
from huanjie.nomination import lists
from huanjie.nomination.models import Nominee, Publicity, PublicityObjection
from huanjie.nomination.services import nominee_propose
from huanjie.nomination.tests import routes_nominees as nominee_routes
from huanjie.nomination.tests.routes_nominees import walk_election

POST_ONLY = {
    "nomination:list_fix",
    "nomination:list_unfix",
    "nomination:list_fill",
    "nomination:objection_decide",
} | nominee_routes.POST_ONLY


def _list_routes(cast: Cast, campaign: Campaign, objects: dict[str, Any]) -> dict[str, list]:
    c = campaign.pk
    election = walk_election(cast, campaign)
    post = election.posts.get(post="member")
    person = objects["registration"].person
    nominee = Nominee.objects.filter(election=election, person=person).first()
    if nominee is None:
        nominee = nominee_propose(
            actor=cast.county_officer,
            election=election,
            post=post,
            person=person,
            how_nominated="voters_jointly",
        )
    start = campaign.window_start
    publicity = Publicity.objects.filter(election=election).first() or lists.publicity_open(
        actor=cast.county_officer,
        election=election,
        subject="nominees",
        starts_on=start,
        ends_on=start + timedelta(days=4),
    )
    objection = PublicityObjection.objects.filter(publicity=publicity).first()
    if objection is None:
        objection = lists.objection_receive(
            actor=cast.county_officer,
            publicity=publicity,
            received_on=publicity.starts_on,
            from_name="马玉兰",
            content="反映候选人长期不在村居住",
            nominee=nominee,
        )
    lists.statement_record(
        actor=cast.county_officer,
        nominee=nominee,
        held_on=start,
        summary="发展村集体经济",
        questions=[lists.QuestionIn("如何修路？", "党员代表", "争取项目资金")],
    )
    e = {"pk": c, "election": election.pk}
    return {
        "nomination:lists": [e],
        "nomination:list_fix": [{**e, "post": post.pk}],
        "nomination:list_unfix": [{**e, "post": post.pk}],
        "nomination:list_fill": [{**e, "post": post.pk}],
        "nomination:list_notice": [e],
        "nomination:statement_add": [{**e, "nominee": nominee.pk}],
        "nomination:publicity_add": [e],
        "nomination:objection_add": [{**e, "publicity": publicity.pk}],
        "nomination:objection_decide": [{**e, "objection": objection.pk}],
    }


def routes(cast: Cast, campaign: Campaign, objects: dict[str, Any]) -> dict[str, list]:
    return _list_routes(cast, campaign, objects) | nominee_routes.routes(cast, campaign, objects)
