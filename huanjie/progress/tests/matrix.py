"""The progress app's cells of the role × action matrix (huanjie/tests/test_service_matrix.py),
gathered from its parts (matrix_*.py beside this file)."""

from __future__ import annotations

import importlib
from typing import Any

PARTS = ("matrix_schedule", "matrix_board")


def cases() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for part in PARTS:
        try:
            module = importlib.import_module(f"huanjie.progress.tests.{part}")
        except ModuleNotFoundError:
            continue
        found |= module.cases()
    return found
