"""The board's charts as ECharts option objects (plain JSON: the page hands them to
static/js/huanjie.js through json_script; static/js/progress-board.js follows a click on a bar to
the child region it stands for, through a list of links beside the option)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from huanjie.progress.board import BOARD_STATUSES, ChildRow, Tally

COLORS: Final = {
    "done": "#2E7D32",
    "under_way": "#1F6FB2",
    "late": "#C0392B",
    "not_started": "#A6B1BF",
}


def children_chart(rows: Sequence[ChildRow], title: str) -> dict[str, Any]:
    """Stacked bars per child region: done, under way, late, not started."""
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"bottom": 0},
        "grid": {"left": 48, "right": 16, "top": 44, "bottom": 96},
        "xAxis": {
            "type": "category",
            "data": [r.name for r in rows],
            "axisLabel": {"interval": 0, "rotate": 35 if len(rows) > 8 else 0},
        },
        "yAxis": {"type": "value", "name": "个", "minInterval": 1},
        "series": [
            {
                "name": label,
                "type": "bar",
                "stack": "villages",
                "barMaxWidth": 36,
                "itemStyle": {"color": COLORS[key]},
                "data": [r.tally.count(key) for r in rows],
            }
            for key, label in BOARD_STATUSES.items()
        ],
    }


def status_chart(tally: Tally, title: str) -> dict[str, Any]:
    """One bar per column of the board: a town's villages."""
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "item"},
        "grid": {"left": 48, "right": 16, "top": 44, "bottom": 32},
        "xAxis": {"type": "category", "data": list(BOARD_STATUSES.values())},
        "yAxis": {"type": "value", "name": "个", "minInterval": 1},
        "series": [
            {
                "type": "bar",
                "barMaxWidth": 48,
                "label": {"show": True, "position": "top"},
                "data": [
                    {"value": tally.count(key), "itemStyle": {"color": COLORS[key]}}
                    for key in BOARD_STATUSES
                ],
            }
        ],
    }
