"""The ledgers app's cells of the role × action matrix (huanjie/tests/test_service_matrix.py),
gathered from its parts (matrix_*.py beside this file)."""

from __future__ import annotations

from typing import Any

from huanjie.conftest import part_modules

PARTS = ("matrix_ledgers",)


def cases() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for module in part_modules(__package__ or "", PARTS):
        found |= module.cases()
    return found
