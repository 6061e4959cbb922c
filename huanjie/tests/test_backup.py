"""`huanjie backup` and `huanjie restore` as an operator runs them, on a site of its own (a temporary
VAR_DIR, or scratch PostgreSQL databases): the restored site has the same audit head and a chain
that verifies, a changed file or a non-empty database is refused before anything is touched, and
no key ever lands in a backup (SECURITY.md D2, D6)."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from huanjie.backups import KEY_REMINDER, MSG_BAD_SUM, MSG_TARGET_NOT_EMPTY, MSG_UNLISTED, SUMS

pytestmark = pytest.mark.xdist_group("backup")

FIELD_KEY = base64.b64encode(b"backup-test-field-key-0123456789").decode()
LOOKUP_KEY = "backup-test-lookup-key-4f2c9a"
UPLOAD = b"name,id\n\xe5\xbc\xa0\xe4\xb8\x89,x\n"

MAKE_EVENTS = """
from huanjie.audit.services import audit_record
for i in range(3):
    audit_record(actor=None, action="login_failed", username=f"u{i}", message="backup test")
"""


def _env(var_dir: Path, database_url: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    env["HUANJIE_VAR_DIR"] = str(var_dir)
    env["HUANJIE_FIELD_KEYS"] = f"2:{FIELD_KEY}"
    env["HUANJIE_LOOKUP_KEY"] = LOOKUP_KEY
    return env


def huanjie(env: dict[str, str], *args: str) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "huanjie", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


def _make_site(env: dict[str, str]) -> None:
    assert huanjie(env, "migrate", "--no-input", "-v", "0")[0] == 0
    assert huanjie(env, "shell", "-c", MAKE_EVENTS)[0] == 0
    uploads = Path(env["HUANJIE_VAR_DIR"]) / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    (uploads / "pending.csv").write_bytes(UPLOAD)


def _head(env: dict[str, str]) -> str:
    code, out = huanjie(env, "audit", "head")
    assert code == 0, out
    return out.split()[-1]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], Path, str]:
    """A migrated SQLite site with three audit events and one upload, its backup, and what
    `huanjie backup` printed."""
    root = tmp_path_factory.mktemp("site")
    env = _env(root / "var")
    _make_site(env)
    code, out = huanjie(env, "backup", str(root / "backup"))
    assert code == 0, out
    return env, root / "backup", out


def test_a_restored_site_has_the_same_audit_head_and_a_sound_chain(site, tmp_path):
    env, backup, _ = site
    restored = _env(tmp_path / "var")
    code, out = huanjie(restored, "restore", str(backup))
    assert code == 0, out
    head = _head(env)
    assert head in out
    assert huanjie(restored, "audit", "verify")[0] == 0
    assert _head(restored) == head
    assert (tmp_path / "var" / "uploads" / "pending.csv").read_bytes() == UPLOAD


def test_restore_with_force_replaces_a_non_empty_database(site):
    env, backup, _ = site
    code, out = huanjie(env, "restore", "--force", str(backup))
    assert code == 0, out
    assert huanjie(env, "audit", "verify")[0] == 0


def test_the_backup_has_a_checksum_for_every_file(site):
    _, backup, _ = site
    listed = {line.split("  ", 1)[1] for line in (backup / SUMS).read_text().splitlines()}
    assert listed == {"database.sqlite3", "manifest.json", "uploads/pending.csv"}


def test_no_key_is_ever_written_into_a_backup(site):
    _, backup, _ = site
    secrets = [FIELD_KEY.encode(), base64.b64decode(FIELD_KEY), LOOKUP_KEY.encode()]
    for path in backup.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not [s for s in secrets if s in data], path
    # What it does say is which key versions a restore needs.
    assert json.loads((backup / "manifest.json").read_text())["field_key_versions"] == ["2"]


def test_backup_reminds_that_the_keys_are_escrowed_apart(site):
    _, _, out = site
    assert KEY_REMINDER.format(versions="2") in out


# The refusals happen before the database is touched, so they run in this process.


def test_backup_refuses_a_folder_that_holds_files(tmp_path):
    (tmp_path / "old.txt").write_text("x")
    with pytest.raises(CommandError, match=re.escape(MSG_TARGET_NOT_EMPTY.format(path=tmp_path))):
        call_command("backup", str(tmp_path))


@pytest.mark.django_db
def test_restore_refuses_a_non_empty_database_without_force(site):
    _, backup, _ = site
    with pytest.raises(CommandError, match="目标数据库不为空") as refused:
        call_command("restore", str(backup))
    assert refused.value.returncode == 2


def test_restore_refuses_a_changed_file_before_touching_the_database(site, tmp_path):
    _, backup, _ = site
    copy = tmp_path / "backup"
    shutil.copytree(backup, copy)
    with (copy / "database.sqlite3").open("r+b") as f:
        f.seek(-10, os.SEEK_END)
        f.write(b"tampered!!")
    with pytest.raises(CommandError, match=re.escape(MSG_BAD_SUM.format(name="database.sqlite3"))):
        call_command("restore", str(copy))


def test_restore_refuses_a_file_added_to_the_backup(site, tmp_path):
    _, backup, _ = site
    copy = tmp_path / "backup"
    shutil.copytree(backup, copy)
    (copy / "uploads" / "planted.csv").write_bytes(b"x")
    with pytest.raises(
        CommandError, match=re.escape(MSG_UNLISTED.format(name="uploads/planted.csv"))
    ):
        call_command("restore", str(copy))


# --- PostgreSQL ---------------------------------------------------------------------------------


@pytest.fixture
def scratch_databases() -> Iterator[tuple[str, str]]:
    """Two empty databases on the test run's PostgreSQL server, dropped afterwards."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("PostgreSQL only (run with DATABASE_URL=postgres://...)")
    import psycopg

    names = [f"huanjie_backup_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    with psycopg.connect(_pg_url("postgres"), autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield names[0], names[1]
        finally:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_url(name: str) -> str:
    db = settings.DATABASES["default"]
    auth = db.get("USER") or ""
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"


def test_a_postgresql_backup_restores_into_an_empty_database(scratch_databases, tmp_path):
    source_name, target_name = scratch_databases
    source = _env(tmp_path / "source", _pg_url(source_name))
    _make_site(source)
    code, out = huanjie(source, "backup", str(tmp_path / "backup"))
    assert code == 0, out
    assert (tmp_path / "backup" / "database.pgdump").read_bytes()[:5] == b"PGDMP"

    target = _env(tmp_path / "target", _pg_url(target_name))
    code, out = huanjie(target, "restore", str(tmp_path / "backup"))
    assert code == 0, out
    assert huanjie(target, "audit", "verify")[0] == 0
    assert _head(target) == _head(source)

    code, out = huanjie(target, "restore", str(tmp_path / "backup"))
    assert code == 2
    code, out = huanjie(target, "restore", "--force", str(tmp_path / "backup"))
    assert code == 0, out
    assert _head(target) == _head(source)
