"""The progress board shows which reviews wait on which department (issue 10 item 7)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from huanjie.conftest import COUNTY, OTHER_TOWN_VILLAGE, TOWN, Cast
from huanjie.nomination.progress import sections
from huanjie.regions.models import Region
from huanjie.review.tests.conftest import Reviewers
from huanjie.review.tests.test_review import answer, sent_review, two_departments

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def var_dir(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = str(tmp_path / "var")


def _rows(user: Any, campaign: Any, code: str) -> dict[str, tuple]:
    found = sections(user, campaign, Region.objects.get(code=code))
    assert [s.title for s in found] == ["资格联审待办"]
    return {str(row[0]): row[1:] for row in found[0].rows}


def test_the_board_shows_who_waits_on_which_department(
    cast: Cast, campaign: Any, reviewers: Reviewers
) -> None:
    county = Region.objects.get(code=COUNTY)
    assert sections(cast.county_officer, campaign, county) == []  # no review set up
    two_departments(cast, campaign)
    review = sent_review(cast, campaign)
    rows = _rows(cast.county_officer, campaign, COUNTY)
    assert rows["法院"] == (1, 1) and rows["公安"] == (1, 1)
    answer(reviewers.court, review)
    rows = _rows(cast.county_officer, campaign, COUNTY)
    assert rows["法院"] == (1, 0) and rows["公安"] == (1, 1)
    # Another town's area holds nobody; the town officer sees the own town's.
    assert "法院" not in _rows(cast.county_officer, campaign, OTHER_TOWN_VILLAGE[:9])
    assert _rows(cast.town_officer, campaign, TOWN)["公安"] == (1, 1)

    page = cast.client(cast.county_officer).get(
        reverse("nomination:board", args=[campaign.pk, COUNTY])
    )
    assert "资格联审待办" in page.content.decode() and "公安" in page.content.decode()
