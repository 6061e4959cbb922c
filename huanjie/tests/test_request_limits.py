"""SECURITY.md V6: Django's request limits stay at (or below) their defaults and nginx caps a
request body near the 20 MB upload limit; H5: every locked package is pinned and hashed."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

REPO = Path(__file__).resolve().parents[2]


def test_django_and_nginx_cap_a_request() -> None:
    assert 1 <= settings.DATA_UPLOAD_MAX_NUMBER_FILES <= 100
    assert 1 <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2_621_440
    assert 1 <= settings.DATA_UPLOAD_MAX_NUMBER_FIELDS <= 1000
    conf = (REPO / "deploy/nginx/huanjie.conf").read_text(encoding="utf-8")
    sizes = re.findall(r"^\s*client_max_body_size\s+(\d+)m;", conf, re.MULTILINE)
    assert sizes and all(20 <= int(size) <= 25 for size in sizes)


def test_every_locked_package_is_pinned_and_hashed() -> None:
    text = (REPO / "requirements.lock").read_text(encoding="utf-8")
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2].strip())
    assert len(entries) > 20
    for entry in entries:
        assert re.match(r"^[A-Za-z0-9_.\[\],-]+==[^ \\]+ \\\n", entry), entry[:60]
        assert "--hash=sha256:" in entry, entry[:60]
