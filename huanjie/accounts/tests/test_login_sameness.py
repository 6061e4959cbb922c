"""SECURITY.md A4: an unknown user, a wrong password and a locked account get the same status,
the same form error and the same work (one password hash each), so neither the answer nor its
timing tells which accounts exist."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher

from huanjie.conftest import PASSWORD, log_in


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    encode = MD5PasswordHasher.encode

    def counting(self: MD5PasswordHasher, password: str, salt: str) -> str:
        calls.append(password)
        return encode(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counting)
    return calls


def _attempt(client, hashes: list[str], username: str, password: str):
    hashes.clear()
    response = log_in(client, username, password)
    return response.status_code, response.context["form"].non_field_errors(), len(hashes)


def test_unknown_user_wrong_password_and_locked_account_answer_alike(client, cast, hashes):
    unknown = _attempt(client, hashes, "nobody", "Wrong-Passw0rd-1")
    wrong = _attempt(client, hashes, "town", "Wrong-Passw0rd-1")
    for _ in range(5):
        log_in(client, "town", "Wrong-Passw0rd-1")
    locked = _attempt(client, hashes, "town", PASSWORD)
    assert unknown == wrong == locked
    assert unknown[0] == 200 and unknown[2] == 1
