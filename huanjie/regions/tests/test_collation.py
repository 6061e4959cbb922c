"""Region codes are compared byte by byte on PostgreSQL (regions migration 0003): the code,
every column that holds one, and the household number of the people's (region, household)
index. Built from the models, so a column added later that refers to a region fails here until
a migration gives it the same collation."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection

from huanjie.people.models import Person
from huanjie.regions.models import Region

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite compares bytes already (BINARY)"
)


def _collations() -> dict[tuple[str, str], str | None]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT table_name, column_name, collation_name FROM information_schema.columns
               WHERE table_schema = current_schema()"""
        )
        return {(table, column): collation for table, column, collation in cursor.fetchall()}


def test_every_column_holding_a_region_code_compares_bytes(db: None):
    collations = _collations()
    columns = [(Region._meta.db_table, "code")]
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Region:
                columns.append((model._meta.db_table, field.column))
    columns.append((Person._meta.db_table, Person._meta.get_field("household_no").column))
    assert len(columns) > 40  # the registry was read: every app refers to regions
    assert {c: collations[c] for c in columns if collations[c] != "C"} == {}


def test_a_regions_descendants_still_come_after_it_in_code_order(db: None):
    for code, level in (("63", 1), ("6301", 2), ("630121", 3), ("630121100", 4)):
        Region.objects.create(code=code, name=code, level=level)
    Region.objects.create(code="630121100001", name="村", level=5)
    Region.objects.create(code="6301211", name="x", level=4)  # not a real code: order only
    codes = list(
        Region.objects.filter(code__startswith="630121")
        .order_by("code")
        .values_list("code", flat=True)
    )
    assert codes == sorted(codes, key=str.encode)
    assert codes[0] == "630121"
    assert codes.index("630121100") < codes.index("630121100001")
