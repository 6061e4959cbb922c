from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from huanjie.audit.models import AuditEvent
from huanjie.conftest import OTHER_TOWN_VILLAGE, TOWN, VILLAGE
from huanjie.elections.models import Campaign, CampaignVillage
from huanjie.elections.services import (
    MSG_DUPLICATE_TERM,
    MSG_REASON_REQUIRED,
    campaign_create,
    campaign_village_set,
)
from huanjie.regions.models import Region

START, END = date(2026, 11, 1), date(2027, 3, 31)


def _create(cast, **kw):
    args = {
        "actor": cast.county_officer,
        "name": "2026年村(社区)“两委”换届",
        "term_number": 12,
        "region": Region.objects.get(code="630121"),
        "rule_province": "",
        "window_start": START,
        "window_end": END,
    }
    args.update(kw)
    return campaign_create(**args)


def test_a_campaign_takes_every_village_level_unit_under_the_county(cast):
    campaign = _create(cast, excluded={OTHER_TOWN_VILLAGE: "撤并中，另行安排"})
    entries = {e.region_id: e for e in campaign.villages.all()}
    assert len(entries) == 5
    assert entries[OTHER_TOWN_VILLAGE].included is False
    assert entries[OTHER_TOWN_VILLAGE].exclusion_reason == "撤并中，另行安排"
    event = AuditEvent.objects.get(action="campaign.create")
    assert event.changes["villages"] == 5


def test_an_inverted_window_is_refused_in_chinese_and_nothing_is_saved(cast):
    with pytest.raises(ValidationError) as exc:
        _create(cast, window_start=END, window_end=START)
    assert exc.value.messages == ["换届结束日期（2026-11-01）不能早于开始日期（2027-03-31）"]
    assert not Campaign.objects.exists()
    assert not CampaignVillage.objects.exists()


def test_a_window_before_the_earliest_law_text_carried_is_refused(cast):
    # The engine judges each election by the text in force on its day; 村民委员会组织法 before
    # its 2010 amendment is not carried, so such a campaign could not be judged at all.
    from datetime import date

    with pytest.raises(ValidationError) as exc:
        _create(cast, window_start=date(2010, 9, 1), window_end=date(2010, 12, 31))
    assert "村民委员会组织法(2010)" in exc.value.messages[0]
    assert not Campaign.objects.exists()
    campaign = _create(cast, window_start=date(2010, 10, 28), window_end=date(2010, 12, 31))
    assert campaign.pk


def test_the_same_term_twice_is_refused(cast):
    _create(cast)
    with pytest.raises(ValidationError) as exc:
        _create(cast)
    assert exc.value.messages == [MSG_DUPLICATE_TERM.format(region="大通回族土族自治县", term=12)]
    assert Campaign.objects.count() == 1


def test_a_province_profile_must_be_the_counties_own_province(cast):
    with pytest.raises(ValidationError) as exc:
        _create(cast, rule_province="33")
    assert "不能选用浙江省的规则" in exc.value.messages[0]


def test_a_town_cannot_organise_a_campaign(cast):
    with pytest.raises(ValidationError):
        _create(cast, actor=cast.town_officer, region=Region.objects.get(code=TOWN))


def test_leaving_a_village_out_needs_a_reason(cast):
    campaign = _create(cast)
    entry = campaign.villages.get(region_id=VILLAGE)
    with pytest.raises(ValidationError) as exc:
        campaign_village_set(actor=cast.county_officer, entry=entry, included=False, reason="  ")
    assert exc.value.messages == [MSG_REASON_REQUIRED]
    campaign_village_set(
        actor=cast.county_officer, entry=entry, included=False, reason="村委会空缺，依法另行安排"
    )
    entry.refresh_from_db()
    assert entry.included is False
    assert AuditEvent.objects.filter(
        action="campaign.village_exclude", object_id=str(entry.pk)
    ).exists()


def test_the_form_refuses_an_inverted_window(cast):
    client = cast.client(cast.county_officer)
    response = client.post(
        "/campaigns/new/",
        {
            "name": "测试换届",
            "term_number": 12,
            "rule_province": "",
            "window_start": "2027-03-31",
            "window_end": "2026-11-01",
        },
    )
    assert response.status_code == 200
    assert "换届结束日期（2026-11-01）不能早于开始日期（2027-03-31）" in response.content.decode()
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("term", ["+7", "１２", "12.000", "1_2", " 12 ", "-1"])
def test_the_term_number_takes_plain_digits_only(cast, term):
    """SECURITY.md V11: a count or ordinal Django's IntegerField would take in another spelling is
    refused, so nobody's "12" is silently read as something else."""
    from huanjie.lib.forms import CountField

    client = cast.client(cast.county_officer)
    response = client.post(
        "/campaigns/new/",
        {
            "name": "测试换届",
            "term_number": term,
            "rule_province": "",
            "window_start": "2026-11-01",
            "window_end": "2027-03-31",
        },
    )
    assert response.status_code == 200
    assert CountField.MSG_DIGITS in response.content.decode()
    assert not Campaign.objects.exists()


def test_the_form_creates_a_campaign(cast):
    client = cast.client(cast.county_officer)
    response = client.post(
        "/campaigns/new/",
        {
            "name": "2026年村(社区)“两委”换届",
            "term_number": 12,
            "rule_province": "",
            "window_start": "2026-11-01",
            "window_end": "2027-03-31",
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/campaigns/{campaign.pk}/"


def test_a_town_officer_sees_the_county_campaign_but_only_their_villages(
    cast, django_assert_max_num_queries
):
    campaign = _create(cast)
    client = cast.client(cast.town_officer)
    with django_assert_max_num_queries(14):
        response = client.get(f"/campaigns/{campaign.pk}/")
    codes = {e.region_id for e in response.context["page_obj"]}
    assert codes == {"630121100001", "630121100206", "630121100207"}
    assert client.get("/campaigns/new/").status_code == 404
    assert (
        client.post(
            f"/campaigns/{campaign.pk}/villages/{VILLAGE}/", {"action": "exclude", "reason": "x"}
        ).status_code
        == 404
    )


def test_the_api_lists_the_campaign_and_scoped_villages(cast):
    campaign = _create(cast)
    client = cast.client(cast.town_officer)
    assert [c["id"] for c in client.get("/api/campaigns").json()] == [campaign.pk]
    villages = client.get(f"/api/campaigns/{campaign.pk}/villages").json()
    assert {v["code"] for v in villages} == {"630121100001", "630121100206", "630121100207"}
    assert cast.client(cast.other_county_officer).get("/api/campaigns").json() == []


def test_the_api_serves_regions_and_its_schema(cast):
    client = cast.client(cast.town_officer)
    children = client.get(f"/api/regions/{TOWN}/children").json()
    assert [c["code"] for c in children] == ["630121100001", "630121100206", "630121100207"]
    assert children[0]["kind"] == "community"
    schema = client.get("/api/openapi.json").json()
    assert "/api/campaigns/{pk}/villages" in schema["paths"]
