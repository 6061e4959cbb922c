"""A statistics report built by hand (report_types), with seed 003 §二's figures for the county
and two towns: what the xlsx, Word and page tests show, independent of the computation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from huanjie.rosters.report import FIGURES
from huanjie.rosters.report_types import Breakdown, Figure, Report, Section, average, share

# key: (label, group, unit, base_key): the computation's own list, so a sample reads as a
# computed report does.
SPEC: dict[str, tuple[str, str, str, str]] = dict(FIGURES)

# Seed 003 §二 (current, previous) and the bases the text implies.
SEED = {
    "villages": (176, 176),
    "cadres": (1010, 1040),
    "cadres_on_posts": (919, 1022),
    "young": (409, 319),
    "age_36_45": (301, 330),
    "age_46_55": (230, 290),
    "age_over_55": (70, 101),
    "age_unknown": (0, 0),
    "average_age": (Decimal("39.6"), Decimal("42.3")),
    "edu_high_school_up": (879, 810),
    "edu_college_up": (476, 300),
    "edu_postgraduate": (3, 1),
    "edu_undergraduate": (180, 90),
    "edu_college": (293, 209),
    "edu_secondary": (403, 510),
    "edu_junior_or_below": (131, 230),
    "edu_unknown": (0, 0),
    "women": (268, 254),
    "minority": (311, 300),
    "party_members": (803, 790),
    "heads": (256, 260),
    "young_heads": (40, 20),
    "dual_role_villages": (96, 95),
    "cross_appointments": (805, 790),
    "secretary_coop_head": (173, 170),
    "supervision_chairs_in_party": (160, 150),
    "party_directors": (175, 170),
    "party_committee_members": (577, 560),
    "new_secretaries": (41, None),
    "new_directors": (52, None),
    "tag_college_official": (91, 18),
    "tag_veteran": (37, 40),
    "tag_entrepreneur": (51, 40),
    "tag_grower": (14, 16),
    "tag_returnee": (22, 9),
    "departed": (103, None),
    "departed_placed": (62, None),
    "departure_payments": (Decimal("412000.00"), None),
    "reserve": (352, None),
    "reserve_elected": (118, None),
}
BASES = {
    "secretaries": (176, 176),
    "supervision_directors": (176, 176),
    "directors": (176, 171),
    "committee_members": (649, 640),
}


def _figure(
    key: str, values: dict[str, tuple[Any, Any]], bases: dict[str, tuple[int, int]], prev: bool
) -> Figure:
    label, group, unit, base_key = SPEC[key]
    if key == "per_village":
        posts, villages = values["cadres_on_posts"], values["villages"]
        value: Any = average(posts[0], villages[0])
        previous: Any = average(posts[1], villages[1])
    else:
        value, previous = values[key]
    if not prev:
        previous = None
    base = previous_base = None
    if base_key:
        pair = values.get(base_key) or bases[base_key]
        base, previous_base = pair[0], (pair[1] if prev else None)
    return Figure(
        key=key,
        label=label,
        group=group,
        unit=unit,
        value=value,
        base_key=base_key,
        base=base,
        share=share(value, base) if base is not None else None,
        previous_value=previous,
        previous_base=previous_base,
        previous_share=(
            share(previous, previous_base)
            if previous is not None and previous_base is not None
            else None
        ),
    )


def section(
    code: str,
    name: str,
    level: int,
    values: dict[str, tuple[Any, Any]] = SEED,
    bases: dict[str, tuple[int, int]] = BASES,
    *,
    previous: bool = True,
) -> Section:
    ethnicity = Breakdown(
        "ethnicity",
        "民族",
        (
            ("01", "汉族", 699, share(699, 1010)),
            ("03", "回族", 201, share(201, 1010)),
            ("30", "土族", 98, share(98, 1010)),
            ("04", "藏族", 12, share(12, 1010)),
        ),
    )
    keys = [*SPEC]
    return Section(
        code=code,
        name=name,
        level=level,
        figures=tuple(_figure(k, values, bases, previous) for k in keys),
        breakdowns=(ethnicity,),
    )


def _scaled(values: dict[str, tuple[Any, Any]], num: int, den: int) -> dict[str, tuple[Any, Any]]:
    def part(v: Any) -> Any:
        if v is None:
            return None
        if isinstance(v, Decimal):
            return v if v < 100 else (v * num / den).quantize(Decimal("0.01"))
        return v * num // den

    return {k: (part(a), part(b)) for k, (a, b) in values.items()}


def seed_report(*, previous: bool = True, term: int = 11) -> Report:
    """The county 630121 with seed 003's figures, and its two towns (about half each)."""
    towns = (
        section(
            "630121100", "桥头镇", 4, _scaled(SEED, 1, 2), _scaled_bases(1, 2), previous=previous
        ),
        section(
            "630121101", "城关镇", 4, _scaled(SEED, 1, 2), _scaled_bases(1, 2), previous=previous
        ),
    )
    return Report(
        term_number=term,
        previous_term_number=term - 1 if previous else None,
        reference_dates=("2026-12-31",),
        scope=section("630121", "大通回族土族自治县", 3, previous=previous),
        children=towns,
    )


def _scaled_bases(num: int, den: int) -> dict[str, tuple[int, int]]:
    return {k: (a * num // den, b * num // den) for k, (a, b) in BASES.items()}
