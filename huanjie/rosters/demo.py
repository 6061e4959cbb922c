"""The demo county's rosters of terms 10 and 11 (大通, 630121): generated deterministically for
every village-level unit, written as xlsx files with the template's headers, and imported
through the roster import as the county officer would (``rosters_seed``).

``generate_roster_rows`` is pure Python (no database): the rows of both terms for a list of
villages, deterministic for a seed and each village's code, so a test can build a county's files
and check a report against what it generated. ``roster_xlsx`` writes rows as an import file.

What the rows look like (figures approximate; the sources say so):

* Term 10's reference date 2018-12-31, term 11's 2022-01-31 (seed 000: 大通县 289个村、22个社区
  completed the 2021 换届 by 31 January 2022, 书记、主任“一肩挑” about 70%; term 10 far fewer).
* Per village 4-7 村干部 on the Party organisation, the villagers' (residents') committee and
  the cooperative, heavily cross-appointed: the secretary is usually also 社长, and in term 11
  usually the director too. A community has no cooperative.
* A 3-person 村务监督委员会 whose chair usually sits on the Party committee and never on the
  committee or the cooperative (seed 003: "村委会与村务监督委员会成员不得交叉任职"); some villages
  keep a 3-person cooperative supervisory board.
* The people come from ``people.demo.generate_village`` (names, sex, birth dates and ethnicity
  of 大通's villages: 汉, 回, 土, 藏, 蒙古), ID numbers with the village's county code. About 85-90%
  of the 两委 are Party members, about a quarter women (each committee has its 妇女委员);
  tags at the rates of seed 003's county (大学生村官 a few per cent, more in term 11).
* Continuity: about 60% of term 11's people were on term 10's roster (three years older).
"""

from __future__ import annotations

import io
import random
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Final

from huanjie.lib import cadre_codes, ethnicity
from huanjie.people.demo import DemoPerson, generate_village
from huanjie.rules.voters import age_on

if TYPE_CHECKING:
    from huanjie.accounts.models import User

TERMS: Final = {10: date(2018, 12, 31), 11: date(2022, 1, 31)}
HEADER: Final = (
    "村代码", "村名", "姓名", "公民身份号码", "性别", "民族", "文化程度", "政治面貌", "组织", "职务",
    "身份标签",
)  # fmt: skip
# 一肩挑 shares (seed 000 for term 11; term 10 before the 2018 policy took hold).
DUAL_ROLE: Final = {10: 0.25, 11: 0.70}
COLLEGE_OFFICIAL: Final = {10: 0.04, 11: 0.12}  # villages with a 大学生村官 on the committee
STAY: Final = 0.62  # a term-10 cadre on term 11's roster

PARTY, VILLAGERS, RESIDENTS = "村党组织", "村民委员会", "居民委员会"
SUPERVISION, COOPERATIVE, COOP_BOARD = "村务监督委员会", "经济合作社", "经济合作社监事会"

Clash = Callable[[str, str], bool]  # (ID number, name) -> the number is someone else's


@dataclass(frozen=True)
class DemoVillage:
    code: str
    name: str
    community: bool


@dataclass(eq=False)  # one per person: compared and hashed by identity
class _Cadre:
    person: DemoPerson
    education: str
    party: bool
    tags: list[str]


_EDU_YOUNG: Final = (("20", 22), ("30", 30), ("40", 18), ("60", 20), ("70", 10))
_EDU_OLD: Final = (("20", 4), ("30", 12), ("40", 14), ("60", 32), ("70", 34), ("80", 4))
_TAG_RATES: Final = (
    ("退役军人", 0.08),
    ("致富带头人", 0.06),
    ("种养大户", 0.04),
    ("回乡创业", 0.05),
)


def _pick(rng: random.Random, weighted: Sequence[tuple[str, float]]) -> str:
    return rng.choices([k for k, _ in weighted], [w for _, w in weighted])[0]


class _VillageRoster:
    """The two terms of one village, drawn from its own rng."""

    def __init__(self, village: DemoVillage, seed: int, clash: Clash | None, taken: set[str]):
        self.village = village
        self.rng = random.Random(f"{seed}-roster-{village.code}")
        pool = generate_village(
            village.code, village.community, self.rng, 160, movers=False, taken=taken
        )
        self.pool = [p for p in pool if clash is None or not clash(p.id_number, p.name)]
        self.used: set[str] = set()
        self.known: dict[str, _Cadre] = {}

    def _fresh(self, day: date, sex: str | None = None, lo: int = 25, hi: int = 58) -> _Cadre:
        if sex is None:  # about a quarter of village cadres are women (seed 003: 26.5%)
            sex = "M" if self.rng.random() < 0.84 else "F"
        choices = [
            p
            for p in self.pool
            if p.id_number not in self.used
            and lo <= age_on(p.birth_date, day) <= hi
            and (sex is None or p.sex == sex)
        ]
        if not choices:  # a small pool: any adult of working age
            choices = [
                p
                for p in self.pool
                if p.id_number not in self.used and 22 <= age_on(p.birth_date, day) <= 62
            ]
        person = self.rng.choice(choices)
        self.used.add(person.id_number)
        young = age_on(person.birth_date, day) <= 35
        cadre = _Cadre(person, _pick(self.rng, _EDU_YOUNG if young else _EDU_OLD), False, [])
        cadre.tags = [tag for tag, rate in _TAG_RATES if self.rng.random() < rate]
        self.known[person.id_number] = cadre
        return cadre

    def term(self, number: int, previous: list[_Cadre]) -> list[tuple[str, str, _Cadre]]:
        """(body, post, cadre) of the term; `previous`: the cadres of the term before."""
        rng, day = self.rng, TERMS[number]
        stay = [
            c for c in previous if age_on(c.person.birth_date, day) <= 58 and rng.random() < STAY
        ]
        size = rng.choices((4, 5, 6, 7), (5, 30, 40, 25))[0]
        core = list(stay[:size])
        while len(core) < size:
            core.append(self._fresh(day, lo=26 if len(core) else 35))
        party_size = 5 if size >= 6 and rng.random() < 0.5 else 3
        party_members, others = core[:party_size], core[party_size:]
        for c in party_members:
            c.party = True
        for c in others:
            c.party = c.party or rng.random() < 0.55
        secretary, chair = party_members[0], party_members[-1]
        posts: list[tuple[str, str, _Cadre]] = [(PARTY, "书记", secretary)]
        posts += [(PARTY, "委员", c) for c in party_members[1:]]
        if party_size == 5:
            posts[1] = (PARTY, "副书记", party_members[1])
        # The committee: never the supervision chair (seed 003).
        committee_pool = [c for c in core if c is not chair and c is not secretary]
        dual = rng.random() < DUAL_ROLE[number]
        director = secretary if dual else committee_pool[0]
        members = [c for c in committee_pool if c is not director]
        committee_size = 5 if len(members) >= 4 and rng.random() < 0.4 else 3
        members = members[: committee_size - 1]
        while len(members) < committee_size - 1:
            members.append(self._fresh(day))
        if not any(m.person.sex == "F" for m in members):
            woman = self._fresh(day, "F", 26, 50)
            woman.party = rng.random() < 0.6
            members = [*members[:-1], woman] if members else [woman]
        committee = RESIDENTS if self.village.community else VILLAGERS
        posts.append((committee, "主任", director))
        woman_first = sorted(members, key=lambda m: m.person.sex != "F")
        posts.append((committee, "妇女委员", woman_first[0]))
        posts += [(committee, "委员", m) for m in woman_first[1:]]
        if rng.random() < COLLEGE_OFFICIAL[number]:
            official = self._fresh(day, None, 23, 30)
            official.education = rng.choice(("20", "20", "30"))
            official.party, official.tags = rng.random() < 0.7, ["大学生村官"]
            posts.append((committee, "委员", official))
        if not self.village.community:
            head = secretary if rng.random() < 0.85 else director
            board = [c for c in dict.fromkeys((secretary, director, *members)) if c is not head]
            board = board[:2]
            posts.append((COOPERATIVE, "社长", head))
            posts += [(COOPERATIVE, "委员", c) for c in board]
        sup_members = [self._fresh(day, None, 30, 62) for _ in range(2)]
        for c in sup_members:
            c.party = rng.random() < 0.5
        sup_chair = chair if rng.random() < 0.9 else self._fresh(day, None, 35, 58)
        sup_chair.party = sup_chair.party or rng.random() < 0.8
        posts.append((SUPERVISION, "主任", sup_chair))
        posts += [(SUPERVISION, "委员", c) for c in sup_members]
        if not self.village.community and rng.random() < 0.4:
            posts.append((COOP_BOARD, "监事长", sup_members[0]))
            posts += [(COOP_BOARD, "监事", self._fresh(day, None, 30, 60)) for _ in range(2)]
        return posts


def _row(village: DemoVillage, body: str, post: str, c: _Cadre) -> tuple[str, ...]:
    p = c.person
    status = "中共党员" if c.party else ("共青团员" if p.birth_date.year >= 1992 else "群众")
    return (
        village.code,
        village.name,
        p.name,
        p.id_number,
        "男" if p.sex == "M" else "女",
        ethnicity.name_of(p.ethnicity),
        cadre_codes.EDUCATION[c.education],
        status,
        body,
        post,
        "；".join(c.tags),
    )


def generate_roster_rows(
    villages: Sequence[DemoVillage], *, seed: int = 2026, clash: Clash | None = None
) -> dict[int, list[tuple[str, ...]]]:
    """{term number: rows in HEADER order} of terms 10 and 11 for `villages` (in code order).
    Each village draws from its own rng (seed and code), so a village's rows do not depend on
    the others'. `clash(id_number, name)`: True for a number already someone else's (the
    demo's people): such people are left out of the pool."""
    taken: set[str] = set()
    found: dict[int, list[tuple[str, ...]]] = {n: [] for n in TERMS}
    for village in villages:
        roster = _VillageRoster(village, seed, clash, taken)
        previous: list[_Cadre] = []
        for number in TERMS:
            posts = roster.term(number, previous)
            found[number] += [_row(village, body, post, c) for body, post, c in posts]
            previous = list(
                dict.fromkeys(
                    c for body, _, c in posts if body in (PARTY, VILLAGERS, RESIDENTS, COOPERATIVE)
                )
            )
    return found


def roster_xlsx(rows: Sequence[Sequence[str]]) -> bytes:
    """An import file: the header, then the rows, every cell as text."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("干部名册")
    for col, label in enumerate(HEADER):
        sheet.write_string(0, col, label)
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            sheet.write_string(r, col, value)
    book.close()
    return buffer.getvalue()


def rosters_seed(*, county_code: str = "630121", actor: User, seed: int = 2026) -> str | None:
    """Import terms 10 and 11 of every village-level unit of the county as `actor` (the demo's
    county officer). A county whose terms 10 and 11 already have imported rows is kept as it
    is: a re-run imports nothing."""
    from huanjie.lib.crypto import lookup_hash
    from huanjie.people.models import Person
    from huanjie.regions.models import Region
    from huanjie.rosters.imports import roster_import_confirm, roster_import_preview, scope_villages
    from huanjie.rosters.models import Cadre, Source

    county = Region.objects.get(code=county_code)
    if Cadre.objects.filter(
        term__county=county, term__number__in=list(TERMS), source=Source.IMPORT
    ).exists():
        return "干部名册：第10、11届已存在，保留不变"
    villages = [
        DemoVillage(v.code, v.short_name or v.name, v.kind == Region.Kind.COMMUNITY)
        for v in scope_villages(county)
    ]
    known = dict(Person.objects.values_list("id_hash", "name"))

    def clash(number: str, name: str) -> bool:
        recorded = known.get(lookup_hash(number))
        return recorded is not None and recorded != name

    terms = generate_roster_rows(villages, seed=seed, clash=clash)
    counts = []
    with tempfile.TemporaryDirectory(prefix="huanjie-roster-") as folder:
        for number, rows in terms.items():
            path = Path(folder) / f"{county.display_name}第{number}届干部名册.xlsx"
            path.write_bytes(roster_xlsx(rows))
            job = roster_import_preview(
                actor=actor,
                area=county,
                upload=path,
                term_number=number,
                reference_date=TERMS[number],
            )
            if job.status == "preview":
                job = roster_import_confirm(actor=actor, job=job)
            if job.status != "succeeded":
                raise RuntimeError(f"demo roster term {number}: {job.message} {job.problems[:5]}")
            counts.append(f"第{number}届 {job.added} 条")
    return f"干部名册：{len(villages)} 个村(社区)，" + "、".join(counts) + "任职记录（xlsx 导入）"
