"""Once a campaign's joint review is set up, a nominee is qualified only by the review's
clearance: the nomination service refuses a direct qualification and the nominee page offers
no qualify or disqualify form (issue 10: every intended candidate passes one tracked review)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from huanjie.conftest import Cast
from huanjie.nomination import services as n
from huanjie.nomination.models import Stage
from huanjie.review import services as s
from huanjie.review.tests.conftest import Reviewers, make_election, make_nominee
from huanjie.review.tests.test_review import answer, sent_review, two_departments
from huanjie.voters.tests.test_roll_cast import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def var_dir(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = str(tmp_path / "var")


def test_without_a_review_the_county_qualifies_directly(cast: Cast, campaign: Any) -> None:
    nominee = make_nominee(cast, make_election(cast, campaign), make_person("马玉兰")[0])
    n.nominee_send_to_review(actor=cast.county_officer, nominee=nominee)
    n.nominee_qualify(actor=cast.county_officer, nominee=nominee)
    assert nominee.stage == Stage.QUALIFIED


def test_with_the_review_set_up_only_its_clearance_qualifies(
    cast: Cast, campaign: Any, reviewers: Reviewers
) -> None:
    two_departments(cast, campaign)
    review = sent_review(cast, campaign)
    nominee = review.nominee
    nominee.refresh_from_db()
    with pytest.raises(ValidationError, match="由资格联审作出"):
        n.nominee_qualify(actor=cast.county_officer, nominee=nominee)
    nominee.refresh_from_db()
    assert nominee.stage == Stage.UNDER_REVIEW

    # The nominee page offers the county no qualify or disqualify form, and says why.
    url = reverse("nomination:nominee", args=[campaign.pk, nominee.pk])
    page = cast.client(cast.county_officer).get(url).content.decode()
    assert "由资格联审作出" in page
    assert 'data-testid="move-qualify"' not in page
    assert 'data-testid="move-disqualify"' not in page
    assert 'data-testid="move-withdraw"' in page  # the page offers the other moves
    move = reverse("nomination:nominee_move", args=[campaign.pk, nominee.pk, "qualify"])
    cast.client(cast.county_officer).post(move, {"qualify-reason": "直接通过"})
    nominee.refresh_from_db()
    assert nominee.stage == Stage.UNDER_REVIEW

    answer(reviewers.court, review)
    answer(reviewers.police, review)
    s.review_conclude(actor=cast.county_officer, review=review)
    nominee.refresh_from_db()
    assert nominee.stage == Stage.QUALIFIED


def test_a_nominee_sent_to_review_from_the_nominee_page_enters_the_joint_review(
    cast: Cast, campaign: Any
) -> None:
    from huanjie.review.models import Review, ReviewState

    nominee = make_nominee(cast, make_election(cast, campaign), make_person("韩玉梅")[0])
    # Before the county sets up the review, the move is the nomination's alone.
    n.nominee_send_to_review(actor=cast.county_officer, nominee=nominee)
    assert not Review.objects.filter(nominee=nominee).exists()

    s.review_setup(actor=cast.county_officer, campaign=campaign)
    other = make_nominee(cast, nominee.election, make_person("祁生秀")[0])
    move = reverse("nomination:nominee_move", args=[campaign.pk, other.pk, "send_to_review"])
    cast.client(cast.village_clerk).post(move, {"send_to_review-reason": "选委会审核通过"})
    other.refresh_from_db()
    review = Review.objects.get(nominee=other)
    assert other.stage == Stage.UNDER_REVIEW and review.state == ReviewState.PRE_REVIEW
    assert review.history.count() == 1
    # review_start on a nominee still 初步人选 gives the one review the hook made.
    third = make_nominee(cast, nominee.election, make_person("马进才")[0])
    started = s.review_start(actor=cast.village_clerk, nominee=third)
    assert list(Review.objects.filter(nominee=third)) == [started]
