"""Benchmark of the tally: `.venv/bin/python bench/bench_tally.py`.

Counts a villagers' committee poll of 10,000 and of 100,000 ballots over three posts (主任,
副主任, 3 委员) under 浙江's rules, each ballot entered on its own (`n` = 1) as a clerk would
from the paper, and prints ballots per second for:

- engine, file: the poll file's JSON parsed and checked (`poll_from_json`) and counted (`tally`);
- engine, grouped: the same ballots already grouped with `n`;
- naive baseline: a straightforward per-ballot Counter loop with the over-vote check and
  the "more than half" threshold, nothing else — no ballot grouping, no other rules;

and the ratio of the engine to the baseline, measured in the same run. Best of several runs.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from huanjie.rules import poll_from_json, tally

POSTS = {"director": 1, "deputy_director": 1, "member": 3}
CANDIDATES = {
    "director": ["张伟", "李强"],
    "deputy_director": ["王芳", "刘洋"],
    "member": ["陈静", "杨帆", "赵敏", "黄磊", "周婷", "吴刚"],
}
SEXES = {"王芳": "F", "陈静": "F", "赵敏": "F", "周婷": "F"}


def make_poll(ballots: int, seed: int = 20260510) -> dict[str, Any]:
    """A first poll with `ballots` ballots, one entry each; a few spoiled, over-voted or with a
    write-in, as on a real count."""
    rng = random.Random(seed)
    weights = {
        "director": [0.62, 0.35],
        "deputy_director": [0.55, 0.4],
        "member": [0.8, 0.7, 0.6, 0.45, 0.3, 0.15],
    }
    entries: list[dict[str, Any]] = []
    for _ in range(ballots):
        roll = rng.random()
        if roll < 0.01:
            entries.append({"invalid": True})
            continue
        ballot: dict[str, Any] = {}
        for post, names in CANDIDATES.items():
            picked = [
                name for name, w in zip(names, weights[post], strict=True) if rng.random() < w
            ]
            seats = POSTS[post]
            if roll > 0.02:  # about 1% over-vote; the rest keep to the seats
                picked = picked[:seats]
            if post == "member" and rng.random() < 0.02:
                picked = [*picked[: seats - 1], "孙丽"]  # a write-in
            if picked:
                ballot[post] = picked
        entries.append(ballot)
    voted = ballots + ballots // 50
    return {
        "body": "villagers",
        "province": "33",
        "election_date": "2026-05-10",
        "poll": "first",
        "posts": [{"post": p, "seats": s} for p, s in POSTS.items()],
        "candidates": [
            {"name": n, "sex": SEXES.get(n, "M"), "post": p}
            for p, names in CANDIDATES.items()
            for n in names
        ],
        "people": [{"name": "孙丽", "sex": "F"}],
        "electorate": voted * 3 // 2,
        "voted": voted,
        "ballots_issued": voted,
        "ballots": entries,
    }


def grouped(poll: dict[str, Any]) -> dict[str, Any]:
    """The same poll with identical ballots grouped under `n`."""
    counts: Counter[str] = Counter(json.dumps(b, sort_keys=True) for b in poll["ballots"])
    return poll | {"ballots": [json.loads(key) | {"n": n} for key, n in counts.items()]}


def naive(poll: dict[str, Any]) -> dict[str, list[str]]:
    """The baseline: one pass over the ballots with a Counter per post, the over-vote check and
    the more-than-half threshold."""
    seats = {p["post"]: p["seats"] for p in poll["posts"]}
    counts: dict[str, Counter[str]] = {post: Counter() for post in seats}
    for ballot in poll["ballots"]:
        if ballot.get("invalid"):
            continue
        if any(len(ballot.get(post, ())) > k for post, k in seats.items()):
            continue
        for post in seats:
            counts[post].update(ballot.get(post, ()))
    voted = poll["voted"]
    return {
        post: [n for n, v in counts[post].most_common() if 2 * v > voted][: seats[post]]
        for post in seats
    }


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def run(size: int, repeat: int) -> None:
    poll = make_poll(size)
    packed = grouped(poll)
    parsed_grouped = poll_from_json(packed)
    engine = tally(poll_from_json(poll))
    assert engine.to_json() == tally(parsed_grouped).to_json()
    # The baseline and the engine agree on who passes half.
    expected = naive(poll)
    for post in engine.posts:
        assert set(post.elected) <= set(expected[post.post]), (post.post, post.elected)

    t_file = best(lambda: tally(poll_from_json(poll)), repeat)
    t_grouped = best(lambda: tally(parsed_grouped), repeat)
    t_naive = best(lambda: naive(poll), repeat)
    rate = size / t_file
    print(f"{size:>7,} ballots ({len(packed['ballots'])} distinct)")
    print(f"  engine, file    {t_file * 1000:8.1f} ms  {rate:>12,.0f} ballots/s")
    print(f"  engine, grouped {t_grouped * 1000:8.1f} ms  {size / t_grouped:>12,.0f} ballots/s")
    print(f"  naive baseline  {t_naive * 1000:8.1f} ms  {size / t_naive:>12,.0f} ballots/s")
    print(
        f"  ratio engine/baseline: file {t_naive / t_file:.2f}x, grouped "
        f"{t_naive / t_grouped:.0f}x (above 1 = faster than the baseline)"
    )


def main() -> int:
    print(f"Python {sys.version.split()[0]}; best of several runs")
    run(10_000, repeat=7)
    run(100_000, repeat=3)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
