"""SECURITY.md L7: when the audit row cannot be written the sensitive action does not happen —
a reveal hands out no number, a role change is rolled back. Nobody can pause auditing: there is
no switch for it."""

from __future__ import annotations

import pytest
from django.db import DatabaseError

from huanjie.accounts import services as accounts_services
from huanjie.accounts.services import RoleSpec
from huanjie.voters.services import person_reveal_id, registrations
from huanjie.voters.tests.test_roll_cast import make_person


def _broken(*args: object, **kwargs: object) -> None:
    raise DatabaseError("audit table unavailable")


def test_a_reveal_whose_audit_row_fails_shows_no_number(cast, monkeypatch):
    person, _ = make_person("张三")
    monkeypatch.setattr(registrations, "audit_record", _broken)
    with pytest.raises(DatabaseError):
        person_reveal_id(actor=cast.county_officer, person=person, reason="核对重复登记")


def test_a_role_change_whose_audit_row_fails_is_rolled_back(cast, monkeypatch):
    user = cast.town_officer
    before = sorted(user.role_grants.values_list("role", flat=True))
    monkeypatch.setattr(accounts_services, "audit_record", _broken)
    with pytest.raises(DatabaseError):
        accounts_services.user_roles_set(
            actor=cast.security_admin, user=user, roles=[RoleSpec(role="inspector")]
        )
    assert sorted(user.role_grants.values_list("role", flat=True)) == before
