"""Backups of one site, and their restore (SECURITY.md D6; `huanjie backup` / `huanjie restore`).

A backup is a folder: the database (`database.pgdump`, PostgreSQL's custom format, or
`database.sqlite3`, a copy made by SQLite's online backup API), the uploads folder of VAR_DIR if
any, `manifest.json` (time, versions, migrations, the audit log's head, the field-key versions
needed to read it) and `SHA256SUMS` over every other file, in `sha256sum -c` format so it can be
checked without the application.

It never holds the field-encryption keys or the lookup key: they are escrowed apart from the
backups (docs/operations.md, "密钥托管"), so one stolen backup does not reveal an ID number.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator, Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from huanjie.audit.services import audit_head, audit_verify
from huanjie.lib.crypto import key_ring

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
PG_DUMP = "database.pgdump"
SQLITE_COPY = "database.sqlite3"
UPLOADS = "uploads"
FORMAT = 1

MSG_TARGET_NOT_EMPTY = "备份目录 {path} 已存在且不为空，请指定一个新的空目录"
MSG_UNSUPPORTED = "不支持备份或恢复此类数据库：{vendor}"
MSG_NO_CLIENT = (
    "找不到 {program}，请安装 PostgreSQL 客户端（Debian 12：apt-get install postgresql-client-15）"
)
MSG_TOOL_FAILED = "{program} 执行失败：{detail}"
MSG_NO_SUMS = "{path} 不是完整的备份：缺少 SHA256SUMS 或 manifest.json"
MSG_BAD_SUM = (
    "备份文件校验失败：{name} 的 SHA-256 与 SHA256SUMS 不符（文件已损坏或被改动），未做任何恢复"
)
MSG_MISSING = "备份文件缺失：{name}，未做任何恢复"
MSG_UNLISTED = "备份目录中有 SHA256SUMS 未列出的文件：{name}，未做任何恢复"
MSG_WRONG_VENDOR = "此备份来自 {source} 数据库，当前配置的是 {target} 数据库，不能直接恢复"
MSG_NOT_EMPTY = "目标数据库不为空（已有 {count} 张表）。确认要覆盖其中的数据，请加 --force"
KEY_REMINDER = (
    "提醒：备份中不含字段加密密钥（HUANJIE_FIELD_KEYS）和查重密钥（HUANJIE_LOOKUP_KEY）。"
    "没有它们，备份中的身份证号无法解密、重复登记无法查出。密钥须按运维手册“密钥托管”另行保管，"
    "切勿与备份放在同一介质。本备份需要的密钥版本：{versions}"
)


class BackupError(Exception):
    """A backup or restore refused or failed; the message is for the operator, in Chinese."""


# --- writing ------------------------------------------------------------------------------------


def backup_write(target: Path) -> dict[str, Any]:
    """Write a backup of the configured database and uploads into `target` (absent or empty);
    return the manifest. The database copy and the facts in the manifest come from one
    snapshot, so the manifest's audit head is the restored database's head."""
    if target.exists() and any(target.iterdir()):
        raise BackupError(MSG_TARGET_NOT_EMPTY.format(path=target))
    target.mkdir(parents=True, exist_ok=True)
    vendor = connection.vendor
    if vendor == "postgresql":
        database = _dump_postgres(target / PG_DUMP)
    elif vendor == "sqlite":
        database = _copy_sqlite(target / SQLITE_COPY)
    else:
        raise BackupError(MSG_UNSUPPORTED.format(vendor=vendor))
    _copy_uploads(target / UPLOADS)
    manifest = {
        "format": FORMAT,
        "created_at": timezone.localtime().isoformat(timespec="seconds"),
        "host": platform.node(),
        "versions": _versions(),
        "field_key_versions": list(key_ring().ciphers),
        **database,
    }
    (target / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    _write_sums(target)
    return manifest


def _dump_postgres(path: Path) -> dict[str, Any]:
    """pg_dump -Fc of an exported snapshot, read in the same transaction as the manifest."""
    program = _pg_program("pg_dump")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, server_version = cursor.fetchone()
        facts = _facts(cursor)
        _run(
            [program, "--format=custom", f"--snapshot={snapshot}", f"--file={path}"],
            connection.settings_dict,
        )
    return {"database": {"vendor": "postgresql", "server_version": server_version}, **facts}


def _copy_sqlite(path: Path) -> dict[str, Any]:
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
        # The facts are read from the copy, so they describe exactly what was copied.
        facts = _facts(target.cursor())
    finally:
        target.close()
    return {"database": {"vendor": "sqlite", "server_version": sqlite3.sqlite_version}, **facts}


def _facts(cursor: Any) -> dict[str, Any]:
    """The migrations applied and the audit log's head, read with plain SQL through `cursor` so
    they come from the copied snapshot (the same row `huanjie audit head` prints)."""
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    migrations = [f"{app}.{name}" for app, name in cursor.fetchall()]
    cursor.execute("SELECT id, at, row_hash FROM audit_auditevent ORDER BY id DESC LIMIT 1")
    row = cursor.fetchone()
    head = None if row is None else {"id": row[0], "at": str(row[1]), "row_hash": row[2]}
    return {"migrations": migrations, "audit_head": head}


def _copy_uploads(target: Path) -> None:
    source = Path(settings.VAR_DIR) / UPLOADS
    if source.is_dir() and any(source.iterdir()):
        shutil.copytree(source, target)


def _versions() -> dict[str, str]:
    try:
        huanjie = version("huanjie")
    except PackageNotFoundError:
        huanjie = "unknown"
    return {
        "huanjie": huanjie,
        "django": django.get_version(),
        "python": platform.python_version(),
    }


def _files(root: Path) -> Iterator[str]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.name != SUMS:
            yield path.relative_to(root).as_posix()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_sums(root: Path) -> None:
    lines = [f"{_sha256(root / name)}  {name}\n" for name in _files(root)]
    (root / SUMS).write_text("".join(lines), encoding="utf-8")


# --- PostgreSQL tools ---------------------------------------------------------------------------


def _pg_program(name: str) -> str:
    program = shutil.which(name)
    if program is None:
        raise BackupError(MSG_NO_CLIENT.format(program=name))
    return program


def _pg_env(db: Mapping[str, Any]) -> dict[str, str]:
    """libpq's environment for the connection settings: the password goes in PGPASSWORD, never
    on a command line, where `ps` would show it to every user of the machine."""
    env = dict(os.environ)
    for var, value in (
        ("PGDATABASE", db.get("NAME")),
        ("PGUSER", db.get("USER")),
        ("PGPASSWORD", db.get("PASSWORD")),
        ("PGHOST", db.get("HOST")),
        ("PGPORT", db.get("PORT")),
        ("PGSSLMODE", db.get("OPTIONS", {}).get("sslmode")),
        ("PGSSLROOTCERT", db.get("OPTIONS", {}).get("sslrootcert")),
    ):
        if value:
            env[var] = str(value)
    return env


def _run(command: list[str], db: Mapping[str, Any]) -> None:
    done = subprocess.run(command, env=_pg_env(db), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError(
            MSG_TOOL_FAILED.format(program=Path(command[0]).name, detail=" ".join(detail[-3:]))
        )


# --- checking and restoring ---------------------------------------------------------------------


def backup_check(source: Path) -> dict[str, Any]:
    """Check every file against SHA256SUMS (none missing, changed or added); return the
    manifest. Touches nothing outside `source`."""
    sums_path = source / SUMS
    if not sums_path.is_file() or not (source / MANIFEST).is_file():
        raise BackupError(MSG_NO_SUMS.format(path=source))
    listed: dict[str, str] = {}
    for line in sums_path.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    for name, digest in listed.items():
        path = source / name
        if not path.is_file():
            raise BackupError(MSG_MISSING.format(name=name))
        if _sha256(path) != digest:
            raise BackupError(MSG_BAD_SUM.format(name=name))
    for name in _files(source):
        if name not in listed:
            raise BackupError(MSG_UNLISTED.format(name=name))
    manifest: dict[str, Any] = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    return manifest


def database_table_count() -> int:
    connection.ensure_connection()
    return len(connection.introspection.table_names())


def backup_restore(source: Path, *, force: bool) -> dict[str, Any]:
    """Restore the backup in `source` into the configured database and VAR_DIR/uploads.

    Checks the checksums first, then refuses a database holding tables unless `force`. The web
    and worker processes must be stopped (docs/operations.md, "恢复演练"). Returns the manifest.
    """
    manifest = backup_check(source)
    tables = database_table_count()
    if tables and not force:
        raise BackupError(MSG_NOT_EMPTY.format(count=tables))
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(MSG_WRONG_VENDOR.format(source=vendor, target=connection.vendor))
    if vendor == "postgresql":
        _restore_postgres(source / PG_DUMP, clean=bool(tables))
    else:
        _restore_sqlite(source / SQLITE_COPY)
    connection.close()
    if (source / UPLOADS).is_dir():
        shutil.copytree(source / UPLOADS, Path(settings.VAR_DIR) / UPLOADS, dirs_exist_ok=True)
    return manifest


def _restore_postgres(path: Path, *, clean: bool) -> None:
    program = _pg_program("pg_restore")
    db = connection.settings_dict
    connection.close()  # pg_restore --clean must not wait on our own open transaction
    command = [program, "--exit-on-error", "--single-transaction", "--no-owner"]
    if clean:
        command += ["--clean", "--if-exists"]
    _run([*command, f"--dbname={db['NAME']}", str(path)], db)


def _restore_sqlite(path: Path) -> None:
    # The online backup API, not a file copy: it replaces every page of the target safely even
    # when the target has a WAL file beside it.
    connection.ensure_connection()
    source = sqlite3.connect(path)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def restored_audit_state() -> tuple[str | None, str | None]:
    """(the restored head's row hash or None, the first chain break or None)."""
    _, broken = audit_verify()
    head = audit_head()
    problem = None if broken is None else f"第 {broken.position} 条记录处断裂：{broken.reason}"
    return (None if head is None else head.row_hash), problem
