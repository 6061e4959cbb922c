"""Dependencies point one way, down (STYLE.md "What our own house taught us"): a module may
import from its own app and the apps below it, never from an app above. `people` holds the facts
about a person and knows nothing of rolls; what a death does to a roll lives in `voters`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# The apps of the schedule, the board and the ledgers, above all the others.
TOP = ("progress", "ledgers", "oversight")

# What an app's modules (tests included) must never import: the apps above it.
ABOVE: dict[str, tuple[str, ...]] = {
    "lib": (
        "regions",
        "accounts",
        "audit",
        "uploads",
        "people",
        "elections",
        "voters",
        "party",
        "nomination",
        "committees",
        "review",
        "polls",
        "results",
        "rosters",
        "progress",
        "ledgers",
        "oversight",
    ),
    "rules": (
        "lib.forms",
        "regions",
        "accounts",
        "audit",
        "uploads",
        "people",
        "elections",
        "voters",
        "party",
        "nomination",
        "committees",
        "review",
        "polls",
        "results",
        "rosters",
        "progress",
        "ledgers",
        "oversight",
    ),
    "uploads": (
        "people",
        "elections",
        "voters",
        "party",
        "nomination",
        "committees",
        "review",
        "polls",
        "results",
        "rosters",
        "progress",
        "ledgers",
        "oversight",
    ),
    "people": (
        "elections",
        "voters",
        "party",
        "nomination",
        "committees",
        "review",
        "polls",
        "results",
        "rosters",
        "progress",
        "ledgers",
        "oversight",
    ),
    "elections": (
        "voters",
        "party",
        "nomination",
        "committees",
        "review",
        "polls",
        "results",
        "rosters",
        "progress",
        "ledgers",
        "oversight",
    ),
    "voters": ("party", "nomination", "committees", "review", "polls", "results", "rosters", *TOP),
    "party": ("voters", "nomination", "committees", "review", "polls", "results", "rosters", *TOP),
    # The village election committee sits on the rolls and below nomination, which withdraws
    # its members when they are nominated (nomination registers what committees must ask).
    "committees": ("party", "nomination", "review", "polls", "results", "rosters", *TOP),
    # Nomination sits above elections, voters, people and committees; the joint review above it;
    # election day (polls) above them all.
    "nomination": ("review", "polls", "results", "rosters", *TOP),
    "review": ("polls", "results", "rosters", *TOP),
    # Results sit on election day; the roster on the results (it follows their signal).
    "polls": ("results", "rosters", *TOP),
    "results": ("rosters", *TOP),
    "rosters": TOP,
    # The schedule and the board read every app below; the ledgers add their panels to the
    # board's home page; the oversight ledgers count with the village ledgers.
    "progress": ("ledgers", "oversight"),
    "ledgers": ("oversight",),
    "oversight": (),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _modules(app: str) -> list[Path]:
    return sorted((ROOT / app).rglob("*.py"))


@pytest.mark.parametrize("app", sorted(ABOVE))
def test_no_module_imports_an_app_above_its_own(app: str) -> None:
    above = tuple(f"huanjie.{name}" for name in ABOVE[app])
    upward = sorted(
        f"{path.relative_to(ROOT)} imports {module}"
        for path in _modules(app)
        for module in _imports(path)
        if any(module == a or module.startswith(a + ".") for a in above)
    )
    assert upward == []


def test_people_imports_nothing_from_voters() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in _modules("people")
        if any(m == "huanjie.voters" or m.startswith("huanjie.voters.") for m in _imports(path))
    ]
    assert offenders == []
