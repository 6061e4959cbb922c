from __future__ import annotations

from datetime import date

import pytest

from huanjie.conftest import OTHER_TOWN_VILLAGE, TOWN, VILLAGE
from huanjie.voters.models import ChangeReason
from huanjie.voters.services import (
    DuplicateRegistration,
    objection_record,
    proxy_record,
    voter_list_publish,
    voter_register,
    voter_remove,
)
from huanjie.voters.tests.test_roll_cast import make_person, make_roll


@pytest.fixture
def campaign(cast):
    roll = make_roll(cast)
    other = make_roll(cast, code=OTHER_TOWN_VILLAGE, campaign=roll.campaign)
    regs = []
    for i, sex in enumerate("MMFF"):
        person, _ = make_person(f"甲{i}", sex=sex)
        regs.append(
            voter_register(
                actor=cast.village_clerk,
                campaign=roll.campaign,
                village=roll.village,
                person=person,
                category="hukou_absent" if i == 3 else "hukou_resident",
            )
        )
    voter_remove(actor=cast.village_clerk, registration=regs[2], reason=ChangeReason.DIED)
    proxy_record(
        actor=cast.village_clerk,
        principal=regs[1],
        holder=regs[0],
        relation="兄弟",
        close_relative=True,
        filed_on=date(2026, 12, 10),
    )
    publication = voter_list_publish(
        actor=cast.village_clerk,
        campaign=roll.campaign,
        village=roll.village,
        published_on=date(2026, 11, 30),
    )
    objection_record(
        actor=cast.village_clerk,
        publication=publication,
        filer_name="王大",
        subject_name="某人",
        kind="omitted",
        detail="漏登",
        filed_on=date(2026, 12, 2),
        received_on=date(2026, 12, 2),
    )
    person, _ = make_person("乙0", region=OTHER_TOWN_VILLAGE)
    voter_register(
        actor=cast.county_officer,
        campaign=roll.campaign,
        village=other.village,
        person=person,
        category="hukou_resident",
    )
    with pytest.raises(DuplicateRegistration):
        voter_register(
            actor=cast.county_officer,
            campaign=roll.campaign,
            village=other.village,
            person=regs[0].person,
            category="incomer_or_worker_one_year",
        )
    return roll.campaign


def test_the_county_sees_the_figures_of_each_village_and_the_totals(
    cast, campaign, django_assert_max_num_queries
):
    client = cast.client(cast.county_officer)
    # five of them for the figures, whatever the number of villages
    with django_assert_max_num_queries(15):
        response = client.get(f"/voters/{campaign.pk}/figures/630121/")
    assert response.status_code == 200
    rows = {f.region.code: f for f in response.context["rows"]}
    here = rows[VILLAGE]
    assert (here.registered, here.men, here.women) == (3, 2, 1)
    assert here.by_category == {"hukou_resident": 2, "hukou_absent": 1}
    assert here.added == {"new": 4} and here.removed == {"died": 1}
    assert (here.objections_open, here.proxies, here.versions) == (1, 1, 1)
    assert rows[OTHER_TOWN_VILLAGE].registered == 1
    total = response.context["total"]
    assert (total.registered, total.removed_total, total.proxies) == (4, 1, 1)


def test_the_town_sees_only_its_villages(cast, campaign):
    client = cast.client(cast.town_officer)
    response = client.get(f"/voters/{campaign.pk}/figures/{TOWN}/")
    assert [f.region.code for f in response.context["rows"]] == [
        "630121100001",
        "630121100206",
        "630121100207",
    ]
    assert client.get(f"/voters/{campaign.pk}/figures/630121/").status_code == 404
    assert client.get(f"/voters/{campaign.pk}/figures/630121101/").status_code == 404


def test_the_county_lists_the_duplicates_naming_both_villages(cast, campaign):
    page = cast.client(cast.county_officer).get(f"/voters/{campaign.pk}/conflicts/")
    html = page.content.decode()
    assert "甲0" in html and "桥头镇红河限村" in html and "城关镇东门村" in html
    assert (
        cast.client(cast.town_officer).get(f"/voters/{campaign.pk}/conflicts/").status_code == 404
    )
