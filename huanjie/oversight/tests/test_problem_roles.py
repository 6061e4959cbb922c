"""Who does what on an inspection problem's page: the inspection group records, corrects and
reopens it; the town that owns it follows it up and closes it (销号), on the page or by its
follow-up file; each sees only its own buttons, and a move the user may not make answers 404."""

from __future__ import annotations

from huanjie.conftest import VILLAGE
from huanjie.oversight.ledgers import KIND_KEYS
from huanjie.oversight.models import ProblemStatus
from huanjie.oversight.tests import world as ow

KEY = KIND_KEYS["problems"]


def _page(client, campaign, problem):  # type: ignore[no-untyped-def]
    response = client.get(f"/ledgers/{campaign.pk}/{KEY}/{problem.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_town_follows_up_and_closes_but_does_not_edit_the_groups_record(cast, campaign):
    problem = ow.problem(campaign, VILLAGE, [cast.inspector], cast.county_officer)
    page = _page(cast.client(cast.town_officer), campaign, problem)
    assert 'data-testid="move-closed"' in page and 'data-testid="move-rectifying"' in page
    assert '<button class="btn btn-primary">保存</button>' not in page


def test_the_inspector_edits_and_reopens_but_does_not_close(cast, campaign):
    problem = ow.problem(campaign, VILLAGE, [cast.inspector], cast.county_officer, closed=True)
    client = cast.client(cast.inspector)
    page = _page(client, campaign, problem)
    assert 'data-testid="move-rectifying"' in page  # 复查未整改到位，重新整改
    assert '<button class="btn btn-primary">保存</button>' in page
    open_one = ow.problem(campaign, VILLAGE, [cast.inspector], cast.county_officer)
    assert 'data-testid="move-closed"' not in _page(client, campaign, open_one)
    refused = client.post(
        f"/ledgers/{campaign.pk}/{KEY}/{open_one.pk}/move/closed/",
        {"closed-closed_on": "2026-11-25", "closed-close_note": "已整改"},
    )
    assert refused.status_code == 404
    open_one.refresh_from_db()
    assert open_one.status == ProblemStatus.OPEN


def test_the_town_closes_on_the_page(cast, campaign):
    problem = ow.problem(campaign, VILLAGE, [cast.inspector], cast.county_officer)
    response = cast.client(cast.town_officer).post(
        f"/ledgers/{campaign.pk}/{KEY}/{problem.pk}/move/closed/",
        {"closed-closed_on": "2026-11-25", "closed-close_note": "已补贴公告并拍照存档"},
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSED
