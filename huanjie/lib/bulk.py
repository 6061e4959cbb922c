"""Bulk writes past the ORM: COPY on PostgreSQL, one executemany on SQLite.

ECOSYSTEM.md §2: the ORM's bulk_create costs 25-30 µs per object, ten times the database's own
work; COPY through Django's own connection runs at 250k+ rows/s. Call these inside
``transaction.atomic()`` so a failure leaves nothing behind.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections
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


def copy_text(table: str, columns: Sequence[str], text: str | bytes) -> None:
    """COPY `text` (lines in COPY's text format, fields in the order of `columns`) into
    `table` (PostgreSQL): what a worker process formatted is written with no Python per row."""
    cols = ", ".join(columns)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy,
    ):
        copy.write(text)


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


# ---------------------------------------------------------------------------------------------
# pg_restore's order, for a load that outweighs the tables it goes into (PostgreSQL only).


@dataclass
class SetAside:
    """What `set_aside` dropped, to be put back: (table, name, definition) of each secondary
    index, unique constraint and foreign key."""

    indexes: list[tuple[str, str, str]] = field(default_factory=list)
    uniques: list[tuple[str, str, str]] = field(default_factory=list)
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)
    defaults: list[tuple[str, str]] = field(default_factory=list)  # (table, column): `constants`


def set_aside(tables: Sequence[str]) -> SetAside:
    """Lock `tables` (readers and writers wait until the transaction ends) and drop their
    secondary indexes, unique constraints and foreign keys, keeping the definitions: rows then
    go in at the cost of the table alone. The primary keys stay (ids ascend, so they fill at
    their right edge), and with them every foreign key other tables point at these. DDL is
    transactional: a rollback or a crash leaves the tables as they were."""
    aside = SetAside()
    with connection.cursor() as cursor:
        # Foreign keys are checked at commit (Django makes them DEFERRABLE INITIALLY DEFERRED):
        # rows written earlier in this transaction still wait for theirs, and a table with
        # checks pending cannot be altered. Run them now, then defer again.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(
            """SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid),
                    c.contype
                FROM pg_constraint c
                WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype IN ('f', 'u')
                ORDER BY c.conname""",
            [list(tables)],
        )
        for table, name, definition, kind in cursor.fetchall():
            (aside.foreign_keys if kind == "f" else aside.uniques).append((table, name, definition))
        cursor.execute(
            """SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text,
                    pg_get_indexdef(i.indexrelid)
                FROM pg_index i
                WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
                    AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
                ORDER BY 2""",
            [list(tables)],
        )
        aside.indexes = list(cursor.fetchall())
        for table, name, _ in aside.foreign_keys + aside.uniques:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for _, name, _ in aside.indexes:
            cursor.execute(f"DROP INDEX {name}")
    return aside


def constants(aside: SetAside, table: str, values: dict[str, Any]) -> None:
    """While `table` is set aside, its columns in `values` take those values by default, so that
    a COPY leaves them out (the server then parses a constant once, not on every row). Only on
    a table without defaults of its own; `put_back_defaults` drops them again. Values are
    quoted as literals."""
    from psycopg import sql

    with connection.cursor() as cursor:
        for column, value in values.items():
            statement = sql.SQL("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}").format(
                sql.Identifier(table), sql.Identifier(column), sql.Literal(value)
            )
            cursor.execute(statement.as_string(cursor.cursor))
            aside.defaults.append((table, column))


def put_back_defaults(aside: SetAside) -> None:
    """Drop the defaults `constants` gave: the tables' columns are as they were."""
    with connection.cursor() as cursor:
        for table, column in aside.defaults:
            cursor.execute(f'ALTER TABLE {table} ALTER COLUMN "{column}" DROP DEFAULT')
    del aside.defaults[:]


def put_back_indexes(aside: SetAside) -> None:
    """Build the indexes and unique constraints `set_aside` dropped, each in one pass over the
    table (sorted, with the parallel workers PostgreSQL allows). A row that breaks a unique
    constraint raises IntegrityError: the caller's transaction is then to be rolled back."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _, _, definition in aside.indexes:
            cursor.execute(definition)
        for table, name, definition in aside.uniques:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def put_back_foreign_keys(aside: SetAside) -> None:
    """Re-add the foreign keys `set_aside` dropped: PostgreSQL validates each in one set-based
    query (a join of the table with the one it refers to), not row by row."""
    with connection.cursor() as cursor:
        for table, name, definition in aside.foreign_keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


class Behind:
    """Database writes run in a thread on this thread's connection, one at a time and in
    order, while this thread goes on reading and checking (it must not use the database until
    the block ends): the server ingests one batch while the next is made. At most `ahead`
    writes wait (back-pressure). The block's end waits for the last write; an error a write
    raised is raised again here (at the next `put`, or at the end), and nothing after it runs.

        with Behind() as behind:
            behind.put(lambda: copy_rows(...))
    """

    def __init__(self, ahead: int = 2) -> None:
        self.connection = connections[DEFAULT_DB_ALIAS]
        self.jobs: queue.Queue[Callable[[], Any] | None] = queue.Queue(maxsize=ahead)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="huanjie-bulk-writer", daemon=True)

    def __enter__(self) -> Behind:
        self.connection.inc_thread_sharing()
        self.thread.start()
        return self

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        self.jobs.put(None)
        self.thread.join()
        self.connection.dec_thread_sharing()
        if exc is None and self.error is not None:
            raise self.error

    def put(self, job: Callable[[], Any]) -> None:
        if self.error is not None:
            raise self.error
        self.jobs.put(job)

    def _run(self) -> None:
        connections[DEFAULT_DB_ALIAS] = self.connection  # this thread's handle: the same one
        while (job := self.jobs.get()) is not None:
            if self.error is None:
                try:
                    job()
                except BaseException as exc:  # handed to the thread that put the job
                    self.error = exc
