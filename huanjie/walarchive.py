"""Continuous archiving of PostgreSQL's WAL, sealed before it leaves the server (SECURITY.md D6:
"continuous WAL archiving off-site; RPO ≤ 15 min"; `huanjie wal`).

PostgreSQL's `archive_command` (deploy/pg/archive-wal.sh, run by the postgres user, who holds no
huanjie key) only copies each finished segment into a local spool. `huanjie wal seal SPOOL DEST`
(huanjie-wal.timer, every minute) seals each spooled file with the newest HUANJIE_BACKUP_KEYS
key into DEST as NAME.enc, the format of the backups (huanjie.lib.sealedfile), and removes it from
the spool only once the sealed copy is on disk; DEST is the folder copied off-site. WAL holds
every row written, names and villages included, so it never leaves in clear.
`huanjie wal seal-stdin FILE` seals a base backup streamed from pg_basebackup the same way, and
`huanjie wal open SRC DIR`, at a point-in-time recovery, opens every sealed file of SRC into DIR
for PostgreSQL's `restore_command` (docs/operations.md, "WAL archiving").

Each file is sealed with its own name as context, so a segment renamed into another's place does
not open: PostgreSQL is never fed the wrong segment.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import BinaryIO

from huanjie.backups import BackupError, backup_keys
from huanjie.lib.sealedfile import CHUNK_BYTES, SealedWriter, SealError, open_file

SEALED = ".enc"
# WAL segments, their .partial and .backup companions, and timeline history files.
WAL_NAME = re.compile(r"[0-9A-F]{24}(\.partial|\.[0-9A-F]{8}\.backup)?|[0-9A-F]{8}\.history")
SEALED_NAME = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,200}\.enc")

MSG_NO_KEY = (
    "未设置备份密钥 HUANJIE_BACKUP_KEYS：WAL 和基础备份要送往异地，不能不加密。"
    "生成和托管方法见 deploy/huanjie.env.example"
)
MSG_DIFFERENT_COPY = "{name} 已封存在 {dest}，但与待归档的文件内容不同：请人工核查，未做改动"
MSG_DAMAGED = "{name} 无法解密（文件已损坏、被截断、被改名或密钥不对），已停止"
MSG_BAD_NAME = "文件名不合规：{name}"


class WalError(BackupError):
    """A refusal of `huanjie wal`; the message is for the operator, in Chinese."""


def _context(name: str) -> bytes:
    return f"huanjie-wal/{name}".encode()


def _newest_key() -> tuple[str, bytes]:
    keys = backup_keys()
    if not keys:
        raise WalError(MSG_NO_KEY)  # SECURITY.md D6: nothing leaves in clear
    version = next(iter(keys))
    return version, keys[version]


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _seal_into(src: BinaryIO, target: Path, version: str, key: bytes) -> None:
    """Seal `src` into `target` through a temporary name, durably: a crash leaves either no
    `target` or a whole one."""
    temporary = target.with_name(f".{target.name}.tmp")
    with temporary.open("wb") as f:
        with SealedWriter(f, key=key, key_version=version, context=_context(target.name)) as w:
            while block := src.read(CHUNK_BYTES):
                w.write(block)
        f.flush()
        os.fsync(f.fileno())
    temporary.replace(target)
    _fsync_dir(target.parent)


def wal_seal(spool: Path, dest: Path) -> list[str]:
    """Seal every WAL file waiting in `spool` into `dest` and remove it from the spool; return
    the names sealed. A file already sealed (a re-run after a crash) is removed from the spool
    when its sealed copy opens to the same bytes, and refused otherwise."""
    version, key = _newest_key()
    dest.mkdir(parents=True, exist_ok=True)
    done = []
    for path in sorted(spool.iterdir()):
        if not (path.is_file() and WAL_NAME.fullmatch(path.name)):
            continue  # archive-wal.sh's temporary files, anything else
        target = dest / (path.name + SEALED)
        if target.exists():
            if _sealed_digest(target) != _digest(path):
                raise WalError(MSG_DIFFERENT_COPY.format(name=path.name, dest=dest))
        else:
            with path.open("rb") as src:
                _seal_into(src, target, version, key)
        path.unlink()
        done.append(path.name)
    return done


def wal_seal_stream(src: BinaryIO, target: Path) -> None:
    """Seal a stream (pg_basebackup's tar on stdin) into `target`, which must end in .enc."""
    if not SEALED_NAME.fullmatch(target.name):
        raise WalError(MSG_BAD_NAME.format(name=target.name))
    version, key = _newest_key()
    target.parent.mkdir(parents=True, exist_ok=True)
    _seal_into(src, target, version, key)


def wal_open(src: Path, dest: Path) -> list[str]:
    """Open every sealed file of `src` into `dest` (without .enc), for `restore_command`;
    return the names opened. Stops at the first file that does not open."""
    keys = backup_keys()
    if not keys:
        raise WalError(MSG_NO_KEY)
    dest.mkdir(parents=True, exist_ok=True)
    done = []
    for path in sorted(src.iterdir()):
        if not (path.is_file() and SEALED_NAME.fullmatch(path.name)):
            continue
        name = path.name.removesuffix(SEALED)
        temporary = dest / f".{name}.tmp"
        try:
            with path.open("rb") as f, temporary.open("wb") as out:
                open_file(f, out, keys=keys, context=_context(path.name))
        except SealError as exc:
            temporary.unlink(missing_ok=True)
            raise WalError(MSG_DAMAGED.format(name=path.name)) from exc
        temporary.replace(dest / name)
        done.append(name)
    return done


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK_BYTES):
            digest.update(block)
    return digest.hexdigest()


class _Hasher:
    def __init__(self) -> None:
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return len(data)


def _sealed_digest(path: Path) -> str | None:
    hasher = _Hasher()
    try:
        with path.open("rb") as f:
            open_file(f, hasher, keys=backup_keys(), context=_context(path.name))
    except SealError:
        return None
    return hasher.digest.hexdigest()
