"""Benchmark of the national region load: `.venv/bin/python bench/bench_regions.py`.

Loads all 665,276 rows of huanjie/regions/data into PostgreSQL (DATABASE_URL, by default
postgres://postgres@127.0.0.1:5432/huanjie_bench, created and migrated here) and prints, in one
run:

- read + check + classify: the files parsed, every row checked and every village-level name
  classified, nothing written (the Python part that every method below pays);
- `regions_load`, fresh table: COPY into a staging table, one INSERT … ON CONFLICT, commit;
- `regions_load` again: the same files on the full table, which must change nothing;
- baseline, ORM `bulk_create(batch_size=2000)` of the same rows into a fresh table, in one
  transaction: every row, nothing extrapolated;
- baseline, ORM `bulk_create(update_conflicts=True)` of the same rows on the full table, the
  ORM's own idempotent upsert (it rewrites every row);

with rows per second and the ratios of the baselines to `regions_load`. Then the same for
SQLite in a temporary directory (`--no-sqlite` to skip it), run in a child process because the
database is chosen when Django starts.

The benchmark empties the regions table (TRUNCATE … CASCADE) of its own database, so it refuses
a database whose name lacks "bench" unless given --force.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import islice
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/huanjie_bench"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite run")
    parser.add_argument("--no-baseline", action="store_true", help="skip the ORM baselines")
    parser.add_argument("--force", action="store_true", help="allow a database without 'bench'")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if url.startswith("postgres"):
        _create_database(url, force=args.force)
    os.environ["DATABASE_URL"] = url
    figures = _run(baseline=not args.no_baseline)
    if not args.child and not args.no_sqlite:
        with tempfile.TemporaryDirectory(prefix="huanjie-bench-") as tmp:
            env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"}
            env["HUANJIE_VAR_DIR"] = tmp
            child = [sys.executable, __file__, "--child"]
            if args.no_baseline:
                child.append("--no-baseline")
            subprocess.run(child, env=env, check=True)
    return 0 if figures else 1


def _create_database(url: str, *, force: bool) -> None:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    name = str(config["NAME"])
    if "bench" not in name and not force:
        raise SystemExit(f"refusing to empty the regions of {name!r}: use a *bench* database")
    admin = psycopg.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        autocommit=True,
    )
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')


def _run(*, baseline: bool) -> bool:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huanjie.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from huanjie.regions.models import Region
    from huanjie.regions.services import DATA_DIR, FILES, _Reader, regions_load

    call_command("migrate", verbosity=0)
    paths = [DATA_DIR / spec.filename for spec in FILES]
    table = Region._meta.db_table

    def empty() -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {table} CASCADE")
            else:
                cursor.execute("PRAGMA foreign_keys = OFF")
                cursor.execute(f"DELETE FROM {table}")
                cursor.execute("PRAGMA foreign_keys = ON")

    def objects() -> Any:
        for code, name, short, level, parent, kind, doubtful in _Reader(None).rows(paths):
            yield Region(
                code=code,
                name=name,
                short_name=short,
                level=level,
                parent_id=parent,
                kind=kind,
                kind_doubtful=doubtful,
            )

    def bulk_create(**options: Any) -> None:
        rows = objects()
        with transaction.atomic():
            while batch := list(islice(rows, 2000)):
                Region.objects.bulk_create(batch, batch_size=2000, **options)

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            engine = str(cursor.fetchone()[0]).split(" on ")[0]
        where = f"{engine}, database {connection.settings_dict['NAME']}"
    else:
        import sqlite3

        where = f"SQLite {sqlite3.sqlite_version}, file {connection.settings_dict['NAME']}"
    print(f"\nNational region load, {where}")

    rows = 0

    def parse_only() -> None:
        nonlocal rows
        rows = sum(1 for _ in _Reader(None).rows(paths))

    results: dict[str, float] = {}
    results["parse"] = _timed(parse_only)
    _line("read + check + classify, no database", results["parse"], rows)

    empty()
    reports: list[Any] = []
    results["first"] = _timed(lambda: reports.append(regions_load()))
    _line("regions_load, fresh table", results["first"], rows)
    results["second"] = _timed(lambda: reports.append(regions_load()))
    _line("regions_load again, full table", results["second"], rows)
    first, second = reports
    assert first.inserted == rows and second.unchanged == rows, "the load is not idempotent"
    print(f"  {first.summary()}")
    print(f"  second load: {second.inserted} inserted, {second.updated} updated")

    if baseline:
        empty()
        results["orm"] = _timed(bulk_create)
        _line("baseline: ORM bulk_create, fresh table", results["orm"], rows)
        updates = ["name", "short_name", "level", "parent", "kind", "kind_doubtful"]
        results["orm_upsert"] = _timed(
            lambda: bulk_create(
                update_conflicts=True, unique_fields=["code"], update_fields=updates
            )
        )
        _line("baseline: ORM bulk_create upsert, full table", results["orm_upsert"], rows)
        print(
            f"  ratio, fresh table: bulk_create {results['orm']:.1f} s / regions_load "
            f"{results['first']:.1f} s = {results['orm'] / results['first']:.2f}x"
        )
        print(
            f"  ratio, full table: bulk_create upsert {results['orm_upsert']:.1f} s / "
            f"regions_load {results['second']:.1f} s = "
            f"{results['orm_upsert'] / results['second']:.2f}x"
        )
        db_ours = results["first"] - results["parse"]
        db_orm = results["orm"] - results["parse"]
        print(
            f"  database part only (minus the {results['parse']:.1f} s of Python both pay): "
            f"{db_orm:.1f} s vs {db_ours:.1f} s = {db_orm / db_ours:.2f}x"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak RSS of this process: {peak:.0f} MB")
    return True


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _line(label: str, seconds: float, rows: int) -> None:
    print(f"  {label:<46} {seconds:7.1f} s {rows / seconds:>10,.0f} rows/s")


if __name__ == "__main__":
    raise SystemExit(main())
