"""Statistics report of a province (issue 13, Performance): `.venv/bin/python bench/bench_report.py`.

    .venv/bin/python bench/bench_report.py [--villages 50000] [--runs 5] [--explain] [--reuse]

Creates (drops and re-creates) the PostgreSQL database huanjie_bench_report on 127.0.0.1:5432
(user postgres, trust; DATABASE_URL names another *bench* database), migrates it and loads, by
COPY, a synthetic province 99 (not a real code): 10 cities, 100 counties, 2,500 towns and
`--villages` villages (50,000: codes 99CCNNTTTVVV as the registry writes them), each county's
terms 10 and 11, and per village and term six cadres (300,000 per term) holding about eleven
posts among them (the party organisation, the villagers' committee, the cooperative, the
supervision committee; 一肩挑 in three villages of five; a secretary changed in one of five), one
supervision member who is not a cadre, and now and then a row that does not count (corrected,
ended before the reference date); two reserve cadres per village (one elected in term 11) and a
care row for one of its departed. Then it builds the report's summary tables from the rows
(rosters.summary.summaries_rebuild: "summaries_build_s", what `huanjie rosters_summaries` and
migration 0004 do) and measures, in the same run:

  (a) report(province, 11): the figures of the province and its ten cities, both terms, the new
      heads and the care figures (rosters.care.care_counts), best and median of `--runs`;
  (b) its parts: the summary read (report_sql.count_terms), the care figures; and what a write
      adds: the refresh of one village (two terms) and of one county's term 10 (and 11);
  (c) the baseline: a plain SELECT COUNT(*) over the same rows (terms 10 and 11).

The last line is one JSON object with the figures and the baseline. Target: (a) < 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pgdb import (  # noqa: E402
    PROVINCE,
    REGION_COLUMNS,
    copy_rows,
    province_regions,
    recreate,
)

DB = "huanjie_bench_report"
DEFAULT_URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
TERMS = {10: date(2022, 1, 15), 11: date(2027, 1, 15)}
NOW = datetime(2027, 2, 1, tzinfo=UTC)
PEOPLE_PER_VILLAGE = 9  # six cadres per term, two newcomers in term 11, one supervision member


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--villages", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--explain", action="store_true", help="print the counting plan")
    parser.add_argument("--reuse", action="store_true", help="keep the database a run loaded")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if "bench" not in url.rsplit("/", 1)[-1]:
        raise SystemExit(f"refusing to drop {url!r}: use a *bench* database")
    if not args.reuse:
        recreate(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huanjie.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from huanjie.regions.models import Region

    call_command("migrate", verbosity=0)
    if args.reuse and Region.objects.filter(code=PROVINCE).exists():
        loaded = {"villages": Region.objects.filter(level=5, code__startswith=PROVINCE).count()}
    else:
        t0 = time.perf_counter()
        loaded = _load(args.villages)
        print(f"loaded {loaded} in {time.perf_counter() - t0:.1f} s")
    figures = {"summaries_build_s": _build_summaries()}
    figures |= _measure(args)
    figures |= loaded
    print(json.dumps(figures, ensure_ascii=False))
    return 0 if figures["report_median_ms"] < figures["target_ms"] else 1


def _build_summaries() -> float:
    from django.db import connection

    from huanjie.rosters.summary import summaries_rebuild

    t0 = time.perf_counter()
    made = summaries_rebuild()
    spent = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE rosters_villagesummary")
        cursor.execute("ANALYZE rosters_villageethnicity")
    print(f"summaries: {made} (village, term) rows built in {spent:.1f} s")
    return round(spent, 2)


# ---------------------------------------------------------------------------------------------
# The province.


def _load(villages: int) -> dict[str, int]:
    from django.db import connection, transaction

    from huanjie.rosters.models import Term

    with transaction.atomic():
        copy_rows(
            "regions_region",
            REGION_COLUMNS,
            province_regions(villages),
        )
        codes = [
            c
            for (c,) in connection.cursor()
            .execute("SELECT code FROM regions_region WHERE level = 5 ORDER BY code")
            .fetchall()
        ]
        counties = sorted({c[:6] for c in codes})
        terms: dict[tuple[str, int], int] = {}
        term_rows = []
        for i, county in enumerate(counties):
            for j, (number, reference) in enumerate(sorted(TERMS.items())):
                pk = 2 * i + j + 1
                terms[(county, number)] = pk
                term_rows.append((pk, county, number, reference, NOW))
        copy_rows(
            "rosters_term",
            "id, county_id, number, reference_date, created_at",
            iter(term_rows),
        )
        people = copy_rows(
            "people_person",
            "id, id_cipher, id_hash, id_masked, name, sex, birth_date, ethnicity, region_id, "
            "group_name, household_no, created_at",
            _people(codes),
        )
        rows = copy_rows("rosters_cadre", CADRE_COLUMNS, _cadres(codes, terms))
        clerk = _clerk()
        copy_rows("rosters_reservecadre", RESERVE_COLUMNS, _reserve(codes, clerk))
        copy_rows("rosters_departurecare", CARE_COLUMNS, _care(codes, terms, clerk))
        with connection.cursor() as cursor:
            for table in ("rosters_term", "people_person", "rosters_cadre"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table}))"
                )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    assert Term.objects.count() == 2 * len(counties)
    return {"villages": len(codes), "counties": len(counties), "people": people, "rows": rows}


def _people(codes: list[str]) -> Iterator[tuple[Any, ...]]:
    for i, code in enumerate(codes):
        for k in range(PEOPLE_PER_VILLAGE):
            pk = i * PEOPLE_PER_VILLAGE + k + 1
            sex = "F" if k == 3 or pk % 4 == 0 else "M"
            birth = date(1960 + pk % 35, 1 + pk % 12, 1 + pk % 28)
            yield (
                pk,
                "-",
                f"{pk:064x}",
                "630121********0000",
                "某",
                sex,
                birth,
                "01",
                code,
                "",
                "",
                NOW,
            )


def _clerk() -> int:
    from huanjie.accounts.models import User

    return User.objects.create(username="bench", full_name="测试").pk


RESERVE_COLUMNS = (
    "village_id, person_id, name, sex, birth_date, education, political_status, occupation, "
    "intended_body, intended_post, channel, added_on, status, removed_reason, recorded_by_id, "
    "recorded_at"
)
CARE_COLUMNS = (
    "village_id, term_id, person_id, name, one_off_payment, pension_support, placed, placement, "
    "note, recorded_by_id, recorded_at"
)


def _reserve(codes: list[str], clerk: int) -> Iterator[tuple[Any, ...]]:
    """Two reserve cadres per village: a term-11 newcomer (elected) and the supervision member."""
    for i, code in enumerate(codes):
        for k in (6, 8):
            pk = i * PEOPLE_PER_VILLAGE + k + 1
            yield (
                code, pk, "某", "M", date(1990, 1, 1), "30", "01", "", "", "", "", date(2023, 1, 1),
                "reserve", "", clerk, NOW,
            )  # fmt: skip


def _care(
    codes: list[str], terms: dict[tuple[str, int], int], clerk: int
) -> Iterator[tuple[Any, ...]]:
    """The care of one departed cadre per village (base + 5 leaves at term 11), placed in one
    village of two."""
    for i, code in enumerate(codes):
        placed = i % 2 == 0
        yield (
            code, terms[(code[:6], 10)], i * PEOPLE_PER_VILLAGE + 6, "某", 3000, 1200, placed,
            "镇农业服务中心" if placed else "", "", clerk, NOW,
        )  # fmt: skip


CADRE_COLUMNS = (
    "village_id, body, term_id, term_number, post, person_id, name, sex, age, ethnicity, "
    "education, political_status, tag_college_official, tag_veteran, tag_entrepreneur, "
    "tag_grower, tag_returnee, source, started_on, ended_on, end_reason, end_note, created_at"
)
EDUCATION = (
    ["10"] + ["20"] * 12 + ["30"] * 20 + ["40"] * 10 + ["60"] * 30 + ["70"] * 22 + ["80"] * 5
)
ETHNICITY = ["01"] * 14 + ["03"] * 3 + ["30"] * 2 + ["04"]


def _cadres(codes: list[str], terms: dict[tuple[str, int], int]) -> Iterator[tuple[Any, ...]]:
    """Per village and term: six cadres on about eleven posts, a supervision member, now and
    then a row that does not count."""
    rnd = random.Random(13)
    for i, village in enumerate(codes):
        base = i * PEOPLE_PER_VILLAGE + 1
        dual = rnd.random() < 0.6
        for number, reference in sorted(TERMS.items()):
            term = terms[(village[:6], number)]
            slots = [base + k for k in range(6)]
            if number == 11:
                slots[4], slots[5] = base + 6, base + 7  # two newcomers
                if rnd.random() < 0.2:  # a new secretary
                    slots[0], slots[4] = slots[4], slots[0]
            posts: list[tuple[int, str, str]] = [
                (0, "party", "secretary"),
                (0, "cooperative", "director"),
                (1, "party", "member"),
                (2, "party", "deputy_secretary"),
                (2, "supervision", "director"),
                (3, "villagers", "woman_member"),
                (4, "villagers", "member"),
                (4, "cooperative", "member"),
                (5, "cooperative", "member"),
            ]
            posts.append((0, "villagers", "director") if dual else (1, "villagers", "director"))
            if dual:
                posts.append((1, "villagers", "deputy_director"))
            started = reference.replace(day=1)
            for slot, body, post in posts:
                pk = slots[slot]
                yield _row(rnd, village, body, term, number, post, pk, reference, started)
            yield _row(
                rnd, village, "supervision", term, number, "member", base + 8, reference, started
            )
            if rnd.random() < 0.02:  # superseded by a corrected result: not counted
                yield _row(
                    rnd, village, "villagers", term, number, "member", base + 8, reference,
                    started, ended_on=reference, end_reason="corrected",
                )  # fmt: skip
            if rnd.random() < 0.02:  # resigned before the reference date: not counted
                yield _row(
                    rnd, village, "party", term, number, "member", base + 8, reference,
                    started, ended_on=started, end_reason="resigned",
                )  # fmt: skip


def _row(
    rnd: random.Random,
    village: str,
    body: str,
    term: int,
    number: int,
    post: str,
    pk: int,
    reference: date,
    started: date,
    ended_on: date | None = None,
    end_reason: str = "",
) -> tuple[Any, ...]:
    # A person's details follow from their id (the same on each of their rows of a term).
    age = 25 + pk % 38 + (5 if number == 11 else 0)
    sex = "F" if pk % 4 == 0 else "M"
    education = EDUCATION[pk * 7 % len(EDUCATION)]
    political = "01" if pk % 5 else "13"
    ethnicity = ETHNICITY[pk * 3 % len(ETHNICITY)]
    tags = (pk % 11 == 0, pk % 13 == 0, pk % 17 == 0, pk % 19 == 0, pk % 23 == 0)
    return (
        village, body, term, number, post, pk, "某", sex, age, ethnicity, education, political,
        *tags, "import", started, ended_on, end_reason, "", NOW,
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# The measurements.


def _times(fn: Callable[[], Any], runs: int) -> tuple[float, float]:
    fn()  # warm: the plan cache, the buffers
    spent = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        spent.append(time.perf_counter() - t0)
    return round(min(spent) * 1000, 1), round(statistics.median(spent) * 1000, 1)


def _measure(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection

    from huanjie.regions.models import Region
    from huanjie.rosters import report_sql
    from huanjie.rosters.models import Term
    from huanjie.rosters.report import report
    from huanjie.rosters.summary import summary_refresh

    province = Region.objects.get(code=PROVINCE)
    rep = report(province, 11)
    cadres = rep.scope.figure("cadres")
    print(
        f"report: {len(rep.children)} cities, {cadres.value} cadres (term 11), "
        f"{cadres.previous_value} (term 10); young {rep.scope.figure('young').share}%, "
        f"dual role {rep.scope.figure('dual_role_villages').value} villages, "
        f"new secretaries {rep.scope.figure('new_secretaries').value}, "
        f"departed {rep.scope.figure('departed').value} "
        f"(placed {rep.scope.figure('departed_placed').value}), "
        f"reserve {rep.scope.figure('reserve').value} "
        f"(elected {rep.scope.figure('reserve_elected').value})"
    )
    ids11 = list(Term.objects.filter(number=11).values_list("id", flat=True))
    ids10 = list(Term.objects.filter(number=10).values_list("id", flat=True))
    both = ids11 + ids10
    marks = ", ".join(["%s"] * len(both))

    def count_all() -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM rosters_cadre WHERE term_id IN ({marks})", both)
            return int(cursor.fetchone()[0])

    def counting() -> Any:
        return report_sql.count_terms(PROVINCE, both, 4, covered_by_terms=True)

    def care() -> Any:
        from huanjie.rosters.care import care_counts

        return care_counts(PROVINCE, 11, 4)

    term10 = Term.objects.filter(number=10).order_by("county_id").first()
    assert term10 is not None
    village = (
        Region.objects.filter(code__startswith=term10.county_id, level=5).order_by("code").first()
    )
    assert village is not None

    def refresh_village() -> None:
        summary_refresh(term=term10, village_codes=[village.code])

    def refresh_county() -> None:
        summary_refresh(term=term10)

    rows = count_all()
    count_best, count_median = _times(count_all, args.runs)
    best, median = _times(lambda: report(province, 11), args.runs)
    parts = {name: _times(fn, args.runs) for name, fn in
             (("counting", counting), ("care", care), ("refresh_village", refresh_village),
              ("refresh_county", refresh_county))}  # fmt: skip
    assert report(province, 11) == rep  # the refreshes changed nothing
    print(f"(a) report(province, 11): best {best} ms, median {median} ms")
    for name, (b, m) in parts.items():
        print(f"(b) {name}: best {b} ms, median {m} ms")
    print(
        f"(c) SELECT COUNT(*) over the same {rows} rows: best {count_best} ms, median {count_median} ms"
    )
    if args.explain:
        _explain(both)
    return {
        "report_best_ms": best,
        "report_median_ms": median,
        "counting_median_ms": parts["counting"][1],
        "care_median_ms": parts["care"][1],
        "refresh_village_median_ms": parts["refresh_village"][1],
        "refresh_county_median_ms": parts["refresh_county"][1],
        "count_star_best_ms": count_best,
        "count_star_median_ms": count_median,
        "cadre_rows_both_terms": rows,
        "cadres_term_11": cadres.value,
        "cadres_term_10": cadres.previous_value,
        "runs": args.runs,
        "cpus": os.cpu_count(),
        "target_ms": 1000,
    }


def _explain(term_ids: list[int]) -> None:
    from unittest import mock

    from django.db import connection

    from huanjie.rosters import report_sql

    captured: list[tuple[str, list[Any]]] = []
    real = connection.cursor

    class Spy:
        def __init__(self) -> None:
            self.inner = real()

        def __enter__(self) -> Spy:
            self.inner.__enter__()
            return self

        def __exit__(self, *exc: Any) -> None:
            self.inner.__exit__(*exc)

        def execute(self, sql: str, params: list[Any]) -> None:
            captured.append((sql, params))
            self.inner.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)

        def fetchall(self) -> list[Any]:
            for (line,) in self.inner.fetchall():
                print(line)
            return []

    with mock.patch.object(report_sql.connection, "cursor", Spy):
        report_sql.count_terms(PROVINCE, term_ids, 4, covered_by_terms=True)


if __name__ == "__main__":
    raise SystemExit(main())
