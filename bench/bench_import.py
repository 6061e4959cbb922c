"""Voter roll import benchmark (ISSUE: import and export; ECOSYSTEM.md §2).

    .venv/bin/python bench/bench_import.py [--rows 1000000] [--xlsx-rows 200000]
        [--sqlite-rows 200000] [--registrations 10000000]

Creates (drops and re-creates) the PostgreSQL database huanjie_bench_import on
127.0.0.1:5432 (user postgres, trust), migrates it, and measures:
  (a) a raw COPY of the same rows into a plain table (the baseline),
  (b) the full pipeline from CSV (parse, validate, engine, encrypt, keyed hash, dedup, write),
  (c) the pipeline from an XlsxWriter-made xlsx,
  (d) the pipeline on SQLite (a child process, its own var dir),
  (e) the cross-village duplicate query over N registrations (MIN <> MAX GROUP BY),
  (f) the database's own write floor (see write_floor),
  (g) a workbook claiming the whole sheet (one stray value in XFD1048576) refused, in a child
      process: time and peak memory, against the same child reading an ordinary small workbook.
The last line is one JSON object with the figures and their baselines.
Peak RSS is the process's ru_maxrss after each step (it only grows; (b) runs first).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

DB = "huanjie_bench_import"
FIGURES: dict[str, float | int] = {}
PG = "postgres://postgres@127.0.0.1:5432/"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红娥玲芬燕彬辉鹏建国成福生海"
VILLAGES = 2000
TOWNS = 40


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_django(url: str | None, var_dir: str | None = None) -> None:
    if url:
        os.environ["DATABASE_URL"] = url
    if var_dir:
        os.environ["HUANJIE_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huanjie.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def recreate_pg() -> None:
    import psycopg

    with psycopg.connect(PG + "postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB}")
        conn.execute(f"CREATE DATABASE {DB}")


def make_regions_and_campaign(term: int = 12):  # type: ignore[no-untyped-def]
    from huanjie.accounts.models import Role
    from huanjie.accounts.services import RoleSpec, user_create
    from huanjie.elections.models import Campaign, CampaignVillage
    from huanjie.regions.models import Region

    county = Region.objects.filter(code="639901").first()
    if county is None:
        prov = Region.objects.create(code="63", name="青海省", short_name="青海省", level=1)
        city = Region.objects.create(
            code="6399", name="测试市", short_name="测试市", level=2, parent=prov
        )
        county = Region.objects.create(
            code="639901", name="测试县", short_name="测试县", level=3, parent=city
        )
        towns = [
            Region(
                code=f"639901{t:03d}",
                name=f"第{t}镇",
                short_name=f"第{t}镇",
                level=4,
                parent=county,
            )
            for t in range(100, 100 + TOWNS)
        ]
        Region.objects.bulk_create(towns)
        Region.objects.bulk_create(
            Region(
                code=f"{towns[v % TOWNS].code}{200 + v // TOWNS:03d}",
                name=f"第{v}村村委会",
                short_name=f"第{v}村",
                level=5,
                parent=towns[v % TOWNS],
                kind="village",
            )
            for v in range(VILLAGES)
        )
        user_create(
            actor=None,
            username="bench",
            full_name="测试",
            region=county,
            roles=[RoleSpec(role=Role.COUNTY_OFFICER)],
            password="Qinghai-Datong#26",
        )
    from huanjie.accounts.models import User

    campaign = Campaign.objects.create(
        name=f"基准{term}",
        term_number=term,
        region=county,
        rule_province="63",
        # Each term five years on: one person, one village, one term (overlapping windows).
        window_start=date(2026 + 5 * (term - 12), 11, 1),
        window_end=date(2027 + 5 * (term - 12), 3, 31),
        retention_until=date(2032 + 5 * (term - 12), 3, 31),
        created_by=User.objects.get(username="bench"),
    )
    day = date(2027 + 5 * (term - 12), 1, 15)
    CampaignVillage.objects.bulk_create(
        CampaignVillage(campaign=campaign, region=r, election_date=day)
        for r in Region.objects.filter(level=5, code__startswith="639901")
    )
    return campaign, county


def village_codes() -> list[str]:
    return [f"639901{100 + v % TOWNS:03d}{200 + v // TOWNS:03d}" for v in range(VILLAGES)]


def person_rows(n: int, seed: int):  # type: ignore[no-untyped-def]
    """n distinct valid people: (village, name, id, sex, ethnicity, birth, group)."""
    from huanjie.lib.idcard import generate

    rnd = random.Random(seed)
    codes = village_codes()
    base = date(1930, 1, 1)
    # Distinct IDs: (region6, birth date, sex, seq) with seq running over 0..499 per day.
    for i in range(n):
        day = base + timedelta(days=i // 1000 % 27000)
        seq = (i % 1000) // 2 + (i // (27000 * 1000)) * 0
        sex = "M" if i % 2 else "F"
        region6 = "6399" + f"{(i // 27_000_000) % 100:02d}"
        pid = generate(region6, day, sex, seq)
        name = rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.randint(1, 2)))
        yield (
            codes[i % VILLAGES],
            name,
            pid,
            "男" if sex == "M" else "女",
            rnd.choice(("汉族", "汉族", "汉族", "回族", "土族", "藏族")),
            day.isoformat(),
            f"第{rnd.randint(1, 9)}村民小组",
        )


HEADER = ["村(社区)代码", "姓名", "公民身份号码", "性别", "民族", "出生日期", "村民小组"]


def write_csv(path: Path, n: int, seed: int) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(person_rows(n, seed))


def write_xlsx(path: Path, n: int, seed: int) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("选民")
    sheet.write_row(0, 0, HEADER)
    for r, row in enumerate(person_rows(n, seed), 1):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()


def raw_copy(path: Path) -> float:
    from django.db import connection, transaction

    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_raw")
        cur.execute(
            "CREATE TABLE bench_raw (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
            "village_code char(12), name text, id_number char(18), sex text, ethnicity text, "
            "birth_date date, group_name text)"
        )
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur, path.open(encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        next(reader)
        with cur.cursor.copy(
            "COPY bench_raw (village_code, name, id_number, sex, ethnicity, birth_date, group_name) "
            "FROM STDIN"
        ) as copy:
            for row in reader:
                copy.write_row(row)
    return time.perf_counter() - t0


def pipeline(path: Path, name: str, term: int) -> tuple[float, int, int]:
    from huanjie.lib.workbooks import Limits
    from huanjie.voters.imports import run_pipeline

    campaign, county = make_regions_and_campaign(term)
    t0 = time.perf_counter()
    from huanjie.accounts.models import User

    outcome = run_pipeline(
        campaign=campaign,
        scope=county,
        actor=User.objects.get(username="bench"),
        path=path,
        filename=name,
        commit=True,
        limits=Limits(max_bytes=2**31, max_uncompressed=2**32, max_rows=20_000_000),
    )
    elapsed = time.perf_counter() - t0
    if outcome.errors:
        print("  errors:", [i.message for i in outcome.errors[:5]])
    print_phases()
    return elapsed, outcome.total, outcome.accepted


def print_phases() -> None:
    """Where the last run_pipeline spent its time ("stage total" includes reading the file,
    the per-row checks, sealing and "stage COPY"; "commit" is mostly the deferred FK checks)."""
    from huanjie.voters.imports import TIMINGS

    print("    phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in TIMINGS.items()))


def write_floor(n: int) -> None:
    """(f) What the database alone needs to write the rows (b) wrote: the same people and
    registrations copied by INSERT … SELECT into twins of the two tables with the same indexes,
    first without, then with the foreign keys the real tables carry (read from the catalogue;
    deferred, checked at commit, as on the real tables). No Python, no file, no checks: the
    ceiling any import into this schema on this server can reach."""
    from django.db import connection, transaction

    p, r = "floor_person", "floor_registration"
    with connection.cursor() as cur:
        cur.execute(
            "SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid IN "
            "('people_person'::regclass, 'voters_voterregistration'::regclass)"
        )
        twin = {"people_person": p, "voters_voterregistration": r}
        fks = [
            (twin[table], definition.replace("REFERENCES people_person(", f"REFERENCES {p}("))
            for table, definition in cur.fetchall()
        ]
    campaign = "SELECT id FROM elections_campaign ORDER BY id LIMIT 1"
    for with_fk in (False, True):
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {r}, {p}")
            cur.execute(f"CREATE TABLE {p} (LIKE people_person INCLUDING ALL)")
            cur.execute(f"CREATE TABLE {r} (LIKE voters_voterregistration INCLUDING ALL)")
            if with_fk:
                for table, definition in fks:
                    cur.execute(f"ALTER TABLE {table} ADD {definition}")
            cur.execute("CHECKPOINT")
        t0 = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(
                f"INSERT INTO {p} SELECT * FROM people_person ORDER BY id_hash LIMIT %s", [n]
            )
            cur.execute(
                f"INSERT INTO {r} SELECT v.* FROM voters_voterregistration v "
                f"JOIN {p} ON {p}.id = v.person_id WHERE v.campaign_id = ({campaign}) "
                "ORDER BY v.village_id, v.id"
            )
        elapsed = time.perf_counter() - t0
        label = f"with the {len(fks)} foreign keys" if with_fk else "without foreign keys"
        FIGURES[f"db_floor_{'fk' if with_fk else 'no_fk'}_rows_per_s"] = round(n / elapsed)
        print(
            f"(f) database floor, {n:,} people + registrations {label}: {elapsed:.1f} s = "
            f"{n / elapsed:,.0f} rows/s"
        )
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {r}, {p}")


def dedup_query(n: int) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_reg")
        t0 = time.perf_counter()
        # ~1% of people registered a second time in another village.
        cur.execute(
            "CREATE TABLE bench_reg AS SELECT 1 AS campaign_id, g AS person_id, "
            "(100000000000 + g %% 2000)::bigint::text AS village_id "
            "FROM generate_series(1, %s) g",
            [int(n * 0.99)],
        )
        cur.execute(
            "INSERT INTO bench_reg SELECT 1, g * 97 %% %s + 1, "
            "(100000000000 + (g * 97 %% %s + 7) %% 2000)::bigint::text "
            "FROM generate_series(1, %s) g",
            [int(n * 0.99), int(n * 0.99), n - int(n * 0.99)],
        )
        cur.execute(
            "CREATE INDEX bench_reg_person ON bench_reg (campaign_id, person_id, village_id)"
        )
        cur.execute("VACUUM ANALYZE bench_reg")
        print(f"(e) {n:,} registrations generated and indexed in {time.perf_counter() - t0:.1f} s")
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            cur.execute(
                "SELECT person_id FROM bench_reg WHERE campaign_id = 1 GROUP BY person_id "
                "HAVING MIN(village_id) <> MAX(village_id)"
            )
            hits = len(cur.fetchall())
            times.append(time.perf_counter() - t0)
        print(f"    people in two villages: {hits:,}; query {sorted(times)[1]:.2f} s (median of 3)")
        FIGURES["two_villages_query_s"] = round(sorted(times)[1], 3)
        FIGURES["registrations"] = n
        cur.execute("DROP TABLE bench_reg")


_STRAY_CHILD = """
import sys, time
from pathlib import Path
from huanjie.lib import workbooks
path, kind = Path(sys.argv[1]), sys.argv[2]
t0 = time.perf_counter()
try:
    sheet = workbooks.open_sheet(path, workbooks.file_kind(path, path.name, workbooks.Limits()),
                                 workbooks.Limits())
    rows = sum(1 for _ in sheet.rows)
    outcome = f"read {rows} rows"
except workbooks.ImportRefused as exc:
    outcome = exc.message
elapsed = time.perf_counter() - t0
# VmHWM: this process's own peak (ru_maxrss would carry the parent's across fork and exec).
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(f"{elapsed:.4f} {int(hwm.split()[1]) / 1024:.1f} {outcome}")
"""


def stray_cell() -> None:
    """(g) A workbook whose one stray value sits in XFD1048576: refused before calamine builds
    the sheet (which would need 16384 x 1048576 cells and kill the process). Measured in a fresh
    child, against the same child reading the ordinary workbook without the stray cell."""
    import io
    import zipfile

    import xlsxwriter

    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "plain.xlsx"
        book = xlsxwriter.Workbook(str(plain))
        sheet = book.add_worksheet()
        for r, row in enumerate(person_rows(1000, 5)):
            sheet.write_row(r, 0, row)
        book.close()
        stray = Path(tmp) / "stray.xlsx"
        out = io.BytesIO()
        with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                body = src.read(info.filename)
                if info.filename == "xl/worksheets/sheet1.xml":
                    body = body.replace(
                        b"</sheetData>",
                        b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is>'
                        b"</c></row></sheetData>",
                    )
                dst.writestr(info, body)
        stray.write_bytes(out.getvalue())
        results = {}
        for name, path in (("plain", plain), ("stray", stray)):
            done = subprocess.run(
                [sys.executable, "-c", _STRAY_CHILD, str(path), "xlsx"],
                capture_output=True,
                text=True,
                check=True,
                cwd=str(Path(__file__).resolve().parent.parent),
            )
            seconds, mb, outcome = done.stdout.strip().split(" ", 2)
            results[name] = (float(seconds), float(mb), outcome)
            print(
                f"(g) {name} workbook: {float(seconds):.3f} s, child's peak RSS {float(mb):.0f} MB:"
                f" {outcome}"
            )
        FIGURES["stray_cell_refusal_s"] = results["stray"][0]
        FIGURES["stray_cell_peak_rss_mb"] = results["stray"][1]
        FIGURES["plain_1000_rows_read_s"] = results["plain"][0]
        FIGURES["plain_1000_rows_peak_rss_mb"] = results["plain"][1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--xlsx-rows", type=int, default=200_000)
    ap.add_argument("--sqlite-rows", type=int, default=200_000)
    ap.add_argument("--registrations", type=int, default=10_000_000)
    ap.add_argument("--sqlite-child", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.sqlite_child:
        setup_django(None, args.sqlite_child)
        path = Path(args.sqlite_child) / "rows.csv"
        write_csv(path, args.sqlite_rows, 3)
        elapsed, total, accepted = pipeline(path, "bench.csv", 12)
        print(
            f"(d) SQLite pipeline, CSV: {total:,} rows in {elapsed:.1f} s = {total / elapsed:,.0f} rows/s"
            f" (accepted {accepted:,}); peak RSS {rss_mb():.0f} MB"
        )
        (Path(args.sqlite_child) / "rate").write_text(f"{total / elapsed:.0f}")
        # The same people into a new campaign: every row matches a known person (the demo's
        # and a carried-over county's case; a missing index made it quadratic once).
        elapsed, total, accepted = pipeline(path, "bench.csv", 13)
        print(
            f"    the same people into the next campaign: {total / elapsed:,.0f} rows/s"
            f" (accepted {accepted:,})"
        )
        return

    recreate_pg()
    setup_django(PG + DB)
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "rows.csv"
        t0 = time.perf_counter()
        write_csv(csv_path, args.rows, 1)
        size = csv_path.stat().st_size / 1e6
        print(
            f"generated {args.rows:,} rows CSV ({size:.0f} MB) in {time.perf_counter() - t0:.1f} s"
        )

        base_rss = rss_mb()
        elapsed, total, accepted = pipeline(csv_path, "bench.csv", 12)
        rate = total / elapsed
        FIGURES.update(rows=total, pipeline_csv_rows_per_s=round(rate), peak_rss_mb=round(rss_mb()))
        print(
            f"(b) pipeline, CSV → PostgreSQL: {total:,} rows in {elapsed:.1f} s = {rate:,.0f} rows/s"
            f" (accepted {accepted:,}); peak RSS {rss_mb():.0f} MB (before: {base_rss:.0f} MB)"
        )
        raw = raw_copy(csv_path)
        print(f"(a) raw COPY of the same rows: {raw:.1f} s = {total / raw:,.0f} rows/s")
        FIGURES["raw_copy_rows_per_s"] = round(total / raw)
        print(f"    ratio pipeline/raw COPY throughput: {raw / elapsed:.2f}")
        write_floor(total)

        xlsx_path = Path(tmp) / "rows.xlsx"
        write_xlsx(xlsx_path, args.xlsx_rows, 2)
        elapsed, total, accepted = pipeline(xlsx_path, "bench.xlsx", 13)
        print(
            f"(c) pipeline, xlsx → PostgreSQL: {total:,} rows in {elapsed:.1f} s = "
            f"{total / elapsed:,.0f} rows/s (accepted {accepted:,}); peak RSS {rss_mb():.0f} MB"
        )
        FIGURES.update(xlsx_rows=total, xlsx_rows_per_s=round(total / elapsed))
        FIGURES["peak_rss_mb"] = round(rss_mb())

    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--sqlite-child",
                tmp,
                "--sqlite-rows",
                str(args.sqlite_rows),
            ],
            env=env,
            check=True,
        )
        FIGURES["sqlite_rows_per_s"] = int((Path(tmp) / "rate").read_text())
    dedup_query(args.registrations)
    stray_cell()
    print(json.dumps({"bench": "import", **FIGURES}))


if __name__ == "__main__":
    main()
