"""A crafted pair of terms for the care tests (no tests here): 630121's terms 10 and 11 and the
other county's, with rows that the as-at rule counts and rows it does not.

Term 10 (R = 2021-01-20) → term 11 (R = 2024-01-20):

    红河限村 (桥头镇)  10: 甲 书记+主任, 乙 村委委员, 丙 监委委员 (not a cadre body), 丁 社委委员,
                          戊 村委委员 ended before R (not counted), 己 补选 after R (not counted),
                          庚 superseded by a corrected result (not counted)
                      11: 甲 书记, 乙 监委委员 (stays: any body), 辛 村委委员 (new),
                          丁 社委委员 ended before R11 (not counted: 丁 left)
    毛家寨村 (桥头镇)  10: 壬 党委委员, 韩军 村委委员 without a person;  11: 韩军 without a
                          person (stays, by name), 癸 村委委员
    城关村 (城关镇)    10: 子, 丑;  11: 子
    东门村 (城关镇)    10: 寅;  11: nothing yet (nobody departed)
    城台社区 (湟源县)   10: 卯;  11: 辰 (卯 departed, outside 630121)

Departed at 11 under 630121: 丁, 壬, 丑 (桥头镇 2, 城关镇 1).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from huanjie.conftest import OTHER_COUNTY_VILLAGE, OTHER_TOWN_VILLAGE, VILLAGE
from huanjie.people.models import Person
from huanjie.regions.models import Region
from huanjie.rosters.models import Cadre, Term
from huanjie.rosters.summary import summary_refresh

MAOJIAZHAI = "630121100207"
CHENGGUAN = "630121101204"
R10 = date(2021, 1, 20)
R11 = date(2024, 1, 20)

# Every person made here is born on a day of their own (make_person's sequence wraps at 500).
_days = itertools.count()


def person(name: str, region: str = VILLAGE, sex: str = "M") -> tuple[Person, str]:
    from huanjie.voters.tests.test_roll_cast import make_person

    born = date(1960, 3, 1) + timedelta(days=(next(_days) * 7) % 9000)
    return make_person(name, born, sex=sex, region=region)


@dataclass
class CareWorld:
    terms: dict[tuple[str, int], Term]
    people: dict[str, Person]
    numbers: dict[str, str]  # name → full ID number (never shown)
    rows: dict[str, Cadre] = field(default_factory=dict)  # "name/term/body" → row


def cadre(
    w: CareWorld,
    name: str,
    village: str,
    number: int,
    body: str,
    post: str,
    *,
    with_person: bool = True,
    **fields: Any,
) -> Cadre:
    county = village[:6]
    term = w.terms[(county, number)]
    p = w.people.get(name) if with_person else None
    row = Cadre.objects.create(
        village_id=village,
        body=body,
        term=term,
        term_number=number,
        post=post,
        person=p,
        name=name,
        sex=p.sex if p else "M",
        birth_date=p.birth_date if p else None,
        age=(term.reference_date.year - p.birth_date.year) if p else None,
        ethnicity="01",
        education="30",
        political_status="01",
        source=fields.pop("source", "import"),
        started_on=fields.pop("started_on", term.reference_date - timedelta(days=30)),
        **fields,
    )
    w.rows[f"{name}/{number}/{body}"] = row
    # Rows made here skip the services: the report's summaries are refreshed as they would.
    summary_refresh(term=term, village_codes=[village])
    return row


def make_care_world() -> CareWorld:
    """The rows the module's docstring draws (regions: huanjie.conftest.make_regions)."""
    terms = {}
    for county in ("630121", "630123"):
        c = Region.objects.get(code=county)
        terms[(county, 10)] = Term.objects.create(county=c, number=10, reference_date=R10)
        terms[(county, 11)] = Term.objects.create(county=c, number=11, reference_date=R11)
    w = CareWorld(terms, {}, {})
    homes = {
        "甲乙丙丁戊己庚辛": VILLAGE,
        "壬癸": MAOJIAZHAI,
        "子丑": CHENGGUAN,
        "寅": OTHER_TOWN_VILLAGE,
        "卯辰": OTHER_COUNTY_VILLAGE,
    }
    for names, region in homes.items():
        for name in names:
            w.people[name], w.numbers[name] = person(name, region)
    v, m = VILLAGE, MAOJIAZHAI
    cadre(w, "甲", v, 10, "party", "secretary")
    cadre(w, "甲", v, 10, "villagers", "director")
    cadre(w, "乙", v, 10, "villagers", "member")
    cadre(w, "丙", v, 10, "supervision", "member")
    cadre(w, "丁", v, 10, "cooperative", "member")
    cadre(w, "戊", v, 10, "villagers", "member", ended_on=R10, end_reason="resigned")
    cadre(w, "己", v, 10, "villagers", "member", source="by_election", started_on=R10 + _D)
    cadre(w, "庚", v, 10, "villagers", "woman_member", end_reason="corrected", ended_on=R10 + _D)
    cadre(w, "甲", v, 11, "party", "secretary")
    cadre(w, "乙", v, 11, "supervision", "member")
    cadre(w, "辛", v, 11, "villagers", "member")
    cadre(w, "丁", v, 11, "cooperative", "member", ended_on=R11 - _D, end_reason="resigned")
    cadre(w, "壬", m, 10, "party", "member")
    cadre(w, "韩军", m, 10, "villagers", "member", with_person=False)
    cadre(w, "韩军", m, 11, "villagers", "member", with_person=False)
    cadre(w, "癸", m, 11, "villagers", "member")
    cadre(w, "子", CHENGGUAN, 10, "villagers", "director")
    cadre(w, "丑", CHENGGUAN, 10, "villagers", "member")
    cadre(w, "子", CHENGGUAN, 11, "villagers", "director")
    cadre(w, "寅", OTHER_TOWN_VILLAGE, 10, "villagers", "director")
    cadre(w, "卯", OTHER_COUNTY_VILLAGE, 10, "residents", "director")
    cadre(w, "辰", OTHER_COUNTY_VILLAGE, 11, "residents", "director")
    return w


_D = timedelta(days=1)
