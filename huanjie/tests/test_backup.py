"""`huanjie backup` and `huanjie restore` as an operator runs them, on a site of its own (a temporary
VAR_DIR, or scratch PostgreSQL databases): the restored site has the same audit head and a chain
that verifies, a changed file or a non-empty database is refused before anything is touched, and
no key ever lands in a backup (SECURITY.md D2, D6).

Backups are encrypted under HUANJIE_BACKUP_KEYS (SECURITY.md D6): no name, masked ID or upload
shows in the files, and a flipped byte, a cut file or a wrong key is refused with one Chinese
line while the target site stays exactly as it was."""

from __future__ import annotations

import base64
import io
import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from huanjie.backups import (
    BACKUP_KEY_REMINDER,
    KEY_REMINDER,
    MANIFEST,
    MSG_BACKUP_KEY_MISSING,
    MSG_BAD_SUM,
    MSG_NO_BACKUP_KEY,
    MSG_PLAIN_WARNING,
    MSG_SEALED_DAMAGED,
    MSG_TARGET_NOT_EMPTY,
    MSG_TOOL_FAILED,
    MSG_UNLISTED,
    MSG_WRONG_BACKUP_KEY,
    SUMS,
    BackupError,
)

pytestmark = pytest.mark.xdist_group("backup")

FIELD_KEY = base64.b64encode(b"backup-test-field-key-0123456789").decode()
LOOKUP_KEY = "backup-test-lookup-key-4f2c9a"
BACKUP_KEY = base64.b64encode(b"backup-test-backup-key-987654321").decode()
OTHER_BACKUP_KEY = base64.b64encode(b"another-backup-key-not-the-right").decode()
UPLOAD = b"name,id\n\xe5\xbc\xa0\xe4\xb8\x89,x\n"
UPLOAD_NAME = "东门村待导入名单.csv"
# What a thief must not read in an encrypted backup: a person's name, masked ID number and
# village, an audit message, an upload's name and content, SQLite's file signature.
PERSON_NAME = "欧阳备份"
ID_MASKED = "630121********0143"
VILLAGE = "备份测试村民委员会"
PROBE = "备份明文探针7f3a"
PLAINTEXTS = [
    PERSON_NAME.encode(),
    ID_MASKED.encode(),
    VILLAGE.encode(),
    PROBE.encode(),
    UPLOAD,
    UPLOAD_NAME.encode(),
    b"SQLite format 3",
    b"PGDMP",
]

MAKE_EVENTS = f"""
from datetime import date
from huanjie.audit.services import audit_record
from huanjie.people.services import PersonIn, person_row
from huanjie.regions.models import Region
Region.objects.create(code="630121100201", name="{VILLAGE}", level=5, kind="village")
person_row(PersonIn(id_number="630121199001010143", name="{PERSON_NAME}", sex="F",
    birth_date=date(1990, 1, 1), ethnicity="01", region_code="630121100201")).save()
for i in range(3):
    audit_record(actor=None, action="login_failed", username=f"u{{i}}", message="{PROBE}")
"""
ONE_MORE_EVENT = """
from huanjie.audit.services import audit_record
audit_record(actor=None, action="login_failed", username="other")
"""
SHOW_PERSON = "from huanjie.people.models import Person; print(Person.objects.get().name)"


def _env(
    var_dir: Path, database_url: str | None = None, *, backup_keys: str = f"3:{BACKUP_KEY}"
) -> dict[str, str]:
    """A production environment (DEBUG false) of a site in `var_dir`."""
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    env["DEBUG"] = "false"
    env["HUANJIE_VAR_DIR"] = str(var_dir)
    env["HUANJIE_FIELD_KEYS"] = f"2:{FIELD_KEY}"
    env["HUANJIE_LOOKUP_KEY"] = LOOKUP_KEY
    env["HUANJIE_BACKUP_KEYS"] = backup_keys
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
    (uploads / UPLOAD_NAME).write_bytes(UPLOAD)


def _person_name(env: dict[str, str]) -> str:
    code, out = huanjie(env, "shell", "-c", SHOW_PERSON)
    assert code == 0, out
    return out.split()[-1]


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
    assert (tmp_path / "var" / "uploads" / UPLOAD_NAME).read_bytes() == UPLOAD
    assert _person_name(restored) == PERSON_NAME


def test_restore_with_force_replaces_a_non_empty_database(site):
    env, backup, _ = site
    code, out = huanjie(env, "restore", "--force", str(backup))
    assert code == 0, out
    assert huanjie(env, "audit", "verify")[0] == 0


def test_the_backup_has_a_checksum_for_every_file(site):
    _, backup, _ = site
    listed = {line.split("  ", 1)[1] for line in (backup / SUMS).read_text().splitlines()}
    assert listed == {"database.sqlite3.enc", "manifest.json", "uploads.tar.enc"}


def test_the_backup_files_hold_no_plaintext(site):
    _, backup, _ = site
    for path in backup.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not [s for s in PLAINTEXTS if s in data], path
    # The manifest says, in clear, that they are encrypted and which backup key opens them.
    encryption = json.loads((backup / "manifest.json").read_text())["encryption"]
    assert encryption["cipher"] == "AES-256-GCM"
    assert encryption["key_version"] == "3"


def test_no_key_is_ever_written_into_a_backup(site):
    _, backup, _ = site
    secrets = [
        FIELD_KEY.encode(),
        base64.b64decode(FIELD_KEY),
        LOOKUP_KEY.encode(),
        BACKUP_KEY.encode(),
        base64.b64decode(BACKUP_KEY),
    ]
    for path in backup.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not [s for s in secrets if s in data], path
    # What it does say is which key versions a restore needs.
    assert json.loads((backup / "manifest.json").read_text())["field_key_versions"] == ["2"]


def test_backup_reminds_that_the_keys_are_escrowed_apart(site):
    _, _, out = site
    assert KEY_REMINDER.format(versions="2") in out
    assert BACKUP_KEY_REMINDER.format(version="3") in out


def test_a_development_backup_without_a_key_is_plain_and_says_so(site, tmp_path):
    env, _, _ = site
    development = {**env, "DEBUG": "true", "HUANJIE_BACKUP_KEYS": ""}
    code, out = huanjie(development, "backup", str(tmp_path / "plain"))
    assert code == 0, out
    assert MSG_PLAIN_WARNING in out
    assert json.loads((tmp_path / "plain" / "manifest.json").read_text())["encryption"] is None
    # What the encrypted backup hides is here in clear, so the test above can see it missing.
    assert PERSON_NAME.encode() in (tmp_path / "plain" / "database.sqlite3").read_bytes()
    assert (tmp_path / "plain" / "uploads" / UPLOAD_NAME).read_bytes() == UPLOAD
    # Restoring one needs no key, even in production: it reveals nothing.
    restored = _env(tmp_path / "var", backup_keys="")
    code, out = huanjie(restored, "restore", str(tmp_path / "plain"))
    assert code == 0, out
    assert _head(restored) == _head(env)


def test_production_refuses_to_back_up_without_a_key(tmp_path):
    with (
        override_settings(DEBUG=False, HUANJIE_BACKUP_KEYS=""),
        pytest.raises(CommandError, match=re.escape(MSG_NO_BACKUP_KEY)) as refused,
    ):
        call_command("backup", str(tmp_path / "backup"))
    assert refused.value.returncode == 2
    assert not (tmp_path / "backup").exists()


def test_production_refuses_to_back_up_without_a_key_from_the_environment(tmp_path):
    code, out = huanjie(_env(tmp_path / "var", backup_keys=""), "backup", str(tmp_path / "b"))
    assert (code, out.strip()) == (2, f"CommandError: {MSG_NO_BACKUP_KEY}")
    assert not (tmp_path / "b").exists()


# The refusals happen before the database is touched, so they run in this process.


@override_settings(HUANJIE_BACKUP_KEYS=f"3:{BACKUP_KEY}")
def test_backup_refuses_a_folder_that_holds_files(tmp_path):
    (tmp_path / "old.txt").write_text("x")
    with pytest.raises(CommandError, match=re.escape(MSG_TARGET_NOT_EMPTY.format(path=tmp_path))):
        call_command("backup", str(tmp_path))


@pytest.mark.django_db
@override_settings(HUANJIE_BACKUP_KEYS=f"3:{BACKUP_KEY}")
def test_restore_refuses_a_non_empty_database_without_force(site):
    _, backup, _ = site
    with pytest.raises(CommandError, match="目标数据库不为空") as refused:
        call_command("restore", str(backup))
    assert refused.value.returncode == 2


def test_restore_refuses_a_changed_file_before_touching_the_database(site, tmp_path):
    _, backup, _ = site
    copy = tmp_path / "backup"
    shutil.copytree(backup, copy)
    _flip_byte(copy / "database.sqlite3.enc")
    with pytest.raises(
        CommandError, match=re.escape(MSG_BAD_SUM.format(name="database.sqlite3.enc"))
    ):
        call_command("restore", str(copy))


def test_restore_refuses_a_file_added_to_the_backup(site, tmp_path):
    _, backup, _ = site
    copy = tmp_path / "backup"
    shutil.copytree(backup, copy)
    (copy / "planted.csv").write_bytes(b"x")
    with pytest.raises(CommandError, match=re.escape(MSG_UNLISTED.format(name="planted.csv"))):
        call_command("restore", str(copy))


# A backup that fails half-way (a full disk, a killed process, pg_dump refused) leaves nothing
# that looks like a backup: it is written into a hidden folder, put in place only when complete.
# Here the database's copy is a stand-in (the real pg_dump refused is below, PostgreSQL).


def _database_copy(sealer: Any) -> dict[str, Any]:
    (sealer.target / "database.sqlite3.enc").write_bytes(b"sealed")
    return {"database": {"vendor": "sqlite"}, "migrations": [], "audit_head": None}


def _failing_uploads(target: Path, seen: list[str]) -> Any:
    def fail(sealer: Any) -> None:
        # The database is copied by now, but not where the backup will be: nothing in
        # `target` but the hidden staging folder.
        assert not target.exists() or [p.name for p in target.iterdir()] == [sealer.target.name]
        assert (sealer.target / "database.sqlite3.enc").is_file()
        seen.append(sealer.target.name)
        raise BackupError("磁盘已满")

    return fail


@pytest.fixture
def stand_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("huanjie.backups._copy_sqlite", _database_copy)
    monkeypatch.setattr("huanjie.backups._dump_postgres", _database_copy)


@override_settings(HUANJIE_BACKUP_KEYS=f"3:{BACKUP_KEY}")
def test_a_failed_backup_leaves_no_folder_behind(stand_in, tmp_path, monkeypatch):
    backups = tmp_path / "backups"
    backups.mkdir()
    target = backups / "20250101-020000"
    seen: list[str] = []
    monkeypatch.setattr("huanjie.backups._copy_uploads", _failing_uploads(target, seen))
    with pytest.raises(CommandError, match="磁盘已满"):
        call_command("backup", str(target))
    assert seen and seen[0].startswith(".")
    assert list(backups.iterdir()) == []


@override_settings(HUANJIE_BACKUP_KEYS=f"3:{BACKUP_KEY}")
def test_a_failed_backup_into_an_empty_folder_leaves_it_empty(stand_in, tmp_path, monkeypatch):
    target = tmp_path / "usb"
    target.mkdir()
    seen: list[str] = []
    monkeypatch.setattr("huanjie.backups._copy_uploads", _failing_uploads(target, seen))
    with pytest.raises(CommandError, match="磁盘已满"):
        call_command("backup", str(target))
    assert seen
    assert list(target.iterdir()) == []
    monkeypatch.setattr("huanjie.backups._copy_uploads", lambda sealer: None)
    call_command("backup", str(target), stdout=io.StringIO())
    assert sorted(p.name for p in target.iterdir()) == [SUMS, "database.sqlite3.enc", MANIFEST]


# A file damaged or altered and its checksum made to match (bit rot before the sums were
# written, or someone who knows sha256sum): the cipher refuses it, and the target site, here one
# with other data, is untouched, uploads included, even when only the uploads were altered.


def _flip_byte(path: Path, at: int | None = None) -> None:
    with path.open("r+b") as f:
        f.seek(path.stat().st_size // 2 if at is None else at)
        byte = f.read(1)
        f.seek(-1, os.SEEK_CUR)
        f.write(bytes([byte[0] ^ 0x01]))


def _resum(backup: Path) -> None:
    """SHA256SUMS rewritten to match, as `sha256sum` would."""
    done = subprocess.run(
        [
            "sha256sum",
            *(line.split("  ", 1)[1] for line in (backup / SUMS).read_text().splitlines()),
        ],
        cwd=backup,
        capture_output=True,
        text=True,
        check=True,
    )
    (backup / SUMS).write_text(done.stdout)


def _truncate(path: Path, by: int) -> None:
    with path.open("r+b") as f:
        f.truncate(path.stat().st_size - by)


@pytest.fixture(scope="module")
def other_site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A site with data of its own that a refused restore must leave as it is."""
    env = _env(tmp_path_factory.mktemp("other") / "var")
    _make_site(env)
    assert huanjie(env, "shell", "-c", ONE_MORE_EVENT)[0] == 0
    return env


def _site_state(env: dict[str, str]) -> tuple[str, list[str], bytes]:
    var = Path(env["HUANJIE_VAR_DIR"])
    return (
        _head(env),
        sorted(p.name for p in var.iterdir()),
        (var / "uploads" / UPLOAD_NAME).read_bytes(),
    )


@pytest.mark.parametrize(
    "damage, message",
    [
        pytest.param(
            lambda b: _flip_byte(b / "database.sqlite3.enc"),
            MSG_SEALED_DAMAGED.format(name="database.sqlite3.enc"),
            id="flipped-byte",
        ),
        pytest.param(
            lambda b: _flip_byte(b / "database.sqlite3.enc", at=30),
            MSG_SEALED_DAMAGED.format(name="database.sqlite3.enc"),
            id="flipped-byte-in-the-header",
        ),
        pytest.param(
            lambda b: _truncate(b / "database.sqlite3.enc", 100),
            MSG_SEALED_DAMAGED.format(name="database.sqlite3.enc"),
            id="truncated",
        ),
        pytest.param(
            lambda b: _flip_byte(b / "uploads.tar.enc"),
            MSG_SEALED_DAMAGED.format(name="uploads.tar.enc"),
            id="flipped-byte-in-the-uploads",
        ),
    ],
)
def test_a_damaged_file_is_refused_and_the_target_untouched(
    site, other_site, tmp_path, damage, message
):
    _, backup, _ = site
    copy = tmp_path / "backup"
    shutil.copytree(backup, copy)
    damage(copy)
    _resum(copy)
    before = _site_state(other_site)
    code, out = huanjie(other_site, "restore", "--force", str(copy))
    assert (code, out.strip()) == (2, f"CommandError: {message}")
    assert _site_state(other_site) == before


@pytest.mark.parametrize(
    "keys, message",
    [
        (f"3:{OTHER_BACKUP_KEY}", MSG_WRONG_BACKUP_KEY.format(version="3")),
        (f"4:{OTHER_BACKUP_KEY}", MSG_BACKUP_KEY_MISSING.format(version="3")),
        ("", MSG_BACKUP_KEY_MISSING.format(version="3")),
    ],
    ids=["wrong-key", "rotated-away", "no-key"],
)
def test_a_wrong_or_missing_backup_key_is_refused_and_the_target_untouched(
    site, other_site, keys, message
):
    _, backup, _ = site
    before = _site_state(other_site)
    env = {**other_site, "HUANJIE_BACKUP_KEYS": keys}
    code, out = huanjie(env, "restore", "--force", str(backup))
    assert (code, out.strip()) == (2, f"CommandError: {message}")
    assert _site_state(other_site) == before


def test_an_older_backup_key_still_listed_opens_its_backups(site, tmp_path):
    _, backup, _ = site
    rotated = _env(tmp_path / "var", backup_keys=f"4:{OTHER_BACKUP_KEY},3:{BACKUP_KEY}")
    code, out = huanjie(rotated, "restore", str(backup))
    assert code == 0, out


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
    backup = tmp_path / "backup"
    code, out = huanjie(source, "backup", str(backup))
    assert code == 0, out
    listed = {line.split("  ", 1)[1] for line in (backup / SUMS).read_text().splitlines()}
    assert listed == {"database.pgdump.enc", "manifest.json", "uploads.tar.enc"}
    for path in backup.iterdir():
        data = path.read_bytes()
        assert not [s for s in PLAINTEXTS if s in data], path

    target = _env(tmp_path / "target", _pg_url(target_name))
    code, out = huanjie(target, "restore", str(backup))
    assert code == 0, out
    assert huanjie(target, "audit", "verify")[0] == 0
    assert _head(target) == _head(source)
    assert _person_name(target) == PERSON_NAME
    assert (tmp_path / "target" / "uploads" / UPLOAD_NAME).read_bytes() == UPLOAD

    code, out = huanjie(target, "restore", str(backup))
    assert code == 2
    code, out = huanjie(target, "restore", "--force", str(backup))
    assert code == 0, out
    assert _head(target) == _head(source)


def test_a_damaged_postgresql_backup_or_a_wrong_key_leaves_the_database_untouched(
    scratch_databases, tmp_path
):
    source_name, target_name = scratch_databases
    source = _env(tmp_path / "source", _pg_url(source_name))
    _make_site(source)
    backup = tmp_path / "backup"
    assert huanjie(source, "backup", str(backup))[0] == 0
    target = _env(tmp_path / "target", _pg_url(target_name))
    _make_site(target)
    assert huanjie(target, "shell", "-c", ONE_MORE_EVENT)[0] == 0
    before = _site_state(target)

    flipped = tmp_path / "flipped"
    shutil.copytree(backup, flipped)
    _flip_byte(flipped / "database.pgdump.enc")
    _resum(flipped)
    cut = tmp_path / "cut"
    shutil.copytree(backup, cut)
    _truncate(cut / "database.pgdump.enc", 1)
    _resum(cut)
    damaged = MSG_SEALED_DAMAGED.format(name="database.pgdump.enc")
    for env, folder, message in [
        (target, flipped, damaged),
        (target, cut, damaged),
        (
            {**target, "HUANJIE_BACKUP_KEYS": f"3:{OTHER_BACKUP_KEY}"},
            backup,
            MSG_WRONG_BACKUP_KEY.format(version="3"),
        ),
    ]:
        code, out = huanjie(env, "restore", "--force", str(folder))
        assert (code, out.strip()) == (2, f"CommandError: {message}")
        assert _site_state(target) == before


@pytest.fixture
def limited_role() -> Iterator[str]:
    """A login role with no rights of its own, dropped afterwards (with its grants)."""
    import psycopg

    name = f"huanjie_backup_role_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_pg_url("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{name}" LOGIN')
        try:
            yield name
        finally:
            for row in admin.execute(
                "SELECT datname FROM pg_database WHERE datallowconn"
            ).fetchall():
                try:
                    with psycopg.connect(_pg_url(row[0]), autocommit=True) as db:
                        db.execute(f'DROP OWNED BY "{name}"')
                except psycopg.OperationalError as exc:
                    # Another worker's test database, dropped since it was listed: nothing of
                    # this role's can be left in it.
                    if "does not exist" not in str(exc):
                        raise
            admin.execute(f'DROP ROLE "{name}"')


def _role_url(role: str, name: str) -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{role}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"


def test_a_refused_pg_dump_says_why_and_leaves_no_folder(scratch_databases, limited_role, tmp_path):
    import psycopg

    source_name, _ = scratch_databases
    _make_site(_env(tmp_path / "source", _pg_url(source_name)))
    # Enough to read the manifest's facts; pg_dump is then refused the first other table.
    with psycopg.connect(_pg_url(source_name), autocommit=True) as db:
        db.execute(f'GRANT SELECT ON django_migrations, audit_auditevent TO "{limited_role}"')
    env = _env(tmp_path / "source", _role_url(limited_role, source_name))
    backups = tmp_path / "backups"
    backups.mkdir()
    code, out = huanjie(env, "backup", str(backups / "20250101-020000"))
    cause = "pg_dump: error: query failed: ERROR:  permission denied for table "
    expected = "CommandError: " + MSG_TOOL_FAILED.format(program="pg_dump", detail=cause)
    assert code == 2
    assert re.fullmatch(re.escape(expected) + r"\w+", out.strip()), out
    assert list(backups.iterdir()) == []


def test_a_failed_pg_restore_shows_its_error_not_the_statement(
    scratch_databases, limited_role, tmp_path
):
    source_name, target_name = scratch_databases
    source = _env(tmp_path / "source", _pg_url(source_name))
    _make_site(source)
    backup = tmp_path / "backup"
    assert huanjie(source, "backup", str(backup))[0] == 0
    # Not the database's owner: PostgreSQL 15 gives it no CREATE in the schema public.
    target = _env(tmp_path / "target", _role_url(limited_role, target_name))
    code, out = huanjie(target, "restore", str(backup))
    cause = (
        "pg_restore: error: could not execute query: ERROR:  permission denied for schema public"
    )
    expected = "CommandError: " + MSG_TOOL_FAILED.format(program="pg_restore", detail=cause)
    assert (code, out.strip()) == (2, expected)


# --- WAL archiving ------------------------------------------------------------------------------

SEGMENT = "000000010000000000000003"
WAL_KEYS = f"3:{BACKUP_KEY}"


@pytest.fixture
def spool(tmp_path: Path) -> Path:
    """A spool as archive-wal.sh leaves it: two segments, a history file, a temporary file."""
    spool = tmp_path / "spool"
    spool.mkdir()
    (spool / SEGMENT).write_bytes(PROBE.encode() + os.urandom(4000))
    (spool / "000000010000000000000004").write_bytes(os.urandom(100))
    (spool / "00000002.history").write_bytes(b"1\t0/3000000\tbefore 2025-01-01\n")
    (spool / f".{SEGMENT}.tmp").write_bytes(b"half copied")
    return spool


@override_settings(HUANJIE_BACKUP_KEYS=WAL_KEYS)
def test_archived_wal_is_sealed_off_the_spool_and_opens_unchanged(spool, tmp_path):
    originals = {p.name: p.read_bytes() for p in spool.iterdir() if not p.name.startswith(".")}
    call_command("wal", "seal", str(spool), str(tmp_path / "offsite"))
    assert sorted(p.name for p in spool.iterdir()) == [f".{SEGMENT}.tmp"]
    sealed = sorted(p.name for p in (tmp_path / "offsite").iterdir())
    assert sealed == sorted(name + ".enc" for name in originals)
    assert PROBE.encode() not in (tmp_path / "offsite" / f"{SEGMENT}.enc").read_bytes()

    call_command("wal", "open", str(tmp_path / "offsite"), str(tmp_path / "pg_wal_restore"))
    opened = {p.name: p.read_bytes() for p in (tmp_path / "pg_wal_restore").iterdir()}
    assert opened == originals


@override_settings(HUANJIE_BACKUP_KEYS=WAL_KEYS)
def test_a_segment_sealed_before_a_crash_leaves_the_spool_only_if_identical(spool, tmp_path):
    offsite = tmp_path / "offsite"
    data = (spool / SEGMENT).read_bytes()
    call_command("wal", "seal", str(spool), str(offsite))
    (spool / SEGMENT).write_bytes(data)  # archived again, as after a crash
    call_command("wal", "seal", str(spool), str(offsite))
    assert not (spool / SEGMENT).exists()
    (spool / SEGMENT).write_bytes(b"other bytes")
    with pytest.raises(CommandError, match="内容不同"):
        call_command("wal", "seal", str(spool), str(offsite))
    assert (spool / SEGMENT).read_bytes() == b"other bytes"


@override_settings(HUANJIE_BACKUP_KEYS=WAL_KEYS)
def test_a_renamed_or_damaged_sealed_segment_does_not_open(spool, tmp_path):
    offsite = tmp_path / "offsite"
    call_command("wal", "seal", str(spool), str(offsite))
    (offsite / f"{SEGMENT}.enc").rename(offsite / "000000010000000000000009.enc")
    with pytest.raises(CommandError, match=re.escape("000000010000000000000009.enc 无法解密")):
        call_command("wal", "open", str(offsite), str(tmp_path / "restore"))
    (offsite / "000000010000000000000009.enc").unlink()
    _flip_byte(offsite / "000000010000000000000004.enc")
    with pytest.raises(CommandError, match=re.escape("000000010000000000000004.enc 无法解密")):
        call_command("wal", "open", str(offsite), str(tmp_path / "restore"))


@override_settings(HUANJIE_BACKUP_KEYS=WAL_KEYS)
def test_a_base_backup_is_sealed_from_stdin(tmp_path, monkeypatch):
    tar = PROBE.encode() * 1000
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(tar)))
    call_command("wal", "seal-stdin", str(tmp_path / "base" / "base-20250101.tar.enc"))
    assert PROBE.encode() not in (tmp_path / "base" / "base-20250101.tar.enc").read_bytes()
    call_command("wal", "open", str(tmp_path / "base"), str(tmp_path / "opened"))
    assert (tmp_path / "opened" / "base-20250101.tar").read_bytes() == tar


@override_settings(HUANJIE_BACKUP_KEYS="")
def test_wal_is_never_shipped_without_a_key(spool, tmp_path):
    with pytest.raises(CommandError, match="未设置备份密钥"):
        call_command("wal", "seal", str(spool), str(tmp_path / "offsite"))
    assert (spool / SEGMENT).exists()
