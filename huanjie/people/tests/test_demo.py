"""The synthetic population of 630121: deterministic, plausible, and valid. No database."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import date

import pytest

from huanjie.lib import idcard
from huanjie.people import demo
from huanjie.people.demo import AS_OF, COUNTY_ETHNIC_MIX, DemoPerson, generate_village

NEIGHBOURS = {
    "630102", "630103", "630104", "630105", "630106", "630122", "630123",
    "630202", "630222", "630223", "630224", "630225",
    "632122", "632123", "632126", "632127", "632128", "632221", "632223",
}  # fmt: skip


def plus_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def at_least_years_older(older: DemoPerson, younger: DemoPerson, years: int) -> bool:
    return plus_years(older.birth_date, years) <= younger.birth_date


def county(villages: int, size: int, seed: int = 2026, **options: object) -> list[DemoPerson]:
    """People of ``villages`` villages (every 8th a community) sharing one ID register."""
    rng = random.Random(seed)
    taken: set[str] = set()
    people: list[DemoPerson] = []
    for n in range(villages):
        code = f"630121{100 + n // 20:03d}{200 + n % 20:03d}"
        people += generate_village(code, n % 8 == 0, rng, size, taken=taken, **options)  # type: ignore[arg-type]
    return people


@pytest.fixture(scope="module")
def twenty_thousand() -> list[DemoPerson]:
    return county(40, 500)


def households(people: list[DemoPerson]) -> dict[str, list[DemoPerson]]:
    grouped: dict[str, list[DemoPerson]] = defaultdict(list)
    for p in people:
        grouped[p.household_no].append(p)
    return grouped


def test_it_is_deterministic_for_a_seed() -> None:
    first = generate_village("630121100206", False, random.Random(11), 300)
    assert first == generate_village("630121100206", False, random.Random(11), 300)
    assert first != generate_village("630121100206", False, random.Random(12), 300)


@pytest.mark.parametrize("size", [0, 1, 2, 7, 8, 150, 1001])
def test_it_makes_exactly_the_people_asked_for(size: int) -> None:
    assert len(generate_village("630121100206", False, random.Random(size), size)) == size


def test_ids_are_valid_and_agree_with_the_person(twenty_thousand: list[DemoPerson]) -> None:
    for p in twenty_thousand:
        result = idcard.check(p.id_number, sex=p.sex, on=AS_OF)
        assert result.ok, (p, result.problems)
        assert result.birth_date == p.birth_date


def test_ids_are_unique_across_villages_sharing_a_register(
    twenty_thousand: list[DemoPerson],
) -> None:
    assert len({p.id_number for p in twenty_thousand}) == len(twenty_thousand)


def test_ids_carry_the_county_code_or_a_neighbours(twenty_thousand: list[DemoPerson]) -> None:
    regions = Counter(p.id_number[:6] for p in twenty_thousand)
    assert set(regions) <= {"630121"} | NEIGHBOURS
    assert 0.85 < regions["630121"] / len(twenty_thousand) < 0.98


def test_a_test_only_county_code_can_be_used_for_every_id() -> None:
    people = generate_village("639999100201", False, random.Random(3), 500, movers=False)
    assert {p.id_number[:6] for p in people} == {"639999"}


def test_sexes_are_about_balanced(twenty_thousand: list[DemoPerson]) -> None:
    men = sum(p.sex == "M" for p in twenty_thousand) / len(twenty_thousand)
    assert 0.47 < men < 0.54


def test_ethnic_shares_match_the_county_mix() -> None:
    people = county(40, 500, seed=5, ethnic_mix=COUNTY_ETHNIC_MIX)
    shares = Counter(p.ethnicity for p in people)
    for code, target, tolerance in (
        ("01", 0.585, 0.02),
        ("03", 0.26, 0.02),
        ("30", 0.09, 0.015),
        ("04", 0.045, 0.01),
    ):
        assert abs(shares[code] / len(people) - target) < tolerance, (code, shares[code])


def test_villages_lean_to_one_group_but_the_county_stays_on_target() -> None:
    people = county(200, 100, seed=9)
    shares = Counter(p.ethnicity for p in people)
    assert abs(shares["01"] / len(people) - 0.585) < 0.05
    assert abs(shares["03"] / len(people) - 0.26) < 0.05
    by_village: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for p in people:
        by_village[p.household_no[:6]][p.ethnicity] += 1
    mostly_hui = [v for v in by_village.values() if v["03"] > 0.5 * sum(v.values())]
    assert len(mostly_hui) > 20


def test_ages_form_a_plausible_population(twenty_thousand: list[DemoPerson]) -> None:
    ages = [(AS_OF - p.birth_date).days / 365.2425 for p in twenty_thousand]
    minors = sum(a < 18 for a in ages) / len(ages)
    assert 0.12 < minors < 0.32  # enough for eligibility to matter
    assert 0.05 < sum(a >= 65 for a in ages) / len(ages) < 0.2
    assert max(ages) < 100 and min(ages) >= 0


def test_households_are_coherent(twenty_thousand: list[DemoPerson]) -> None:
    for members in households(twenty_thousand).values():
        head, *others = members
        assert head.relation == "户主"
        assert 1 <= len(members) <= 7
        assert all(m.relation in demo.RELATIONS and m.relation != "户主" for m in others)
        assert len({m.group_name for m in members}) == 1
        by: defaultdict[str, list[DemoPerson]] = defaultdict(list)
        for m in members:
            by[m.relation].append(m)
        assert len(by["配偶"]) <= 1
        parents = [head, *by["配偶"]]
        for spouse in by["配偶"]:
            assert spouse.sex != head.sex
            assert plus_years(spouse.birth_date, 20) <= AS_OF
        for child in by["子女"]:
            assert all(at_least_years_older(p, child, 18) for p in parents), members
        for in_law in by["子女配偶"]:
            assert any(c.sex != in_law.sex for c in by["子女"])
        for grandchild in by["孙子女"]:
            assert any(at_least_years_older(c, grandchild, 18) for c in by["子女"])
            assert all(at_least_years_older(c, grandchild, 18) for c in by["子女配偶"])
        for parent in by["父母"]:
            assert at_least_years_older(parent, head, 18)
        assert len(by["父母"]) <= 2 and len({p.sex for p in by["父母"]}) == len(by["父母"])


def test_children_carry_the_fathers_surname_unless_tibetan_named(
    twenty_thousand: list[DemoPerson],
) -> None:
    checked = 0
    for members in households(twenty_thousand).values():
        head = members[0]
        father = next((m for m in members if m.relation in ("户主", "配偶") and m.sex == "M"), None)
        for child in (m for m in members if m.relation == "子女"):
            if father is not None and father.ethnicity not in ("04", "02") and head.sex == "M":
                assert child.name[0] == father.name[0]
                checked += 1
    assert checked > 1000


def test_names_look_like_names(twenty_thousand: list[DemoPerson]) -> None:
    assert all(2 <= len(p.name) <= 4 for p in twenty_thousand)
    surnames = Counter(p.name[0] for p in twenty_thousand)
    assert surnames.most_common(1)[0][0] in "马李王张"  # 马 leads where a quarter are Hui
    assert surnames["冶"] > 0 and surnames["祁"] > 0
    # Common names recur: 同名同姓 is real and the system must cope with it.
    assert Counter(p.name for p in twenty_thousand).most_common(1)[0][1] > 5


def test_groups_are_numbered_in_chinese() -> None:
    village = generate_village("630121100206", False, random.Random(1), 1200)
    names = list(dict.fromkeys(p.group_name for p in village))
    assert names == [f"第{n}村民小组" for n in "一二三四五六七八"]
    community = generate_village("630121100001", True, random.Random(1), 900)
    assert community[0].group_name == "第一居民小组"
    assert demo.group_name(12, False) == "第十二村民小组"
    assert demo.group_name(20, True) == "第二十居民小组"


def test_village_code_must_be_twelve_digits() -> None:
    with pytest.raises(ValueError):
        generate_village("630121", False, random.Random(1), 10)


def test_siblings_are_twins_or_born_eleven_months_apart(twenty_thousand: list[DemoPerson]) -> None:
    children: dict[str, list[date]] = defaultdict(list)
    for p in twenty_thousand:
        if p.relation == "子女":
            children[p.household_no].append(p.birth_date)
    for births in children.values():
        for i, a in enumerate(births):
            for b in births[i + 1 :]:
                gap = abs((a - b).days)
                assert gap == 0 or gap >= 335, births


def test_the_relations_read_back_from_sex_and_birth_are_the_generated_ones(
    twenty_thousand: list[DemoPerson],
) -> None:
    # The demo command pairs 委托投票 relatives from the database, which keeps no relation.
    found: Counter[str] = Counter()
    for members in households(twenty_thousand).values():
        relations = demo.known_relations([(m.sex, m.birth_date) for m in members])
        for index, relation in relations.items():
            assert members[index].relation == relation, members
            found[relation] += 1
    actual = Counter(p.relation for p in twenty_thousand)
    assert found[demo.SPOUSE] == actual[demo.SPOUSE]  # every spouse is second and found
    assert found[demo.CHILD] > actual[demo.CHILD] / 3
