"""Village or community: which committee a village-level unit elects, read from its registry name.

A 村 elects a 村民委员会 under the 村民委员会组织法; a 社区 elects a 居民委员会 under the 城市居民委员会组织法.
The national register (统计用区划代码) has no field that says which, so this module reads it from
the raw name and, when given, from the code. Article numbers are those of the 2018 texts: the 2025
revisions (in force 2026-01-01) renumber both laws.

Pure Python, no Django. `village_kind` returns a frozen `KindGuess`; `certain` is False when the
rule was a fallback guess or the evidence disagreed. The loader stores that as
`Region.kind_doubtful` so that a county user confirms or corrects the unit: calling a village a
community is no better than the reverse, so a person decides.

>>> village_kind("东门村委会")
KindGuess(kind='village', short_name='东门村', certain=True, reason='名称为村委会')
>>> village_kind("城关社区居民委员会").short_name
'城关社区'
>>> village_kind("巴音牧委会", "630121205201").short_name
'巴音村'
>>> guess = village_kind("一连生活区", "659001100501")
>>> (guess.kind, guess.certain, guess.reason)
('village', False, '名称未说明委员会，按农林场、连队、村等字样推测为村')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

Kind = Literal["village", "community"]
VILLAGE: Final = "village"
COMMUNITY: Final = "community"


@dataclass(frozen=True, slots=True)
class KindGuess:
    kind: Kind
    short_name: str  # the name as people say it: "东门村委会" -> "东门村"
    certain: bool  # False: a fallback guess or conflicting evidence, for a county user to check
    reason: str  # why, in Chinese, shown beside a doubtful unit


# How much a piece of evidence weighs. A committee named in the name, or the code band of a real
# committee, settles the kind; a place word (村, 社区, 嘎查) nearly does; the rest is a guess.
_COMMITTEE: Final = 4
_CODE: Final = 3
_PLACE: Final = 2
_HINT: Final = 1


@dataclass(frozen=True, slots=True)
class _Evidence:
    kind: Kind
    weight: int
    reason: str


# 村民委员会组织法 第二条、第三条: the village's self-government body, elected by the villagers.
_VILLAGE_COMMITTEE = _Evidence(VILLAGE, _COMMITTEE, "名称为村委会")
# 内蒙古自治区实施《村民委员会组织法》办法 第二条: a 嘎查 elects a 嘎查村民委员会.
_GACHA_COMMITTEE = _Evidence(VILLAGE, _COMMITTEE, "名称为嘎查委员会（内蒙古的村民委员会）")
_GACHA = _Evidence(VILLAGE, _PLACE, "名称为嘎查（内蒙古的村）")
# A 牧民委员会 is the 村民委员会 of a pastoral village (青海、西藏、新疆); people call it "…村".
_HERDERS_COMMITTEE = _Evidence(VILLAGE, _COMMITTEE, "名称为牧委会（牧区的村民委员会）")
# 城市居民委员会组织法 第二条、第六条; 第二十一条 extends the law to 居委会 in a 乡镇's seat, so a
# 居委会 in a 镇 is a community all the same.
_RESIDENTS_COMMITTEE = _Evidence(COMMUNITY, _COMMITTEE, "名称为居委会")
# 城市居民委员会组织法 第十九条第二款: a work unit's 家属委员会 "承担居民委员会的工作".
_FAMILY_COMMITTEE = _Evidence(COMMUNITY, _COMMITTEE, "名称为家委会（承担居民委员会工作）")
# Fishermen's and production teams' committees (广东、辽宁、湖北) run rural units, but no law
# names them, so they are only a hint.
_FISHERS_COMMITTEE = _Evidence(VILLAGE, _HINT, "名称为渔委会，法律未明定其类别")
_TEAM_COMMITTEE = _Evidence(VILLAGE, _HINT, "名称为队委会，法律未明定其类别")
# 村民委员会组织法 第九条第二款: the 村民委员会 builds the 农村社区, which stays a village.
_RURAL_COMMUNITY = _Evidence(VILLAGE, _PLACE, "名称为农村社区（由村民委员会建设）")
# Since 2000 a 居民委员会's area is called a 社区 (中办发〔2000〕23号).
_COMMUNITY_PLACE = _Evidence(COMMUNITY, _PLACE, "名称为社区")
_VILLAGE_PLACE = _Evidence(VILLAGE, _PLACE, "名称为村")
# NBS's "类似居委会": like a community, but it has no 居民委员会 of its own.
_LIKE_COMMUNITY = _Evidence(COMMUNITY, _HINT, "名称为类似社区（类似居委会），并非居民委员会")
_NOTE_VILLAGE = _Evidence(VILLAGE, _PLACE, "括号内注明为村")
_NOTE_COMMUNITY = _Evidence(COMMUNITY, _PLACE, "括号内注明为社区")
_HINT_VILLAGE = _Evidence(VILLAGE, _HINT, "名称未说明委员会，按农林场、连队、村等字样推测为村")
_HINT_COMMUNITY = _Evidence(
    COMMUNITY, _HINT, "名称未说明委员会，按街道、园区、厂矿等字样推测为社区"
)

# The code band of the last three digits. NBS's coding rule: 001-199 a 居民委员会, 200-399 a
# 村民委员会. The 2023 file puts "类似居委会" units (虚拟社区, zones) in 400-499 and "类似村委会"
# ones (兵团 and farm 生活区) in 500-599: like one kind, without its committee.
_CODE_COMMUNITY = _Evidence(COMMUNITY, _CODE, "区划代码001–199段为居委会")
_CODE_VILLAGE = _Evidence(VILLAGE, _CODE, "区划代码200–399段为村委会")
_CODE_LIKE_COMMUNITY = _Evidence(COMMUNITY, _HINT, "区划代码400–499段为类似居委会")
_CODE_LIKE_VILLAGE = _Evidence(VILLAGE, _HINT, "区划代码500–599段为类似村委会")

_NO_EVIDENCE_REASON: Final = "无法从名称判断，暂按村处理"
_VIRTUAL: Final = "统计用虚拟单位，可能并无村（居）民委员会"
_BOTH_KINDS: Final = "名称同时提到村和社区（居委会）"
_AFTER_COMMITTEE: Final = "名称在委员会之后还有其他文字"
_NO_PLACE: Final = "名称只有委员会，没有地名"

# The committee a name ends with, the register's typos included ("村民委会", "村民员委会",
# "居委员会", "社区居会", "村委会会"...). The groups say whose committee; the tail is any run of
# 委/员/会/管理. The leftmost place where such a tail runs to the end wins, so "东沟社区村民委员会"
# reads as a 村民委员会 and "彭村居委会" as a 居委会.
_TAIL = r"[委员会管理]{1,6}"
_COMMITTEE_WORD = (
    r"(?:"
    rf"(?P<cun>村[村民名和]{{0,2}}){_TAIL}"
    rf"|(?P<gacha>嘎查村?民?){_TAIL}"
    r"|(?P<mu>牧民?)委[员会]{0,3}"
    rf"|(?P<shequ>社区[居民名]{{0,3}}){_TAIL}"
    rf"|(?P<ju>居[民名]{{0,2}}){_TAIL}"
    r"|(?P<jia>家属?)委[员会]{0,3}"
    r"|(?P<yu>渔民?)委[员会]{0,3}"
    r"|(?P<dui>队)委[员会]{0,3}"
    r")"
)
_COMMITTEE_AT_END: Final = re.compile(_COMMITTEE_WORD + "$")
_COMMITTEE_ANYWHERE: Final = re.compile(_COMMITTEE_WORD)
_WHO: Final[dict[str, _Evidence]] = {
    "cun": _VILLAGE_COMMITTEE,
    "gacha": _GACHA_COMMITTEE,
    "mu": _HERDERS_COMMITTEE,
    "shequ": _RESIDENTS_COMMITTEE,
    "ju": _RESIDENTS_COMMITTEE,
    "jia": _FAMILY_COMMITTEE,
    "yu": _FISHERS_COMMITTEE,
    "dui": _TEAM_COMMITTEE,
}

# Committee words of each kind, to notice a name that names both ("额很乌苏村委会社区").
_VILLAGE_WORDS: Final = re.compile(r"村委|村民委|嘎查委")
_COMMUNITY_WORDS: Final = re.compile(r"居委|居民委")

# Hints for names with neither a committee nor a place word (生活区, 管理区, 生产队, 连队...); the
# rightmost hint wins, and it stays a guess. Farms, 兵团 companies and production teams are rural,
# but a state farm is a state enterprise, whose staff the 村民委员会组织法 第三十八条 keeps out of
# the 村民委员会. Zones, factories, mines, prisons and schools house urban residents, whose family
# quarters the 城市居民委员会组织法 第十九条 organises like a community.
_VILLAGE_HINTS: Final = re.compile(
    r"村|嘎查|屯|(?:农|林|牧|渔|茶|果|菜|园艺|花卉|水产|原种|良种|种畜|羊|马|牛|猪|鱼)场"
    r"|分场|场部|场直|总场|农垦|垦区|苗圃|农业园|合作社|连|队|农|林|牧"
)
_COMMUNITY_HINTS: Final = re.compile(
    r"社区|居|街道|街|小区|园区|开发区|工业|新区|新城|科技城|保税|公司|集团|厂|矿|监狱|大学"
    r"|学院|学校|医院|家属|城"
)

# Trailing notes that only restate a kind or a status; the short name drops them.
_STATUS_NOTES: Final = frozenset(
    {"社区", "农村社区", "村委会", "居委会", "特殊社区", "特殊村委会", "省级", "虚拟"}
)
_BRACKETED: Final = re.compile(r"（[^（）]*）")


def village_kind(raw_name: str, code: str = "") -> KindGuess:
    """Classify one village-level unit from its registry name and, if given, its 12-digit code.

    Every non-empty name gets a kind and a non-empty short name. Raises ValueError on an empty one.
    """
    name = _normalise(raw_name)
    if not name:
        raise ValueError("村级单位名称为空")
    doubts: list[str] = []
    if "（" in name:
        body, notes = _split_notes(name)
        evidence, short = _read_name(body, doubts)
        evidence = _read_notes(evidence, body, notes, doubts)
    else:
        body, notes = name, []
        evidence, short = _read_name(body, doubts)
    if evidence is not None:
        other = _COMMUNITY_WORDS if evidence.kind == VILLAGE else _VILLAGE_WORDS
        if other.search(body):
            doubts.append(_BOTH_KINDS)
    if "虚拟" in name:
        # NBS keeps 虚拟 units to count the people of a farm or a zone that has no committee:
        # nobody is elected there unless the county decides otherwise.
        doubts.append(_VIRTUAL)
    kind, certain, reason = _weigh(evidence, _read_code(code), doubts)
    short_name = _with_notes(short or body, notes) if notes else short or body
    return KindGuess(kind, short_name or name, certain, reason)


def _normalise(raw: str) -> str:
    name = "".join(raw.split())  # spaces, U+3000 included, are never part of a name
    if "(" in name or ")" in name:
        name = name.replace("(", "（").replace(")", "）")
    return name


def _split_notes(name: str) -> tuple[str, list[str]]:
    """Split trailing bracketed notes off: "迎新村委会（合隆经济开发区）（省级）" -> body, 2 notes.

    A stray closing bracket ("（筹备组））") is dropped; a name that is all one bracket
    ("（高家坪村委会）") is its own body.
    """
    notes: list[str] = []
    body = name
    while body.endswith("）"):
        depth, start = 0, -1
        for i in range(len(body) - 1, -1, -1):
            if body[i] == "）":
                depth += 1
            elif body[i] == "（":
                depth -= 1
                if depth == 0:
                    start = i
                    break
        if start < 0:
            body = body[:-1]
            continue
        notes.insert(0, body[start + 1 : -1])
        body = body[:start]
    if not body and notes:
        body = notes.pop(0)
    return body, notes


def _read_name(body: str, doubts: list[str]) -> tuple[_Evidence | None, str]:
    """The evidence a name's body gives, and its short name ("" to keep the body as it is)."""
    found = _committee_at_end(body, doubts)
    if found is not None:
        return found
    if body.endswith("农村社区"):
        return _RURAL_COMMUNITY, ""
    if body.endswith("嘎查"):
        return _GACHA, ""
    if body.endswith("类似社区") or "类似居委会" in body:
        return _LIKE_COMMUNITY, ""
    if body.endswith("社区"):
        return _COMMUNITY_PLACE, ""
    if body.endswith("村"):
        return _VILLAGE_PLACE, ""
    inside = None
    for inside in _COMMITTEE_ANYWHERE.finditer(body):  # noqa: B007 - the last one is wanted
        pass
    if inside is not None and inside.lastgroup:
        # "刘家畔村委会一", "鹿庄粮棉原种场村委会虚拟生活区": a committee, then stray words.
        doubts.append(_AFTER_COMMITTEE)
        return _WHO[inside.lastgroup], ""
    return _hint(body), ""


def _committee_at_end(body: str, doubts: list[str]) -> tuple[_Evidence, str] | None:
    match = _COMMITTEE_AT_END.search(body)
    if match is None and "（" in body:
        body = _BRACKETED.sub("", body)  # "扎玛村（一村）委会", "郭庄村（居）委会"
        match = _COMMITTEE_AT_END.search(body)
    if match is None or match.lastgroup is None:
        return None
    who = match.lastgroup
    evidence = _WHO[who]
    stem = body[: match.start()]
    if not stem:
        # A unit named just "居委会" or "牧委会": which kind is clear, which place is not.
        doubts.append(_NO_PLACE)
        return evidence, body
    if who == "cun":
        return evidence, stem if stem.endswith(("社区", "嘎查")) else f"{stem}村"
    if who == "gacha":
        return evidence, f"{stem}嘎查"
    if who == "mu":
        return evidence, stem if stem.endswith("村") else f"{stem}村"
    if who in ("shequ", "ju"):
        return evidence, stem if stem.endswith("社区") else f"{stem}社区"
    return evidence, body  # 家委会, 渔委会, 队委会 are called by their full name


def _read_notes(
    evidence: _Evidence | None, body: str, notes: list[str], doubts: list[str]
) -> _Evidence | None:
    """Weigh what the brackets say: "园艺场（特殊村委会）", "卢湾村委会（长阳社区）"."""
    inner = [note[1:-1] for note in _BRACKETED.findall(body)]
    said = {kind for note in notes + inner if (kind := _note_kind(note)) is not None}
    if (evidence is None or evidence.weight < _PLACE) and len(said) == 1:
        return _NOTE_VILLAGE if VILLAGE in said else _NOTE_COMMUNITY
    if evidence is not None and said - {evidence.kind}:
        doubts.append(_BOTH_KINDS)
    return evidence


def _note_kind(note: str) -> Kind | None:
    if note.endswith(("村", "农村社区")) or _VILLAGE_WORDS.search(note):
        return VILLAGE
    if note.endswith("社区") or note == "居" or _COMMUNITY_WORDS.search(note):
        return COMMUNITY
    return None


def _hint(body: str) -> _Evidence | None:
    village = max((m.end() for m in _VILLAGE_HINTS.finditer(body)), default=-1)
    community = max((m.end() for m in _COMMUNITY_HINTS.finditer(body)), default=-1)
    if village < 0 and community < 0:
        return None
    return _HINT_COMMUNITY if community > village else _HINT_VILLAGE


def _read_code(code: str) -> _Evidence | None:
    if len(code) != 12 or not code.isdigit():
        return None
    band = int(code[9:])
    if band < 1 or band > 599:
        return None
    if band < 200:
        return _CODE_COMMUNITY
    if band < 400:
        return _CODE_VILLAGE
    return _CODE_LIKE_COMMUNITY if band < 500 else _CODE_LIKE_VILLAGE


def _weigh(
    name: _Evidence | None, code: _Evidence | None, doubts: list[str]
) -> tuple[Kind, bool, str]:
    if name is None and code is None:
        # Nothing to go on: outside the cities the 村民委员会 is the rule; a person checks.
        return VILLAGE, False, "；".join([_NO_EVIDENCE_REASON, *doubts])
    if name is None or code is None or name.kind == code.kind:
        first = name or code
        assert first is not None
        weight = max(first.weight, code.weight if code else 0)
        certain = weight >= _PLACE and not doubts
        return first.kind, certain, "；".join([first.reason, *doubts]) if doubts else first.reason
    # The name and the code disagree. A committee named in the name outweighs the code band (it is
    # what the unit calls its committee); the band of a real committee outweighs a place word.
    stronger = name if name.weight >= code.weight else code
    return stronger.kind, False, "；".join([f"{name.reason}，但{code.reason}", *doubts])


def _with_notes(short: str, notes: list[str]) -> str:
    return short + "".join(f"（{note}）" for note in notes if note and note not in _STATUS_NOTES)
