"""The sealed-file format of the backups (SECURITY.md D6): what goes in comes out, and a flipped
byte, a dropped, reordered or appended chunk, a file cut at a chunk boundary, another file's
context or another key are all refused. Small chunks make many-chunk files cheap."""

from __future__ import annotations

import io
import os

import pytest

from huanjie.lib.sealedfile import SealedWriter, SealError, WrongKeyError, open_file, seal_file

KEY = b"k" * 32
CHUNK = 64
SEALED_CHUNK = CHUNK + 16


def _seal(data: bytes, *, context: bytes = b"db", chunk: int = CHUNK) -> tuple[bytes, int]:
    """The sealed bytes and the length of their header."""
    out = io.BytesIO()
    with SealedWriter(out, key=KEY, key_version="3", context=context, chunk_bytes=chunk) as w:
        header = out.tell()
        for at in range(0, len(data), 7):  # written in odd pieces, as a pipe delivers them
            w.write(data[at : at + 7])
    return out.getvalue(), header


def _open(sealed: bytes, *, context: bytes = b"db", keys: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    open_file(io.BytesIO(sealed), out, keys={"3": KEY} if keys is None else keys, context=context)
    return out.getvalue()


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 5 * CHUNK, 5 * CHUNK + 3])
def test_what_is_sealed_opens_unchanged(size):
    data = os.urandom(size)
    sealed, header = _seal(data)
    assert _open(sealed) == data
    chunks = max(1, -(-size // CHUNK))
    assert len(sealed) == header + size + 16 * chunks


def test_seal_file_streams_a_file_of_several_default_chunks():
    data = os.urandom((1 << 20) * 2 + 5)
    out = io.BytesIO()
    seal_file(io.BytesIO(data), out, key=KEY, key_version="3", context=b"db")
    assert _open(out.getvalue()) == data


def test_no_plaintext_shows():
    data = "欧阳备份 630121********0143 ".encode() * 20
    sealed, _ = _seal(data)
    assert "欧阳备份".encode() not in sealed and b"0143" not in sealed


def _chunks(sealed: bytes, header: int) -> list[bytes]:
    body = sealed[header:]
    return [body[at : at + SEALED_CHUNK] for at in range(0, len(body), SEALED_CHUNK)]


def test_a_flipped_byte_anywhere_is_refused():
    sealed, _ = _seal(os.urandom(3 * CHUNK + 10))
    for at in range(0, len(sealed), 5):
        damaged = bytearray(sealed)
        damaged[at] ^= 0x01
        with pytest.raises(SealError):
            _open(bytes(damaged))


def test_a_file_cut_at_a_chunk_boundary_or_inside_a_chunk_is_refused():
    sealed, header = _seal(os.urandom(3 * CHUNK + 10))
    for end in [header + SEALED_CHUNK, header + 2 * SEALED_CHUNK, len(sealed) - 1, header, 10]:
        with pytest.raises(SealError):
            _open(sealed[:end])


def test_reordered_dropped_or_appended_chunks_are_refused():
    sealed, header = _seal(os.urandom(3 * CHUNK + 10))
    head, chunks = sealed[:header], _chunks(sealed, header)
    for body in [
        [chunks[1], chunks[0], *chunks[2:]],  # reordered
        [chunks[0], *chunks[2:]],  # one dropped from the middle
        [*chunks, chunks[-1]],  # the final chunk twice
        [*chunks, b"\0" * 16],  # bytes appended
    ]:
        with pytest.raises(SealError):
            _open(head + b"".join(body))


def test_a_full_final_chunk_followed_by_nothing_is_the_end():
    data = os.urandom(2 * CHUNK)
    sealed, header = _seal(data)
    assert len(_chunks(sealed, header)) == 2
    assert _open(sealed) == data


def test_a_file_opens_only_in_its_own_context():
    sealed, _ = _seal(b"uploads")
    with pytest.raises(SealError):
        _open(sealed, context=b"database")


def test_a_wrong_or_missing_key_is_told_apart():
    sealed, _ = _seal(b"data")
    with pytest.raises(WrongKeyError) as wrong:
        _open(sealed, keys={"3": b"x" * 32})
    assert (wrong.value.version, wrong.value.missing) == ("3", False)
    with pytest.raises(WrongKeyError) as missing:
        _open(sealed, keys={"4": KEY})
    assert (missing.value.version, missing.value.missing) == ("3", True)
    # An older key still listed after a rotation opens what it sealed.
    assert _open(sealed, keys={"4": b"x" * 32, "3": KEY}) == b"data"


def test_a_file_that_is_not_sealed_is_refused():
    with pytest.raises(SealError):
        _open(b"PGDMP\x01\x0e\x00" + b"\0" * 100)
