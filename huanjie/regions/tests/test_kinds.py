"""The kind rule (村 or 社区) over examples of every name tail, and over the whole national file."""

from __future__ import annotations

import csv
import gzip
from collections import Counter

import pytest

from huanjie.regions.kinds import COMMUNITY, VILLAGE, KindGuess, village_kind
from huanjie.regions.services import DATA_DIR

# name, code ("" for none), kind, short name, certain
EXAMPLES: list[tuple[str, str, str, str, bool]] = [
    # The big four tails: the committee is named (组织法 of each kind).
    ("东门村委会", "630121101205", VILLAGE, "东门村", True),
    ("侯黄庄村村民委员会", "", VILLAGE, "侯黄庄村", True),
    ("人民路南居委会", "630121100001", COMMUNITY, "人民路南社区", True),
    ("城关社区居民委员会", "", COMMUNITY, "城关社区", True),
    ("多福巷社区居委会", "110101001001", COMMUNITY, "多福巷社区", True),
    ("新村村委会", "", VILLAGE, "新村", True),
    # The committee decides, not the place word before it.
    ("东沟社区村民委员会", "", VILLAGE, "东沟社区", True),
    ("彭村居委会", "", COMMUNITY, "彭村社区", True),
    ("沿村居民委员会", "", COMMUNITY, "沿村社区", True),
    ("安居村委会", "", VILLAGE, "安居村", True),
    ("第四居居委会", "", COMMUNITY, "第四居社区", True),
    ("金岗湾社区社区居民委员会", "", COMMUNITY, "金岗湾社区", True),
    # Bare place words.
    ("右安门村", "110106001201", VILLAGE, "右安门村", True),
    ("翠林一里社区", "110106001001", COMMUNITY, "翠林一里社区", True),
    ("竹木町农村社区", "431122106238", VILLAGE, "竹木町农村社区", True),
    # Inner Mongolia's 嘎查 and the pastoral 牧委会 are villages.
    ("卜尔汉图嘎查", "150203102211", VILLAGE, "卜尔汉图嘎查", True),
    ("斯布扣嘎查村委员会", "", VILLAGE, "斯布扣嘎查", True),
    ("兴华嘎查委会", "", VILLAGE, "兴华嘎查", True),
    ("巴音牧委会", "630121205201", VILLAGE, "巴音村", True),
    ("峨堡村牧民委员会", "", VILLAGE, "峨堡村", True),
    # A work unit's 家属委员会 does a 居民委员会's work.
    ("市第一医院家委会", "", COMMUNITY, "市第一医院家委会", True),
    # The register's typos.
    ("三黄宝村村民委会", "", VILLAGE, "三黄宝村", True),
    ("邰庄村民员委会", "", VILLAGE, "邰庄村", True),
    ("韶山市清溪镇花园村村民委员会会", "", VILLAGE, "韶山市清溪镇花园村", True),
    ("青阳社区居委员会", "", COMMUNITY, "青阳社区", True),
    ("孙蒿科社区居会", "", COMMUNITY, "孙蒿科社区", True),
    ("忽鸡沟村委", "", VILLAGE, "忽鸡沟村", True),
    ("天鹅湾社区委员会", "", COMMUNITY, "天鹅湾社区", True),
    # Brackets: kept inside a name, dropped when they only restate the kind or a status.
    ("五三（1）社区居民委员会", "", COMMUNITY, "五三（1）社区", True),
    ("小(氵甸)村委会", "", VILLAGE, "小（氵甸）村", True),
    ("扎玛村（一村）委会", "", VILLAGE, "扎玛村", True),
    ("碧溪村民委员会（农村社区）", "", VILLAGE, "碧溪村", True),
    ("乌龙巷居委会（社区）", "", COMMUNITY, "乌龙巷社区", True),
    ("迎新村委会（合隆经济开发区）（省级）", "", VILLAGE, "迎新村（合隆经济开发区）", True),
    ("虎山院社区居委会（筹备组））", "", COMMUNITY, "虎山院社区（筹备组）", True),
    ("（高家坪村委会）", "", VILLAGE, "高家坪村", True),
    ("园艺场（特殊村委会）", "220112001203", VILLAGE, "园艺场", True),
    # A name that names both kinds is doubtful.
    (
        "东青社区居委会（含东青村村委）",
        "320402109002",
        COMMUNITY,
        "东青社区（含东青村村委）",
        False,
    ),
    ("郭庄村（居）委会", "321023100215", VILLAGE, "郭庄村", False),
    ("卢湾村委会（长阳社区）", "420704103208", VILLAGE, "卢湾村（长阳社区）", False),
    # Name and code disagree: doubtful, the stronger evidence wins.
    ("赵岗社区村民委员会", "340122100035", VILLAGE, "赵岗社区", False),
    ("巴润宝拉格嘎查社区", "152524100200", VILLAGE, "巴润宝拉格嘎查社区", False),
    ("西街村居民委员会", "130523100202", COMMUNITY, "西街村社区", False),
    # No committee in the name: a guess from farm or zone words, and from the code band.
    ("一连生活区", "659001100501", VILLAGE, "一连生活区", False),
    ("红旗农场望哈管理区", "230183500500", VILLAGE, "红旗农场望哈管理区", False),
    ("香炉山生产队", "", VILLAGE, "香炉山生产队", False),
    ("三坪一连队", "", VILLAGE, "三坪一连队", False),
    (
        "河北冀州高新技术产业开发区南管理区",
        "131103401400",
        COMMUNITY,
        "河北冀州高新技术产业开发区南管理区",
        False,
    ),
    ("医药园区类似社区", "140271400400", COMMUNITY, "医药园区类似社区", False),
    ("八连生活区", "654026516207", VILLAGE, "八连生活区", True),  # code band 200-399: a 村委会
    ("大澳渔委会", "", VILLAGE, "大澳渔委会", False),
    ("金门县", "350527000000", VILLAGE, "金门县", False),
    # 虚拟 units count people where no committee exists: always doubtful.
    ("北京经济技术开发区虚拟社区", "110115403498", COMMUNITY, "北京经济技术开发区虚拟社区", False),
    ("红旗农场虚拟生活区", "120113500598", VILLAGE, "红旗农场虚拟生活区", False),
    # Stray words after the committee.
    ("刘家畔村委会一", "", VILLAGE, "刘家畔村委会一", False),
    ("类似居委会西区", "", COMMUNITY, "类似居委会西区", False),
    # A bare committee names no place.
    ("居委会", "130209403002", COMMUNITY, "居委会", False),
]


@pytest.mark.parametrize(("name", "code", "kind", "short_name", "certain"), EXAMPLES)
def test_each_tail_gives_the_kind_and_the_short_name(
    name: str, code: str, kind: str, short_name: str, certain: bool
) -> None:
    guess = village_kind(name, code)
    assert (guess.kind, guess.short_name, guess.certain) == (kind, short_name, certain)
    assert guess.reason


def test_a_doubtful_unit_says_why() -> None:
    guess = village_kind("赵岗社区村民委员会", "340122100035")
    assert guess.reason == "名称为村委会，但区划代码001–199段为居委会"


def test_spaces_are_not_part_of_a_name() -> None:
    assert village_kind(" 东门 村委会\u3000") == village_kind("东门村委会")


def test_an_empty_name_is_refused() -> None:
    with pytest.raises(ValueError, match="名称为空"):
        village_kind(" ")


@pytest.fixture(scope="module")
def national() -> list[tuple[str, str, KindGuess]]:
    """Every village-level unit of the national file in the repository: code, name, guess."""
    with gzip.open(DATA_DIR / "villages.csv.gz", "rt", encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        next(rows)
        return [(row[0], row[1], village_kind(row[1], row[0])) for row in rows]


def test_every_unit_of_the_national_file_classifies(
    national: list[tuple[str, str, KindGuess]],
) -> None:
    units = national
    assert len(units) == 620_573
    assert all(guess.short_name for _, _, guess in units)
    kinds = Counter((guess.kind, guess.certain) for _, _, guess in units)
    # Certain villages: 456,418 named 村委会 or 村民委员会 (typos included), 27,635 bare 村,
    # 2,841 嘎查, 150 牧委会, 12 农村社区, and 194 vaguer names settled by a bracket or by the
    # code band 200-399 (渔委会, 生产队 of state farms).
    assert kinds[VILLAGE, True] == 487_250
    # Certain communities: 105,831 named 居委会 or 居民委员会, 20,368 bare 社区, 63 家委会, and 16
    # named by a bracket or settled by the code band (001-199).
    assert kinds[COMMUNITY, True] == 126_278
    # Doubtful villages: 5,181 farm, 兵团 and team units (生活区, 管理区, 生产队, 连队) guessed from
    # their words and 491 more from the "类似村委会" code band 500-599 alone, 218 村委会 names that
    # their code band or a bracket contradicts, 114 bare 社区 or 街 names in the 村委会 band, 3 odd.
    assert kinds[VILLAGE, False] == 6_007
    # Doubtful communities: 762 社区 (756 of them 虚拟社区), 172 zone and factory units, 80 居委会
    # names that their code band or a bracket contradicts, 16 类似社区, 8 odd.
    assert kinds[COMMUNITY, False] == 1_038
    assert kinds[VILLAGE, True] + kinds[VILLAGE, False] == 493_257
    assert kinds[COMMUNITY, True] + kinds[COMMUNITY, False] == 127_316


def test_the_demo_county_has_289_villages_and_24_communities(
    national: list[tuple[str, str, KindGuess]],
) -> None:
    units = [(name, guess) for code, name, guess in national if code.startswith("630121")]
    kinds = Counter(guess.kind for _, guess in units)
    assert kinds == {VILLAGE: 289, COMMUNITY: 24}
    tails = Counter(name[-3:] for name, guess in units if guess.kind == VILLAGE)
    assert tails == {"村委会": 288, "牧委会": 1}
    assert all(guess.certain for _, guess in units)


def test_the_city_of_seed_003_has_176_villages_and_45_communities(
    national: list[tuple[str, str, KindGuess]],
) -> None:
    kinds = Counter(guess.kind for code, _, guess in national if code.startswith("330483"))
    assert kinds == {VILLAGE: 176, COMMUNITY: 45}
