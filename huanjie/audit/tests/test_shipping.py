"""SECURITY.md L6 (the log shipped off the server) and L5 (the head copied off-system)."""

from __future__ import annotations

import io
import json

from django.core.management import call_command

from huanjie.audit.models import AuditEvent
from huanjie.audit.services import audit_record


def _lines(folder):  # type: ignore[no-untyped-def]
    return [
        json.loads(line)
        for path in sorted(folder.glob("audit-*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]


def test_each_event_is_shipped_once_in_order_with_its_hashes_and_the_head(db, tmp_path):
    for n in range(3):
        audit_record(actor=None, action="audit.search", message=f"第{n}次")
    out = io.StringIO()
    call_command("audit", "ship", str(tmp_path), stdout=out)
    first = _lines(tmp_path)
    assert [e["id"] for e in first] == list(
        AuditEvent.objects.order_by("id").values_list("id", flat=True)
    )[:3]
    assert all(e["row_hash"] and e["event"] == "查询审计日志" for e in first)
    assert first[1]["prev_hash"] == first[0]["row_hash"]  # the receiver can check the chain
    audit_record(actor=None, action="audit.search", message="之后")
    call_command("audit", "ship", str(tmp_path), stdout=io.StringIO())
    ids = [e["id"] for e in _lines(tmp_path)]
    assert ids == sorted(set(ids))  # nothing twice, nothing skipped
    assert ids == list(AuditEvent.objects.order_by("id").values_list("id", flat=True))[: len(ids)]
    assert {e["action"] for e in _lines(tmp_path)} >= {"audit.search", "audit.ship"}
    # Each run copies the head as it was when it shipped: the last shipped row's hash.
    heads = (tmp_path / "heads.txt").read_text(encoding="utf-8").splitlines()
    assert len(heads) == 2
    assert heads[-1].endswith(AuditEvent.objects.get(id=ids[-1]).row_hash)
    assert "已投送审计日志" in out.getvalue()


def test_a_folder_that_cannot_be_written_is_one_line_and_exit_2(db, tmp_path, capsys):
    import pytest

    blocked = tmp_path / "file"
    blocked.write_text("x")
    with pytest.raises(SystemExit) as exc:
        call_command("audit", "ship", str(blocked / "sub"))
    assert exc.value.code == 2
    assert "审计日志投送失败" in capsys.readouterr().err
