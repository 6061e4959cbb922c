"""Crafted rosters for the structure tests (no tests here): 630121's terms 11 and 12 and the
other county's term 12.

Term 12 (R = 2027-03-31), counted rows only unless said:

    红河限村 (桥头镇)    马成林 书记+主任 (48), 祁玉兰 妇女委员 (33), 韩军 委员 (41, 马成林's son:
                        declared), 李华 监委主任 (50), 老王 社委委员 (58, new: not in term 11);
                        not counted: 周平 村委委员 ended before R, 吴刚 村委委员 of a corrected
                        result, 郑明 补选 after R (each would break a check if counted)
    毛家寨村 (桥头镇)    two men on the committee (too few, no woman), no term-11 roster
    城关村 (城关镇)      a sound village: 一肩挑, a young woman, three on the committee
    人民路南社区 (桥头镇) a residents' committee of five, two of them of one household
    城台社区 (湟源县)    a committee of one: outside 630121, never in its lists
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from huanjie.conftest import OTHER_COUNTY_VILLAGE, VILLAGE
from huanjie.people.models import Person
from huanjie.rosters.models import Cadre, Kinship, Term

MAOJIAZHAI = "630121100207"
CHENGGUAN = "630121101204"
COMMUNITY = "630121100001"
R11 = date(2024, 1, 20)
R12 = date(2027, 3, 31)

# Born on days of their own (make_person's ID sequence wraps at 500), before other worlds' days.
_days = itertools.count()


def person(name: str, region: str, sex: str, household: str = "") -> tuple[Person, str]:
    from huanjie.voters.tests.test_roll_cast import make_person

    born = date(1940, 6, 1) + timedelta(days=next(_days) % 5000)
    return make_person(name, born, sex=sex, region=region, household=household)


@dataclass
class StructureWorld:
    terms: dict[tuple[str, int], Term]
    people: dict[str, Person] = field(default_factory=dict)
    numbers: dict[str, str] = field(default_factory=dict)  # name → full ID (never shown)

    def row(
        self,
        name: str,
        village: str,
        number: int,
        body: str,
        post: str,
        *,
        sex: str = "M",
        age: int | None = 45,
        household: str = "",  # the person's, when this row makes them
        with_person: bool = True,
        **fields: Any,
    ) -> Cadre:
        term = self.terms[(village[:6], number)]
        p = None
        if with_person:
            if name not in self.people:
                self.people[name], self.numbers[name] = person(name, village, sex, household)
            p = self.people[name]
        return Cadre.objects.create(
            village_id=village,
            body=body,
            term=term,
            term_number=number,
            post=post,
            person=p,
            name=name,
            sex=sex,
            age=age,
            source=fields.pop("source", "import"),
            started_on=fields.pop("started_on", term.reference_date - timedelta(days=30)),
            **fields,
        )


def structure_world(campaign: Any = None, recorder: Any = None) -> StructureWorld:
    terms = {
        ("630121", 11): Term.objects.create(county_id="630121", number=11, reference_date=R11),
        ("630121", 12): Term.objects.create(
            county_id="630121", number=12, reference_date=R12, campaign=campaign
        ),
        ("630123", 12): Term.objects.create(county_id="630123", number=12, reference_date=R12),
    }
    w = StructureWorld(terms)
    # 红河限村: term 11, then term 12.
    for name, body, post in (("马成林", "party", "secretary"), ("祁玉兰", "villagers", "member")):
        w.row(name, VILLAGE, 11, body, post, sex="F" if name == "祁玉兰" else "M")
    w.row("马成林", VILLAGE, 12, "party", "secretary", age=48)
    w.row("马成林", VILLAGE, 12, "villagers", "director", age=48)
    w.row("祁玉兰", VILLAGE, 12, "villagers", "woman_member", sex="F", age=33)
    w.row("韩军", VILLAGE, 12, "villagers", "member", age=41)
    w.row("李华", VILLAGE, 12, "supervision", "director", age=50)
    w.row("老王", VILLAGE, 12, "cooperative", "member", age=58)
    w.row("周平", VILLAGE, 12, "villagers", "member", age=60, ended_on=R12 - timedelta(days=1))
    w.row("吴刚", VILLAGE, 12, "supervision", "member", age=40, end_reason="corrected")
    w.row(
        "郑明", VILLAGE, 12, "villagers", "member", age=61,
        source="by_election", started_on=R12 + timedelta(days=10),
    )  # fmt: skip
    if recorder is not None:
        a, b = sorted((w.people["马成林"], w.people["韩军"]), key=lambda p: p.pk)
        Kinship.objects.create(
            village_id=VILLAGE,
            person_a=a,
            person_b=b,
            relation="parent_child",
            recorded_by=recorder,
        )
    # 毛家寨村: too small a committee, no woman, no previous roster.
    w.row("赵一", MAOJIAZHAI, 12, "party", "secretary", age=52)
    w.row("赵一", MAOJIAZHAI, 12, "villagers", "director", age=52)
    w.row("赵二", MAOJIAZHAI, 12, "villagers", "member", age=30)
    # 城关村: sound (a previous roster too).
    w.row("孙甲", CHENGGUAN, 11, "party", "secretary", age=40)
    w.row("孙甲", CHENGGUAN, 12, "party", "secretary", age=43)
    w.row("孙甲", CHENGGUAN, 12, "villagers", "director", age=43)
    w.row("孙乙", CHENGGUAN, 12, "villagers", "woman_member", sex="F", age=29)
    w.row("孙丙", CHENGGUAN, 12, "villagers", "member", age=50)
    # 人民路南社区: residents, two of one household.
    w.row("钱一", COMMUNITY, 11, "party", "secretary", age=50, household="0101")
    w.row("钱一", COMMUNITY, 12, "party", "secretary", age=53)
    w.row("钱一", COMMUNITY, 12, "residents", "director", age=53)
    w.row("钱二", COMMUNITY, 12, "residents", "member", sex="F", age=27, household="0101")
    for n in ("钱三", "钱四", "钱五"):
        w.row(n, COMMUNITY, 12, "residents", "member", age=44)
    # 城台社区 of 湟源县: broken, but another county's.
    w.row("外一", OTHER_COUNTY_VILLAGE, 12, "residents", "director", age=70)
    return w
