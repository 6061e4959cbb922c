"""A county's own election rules (issue 10 item 6): a profile on the national law, each
parameter checked by the engine, published as a version, selected by a campaign, frozen once an
election of the campaign has begun; the elections and the notices take what was applied."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from huanjie.accounts.permissions import menu_for
from huanjie.audit.models import AuditEvent
from huanjie.audit.services import ACCESS_DENIED, flush_denied
from huanjie.conftest import ELECTION_DAY, OTHER_COUNTY, VILLAGE, make_campaign
from huanjie.elections import rule_profiles as rp
from huanjie.elections.models import Campaign, CampaignVillage, Election, RuleProfile
from huanjie.elections.services import election_create, election_profile, election_set_seats
from huanjie.regions.models import Region
from huanjie.rules.candidates import candidate_count_check, candidate_range

QH = "青海省村民委员会选举办法"
SURPLUS = {"by_post": {"director": [1, 1], "member": [1, 2]}}
BEFORE = ELECTION_DAY - timedelta(days=30)


def _county(code: str = "630121") -> Region:
    return Region.objects.get(code=code)


def _profile(cast, name="大通县村民委员会选举规则", measure=f"《{QH}》") -> RuleProfile:
    return rp.rule_profile_create(
        actor=cast.county_officer, region=_county(), name=name, law="2025", measure=measure
    )


def _published(cast) -> RuleProfile:
    profile = _profile(cast)
    profile = rp.rule_profile_set_parameter(
        actor=cast.county_officer, profile=profile, parameter="surplus", value=SURPLUS, article=None
    )
    return rp.rule_profile_publish(actor=cast.county_officer, profile=profile)


def _use(cast, campaign, profile) -> Campaign:
    return rp.campaign_set_rule_profile(
        actor=cast.county_officer, campaign=campaign, profile=profile, today=BEFORE
    )


def _villagers(cast, campaign) -> Election:
    entry = CampaignVillage.objects.get(campaign=campaign, region_id=VILLAGE)
    election = election_create(
        actor=cast.county_officer, entry=entry, body="villagers", nomination_method="voters"
    )
    return election_set_seats(
        actor=cast.county_officer, election=election, seats={"director": 1, "member": 4}
    )


# ---------------------------------------------------------------------------------------------
# Creating and editing a profile.


def test_a_county_officer_creates_a_draft_citing_the_measure(cast):
    profile = _profile(cast)
    assert (profile.version, profile.status, profile.measure) == (1, "草稿", QH)
    assert profile.law == "2025" and profile.parameters == {}
    event = AuditEvent.objects.get(action="rule_profile.create")
    assert event.object_id == str(profile.pk) and event.changes["measure"] == QH


@pytest.mark.parametrize(
    "role", ["town_officer", "village_clerk", "reviewer", "inspector", "system_admin"]
)
def test_other_roles_may_not_create_a_profile(cast, role):
    with pytest.raises(ValidationError, match="无权设置县级选举规则"):
        rp.rule_profile_create(
            actor=getattr(cast, role), region=_county(), name="规则", law="2025", measure=QH
        )
    flush_denied()
    assert AuditEvent.objects.filter(action=ACCESS_DENIED).count() == 1
    assert not RuleProfile.objects.exists()


def test_another_county_may_not_create_or_edit_ours(cast):
    with pytest.raises(ValidationError, match="无权设置县级选举规则"):
        rp.rule_profile_create(
            actor=cast.other_county_officer, region=_county(), name="规则", law="2025", measure=QH
        )
    profile = _profile(cast)
    with pytest.raises(ValidationError, match="无权设置县级选举规则"):
        rp.rule_profile_set_parameter(
            actor=cast.other_county_officer,
            profile=profile,
            parameter="transfer",
            value="allowed",
            article=None,
        )
    profile.refresh_from_db()
    assert profile.parameters == {}


def test_bad_inputs_are_refused(cast):
    officer, county = cast.county_officer, _county()
    cases = [
        ({"name": " ", "law": "2025", "measure": QH}, rp.MSG_NAME),
        ({"name": "规则", "law": "2020", "measure": QH}, rp.MSG_LAW),
        ({"name": "规则", "law": "2025", "measure": "《》"}, rp.MSG_MEASURE),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValidationError) as exc:
            rp.rule_profile_create(actor=officer, region=county, **kwargs)
        assert exc.value.messages == [message]
    town = Region.objects.get(code="630121100")
    with pytest.raises(ValidationError, match="县级选举规则由县级区划设置"):
        rp.rule_profile_create(actor=officer, region=town, name="规则", law="2025", measure=QH)
    _profile(cast)
    with pytest.raises(ValidationError, match="已存在"):
        _profile(cast)


def test_each_save_is_checked_by_the_engine(cast):
    profile = _profile(cast)
    with pytest.raises(ValidationError) as exc:
        rp.rule_profile_set_parameter(
            actor=cast.county_officer,
            profile=profile,
            parameter="proxy",
            value={"cap": 5, "candidates_excluded": True},
            article=20,
        )
    assert exc.value.messages == [
        "委托投票：每一受委托人接受委托不得超过3人，不能设为5人（依据：村民委员会组织法(2025) 第十八条）"
    ]
    with pytest.raises(ValidationError) as exc:
        rp.rule_profile_set_parameter(
            actor=cast.county_officer,
            profile=profile,
            parameter="threshold",
            value={"num": 1, "den": 3, "strict": False},
            article=None,
        )
    assert exc.value.messages[0].startswith("当选所需票数：不能低于全国性法律规定的过半数")
    with pytest.raises(ValidationError, match="委托投票：每人接受委托的人数应当是整数"):
        rp.rule_profile_set_parameter(
            actor=cast.county_officer,
            profile=profile,
            parameter="proxy",
            value={"cap": "三"},
            article=None,
        )
    with pytest.raises(ValidationError, match="引用的条文序号应当是正整数"):
        rp.rule_profile_set_parameter(
            actor=cast.county_officer,
            profile=profile,
            parameter="transfer",
            value="none",
            article=0,
        )
    with pytest.raises(ValidationError, match="不是可以由县级设置的选举规则参数"):
        rp.rule_profile_set_parameter(
            actor=cast.county_officer, profile=profile, parameter="age", value=16, article=None
        )
    profile.refresh_from_db()
    assert profile.parameters == {}
    assert not AuditEvent.objects.filter(action="rule_profile.parameter_set").exists()


def test_a_lawful_value_is_saved_in_the_engine_form_and_audited(cast):
    profile = _profile(cast)
    saved = rp.rule_profile_set_parameter(
        actor=cast.county_officer,
        profile=profile,
        parameter="proxy",
        value={"cap": 2, "candidates_excluded": True},
        article=25,
    )
    assert saved.pk == profile.pk
    assert saved.parameters == {
        "proxy": {
            "value": {"cap": 2, "filing_days": None, "candidates_excluded": True},
            "article": 25,
        }
    }
    event = AuditEvent.objects.get(action="rule_profile.parameter_set")
    assert event.changes["parameter"] == "proxy" and event.changes["old"] is None
    cleared = rp.rule_profile_clear_parameter(
        actor=cast.county_officer, profile=saved, parameter="proxy"
    )
    assert cleared.parameters == {}
    assert AuditEvent.objects.filter(action="rule_profile.parameter_clear").count() == 1


def test_publishing_needs_a_parameter_and_happens_once(cast):
    profile = _profile(cast)
    with pytest.raises(ValidationError, match=rp.MSG_EMPTY):
        rp.rule_profile_publish(actor=cast.county_officer, profile=profile)
    rp.rule_profile_set_parameter(
        actor=cast.county_officer, profile=profile, parameter="surplus", value=SURPLUS, article=None
    )
    profile.refresh_from_db()
    rp.rule_profile_publish(actor=cast.county_officer, profile=profile)
    assert profile.status == "已发布"
    with pytest.raises(ValidationError, match="已经发布"):
        rp.rule_profile_publish(actor=cast.county_officer, profile=profile)
    assert AuditEvent.objects.filter(action="rule_profile.publish").count() == 1


# ---------------------------------------------------------------------------------------------
# A campaign selects a version; its elections and notices apply it.


def test_a_campaign_selects_a_published_version_of_its_county(cast, campaign):
    draft = _profile(cast, name="草稿规则")
    with pytest.raises(ValidationError, match="尚未发布"):
        _use(cast, campaign, draft)
    profile = _published(cast)
    # Another county's published profile is not ours to select.
    theirs = rp.rule_profile_create(
        actor=cast.other_county_officer,
        region=_county(OTHER_COUNTY),
        name="湟源县规则",
        law="2025",
        measure=QH,
    )
    theirs = rp.rule_profile_set_parameter(
        actor=cast.other_county_officer,
        profile=theirs,
        parameter="transfer",
        value="allowed",
        article=None,
    )
    theirs = rp.rule_profile_publish(actor=cast.other_county_officer, profile=theirs)
    with pytest.raises(ValidationError, match="无权设置县级选举规则"):
        _use(cast, campaign, theirs)
    with pytest.raises(ValidationError, match="无权设置县级选举规则"):
        rp.campaign_set_rule_profile(
            actor=cast.town_officer, campaign=campaign, profile=profile, today=BEFORE
        )
    _use(cast, campaign, profile)
    campaign.refresh_from_db()
    assert campaign.rule_profile == profile
    event = AuditEvent.objects.get(action="campaign.rule_profile_set")
    assert event.changes["new"] == {"id": profile.pk, "version": 1}


def test_a_profile_on_the_other_law_is_refused_for_the_campaign_window(cast):
    campaign = make_campaign(cast, term=11, start=date(2025, 3, 1), end=date(2025, 10, 31))
    profile = _published(cast)
    with pytest.raises(ValidationError, match="适用村民委员会组织法\\(2018\\)"):
        rp.campaign_set_rule_profile(
            actor=cast.county_officer, campaign=campaign, profile=profile, today=date(2025, 2, 1)
        )


def test_the_elections_of_the_campaign_run_on_the_county_profile(cast, campaign):
    election = _villagers(cast, campaign)
    before = election_profile(election)
    assert before is not None and before.sources == ("村民委员会组织法(2025)",)
    _use(cast, campaign, _published(cast))
    election = Election.objects.get(pk=election.pk)
    profile = election_profile(election)
    assert profile is not None
    assert profile.sources == ("村民委员会组织法(2025)", QH)
    assert candidate_range(profile, "member", 4) == (5, 6)
    found = candidate_count_check(profile, "member", 4, 7)
    assert found.problems[0].article == QH
    # The Party's election keeps its own rules: the measure governs the villagers' committee.
    entry = CampaignVillage.objects.get(campaign=campaign, region_id=VILLAGE)
    party = election_create(
        actor=cast.county_officer,
        entry=entry,
        body="party",
        nomination_method="three_recommendations",
    )
    party_profile = election_profile(party)
    assert party_profile is not None and QH not in party_profile.sources


def test_once_the_first_election_day_is_past_an_edit_makes_a_new_version(cast, campaign):
    profile = _published(cast)
    _use(cast, campaign, profile)
    assert rp.frozen_because(profile, BEFORE) is None
    # Before: edited in place.
    same = rp.rule_profile_set_parameter(
        actor=cast.county_officer,
        profile=profile,
        parameter="transfer",
        value="allowed",
        article=31,
        today=BEFORE,
    )
    assert same.pk == profile.pk
    # The first village votes on ELECTION_DAY: from then on the version is frozen.
    CampaignVillage.objects.filter(campaign=campaign, region_id=VILLAGE).update(
        election_date=ELECTION_DAY - timedelta(days=3)
    )
    today = ELECTION_DAY - timedelta(days=3)
    assert rp.frozen_because(profile, today)
    new = rp.rule_profile_set_parameter(
        actor=cast.county_officer,
        profile=profile,
        parameter="surplus",
        value={"by_post": {"member": [1, 3]}},
        article=20,
        today=today,
    )
    assert new.pk != profile.pk and new.version == 2 and new.status == "草稿"
    assert new.parameters["surplus"]["value"]["by_post"] == {"member": [1, 3]}
    assert new.parameters["transfer"] == {"value": "allowed", "article": 31}
    profile.refresh_from_db()
    campaign.refresh_from_db()
    assert profile.frozen_at is not None and profile.status == "已冻结"
    assert profile.parameters["surplus"]["value"] == {**SURPLUS, "percent": None}
    assert campaign.rule_profile_id == profile.pk
    # The elections keep the frozen version's values.
    election = _villagers(cast, campaign)
    applied = election_profile(election)
    assert applied is not None and candidate_range(applied, "member", 4) == (5, 6)
    # Another edit of the frozen version goes to the new draft, not to a third version.
    again = rp.rule_profile_set_parameter(
        actor=cast.county_officer,
        profile=profile,
        parameter="women",
        value="priority",
        article=None,
        today=today,
    )
    assert again.pk == new.pk
    assert RuleProfile.objects.filter(name=profile.name).count() == 2
    assert (
        list(
            AuditEvent.objects.filter(action__startswith="rule_profile.").values_list(
                "action", flat=True
            )
        ).count("rule_profile.freeze")
        == 1
    )
    # Nor may the campaign switch to another version now.
    new = rp.rule_profile_publish(actor=cast.county_officer, profile=new)
    with pytest.raises(ValidationError, match="选举已经开始"):
        rp.campaign_set_rule_profile(
            actor=cast.county_officer, campaign=campaign, profile=new, today=today
        )
    with pytest.raises(ValidationError, match="选举已经开始"):
        rp.campaign_set_rule_profile(
            actor=cast.county_officer, campaign=campaign, profile=None, today=today
        )


def test_a_refused_edit_of_a_frozen_version_leaves_nothing(cast, campaign):
    profile = _published(cast)
    _use(cast, campaign, profile)
    with pytest.raises(ValidationError):
        rp.rule_profile_set_parameter(
            actor=cast.county_officer,
            profile=profile,
            parameter="turnout",
            value={"num": 1, "den": 3, "strict": False},
            article=None,
            today=ELECTION_DAY,
        )
    profile.refresh_from_db()
    assert profile.frozen_at is None
    assert RuleProfile.objects.count() == 1


def test_the_pages_walk_a_profile_from_draft_to_campaign(cast, campaign):
    client = cast.client(cast.county_officer)
    assert client.get(reverse("elections:rule_profile_list")).status_code == 200
    response = client.post(
        reverse("elections:rule_profile_create"),
        {"name": "大通县规则", "law": "2025", "measure": QH},
    )
    profile = RuleProfile.objects.get()
    assert response.url == reverse("elections:rule_profile_detail", args=[profile.pk])
    url = reverse("elections:rule_profile_parameter", args=[profile.pk, "surplus"])
    page = client.get(url)
    assert page.status_code == 200 and "候选人差额" in page.content.decode()
    refused = client.post(url, {"member_low": "0", "article": "20"})
    text = refused.content.decode()
    assert refused.status_code == 200
    assert "候选人差额：委员应选1名时，候选人至少应为2名" in text and "第十八条" in text
    ok = client.post(url, {"director_low": "1", "director_high": "1", "article": ""})
    assert ok.status_code == 302
    profile.refresh_from_db()
    assert profile.parameters["surplus"]["value"]["by_post"] == {"director": [1, 1]}
    detail = client.get(reverse("elections:rule_profile_detail", args=[profile.pk]))
    assert f"《{QH}》" in detail.content.decode()
    client.post(reverse("elections:rule_profile_publish", args=[profile.pk]))
    profile.refresh_from_db()
    assert profile.published_at is not None
    choose = reverse("elections:campaign_rule_profile", args=[campaign.pk])
    assert client.get(choose).status_code == 200
    assert client.post(choose, {"profile": str(profile.pk)}).status_code == 302
    campaign.refresh_from_db()
    assert campaign.rule_profile == profile
    page = client.get(reverse("elections:campaign_detail", args=[campaign.pk])).content.decode()
    assert "县级选举规则，引用《青海省村民委员会选举办法》" in page


def test_other_counties_and_roles_get_404(cast, campaign):
    profile = _published(cast)
    urls = [
        reverse("elections:rule_profile_detail", args=[profile.pk]),
        reverse("elections:rule_profile_parameter", args=[profile.pk, "surplus"]),
    ]
    for user in (cast.other_county_officer, cast.town_officer, cast.reviewer):
        client = cast.client(user)
        for url in urls:
            assert client.get(url).status_code == 404
        response = client.post(reverse("elections:rule_profile_publish", args=[profile.pk]))
        assert response.status_code == 404
    assert (
        cast.client(cast.town_officer).get(reverse("elections:rule_profile_list")).status_code
        == 404
    )
    own = cast.client(cast.county_officer)
    bad = reverse("elections:rule_profile_parameter", args=[profile.pk, "age"])
    assert own.get(bad).status_code == 404


def test_the_menu_shows_the_rules_to_the_county_officer_only(cast):
    def labels(user):
        return [item.label for _, items in menu_for(user) for item in items]

    assert "县级选举规则" in labels(cast.county_officer)
    assert "县级选举规则" not in labels(cast.town_officer)


def test_the_demo_campaign_runs_on_a_qinghai_county_profile(cast, campaign):
    from huanjie.elections.demo import DEMO_MEASURE, rule_profile_seed

    line = rule_profile_seed(campaign=campaign, officer=cast.county_officer)
    assert line is not None and DEMO_MEASURE in line
    campaign.refresh_from_db()
    profile = campaign.rule_profile
    assert profile is not None and profile.published_at is not None
    assert profile.measure == DEMO_MEASURE == QH
    # Cited as the measure as a whole: the text of 青海's article was not found.
    assert profile.parameters["surplus"]["article"] is None
    election = _villagers(cast, campaign)
    applied = election_profile(election)
    assert applied is not None and applied.sources[-1] == QH
    assert applied.surplus.cite() == (QH,)
    assert rule_profile_seed(campaign=campaign, officer=cast.county_officer) is None
