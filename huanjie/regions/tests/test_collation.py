"""Region codes are compared byte by byte on PostgreSQL (regions migration 0003): the code,
every column that holds one, and the household number of the people's (region, household)
index. The list is the migration's own (`columns`), read from the project's models, so a column
added later that refers to a region fails here until a migration gives it the same collation."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection

from huanjie.regions.models import Region

bytewise = import_module("huanjie.regions.migrations.0003_codes_bytewise")

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
    held = [(table, column) for table, column, _ in bytewise.columns(apps)]
    assert len(held) > 40  # the registry was read: every app refers to regions
    assert {c: collations[c] for c in held if collations[c] != "C"} == {}


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
