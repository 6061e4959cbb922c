"""Issue 12's results in the browser, on an election voted and counted the way the demo's is
(huanjie.results.demo: the first poll set up, voted by most of the roll, its sheet keyed twice,
closed; each box's signed tally sheet photographed and compared by the town): the town certifies
it, the county certifies it; the town finds a member's votes keyed wrong on the central box's
sheet and corrects them; the county approves the correction as version 2. Without a login, the
public page answers for version 2's code as the version in force and marks version 1's
superseded; the canonical file downloaded from it recomputes under `huanjie verify`."""

from __future__ import annotations

import io
import random
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from huanjie.browser_tests.conftest import shot
from huanjie.conftest import VILLAGE, make_campaign
from huanjie.polls.tests.conftest import fixed_election
from huanjie.regions.models import Region
from huanjie.results.demo import sheets_photographed, vote
from huanjie.results.models import ResultVersion, VersionStatus
from huanjie.voters.services import voter_register
from huanjie.voters.tests.test_roll_cast import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = timezone.localdate()


def _counted(cast):  # type: ignore[no-untyped-def]
    """红河限村's villagers' committee voted today on a roll of 40, counted and closed, its paper
    photographed and compared by the town: (election, poll, agreed figures)."""
    campaign = make_campaign(
        cast,
        term=13,
        start=TODAY - timedelta(days=60),
        end=TODAY + timedelta(days=120),
        election_day=TODAY,
    )
    election, _ = fixed_election(cast.county_officer, campaign, VILLAGE)
    region = Region.objects.get(code=VILLAGE)
    for i in range(40):
        person, _ = make_person(f"选民{i + 1}", date(1956, 3, 5) + timedelta(days=i * 3))
        voter_register(
            actor=cast.county_officer,
            campaign=campaign,
            village=region,
            person=person,
            category="hukou_resident",
        )
    rng = random.Random(12)
    poll, figures = vote(
        election=election, town=cast.town_officer, county=cast.county_officer, rng=rng
    )
    sheets_photographed(poll, cast.town_officer, figures)
    return election, poll, figures


def test_certified_by_two_people_corrected_and_checked_by_anyone(sessions, live_server, cast):
    election, poll, figures = _counted(cast)
    result_url = f"{live_server.url}/results/election/{election.pk}/"

    # The town certifies what the count says.
    town = sessions("town")
    town.goto(result_url)
    assert town.get_by_test_id("result-status").inner_text() == "待乡镇确认"
    directors = figures["votes"]["director"]
    assert max(directors, key=directors.__getitem__) in town.get_by_test_id("elected").inner_text()
    town.get_by_test_id("paper-link").click()
    assert town.get_by_test_id("box-state").first.is_visible()
    shot(town, "results-paper")
    town.goto(result_url)
    town.get_by_test_id("certify-town").click()
    assert town.get_by_test_id("result-status").inner_text() == "乡镇已确认"
    first = ResultVersion.objects.get()
    assert first.status == VersionStatus.TOWN_CERTIFIED

    # The county certifies it: locked and in force.
    county = sessions("county")
    county.goto(result_url)
    county.get_by_test_id("certify-county").click()
    assert county.get_by_test_id("result-status").inner_text() == "已确认（现行）"
    shot(county, "results-certified")
    first.refresh_from_db()
    assert first.status == VersionStatus.CERTIFIED

    # The town finds a losing member's votes keyed wrong and corrects them.
    central = poll.boxes.get(mobile=False)
    members = figures["votes"]["member"]
    loser = list(members)[-1]
    town.goto(result_url)
    town.get_by_test_id("corrections-link").click()
    form = town.get_by_test_id("open-form")
    form.locator("input[name=kind][value=amend]").check()
    form.locator(f"input[name=boxes][value='{central.pk}']").check()
    form.locator("textarea[name=reason]").fill(
        "核对签字的计票结果报告单，一名委员候选人的得票录入有误"
    )
    town.get_by_test_id("open-correction").click()
    town.get_by_test_id(f"enter-{central.pk}").click()
    field = town.locator(f"input[name='votes.member.{loser}']")
    assert field.input_value() == str(members[loser])
    field.fill(str(members[loser] - 2))
    town.get_by_test_id("save-box").click()
    assert town.get_by_test_id("winners-same").is_visible()
    town.get_by_test_id("submit-correction").click()
    assert not town.get_by_test_id("approve-correction").count()  # not by who opened it
    shot(town, "results-correction")

    # The county approves it: version 2 in force, version 1 superseded.
    county.goto(town.url)
    county.get_by_test_id("approve-correction").click()
    second = ResultVersion.objects.get(number=2)
    first.refresh_from_db()
    assert (first.status, second.status) == (VersionStatus.SUPERSEDED, VersionStatus.CERTIFIED)
    county.goto(result_url)
    assert second.code in county.get_by_test_id("result-code").inner_text()
    assert "已被更正" in county.get_by_test_id("version-1").inner_text()
    county.get_by_test_id("roster-link").click()
    roster = county.content()
    assert all(e["name"] in roster for e in second.document["outcome"]["elected"])
    shot(county, "results-roster")
    county.goto(result_url)
    county.get_by_test_id("documents-1").click()
    assert county.get_by_test_id("superseded").is_visible()
    shot(county, "results-documents-superseded")

    # Anyone, without a login: the new code is in force, the old one superseded.
    anyone = sessions("")
    anyone.goto(f"{live_server.url}/verify/")
    anyone.locator("input[name=code]").fill(second.code.replace("-", " ").lower())
    anyone.get_by_test_id("verify-submit").click()
    assert "现行有效" in anyone.content()
    shot(anyone, "results-verify-current")
    anyone.goto(f"{live_server.url}/verify/{first.code}/")
    text = anyone.content()
    assert "已被更正" in text and second.code in text
    shot(anyone, "results-verify-superseded")

    # The canonical file of version 2, downloaded from the public page, recomputes.
    anyone.goto(f"{live_server.url}/verify/{second.code}/")
    with anyone.expect_download() as download:
        anyone.get_by_test_id("verify-file").click()
    saved = Path(download.value.path())
    out = io.StringIO()
    call_command("verify", str(saved), code=second.code, stdout=out)  # exit 0: no SystemExit
    assert second.sha256 in out.getvalue()
