"""Bulk writes past the ORM: COPY on PostgreSQL, one executemany on SQLite.

ECOSYSTEM.md §2: the ORM's bulk_create costs 25-30 µs per object, ten times the database's own
work; COPY through Django's own connection runs at 250k+ rows/s. Call these inside
``transaction.atomic()`` so a failure leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert `rows` (tuples in the order of `columns`) into `table`.

    `table` and `columns` are code, never user input: they are put into the SQL as they are."""
    cols = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(rows))


def create_temp_table(table: str, columns: Sequence[tuple[str, str]]) -> None:
    """A temporary staging table (name, SQL type) that lives until the transaction ends on
    PostgreSQL; on SQLite it lives for the connection, so drop any leftover first."""
    body = ", ".join(f"{name} {sql_type}" for name, sql_type in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TEMP TABLE {table} ({body}) ON COMMIT DROP")
        else:
            cursor.execute(f"CREATE TEMP TABLE {table} ({body})")


def drop_temp_table(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


def in_chunks(queryset: QuerySet[M], field: str, values: Iterable[Any], size: int = 900) -> list[M]:
    """`queryset` filtered on `field__in` the values, a query per `size` of them: SQLite caps a
    statement's parameters, and a file may name thousands of people."""
    ordered = sorted(set(values))
    found: list[M] = []
    for i in range(0, len(ordered), size):
        found.extend(queryset.filter(**{f"{field}__in": ordered[i : i + size]}))
    return found
