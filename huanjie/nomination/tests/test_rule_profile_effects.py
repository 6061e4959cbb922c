"""What a county's own election rules do to the apps above elections (issue 10 item 6): the
voter-list notice cites exactly the texts applied, and a nominee freezes the version. (Moved
out of elections/tests/test_rule_profiles.py: elections may not import the apps above it.)"""

from __future__ import annotations

from datetime import date

import pytest

from huanjie.conftest import VILLAGE
from huanjie.elections import rule_profiles as rp
from huanjie.elections.tests.test_rule_profiles import (
    BEFORE,
    QH,
    _published,
    _use,
    _villagers,
)
from huanjie.regions.models import Region

pytestmark = pytest.mark.django_db


def test_the_voter_list_notice_cites_exactly_what_was_applied(cast, campaign):
    from huanjie.voters.pdf import _wording

    village = Region.objects.get(code=VILLAGE)
    national = _wording(village, campaign)["citations"]
    assert national == "《中华人民共和国村民委员会组织法》"
    _use(cast, campaign, _published(cast))
    campaign.refresh_from_db()
    assert _wording(village, campaign)["citations"] == (
        f"《中华人民共和国村民委员会组织法》和《{QH}》"
    )
    # A community's residents' committee: the village measure was not applied to it.
    community = Region.objects.get(code="630121100001")
    assert _wording(community, campaign)["citations"] == "《中华人民共和国城市居民委员会组织法》"


# ---------------------------------------------------------------------------------------------
# Frozen once an election of the campaign has begun.


def test_a_nominee_freezes_the_version(cast, campaign):
    from huanjie.nomination.models import Nominee
    from huanjie.voters.tests.test_roll_cast import make_person

    profile = _published(cast)
    _use(cast, campaign, profile)
    election = _villagers(cast, campaign)
    assert rp.campaign_started(campaign, BEFORE) is None
    person, _ = make_person("韩玉梅")
    Nominee.objects.create(
        election=election,
        post=election.posts.get(post="member"),
        person=person,
        how_nominated="voters_jointly",
        stage="nominated",
        order=1,
        created_by=cast.county_officer,
    )
    assert rp.campaign_started(campaign, BEFORE) == rp.WHY_NOMINEES
    new = rp.rule_profile_set_parameter(
        actor=cast.county_officer,
        profile=profile,
        parameter="transfer",
        value="required",
        article=None,
        today=BEFORE,
    )
    assert new.version == 2


# ---------------------------------------------------------------------------------------------
# Pages.


def test_the_voter_list_notice_pdf_cites_the_county_measure(cast, tmp_path):
    import os
    import subprocess

    from huanjie.voters.pdf import list_notice_pdf
    from huanjie.voters.tests.test_publication import _publish, _roll_with_voters

    roll, _ = _roll_with_voters(cast, 3)
    rp.campaign_set_rule_profile(
        actor=cast.county_officer, campaign=roll.campaign, profile=_published(cast), today=BEFORE
    )
    publication = _publish(cast, roll, date(2026, 11, 30))
    path = tmp_path / "notice.pdf"
    path.write_bytes(list_notice_pdf(publication))
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = "".join(text.split())
    assert f"根据《中华人民共和国村民委员会组织法》和《{QH}》规定" in flat
    if os.environ.get("HUANJIE_KEEP_NOTICE"):  # to look at it: pdftoppm -png
        path.replace(os.environ["HUANJIE_KEEP_NOTICE"])
