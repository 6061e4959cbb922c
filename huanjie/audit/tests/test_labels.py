"""The audit log as a person reads it: every event code a service writes has a Chinese name,
roles and changes read as text, the filter offers the events, and the log ships as JSON lines."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse

from huanjie.audit import labels
from huanjie.audit.models import AuditEvent
from huanjie.audit.services import audit_record

ROOT = Path(__file__).resolve().parents[2]
_WRITTEN = re.compile(
    r"""(?:action|audit_action|expire_action)\s*=\s*["']([a-z_]+\.[a-z_]+)["']"""
    r"""|action=["']([a-z_]+\.[a-z_]+)["']\s+if"""
    r"""|else\s+["']([a-z_]+\.[a-z_]+)["']"""
)


def test_every_event_code_a_service_writes_has_a_chinese_name():
    codes: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if "/tests/" in str(path) or "/migrations/" in str(path):
            continue
        for match in _WRITTEN.finditer(path.read_text(encoding="utf-8")):
            codes.update(c for c in match.groups() if c)
    # Importers' expiry events are their audit action + "_expire" unless they name one.
    from huanjie.uploads.importers import importers

    codes.update(i.expire_action or f"{i.audit_action}_expire" for i in importers())
    # A refused access (SECURITY.md L1), written by audit_denied under its constant's name.
    from huanjie.audit.services import ACCESS_DENIED

    codes.add(ACCESS_DENIED)
    assert codes, "the scan found no event codes"
    assert sorted(codes - set(labels.EVENT_LABELS)) == []


def test_roles_and_changes_read_as_text():
    assert (
        labels.roles_text("county_officer,town_officer")
        == "县级工作人员(组织部/民政局)、乡镇工作人员"
    )
    assert labels.changes_text(
        {"registered": False, "fields": {"died_on": {"old": None, "new": "2026-10-05"}}}
    ) == ("已登记：否；fields：（died_on：— → 2026-10-05）")


def test_the_audit_page_shows_names_and_filters_by_event(cast):
    audit_record(
        actor=cast.town_officer,
        action="voter.register",
        changes={"id_masked": "630121********0143"},
    )
    audit_record(actor=cast.town_officer, action="party.member_add", changes={"flowing": True})
    client = cast.client(cast.audit_admin)
    page = client.get(reverse("audit:event_list")).content.decode()
    assert "登记选民" in page and "乡镇工作人员" in page and "身份证号：630121********0143" in page
    assert "{&#x27;" not in page and "{'" not in page  # no Python dicts on the page
    filtered = client.get(reverse("audit:event_list"), {"action": "party."}).content.decode()
    assert "添加党员" in filtered and "登记选民" not in filtered.split("<tbody>")[1]


def test_the_log_ships_as_json_lines_from_an_id(cast):
    first = audit_record(actor=cast.town_officer, action="voter.register")
    audit_record(actor=cast.town_officer, action="voter.remove")
    out = io.StringIO()
    call_command("audit", "export", "--since", str(first.id), stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["event"] for r in lines] == ["选民除名"]
    assert lines[0]["prev_hash"] == first.row_hash
    assert AuditEvent.objects.filter(action="audit.ship").exists()


def test_coded_values_read_in_chinese():
    assert labels.changes_text({"reason": "lost_rights", "status": "probationary"}) == (
        "原因：被依法剥夺政治权利；状态：预备党员"
    )


def test_every_action_a_denial_names_is_shown_in_chinese():
    from huanjie.accounts.permissions import Action
    from huanjie.audit.labels import changes_text

    for action in Action:
        text = changes_text({"permission": str(action)})
        assert str(action) not in text, text
