"""The statistics report (班子结构统计) of a scope for a term: seed 003 §二's figures for a
province, city, county or town and for each of its children (a province's cities, a city's
counties, a county's towns, a town's villages), beside the previous term's.

    report(region, 11) -> Report (report_types): figures as count, base, share to one decimal
    and the previous term's count, base and share.

Definitions (design, issue 13, "Definitions"; docs/rosters.md):
- a row counts as at its term's reference date R: not superseded by a corrected result, not
  ended on or before R, not a by-election held after R (report_sql.COUNTED);
- 村干部 = a distinct person (a row without a person is its own person) of one village holding a
  post on the party organisation, the villagers' or residents' committee or the cooperative;
  the supervision committee and the cooperative's supervisory board are on the roster but not
  cadres (their directors are the base of one role figure);
- term N is the one asked, or the highest with counted cadres in the scope whose reference dates
  have passed (else the highest with counted cadres); the previous term is
  N−1 of the same counties; a section without a counted roster of N−1 has no previous figures
  (None, never a change from nothing);
- shares are count/base×100 half up to one decimal; a change of a share is the difference of the
  two printed shares (report_types).

The counting reads the summary tables (one row per village and term, rosters.summary, kept by
every write of the roster): one statement for the figures of both terms and one for the
ethnicities, whatever the scope's size (report_sql), plus the care figures (rosters.care).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, Final

from django.utils import timezone

from huanjie.lib.ethnicity import ETHNICITIES
from huanjie.regions.models import Region
from huanjie.rosters import report_sql
from huanjie.rosters.models import Term
from huanjie.rosters.report_types import Breakdown, Figure, Report, Section, average, share
from huanjie.rosters.selectors import terms_covering

# key: (label, group, unit, base key): every figure of the report, in the order it reads
# (seed 003 §二; design, "Figure keys"). A base key that is not a figure (secretaries,
# directors, committee_members, supervision_directors) is still counted: Figure.base.
FIGURES: Final[dict[str, tuple[str, str, str, str]]] = {
    "villages": ("村(社区)数", "size", "个", ""),
    "cadres": ("村干部", "size", "人", ""),
    "cadres_on_posts": ("占职数村干部", "size", "人", ""),
    "per_village": ("平均每村", "size", "人", ""),
    "young": ("35岁以下", "age", "人", "cadres"),
    "age_36_45": ("36至45岁", "age", "人", "cadres"),
    "age_46_55": ("46至55岁", "age", "人", "cadres"),
    "age_over_55": ("56岁以上", "age", "人", "cadres"),
    "age_unknown": ("年龄不详", "age", "人", "cadres"),
    "average_age": ("平均年龄", "age", "岁", ""),
    "edu_high_school_up": ("高中（中专）以上", "education", "人", "cadres"),
    "edu_college_up": ("大专以上", "education", "人", "cadres"),
    "edu_postgraduate": ("研究生", "education", "人", "cadres"),
    "edu_undergraduate": ("大学本科", "education", "人", "cadres"),
    "edu_college": ("大学专科", "education", "人", "cadres"),
    "edu_secondary": ("高中（中专）", "education", "人", "cadres"),
    "edu_junior_or_below": ("初中及以下", "education", "人", "cadres"),
    "edu_unknown": ("文化程度未填", "education", "人", "cadres"),
    "women": ("女干部", "sex", "人", "cadres"),
    "minority": ("少数民族", "ethnicity", "人", "cadres"),
    "party_members": ("党员", "party", "人", "cadres"),
    "heads": ("主要负责人", "roles", "人", ""),
    "young_heads": ("35岁以下主要负责人", "roles", "人", "heads"),
    "dual_role_villages": ("书记、主任一肩挑的村", "roles", "个", "villages"),
    "cross_appointments": ("交叉任职", "roles", "人次", ""),
    "secretary_coop_head": ("村党组织书记兼任经济合作社社长", "roles", "人", "secretaries"),
    "supervision_chairs_in_party": (
        "村务监督委员会主任由村党组织成员兼任",
        "roles",
        "人",
        "supervision_directors",
    ),
    "party_directors": ("党员村（居）委会主任", "roles", "人", "directors"),
    "party_committee_members": ("党员村（居）委会成员", "roles", "人", "committee_members"),
    "new_secretaries": ("新任村党组织书记", "roles", "人", "secretaries"),
    "new_directors": ("新任村（居）委会主任", "roles", "人", "directors"),
    "tag_college_official": ("大学生村官", "tags", "人", "cadres"),
    "tag_veteran": ("退役军人", "tags", "人", "cadres"),
    "tag_entrepreneur": ("私营企业主/致富带头人", "tags", "人", "cadres"),
    "tag_grower": ("种养大户", "tags", "人", "cadres"),
    "tag_returnee": ("回乡创业", "tags", "人", "cadres"),
    "departed": ("离任村干部", "care", "人", ""),
    "departed_placed": ("另行安排工作", "care", "人", "departed"),
    "departure_payments": ("离任补助合计", "care", "元", ""),
    "reserve": ("后备干部", "care", "人", ""),
    "reserve_elected": ("后备干部进入新一届班子", "care", "人", "reserve"),
}
CARE_KEYS: Final = (
    "departed",
    "departed_placed",
    "departure_payments",
    "reserve",
    "reserve_elected",
)
NEW_HEAD_KEYS: Final = ("new_secretaries", "new_directors")

# A report's children are one level down: the code's length there (regions.Region: 2/4/6/9/12).
CHILD_LENGTH: Final = {
    Region.Level.PROVINCE: 4,
    Region.Level.CITY: 6,
    Region.Level.COUNTY: 9,
    Region.Level.TOWN: 12,
}
UNKNOWN_ETHNICITY: Final = "民族未填"

MSG_LEVEL: Final = "“{name}”是村级区划：统计报表的范围须为县级以上或乡镇（街道）"
MSG_NO_ROSTER: Final = "{name}还没有干部名册：没有任何一届在任的村干部记录"
MSG_NO_TERM: Final = "{name}没有第{number}届的干部名册（有名册的届次：{known}）"

Values = dict[str, Any]


class ReportError(Exception):
    """The report cannot be made: the message says why, in Chinese, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def report(scope: Region, term_number: int | None = None, *, today: date | None = None) -> Report:
    """The report of `scope` (county level or above, or a town) for term `term_number` (default:
    the highest term with counted cadres in the scope whose reference dates have passed by
    `today`, else the highest with counted cadres). Raises ReportError."""
    child_length = CHILD_LENGTH.get(Region.Level(scope.level))
    if child_length is None:
        raise ReportError(MSG_LEVEL.format(name=scope.display_name))
    # A county's terms are its villages' terms; a town is a part of its county's.
    terms = _terms(scope)
    covered = scope.level != Region.Level.TOWN

    def ids(number: int) -> list[int]:
        return [t.pk for t in terms.get(number, ())]

    def has_roster(number: int) -> bool:
        return report_sql.has_counted_rows(scope.code, ids(number), covered_by_terms=covered)

    n = _term_number(scope, terms, term_number, has_roster, today or timezone.localdate())
    counts, ethnicities = report_sql.count_terms(
        scope.code, ids(n) + ids(n - 1), child_length, covered_by_terms=covered
    )
    # The new heads of N−1 are counted against N−2: none without its roster.
    heads_before = bool(ids(n - 2)) and has_roster(n - 2)
    codes = sorted({code for (_, code) in counts})
    previous_on_record = any(row["villages"] for (t, _), row in counts.items() if t == n - 1)
    care_now = _care(scope.code, n, child_length)
    # The care figures of N−1 compare its roster with N−2's: none without a term N−2.
    care_before = _care(scope.code, n - 1, child_length) if ids(n - 2) else None

    def section(region: Region, children: list[str], care_key: str) -> Section:
        now = _sum(counts.get((n, c)) for c in children)
        before = _sum(counts.get((n - 1, c)) for c in children)
        values = _values(now, now, _care_of(care_now, care_key))
        previous: Values | None = None
        if before["villages"]:
            previous = _values(
                before, before if heads_before else None, _care_of(care_before, care_key)
            )
        else:
            values.update(dict.fromkeys(NEW_HEAD_KEYS))  # nothing to compare with
        eth = _sum_codes(ethnicities.get((n, c)) for c in children)
        return Section(
            code=region.code,
            name=region.display_name,
            level=region.level,
            figures=_figures(values, previous),
            breakdowns=(_ethnicity(eth, now["cadres"]),),
        )

    child_regions = Region.objects.filter(
        level=scope.level + 1, code__startswith=scope.code
    ).order_by("code")
    return Report(
        term_number=n,
        previous_term_number=n - 1 if previous_on_record else None,
        reference_dates=tuple(sorted({t.reference_date.isoformat() for t in terms.get(n, ())})),
        scope=section(scope, codes, ""),
        children=tuple(section(r, [r.code], r.code) for r in child_regions),
    )


def _terms(scope: Region) -> dict[int, list[Term]]:
    by_number: dict[int, list[Term]] = defaultdict(list)
    for term in terms_covering(scope.code).order_by("county_id"):
        by_number[term.number].append(term)
    return by_number


def _term_number(
    scope: Region,
    terms: Mapping[int, list[Term]],
    asked: int | None,
    has_roster: Callable[[int], bool],
    today: date,
) -> int:
    """The term asked, when the scope has a counted roster of it; else the highest whose
    campaign is complete (every county's reference date passed: a term still being elected
    would be compared, a few villages against the whole previous term), else the highest."""
    with_roster = [number for number in sorted(terms, reverse=True) if has_roster(number)]
    if not with_roster:
        raise ReportError(MSG_NO_ROSTER.format(name=scope.display_name))
    if asked is None:
        complete = [n for n in with_roster if all(t.reference_date <= today for t in terms[n])]
        return (complete or with_roster)[0]
    if asked not in with_roster:
        known = "、".join(f"第{k}届" for k in sorted(with_roster))
        raise ReportError(MSG_NO_TERM.format(name=scope.display_name, number=asked, known=known))
    return asked


def _sum(rows: Iterable[Mapping[str, int] | None]) -> dict[str, int]:
    total: dict[str, int] = dict.fromkeys(report_sql.SUMMARY_COLUMNS, 0)
    for row in rows:
        for key, value in (row or {}).items():
            total[key] = total.get(key, 0) + value
    return total


def _sum_codes(rows: Iterable[Mapping[str, int] | None]) -> dict[str, int]:
    total: dict[str, int] = defaultdict(int)
    for row in rows:
        for code, value in (row or {}).items():
            total[code] += value
    return total


def _care(scope_code: str, term_number: int, child_length: int) -> dict[str, Any] | None:
    """The care figures (rosters.care), per child and "" for the scope; None where the care
    module is not installed (its figures then read None)."""
    try:
        from huanjie.rosters.care import care_counts
    except ImportError:
        return None
    return care_counts(scope_code, term_number, child_length)


def _care_of(care: dict[str, Any] | None, key: str) -> Mapping[str, Any]:
    """A section's care figures: the scope's under "", a child's under its code (absent: none
    to count)."""
    if care is None:
        return dict.fromkeys(CARE_KEYS)
    found = care.get(key)
    if found is None:
        return dict.fromkeys(CARE_KEYS, 0) | {"departure_payments": Decimal("0.00")}
    return found


def _values(
    counts: Mapping[str, int], heads: Mapping[str, int] | None, care: Mapping[str, Any]
) -> Values:
    values: Values = dict(counts)
    values["cadres_on_posts"] = counts["cadres"] - counts["tag_college_official"]
    # seed 003: "大学生村官进班子后不占职数" — the average counts the cadres on the posts.
    values["per_village"] = average(values["cadres_on_posts"], counts["villages"])
    values["average_age"] = average(counts["age_total"], counts["aged"])
    for key in NEW_HEAD_KEYS:
        values[key] = (heads or {}).get(key, 0) if heads is not None else None
    values.update(care)
    return values


def _figures(values: Values, previous: Values | None) -> tuple[Figure, ...]:
    figures = []
    for key, (label, group, unit, base_key) in FIGURES.items():
        value = values.get(key)
        before = previous.get(key) if previous is not None else None
        base = values.get(base_key) if base_key else None
        previous_base = previous.get(base_key) if base_key and previous is not None else None
        figures.append(
            Figure(
                key=key,
                label=label,
                group=group,
                unit=unit,
                value=value,
                base_key=base_key,
                base=base,
                share=share(value, base) if value is not None and base is not None else None,
                previous_value=before,
                previous_base=previous_base,
                previous_share=(
                    share(before, previous_base)
                    if before is not None and previous_base is not None
                    else None
                ),
            )
        )
    return tuple(figures)


def _ethnicity(counts: Mapping[str, int], cadres: int) -> Breakdown:
    """The cadres by ethnicity (GB 3304), the largest first."""
    rows = sorted(((k, v) for k, v in counts.items() if v), key=lambda kv: (-kv[1], kv[0]))
    return Breakdown(
        key="ethnicity",
        label="民族",
        rows=tuple(
            (code, ETHNICITIES.get(code, code or UNKNOWN_ETHNICITY), count, share(count, cadres))
            for code, count in rows
        ),
    )
