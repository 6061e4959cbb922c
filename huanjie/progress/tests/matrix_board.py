"""The progress board in the role × action matrix (huanjie/tests/test_service_matrix.py): none.
The board and the home page only read; the schedule's services are in matrix_schedule.py."""

from __future__ import annotations

from typing import Any


def cases() -> dict[str, Any]:
    return {}
