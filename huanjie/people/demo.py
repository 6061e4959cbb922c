"""A synthetic but realistic population of 大通回族土族自治县 (630121, Qinghai) for the demo.

The generator is pure Python (it uses no Django), deterministic for a seeded
``random.Random``; ``people_seed`` at the end saves a county's people through the people
services for ``huanjie demo``. It makes people in households (户) inside
村民小组/居民小组, so the demo and the tests meet what real rolls hold: surnames by real
frequency and local custom, 同名同姓 people, minors who are not yet eligible, spouses who
married in from a neighbouring county and so carry that county's region code, households
of 1 to 7 with three generations.

Figures and their sources (approximate, say so wherever they are shown):

* **Ethnic mix** (``COUNTY_ETHNIC_MIX``): Han 58.5%, Hui 26%, Tu 9%, Tibetan 4.5%,
  Mongol 1.2%, others 0.8%. Hui 26% and Tu 9% follow the Xinhua report on the founding
  of the autonomous county (人民日报 1986-07-10: 35万 people, 回族 9.2万, 土族 近3万);
  the Tibetan figure reflects the county's two Tibetan townships (向化, 朔北); the rest is
  an estimate. A figure of 17% Tu sometimes quoted is nearer to 互助. Villages lean
  towards one group (many are mostly Hui or mostly Tu); communities are mixed.
* **Surnames**: national shares in ``data/surnames.csv``, local weights per 民族 in
  ``data/surnames_630121.csv`` (马, 韩, 冶 … for the Hui; 李, 祁, 鲁, 星, 童 … for the Tu).
* **Given names** by sex and birth era in ``data/given_names.csv``; Tibetan households
  often use Tibetan names without a surname (才让卓玛).
* **Households**: sizes of rural Qinghai (about 3.7 people per 户 in villages, 2.9 in
  communities), mostly male 户主, spouses a few years apart, children born when the
  younger parent was 20-38, some three-generation households and some with a parent
  of the head.
* **Region codes of IDs**: the village's county, except for people who moved in from
  the neighbouring counties, whose numbers keep the code of the place they were first
  registered: 西宁 630102-630106/630122-630123, 海东 6302xx since 2013 (6321xx before,
  when it was 海东地区), 门源 632221 and 海晏 632223.

>>> import random
>>> people = generate_village("630121100201", False, random.Random(7), 40)
>>> len(people), people[0].relation, people[0].group_name
(40, '户主', '第一村民小组')
>>> people == generate_village("630121100201", False, random.Random(7), 40)
True
"""

from __future__ import annotations

import csv
import random
from bisect import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import Final, Generic, TypeVar

from huanjie.lib import idcard
from huanjie.people.models import Person
from huanjie.people.services import PersonIn, people_bulk_create
from huanjie.regions.models import Region

__all__ = [
    "AS_OF",
    "COUNTY_ETHNIC_MIX",
    "RELATIONS",
    "DemoPerson",
    "generate_village",
    "group_name",
    "known_relations",
    "people_seed",
    "village_ethnic_mix",
]

DATA_DIR: Final = Path(__file__).resolve().parent / "data"

# The day ages are counted to. Fixed, so a seed gives the same people in any year.
AS_OF: Final = date(2026, 1, 1)

HAN, MONGOL, HUI, TIBETAN, TU, SALAR = "01", "02", "03", "04", "30", "35"
COUNTY_ETHNIC_MIX: Final[Mapping[str, float]] = {
    HAN: 0.585,
    HUI: 0.26,
    TU: 0.09,
    TIBETAN: 0.045,
    MONGOL: 0.012,
    SALAR: 0.003,
    "11": 0.002,  # 满族
    "26": 0.003,  # 东乡族
}
# Share of a village's people drawn from its main group rather than the county mix.
VILLAGE_CLUSTERING: Final = 0.45

# Relations to the head of household (户口簿 与户主关系, coarsened).
HEAD, SPOUSE, CHILD, PARENT, CHILD_SPOUSE, GRANDCHILD, SIBLING = (
    "户主",
    "配偶",
    "子女",
    "父母",
    "子女配偶",
    "孙子女",
    "兄弟姐妹",
)
RELATIONS: Final = (HEAD, SPOUSE, CHILD, PARENT, CHILD_SPOUSE, GRANDCHILD, SIBLING)

_HOUSEHOLD_SIZES_VILLAGE: Final = {1: 8, 2: 17, 3: 19, 4: 24, 5: 17, 6: 10, 7: 5}
_HOUSEHOLD_SIZES_COMMUNITY: Final = {1: 14, 2: 26, 3: 30, 4: 18, 5: 8, 6: 3, 7: 1}
# Age of the head of a household of 2+ (5-year bands, relative weight).
_HEAD_AGE_BANDS: Final = (
    (20, 2), (25, 5), (30, 9), (35, 10), (40, 10), (45, 12), (50, 13),
    (55, 11), (60, 9), (65, 8), (70, 6), (75, 3), (80, 1.5), (85, 0.5),
)  # fmt: skip
# People living alone are mostly old, some young.
_SINGLE_AGE_BANDS: Final = (
    (20, 1), (25, 1), (30, 0.3), (35, 0.3), (40, 0.3), (45, 0.3), (50, 0.4), (55, 0.4),
    (60, 1.2), (65, 1.6), (70, 1.6), (75, 1.2), (80, 0.8), (85, 0.4),
)  # fmt: skip
_MALE_HEAD_SHARE: Final = {False: 0.85, True: 0.75}  # village, community
_SON_SHARE: Final = 0.52
# Marriage within the group (the Hui and Salar most strictly).
_ENDOGAMY: Final = {HUI: 0.97, SALAR: 0.97, HAN: 0.93, TU: 0.85, TIBETAN: 0.85, MONGOL: 0.7}
_MARRIED_IN_SHARE: Final = 0.12  # spouses registered first in another county
_MOVER_SHARE: Final = {False: 0.03, True: 0.10}  # whole households that moved in
# Chance that a surname comes from the local table rather than the national one.
_LOCAL_SURNAME_SHARE: Final = {
    HAN: 0.35,
    HUI: 0.95,
    TU: 0.95,
    TIBETAN: 1.0,
    MONGOL: 0.9,
    SALAR: 1.0,
}
_TIBETAN_NAME_SHARE: Final = {TIBETAN: 0.55, MONGOL: 0.25}
# One-character given names by birth era (they peaked in the 1960s-90s).
_SINGLE_GIVEN_SHARE: Final = {"1920": 0.25, "1960": 0.35, "1980": 0.3, "2000": 0.12}
_RECOMBINE_SHARE: Final = 0.35  # two-character names made from two listed names

_DAYS_PER_YEAR: Final = 365.2425


@dataclass(frozen=True, slots=True)
class _Origin:
    name: str
    code: str  # the code for people first registered in or after `since`
    old_code: str  # the code before `since`
    since: int
    weights: Mapping[str, float]  # by ethnicity; "*" for any other


# Where people who moved into 大通 came from (neighbours in 西宁, 海东 and 海北).
_ORIGINS: Final = (
    _Origin("城东区", "630102", "630102", 0, {HAN: 1, HUI: 4, "*": 1}),
    _Origin("城中区", "630103", "630103", 0, {HAN: 2, HUI: 1, "*": 1}),
    _Origin("城西区", "630104", "630104", 0, {HAN: 2, TIBETAN: 1, "*": 1}),
    _Origin("城北区", "630105", "630105", 0, {HAN: 2, HUI: 1, "*": 1}),
    _Origin("湟中", "630106", "630122", 2020, {HAN: 4, HUI: 1, TIBETAN: 3, TU: 1}),
    _Origin("湟源", "630123", "630123", 0, {HAN: 3, TIBETAN: 2, MONGOL: 1}),
    _Origin("乐都", "630202", "632123", 2013, {HAN: 2, TU: 1}),
    _Origin("民和", "630222", "632122", 2013, {HAN: 1, HUI: 3, TU: 2}),
    _Origin("互助", "630223", "632126", 2013, {HAN: 2, TU: 6, TIBETAN: 1}),
    _Origin("化隆", "630224", "632127", 2013, {HUI: 3, TIBETAN: 2, SALAR: 2}),
    _Origin("循化", "630225", "632128", 2013, {SALAR: 8, TIBETAN: 2, HUI: 1}),
    _Origin("门源", "632221", "632221", 0, {HAN: 2, HUI: 4, TU: 1, TIBETAN: 1}),
    _Origin("海晏", "632223", "632223", 0, {MONGOL: 4, TIBETAN: 1, HAN: 1}),
)

_T = TypeVar("_T")


class _Weighted(Generic[_T]):
    """Draws items by relative weight with one rng.random() call."""

    def __init__(self, pairs: Iterable[tuple[_T, float]]) -> None:
        items = [(item, weight) for item, weight in pairs if weight > 0]
        if not items:
            raise ValueError("nothing to draw from")
        self.items = [item for item, _ in items]
        self.cumulative = list(accumulate(weight for _, weight in items))
        self.total = self.cumulative[-1]

    def draw(self, rng: random.Random) -> _T:
        index = bisect(self.cumulative, rng.random() * self.total)
        return self.items[min(index, len(self.items) - 1)]


@dataclass(frozen=True, slots=True)
class DemoPerson:
    name: str
    sex: str  # "M" / "F"
    birth_date: date
    ethnicity: str  # GB 3304 code
    id_number: str
    group_name: str
    household_no: str
    relation: str  # one of RELATIONS


@dataclass(frozen=True)
class _Tables:
    national_surnames: _Weighted[str]
    local_surnames: Mapping[str, _Weighted[str]]
    given: Mapping[tuple[str, str, int], _Weighted[str]]  # (sex, era, length)
    tibetan: Mapping[str, _Weighted[str]]


def _rows(filename: str) -> list[dict[str, str]]:
    with (DATA_DIR / filename).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


@cache
def _tables() -> _Tables:
    national = _Weighted((r["surname"], float(r["share_pct"])) for r in _rows("surnames.csv"))
    local_rows = _rows("surnames_630121.csv")
    local = {
        code: _Weighted(
            (r["surname"], float(r["weight"])) for r in local_rows if r["ethnicity"] == code
        )
        for code in dict.fromkeys(r["ethnicity"] for r in local_rows)
    }
    given_rows = _rows("given_names.csv")
    given: dict[tuple[str, str, int], _Weighted[str]] = {}
    tibetan: dict[str, _Weighted[str]] = {}
    for sex in ("M", "F"):
        tibetan[sex] = _Weighted(
            (r["given"], float(r["weight"]))
            for r in given_rows
            if r["sex"] == sex and r["era"] == "tibetan"
        )
        for era in _SINGLE_GIVEN_SHARE:
            for length in (1, 2):
                given[sex, era, length] = _Weighted(
                    (r["given"], float(r["weight"]))
                    for r in given_rows
                    if r["sex"] == sex and r["era"] == era and len(r["given"]) == length
                )
    return _Tables(national, local, given, tibetan)


@cache
def _origins_for(ethnicity: str) -> _Weighted[_Origin]:
    return _Weighted((o, o.weights.get(ethnicity, o.weights.get("*", 0))) for o in _ORIGINS)


_NUMERALS: Final = "零一二三四五六七八九"


def _chinese_number(n: int) -> str:
    """1..99 in Chinese numerals: 1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十."""
    if not 1 <= n <= 99:
        raise ValueError("1..99 only")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _NUMERALS[tens] + "十")
    return head + (_NUMERALS[ones] if ones else "")


def group_name(number: int, is_community: bool) -> str:
    """``第三村民小组`` / ``第三居民小组``."""
    return f"第{_chinese_number(number)}{'居民' if is_community else '村民'}小组"


def village_ethnic_mix(rng: random.Random) -> dict[str, float]:
    """A village's mix: the county mix pulled towards one group drawn from it, so that
    many villages are mostly Hui or mostly Tu while the county total stays on target."""
    main = _Weighted(COUNTY_ETHNIC_MIX.items()).draw(rng)
    mix = {code: share * (1 - VILLAGE_CLUSTERING) for code, share in COUNTY_ETHNIC_MIX.items()}
    mix[main] += VILLAGE_CLUSTERING
    return mix


def _years(years: float) -> timedelta:
    return timedelta(days=round(years * _DAYS_PER_YEAR))


def _era(birth: date) -> str:
    year = birth.year
    return "1920" if year < 1960 else "1960" if year < 1980 else "1980" if year < 2000 else "2000"


@dataclass
class _Member:
    relation: str
    sex: str
    birth: date
    ethnicity: str
    region: str
    surname: str | None = None  # None: a Tibetan-style name with no surname
    name: str = ""
    children: list[date] = field(default_factory=list)  # births of this member's children


class _VillageBuilder:
    """Builds one village; holds what every household needs."""

    def __init__(
        self,
        village_code: str,
        is_community: bool,
        rng: random.Random,
        *,
        as_of: date,
        mix: Mapping[str, float],
        movers: bool,
        taken: set[str],
    ) -> None:
        self.rng = rng
        self.is_community = is_community
        self.as_of = as_of
        self.home = village_code[:6]
        self.mix = _Weighted(mix.items())
        self.mover_share = _MOVER_SHARE[is_community] if movers else 0.0
        self.married_in_share = _MARRIED_IN_SHARE if movers else 0.0
        self.taken = taken
        self.tables = _tables()
        sizes = _HOUSEHOLD_SIZES_COMMUNITY if is_community else _HOUSEHOLD_SIZES_VILLAGE
        self.sizes = _Weighted(sizes.items())
        self.head_ages = _Weighted(_HEAD_AGE_BANDS)
        self.single_ages = _Weighted(_SINGLE_AGE_BANDS)

    # --- dates ---------------------------------------------------------------------

    def birth_for_age(self, band_start: int, band_years: int = 5) -> date:
        lo = round(band_start * _DAYS_PER_YEAR)
        hi = round((band_start + band_years) * _DAYS_PER_YEAR)
        return self.as_of - timedelta(days=self.rng.randrange(lo, hi))

    def age(self, birth: date) -> float:
        return (self.as_of - birth).days / _DAYS_PER_YEAR

    def between(self, lo: date, hi: date) -> date | None:
        if lo > hi:
            return None
        return lo + timedelta(days=self.rng.randrange((hi - lo).days + 1))

    def child_birth(self, *parents: _Member) -> date | None:
        """Born when the younger parent was 20-38 and the mother at most 42, and at least
        eleven months after or before a sibling (twins aside: same day, about 1 in 50)."""
        younger = max(p.birth for p in parents)
        hi = min(younger + _years(38), self.as_of)
        for p in parents:
            if p.sex == "F":
                hi = min(hi, p.birth + _years(42))
        siblings = [b for p in parents for b in p.children]
        if siblings and self.rng.random() < 0.02:
            return self.rng.choice(siblings)
        for _ in range(12):
            birth = self.between(younger + _years(20), hi)
            if birth is None:
                return None
            if all(abs((birth - b).days) >= 335 for b in siblings):
                return birth
        return None

    # --- who ------------------------------------------------------------------------

    def region(self, birth: date, origin: _Origin | None) -> str:
        """The region code in the ID of someone born on ``birth`` who was first
        registered in ``origin`` (None: here)."""
        if origin is None:
            return self.home
        # IDs keep the code of the first registration: birth, or the first card (1986).
        first_registered = max(birth.year, 1986)
        return origin.code if first_registered >= origin.since else origin.old_code

    def origin_for(self, ethnicity: str) -> _Origin:
        return _origins_for(ethnicity).draw(self.rng)

    def partner_ethnicity(self, ethnicity: str) -> str:
        if self.rng.random() < _ENDOGAMY.get(ethnicity, 0.6):
            return ethnicity
        return self.mix.draw(self.rng)

    def spouse_of(self, person: _Member, relation: str, origin: _Origin | None) -> _Member:
        sex = "F" if person.sex == "M" else "M"
        # The husband is usually a few years older.
        gap = _years(min(10.0, max(-3.0, self.rng.gauss(2.5, 2.5))))
        birth = person.birth + gap if sex == "F" else person.birth - gap
        if birth > self.as_of - _years(20):  # no spouse under the marriage age
            # Spread over a range, not onto one day: 500 sequence codes per day and sex is all
            # an ID number allows, and a real county has no pile of people born on one date.
            birth = self.between(self.as_of - _years(23), self.as_of - _years(20)) or birth
        ethnicity = self.partner_ethnicity(person.ethnicity)
        # Some spouses married in from another county and keep its code; in a household
        # that moved in, most married among their own people (same origin).
        if self.rng.random() < (0.3 if origin is not None else self.married_in_share):
            origin = self.origin_for(ethnicity)
        return _Member(relation, sex, birth, ethnicity, self.region(birth, origin))

    def child_of(
        self,
        relation: str,
        parents: list[_Member],
        origin: _Origin | None,
        *,
        sex: str | None = None,
    ) -> _Member | None:
        birth = self.child_birth(*parents)
        if birth is None:
            return None
        for p in parents:
            p.children.append(birth)
        father = next((p for p in parents if p.sex == "M"), None)
        mother = next((p for p in parents if p.sex == "F"), None)
        ethnicity = parents[0].ethnicity
        if father and mother and father.ethnicity != mother.ethnicity:
            ethnicity = father.ethnicity if self.rng.random() < 0.7 else mother.ethnicity
        sex = sex or ("M" if self.rng.random() < _SON_SHARE else "F")
        # Children of a household that moved in were registered there if born before
        # the move (taken as 8 years ago).
        born_away = origin is not None and birth < self.as_of - _years(8)
        return _Member(
            relation, sex, birth, ethnicity, self.region(birth, origin if born_away else None)
        )

    # --- households -----------------------------------------------------------------

    def household(self, max_size: int) -> list[_Member]:
        rng = self.rng
        size = min(self.sizes.draw(rng), max_size)
        ethnicity = self.mix.draw(rng)
        origin = self.origin_for(ethnicity) if rng.random() < self.mover_share else None
        if size == 1:
            birth = self.birth_for_age(self.single_ages.draw(rng))
            female = 0.6 if self.age(birth) >= 65 else 0.3
        else:
            birth = self.birth_for_age(self.head_ages.draw(rng))
            female = 1 - _MALE_HEAD_SHARE[self.is_community]
        sex = "F" if rng.random() < female else "M"
        head = _Member(HEAD, sex, birth, ethnicity, self.region(birth, origin))
        members = [head]
        head_age = self.age(birth)
        married = size >= 2 and rng.random() < (0.6 if head_age >= 70 else 0.92)
        if married:
            members.append(self.spouse_of(head, SPOUSE, origin))
        couple = list(members)

        # Older heads often live with a married son (or daughter) and grandchildren.
        if size - len(members) >= 2 and head_age >= 52 and rng.random() < 0.65:
            son = rng.random() < 0.8
            child = self.child_of(CHILD, couple, origin, sex="M" if son else "F")
            if child is not None and self.age(child.birth) >= 20:
                in_law = self.spouse_of(child, CHILD_SPOUSE, origin)
                members += [child, in_law]
                while len(members) < size and rng.random() < 0.85:
                    grandchild = self.child_of(GRANDCHILD, [child, in_law], None)
                    if grandchild is None:
                        break
                    members.append(grandchild)
            elif child is not None:
                members.append(child)

        # Younger heads sometimes have a parent (or both) in the household.
        if len(members) < size and head_age <= 50 and rng.random() < 0.2:
            wanted = 2 if size - len(members) >= 2 and rng.random() < 0.5 else 1
            first = "M" if rng.random() < 0.4 else "F"
            for parent_sex in (first, "F" if first == "M" else "M")[:wanted]:
                gap = _years(rng.uniform(20, 35) if parent_sex == "F" else rng.uniform(22, 38))
                parent_birth = head.birth - gap
                if parent_birth < self.as_of - _years(95):
                    parent_birth = (
                        self.between(self.as_of - _years(95), self.as_of - _years(90))
                        or parent_birth
                    )
                if head.birth - parent_birth < _years(20):
                    break
                region = self.region(parent_birth, origin)
                members.append(_Member(PARENT, parent_sex, parent_birth, ethnicity, region))

        while len(members) < size:
            child = self.child_of(CHILD, couple, origin)
            if child is None:  # the head is too young for children of that age
                sibling_birth = self.between(head.birth - _years(8), head.birth + _years(8))
                assert sibling_birth is not None
                sibling_birth = min(sibling_birth, self.as_of)
                sibling_sex = "M" if rng.random() < 0.5 else "F"
                region = self.region(sibling_birth, origin)
                child = _Member(SIBLING, sibling_sex, sibling_birth, ethnicity, region)
            members.append(child)
        self.name_household(members)
        return members

    # --- names ----------------------------------------------------------------------

    def surname(self, ethnicity: str) -> str:
        local = self.tables.local_surnames.get(ethnicity)
        if local is not None and self.rng.random() < _LOCAL_SURNAME_SHARE.get(ethnicity, 0):
            return local.draw(self.rng)
        return self.tables.national_surnames.draw(self.rng)

    def given_name(self, sex: str, birth: date) -> str:
        rng = self.rng
        era = _era(birth)
        if rng.random() < _SINGLE_GIVEN_SHARE[era]:
            return self.tables.given[sex, era, 1].draw(rng)
        doubles = self.tables.given[sex, era, 2]
        if rng.random() < _RECOMBINE_SHARE:
            return doubles.draw(rng)[0] + doubles.draw(rng)[1]
        return doubles.draw(rng)

    def tibetan_name(self, sex: str) -> str:
        names = self.tables.tibetan[sex]
        name = names.draw(self.rng)
        # Most are two two-syllable parts (才让 + 东智); recombine half of them.
        if len(name) == 4 and self.rng.random() < 0.5:
            other = names.draw(self.rng)
            if len(other) == 4 and other[2:] != name[:2]:
                return name[:2] + other[2:]
        return name

    def name_household(self, members: list[_Member]) -> None:
        rng = self.rng
        tibetan_style = rng.random() < _TIBETAN_NAME_SHARE.get(members[0].ethnicity, 0)
        by_relation: dict[str, list[_Member]] = {}
        for m in members:
            by_relation.setdefault(m.relation, []).append(m)

        def surname_for(m: _Member) -> str | None:
            if tibetan_style and m.ethnicity in _TIBETAN_NAME_SHARE:
                return None
            return self.surname(m.ethnicity)

        head = members[0]
        spouse = by_relation.get(SPOUSE, [None])[0]
        head.surname = surname_for(head)
        if spouse is not None:
            spouse.surname = surname_for(spouse)
        # Children carry the father's surname; the head's father shares the head's.
        father = head if head.sex == "M" or spouse is None else spouse
        for m in members[1:]:
            if m.relation in (CHILD, SIBLING) or (m.relation == PARENT and m.sex == "M"):
                m.surname = father.surname if m.relation == CHILD else head.surname
            elif m.relation in (PARENT, CHILD_SPOUSE):
                m.surname = surname_for(m)
        children = by_relation.get(CHILD, [])
        in_laws = by_relation.get(CHILD_SPOUSE, [])
        if children and in_laws:
            son_or_daughter, partner = children[0], in_laws[0]
            grandfather = son_or_daughter if son_or_daughter.sex == "M" else partner
            for m in by_relation.get(GRANDCHILD, []):
                m.surname = grandfather.surname

        used: set[str] = set()
        for m in members:
            for _ in range(5):  # siblings do not share a whole name
                if m.surname is None:
                    name = self.tibetan_name(m.sex)
                else:
                    name = m.surname + self.given_name(m.sex, m.birth)
                if name not in used:
                    break
            m.name = name
            used.add(name)

    # --- IDs ------------------------------------------------------------------------

    def id_number(self, m: _Member) -> str:
        for _ in range(1000):
            number = idcard.generate(m.region, m.birth, m.sex, self.rng.randrange(500))
            if number not in self.taken:
                self.taken.add(number)
                return number
        raise RuntimeError(f"no free ID number left for {m.region} {m.birth} {m.sex}")


def generate_village(
    village_code: str,
    is_community: bool,
    rng: random.Random,
    size: int,
    *,
    as_of: date = AS_OF,
    ethnic_mix: Mapping[str, float] | None = None,
    movers: bool = True,
    taken: set[str] | None = None,
) -> list[DemoPerson]:
    """Exactly ``size`` people of one village (村) or community (社区), household by
    household, in 户号 order, the head first in each.

    Deterministic for the state of ``rng``. IDs are unique within the call; pass the same
    ``taken`` set to every call for a county to keep them unique across villages (it is
    updated). ``ethnic_mix`` overrides the village's mix (default: the county mix, pulled
    towards one group for villages). ``movers=False`` leaves out people who moved or
    married in from neighbouring counties, so every ID carries the village's own county
    code (use with a test-only code where real region codes must not appear).
    """
    if len(village_code) != 12 or not (village_code.isascii() and village_code.isdigit()):
        raise ValueError("village_code must be 12 ASCII digits")
    if size < 0:
        raise ValueError("size must not be negative")
    if ethnic_mix is None:
        ethnic_mix = COUNTY_ETHNIC_MIX if is_community else village_ethnic_mix(rng)
    builder = _VillageBuilder(
        village_code,
        is_community,
        rng,
        as_of=as_of,
        mix=ethnic_mix,
        movers=movers,
        taken=set() if taken is None else taken,
    )
    per_group = 300 if is_community else 150
    groups = max(1, min(12, round(size / per_group)))
    people: list[DemoPerson] = []
    household = 0
    while len(people) < size:
        household += 1
        # Households fill the groups in order, as numbering by group does on the ground.
        group = group_name(len(people) * groups // size + 1, is_community)
        household_no = f"{village_code[6:]}{household:04d}"
        for m in builder.household(size - len(people)):
            people.append(
                DemoPerson(
                    name=m.name,
                    sex=m.sex,
                    birth_date=m.birth,
                    ethnicity=m.ethnicity,
                    id_number=builder.id_number(m),
                    group_name=group,
                    household_no=household_no,
                    relation=m.relation,
                )
            )
    return people


def known_relations(
    household: Sequence[tuple[str, date]], *, as_of: date = AS_OF
) -> dict[int, str]:
    """The relations to the head (the first member) that the rules above leave no doubt about,
    read from each member's sex and birth date alone, in 户号 order: {index: SPOUSE or CHILD}.
    For the demo's people once they are in the database, which keeps no 与户主关系.

    - The second member, of the other sex and born within 15 years of the head, is the spouse:
      that place holds the spouse if there is one, else a child (20+ years younger) or a parent
      (20+ years older); a sibling comes only when no child can be born, never second.
    - When the head was under 52 on ``as_of`` (so no married child and grandchildren were
      added), a member born 15+ years after the younger of the head and the spouse is their
      child: children are born 20+ years after it, and the others are parents (older than the
      head) and siblings (within eight years of the head).

    >>> known_relations([("M", date(1980, 3, 1)), ("F", date(1982, 7, 9)),
    ...                  ("M", date(2005, 1, 2)), ("F", date(1952, 5, 5))])
    {1: '配偶', 2: '子女'}
    >>> known_relations([("M", date(1960, 3, 1)), ("F", date(1962, 7, 9)), ("M", date(1985, 1, 2))])
    {1: '配偶'}
    """
    if not household:
        return {}
    sex, birth = household[0]
    found: dict[int, str] = {}
    younger = birth
    if len(household) > 1:
        other_sex, other_birth = household[1]
        if other_sex != sex and abs((other_birth - birth).days) < _years(15).days:
            found[1] = SPOUSE
            younger = max(birth, other_birth)
    if (as_of - birth).days / _DAYS_PER_YEAR < 52:
        for index, (_, member_birth) in enumerate(household[1:], start=1):
            if index not in found and member_birth >= younger + _years(15):
                found[index] = CHILD
    return found


def people_seed(
    *, county: Region, villages: Sequence[Region], seed: int, scale: float
) -> int | None:
    """Generate and save the people of `villages` (the county's, in code order), about
    ``scale`` times the county's real registered population, deterministic for ``seed``.
    Returns how many were created, or None when the county has people already: they are kept
    as they are, a re-run creates nobody."""
    if Person.objects.filter(region__code__startswith=county.code).exists():
        return None
    rng = random.Random(seed)
    taken: set[str] = set()  # ID numbers must be unique across the county, not only per village
    total = 0
    batch: list[PersonIn] = []
    for village in villages:
        community = village.kind == Region.Kind.COMMUNITY
        # 大通 has about 45万 registered residents over 313 units: communities are larger.
        base = rng.randint(1800, 3600) if community else rng.randint(700, 2200)
        size = max(20, int(base * scale))
        for p in generate_village(village.code, community, rng, size, taken=taken):
            batch.append(
                PersonIn(
                    id_number=p.id_number,
                    name=p.name,
                    sex=p.sex,
                    birth_date=p.birth_date,
                    ethnicity=p.ethnicity,
                    region_code=village.code,
                    group_name=p.group_name,
                    household_no=p.household_no,
                )
            )
        if len(batch) >= 20000:
            total += people_bulk_create(actor=None, people=batch, source="demo")
            batch = []
    if batch:
        total += people_bulk_create(actor=None, people=batch, source="demo")
    return total
