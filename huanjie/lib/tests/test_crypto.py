"""Field encryption (AES-256-GCM, versioned keys) and the keyed lookup hash. No database."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from django.core.exceptions import ImproperlyConfigured
from pytest_django import Settings

from huanjie.lib import crypto

KEY_1 = base64.b64encode(bytes(range(32))).decode()
KEY_2 = base64.urlsafe_b64encode(bytes(range(100, 132))).decode()
PURPOSE = "person.id_number"
ID = "11010519491231002X"


@pytest.fixture
def keys(settings: Settings) -> Settings:
    settings.HUANJIE_FIELD_KEYS = f"1:{KEY_1}"
    settings.HUANJIE_LOOKUP_KEY = "test-lookup-key"
    return settings


def test_it_round_trips(keys: Settings) -> None:
    for text in (ID, "", "韩玉梅 138****1234", "x" * 5000):
        assert crypto.decrypt_field(crypto.encrypt_field(text, PURPOSE), PURPOSE) == text


def test_tokens_name_the_key_and_hide_the_value(keys: Settings) -> None:
    token = crypto.encrypt_field(ID, PURPOSE)
    assert token.startswith("v1:")
    assert ID not in token and "19491231" not in token
    # A fresh nonce each time: equal IDs are not visible as equal tokens.
    assert crypto.encrypt_field(ID, PURPOSE) != token


def test_a_changed_token_does_not_decrypt(keys: Settings) -> None:
    token = crypto.encrypt_field(ID, PURPOSE)
    body = token[3:]
    for i in (0, 5, 12, 20, len(body) - 4):  # nonce, ciphertext and tag
        flipped = body[:i] + ("A" if body[i] != "A" else "B") + body[i + 1 :]
        with pytest.raises(crypto.FieldDecryptError):
            crypto.decrypt_field("v1:" + flipped, PURPOSE)
    for broken in (
        "",
        "v1:",
        "1:" + body,
        "v1" + body,
        "v1:" + body[:20],
        "v1:" + body + "!",
        token[:-5],
    ):
        with pytest.raises(crypto.FieldDecryptError):
            crypto.decrypt_field(broken, PURPOSE)


def test_a_token_does_not_decrypt_for_another_purpose(keys: Settings) -> None:
    token = crypto.encrypt_field(ID, PURPOSE)
    with pytest.raises(crypto.FieldDecryptError):
        crypto.decrypt_field(token, "person.phone")
    with pytest.raises(ValueError):
        crypto.encrypt_field(ID, "")


def test_rotation_keeps_old_tokens_readable_and_encrypts_with_the_newest_key(
    keys: Settings,
) -> None:
    old = crypto.encrypt_field(ID, PURPOSE)
    assert not crypto.needs_rotation(old)

    keys.HUANJIE_FIELD_KEYS = f"2:{KEY_2},1:{KEY_1}"
    assert crypto.decrypt_field(old, PURPOSE) == ID
    assert crypto.needs_rotation(old)
    new = crypto.encrypt_field(ID, PURPOSE)
    assert new.startswith("v2:")
    assert not crypto.needs_rotation(new)
    rotated = crypto.rotate_field(old, PURPOSE)
    assert rotated.startswith("v2:") and crypto.decrypt_field(rotated, PURPOSE) == ID
    assert crypto.rotate_field(new, PURPOSE) == new

    keys.HUANJIE_FIELD_KEYS = f"2:{KEY_2}"  # the old key retired
    with pytest.raises(crypto.FieldDecryptError):
        crypto.decrypt_field(old, PURPOSE)
    assert crypto.decrypt_field(rotated, PURPOSE) == ID


def test_the_same_version_with_another_key_does_not_decrypt(keys: Settings) -> None:
    token = crypto.encrypt_field(ID, PURPOSE)
    keys.HUANJIE_FIELD_KEYS = f"1:{KEY_2}"
    with pytest.raises(crypto.FieldDecryptError):
        crypto.decrypt_field(token, PURPOSE)


@pytest.mark.parametrize(
    ("configured", "message"),
    [
        ("", "is empty"),
        (" , ", "is empty"),
        (KEY_1, "version:base64key"),
        (f"v-1:{KEY_1}", "version:base64key"),
        ("1:not base64!", "not valid base64"),
        ("1:" + base64.b64encode(b"too short").decode(), "decodes to 9 bytes"),
        (f"1:{KEY_1},1:{KEY_2}", "twice"),
    ],
)
def test_a_bad_key_setting_fails_loudly_without_showing_keys(
    settings: Settings, configured: str, message: str
) -> None:
    settings.HUANJIE_FIELD_KEYS = configured
    with pytest.raises(ImproperlyConfigured, match=message) as info:
        crypto.encrypt_field(ID, PURPOSE)
    assert KEY_1 not in str(info.value) and KEY_2 not in str(info.value)


def test_the_development_default_keys_are_usable() -> None:
    ring = crypto.key_ring()  # whatever settings.py gives without environment overrides
    assert ring.current in ring.ciphers
    assert crypto.decrypt_field(crypto.encrypt_field(ID, PURPOSE), PURPOSE) == ID


def test_lookup_hash_is_hmac_sha256_of_the_normalized_id(keys: Settings) -> None:
    expected = hmac.new(b"test-lookup-key", ID.encode(), hashlib.sha256).hexdigest()
    assert crypto.lookup_hash(ID) == expected
    assert crypto.lookup_hash(ID) == crypto.lookup_hash(ID)  # stable
    # A lower-case x, full-width digits or a stray space never make a second index value.
    assert crypto.lookup_hash(" 11010519491231002x") == expected
    assert crypto.lookup_hash("１１０１０５１９４９１２３１００２Ｘ") == expected
    assert crypto.lookup_hash("440524188001010014") != expected
    assert len(expected) == 64


def test_lookup_hash_depends_on_the_key(keys: Settings) -> None:
    first = crypto.lookup_hash(ID)
    keys.HUANJIE_LOOKUP_KEY = "another-lookup-key"
    assert crypto.lookup_hash(ID) != first
    # A plain SHA-256 (guessable by hashing every plausible ID) is not what we store.
    assert crypto.lookup_hash(ID) != hashlib.sha256(ID.encode()).hexdigest()
    keys.HUANJIE_LOOKUP_KEY = ""
    with pytest.raises(ImproperlyConfigured):
        crypto.lookup_hash(ID)


def test_the_bulk_sealer_makes_the_same_tokens_and_hashes_as_the_single_calls():
    from huanjie.lib.crypto import FieldSealer

    sealer = FieldSealer("person.id_number")
    for number in ("11010519491231002X", "440524188001010014"):
        token, digest = sealer.seal(number)
        assert crypto.decrypt_field(token, "person.id_number") == number
        assert digest == crypto.lookup_hash(number)
        assert not crypto.needs_rotation(token)


@pytest.mark.parametrize("length", [1, 64, 65, 200])
def test_the_bulk_sealers_keyed_hash_is_hmac_sha256_for_any_key_length(keys, length):
    from huanjie.lib.crypto import FieldSealer

    keys.HUANJIE_LOOKUP_KEY = "k" * length
    seal = FieldSealer("person.id_number").seal
    for n in range(FieldSealer._BATCH + 3):  # past one draw of nonces
        number = f"1101051949123{n:04d}"
        token, digest = seal(number)
        expected = hmac.new(("k" * length).encode(), number.encode(), hashlib.sha256).hexdigest()
        assert digest == expected == crypto.lookup_hash(number)
    assert crypto.decrypt_field(token, "person.id_number") == number


def _nonce(token: str) -> bytes:
    return base64.urlsafe_b64decode(token.partition(":")[2])[: crypto.NONCE_BYTES]


def test_a_forked_process_never_takes_the_nonces_its_parent_drew():
    """A checking worker is forked with the import's sealer: were the nonces drawn before the
    fork used on both sides, two ID numbers would be sealed under one key and one nonce."""
    import os

    from huanjie.lib.crypto import FieldSealer

    seal = FieldSealer("person.id_number").seal
    seal("11010519491231002X")  # draws a batch; thousands are left
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: seal 100 values, send their nonces
        try:
            os.write(write, b"".join(_nonce(seal("440524188001010014")[0]) for _ in range(100)))
        finally:
            os._exit(0)
    os.close(write)
    child = b""
    while chunk := os.read(read, 4096):
        child += chunk
    os.close(read)
    os.waitpid(pid, 0)
    theirs = {child[i : i + crypto.NONCE_BYTES] for i in range(0, len(child), crypto.NONCE_BYTES)}
    ours = {_nonce(seal("11010519491231002X")[0]) for _ in range(100)}
    assert len(theirs) == 100 and len(ours) == 100
    assert not theirs & ours
