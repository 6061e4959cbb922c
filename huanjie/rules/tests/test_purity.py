"""The engine imports nothing from Django: it must run in `huanjie tally` without settings."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import huanjie.rules

PACKAGE = Path(huanjie.rules.__file__).parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_no_module_of_the_engine_imports_django() -> None:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 10
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            name for name in _imports(path) if name.split(".")[0] == "django"
        )
        for path in files
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_tally_runs_without_django_settings(tmp_path: Path) -> None:
    example = PACKAGE / "tests" / "polls" / "tally_format_example.json"
    code = (
        "import sys; from huanjie.rules.cli import main; rc = main([sys.argv[1]]); "
        "assert 'django' not in sys.modules, sorted(m for m in sys.modules if 'django' in m); "
        "raise SystemExit(rc)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(example)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(PACKAGE.parents[1]), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert '"valid": true' in done.stdout
