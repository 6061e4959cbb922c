"""`huanjie check --deploy` fails on the accounts `huanjie accounts check` reports: a default
account, a superuser, conflicting or missing roles, a shared phone (SECURITY.md A1, A6, C2)."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, Tags, register
from django.db import DatabaseError


@register(Tags.security, deploy=True)
def accounts_in_order(app_configs: Any, **kwargs: Any) -> list[Error]:
    from huanjie.accounts.services import accounts_problems

    try:
        problems = accounts_problems()
    except DatabaseError:
        return []  # no database or no tables yet (before the first migrate): no accounts either
    return [Error(problem, id="accounts.E001") for problem in problems]
