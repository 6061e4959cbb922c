"""Backups of one site, and their restore (SECURITY.md D6; `huanjie backup` / `huanjie restore`).

A backup is a folder: the database, the uploads of VAR_DIR if any, `manifest.json` (time,
versions, migrations, the audit log's head, the key versions needed to read it, whether and how
the files are encrypted) and `SHA256SUMS` over every other file, in `sha256sum -c` format so it
can be checked without the application or any key.

Encrypted (format 2, the default and, in production, the only kind): the database
(`database.pgdump.enc`, PostgreSQL's custom format, streamed from pg_dump; or
`database.sqlite3.enc`, a copy made by SQLite's online backup API) and the uploads
(`uploads.tar.enc`, one tar, so not even their names show) are sealed with AES-256-GCM in chunks
(huanjie.lib.sealedfile) under the newest key of HUANJIE_BACKUP_KEYS, a key of its own: a
backup goes off-site, and a stolen copy must show neither names nor villages, nor which imports
were running. The manifest stays readable: it holds no personal data, and an operator must be able
to see which backup key version a restore needs before opening the escrow.

Unencrypted (`database.pgdump` or `database.sqlite3`, an `uploads/` folder; also every backup made
before encryption): only when HUANJIE_BACKUP_KEYS is unset and DEBUG is true. Production (DEBUG
false) refuses to back up without the key rather than write names in clear to a folder that is
copied off the machine; a developer's demo data may be copied plainly, with a warning, so a
laptop needs no key escrow. A plain backup is still restored anywhere: restoring reveals nothing.

Restoring checks the checksums, the key, and every sealed byte before it touches the database or
the uploads: a damaged, cut, reordered or altered file or a wrong key is refused with one line.
The PostgreSQL dump is then decrypted a second time straight into `pg_restore
--single-transaction`, never to disk; should it fail there, the transaction rolls back.

It never holds the field-encryption keys, the lookup key or the backup key: they are escrowed
apart from the backups (docs/operations.md, "密钥托管"), so one stolen backup reveals nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO, Any, cast

import django
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from huanjie.audit.services import audit_head, audit_verify
from huanjie.lib.crypto import key_ring, parse_versioned_keys
from huanjie.lib.sealedfile import (
    CHUNK_BYTES,
    SCHEME,
    SealedReader,
    SealedWriter,
    SealError,
    open_file,
)

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
PG_DUMP = "database.pgdump"
SQLITE_COPY = "database.sqlite3"
UPLOADS = "uploads"
SEALED = ".enc"
UPLOADS_TAR = "uploads.tar.enc"
FORMAT = 2  # 1: before encryption (still restored)
BACKUP_KEYS_SETTING = "HUANJIE_BACKUP_KEYS"

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
MSG_NO_BACKUP_KEY = (
    "未设置备份密钥 HUANJIE_BACKUP_KEYS，生产环境（DEBUG=false）不做未加密的备份。"
    "生成和托管方法见 deploy/huanjie.env.example 和运维手册“密钥托管”"
)
MSG_BAD_BACKUP_KEYS = "备份密钥 HUANJIE_BACKUP_KEYS 格式不正确：{detail}"
MSG_PLAIN_WARNING = (
    "警告：未设置备份密钥 HUANJIE_BACKUP_KEYS，本备份未加密（仅开发环境 DEBUG=true 允许），"
    "其中有姓名等个人信息，切勿带离本机"
)
MSG_BACKUP_KEY_MISSING = (
    "此备份用备份密钥版本 {version} 加密，HUANJIE_BACKUP_KEYS 中没有这个版本，未做任何恢复。"
    "请按“密钥托管”取出该版本的备份密钥"
)
MSG_WRONG_BACKUP_KEY = (
    "备份密钥不对：HUANJIE_BACKUP_KEYS 中版本 {version} 的密钥不是加密此备份的密钥，未做任何恢复"
)
MSG_SEALED_DAMAGED = "备份文件 {name} 解密校验失败（文件已损坏、被截断或被改动），未做任何恢复"
BACKUP_KEY_REMINDER = (
    "本备份已用 AES-256-GCM 加密，恢复时需要备份密钥 HUANJIE_BACKUP_KEYS 的版本 {version}，"
    "它与字段加密密钥一样须另行托管。"
)
KEY_REMINDER = (
    "提醒：备份中不含字段加密密钥（HUANJIE_FIELD_KEYS）和查重密钥（HUANJIE_LOOKUP_KEY）。"
    "没有它们，备份中的身份证号无法解密、重复登记无法查出。密钥须按运维手册“密钥托管”另行保管，"
    "切勿与备份放在同一介质。本备份需要的密钥版本：{versions}"
)


class BackupError(Exception):
    """A backup or restore refused or failed; the message is for the operator, in Chinese."""


# --- keys ---------------------------------------------------------------------------------------


def backup_keys() -> dict[str, bytes]:
    """HUANJIE_BACKUP_KEYS as {version: key}, newest first; empty when unset. The same
    "version:base64(32 bytes),..." format as the field keys: the newest seals, every listed
    version opens, so a rotated key stays listed while a backup sealed with it is kept."""
    try:
        return parse_versioned_keys(getattr(settings, BACKUP_KEYS_SETTING, ""), BACKUP_KEYS_SETTING)
    except ImproperlyConfigured as exc:
        raise BackupError(MSG_BAD_BACKUP_KEYS.format(detail=exc)) from exc


def key_check(key: bytes) -> str:
    """A fingerprint of a backup key, kept in the manifest: a restore tells a wrong key from a
    damaged file by it. An HMAC output reveals nothing of the key."""
    return hmac.new(key, b"huanjie backup key check v1", hashlib.sha256).hexdigest()[:32]


# --- writing ------------------------------------------------------------------------------------


class _Sealer:
    """Where a backup's data files go: sealed under the newest backup key, or in clear."""

    def __init__(self, target: Path, keys: Mapping[str, bytes]) -> None:
        self.target = target
        self.backup_id = uuid.uuid4().hex
        self.version = next(iter(keys), None)
        self._key = None if self.version is None else keys[self.version]

    @property
    def encrypted(self) -> bool:
        return self._key is not None

    @property
    def key_check(self) -> str:
        assert self._key is not None
        return key_check(self._key)

    def writer(self, f: Any, name: str) -> SealedWriter:
        assert self._key is not None and self.version is not None
        return SealedWriter(
            f, key=self._key, key_version=self.version, context=_context(self.backup_id, name)
        )


def _context(backup_id: str, name: str) -> bytes:
    # A sealed file opens only as the file it was written as, in the backup it was written to.
    return f"huanjie-backup/{backup_id}/{name}".encode()


def backup_write(target: Path) -> dict[str, Any]:
    """Write a backup of the configured database and uploads into `target` (absent or empty);
    return the manifest. The database copy and the facts in the manifest come from one
    snapshot, so the manifest's audit head is the restored database's head.

    Encrypted under HUANJIE_BACKUP_KEYS; without it, refused unless DEBUG (module docstring).
    Everything is written into a hidden staging folder beside `target` (or inside it, when the
    operator made it), which becomes `target` only once the manifest and SHA256SUMS are written:
    a backup that fails half-way, or is killed, never leaves a folder that looks like a backup."""
    keys = backup_keys()
    if not keys and not settings.DEBUG:
        raise BackupError(MSG_NO_BACKUP_KEY)  # SECURITY.md D6: nothing leaves in clear
    if target.exists() and any(target.iterdir()):
        raise BackupError(MSG_TARGET_NOT_EMPTY.format(path=target))
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(MSG_UNSUPPORTED.format(vendor=vendor))
    existed = target.is_dir()
    if existed:
        staging = Path(tempfile.mkdtemp(dir=target, prefix=".partial-"))
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.partial-"))
    try:
        manifest = _write_backup(staging, keys, vendor)
        _publish(staging, target, existed)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def _write_backup(staging: Path, keys: Mapping[str, bytes], vendor: str) -> dict[str, Any]:
    sealer = _Sealer(staging, keys)
    database = _dump_postgres(sealer) if vendor == "postgresql" else _copy_sqlite(sealer)
    _copy_uploads(sealer)
    encryption = None
    if sealer.encrypted:
        encryption = {
            "cipher": "AES-256-GCM",
            "scheme": SCHEME,
            "key_setting": BACKUP_KEYS_SETTING,
            "key_version": sealer.version,
            "key_check": sealer.key_check,
        }
    manifest = {
        "format": FORMAT,
        "backup_id": sealer.backup_id,
        "created_at": timezone.localtime().isoformat(timespec="seconds"),
        "host": platform.node(),
        "versions": _versions(),
        "field_key_versions": list(key_ring().ciphers),
        "encryption": encryption,
        **database,
    }
    (staging / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    _write_sums(staging)
    return manifest


def _publish(staging: Path, target: Path, existed: bool) -> None:
    """Put the finished backup in `staging` in place as `target`. A new folder is one rename
    (it appears complete or not at all); into the operator's empty folder (a mount point,
    perhaps) the files move one by one, SHA256SUMS last, so an interrupted move is refused by
    `huanjie restore` as incomplete."""
    # mkdtemp made the folder for its owner only; the backup gets the mode a mkdir would give.
    umask = os.umask(0)
    os.umask(umask)
    if not existed:
        staging.chmod(0o777 & ~umask)
        try:
            staging.rename(target)
        except OSError as exc:  # made meanwhile, by someone else
            raise BackupError(MSG_TARGET_NOT_EMPTY.format(path=target)) from exc
        return
    names = sorted(p.name for p in staging.iterdir() if p.name != SUMS)
    for name in [*names, SUMS]:
        (staging / name).rename(target / name)
    staging.rmdir()


def _dump_postgres(sealer: _Sealer) -> dict[str, Any]:
    """pg_dump -Fc of an exported snapshot, read in the same transaction as the manifest; when
    encrypted, pg_dump writes to a pipe and only sealed chunks reach the disk."""
    program = _pg_program("pg_dump")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, server_version = cursor.fetchone()
        facts = _facts(cursor)
        command = [program, "--format=custom", f"--snapshot={snapshot}"]
        if sealer.encrypted:
            name = PG_DUMP + SEALED
            with (sealer.target / name).open("wb") as f, sealer.writer(f, name) as writer:
                _run_piped(command, connection.settings_dict, stdout=writer)
        else:
            _run([*command, f"--file={sealer.target / PG_DUMP}"], connection.settings_dict)
    return {"database": {"vendor": "postgresql", "server_version": server_version}, **facts}


def _copy_sqlite(sealer: _Sealer) -> dict[str, Any]:
    connection.ensure_connection()
    if not sealer.encrypted:
        return _sqlite_snapshot(sealer.target / SQLITE_COPY)
    # The online backup API needs a file: it is made beside the live database (VAR_DIR, which
    # holds the same data in clear already), sealed into the backup, and removed.
    with tempfile.TemporaryDirectory(dir=settings.VAR_DIR, prefix=".backup-") as tmp:
        copy = Path(tmp) / SQLITE_COPY
        facts = _sqlite_snapshot(copy)
        name = SQLITE_COPY + SEALED
        with (
            copy.open("rb") as src,
            (sealer.target / name).open("wb") as f,
            sealer.writer(f, name) as writer,
        ):
            shutil.copyfileobj(src, writer, CHUNK_BYTES)
    return facts


def _sqlite_snapshot(path: Path) -> dict[str, Any]:
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


def _copy_uploads(sealer: _Sealer) -> None:
    source = Path(settings.VAR_DIR) / UPLOADS
    if not (source.is_dir() and any(source.iterdir())):
        return
    if not sealer.encrypted:
        shutil.copytree(source, sealer.target / UPLOADS)
        return
    # One tar, streamed through the sealer: file names (a village's, an officer's) are
    # personal data too.
    with (
        (sealer.target / UPLOADS_TAR).open("wb") as f,
        sealer.writer(f, UPLOADS_TAR) as writer,
        tarfile.open(fileobj=cast(IO[bytes], writer), mode="w|") as tar,
    ):
        for path in sorted(source.rglob("*")):
            if path.is_file() and not path.is_symlink():
                tar.add(path, arcname=path.relative_to(source).as_posix(), recursive=False)


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
        _tool_failed(command, done.stderr or done.stdout)


def _tool_failed(command: list[str], output: str) -> None:
    program = Path(command[0]).name
    raise BackupError(MSG_TOOL_FAILED.format(program=program, detail=tool_error(program, output)))


def tool_error(program: str, output: str) -> str:
    """The cause in a PostgreSQL tool's messages: its "pg_restore: error: ..." lines. Not the
    last lines: after an error pg_restore prints the statement it was running ("Command was:
    CREATE TABLE ... );"), which can run to dozens of lines. The last three lines only when
    the tool said no error line (killed, or an older client).

    >>> tool_error("pg_restore", "pg_restore: from TOC entry 5\\npg_restore: error: could not "
    ...     "execute query: ERROR:  permission denied\\nCommand was: CREATE TABLE t (\\n  id int\\n);")
    'pg_restore: error: could not execute query: ERROR:  permission denied'
    """
    lines = [line.strip() for line in output.strip().splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith(f"{program}: error:")]
    return " ".join(errors[:3] or lines[-3:])


def _run_piped(command: list[str], db: Mapping[str, Any], *, stdout: SealedWriter) -> None:
    """Run `command`, copying what it writes to `stdout` chunk by chunk (a dump of several GB
    is never held in memory). Its messages go to a temporary file, so a chatty tool cannot
    fill a pipe nobody reads and hang."""
    with tempfile.TemporaryFile() as messages:
        process = subprocess.Popen(
            command, env=_pg_env(db), stdout=subprocess.PIPE, stderr=messages
        )
        assert process.stdout is not None
        with process.stdout:
            while block := process.stdout.read(CHUNK_BYTES):
                stdout.write(block)
        if process.wait() != 0:
            messages.seek(0)
            _tool_failed(command, messages.read().decode(errors="replace"))


def _restore_piped(command: list[str], db: Mapping[str, Any], source: SealedReader) -> None:
    """Run `command` (pg_restore reading its stdin), feeding it the opened `source`. Should a
    chunk fail to open now (the file changed since it was checked), pg_restore is killed: its
    single transaction rolls back and the database is as it was."""
    with tempfile.TemporaryFile() as messages:
        process = subprocess.Popen(
            command, env=_pg_env(db), stdin=subprocess.PIPE, stdout=messages, stderr=messages
        )
        assert process.stdin is not None
        try:
            while block := source.read(CHUNK_BYTES):
                process.stdin.write(block)
            process.stdin.close()
        except BrokenPipeError:
            pass  # pg_restore stopped early; its exit code and messages say why
        except BaseException:
            process.kill()
            process.wait()
            raise
        if process.wait() != 0:
            messages.seek(0)
            _tool_failed(command, messages.read().decode(errors="replace"))


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

    Checks the checksums first, then that the backup key it needs is configured, then refuses
    a database holding tables unless `force`; then opens every sealed file through (a wrong
    key or any damage is refused here) before it touches the database or the uploads. The web
    and worker processes must be stopped (docs/operations.md, "恢复演练"). Returns the manifest.
    """
    manifest = backup_check(source)
    encryption = manifest.get("encryption")
    keys: dict[str, bytes] = {}
    if encryption:
        keys = backup_keys()
        version = encryption.get("key_version")
        if version not in keys:
            raise BackupError(MSG_BACKUP_KEY_MISSING.format(version=version))
        if not hmac.compare_digest(key_check(keys[version]), str(encryption.get("key_check"))):
            raise BackupError(MSG_WRONG_BACKUP_KEY.format(version=version))
    tables = database_table_count()
    if tables and not force:
        raise BackupError(MSG_NOT_EMPTY.format(count=tables))
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(MSG_WRONG_VENDOR.format(source=vendor, target=connection.vendor))
    name = (PG_DUMP if vendor == "postgresql" else SQLITE_COPY) + (SEALED if encryption else "")
    if not (source / name).is_file():
        # Never restore "nothing": sqlite3.connect would make an empty file and copy it over.
        raise BackupError(MSG_MISSING.format(name=name))
    if not encryption:
        if vendor == "postgresql":
            _restore_postgres(source / name, clean=bool(tables))
        else:
            _restore_sqlite(source / name)
        connection.close()
        if (source / UPLOADS).is_dir():
            shutil.copytree(source / UPLOADS, Path(settings.VAR_DIR) / UPLOADS, dirs_exist_ok=True)
        return manifest
    backup_id = str(manifest["backup_id"])
    # Opened files wait beside the live database (VAR_DIR), which holds them in clear anyway.
    with tempfile.TemporaryDirectory(dir=settings.VAR_DIR, prefix=".restore-") as tmp:
        staging = Path(tmp)
        # SECURITY.md D6: every sealed byte opens before anything is touched.
        if vendor == "postgresql":
            _open_sealed(source, name, None, keys, backup_id)
        else:
            _open_sealed(source, name, staging / SQLITE_COPY, keys, backup_id)
        if (source / UPLOADS_TAR).is_file():
            _open_sealed(source, UPLOADS_TAR, staging / "uploads.tar", keys, backup_id)
            _extract(staging / "uploads.tar", staging / UPLOADS)
        if vendor == "postgresql":
            with (source / name).open("rb") as f:
                reader = _sealed_reader(f, name, keys, backup_id)
                _restore_postgres(reader, clean=bool(tables))
        else:
            _restore_sqlite(staging / SQLITE_COPY)
        connection.close()
        if (staging / UPLOADS).is_dir():
            shutil.copytree(staging / UPLOADS, Path(settings.VAR_DIR) / UPLOADS, dirs_exist_ok=True)
    return manifest


def _sealed_reader(f: Any, name: str, keys: Mapping[str, bytes], backup_id: str) -> SealedReader:
    try:
        return SealedReader(f, keys=keys, context=_context(backup_id, name))
    except SealError as exc:  # the key was checked: a header that says otherwise is damaged
        raise BackupError(MSG_SEALED_DAMAGED.format(name=name)) from exc


def _open_sealed(
    source: Path, name: str, dst: Path | None, keys: Mapping[str, bytes], backup_id: str
) -> None:
    """Open `source/name` through, into `dst` or only to check it; one Chinese line if not."""
    with (source / name).open("rb") as f:
        try:
            if dst is None:
                open_file(f, None, keys=keys, context=_context(backup_id, name))
            else:
                with dst.open("wb") as out:
                    open_file(f, out, keys=keys, context=_context(backup_id, name))
        except SealError as exc:  # WrongKeyError included: the manifest's key check passed
            raise BackupError(MSG_SEALED_DAMAGED.format(name=name)) from exc


def _extract(tar_path: Path, target: Path) -> None:
    # The tar opened under our key, so it is ours; the "data" filter still refuses absolute
    # paths, links out of `target` and device files.
    try:
        with tarfile.open(tar_path, mode="r:") as tar:
            tar.extractall(target, filter="data")
    except tarfile.TarError as exc:
        raise BackupError(MSG_SEALED_DAMAGED.format(name=UPLOADS_TAR)) from exc


def _restore_postgres(source: Path | SealedReader, *, clean: bool) -> None:
    """pg_restore in one transaction, from the dump file or, decrypted, through its stdin."""
    program = _pg_program("pg_restore")
    db = connection.settings_dict
    connection.close()  # pg_restore --clean must not wait on our own open transaction
    command = [program, "--exit-on-error", "--single-transaction", "--no-owner"]
    if clean:
        command += ["--clean", "--if-exists"]
    command.append(f"--dbname={db['NAME']}")
    if isinstance(source, Path):
        _run([*command, str(source)], db)
        return
    try:
        _restore_piped(command, db, source)
    except SealError as exc:
        raise BackupError(MSG_SEALED_DAMAGED.format(name=PG_DUMP + SEALED)) from exc


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
