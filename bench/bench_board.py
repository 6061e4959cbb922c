"""The progress board (issue 14, Performance): `.venv/bin/python bench/bench_board.py`.

    .venv/bin/python bench/bench_board.py [--villages 50000] [--runs 7] [--reuse]

Creates (drops and re-creates) the PostgreSQL database huanjie_bench_board on 127.0.0.1:5432
(user postgres, trust; DATABASE_URL names another *bench* database), migrates it and loads, by
COPY, two synthetic regions (not real codes): a county 980101 of 22 towns and 313 villages (289
villages, 24 communities, as 大通) with its campaign, and a province 99 of 10 cities, 100
counties, 2,500 towns and `--villages` villages with a province-wide campaign; each village with
its campaign entry and its VillageProgress row (done, under way, late, not started, left out, in
the board's proportions, with turnout and first-time results for the done ones). Then it
measures, best and median of `--runs`, in the same run:

  (a) the county board: the whole page (GET /progress/<pk>/board/980101/ as the county officer,
      through Django's test client: session, access, the counts, the template) and its counting
      alone (progress.board.child_rows + headline);
  (b) the province board: the same for /progress/<pk>/board/99/ (its ten cities) as a province
      officer, and its counting alone;
  (c) the baselines: a plain SELECT COUNT(*) over the same rows (the campaign's), and a plain
      GROUP BY of them by town (county) or by city (province) without any condition.

The last line is one JSON object with the figures and the baselines. Targets: (a) < 100 ms,
(b) < 300 ms (the page's median).
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
from datetime import UTC, date, datetime, timedelta
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

DB = "huanjie_bench_board"
DEFAULT_URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
COUNTY = "980101"
NOW = datetime(2026, 12, 4, 4, 0, tzinfo=UTC)
TODAY = date(2026, 12, 4)
COUNTY_TARGET_MS = 100
PROVINCE_TARGET_MS = 300


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--villages", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="keep the database a run loaded")
    parser.add_argument(
        "--refresh-province",
        action="store_true",
        help="also time the nightly rebuild (huanjie progress_refresh) of the province's campaign",
    )
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

    from huanjie.elections.models import Campaign

    call_command("migrate", verbosity=0)
    if args.reuse and Campaign.objects.filter(region_id=PROVINCE).exists():
        loaded = {"reused": True}
    else:
        t0 = time.perf_counter()
        loaded = _load(args.villages)
        print(f"loaded {loaded} in {time.perf_counter() - t0:.1f} s")
    figures = _measure(args.runs)
    # Last: the nightly rebuild rewrites the rows the board measurements read.
    figures |= _measure_refresh(COUNTY, "county")
    if args.refresh_province:
        figures |= _measure_refresh(PROVINCE, "province")
    figures |= loaded
    print(json.dumps(figures, ensure_ascii=False))
    ok = (
        figures["county_page_median_ms"] < COUNTY_TARGET_MS
        and figures["province_page_median_ms"] < PROVINCE_TARGET_MS
    )
    return 0 if ok else 1


# ---------------------------------------------------------------------------------------------
# The regions, the campaigns and their rows.


def _county_regions() -> Iterator[tuple[Any, ...]]:
    """Province 98, city 9801, county 980101: 22 towns, 313 units (the last 24 communities)."""
    yield ("98", "测试省乙", "测试省乙", 1, None, "", False, False)
    yield ("9801", "测试市", "测试市", 2, "98", "", False, False)
    yield (COUNTY, "测试县", "测试县", 3, "9801", "", False, False)
    made = 0
    for t in range(22):
        town = f"{COUNTY}{100 + t:03d}"
        yield (town, f"第{t}镇", f"第{t}镇", 4, COUNTY, "", False, False)
        for v in range(15 if t < 5 else 14):
            if made == 313:
                break
            made += 1
            community = made > 289
            code = f"{town}{(1 if community else 200) + v:03d}"
            kind = "community" if community else "village"
            name = f"第{v}社区" if community else f"第{v}村"
            yield (code, f"{name}委员会", name, 5, town, kind, False, False)


ENTRY_COLUMNS = "id, campaign_id, region_id, included, exclusion_reason, election_date"
PROGRESS_COLUMNS = (
    "village_id, campaign_id, region_id, town_code, kind, status, election_date, stage_key, "
    "stage_name, next_due, stages_total, stages_done, elections_total, elections_done, done_on, "
    "registered, voted, first_time, refreshed_at"
)
STAGES = (
    ("committee", "推选村民选举委员会"),
    ("voter_registration", "选民登记"),
    ("voter_list", "公布选民名单"),
    ("nomination", "提名候选人"),
    ("candidate_list", "公布正式候选人"),
    ("election_day", "投票选举"),
)


def _entries(campaign: int, codes: list[tuple[str, str]], first_id: int) -> Iterator[tuple]:
    for i, (code, _) in enumerate(codes):
        left_out = i % 157 == 5
        reason = "整体搬迁，不纳入本次换届" if left_out else ""
        day = date(2027, 1, 10) + timedelta(days=7 * (i % 10))
        yield (first_id + i, campaign, code, not left_out, reason, day)


def _progress(
    campaign: int, codes: list[tuple[str, str]], first_id: int
) -> Iterator[tuple[Any, ...]]:
    """Done one in four, late one in five, not started one in ten, the rest under way."""
    rnd = random.Random(14)
    for i, (code, kind) in enumerate(codes):
        day = date(2027, 1, 10) + timedelta(days=7 * (i % 10))
        registered = rnd.randint(400, 2500)
        r = rnd.random()
        stage_key, stage_name = STAGES[i % len(STAGES)]
        if i % 157 == 5:
            row = ("excluded", "", "", None, 0, 0, None, 0, 0, None)
        elif r < 0.25:
            done_on = TODAY - timedelta(days=rnd.randint(0, 20))
            voted = int(registered * rnd.uniform(0.8, 0.97))
            row = ("done", "", "", None, 12, 3, done_on, registered, voted, rnd.random() < 0.9)
        elif r < 0.45:
            due = TODAY - timedelta(days=rnd.randint(1, 9))
            row = ("under_way", stage_key, stage_name, due, 4, 0, None, registered, 0, None)
        elif r < 0.55:
            due = TODAY + timedelta(days=rnd.randint(1, 9))
            row = ("not_started", "committee", "推选村民选举委员会", due, 0, 0, None, 0, 0, None)
        else:
            due = TODAY + timedelta(days=rnd.randint(0, 20))
            row = ("under_way", stage_key, stage_name, due, 5, 0, None, registered, 0, None)
        status, key, name, due, done_stages, done_elections, done_on, reg, voted, first = row
        yield (
            first_id + i, campaign, code, code[:9], kind, status, day, key, name, due, 12,
            done_stages, 3, done_elections, done_on, reg, voted, first, NOW,
        )  # fmt: skip


def _load(villages: int) -> dict[str, int]:
    from django.db import connection, transaction

    from huanjie.accounts.models import RoleGrant, User
    from huanjie.elections.models import Campaign

    with transaction.atomic():
        copy_rows("regions_region", REGION_COLUMNS, _county_regions())
        copy_rows("regions_region", REGION_COLUMNS, province_regions(villages))
        county_officer = User.objects.create(username="county", full_name="县级", region_id=COUNTY)
        province_officer = User.objects.create(
            username="province", full_name="省级", region_id=PROVINCE
        )
        for user in (county_officer, province_officer):
            RoleGrant.objects.create(user=user, role="county_officer")
        next_id = 1
        loaded = {}
        for code, label in ((COUNTY, "county"), (PROVINCE, "province")):
            campaign = Campaign.objects.create(
                name=f"{label}换届",
                term_number=12,
                region_id=code,
                window_start=date(2026, 11, 1),
                window_end=date(2027, 3, 31),
                created_by=county_officer,
                retention_until=date(2030, 12, 31),
            )
            units = [
                (c, k)
                for c, k in connection.cursor()
                .execute(
                    "SELECT code, kind FROM regions_region WHERE level = 5 AND code LIKE %s "
                    "ORDER BY code",
                    [f"{code}%"],
                )
                .fetchall()
            ]
            copy_rows(
                "elections_campaignvillage", ENTRY_COLUMNS, _entries(campaign.pk, units, next_id)
            )
            copy_rows(
                "progress_villageprogress", PROGRESS_COLUMNS, _progress(campaign.pk, units, next_id)
            )
            next_id += len(units)
            loaded[f"{label}_villages"] = len(units)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('elections_campaignvillage', 'id'), %s)",
                [next_id],
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return loaded


# ---------------------------------------------------------------------------------------------
# The measurements.


def _times(fn: Callable[[], Any], runs: int) -> tuple[float, float]:
    fn()  # warm: the plan cache, the buffers, the templates
    spent = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        spent.append(time.perf_counter() - t0)
    return round(min(spent) * 1000, 1), round(statistics.median(spent) * 1000, 1)


def _measure(runs: int) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "county_target_ms": COUNTY_TARGET_MS,
        "province_target_ms": PROVINCE_TARGET_MS,
    }
    figures |= _measure_board("county", COUNTY, 9, runs)
    figures |= _measure_board("province", PROVINCE, 4, runs)
    return figures


def _measure_refresh(code: str, label: str) -> dict[str, Any]:
    """The nightly rebuild of a campaign (`huanjie progress_refresh`): every village's schedule
    written from its election day, then the board's rows counted again from the records."""
    from huanjie.elections.models import Campaign
    from huanjie.progress.management.commands.progress_refresh import refresh_all

    campaign = Campaign.objects.get(region_id=code)
    t0 = time.perf_counter()
    refresh_all(campaign)
    return {f"{label}_refresh_s": round(time.perf_counter() - t0, 2)}


def _measure_board(label: str, code: str, child_digits: int, runs: int) -> dict[str, Any]:
    """The board of `code` as its officer sees it, its counting, and the two baselines."""
    from unittest import mock

    from django.db import connection
    from django.test import Client

    from huanjie.accounts.models import User
    from huanjie.elections.models import Campaign
    from huanjie.progress import board
    from huanjie.regions.models import Region

    campaign = Campaign.objects.get(region_id=code)
    region = Region.objects.get(code=code)
    client = Client()
    client.force_login(User.objects.get(username=label))
    url = f"/progress/{campaign.pk}/board/{code}/"

    def page() -> Any:
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    def counting() -> Any:
        rows = board.child_rows(campaign, region, TODAY)
        return board.headline(region, board.total_of(rows), TODAY)

    def count_all() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM progress_villageprogress WHERE campaign_id = %s",
                [campaign.pk],
            )
            return int(cursor.fetchone()[0])

    def group_plain() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT substr(region_id, 1, %s), COUNT(*) FROM progress_villageprogress "
                "WHERE campaign_id = %s GROUP BY 1",
                [child_digits, campaign.pk],
            )
            return len(cursor.fetchall())

    figures: dict[str, Any] = {}
    # The day the rows were made for (the board reads timezone.localdate()).
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        print(f"{label}: {counting()}")
        figures[f"{label}_page_best_ms"], figures[f"{label}_page_median_ms"] = _times(page, runs)
        best, median = _times(counting, runs)
        figures[f"{label}_counting_best_ms"], figures[f"{label}_counting_median_ms"] = best, median
    figures[f"{label}_rows"] = count_all()
    figures[f"{label}_baseline_count_ms"] = _times(count_all, runs)[1]
    figures[f"{label}_baseline_group_ms"] = _times(group_plain, runs)[1]
    return figures


if __name__ == "__main__":
    sys.exit(main())
