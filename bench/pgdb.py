"""What the PostgreSQL benchmarks share: a fresh, empty database of their own, a synthetic
province of region codes, and COPY into a table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

PROVINCE = "99"
CITIES = 10
COUNTIES_PER_CITY = 10
REGION_COLUMNS = "code, name, short_name, level, parent_id, kind, kind_corrected, kind_doubtful"


def recreate(url: str) -> None:
    """Drop and create the database `url` names (connecting to the server's `postgres`)."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    name = str(config["NAME"])
    with psycopg.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        autocommit=True,
    ) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def province_regions(villages: int) -> Iterator[tuple[Any, ...]]:
    """A test province (99) of 10 cities × 10 counties with towns of 20 villages, `villages` in
    all, as rows of REGION_COLUMNS in parent-first order."""
    counties = CITIES * COUNTIES_PER_CITY
    towns_per_county = max(1, villages // counties // 20)
    yield (PROVINCE, "测试省", "测试省", 1, None, "", False, False)
    made = 0
    for c in range(1, CITIES + 1):
        city = f"{PROVINCE}{c:02d}"
        yield (city, f"第{c}市", f"第{c}市", 2, PROVINCE, "", False, False)
        for k in range(1, COUNTIES_PER_CITY + 1):
            county = f"{city}{k:02d}"
            yield (county, f"第{c}-{k}县", f"第{c}-{k}县", 3, city, "", False, False)
            for t in range(towns_per_county):
                town = f"{county}{100 + t:03d}"
                yield (town, f"第{t}镇", f"第{t}镇", 4, county, "", False, False)
                for v in range(20):
                    if made == villages:
                        break
                    made += 1
                    code = f"{town}{200 + v:03d}"
                    yield (code, f"第{v}村村委会", f"第{v}村", 5, town, "village", False, False)


def copy_rows(table: str, columns: str, rows: Iterator[tuple[Any, ...]]) -> int:
    """COPY `rows` into `table` over Django's connection; the number of rows."""
    from django.db import connection

    n = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
            n += 1
    return n
