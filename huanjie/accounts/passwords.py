"""The password policy of SECURITY.md A2 as Django password validators, and its expiry.

[PROJ] length ≥ 10 (Django's MinimumLengthValidator), at least 3 of the 4 classes (upper, lower,
digit, symbol), at most 128 characters, not a common password (Django's list), not containing the
login ID, the phone number or the words admin / xuanju / the user's village or town name, not one
of the user's last 5 passwords; a password expires after 90 days. GB/T 22239-2019 8.1.4.1 a).

    >>> CharacterClassesValidator().validate("Abcdefgh12")
    >>> MaximumLengthValidator().validate("x" * 129)
    Traceback (most recent call last):
    ...
    django.core.exceptions.ValidationError: ['密码不能超过128个字符']
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from typing import Any, Final

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone

MAX_AGE: Final = timedelta(days=90)
# SECURITY.md A8 [PROJ]: an initial or reset password is good for one day; then the security
# administrator gives a new one.
TEMPORARY_MAX_AGE: Final = timedelta(hours=24)
HISTORY: Final = 5

MSG_CLASSES = "密码须包含大写字母、小写字母、数字、符号中的至少三类"
MSG_TOO_LONG = "密码不能超过{n}个字符"
MSG_CONTAINS = "密码不能包含{what}"
MSG_REUSED = "不能使用最近{n}次用过的密码"
FORBIDDEN_WORDS: Final = ("admin", "xuanju", "huanjie")


def _classes(password: str) -> int:
    upper = any(c.isupper() for c in password)
    lower = any(c.islower() for c in password)
    digit = any(c.isdigit() for c in password)
    symbol = any(not c.isalnum() for c in password)
    return upper + lower + digit + symbol


class CharacterClassesValidator:
    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if _classes(password) < self.min_classes:
            raise ValidationError(MSG_CLASSES, code="password_classes")

    def get_help_text(self) -> str:
        return MSG_CLASSES


class MaximumLengthValidator:
    def __init__(self, max_length: int = 128) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(MSG_TOO_LONG.format(n=self.max_length), code="password_long")

    def get_help_text(self) -> str:
        return MSG_TOO_LONG.format(n=self.max_length)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


class ForbiddenContentValidator:
    """Not the login ID, the phone number, a system word, or the user's own place name."""

    def validate(self, password: str, user: Any = None) -> None:
        folded = _fold(password)
        found: list[str] = [w for w in FORBIDDEN_WORDS if w in folded]
        if user is not None:
            username = _fold(getattr(user, "username", "") or "")
            if len(username) >= 3 and username in folded:
                found.append("用户名")
            phone = "".join(c for c in getattr(user, "phone", "") or "" if c.isdigit())
            if len(phone) >= 6 and phone in folded:
                found.append("手机号")
            region = getattr(user, "region", None) if getattr(user, "region_id", None) else None
            if region is not None:
                names = {region.name, region.short_name} - {""}
                if any(_fold(n) in folded for n in names):
                    found.append("所在地名称")
        if found:
            raise ValidationError(
                MSG_CONTAINS.format(what="、".join(dict.fromkeys(found))), code="password_words"
            )

    def get_help_text(self) -> str:
        return MSG_CONTAINS.format(what="用户名、手机号、所在地名称或 admin 等词")


class HistoryValidator:
    """Not the current password nor one of the last HISTORY ones (their hashes are kept)."""

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or not getattr(user, "pk", None):
            return
        from huanjie.accounts.models import PasswordHistory

        earlier = (
            PasswordHistory.objects.filter(user=user)
            .order_by("-id")
            .values_list("password", flat=True)[:HISTORY]
        )
        hashes = [user.password, *earlier]
        if any(h and check_password(password, h) for h in hashes):
            raise ValidationError(MSG_REUSED.format(n=HISTORY), code="password_reused")

    def get_help_text(self) -> str:
        return MSG_REUSED.format(n=HISTORY)


def password_expired(user: Any) -> bool:
    """A password older than MAX_AGE must be changed before anything else (SECURITY.md A2)."""
    changed = getattr(user, "password_changed_at", None)
    return changed is not None and timezone.now() - changed > MAX_AGE


def temporary_password_expired(user: Any) -> bool:
    """An initial or reset password (one that must be changed) unused for a day opens nothing
    (SECURITY.md A8)."""
    changed = getattr(user, "password_changed_at", None)
    return (
        bool(getattr(user, "must_change_password", False))
        and changed is not None
        and timezone.now() - changed > TEMPORARY_MAX_AGE
    )
