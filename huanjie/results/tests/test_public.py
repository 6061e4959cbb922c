"""The public verification page: no login, the code in any spelling, an answer for each
standing, only what the notice shows, the canonical file whose sha256sum is the hash shown, and
a rate limit per client address that is no oracle."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from huanjie.audit.models import AuditEvent
from huanjie.audit.services import ACCESS_DENIED
from huanjie.results import public_views
from huanjie.results.models import PublicCheck, Result, VersionStatus
from huanjie.results.services.certify import (
    result_certify_town,
    result_return,
    version_create,
    version_make_current,
)
from huanjie.results.verify import verify_bytes

LOSERS = ("李强", "赵敏", "孙丽")  # candidates who were not elected (ALL_ELECTED)


def anonymous(address: str = "198.51.100.7") -> Client:
    return Client(REMOTE_ADDR=address)


def ask(client: Client, typed: str) -> Any:
    return client.get(reverse("verify:index"), {"code": typed})


def text(response: Any) -> str:
    return response.content.decode("utf-8")


def superseding(certified: Any, closed: Any) -> Any:
    """A second version of `certified`'s result, made current (as an approved correction)."""
    with transaction.atomic():
        result = Result.objects.select_for_update().get(pk=certified.result_id)
        new = version_create(
            actor=closed.town2,
            result=result,
            polls=certified.document["polls"],
            reason="更正计票结果报告单的录入错误",
            status=VersionStatus.PROPOSED,
            event="result.certify_town",
        )
        version_make_current(
            actor=closed.county2, version=new, reason="批准更正", event="result.certify_county"
        )
    return new


# ---------------------------------------------------------------------------------------------
# The answers.


def test_the_form_needs_no_login(db):
    response = anonymous().get(reverse("verify:index"))
    assert response.status_code == 200
    assert "输入公告上的核验码" in text(response)
    assert response["Cache-Control"] == "no-store"
    assert not PublicCheck.objects.exists()  # the bare form is no lookup


@pytest.mark.parametrize(
    "spell",
    [
        lambda c: c,
        lambda c: c.lower(),
        lambda c: c.replace("-", ""),
        lambda c: " " + c.replace("-", " ") + " ",
        # Full-width digits and letters, as a Chinese input method types them.
        lambda c: "".join(chr(ord(ch) + 0xFEE0) if ch.isalnum() else ch for ch in c),
        lambda c: c.replace("0", "O").lower(),
    ],
)
def test_the_current_version_answers_in_any_spelling(certified, spell):
    response = ask(anonymous(), spell(certified.code))
    page = text(response)
    assert response.status_code == 200
    assert "现行有效（县级已确认）" in page
    assert certified.sha256 in page and certified.code in page
    assert "红河限村" in page and "桥头镇" in page and "第13届村民委员会选举" in page
    assert "张伟（10票）" in page and "王芳（14票）" in page
    assert reverse("verify:file", args=[certified.code]) in page


def test_the_qr_code_page_answers_and_normalises_its_address(certified):
    client = anonymous()
    response = client.get(reverse("verify:code", args=[certified.code]))
    assert response.status_code == 200 and "现行有效（县级已确认）" in text(response)
    response = client.get(f"/verify/{certified.code.lower()}/")
    assert response.status_code == 302
    assert response["Location"] == reverse("verify:code", args=[certified.code])


def test_a_superseded_version_links_the_one_in_force(certified, closed):
    new = superseding(certified, closed)
    client = anonymous()
    page = text(client.get(reverse("verify:code", args=[certified.code])))
    assert "已被更正" in page and "现行为第2版" in page
    assert reverse("verify:code", args=[new.code]) in page
    # The superseded notice's file is still offered: it is what was posted.
    assert client.get(reverse("verify:file", args=[certified.code])).status_code == 200
    page = text(client.get(reverse("verify:code", args=[new.code])))
    assert "现行有效（县级已确认）" in page and "第2版" in page


def test_a_town_certified_version_is_pending_and_offers_no_file(closed):
    version = result_certify_town(actor=closed.cast.town_officer, election=closed.election)
    client = anonymous()
    page = text(client.get(reverse("verify:code", args=[version.code])))
    assert "乡镇已确认、待县级确认" in page and "乡镇确认日期" in page
    assert reverse("verify:file", args=[version.code]) not in page
    response = client.get(reverse("verify:file", args=[version.code]))
    assert response.status_code == 404 and "未找到该核验码" in text(response)


def test_a_returned_version_shows_its_standing_only(closed):
    version = result_certify_town(actor=closed.cast.town_officer, election=closed.election)
    result_return(actor=closed.cast.county_officer, version=version, reason="报告单照片不清晰")
    client = anonymous()
    page = text(client.get(reverse("verify:code", args=[version.code])))
    assert "已退回" in page
    assert "张伟" not in page and version.sha256 not in page
    assert client.get(reverse("verify:file", args=[version.code])).status_code == 404


def test_an_unknown_or_malformed_code(certified):
    client = anonymous()
    response = client.get(reverse("verify:code", args=["0000-0000-0000"]))
    assert response.status_code == 404 and "未找到该核验码" in text(response)
    response = ask(client, "0000 0000 0000")
    assert response.status_code == 200 and "未找到该核验码" in text(response)
    response = ask(client, "3F9A-C2D1")
    assert public_views.MSG_BAD_CODE in text(response)
    response = client.get(reverse("verify:code", args=["<script>"]))
    assert response.status_code == 404 and "<script>" not in text(response)
    assert client.get(reverse("verify:file", args=["nonsense"])).status_code == 404


def test_a_malformed_code_costs_the_count_and_no_other_query(db):
    client = anonymous()
    with CaptureQueriesContext(connection) as queries:
        response = ask(client, "not a code")
    assert response.status_code == 200
    assert [q["sql"] for q in queries] == [queries[0]["sql"]]
    assert "publiccheck" in queries[0]["sql"].lower()


def test_only_what_the_notice_shows(certified, closed):
    page = text(anonymous().get(reverse("verify:code", args=[certified.code])))
    # Candidates who were not elected are not on the notice: not here either.
    for name in LOSERS:
        assert name not in page
    for user in (closed.cast.town_officer, closed.cast.county_officer):
        assert user.username not in page and user.full_name not in page
    # No database ID in a link or elsewhere: the code is the only key.
    assert not re.search(rf"/{certified.pk}/|/{certified.result_id}/", page)
    assert "630121100206" not in page  # nor the region code


def test_the_download_is_the_canonical_file_with_the_shown_hash(certified):
    client = anonymous()
    page = text(client.get(reverse("verify:code", args=[certified.code])))
    response = client.get(reverse("verify:file", args=[certified.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert f"{certified.code}.json" in response["Content-Disposition"]
    shown = re.search(r'data-testid="verify-sha256">([0-9a-f]{64})<', page)
    assert shown is not None
    assert hashlib.sha256(response.content).hexdigest() == shown.group(1) == certified.sha256
    found = verify_bytes(response.content)
    assert found.matches and found.notes == ()


# ---------------------------------------------------------------------------------------------
# The allowance.


def test_the_allowance_is_per_client_and_unknown_codes_count_too(certified, settings):
    client = anonymous("203.0.113.5")
    logged = AuditEvent.objects.count()
    for i in range(public_views.PER_MINUTE):
        code = certified.code if i % 2 else f"{i:04d}-0000-0000"
        assert ask(client, code).status_code == 200
    refused = ask(client, certified.code)
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert "查询过于频繁" in text(refused)
    assert client.get(reverse("verify:file", args=[certified.code])).status_code == 429
    # Another address has its own allowance.
    assert ask(anonymous("203.0.113.6"), certified.code).status_code == 200
    # The refusal is audited once per window, with no actor; a lookup is never audited.
    events = AuditEvent.objects.filter(action="result.public_rate_limited")
    assert events.count() == 1 and events.get().user_id is None
    assert AuditEvent.objects.count() == logged + 1
    # The address itself is never stored: a keyed hash of it.
    clients = set(PublicCheck.objects.values_list("client", flat=True))
    assert len(clients) == 2 and all(re.fullmatch("[0-9a-f]{64}", c) for c in clients)
    assert not any("203.0.113" in c for c in clients)


def test_the_window_starts_again_after_a_minute(certified):
    from datetime import timedelta

    client = anonymous("203.0.113.9")
    for _ in range(public_views.PER_MINUTE + 1):
        ask(client, certified.code)
    assert ask(client, certified.code).status_code == 429
    PublicCheck.objects.update(
        window_start=PublicCheck.objects.get().window_start - timedelta(minutes=2)
    )
    assert ask(client, certified.code).status_code == 200


# ---------------------------------------------------------------------------------------------
# Signed-in users are held to their region, as everywhere.


def test_a_signed_in_user_of_another_county_gets_404_and_the_refusal_is_logged(certified, cast):
    denied = AuditEvent.objects.filter(action=ACCESS_DENIED)
    client = cast.client(cast.other_county_officer)
    for name in ("verify:code", "verify:file"):
        before = denied.count()
        response = client.get(reverse(name, args=[certified.code]))
        assert response.status_code == 404
        assert denied.count() - before == 1
    own = cast.client(cast.county_officer)
    assert own.get(reverse("verify:code", args=[certified.code])).status_code == 200


def test_only_get(certified):
    client = anonymous()
    for name in ("verify:code", "verify:file"):
        assert client.post(reverse(name, args=[certified.code])).status_code in (403, 405)


def test_an_answer_costs_the_count_and_the_lookup(certified, closed):
    client = anonymous()
    with CaptureQueriesContext(connection) as queries:
        assert ask(client, certified.code).status_code == 200
    assert len(queries) == 2
    superseding(certified, closed)
    with CaptureQueriesContext(connection) as queries:
        assert ask(client, certified.code).status_code == 200
    assert len(queries) == 3  # and the version in force
