"""Refused access is audited (SECURITY.md L1 "access-denied ... failures"): an object that exists
out of the user's scope, a page the user's roles do not open, and a service refusing for want of
the action or the scope each leave one access.denied row, and the answer stays the 404 of a
missing object (SECURITY.md C3). A lookup of nothing at all leaves no row (no flood)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from huanjie.accounts.permissions import Action, audit_denied
from huanjie.audit.models import AuditEvent
from huanjie.audit.services import ACCESS_DENIED, flush_denied
from huanjie.conftest import VILLAGE
from huanjie.lib import idcard
from huanjie.regions.models import Region
from huanjie.regions.services import region_kind_correct

OTHER_TOWN = "630121101"  # 城关镇, not the town officer's


def _denied() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=ACCESS_DENIED).order_by("id"))


def _body(response) -> str:
    # The CSP nonce and the CSRF token differ on every response; nothing else may.
    text = re.sub(r'nonce="[^"]*"', "", response.content.decode())
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "", text)


def test_another_towns_object_by_url_leaves_one_row_and_the_404_of_a_missing_one(cast):
    client = cast.client(cast.town_officer)
    refused = client.get(f"/regions/{OTHER_TOWN}/")
    assert _denied() and len(_denied()) == 1
    missing = client.get("/regions/630121199/")  # no such town
    assert refused.status_code == missing.status_code == 404
    assert _body(refused) == _body(missing)
    assert len(_denied()) == 1  # nothing there: no event
    event = _denied()[0]
    assert (event.user_id, event.outcome, event.object_type) == (
        cast.town_officer.pk,
        "failure",
        "regions.region",
    )
    assert event.changes == {
        "permission": "view_regions",
        "lookup": {"code": OTHER_TOWN},
        "path": f"/regions/{OTHER_TOWN}/",
    }
    assert event.scope == cast.town_officer.region_id and event.request_id


def test_a_reviewer_on_a_page_needing_manage_voters_leaves_one_row(cast):
    client = cast.client(cast.reviewer)
    refused = client.get("/voters/changes/")
    missing = client.get("/voters/no-such-page/")
    assert refused.status_code == missing.status_code == 404
    assert _body(refused) == _body(missing)
    [event] = _denied()
    assert (event.user_id, event.object_type) == (cast.reviewer.pk, "")
    assert event.changes == {"permission": "manage_voters", "path": "/voters/changes/"}


def test_a_campaign_of_another_county_is_audited_a_missing_one_is_not(cast, campaign):
    client = cast.client(cast.other_county_officer)
    assert client.get(f"/campaigns/{campaign.pk}/").status_code == 404
    assert client.get(f"/campaigns/{campaign.pk + 1000}/").status_code == 404
    [event] = _denied()
    assert event.object_type == "elections.campaign"
    assert event.changes["lookup"] == {"pk": str(campaign.pk)}


def test_the_row_survives_a_request_that_rolls_back(cast, monkeypatch):
    """With ATOMIC_REQUESTS the view's transaction rolls back with its 404; the refusal kept
    meanwhile is written once it has (audit.middleware)."""
    monkeypatch.setitem(connection.settings_dict, "ATOMIC_REQUESTS", True)
    response = cast.client(cast.town_officer).get(f"/regions/{OTHER_TOWN}/")
    assert response.status_code == 404
    [event] = _denied()
    assert event.user_id == cast.town_officer.pk


def test_a_service_refusal_survives_its_rollback(cast):
    """The refusal is raised through a transaction that rolls back: the row is kept aside and
    written after it (at the request's end, or by the next audit event)."""
    region = Region.objects.get(code=VILLAGE)
    with pytest.raises(ValidationError), transaction.atomic():
        region_kind_correct(actor=cast.town_officer, region=region, kind="community", reason="x")
    assert _denied() == []  # still kept aside: the test's own block is no request's end
    assert flush_denied() == 1
    [event] = _denied()
    assert (event.object_type, event.object_id) == ("regions.region", VILLAGE)
    assert event.changes["permission"] == "correct_region_kind"


def test_a_service_refusal_in_a_committed_transaction_is_written_on_commit(
    cast, django_capture_on_commit_callbacks
):
    region = Region.objects.get(code=VILLAGE)
    # The refusal is caught inside the block, which then commits (as a view catching it would).
    with (
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
        pytest.raises(ValidationError),
    ):
        region_kind_correct(actor=cast.village_clerk, region=region, kind="community", reason="x")
    [event] = _denied()
    assert event.user_id == cast.village_clerk.pk


def test_a_looked_up_id_number_is_never_written_in_full(cast):
    number = idcard.generate("630121", date(1980, 5, 1), "M", 7)
    audit_denied(cast.town_officer, Action.VIEW_PEOPLE, lookup={"id_number": number})
    [event] = _denied()
    assert number not in str(event.changes)
    assert event.changes["lookup"]["id_number"] == idcard.mask(number)
