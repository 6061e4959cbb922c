"""What the review pages show a county official and a department: which election a post
belongs to (a Party 委员 and a committee 委员 told apart), the village's short name as the
nomination pages give it, the answered state of a queue item, the styled answer form, and, on
the nominee page, where the nominee's review stands."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from huanjie.accounts.models import Department
from huanjie.conftest import Cast
from huanjie.review import services as s
from huanjie.review.tests.conftest import Reviewers, make_election, make_nominee, to_awaiting
from huanjie.review.tests.test_review import answer, sent_review, two_departments
from huanjie.voters.tests.test_roll_cast import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def var_dir(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = str(tmp_path / "var")


def _party_review(cast: Cast, campaign: Any) -> Any:
    """A Party 委员 nominee (the town Party committee's) sent to the county review."""
    election = make_election(cast, campaign, body="party")
    nominee = make_nominee(cast, election, make_person("祁国强")[0])
    review = s.review_start(actor=cast.town_officer, nominee=nominee)
    to_awaiting(cast, review)
    batch = s.batch_create(actor=cast.county_officer, campaign=campaign, reviews=[review])
    s.batch_send(actor=cast.county_officer, batch=batch, sent_on=date(2026, 12, 1))
    review.refresh_from_db()
    return review


def test_the_pages_name_the_body_and_the_villages_short_name(
    cast: Cast, campaign: Any, reviewers: Reviewers
) -> None:
    two_departments(cast, campaign)
    party = _party_review(cast, campaign)
    committee = sent_review(cast, campaign, "马玉兰")
    court = party.assignments.get(department__department=Department.COURT)
    client = cast.client(reviewers.court)
    for page in (
        client.get(reverse("review:queue")).content.decode(),
        cast.client(cast.county_officer)
        .get(reverse("review:campaign_home", args=[campaign.pk]))
        .content.decode(),
        cast.client(cast.county_officer)
        .get(reverse("review:batch_detail", args=[campaign.pk, committee.batch_id]))
        .content.decode(),
    ):
        assert "村民委员会 · 委员" in page
        assert "红河限村" in page and "红河限村委会" not in page
    assert "村党组织 · 委员" in client.get(reverse("review:queue")).content.decode()
    page = client.get(reverse("review:answer", args=[court.pk])).content.decode()
    assert "村党组织 · 委员" in page and "桥头镇红河限村" in page and "红河限村委会" not in page


def test_the_queue_tells_an_answered_item(cast: Cast, campaign: Any, reviewers: Reviewers) -> None:
    two_departments(cast, campaign)
    review = sent_review(cast, campaign)
    client = cast.client(reviewers.court)
    page = client.get(reverse("review:queue")).content.decode()
    assert ">答复</a>" in page and "查看/修改答复" not in page
    answer(reviewers.court, review)
    court = review.assignments.get(department__department=Department.COURT)
    page = client.get(reverse("review:queue")).content.decode()
    assert "查看/修改答复" in page and ">答复</a>" not in page
    assert court.answered_at is not None
    court.refresh_from_db()
    assert "已答复 <span" in page and court.answered_at.strftime("%Y-") in page


def test_the_answer_form_is_styled_and_labelled(
    cast: Cast, campaign: Any, reviewers: Reviewers
) -> None:
    two_departments(cast, campaign)
    review = sent_review(cast, campaign)
    court = review.assignments.get(department__department=Department.COURT)
    page = cast.client(reviewers.court).get(reverse("review:answer", args=[court.pk]))
    html = page.content.decode()
    assert 'class="form-check form-check-inline"' in html
    assert 'type="radio"' in html and 'class="form-check-input"' in html
    assert "附件（可选，PDF或图片）" in html
    assert 'type="file"' in html and 'class="form-control form-control-sm"' in html
    home = cast.client(cast.county_officer).get(reverse("review:campaign_home", args=[campaign.pk]))
    assert '<td class="text-nowrap">不限</td>' in home.content.decode()


def _status(cast: Cast, user: Any, nominee: Any) -> str:
    url = reverse("nomination:nominee", args=[nominee.election.village.campaign_id, nominee.pk])
    return cast.client(user).get(url).content.decode()


def test_the_nominee_page_shows_where_the_review_stands(
    cast: Cast, campaign: Any, reviewers: Reviewers
) -> None:
    two_departments(cast, campaign)
    election = make_election(cast, campaign)
    nominee = make_nominee(cast, election, make_person("马玉兰")[0])
    assert 'data-testid="review-status"' not in _status(cast, cast.county_officer, nominee)
    review = s.review_start(actor=cast.village_clerk, nominee=nominee)
    assert "村级预审" in _status(cast, cast.county_officer, nominee)
    to_awaiting(cast, review)
    assert "待县级联审" in _status(cast, cast.county_officer, nominee)
    review = sent_review(cast, campaign, "祁国强", election=election)
    page = _status(cast, cast.county_officer, review.nominee)
    assert "第1批 县级联审中" in page
    link = reverse("review:campaign_home", args=[campaign.pk])
    assert f'href="{link}"' in page
    # The inspector sees where it stands, but not a link to pages it may not open.
    page = _status(cast, cast.inspector, review.nominee)
    assert "第1批 县级联审中" in page and f'href="{link}"' not in page
    answer(reviewers.court, review)
    answer(reviewers.police, review)
    review.refresh_from_db()
    s.review_conclude(actor=cast.county_officer, review=review)
    assert "联审通过" in _status(cast, cast.county_officer, review.nominee)
