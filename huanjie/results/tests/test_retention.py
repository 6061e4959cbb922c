"""The hourly job drops the public check's rate rows older than a day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from huanjie.results.models import PublicCheck
from huanjie.retention import purge_expired


@pytest.mark.django_db
def test_the_hourly_job_drops_rate_rows_older_than_a_day():
    now = timezone.now()
    PublicCheck.objects.create(client="a" * 64, window_start=now - timedelta(days=2), requests=3)
    PublicCheck.objects.create(client="b" * 64, window_start=now - timedelta(hours=2), requests=1)
    purge_expired()
    assert list(PublicCheck.objects.values_list("client", flat=True)) == ["b" * 64]
