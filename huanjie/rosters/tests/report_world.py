"""A crafted roster for the statistics report's tests: county 630121 大通 with terms 10 and 11,
two towns (桥头镇: 红河限村 206, 毛家寨村 207; 城关镇: 城关村 204, 东门村 205 without roster),
rows made directly (Term, Cadre), every figure worked out by hand in test_report.py.

Term 11 (reference date 2027-01-15):
  206 P1 书记+村委会主任+合作社社长 (一肩挑; 3 bodies: 交叉任职 2), 34, 男, 大专, 党员, 回族
      P2 党组织委员+村委会委员 (交叉 1), 35, 女, 高中, 党员, 汉族
      P3 村委会妇女委员, 36, 女, 初中, 群众, 土族, 大学生村官
      P4 村务监督委员会主任+党组织委员, 56, 男, 中专, 预备党员, 汉族
      P5 村务监督委员会委员 only (not a cadre), 60
      P6 村委会委员, corrected (not counted); P7 党组织委员 ended 2026-12-01 (before R: not
      counted); P8 合作社委员 ended 2027-06-01 (after R: counted), age and education unknown,
      群众; P9 村委会委员 by-election 2027-05-01 (after R: not counted)
      a row without a person: 党组织委员 "无名氏", 45, 本科, 党员, ethnicity not filled
  207 Q1 书记, 50, 男, 本科, 党员; Q2 村委会主任, 30, 女, 本科, 群众;
      Q3 村务监督委员会主任 only, 40; Q4 合作社社长+村委会委员 (交叉 1), 46, 小学, 群众, 回族,
      私营企业主
  204 R1 书记+村委会主任 (一肩挑), 55, 研究生, 党员, 退役军人;
      R2 村委会委员, 25, 女, 本科, 共青团员, 大学生村官, 回乡创业
Term 10 (reference date 2022-01-15):
  206 P1 书记 29; P10 村委会主任 60 (群众, 初中); P2 党组织委员 30 女
  207 Q1 书记 45; Q2 村委会主任 25 女
  204 R3 书记+村委会主任 50; R1 党组织委员 50
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from huanjie.lib import idcard
from huanjie.people.models import Person
from huanjie.people.services import PersonIn, person_row
from huanjie.regions.models import Region
from huanjie.rosters.models import Cadre, Term
from huanjie.rosters.summary import summary_refresh

COUNTY = "630121"
TOWN_A = "630121100"  # 桥头镇
TOWN_B = "630121101"  # 城关镇
V206 = "630121100206"
V207 = "630121100207"
V204 = "630121101204"
V205 = "630121101205"
R11 = date(2027, 1, 15)
R10 = date(2022, 1, 15)

_births = itertools.count()


def make_person(name: str, sex: str = "M", region: str = V206) -> Person:
    """A person with a birth date of their own (the ID helper's sequence wraps at 500)."""
    birth = date(1960, 1, 1) + timedelta(days=next(_births))
    person = person_row(
        PersonIn(
            id_number=idcard.generate(COUNTY, birth, sex, 7),
            name=name,
            sex=sex,
            birth_date=birth,
            ethnicity="01",
            region_code=region,
        )
    )
    person.save()
    return person


def make_term(county: str, number: int, reference_date: date) -> Term:
    return Term.objects.create(
        county=Region.objects.get(code=county), number=number, reference_date=reference_date
    )


def cadre(
    term: Term,
    village: str,
    body: str,
    post: str,
    person: Person | None,
    *,
    age: int | None = 40,
    sex: str = "M",
    education: str = "20",
    political_status: str = "01",
    ethnicity: str = "01",
    source: str = "import",
    started_on: date | None = None,
    **fields: Any,
) -> Cadre:
    row = Cadre.objects.create(
        village_id=village,
        body=body,
        term=term,
        term_number=term.number,
        post=post,
        person=person,
        name=person.name if person else fields.pop("name", "无名氏"),
        sex=sex,
        age=age,
        education=education,
        political_status=political_status,
        ethnicity=ethnicity,
        source=source,
        started_on=started_on or term.reference_date - timedelta(days=30),
        **fields,
    )
    # Rows made here skip the services: the report's summaries are refreshed as they would.
    summary_refresh(term=term, village_codes=[village])
    return row


@dataclass
class World:
    term11: Term
    term10: Term
    people: dict[str, Person] = field(default_factory=dict)


def build() -> World:
    """The county's two terms as the module's docstring lists them (call with the regions)."""
    t11 = make_term(COUNTY, 11, R11)
    t10 = make_term(COUNTY, 10, R10)
    p = {
        n: make_person(n, s)
        for n, s in [
            ("P1", "M"), ("P2", "F"), ("P3", "F"), ("P4", "M"), ("P5", "M"), ("P6", "M"),
            ("P7", "M"), ("P8", "M"), ("P9", "M"), ("P10", "M"), ("Q1", "M"), ("Q2", "F"),
            ("Q3", "M"), ("Q4", "M"), ("R1", "M"), ("R2", "F"), ("R3", "M"),
        ]
    }  # fmt: skip
    world = World(t11, t10, p)
    # 红河限村 206, term 11
    one: dict[str, Any] = {"age": 34, "education": "30", "ethnicity": "03"}
    cadre(t11, V206, "party", "secretary", p["P1"], **one)
    cadre(t11, V206, "villagers", "director", p["P1"], **one)
    cadre(t11, V206, "cooperative", "director", p["P1"], **one)
    two: dict[str, Any] = {"age": 35, "sex": "F", "education": "60"}
    cadre(t11, V206, "party", "member", p["P2"], **two)
    cadre(t11, V206, "villagers", "member", p["P2"], **two)
    cadre(
        t11, V206, "villagers", "woman_member", p["P3"], age=36, sex="F", education="70",
        political_status="13", ethnicity="30", tag_college_official=True,
    )  # fmt: skip
    four: dict[str, Any] = {"age": 56, "education": "40", "political_status": "02"}
    cadre(t11, V206, "supervision", "director", p["P4"], **four)
    cadre(t11, V206, "party", "member", p["P4"], **four)
    cadre(t11, V206, "supervision", "member", p["P5"], age=60)
    cadre(
        t11, V206, "villagers", "member", p["P6"], end_reason="corrected",
        ended_on=date(2027, 2, 1),
    )  # fmt: skip
    cadre(t11, V206, "party", "member", p["P7"], ended_on=date(2026, 12, 1), end_reason="resigned")
    cadre(
        t11, V206, "cooperative", "member", p["P8"], age=None, education="",
        political_status="13", ended_on=date(2027, 6, 1), end_reason="resigned",
    )  # fmt: skip
    cadre(
        t11, V206, "villagers", "member", p["P9"], source="by_election",
        started_on=date(2027, 5, 1),
    )  # fmt: skip
    cadre(t11, V206, "party", "member", None, age=45, ethnicity="", name="无名氏")
    # 毛家寨村 207, term 11
    cadre(t11, V207, "party", "secretary", p["Q1"], age=50)
    cadre(t11, V207, "villagers", "director", p["Q2"], age=30, sex="F", political_status="13")
    cadre(t11, V207, "supervision", "director", p["Q3"], political_status="13")
    four_q: dict[str, Any] = {
        "age": 46,
        "education": "80",
        "political_status": "13",
        "ethnicity": "03",
    }
    cadre(t11, V207, "cooperative", "director", p["Q4"], tag_entrepreneur=True, **four_q)
    cadre(t11, V207, "villagers", "member", p["Q4"], tag_entrepreneur=True, **four_q)
    # 城关村 204, term 11
    cadre(t11, V204, "party", "secretary", p["R1"], age=55, education="10", tag_veteran=True)
    cadre(t11, V204, "villagers", "director", p["R1"], age=55, education="10", tag_veteran=True)
    cadre(
        t11, V204, "villagers", "member", p["R2"], age=25, sex="F", political_status="03",
        tag_college_official=True, tag_returnee=True,
    )  # fmt: skip
    # Term 10
    cadre(t10, V206, "party", "secretary", p["P1"], age=29)
    cadre(
        t10, V206, "villagers", "director", p["P10"], age=60, education="70", political_status="13"
    )
    cadre(t10, V206, "party", "member", p["P2"], age=30, sex="F")
    cadre(t10, V207, "party", "secretary", p["Q1"], age=45)
    cadre(t10, V207, "villagers", "director", p["Q2"], age=25, sex="F")
    cadre(t10, V204, "party", "secretary", p["R3"], age=50)
    cadre(t10, V204, "villagers", "director", p["R3"], age=50)
    cadre(t10, V204, "party", "member", p["R1"], age=50)
    return world


def bulk_nameless(term: Term, rows: list[tuple[str, dict[str, Any]]]) -> None:
    """Many cadres without persons (each its own person), as (village, fields) pairs."""
    Cadre.objects.bulk_create(
        Cadre(
            village_id=village,
            body=f.pop("body", "villagers"),
            term=term,
            term_number=term.number,
            post=f.pop("post", "member"),
            name=f.pop("name", "某"),
            sex=f.pop("sex", "M"),
            age=f.pop("age", 40),
            education=f.pop("education", "70"),
            political_status=f.pop("political_status", "13"),
            ethnicity=f.pop("ethnicity", "01"),
            source="import",
            started_on=term.reference_date - timedelta(days=30),
            **f,
        )
        for village, f in rows
    )
    summary_refresh(term=term, village_codes=[village for village, _ in rows])
