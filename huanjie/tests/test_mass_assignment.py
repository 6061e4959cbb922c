"""SECURITY.md C6 (mass assignment): no form binds a model's fields wholesale. Every form names
its fields, every service takes keyword arguments, so a posted field nobody asked for (is_staff,
is_superuser, region, village, status, certified) changes nothing."""

from __future__ import annotations

import ast
from pathlib import Path

from django.urls import reverse

from huanjie.accounts.models import User

PACKAGE = Path(__file__).resolve().parents[1]


def test_no_form_binds_a_models_fields_wholesale():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts or "tests" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases = {ast.unparse(b) for b in node.bases}
                if any(b.endswith("ModelForm") for b in bases):
                    offenders.append(f"{path.name}:{node.name} is a ModelForm")
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id in ("fields", "exclude") for t in node.targets
            ):
                value = ast.unparse(node.value)
                if value in ('"__all__"', "'__all__'") or any(
                    isinstance(t, ast.Name) and t.id == "exclude" for t in node.targets
                ):
                    offenders.append(f"{path.name}:{node.lineno} {ast.unparse(node)}")
    assert offenders == []


def test_fields_nobody_asked_for_change_nothing(cast):
    admin = cast.client(cast.security_admin)
    admin.post(
        reverse("accounts:user_create"),
        {
            "username": "newclerk",
            "full_name": "新来的",
            "phone": "",
            "region_code": "630121100206",
            "roles": ["village_clerk"],
            "is_staff": "on",
            "is_superuser": "on",
            "must_change_password": "",
            "region": "630123",
        },
    )
    user = User.objects.get(username="newclerk")
    assert not user.is_staff and not user.is_superuser and user.must_change_password
    assert user.region_id == "630121100206"
    town = cast.town_officer
    admin.post(
        reverse("accounts:user_detail", args=[town.pk]),
        {"roles": ["town_officer"], "is_active": "", "region_id": "630123", "is_staff": "on"},
    )
    town.refresh_from_db()
    assert town.is_active and not town.is_staff and town.region_id == "630121100"
