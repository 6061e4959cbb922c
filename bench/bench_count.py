"""Ballot entry under load (issue 11, Performance): `.venv/bin/python bench/bench_count.py`.

    .venv/bin/python bench/bench_count.py [--desks 50] [--ballots 60] [--pace 1.0]
        [--workers N] [--processes 5]

Creates (drops and re-creates) the PostgreSQL database huanjie_bench_count on 127.0.0.1:5432
(user postgres, trust; DATABASE_URL names another), migrates it and seeds one village's
election with its lists fixed and a poll counting: one box, a sheet read ballot by ballot (唱票)
per two desks, each desk a counter with a session of their own (entry 1 or entry 2 of its
sheet, so half the desks type what the other half types, blind). Then it starts the
application as production does (gunicorn with deploy/gunicorn.conf.py: sync workers, by
default 2 x CPUs + 1; CONN_MAX_AGE=60, DEBUG off) on a free loopback port, and measures, in one
run and at the same pace:

  (a) the empty request: every desk asks GET /healthz (one SELECT, no session), `--ballots`
      times, one request per `--pace` seconds (±20 %, desks out of step);
  (b) the ballot: every desk POSTs its ballots to polls:entry as the ballot screen does
      (session cookie, CSRF header, JSON answer), the same number at the same pace;
  (c) the board: while (b) runs, `running_count(poll)` is asked every 100 ms, as a hall
      screen's worker would; for each ballot, the time from its answer until the count
      includes it, and the time running_count itself takes;
  (d) each desk finishing its entry (the sheet compared with its twin when both are done);
      every sheet must come out agreed.

The desks are client processes (`--processes`, threads inside) on the same machine as the
server and the database, so the figures include their share of the CPUs. Percentiles are
nearest-rank over every request. The last line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pgdb import recreate  # noqa: E402

DB = "huanjie_bench_count"
DEFAULT_URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
HOST = "127.0.0.1"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desks", type=int, default=50, help="counting desks (even)")
    parser.add_argument("--ballots", type=int, default=60, help="ballots per desk")
    parser.add_argument("--pace", type=float, default=1.0, help="seconds between a desk's ballots")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (0: deploy's)")
    parser.add_argument("--processes", type=int, default=5, help="client processes")
    args = parser.parse_args(argv)
    desks = args.desks + args.desks % 2

    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if "bench" not in url.rsplit("/", 1)[-1]:
        raise SystemExit(f"refusing to drop {url!r}: use a *bench* database")
    recreate(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huanjie.settings")
    with tempfile.TemporaryDirectory(prefix="huanjie-bench-count-") as var:
        os.environ["HUANJIE_VAR_DIR"] = var
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        # The desks' accounts are made here; a million PBKDF2 rounds each would be the
        # benchmark's longest part and is not what it measures (the server never checks them).
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        call_command("migrate", verbosity=0)
        t0 = time.perf_counter()
        world = _seed(desks, args.ballots)
        print(f"seeded {desks} desks, {desks // 2} sheets in {time.perf_counter() - t0:.1f} s")
        port = _free_port()
        server = _start_server(url, var, port, args.workers)
        try:
            log = Path(var) / "access.log"
            figures = _run(world, port, args, log)
            figures |= _server_times(log)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    print(json.dumps(figures, ensure_ascii=False))
    return 0 if figures["agreed_sheets"] == desks // 2 and not figures["errors"] else 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


# ---------------------------------------------------------------------------------------------
# The world: regions, a campaign voting today, an election with fixed lists, a poll counting.


def _ballot_line(rnd: random.Random, layout: Any) -> str:
    """A ballot as a counter types it: mostly a full vote, now and then fewer names, a
    write-in, a blank or an invalid ballot."""
    roll = rnd.random()
    if roll < 0.02:
        return "x1"
    if roll < 0.04:
        return ""
    blocks = []
    for post in layout.posts:
        numbers = [c.position for c in post.candidates]
        k = post.seats if rnd.random() < 0.85 else rnd.randint(0, post.seats)
        picked = [str(n) for n in sorted(rnd.sample(numbers, min(k, len(numbers))))]
        if picked and rnd.random() < 0.02:
            picked[-1] = "+马小军"
        blocks.append(" ".join(picked))
    return "/".join(blocks)


def _seed(desks: int, ballots: int) -> dict[str, Any]:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from huanjie.accounts.models import Role
    from huanjie.conftest import VILLAGE, _user, make_campaign, make_regions
    from huanjie.polls.services import entry as s
    from huanjie.polls.services.lifecycle import (
        poll_create_first,
        poll_open_voting,
        poll_start_counting,
    )
    from huanjie.polls.services.setup import ballots_issue, box_add
    from huanjie.polls.tests.conftest import fixed_election, register_voters

    make_regions()
    officer = _user("county", "李明", "630121", Role.COUNTY_OFFICER)
    town = _user("town", "马晓东", "630121100", Role.TOWN_OFFICER)

    class Cast:
        county_officer = officer

    today = timezone.localdate()
    campaign = make_campaign(
        Cast,  # type: ignore[arg-type]
        start=today - timedelta(days=60),
        end=today + timedelta(days=120),
        election_day=today,
    )
    election, people = fixed_election(officer, campaign, VILLAGE)
    register_voters(officer, campaign, VILLAGE, list(people.values()), 20)
    poll = poll_create_first(actor=town, election=election)
    box = box_add(actor=town, poll=poll, name="中心会场")
    ballots_issue(actor=town, box=box, count=desks * ballots, serial_from=1)
    poll_open_voting(actor=town, poll=poll)
    poll = poll_start_counting(actor=town, poll=poll)
    layout = s.layout_of(poll)

    rnd = random.Random(2026)
    out: list[dict[str, Any]] = []
    for pair in range(desks // 2):
        sheet = s.sheet_create(actor=town, poll=poll, box=box, method="ballots")
        lines = [_ballot_line(rnd, layout) for _ in range(ballots)]
        for number in (1, 2):
            user = _user(
                f"desk{pair:02d}{number}", f"计票员{pair}-{number}", VILLAGE, Role.VILLAGE_CLERK
            )
            s.entry_start(actor=user, sheet=sheet)
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session["hj_started"] = time.time()
            session.create()
            out.append(
                {
                    "sheet": sheet.pk,
                    "number": number,
                    "session": session.session_key,
                    "lines": lines,
                }
            )
    return {"poll": poll, "desks": out}


def _start_server(url: str, var: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "HUANJIE_VAR_DIR": var,
        "CONN_MAX_AGE": "60",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "HUANJIE_GUNICORN_BIND": f"{HOST}:{port}",
    }
    if workers:
        env["HUANJIE_GUNICORN_WORKERS"] = str(workers)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "-c", str(ROOT / "deploy" / "gunicorn.conf.py")]
    command += ["--access-logfile", str(Path(var) / "access.log"), "--worker-tmp-dir", "/dev/shm"]
    command += ["huanjie.wsgi:application"]
    if not gunicorn.exists():  # the fallback: Django's own server, threaded
        command = [sys.executable, "-m", "django", "runserver", f"{HOST}:{port}", "--noreload"]
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _, _ = _request(port, "GET", "/healthz")
            if status == 200:
                print(f"server: {' '.join(command[:1])} on {HOST}:{port}")
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


# ---------------------------------------------------------------------------------------------
# The desks (client processes; no Django in them).


def _request(
    port: int, method: str, path: str, body: str = "", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request(method, path, body=body.encode() if body else None, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        cookies = {}
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, cookies, data
    finally:
        conn.close()


def _desk(port: int, desk: dict[str, Any], phase: str, pace: float, seed: int) -> dict[str, Any]:
    from urllib.parse import urlencode

    rnd = random.Random(seed)
    cookie = f"sessionid={desk['session']}"
    entry = f"/polls/sheets/{desk['sheet']}/entry/"
    headers = {"Cookie": cookie}
    if phase == "ballots":
        status, cookies, _ = _request(port, "GET", entry, headers=headers)
        token = cookies.get("csrftoken", "")
        if status != 200 or not token:
            return {"times": [], "done": [], "errors": [f"GET {entry}: {status}"]}
        headers = {
            "Cookie": f"{cookie}; csrftoken={token}",
            "X-CSRFToken": token,
            "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://{HOST}:{port}{entry}",
        }
    if phase == "warm":  # every worker has served both pages once before anything is timed
        for _ in range(4):
            _request(port, "GET", entry, headers=headers)
            _request(port, "GET", "/healthz")
        return {"times": [], "done": [], "errors": []}
    times: list[float] = []
    done: list[float] = []
    errors: list[str] = []
    time.sleep(rnd.uniform(0, pace))  # desks out of step
    for seq, line in enumerate(desk["lines"], 1):
        start = time.monotonic()
        if phase == "ballots":
            body = urlencode({"text": line, "seq": seq})
            status, _, data = _request(port, "POST", entry, body, headers)
            ok = status == 200 and b'"ok": true' in data
        else:
            status, _, data = _request(port, "GET", "/healthz")
            ok = status == 200
        end = time.monotonic()
        times.append(end - start)
        done.append(end)
        if not ok:
            errors.append(f"{phase} {seq}: {status} {data[:120]!r}")
        time.sleep(max(0.0, pace * rnd.uniform(0.8, 1.2) - (end - start)))
    return {"times": times, "done": done if desk["number"] == 1 else [], "errors": errors}


def _desks_in_process(args: tuple[int, list[dict[str, Any]], str, float, int]) -> list[dict]:
    port, desks, phase, pace, seed = args
    results: list[dict[str, Any]] = [{} for _ in desks]

    def run(i: int) -> None:
        results[i] = _desk(port, desks[i], phase, pace, seed * 1000 + i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(desks))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _phase(port: int, desks: list[dict[str, Any]], phase: str, args: Any) -> list[dict]:
    chunks = [desks[i :: args.processes] for i in range(args.processes)]
    jobs = [(port, chunk, phase, args.pace, i) for i, chunk in enumerate(chunks) if chunk]
    with multiprocessing.get_context("spawn").Pool(len(jobs)) as pool:
        return [r for part in pool.map(_desks_in_process, jobs) for r in part]


# ---------------------------------------------------------------------------------------------
# The measurements.


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def _ms(values: list[float]) -> dict[str, float]:
    return {f"p{p}": round(_pct(values, p) * 1000, 1) for p in (50, 95, 99)} | {
        "max": round(max(values) * 1000, 1) if values else float("nan")
    }


def _board(poll: Any, stop: threading.Event, samples: list[tuple[float, int, float]]) -> None:
    from django.db import connection

    from huanjie.polls.services.entry import running_count

    try:
        while not stop.is_set():
            t0 = time.monotonic()
            count = running_count(poll)["ballots_counted"]
            t1 = time.monotonic()
            samples.append((t1, count, t1 - t0))
            stop.wait(0.1)
    finally:
        connection.close()


def _visibility(done: list[float], samples: list[tuple[float, int, float]]) -> list[float]:
    """For the k-th ballot answered (in time order), the time until the board first counted k
    ballots or more."""
    delays = []
    at = 0
    for k, t in enumerate(sorted(done), 1):
        while at < len(samples) and samples[at][1] < k:
            at += 1
        if at == len(samples):
            break
        delays.append(max(0.0, samples[at][0] - t))
    return delays


_LOGGED = re.compile(r'"(GET|POST) (\S+) HTTP/[\d.]+" (\d+) \S+ (\d+)ms')


def _server_times(log: Path) -> dict[str, float]:
    """The time gunicorn's worker spent on each request (its access log's %(M)s): the part of
    the answer the server takes, without the client's queueing on a busy machine."""
    ballot: list[float] = []
    empty: list[float] = []
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        m = _LOGGED.search(line)
        if not m:
            continue
        method, path, _, ms = m.groups()
        if method == "POST" and path.endswith("/entry/"):
            ballot.append(int(ms) / 1000)
        elif path == "/healthz":
            empty.append(int(ms) / 1000)
    b, e = _ms(ballot), _ms(empty)
    print(
        f"in the server: ballot p50 {b['p50']} ms p95 {b['p95']} ms; empty p50 {e['p50']} ms p95 {e['p95']} ms"
    )
    return {"server_ballot_p95_ms": b["p95"], "server_empty_p95_ms": e["p95"]}


def _run(world: dict[str, Any], port: int, args: Any, log: Path) -> dict[str, Any]:
    from huanjie.polls.models import CountSheet, SheetStatus

    desks = world["desks"]
    _phase(port, desks, "warm", args)
    log.write_text("")  # the workers append: only what follows is counted
    print(f"(a) {len(desks)} desks × {args.ballots} GET /healthz, one per {args.pace} s each")
    empty = _phase(port, desks, "empty", args)
    print(f"(b) {len(desks)} desks × {args.ballots} ballots, one per {args.pace} s each")
    samples: list[tuple[float, int, float]] = []
    stop = threading.Event()
    board = threading.Thread(target=_board, args=(world["poll"], stop, samples))
    board.start()
    t0 = time.monotonic()
    load_before = os.getloadavg()[0]
    ballots = _phase(port, desks, "ballots", args)
    wall = time.monotonic() - t0
    # The machine's load while the ballots ran (the desks, the server and the database share
    # its CPUs; anything else running there shows in the figures).
    load = (round(load_before, 2), round(os.getloadavg()[0], 2))
    time.sleep(0.5)
    stop.set()
    board.join()

    finish: list[float] = []
    for desk in desks:
        _, cookies, _ = _request(
            port,
            "GET",
            f"/polls/sheets/{desk['sheet']}/entry/",
            headers={"Cookie": f"sessionid={desk['session']}"},
        )
        token = cookies.get("csrftoken", "")
        start = time.monotonic()
        _request(
            port,
            "POST",
            f"/polls/sheets/{desk['sheet']}/entry/finish/",
            "spoiled=0&replaced=0",
            {
                "Cookie": f"sessionid={desk['session']}; csrftoken={token}",
                "X-CSRFToken": token,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        finish.append(time.monotonic() - start)

    empty_times = [t for r in empty for t in r["times"]]
    ballot_times = [t for r in ballots for t in r["times"]]
    errors = [e for r in empty + ballots for e in r["errors"]]
    visible = _visibility([t for r in ballots for t in r["done"]], samples)
    agreed = CountSheet.objects.filter(status=SheetStatus.AGREED).count()
    e, b, v = _ms(empty_times), _ms(ballot_times), _ms(visible)
    rc = _ms([s[2] for s in samples])
    print(
        f"\nempty request  n={len(empty_times):5d}  p50 {e['p50']} ms  p95 {e['p95']} ms  p99 {e['p99']} ms  max {e['max']} ms"
    )
    print(
        f"ballot entered n={len(ballot_times):5d}  p50 {b['p50']} ms  p95 {b['p95']} ms  p99 {b['p99']} ms  max {b['max']} ms"
    )
    print(
        f"  throughput {len(ballot_times) / wall:.0f} ballots/s over {wall:.1f} s; errors {len(errors)}"
    )
    print(
        f"board: running_count p50 {rc['p50']} ms p95 {rc['p95']} ms; shows a ballot p50 {v['p50']} ms p95 {v['p95']} ms max {v['max']} ms after its answer (+ the screen's poll, 800 ms)"
    )
    print(
        f"finish entry (computes and compares the sheet): p50 {_ms(finish)['p50']} ms, max {_ms(finish)['max']} ms; sheets agreed {agreed}/{len(desks) // 2}"
    )
    for line in errors[:5]:
        print("  error:", line)
    return {
        "ballot_p50_ms": b["p50"],
        "ballot_p95_ms": b["p95"],
        "ballot_p99_ms": b["p99"],
        "empty_p50_ms": e["p50"],
        "empty_p95_ms": e["p95"],
        "empty_p99_ms": e["p99"],
        "ballots": len(ballot_times),
        "ballots_per_s": round(len(ballot_times) / wall, 1),
        "desks": len(desks),
        "pace_s": args.pace,
        "errors": len(errors),
        "board_visible_p50_ms": v["p50"],
        "board_visible_p95_ms": v["p95"],
        "board_visible_max_ms": v["max"],
        "running_count_p95_ms": rc["p95"],
        "finish_p50_ms": _ms(finish)["p50"],
        "agreed_sheets": agreed,
        "cpus": os.cpu_count(),
        "loadavg_1min": load,
        "target_ballot_p95_ms": 50,
    }


if __name__ == "__main__":
    raise SystemExit(main())
