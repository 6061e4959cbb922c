"""The statistics report in words, as a county writes it (seed 003 §二), for the page, the Word
document and the spreadsheet: the groups' names, the main figures of the children's tables, and
the sentences.

A sentence states a count, its share of its base ("35岁以下409人，占40.5%") and, when the previous
term is on record, the change: of a share in percentage points ("比上届提高9.8个百分点", "降低",
"与上届持平"), of a count in its unit ("比上届增加1个", "减少2人"). Without a previous term the
comparison is left out, never written as a change from nothing.

>>> f = Figure("young", "35岁以下", "age", "人", 409, "cadres", 1010, Decimal("40.5"),
...            322, 1040, Decimal("31.0"))
>>> count_share(f) + points(f)
'35岁以下409人，占40.5%，比上届提高9.5个百分点'
>>> g = Figure("dual_role_villages", "书记、主任一肩挑的村", "roles", "个", 96,
...            previous_value=95)
>>> g.label + count(g) + count_change(g)
'书记、主任一肩挑的村96个，比上届增加1个'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Final

from django.utils import timezone

from huanjie.rosters.report_types import Figure, Report, Section

# The groups of figures in the order a report reads them (report_types.Figure.group).
GROUPS: Final = (
    ("size", "班子规模"),
    ("age", "年龄结构"),
    ("education", "文化程度"),
    ("sex", "性别"),
    ("ethnicity", "民族"),
    ("party", "政治面貌"),
    ("roles", "交叉任职与一肩挑"),
    ("tags", "身份构成"),
    ("care", "后备干部与离任关爱"),
)
GROUP_LABELS: Final = dict(GROUPS)

# The children's tables (page, xlsx, Word): the key figures of each town (or county, city).
MAIN_KEYS: Final = (
    "villages",
    "cadres",
    "per_village",
    "young",
    "edu_high_school_up",
    "women",
    "party_members",
    "minority",
    "dual_role_villages",
    "cross_appointments",
)

# How a scope calls itself in a report ("全县1010名村干部中").
_WHOLE: Final = (
    ("自治县", "全县"),
    ("县", "全县"),
    ("旗", "全旗"),
    ("区", "全区"),
    ("市", "全市"),
    ("州", "全州"),
    ("盟", "全盟"),
    ("省", "全省"),
    ("自治区", "全区"),
    ("街道", "全街道"),
    ("乡", "全乡"),
    ("镇", "全镇"),
)
_CHILD_WORD: Final = {1: "省", 2: "市（州）", 3: "县（市、区）", 4: "乡镇（街道）", 5: "村（社区）"}


def whole_of(section: Section) -> str:
    """'全县', '全镇', '全市' ... from the region's name.

    >>> whole_of(Section("630121", "大通回族土族自治县", 3, ()))
    '全县'
    >>> whole_of(Section("630121100", "桥头镇", 4, ()))
    '全镇'
    """
    for ending, word in _WHOLE:
        if section.name.endswith(ending):
            return word
    return {1: "全省", 2: "全市", 3: "全县", 4: "全乡镇"}.get(section.level, "全")


def child_word(report: Report) -> str:
    """What the children are called: '乡镇（街道）' for a county's towns."""
    level = report.children[0].level if report.children else report.scope.level + 1
    return _CHILD_WORD.get(level, "下级")


def report_title(report: Report, kind: str = "统计报告") -> str:
    """'大通回族土族自治县第11届村（社区）“两委”班子结构情况统计报告'."""
    return f"{report.scope.name}第{report.term_number}届村（社区）“两委”班子结构情况{kind}"


def children_title(report: Report, kind: str = "统计表") -> str:
    """'大通回族土族自治县各乡镇（街道）村（社区）“两委”班子结构情况统计表' (a town's: 各村（社区）)."""
    word = child_word(report)
    villages = "" if word == _CHILD_WORD[5] else "村（社区）"
    return f"{report.scope.name}各{word}{villages}“两委”班子结构情况{kind}"


def chinese_date(day: date | str) -> str:
    """'2026年12月31日' from a date or its ISO text."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return f"{day.year}年{day.month}月{day.day}日"


IN_PROGRESS: Final = "（换届尚未完成：只统计已产生新一届名册的村(社区)，与上届的比较仅供参考）"


def in_progress(report: Report, today: date | None = None) -> str:
    """The warning of a term still being elected (a reference date not yet passed), or ""."""
    day = (today or timezone.localdate()).isoformat()
    return IN_PROGRESS if any(d > day for d in report.reference_dates) else ""


def reference_line(report: Report) -> str:
    """The reference dates (ages are counted at each county's own date)."""
    days = "、".join(chinese_date(d) for d in report.reference_dates) or "未登记"
    return f"统计基准日期：{days}{in_progress(report)}"


# ---------------------------------------------------------------------------------------------
# Numbers.


def number(value: int | Decimal | None) -> str:
    """A count as written ('409'), an average to one decimal ('5.2'), '—' for nothing."""
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return f"{value:.1f}"
    return str(value)


def money(value: int | Decimal | None) -> str:
    """An amount in 元, in 万元 from ten thousand up ('12.35万元')."""
    if value is None:
        return "—"
    amount = Decimal(value)
    if amount >= 10000:
        wan = (amount / 10000).quantize(Decimal("0.01")).normalize()
        return f"{wan:f}万元"
    if amount == amount.to_integral_value():
        return f"{amount.quantize(Decimal('1'))}元"
    return f"{amount.quantize(Decimal('0.01'))}元"


def signed(value: int | Decimal | None, digits: int = 0) -> str:
    """'+9.8', '-2', '0' for a change; '' without a previous term."""
    if value is None:
        return ""
    if digits:
        return f"{Decimal(value):+.{digits}f}" if value else f"{Decimal(0):.{digits}f}"
    return f"{value:+}" if value else "0"


# ---------------------------------------------------------------------------------------------
# Phrases.


def count(f: Figure) -> str:
    """'409人', '96个', '805人次', '5.2人', '12.35万元'."""
    if f.unit == "元":
        return money(f.value)
    return f"{number(f.value)}{f.unit}"


def share_of(f: Figure, of: str = "") -> str:
    """'，占40.5%' ('，占主要负责人的12.0%' with `of`), '' without a share."""
    if f.share is None:
        return ""
    return f"，占{of}{f.share}%" if not of else f"，占{of}的{f.share}%"


def count_share(f: Figure, of: str = "") -> str:
    """'35岁以下409人，占40.5%'."""
    return f"{f.label}{count(f)}{share_of(f, of)}"


def points(f: Figure) -> str:
    """'，比上届提高9.8个百分点' / '降低' / '，与上届持平'; '' without the previous share."""
    change = f.change_points
    if change is None:
        return ""
    if change > 0:
        return f"，比上届提高{change}个百分点"
    if change < 0:
        return f"，比上届降低{-change}个百分点"
    return "，与上届持平"


def count_change(f: Figure) -> str:
    """'，比上届增加11人' / '减少2人' / '，与上届持平'; '' without the previous count."""
    change = f.change
    if change is None:
        return ""
    unit = "元" if f.unit == "元" else f.unit
    if change > 0:
        return f"，比上届增加{money(change) if unit == '元' else number(change) + unit}"
    if change < 0:
        return f"，比上届减少{money(-change) if unit == '元' else number(-change) + unit}"
    return "，与上届持平"


def change_cell(f: Figure) -> str:
    """The change as a table shows it: the count's change, and the points in brackets."""
    parts = []
    if f.change is not None:
        parts.append(signed(f.change, 1 if isinstance(f.change, Decimal) else 0))
    if f.change_points is not None:
        parts.append(f"{signed(f.change_points, 1)}个百分点")
    return "，".join(parts) or "—"


def _has(section: Section, key: str) -> Figure | None:
    try:
        f = section.figure(key)
    except KeyError:
        return None
    return f if f.value is not None else None


def _join(clauses: Iterable[str], end: str = "。") -> str:
    kept = [c for c in clauses if c]
    return "；".join(kept) + end if kept else ""


# ---------------------------------------------------------------------------------------------
# The paragraphs (seed 003 §二).


def structure_paragraph(s: Section) -> str:
    """Age, education, sex, and the posts per village: the first paragraph of seed 003 §二."""
    cadres = _has(s, "cadres")
    if cadres is None:
        return ""
    young, high, college, women = (
        _has(s, k) for k in ("young", "edu_high_school_up", "edu_college_up", "women")
    )
    clauses = []
    if young:
        clauses.append(count_share(young) + points(young))
    if high:
        text = f"{high.label}学历{count(high)}{share_of(high)}{points(high)}"
        if college:
            text += f"，其中{college.label}学历{count(college)}{share_of(college)}"
        clauses.append(text)
    if women:
        clauses.append(f"女干部{number(women.value)}名{share_of(women)}{points(women)}")
    text = f"{whole_of(s)}{number(cadres.value)}名村干部中，" + _join(clauses)
    if not clauses:
        text = f"{whole_of(s)}共有村干部{number(cadres.value)}名。"
    posts, per = _has(s, "cadres_on_posts"), _has(s, "per_village")
    if posts:
        text += f"除不占职数的大学生村官外，共有村干部{count(posts)}"
        if per:
            text += f"，平均每个村{count(per)}"
            if per.previous_value is not None:
                text += f"（上届每个村{number(per.previous_value)}{per.unit}）"
        text += "。"
    return text


def composition_paragraph(s: Section) -> str:
    """Age bands, average age, education detail, ethnicity and Party membership."""
    clauses = []
    bands = [_has(s, k) for k in ("age_36_45", "age_46_55", "age_over_55")]
    said = [f"{f.label}{count(f)}{share_of(f)}" for f in bands if f]
    if said:
        clauses.append("从年龄看，" + "，".join(said))
    average_age = _has(s, "average_age")
    if average_age:
        text = f"平均年龄{number(average_age.value)}岁"
        if average_age.previous_value is not None:
            text += f"（上届{number(average_age.previous_value)}岁）"
        clauses.append(text)
    edu = [_has(s, k) for k in ("edu_secondary", "edu_junior_or_below")]
    said = [f"{f.label}学历{count(f)}{share_of(f)}" for f in edu if f]
    if said:
        clauses.append("从文化程度看，" + "，".join(said))
    minority = _has(s, "minority")
    if minority:
        text = f"少数民族干部{count(minority)}{share_of(minority)}{points(minority)}"
        groups = ethnic_groups(s)
        if groups:
            text += f"（其中{groups}）"
        clauses.append(text)
    party = _has(s, "party_members")
    if party:
        clauses.append(f"中共党员{count(party)}{share_of(party)}{points(party)}")
    return _join(clauses)


def ethnic_groups(s: Section, limit: int = 4) -> str:
    """'回族120人、土族80人' from the ethnicity breakdown, the largest minorities first."""
    for b in s.breakdowns:
        if b.key == "ethnicity":
            rows = sorted((r for r in b.rows if r[0] not in ("", "01")), key=lambda r: -r[2])
            return "、".join(f"{name}{n}人" for _, name, n, _ in rows[:limit] if n)
    return ""


def roles_paragraphs(s: Section) -> list[str]:
    """Cross appointments, the dual role, the supervision chairs and Party directors."""
    first = []
    cross = _has(s, "cross_appointments")
    if cross:
        first.append(
            f"村党组织、村（居）委会、经济合作社交叉任职{count(cross)}{count_change(cross)}"
        )
    f = _has(s, "secretary_coop_head")
    if f:
        first.append(f"{f.label}{count(f)}{share_of(f)}{count_change(f)}")
    f = _has(s, "dual_role_villages")
    if f:
        first.append(f"{f.label}{count(f)}{share_of(f)}{count_change(f)}")
    second = []
    for key in ("supervision_chairs_in_party", "party_directors", "party_committee_members"):
        f = _has(s, key)
        if f:
            joint = "的" if key == "supervision_chairs_in_party" else ""
            second.append(f"{f.label}{joint}{count(f)}{share_of(f)}{points(f)}")
    third = []
    heads, young_heads = _has(s, "heads"), _has(s, "young_heads")
    if heads and young_heads:
        third.append(
            f"村主要负责人{count(heads)}，其中{count_share(young_heads, '主要负责人')}"
            f"{points(young_heads)}"
        )
    for key in ("new_secretaries", "new_directors"):
        f = _has(s, key)
        if f:
            third.append(f"{f.label}{count(f)}{share_of(f)}")
    return [p for p in (_join(first), _join(second), _join(third)) if p]


def tags_paragraph(s: Section) -> str:
    """'村干部中，共有私营企业主51人，比上届增加11人；…'."""
    clauses = []
    for key in (
        "tag_entrepreneur",
        "tag_grower",
        "tag_college_official",
        "tag_veteran",
        "tag_returnee",
    ):
        f = _has(s, key)
        if f:
            clauses.append(
                f"{_TAG_WORDS.get(key, f.label)}{count(f)}{share_of(f)}{count_change(f)}"
            )
    return "村干部中，共有" + _join(clauses) if clauses else ""


_TAG_WORDS: Final = {
    "tag_entrepreneur": "私营企业主（致富带头人）",
    "tag_grower": "种养大户",
    "tag_college_official": "大学生“村官”",
    "tag_veteran": "退役军人",
    "tag_returnee": "回乡创业人员",
}


def care_paragraph(s: Section) -> str:
    """Who left the bodies, who was placed, what was paid; the reserve cadres (seed 003: "全市共
    有103名村干部退出村级班子，其中另行安排工作的62名")."""
    text = ""
    departed, placed = _has(s, "departed"), _has(s, "departed_placed")
    if departed:
        text += f"本次换届，{whole_of(s)}共有{number(departed.value)}名村干部退出村级班子"
        if placed and placed.value:
            text += f"，其中另行安排工作的{number(placed.value)}名{share_of(placed)}"
        payments = _has(s, "departure_payments")
        if payments and payments.value:
            text += f"；发放离任一次性补助和养老保险补助合计{money(payments.value)}"
        text += "。"
    reserve, elected = _has(s, "reserve"), _has(s, "reserve_elected")
    if reserve and reserve.value:
        text += f"现有后备干部{count(reserve)}"
        if elected and elected.value:
            text += f"，其中进入新一届班子的{count(elected)}{share_of(elected)}"
        text += "。"
    return text


def headline(report: Report) -> str:
    """The sentence the page opens with: the first paragraph of the Word report."""
    return structure_paragraph(report.scope)


def figure_rows(section: Section) -> list[tuple[str, list[Figure]]]:
    """The section's figures by group, in the report's order (an unknown group last)."""
    by_group: dict[str, list[Figure]] = {}
    for f in section.figures:
        by_group.setdefault(f.group, []).append(f)
    order = [g for g, _ in GROUPS] + [g for g in by_group if g not in GROUP_LABELS]
    return [(GROUP_LABELS.get(g, g), by_group[g]) for g in order if g in by_group]


def main_figures(section: Section, keys: Sequence[str] = MAIN_KEYS) -> list[Figure | None]:
    """The section's figures of `keys` (None where the report has no such figure)."""
    found = {f.key: f for f in section.figures}
    return [found.get(k) for k in keys]


def figure_cells(f: Figure) -> dict[str, str]:
    """A figure as a table row shows it (page): '—' for what is missing, changes signed."""
    change = f.change
    points_change = f.change_points
    if f.unit == "元":  # amounts in 元 with the cents, as a ledger shows them
        value, previous = _yuan(f.value), _yuan(f.previous_value)
        change_text = "—" if change is None else f"{Decimal(change):+,.2f}"
    else:
        value, previous = number(f.value), number(f.previous_value)
        change_text = (
            "—" if change is None else signed(change, 1 if isinstance(change, Decimal) else 0)
        )
    return {
        "key": f.key,
        "label": f.label,
        "unit": f.unit,
        "value": value,
        "share": "—" if f.share is None else f"{f.share}",
        "previous": previous,
        "previous_share": "—" if f.previous_share is None else f"{f.previous_share}",
        "change": change_text,
        "points": "—" if points_change is None else signed(points_change, 1),
        "trend": _trend(points_change),
    }


def _yuan(value: int | Decimal | None) -> str:
    return "—" if value is None else f"{Decimal(value):,.2f}"


def _trend(change: int | Decimal | None) -> str:
    if change is None or change == 0:
        return ""
    return "up" if change > 0 else "down"


# A village's own row: it is one village, so its count of villages says nothing.
_NOT_FOR_A_VILLAGE: Final = ("villages", "per_village")


def children_columns(report: Report) -> list[Figure]:
    """The scope's figures that head the children's table (by MAIN_KEYS)."""
    village_children = bool(report.children) and report.children[0].level >= 5
    return [
        f
        for f in main_figures(report.scope)
        if f is not None and not (village_children and f.key in _NOT_FOR_A_VILLAGE)
    ]


def children_cells(section: Section, columns: Sequence[Figure]) -> list[tuple[str, str]]:
    """A child's (or the total's) cells under `columns`: the count and its share ('' without
    one); a village's dual role as 是/否."""
    found = {f.key: f for f in section.figures}
    cells = []
    for column in columns:
        f = found.get(column.key)
        if f is None or f.value is None:
            cells.append(("—", ""))
        elif section.level >= 5 and f.key == "dual_role_villages":
            cells.append(("是" if f.value else "否", ""))
        else:
            shown = "" if not f.base_key or f.share is None else f"{f.share}"
            cells.append((number(f.value), shown))
    return cells


def children_headers(report: Report, columns: Sequence[Figure]) -> list[tuple[str, str]]:
    """The children's table headers: the figure and its unit ('人 / 占比%')."""
    villages = bool(report.children) and report.children[0].level >= 5
    headers = []
    for f in columns:
        if villages and f.key == "dual_role_villages":
            headers.append(("书记、主任一肩挑", "是否"))
        else:
            headers.append((f.label, f"{f.unit} / 占比%" if f.base_key else f.unit))
    return headers
