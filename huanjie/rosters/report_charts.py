"""The report page's charts as ECharts option objects (plain JSON: the page hands them to
static/js/huanjie.js through json_script, no inline script and no functions in the options).

Shares, not counts, are set beside the previous term's: the two terms' bases differ."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

from huanjie.rosters import report_text as text
from huanjie.rosters.report_types import Report, Section

AGE_KEYS: Final = ("young", "age_36_45", "age_46_55", "age_over_55")
EDUCATION_KEYS: Final = (
    "edu_postgraduate",
    "edu_undergraduate",
    "edu_college",
    "edu_secondary",
    "edu_junior_or_below",
)
MAKEUP_KEYS: Final = (
    "women",
    "party_members",
    "minority",
    "tag_college_official",
    "tag_veteran",
    "tag_entrepreneur",
    "tag_grower",
    "tag_returnee",
)
CURRENT_COLOR: Final = "#C0392B"
PREVIOUS_COLOR: Final = "#A6B1BF"


def _num(value: Decimal | int | None) -> float | int | None:
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


def _compare(report: Report, keys: tuple[str, ...], title: str) -> dict[str, Any] | None:
    """Bars of the shares of `keys`, this term's beside the previous term's."""
    found = {f.key: f for f in report.scope.figures}
    figures = [found[k] for k in keys if k in found and found[k].value is not None]
    if not figures:
        return None
    series = [
        {
            "name": f"第{report.term_number}届",
            "type": "bar",
            "data": [_num(f.share) for f in figures],
            "itemStyle": {"color": CURRENT_COLOR},
            "label": {"show": True, "position": "top", "formatter": "{c}%"},
        }
    ]
    if report.previous_term_number is not None:
        series.append(
            {
                "name": f"第{report.previous_term_number}届",
                "type": "bar",
                "data": [_num(f.previous_share) for f in figures],
                "itemStyle": {"color": PREVIOUS_COLOR},
            }
        )
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 40, "right": 16, "top": 48, "bottom": 56},
        "xAxis": {
            "type": "category",
            "data": [_short(f.label) for f in figures],
            "axisLabel": {"interval": 0},
        },
        "yAxis": {"type": "value", "name": "占比%", "max": 100},
        "series": series,
    }


def _short(label: str) -> str:
    return label.replace("/致富带头人", "").replace("（中专）", "\n（中专）")


def _ethnicity(section: Section) -> dict[str, Any] | None:
    for b in section.breakdowns:
        if b.key == "ethnicity" and b.rows:
            return {
                "title": {"text": "民族构成", "left": "center", "textStyle": {"fontSize": 14}},
                "tooltip": {"trigger": "item", "formatter": "{b}：{c}人（{d}%）"},
                "legend": {"bottom": 0, "type": "scroll"},
                "series": [
                    {
                        "type": "pie",
                        "percentPrecision": 1,
                        "radius": ["35%", "62%"],
                        "center": ["50%", "50%"],
                        "label": {"formatter": "{b} {d}%"},
                        "data": [{"name": name or "未填", "value": n} for _, name, n, _ in b.rows],
                    }
                ],
            }
    return None


def _children(report: Report) -> dict[str, Any] | None:
    """The children's shares of the main structure figures, one group of bars per child."""
    if not report.children or report.children[0].level >= 5:
        return None  # a town's villages: the table says it better than 30 groups of bars
    keys = ("young", "edu_high_school_up", "women", "party_members")
    labels = {f.key: f.label for f in report.scope.figures}
    series = []
    for key in keys:
        if key not in labels:
            continue
        data = []
        for child in report.children:
            found = {f.key: f for f in child.figures}
            data.append(_num(found[key].share) if key in found else None)
        series.append({"name": f"{labels[key]}占比", "type": "bar", "data": data})
    if not series:
        return None
    return {
        "title": {
            "text": f"各{text.child_word(report)}结构比例",
            "left": "center",
            "textStyle": {"fontSize": 14},
        },
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 40, "right": 16, "top": 48, "bottom": 72},
        "xAxis": {
            "type": "category",
            "data": [c.name for c in report.children],
            "axisLabel": {"interval": 0, "rotate": 30 if len(report.children) > 8 else 0},
        },
        "yAxis": {"type": "value", "name": "占比%", "max": 100},
        "series": series,
    }


def charts(report: Report) -> list[dict[str, Any]]:
    """The page's charts: id, accessible description, option (only those with data)."""
    made = [
        ("chart-age", "年龄结构：各年龄段占比，本届与上届", _compare(report, AGE_KEYS, "年龄结构")),
        (
            "chart-education",
            "文化程度：各学历占比，本届与上届",
            _compare(report, EDUCATION_KEYS, "文化程度"),
        ),
        (
            "chart-makeup",
            "性别、政治面貌、民族与身份构成占比，本届与上届",
            _compare(report, MAKEUP_KEYS, "女干部、党员、少数民族与身份构成"),
        ),
        ("chart-ethnicity", "村干部民族构成", _ethnicity(report.scope)),
        ("chart-children", "各下级区域的主要结构比例", _children(report)),
    ]
    return [{"id": i, "label": label, "option": o} for i, label, o in made if o is not None]
