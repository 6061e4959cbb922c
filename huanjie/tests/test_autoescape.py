"""SECURITY.md V10 (in part): autoescaping stays on, nothing marks text safe but the PDF font
list (a constant of lib.pdf), and a `<script>` kept in stored text reaches a page escaped. The
walk giving every text field a user types `<script>` and requesting every page is
huanjie/tests/test_xss_walk.py."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.conf import settings

from huanjie.audit.services import audit_record

ROOT = Path(__file__).resolve().parents[1]
UNSAFE = re.compile(r"\|\s*safe(seq)?\b|autoescape\s+off|mark_safe|SafeString|format_html")
ALLOWED = {
    ("voters/templates/voters/_notice_style.html", "font_family|safe"),
    ("polls/templates/polls/ballot.html", "font_family|safe"),
    # The PDF documents' CSS font stack (huanjie.lib.pdf.FONT_FAMILY, a constant, quoted names).
    ("results/templates/results/documents/_base.html", "font_family|safe"),
    ("results/templates/results/documents/_title.html", "font_family|safe"),
    ("results/templates/results/documents/_official_page.html", "font_family|safe"),
    ("results/templates/results/documents/record.html", "font_family|safe"),
}


def test_nothing_turns_autoescaping_off_or_marks_text_safe() -> None:
    templates: list[dict[str, Any]] = settings.TEMPLATES
    assert all(t.get("OPTIONS", {}).get("autoescape", True) for t in templates)
    found = set()
    for path in [*ROOT.rglob("*.html"), *ROOT.rglob("*.py")]:
        if "tests" in path.parts or "static" in path.parts:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if match := UNSAFE.search(line):
                token = line[line.rfind("{{", 0, match.start()) + 3 : match.end()].strip()
                found.add((str(path.relative_to(ROOT)), token.replace(" ", "")))
    assert found <= ALLOWED, found - ALLOWED


def test_a_script_in_stored_text_is_shown_escaped(cast):
    audit_record(actor=cast.town_officer, action="test.event", message="<script>alert(1)</script>")
    page = cast.client(cast.audit_admin).get("/audit/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
