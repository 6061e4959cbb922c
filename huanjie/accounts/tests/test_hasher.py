"""SECURITY.md D4: production hashes passwords with PBKDF2 or Argon2 (the tests swap in MD5 for
speed in conftest.pytest_configure, so this reads the project's settings module itself)."""

from __future__ import annotations

from django.conf import global_settings
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.test import override_settings

import huanjie.settings as project_settings

STRONG = {
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
}


def test_production_hashes_passwords_with_pbkdf2_or_argon2() -> None:
    hashers = getattr(project_settings, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)
    assert hashers[0] in STRONG
    with override_settings(PASSWORD_HASHERS=hashers):
        encoded = make_password("Qinghai-Datong#7")
        assert identify_hasher(encoded).algorithm in {"pbkdf2_sha256", "argon2"}
        assert "Qinghai-Datong#7" not in encoded
        assert check_password("Qinghai-Datong#7", encoded)
