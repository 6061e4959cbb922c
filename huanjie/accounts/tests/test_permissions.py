"""The role x action matrix, cell by cell (SECURITY.md C1), and the 三员分立 validator."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from huanjie.accounts.models import Role, RoleGrant
from huanjie.accounts.permissions import (
    ROLE_CONFLICT_ADMIN_AND_BUSINESS,
    ROLE_CONFLICT_TWO_ADMINS,
    Action,
    RoleConflict,
    can,
    check_role_set,
    in_scope,
)
from huanjie.accounts.services import RoleSpec, user_create, user_roles_set
from huanjie.regions.models import Region

A = Action
# The matrix as a county official would state it; every cell is checked.
EXPECTED: dict[str, set[Action]] = {
    Role.COUNTY_OFFICER: {
        A.VIEW_REGIONS,
        A.CORRECT_REGION_KIND,
        A.VIEW_CAMPAIGNS,
        A.MANAGE_CAMPAIGNS,
        A.VIEW_PEOPLE,
        A.SET_ELECTION_DATE,
        A.MANAGE_VOTERS,
        A.REVEAL_ID,
        A.RESOLVE_DUPLICATES,
        A.MANAGE_PARTY,
        A.MANAGE_ELECTIONS,
        A.MANAGE_NOMINATION,
        A.MANAGE_COMMITTEES,
        A.MANAGE_REVIEW,
        A.MANAGE_RULE_PROFILES,
        A.MANAGE_POLLS,
        A.ENTER_COUNT,
        A.COORDINATE_COUNT,
        A.CERTIFY_RESULTS,
        A.CORRECT_RESULTS,
        A.MANAGE_ROSTER,
        A.VIEW_ROSTER_REPORT,
        A.VIEW_PROGRESS,
        A.MANAGE_SCHEDULE,
        A.MANAGE_LEDGERS,
        A.RECORD_INSPECTIONS,
    },
    Role.TOWN_OFFICER: {
        A.VIEW_REGIONS,
        A.VIEW_CAMPAIGNS,
        A.VIEW_PEOPLE,
        A.SET_ELECTION_DATE,
        A.MANAGE_VOTERS,
        A.MANAGE_PARTY,
        A.MANAGE_ELECTIONS,
        A.MANAGE_NOMINATION,
        A.MANAGE_COMMITTEES,
        A.MANAGE_REVIEW,
        A.MANAGE_POLLS,
        A.ENTER_COUNT,
        A.COORDINATE_COUNT,
        A.CERTIFY_RESULTS,
        A.CORRECT_RESULTS,
        A.MANAGE_ROSTER,
        A.VIEW_ROSTER_REPORT,
        A.VIEW_PROGRESS,
        A.MANAGE_SCHEDULE,
        A.MANAGE_LEDGERS,
    },
    Role.VILLAGE_CLERK: {
        A.VIEW_REGIONS,
        A.VIEW_CAMPAIGNS,
        A.VIEW_PEOPLE,
        A.MANAGE_VOTERS,
        A.MANAGE_NOMINATION,
        A.MANAGE_COMMITTEES,
        A.MANAGE_REVIEW,
        A.MANAGE_POLLS,
        A.ENTER_COUNT,
        A.VIEW_PROGRESS,
        A.MANAGE_SCHEDULE,
    },
    Role.REVIEWER: {A.VIEW_REGIONS, A.ANSWER_REVIEW},
    Role.INSPECTOR: {
        A.VIEW_REGIONS,
        A.VIEW_CAMPAIGNS,
        A.VIEW_ROSTER_REPORT,
        A.VIEW_PROGRESS,
        A.RECORD_INSPECTIONS,
    },
    Role.SYSTEM_ADMIN: {A.VIEW_SYSTEM},
    Role.SECURITY_ADMIN: {A.MANAGE_USERS},
    Role.AUDIT_ADMIN: {A.VIEW_AUDIT, A.EXPORT_AUDIT},
}

CAST_BY_ROLE = {
    Role.COUNTY_OFFICER: "county_officer",
    Role.TOWN_OFFICER: "town_officer",
    Role.VILLAGE_CLERK: "village_clerk",
    Role.REVIEWER: "reviewer",
    Role.INSPECTOR: "inspector",
    Role.SYSTEM_ADMIN: "system_admin",
    Role.SECURITY_ADMIN: "security_admin",
    Role.AUDIT_ADMIN: "audit_admin",
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_every_cell_of_the_role_action_matrix(cast, role, action):
    user = getattr(cast, CAST_BY_ROLE[role])
    assert can(user, action) is (action in EXPECTED[role])


def test_the_audit_log_is_read_by_the_audit_administrator_alone(cast):
    readers = [r for r in Role if A.VIEW_AUDIT in EXPECTED[r]]
    assert readers == [Role.AUDIT_ADMIN]


def test_an_inactive_user_can_do_nothing(cast):
    cast.county_officer.is_active = False
    assert not any(can(cast.county_officer, a) for a in Action)


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        (["system_admin", "security_admin"], ROLE_CONFLICT_TWO_ADMINS),
        (["security_admin", "audit_admin"], ROLE_CONFLICT_TWO_ADMINS),
        (["system_admin", "audit_admin"], ROLE_CONFLICT_TWO_ADMINS),
        (["audit_admin", "county_officer"], ROLE_CONFLICT_ADMIN_AND_BUSINESS),
    ],
)
def test_it_refuses_two_administrator_roles_on_one_account(roles, message):
    with pytest.raises(RoleConflict) as exc:
        check_role_set(roles)
    assert str(exc.value) == message


def test_business_roles_combine():
    check_role_set(["county_officer", "inspector"])


def test_the_service_refuses_two_administrator_roles_with_a_chinese_message(cast):
    with pytest.raises(ValidationError) as exc:
        user_create(
            actor=cast.security_admin,
            username="twohats",
            full_name="张三",
            region=Region.objects.get(code="630121"),
            roles=[RoleSpec("system_admin"), RoleSpec("audit_admin")],
        )
    assert exc.value.messages == [ROLE_CONFLICT_TWO_ADMINS]
    assert not cast.security_admin.__class__.objects.filter(username="twohats").exists()


def test_changing_roles_refuses_a_second_administrator_role(cast):
    with pytest.raises(ValidationError):
        user_roles_set(
            actor=cast.security_admin,
            user=cast.system_admin,
            roles=[RoleSpec("system_admin"), RoleSpec("security_admin")],
        )
    assert set(cast.system_admin.role_grants.values_list("role", flat=True)) == {"system_admin"}


def test_the_database_refuses_a_second_administrator_role_too(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrant.objects.create(user=cast.system_admin, role=Role.AUDIT_ADMIN)


def test_scope_is_a_region_code_prefix(cast):
    assert in_scope(cast.town_officer, "630121100206")
    assert not in_scope(cast.town_officer, "630121101205")
    assert not in_scope(cast.other_county_officer, "630121100206")
    assert in_scope(cast.county_officer, "630121101205")
