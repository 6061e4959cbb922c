"""Helpers for the engine's tests: build poll files, run them through the Python API and the
CLI, and compare."""

from __future__ import annotations

import copy
import io
import json
from collections import Counter
from collections.abc import Mapping
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

from huanjie.rules.cli import main
from huanjie.rules.poll import poll_from_json
from huanjie.rules.tally import tally

POLLS = Path(__file__).parent / "polls"


def ballots_for(
    counts: Mapping[str, int], seats: int, voters: int, post: str = "member"
) -> list[dict[str, Any]]:
    """Ballots (grouped with `n`) on which each name gets exactly its count, no ballot names
    more than `seats` people and `voters` ballots are cast; blank ballots fill the rest.

    Greedy by largest remaining count, which realises any counts with sum <= seats * voters and
    each count <= voters.
    """
    remaining = dict(counts)
    assert sum(remaining.values()) <= seats * voters and max(remaining.values()) <= voters
    picks: Counter[tuple[str, ...]] = Counter()
    for left in range(voters, 0, -1):
        order = sorted((n for n, c in remaining.items() if c > 0), key=lambda n: (-remaining[n], n))
        pick = tuple(sorted(order[:seats]))
        for name in pick:
            remaining[name] -= 1
        assert all(c <= left - 1 for c in remaining.values()), "counts cannot be realised"
        picks[pick] += 1
    assert not any(remaining.values())
    return [{"n": n, post: list(pick)} if pick else {"n": n} for pick, n in sorted(picks.items())]


def villagers(**fields: Any) -> dict[str, Any]:
    """A villagers' committee first poll under the national 2025 law, changed by `fields`."""
    poll: dict[str, Any] = {
        "body": "villagers",
        "province": "",
        "election_date": "2026-05-10",
        "poll": "first",
        "posts": [{"post": "member", "seats": 3}],
        "candidates": [],
        "electorate": 900,
        "voted": 500,
        "ballots_issued": 500,
        "ballots": [],
    }
    poll.update(copy.deepcopy(fields))
    return poll


def run_api(poll: Mapping[str, Any]) -> dict[str, Any]:
    return tally(poll_from_json(json.loads(json.dumps(poll)))).to_json()


def run_cli(poll: Mapping[str, Any] | str, tmp_path: Path) -> tuple[int, str, str]:
    """Run `huanjie tally FILE` on `poll` (a dict, or raw text) written to a file."""
    path = tmp_path / "poll.json"
    text = poll if isinstance(poll, str) else json.dumps(poll, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main([str(path)])
    return code, out.getvalue(), err.getvalue()


def run_both(poll: Mapping[str, Any], tmp_path: Path) -> dict[str, Any]:
    """The result through the Python API and through the CLI, which must agree."""
    api = run_api(poll)
    code, out, err = run_cli(poll, tmp_path)
    assert (code, err) == (0, ""), err
    assert json.loads(out) == api
    return api


def post(result: Mapping[str, Any], name: str) -> dict[str, Any]:
    return next(p for p in result["posts"] if p["post"] == name)
