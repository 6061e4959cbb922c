"""Streaming authenticated encryption of a file of any size (SECURITY.md D6: backups that leave
the server). AES-256-GCM in the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015,
as in Tink's streaming AEAD): the file is cut into chunks, each sealed on its own, so a dump of
several GB is never held in memory, and each chunk's nonce carries its index and a final-chunk
flag, so a flipped byte, a reordered, dropped or appended chunk, or a file cut at a chunk
boundary all fail authentication.

Layout (all integers big-endian)::

    header   "HJSEAL" 0x00 0x01        8  magic and format version 1
             chunk size                4  plaintext bytes per chunk (the last may be shorter)
             key version length, text  1 + 1..16  which key of the ring sealed it
             salt                      32 random, one per file
             key check                 16 HKDF output: tells a wrong key from a damaged file
    chunks   ciphertext + 16-byte tag, chunk_size + 16 bytes each, the last one shorter or equal
             (an empty file is one final chunk of 16 bytes)

The file key is HKDF-SHA256(key, salt) (a fresh key per file, so the counter nonces never repeat
under one key); the nonce of chunk i is i (8 bytes) + 3 zero bytes + final flag (1 byte); the
associated data of every chunk is SHA-256(header + context), where `context` names the file's
place (e.g. the backup's id and the file name), so a sealed file moved into another backup or
renamed does not open.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import BinaryIO, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = [
    "CHUNK_BYTES",
    "SCHEME",
    "SealError",
    "SealedReader",
    "SealedWriter",
    "TooBig",
    "WrongKeyError",
    "open_file",
    "seal_file",
    "seal_new",
]

SCHEME = "huanjie-sealed-v1 (AES-256-GCM STREAM, 1 MiB chunks)"
MAGIC = b"HJSEAL\x00\x01"
CHUNK_BYTES = 1 << 20
TAG_BYTES = 16
SALT_BYTES = 32
CHECK_BYTES = 16
MAX_CHUNK_BYTES = 1 << 26  # refuse a header asking for absurd buffers
_INFO = b"huanjie sealed file v1"


class Writable(Protocol):
    def write(self, data: bytes, /) -> int: ...


class SealError(ValueError):
    """The file is not a sealed file, or it was damaged, cut short, reordered or altered."""


class WrongKeyError(SealError):
    """The key of the version the file names is not the key that sealed it, or is missing."""

    def __init__(self, version: str, *, missing: bool) -> None:
        super().__init__(version)
        self.version = version
        self.missing = missing


def _derive(key: bytes, salt: bytes) -> tuple[AESGCM, bytes]:
    okm = HKDF(algorithm=hashes.SHA256(), length=32 + CHECK_BYTES, salt=salt, info=_INFO).derive(
        key
    )
    return AESGCM(okm[:32]), okm[32:]


def _nonce(index: int, final: bool) -> bytes:
    return struct.pack(">Q3xB", index, 1 if final else 0)


def _aad(header: bytes, context: bytes) -> bytes:
    return hashlib.sha256(header + b"\x00" + context).digest()


class SealedWriter:
    """A write-only binary stream that seals what is written into `dst`; `close()` seals the
    final chunk (without it the file is incomplete and will not open). Does not close `dst`."""

    def __init__(
        self,
        dst: Writable,
        *,
        key: bytes,
        key_version: str,
        context: bytes,
        chunk_bytes: int = CHUNK_BYTES,
    ) -> None:
        version = key_version.encode("ascii")
        salt = os.urandom(SALT_BYTES)
        self._cipher, check = _derive(key, salt)
        header = MAGIC + struct.pack(">IB", chunk_bytes, len(version)) + version + salt + check
        dst.write(header)
        self._dst = dst
        self._aad = _aad(header, context)
        self._chunk = chunk_bytes
        self._buffer = bytearray()
        self._index = 0
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> int:
        if self.closed:
            raise ValueError("write to a closed SealedWriter")
        self._buffer += data
        # Keep at least one byte back: the chunk written at close() must be the final one.
        while len(self._buffer) > self._chunk:
            self._seal(bytes(self._buffer[: self._chunk]), final=False)
            del self._buffer[: self._chunk]
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self._buffer), final=True)
            self._buffer.clear()
            self.closed = True

    def _seal(self, chunk: bytes, *, final: bool) -> None:
        self._dst.write(self._cipher.encrypt(_nonce(self._index, final), chunk, self._aad))
        self._index += 1

    def __enter__(self) -> SealedWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.close()


def _read_exactly(src: BinaryIO, size: int) -> bytes:
    data = b""
    while len(data) < size:
        block = src.read(size - len(data))
        if not block:
            break
        data += block
    return data


class SealedReader:
    """A read-only binary stream of the plaintext of the sealed file `src`. Raises WrongKeyError
    at once when `keys` lacks the file's key version or holds another key under it, and
    SealError when a chunk fails authentication or the file ends early: nothing is returned
    from a chunk that did not authenticate, but earlier chunks were, so a caller that must not
    act on part of a file reads it through once (`open_file(src, None, ...)`) before using it."""

    def __init__(self, src: BinaryIO, *, keys: Mapping[str, bytes], context: bytes) -> None:
        fixed = _read_exactly(src, len(MAGIC) + 5)
        if len(fixed) < len(MAGIC) + 5 or fixed[: len(MAGIC)] != MAGIC:
            raise SealError("not a sealed file")
        chunk_bytes, version_len = struct.unpack(">IB", fixed[len(MAGIC) :])
        if not 0 < chunk_bytes <= MAX_CHUNK_BYTES or not 0 < version_len <= 16:
            raise SealError("bad header")
        rest = _read_exactly(src, version_len + SALT_BYTES + CHECK_BYTES)
        if len(rest) < version_len + SALT_BYTES + CHECK_BYTES:
            raise SealError("header cut short")
        version = rest[:version_len].decode("ascii", errors="replace")
        salt = rest[version_len : version_len + SALT_BYTES]
        check = rest[version_len + SALT_BYTES :]
        self.key_version = version
        key = keys.get(version)
        if key is None:
            raise WrongKeyError(version, missing=True)
        self._cipher, expected = _derive(key, salt)
        if not hmac.compare_digest(check, expected):
            raise WrongKeyError(version, missing=False)
        self._src = src
        self._aad = _aad(fixed + rest, context)
        self._chunk = chunk_bytes
        self._index = 0
        self._lookahead = b""
        self._plain = b""
        self._at = 0
        self._done = False

    def _next_chunk(self) -> None:
        size = self._chunk + TAG_BYTES
        sealed = self._lookahead + _read_exactly(self._src, size - len(self._lookahead))
        self._lookahead = _read_exactly(self._src, 1) if len(sealed) == size else b""
        final = not self._lookahead
        if len(sealed) < TAG_BYTES:
            raise SealError("file cut short")
        try:
            self._plain = self._cipher.decrypt(_nonce(self._index, final), sealed, self._aad)
        except InvalidTag as exc:
            raise SealError(f"chunk {self._index} does not authenticate") from exc
        self._at = 0
        self._index += 1
        self._done = final

    def read(self, size: int = -1) -> bytes:
        parts: list[bytes] = []
        wanted = size if size >= 0 else None
        while wanted is None or wanted > 0:
            if self._at >= len(self._plain):
                if self._done:
                    break
                self._next_chunk()
                continue
            end = len(self._plain) if wanted is None else min(len(self._plain), self._at + wanted)
            parts.append(self._plain[self._at : end])
            if wanted is not None:
                wanted -= end - self._at
            self._at = end
        return b"".join(parts)

    def readable(self) -> bool:
        return True


def seal_file(
    src: BinaryIO, dst: Writable, *, key: bytes, key_version: str, context: bytes
) -> None:
    """Seal all of `src` into `dst`, one chunk in memory at a time."""
    with SealedWriter(dst, key=key, key_version=key_version, context=context) as writer:
        while block := src.read(CHUNK_BYTES):
            writer.write(block)


class TooBig(Exception):
    """More plaintext than `seal_new` was allowed to write."""


def seal_new(
    path: Path,
    chunks: Iterable[bytes],
    *,
    key: bytes,
    key_version: str,
    context: bytes,
    max_bytes: int,
) -> tuple[str, int]:
    """Seal `chunks` into the new file `path` (created 0600; one that exists is refused), never
    a byte in clear on disk, counting the plaintext as it comes (a declared size is the
    client's word): (SHA-256 of the plaintext, its size). More than `max_bytes` raises TooBig;
    on any failure the file is removed, so nothing half written stays."""
    digest = hashlib.sha256()
    size = 0
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            writer = SealedWriter(out, key=key, key_version=key_version, context=context)
            for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise TooBig
                digest.update(chunk)
                writer.write(chunk)
            writer.close()
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return digest.hexdigest(), size


def open_file(
    src: BinaryIO, dst: Writable | None, *, keys: Mapping[str, bytes], context: bytes
) -> str:
    """Open the sealed `src` into `dst` (or, with None, only check that all of it opens);
    return the key version that sealed it. Raises WrongKeyError or SealError."""
    reader = SealedReader(src, keys=keys, context=context)
    while block := reader.read(CHUNK_BYTES):
        if dst is not None:
            dst.write(block)
    return reader.key_version
