"""The audit log is append-only and its hash chain names the first row that was changed,
removed or reordered (SECURITY.md L4, L5)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction
from python_calamine import CalamineWorkbook

from huanjie.audit.models import AuditEvent
from huanjie.audit.services import audit_record, audit_verify
from huanjie.conftest import disable_audit_guard


@pytest.fixture
def five_events(db):
    return [
        audit_record(actor=None, action="test.event", object_id=str(i), message=f"第{i}条")
        for i in range(5)
    ]


def test_an_intact_chain_verifies(five_events):
    count, broken = audit_verify()
    assert (count, broken) == (5, None)


def test_the_application_cannot_update_or_delete_a_row(five_events):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=five_events[2].pk).update(message="改过")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=five_events[2].pk).delete()


def test_a_changed_row_is_named(five_events):
    disable_audit_guard()
    AuditEvent.objects.filter(pk=five_events[2].pk).update(message="改过")
    _, broken = audit_verify()
    assert broken is not None
    assert (broken.position, broken.event_id, broken.reason) == (
        3,
        five_events[2].pk,
        "记录内容被修改",
    )


def test_a_removed_row_is_named(five_events):
    disable_audit_guard()
    AuditEvent.objects.filter(pk=five_events[1].pk).delete()
    _, broken = audit_verify()
    assert broken is not None
    assert broken.position == 2
    assert "缺失" in broken.reason


def test_reordered_rows_are_named(five_events):
    disable_audit_guard()
    a, b = five_events[1], five_events[3]
    # Swap the content of two rows, hashes included: each row still matches its own hash.
    fields = ["at", "action", "object_id", "message", "prev_hash", "row_hash"]
    va = {f: getattr(a, f) for f in fields}
    vb = {f: getattr(b, f) for f in fields}
    AuditEvent.objects.filter(pk=a.pk).update(**vb)
    AuditEvent.objects.filter(pk=b.pk).update(**va)
    _, broken = audit_verify()
    assert broken is not None
    assert broken.position == 2


def test_the_verify_command_names_the_first_broken_row(five_events, capsys):
    call_command("audit", "verify")
    assert "共 5 条记录" in capsys.readouterr().out
    disable_audit_guard()
    AuditEvent.objects.filter(pk=five_events[3].pk).update(username="intruder")
    with pytest.raises(SystemExit) as exc:
        call_command("audit", "verify")
    assert exc.value.code == 1
    assert "第 4 条" in capsys.readouterr().err


def test_control_characters_cannot_forge_a_line(db):
    event = audit_record(actor=None, action="test.event", message="正常\n2026-01-01 admin 删除")
    assert "\n" not in event.message


def test_the_audit_administrator_browses_and_exports(cast):
    client = cast.client(cast.audit_admin)
    assert client.get("/audit/").status_code == 200
    response = client.get("/audit/?action=user")
    assert response.status_code == 200
    export = client.get("/audit/export.xlsx?action=user")
    assert export.status_code == 200
    sheet = (
        CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0).to_python()
    )
    assert sheet[0][:3] == ["序号", "时间", "用户名"]
    assert {row[6] for row in sheet[1:]} == {"user.create"}
    assert AuditEvent.objects.filter(action="audit.export", username="auditadmin").exists()
    assert AuditEvent.objects.filter(action="audit.search", username="auditadmin").exists()


def test_the_audit_page_verifies_the_chain(cast):
    response = cast.client(cast.audit_admin).get("/audit/?verify=1")
    assert "哈希链无断裂" in response.content.decode()


@pytest.mark.parametrize(
    "who", ["county_officer", "system_admin", "security_admin", "town_officer"]
)
def test_nobody_else_reads_the_audit_log(cast, who):
    client = cast.client(getattr(cast, who))
    assert client.get("/audit/").status_code == 404
    assert client.get("/audit/export.xlsx").status_code == 404


def test_the_head_command_prints_the_newest_hash_to_copy_off_the_system(five_events, capsys):
    call_command("audit", "head")
    out = capsys.readouterr().out
    assert five_events[-1].row_hash in out and f"第{five_events[-1].id}条" in out
