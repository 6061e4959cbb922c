"""SECURITY.md P6: at most 60 requests a minute per user to the pages listing personal data."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from huanjie.accounts import throttle
from huanjie.accounts.models import RequestWindow
from huanjie.audit.models import AuditEvent
from huanjie.conftest import VILLAGE


def test_the_sixty_first_list_page_in_a_minute_is_refused_and_audited_once(cast, campaign):
    client = cast.client(cast.town_officer)
    roll = reverse("voters:roll", kwargs={"pk": campaign.pk, "code": VILLAGE})
    region = reverse("regions:detail", kwargs={"code": VILLAGE})
    for n in range(throttle.PER_MINUTE):
        assert client.get(roll if n % 2 else region).status_code == 200, n
    refused = client.get(roll)
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert "过于频繁" in refused.content.decode()
    assert client.get(region).status_code == 429
    assert AuditEvent.objects.filter(action="access.rate_limited", username="town").count() == 1
    # Another user is not held back; nor is this one a minute later.
    assert cast.client(cast.county_officer).get(roll).status_code == 200
    RequestWindow.objects.filter(user=cast.town_officer).update(
        window_start=timezone.now() - timedelta(seconds=61)
    )
    assert client.get(roll).status_code == 200
