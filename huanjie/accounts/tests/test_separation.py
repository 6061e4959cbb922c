"""三员分立 in the services (SECURITY.md C1): nobody changes their own roles, state or password
through the administration services, and no administrator changes another administrator's."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from huanjie.accounts import services
from huanjie.accounts.services import RoleSpec


def test_an_administrator_cannot_give_itself_another_role(cast):
    with pytest.raises(ValidationError) as exc:
        services.user_roles_set(
            actor=cast.security_admin,
            user=cast.security_admin,
            roles=[RoleSpec(role="audit_admin")],
        )
    assert exc.value.messages == [services.MSG_OWN_ACCOUNT]


@pytest.mark.parametrize("target", ["system_admin", "audit_admin"])
def test_the_security_administrator_cannot_reset_or_change_another_administrator(cast, target):
    other = getattr(cast, target)
    with pytest.raises(ValidationError) as exc:
        services.user_reset_password(actor=cast.security_admin, user=other)
    assert exc.value.messages == [services.MSG_OTHER_ADMIN]
    with pytest.raises(ValidationError):
        services.user_roles_set(
            actor=cast.security_admin, user=other, roles=[RoleSpec(role="county_officer")]
        )
    with pytest.raises(ValidationError):
        services.user_set_active(actor=cast.security_admin, user=other, active=False)


def test_the_security_administrator_still_manages_operators(cast):
    services.user_reset_password(actor=cast.security_admin, user=cast.town_officer)
    services.user_set_active(actor=cast.security_admin, user=cast.town_officer, active=False)


def test_the_account_page_shows_the_phone_masked(cast):
    """SECURITY.md P3: a phone number as 138****1234, never in full."""
    from django.urls import reverse

    from huanjie.accounts.models import User

    User.objects.filter(pk=cast.town_officer.pk).update(phone="13800001111")
    page = cast.client(cast.security_admin).get(
        reverse("accounts:user_detail", args=[cast.town_officer.pk])
    )
    body = page.content.decode()
    assert "138****1111" in body and "13800001111" not in body
