"""SECURITY.md P1, P2: every field of every huanjie model is in the personal data inventory
(`huanjie/privacy.py`), classified, and every personal one has a purpose and a legal basis; the
database holds no column the inventory does not name; docs/personal-data.md is generated from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import AbstractUser
from django.db import connection, models

from huanjie.privacy import (
    INVENTORY,
    NOT_COLLECTED,
    NOT_PERSONAL,
    NOT_PERSONAL_DESPITE_NAME,
    PersonalField,
    personal,
    render,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "personal-data.md"

# A field whose name holds one of these words (split at "_") looks personal.
SUSPECT_WORDS = frozenset(
    {
        "name", "phone", "email", "ip", "address", "relation", "relative", "household",
        "sex", "person", "member", "user", "filer", "subject", "principal", "holder",
        "password", "session", "note", "reason", "message", "detail", "problems", "changes",
        "snapshot", "text", "source", "flag", "group", "died", "deprived", "exclusion",
    }
)  # fmt: skip
# ... or one of these pieces anywhere in it.
SUSPECT_PIECES = ("id_", "name", "birth", "ethnic", "household", "phone", "address", "relation")


def huanjie_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("huanjie.")]


def model_fields() -> dict[str, models.Field[object, object]]:
    """Every field that holds data: the concrete ones and the many-to-many ones (their own
    tables), by "app_label.Model.field"."""
    return {
        f"{model._meta.label}.{field.name}": field
        for model in huanjie_models()
        for field in [*model._meta.concrete_fields, *model._meta.many_to_many]
    }


def looks_personal(name: str) -> bool:
    return bool(SUSPECT_WORDS & set(name.split("_"))) or any(p in name for p in SUSPECT_PIECES)


def about_a_person() -> set[str]:
    """The models whose every row is about one person: Person, and any model with a required
    foreign key to such a model (a registration, a Party membership, a proxy, ...)."""
    found = {"people.Person"}
    while True:
        more = {
            model._meta.label
            for model in huanjie_models()
            for field in model._meta.concrete_fields
            if isinstance(field, models.ForeignKey)
            and not field.null
            and field.related_model._meta.label in found  # type: ignore[union-attr]
        } - found
        if not more:
            return found
        found |= more


def test_every_field_of_every_model_is_in_the_inventory_and_nothing_else() -> None:
    fields = model_fields()
    missing = sorted(set(fields) - set(INVENTORY))
    stale = sorted(set(INVENTORY) - set(fields))
    assert not missing, (
        f"fields not in huanjie/privacy.py INVENTORY (classify each, SECURITY.md P1): {missing}"
    )
    assert not stale, f"INVENTORY names fields that no model has: {stale}"
    assert len(fields) > 200  # every app's models were found


def test_a_field_that_looks_personal_is_classified_personal() -> None:
    fields = model_fields()
    wrong = sorted(
        key
        for key, field in fields.items()
        if INVENTORY.get(key) is NOT_PERSONAL
        and key not in NOT_PERSONAL_DESPITE_NAME
        and (looks_personal(field.name) or isinstance(field, models.JSONField | models.TextField))
    )
    assert not wrong, (
        "these fields look personal (name or free-form type) but are NOT_PERSONAL; classify them "
        f"or give the reason in NOT_PERSONAL_DESPITE_NAME: {wrong}"
    )


def test_a_link_to_a_person_or_an_official_is_personal() -> None:
    people = about_a_person() | {"accounts.User"}
    assert {"voters.VoterRegistration", "party.PartyMember", "voters.Proxy"} <= people
    wrong = sorted(
        key
        for key, field in model_fields().items()
        if field.is_relation
        and field.related_model is not None
        and field.related_model._meta.label in people  # type: ignore[union-attr]
        and INVENTORY[key] is NOT_PERSONAL
    )
    assert not wrong, f"these foreign keys point at a person's row but are NOT_PERSONAL: {wrong}"


def test_the_allow_list_names_real_fields_that_look_personal_with_a_reason() -> None:
    fields = model_fields()
    for key, reason in NOT_PERSONAL_DESPITE_NAME.items():
        assert key in fields and INVENTORY[key] is NOT_PERSONAL, key
        # The same test as test_a_field_that_looks_personal_is_classified_personal: by name,
        # or by a free-form type (SECURITY.md P1 "whose name or type looks personal").
        field = fields[key]
        assert looks_personal(field.name) or isinstance(
            field, models.JSONField | models.TextField
        ), f"{key} needs no exception"
        assert len(reason) >= 4, key


@pytest.mark.parametrize("key", sorted(personal()))
def test_every_personal_field_has_a_kind_a_purpose_and_a_basis(key: str) -> None:
    entry = INVENTORY[key]
    assert isinstance(entry, PersonalField)
    for text in (entry.kind, entry.purpose, entry.basis):
        assert text.strip() and re.search(r"[\u4e00-\u9fff]", text), (key, text)
    if entry.basis == NOT_COLLECTED:
        # Only the columns Django's AbstractUser brings, which no code fills.
        field_name = key.rsplit(".", 1)[1]
        assert key.startswith("accounts.User.") and field_name in {
            f.name for f in AbstractUser._meta.get_fields()
        }, key
    else:
        assert entry.basis.startswith("个人信息保护法第十三条"), (key, entry.basis)


def test_the_id_number_and_deprivation_are_sensitive() -> None:
    for key in (
        "people.Person.id_cipher",
        "people.Person.id_hash",
        "people.Person.id_masked",
        "people.Person.rights_deprived_from",
        "party.MemberRegistration.exclusion",
    ):
        entry = INVENTORY[key]
        assert isinstance(entry, PersonalField) and entry.sensitive, key


@pytest.mark.django_db
def test_the_database_holds_no_column_the_inventory_does_not_name() -> None:
    """Read from the database itself (SQLite and PostgreSQL): a column added by raw SQL, or a
    table of an app's prefix that no model owns, would hold data nobody classified."""
    by_table: dict[str, set[str]] = {}
    for model in huanjie_models():
        columns = {
            field.column
            for field in model._meta.concrete_fields
            if f"{model._meta.label}.{field.name}" in INVENTORY
        }
        by_table.setdefault(model._meta.db_table, set()).update(columns)
        for m2m in model._meta.many_to_many:
            if f"{model._meta.label}.{m2m.name}" in INVENTORY:
                through = m2m.remote_field.through
                assert isinstance(through, type) and issubclass(through, models.Model)
                by_table[through._meta.db_table] = {f.column for f in through._meta.concrete_fields}
    huanjie_prefixes = tuple(
        f"{config.label}_" for config in apps.get_app_configs() if config.name.startswith("huanjie")
    )
    assert len(huanjie_prefixes) >= 7
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        for table in tables:
            if table.startswith(huanjie_prefixes):
                assert table in by_table, f"table {table} belongs to no huanjie model"
        for table, columns in by_table.items():
            described = {
                c.name for c in connection.introspection.get_table_description(cursor, table)
            }
            assert described == columns, (table, sorted(described ^ columns))


@pytest.mark.django_db
def test_the_columns_not_collected_stay_empty(cast: object) -> None:
    from huanjie.accounts.models import User

    assert User.objects.exists()
    assert not User.objects.exclude(first_name="", last_name="", email="").exists()
    assert not User.groups.through.objects.exists()
    assert not User.user_permissions.through.objects.exists()


def test_the_committed_document_is_the_generated_one() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/personal-data.md is out of date: run `python -m huanjie.privacy > "
        "docs/personal-data.md`"
    )


def test_the_document_lists_every_personal_field() -> None:
    text = render()
    for key in personal():
        model, name = key.rsplit(".", 1)
        section = text.split(f"## {model}\n", 1)[1].split("\n## ", 1)[0]
        assert f"| `{name}` |" in section, key
    assert "AES-256-GCM" in text and "掩码显示（P3）" in text
