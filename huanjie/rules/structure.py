"""Structure checks (班子结构) of a village's new bodies, and of a county's villages together.

A check is the law's ("law": an error, the roster breaks 村民委员会组织法 or 城市居民委员会组织法) or
the campaign's policy ("policy": a warning, seed 003's 市委工作意见 or the national plan's target),
or a doubt the roster cannot settle ("doubtful": two members of one household, an unknown sex or
age where it decides). Each `Finding` names the people and their posts and cites its source.

The campaign may narrow what the law allows (a committee of 5 to 7 where the law says 3 to 7) but
never widen it: a committee outside the law's bounds is always a "law" finding.

"Cadres" (村干部) are the distinct people on the Party organisation, the villagers' (residents')
committee and the cooperative's management; the supervision committee and the cooperative's
supervisory board are on the roster for the exclusions only. A 大学生村官 is a cadre (a woman,
someone young) but takes no post (seed 003: "大学生村官进班子后不占职数"), so the post count
leaves them out.

>>> m = [
...     Member("1", "马成林", "party", "secretary", sex="M", age=48),
...     Member("1", "马成林", "villagers", "director", sex="M", age=48),
...     Member("2", "祁玉兰", "villagers", "woman_member", sex="F", age=33),
...     Member("3", "韩军", "villagers", "member", sex="M", age=40),
... ]
>>> [f.code for f in check_village(m, [], Settings(), has_previous=False)]
[]
>>> f = check_village(m, [KinPair("2", "3", "配偶")], Settings(), has_previous=False)[0]
>>> f.code, f.severity, f.message
('kin_committee', 'law', '祁玉兰（村民委员会妇女委员）与韩军（村民委员会委员）为近亲属（配偶）')
>>> village_summary(m, Settings())
VillageSummary(heads=1, young_heads=0, heads_age_unknown=0, dual_role=True)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Final

from huanjie.rules.errors import RulesError
from huanjie.rules.messages import POST_NAMES

LAW: Final = "law"
POLICY: Final = "policy"
DOUBTFUL: Final = "doubtful"
SEVERITY_NAMES: Final = {LAW: "违反法律", POLICY: "不符合换届要求", DOUBTFUL: "待核实"}

# The bodies whose members are 村干部, and those on the roster for the exclusions only.
PARTY: Final = "party"
VILLAGERS: Final = "villagers"
RESIDENTS: Final = "residents"
SUPERVISION: Final = "supervision"
COOPERATIVE: Final = "cooperative"
COOPERATIVE_SUPERVISION: Final = "cooperative_supervision"
COMMITTEES: Final = (VILLAGERS, RESIDENTS)
CADRE_BODIES: Final = frozenset({PARTY, VILLAGERS, RESIDENTS, COOPERATIVE})

BODY_NAMES: Final = {
    PARTY: "村党组织",
    VILLAGERS: "村民委员会",
    RESIDENTS: "居民委员会",
    SUPERVISION: "村务监督委员会",
    COOPERATIVE: "经济合作社管委会",
    COOPERATIVE_SUPERVISION: "经济合作社监事会",
}
# 城市居民委员会组织法(2025) 第三十六条 names the residents' supervision body 居务监督委员会.
RESIDENTS_SUPERVISION_NAME: Final = "居务监督委员会"

# The sources, cited once. Seed 003 is a city's summary of its 2020 村级组织换届 (桐乡市, 嘉兴,
# 浙江) quoting its 市委工作意见; its figures are this system's defaults, which a campaign may change.
SEED_003: Final = "换届工作意见（默认值取自桐乡市村级组织换届工作要求）"
VC_SIZE: Final = "村民委员会组织法(2025) 第八条（2018年文本 第六条）"
RC_SIZE: Final = "城市居民委员会组织法(2025) 第八条（2018年文本 第七条）"
VC_KIN: Final = "村民委员会组织法(2025) 第八条；近亲属：民法典 第一千零四十五条"
RC_KIN: Final = "城市居民委员会组织法(2025) 第八条；近亲属：民法典 第一千零四十五条"
VC_SUPERVISION: Final = "村民委员会组织法(2025) 第三十七条（2018年文本 第三十二条）"
RC_SUPERVISION: Final = "城市居民委员会组织法(2025) 第三十六条"
DUAL_ROLE_PLAN: Final = (
    "中共中央 国务院《乡村振兴战略规划（2018－2022年）》"
    "主要指标“村党组织书记兼任村委会主任的村占比”2022年目标值50%"
)

# The law's bounds of a committee's size, which no campaign may widen.
LAW_SIZES: Final = {VILLAGERS: (3, 7), RESIDENTS: (5, 9)}  # RULES.md V1, C1

# Each check: its title (what the page's filter and counts call it).
CHECKS: Final = {
    "cadres_over_max": "村干部职数超过上限",
    "cadres_over_usual": "村干部职数多于常设职数",
    "cadres_under": "村干部职数不足",
    "women_cadres": "缺少女干部",
    "young_cadres": "缺少35岁以下干部",
    "men_over_age_new": "男性超龄新进班子",
    "committee_size": "委员会成员人数",
    "committee_woman": "委员会缺少妇女成员",
    "kin_committee": "委员会成员近亲属回避",
    "kin_supervision": "委员会成员近亲属任监督委员会成员",
    "committee_supervision": "委员会成员兼任监督委员会成员",
    "coop_supervision_board": "社管会成员兼任社监会成员",
    "coop_supervision_committee": "社管会成员兼任村务监督委员会成员",
    "possible_kin": "同户成员可能为近亲属",
    "young_heads_share": "35岁以下主要负责人比例",
    "dual_role_share": "书记、主任一肩挑比例",
}

MESSAGES: Final = {
    "cadres_over_max": "村干部（不含大学生村官）{n}人，超过{most}名",
    "cadres_over_usual": "村干部（不含大学生村官）{n}人，多于{least}至{usual}名",
    "cadres_under": "村干部（不含大学生村官）仅{n}人，少于{least}名",
    "women_cadres": "女干部{n}人，少于{least}名",
    "women_unknown": "女干部{n}人，少于{least}名；另有{unknown}人性别不详，请核实",
    "young_cadres": "35岁以下干部{n}人，少于{least}名",
    "young_unknown": "35岁以下干部{n}人，少于{least}名；另有{unknown}人年龄不详，请核实",
    "men_over_age_new": "{age}岁以上的男性新进班子：{people}",
    "committee_under_law": "{body}成员{n}人，少于法定的{least}人",
    "committee_over_law": "{body}成员{n}人，多于法定的{most}人",
    "committee_under": "{body}成员{n}人，少于本次换届要求的{least}人",
    "committee_over": "{body}成员{n}人，多于本次换届要求的{most}人",
    "committee_woman": "{body}成员中没有妇女",
    "committee_woman_unknown": "{body}成员中没有登记为女性的成员（{unknown}人性别不详），请核实",
    "kin": "{a}与{b}为近亲属（{relation}）",
    "same_person": "{name}同时任{posts}",
    "possible_kin": "{a}与{b}同户，可能为近亲属，请核实并登记",
    "young_heads_share": "35岁以下村主要负责人{n}人，占{share}%，低于{target}%",
    "young_heads_unknown": (
        "35岁以下村主要负责人{n}人，占{share}%，低于{target}%；另有{unknown}人年龄不详，请核实"
    ),
    "dual_role_share": "书记、主任一肩挑的村{n}个，占{share}%，低于{target}%",
}


class SettingsError(RulesError):
    """Structure settings the engine refuses; `messages` lists each problem in Chinese."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("；".join(messages))
        self.messages = tuple(messages)


@dataclass(frozen=True)
class Settings:
    """What a campaign requires of its villages' bodies; the defaults are seed 003's and the
    law's. Committee sizes may be narrowed within the law's bounds (LAW_SIZES), never widened."""

    # seed 003: "村干部职数为3-5名、不得超过7名" (大学生村官 not counted: "进班子后不占职数").
    cadres_min: int = 3
    cadres_usual_max: int = 5
    cadres_max: int = 7
    # seed 003: "每村至少有1名35岁以下干部和1名女干部".
    women_min: int = 1
    young_min: int = 1
    # seed 003 "35岁以下": at most this age (刑法 第九十九条: 以下包括本数).
    young_age: int = 35
    # seed 003: "男55岁以上原则上不再进班子": a man of this age or older, not on the village's
    # previous-term roster (刑法 第九十九条: 以上包括本数, as "35岁以下" includes 35).
    men_joining_age: int = 55
    # 村民委员会组织法(2025) 第八条: "由主任、副主任和委员共三至七人组成" (RULES.md V1).
    villagers_min: int = 3
    villagers_max: int = 7
    # 城市居民委员会组织法(2025) 第八条: "五至九人" (RULES.md C1).
    residents_min: int = 5
    residents_max: int = 9
    # seed 003: "35岁以下村主要负责人达到10%以上" (county level; percent of the heads).
    young_heads_share: int = 10
    # 中共中央 国务院《乡村振兴战略规划（2018－2022年）》 indicator "村党组织书记兼任村委会主任的村
    # 占比", 2022 target 50% (county level; percent of the villages).
    dual_role_share: int = 50
    # seed 003: "社管会成员与社监会、村务监督委员会成员不得交叉任职".
    cooperative_exclusions: bool = True

    def as_values(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> Settings:
        """Settings from stored or typed values (missing keys take the defaults); raises
        SettingsError naming every field that is wrong."""
        problems = settings_problems(values)
        if problems:
            raise SettingsError(problems)
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})


# Each setting: its label, and the range a campaign may set (the law's bounds for committees).
SETTING_FIELDS: Final[dict[str, tuple[str, int, int]]] = {
    "cadres_min": ("村干部职数下限", 1, 30),
    "cadres_usual_max": ("村干部常设职数上限", 1, 30),
    "cadres_max": ("村干部职数上限", 1, 30),
    "women_min": ("每村女干部至少", 0, 30),
    "young_min": ("每村35岁以下干部至少", 0, 30),
    "young_age": ("年轻干部年龄（含本数）", 18, 60),
    "men_joining_age": ("男性新进班子年龄（达到即提示）", 30, 80),
    "villagers_min": ("村民委员会成员至少", 3, 7),
    "villagers_max": ("村民委员会成员至多", 3, 7),
    "residents_min": ("居民委员会成员至少", 5, 9),
    "residents_max": ("居民委员会成员至多", 5, 9),
    "young_heads_share": ("35岁以下主要负责人比例（%）", 0, 100),
    "dual_role_share": ("一肩挑的村比例目标（%）", 0, 100),
}
BOOL_FIELDS: Final = {"cooperative_exclusions": "社管会与社监会、村务监督委员会成员不得交叉任职"}
# Pairs that must be ordered: (lower, higher).
ORDERED: Final = (
    ("cadres_min", "cadres_usual_max"),
    ("cadres_usual_max", "cadres_max"),
    ("villagers_min", "villagers_max"),
    ("residents_min", "residents_max"),
)
SETTING_MESSAGES: Final = {
    "unknown": "未知的设置项“{key}”",
    "int": "{label}：须为{least}至{most}之间的整数",
    "bool": "{label}：须为是或否",
    "order": "{low}（{a}）不能大于{high}（{b}）",
}


def settings_problems(values: Mapping[str, Any]) -> list[str]:
    """Every problem of `values` as settings, in Chinese; empty when they are sound.

    >>> settings_problems({"young_heads_share": 120, "villagers_max": 8})
    ['村民委员会成员至多：须为3至7之间的整数', '35岁以下主要负责人比例（%）：须为0至100之间的整数']
    >>> settings_problems({"cadres_min": 6})
    ['村干部职数下限（6）不能大于村干部常设职数上限（5）']
    """
    problems: list[str] = []
    for key in values:
        if key not in SETTING_FIELDS and key not in BOOL_FIELDS:
            problems.append(SETTING_MESSAGES["unknown"].format(key=str(key)[:40]))
    for key, (label, least, most) in SETTING_FIELDS.items():
        if key not in values:
            continue
        value = values[key]
        if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= most:
            problems.append(SETTING_MESSAGES["int"].format(label=label, least=least, most=most))
    for key, label in BOOL_FIELDS.items():
        if key in values and not isinstance(values[key], bool):
            problems.append(SETTING_MESSAGES["bool"].format(label=label))
    if problems:
        return problems
    merged = {**asdict(Settings()), **values}
    for low, high in ORDERED:
        if merged[low] > merged[high]:
            problems.append(
                SETTING_MESSAGES["order"].format(
                    low=SETTING_FIELDS[low][0],
                    a=merged[low],
                    high=SETTING_FIELDS[high][0],
                    b=merged[high],
                )
            )
    return problems


@dataclass(frozen=True)
class Member:
    """One post held on the village's roster. `key` is the person (the same for each post they
    hold); `sex` "M", "F" or "" (unknown); `age` at the term's reference date; `household` a
    household identifier ("" unknown); `on_previous` whether the person was a cadre of the
    village in the previous term."""

    key: str
    name: str
    body: str
    post: str
    sex: str = ""
    age: int | None = None
    college_official: bool = False
    household: str = ""
    on_previous: bool = False


@dataclass(frozen=True)
class KinPair:
    """Two people (by `Member.key`) declared close relatives, and how (配偶 ...)."""

    a: str
    b: str
    relation: str


@dataclass(frozen=True)
class Finding:
    """One check broken: `code` (a CHECKS key), `severity` (LAW, POLICY, DOUBTFUL), `message`
    naming the people and posts, `source` the article or text that requires it."""

    code: str
    severity: str
    message: str
    source: str
    people: tuple[str, ...] = field(default=())

    @property
    def title(self) -> str:
        return CHECKS[self.code]

    @property
    def severity_name(self) -> str:
        return SEVERITY_NAMES[self.severity]


@dataclass(frozen=True)
class VillageSummary:
    """What the county-level checks need of one village: its heads (主要负责人: the Party
    secretary and the committee director, each person once), those aged young_age or under,
    those of unknown age, and whether one person is both (一肩挑)."""

    heads: int
    young_heads: int
    heads_age_unknown: int
    dual_role: bool


# ---------------------------------------------------------------------------------------------
# One village.


class _Village:
    """The members of one village by person, with the labels the messages use."""

    def __init__(self, members: Iterable[Member], committee: str | None) -> None:
        self.members = list(members)
        bodies = {m.body for m in self.members}
        self.committee = committee or (RESIDENTS if RESIDENTS in bodies else VILLAGERS)
        self.people: dict[str, Member] = {}
        self.posts: dict[tuple[str, str], list[str]] = {}
        for m in self.members:
            first = self.people.setdefault(m.key, m)
            if m.college_official and not first.college_official:
                self.people[m.key] = m  # any row flagged makes the person one
            self.posts.setdefault((m.key, m.body), []).append(m.post)

    def body_name(self, body: str) -> str:
        if body == SUPERVISION and self.committee == RESIDENTS:
            return RESIDENTS_SUPERVISION_NAME
        return BODY_NAMES.get(body, body)

    def on(self, body: str) -> list[str]:
        """The people on `body`, each once, in roster order."""
        return list(dict.fromkeys(m.key for m in self.members if m.body == body))

    def label(self, key: str, body: str) -> str:
        """ "马成林（村民委员会主任）"."""
        posts = "、".join(POST_NAMES.get(p, p) for p in dict.fromkeys(self.posts[(key, body)]))
        return f"{self.people[key].name}（{self.body_name(body)}{posts}）"

    def cadres(self) -> list[Member]:
        keys = dict.fromkeys(m.key for m in self.members if m.body in CADRE_BODIES)
        return [self.people[k] for k in keys]


def check_village(
    members: Iterable[Member],
    kin_pairs: Iterable[KinPair],
    settings: Settings,
    *,
    has_previous: bool,
    committee: str | None = None,
) -> list[Finding]:
    """Every check one village's roster breaks. `has_previous`: the village's previous-term
    roster is known (else nobody can be said to join newly). `committee`: the village's
    committee ("villagers" or "residents"), else read from the members."""
    v = _Village(members, committee)
    kin = list(kin_pairs)
    found: list[Finding] = []
    found += _cadre_count(v, settings)
    found += _women(v, settings)
    found += _young(v, settings)
    if has_previous:
        found += _men_joining(v, settings)
    found += _committee_size(v, settings)
    found += _committee_woman(v)
    found += _kin(v, kin)
    found += _exclusions(v, settings)
    found += _households(v, kin)
    return found


def _cadre_count(v: _Village, s: Settings) -> list[Finding]:
    n = sum(1 for p in v.cadres() if not p.college_official)
    if n > s.cadres_max:
        text = MESSAGES["cadres_over_max"].format(n=n, most=s.cadres_max)
        return [Finding("cadres_over_max", POLICY, text, SEED_003)]
    if n > s.cadres_usual_max:
        text = MESSAGES["cadres_over_usual"].format(
            n=n, least=s.cadres_min, usual=s.cadres_usual_max
        )
        return [Finding("cadres_over_usual", POLICY, text, SEED_003)]
    if n < s.cadres_min:
        text = MESSAGES["cadres_under"].format(n=n, least=s.cadres_min)
        return [Finding("cadres_under", POLICY, text, SEED_003)]
    return []


def _women(v: _Village, s: Settings) -> list[Finding]:
    cadres = v.cadres()
    n = sum(1 for p in cadres if p.sex == "F")
    if n >= s.women_min:
        return []
    unknown = sum(1 for p in cadres if p.sex not in ("M", "F"))
    if n + unknown >= s.women_min:
        text = MESSAGES["women_unknown"].format(n=n, least=s.women_min, unknown=unknown)
        return [Finding("women_cadres", DOUBTFUL, text, SEED_003)]
    text = MESSAGES["women_cadres"].format(n=n, least=s.women_min)
    return [Finding("women_cadres", POLICY, text, SEED_003)]


def _young(v: _Village, s: Settings) -> list[Finding]:
    cadres = v.cadres()
    n = sum(1 for p in cadres if p.age is not None and p.age <= s.young_age)
    if n >= s.young_min:
        return []
    unknown = sum(1 for p in cadres if p.age is None)
    if n + unknown >= s.young_min:
        text = MESSAGES["young_unknown"].format(n=n, least=s.young_min, unknown=unknown)
        return [Finding("young_cadres", DOUBTFUL, text, SEED_003)]
    text = MESSAGES["young_cadres"].format(n=n, least=s.young_min)
    return [Finding("young_cadres", POLICY, text, SEED_003)]


def _men_joining(v: _Village, s: Settings) -> list[Finding]:
    new = [
        p
        for p in v.cadres()
        if p.sex == "M" and p.age is not None and p.age >= s.men_joining_age and not p.on_previous
    ]
    if not new:
        return []
    people = "、".join(f"{p.name}（{p.age}岁，{_all_posts(v, p.key)}）" for p in new)
    text = MESSAGES["men_over_age_new"].format(age=s.men_joining_age, people=people)
    return [Finding("men_over_age_new", POLICY, text, SEED_003, tuple(p.name for p in new))]


def _all_posts(v: _Village, key: str) -> str:
    return "、".join(
        v.body_name(body) + "、".join(POST_NAMES.get(p, p) for p in dict.fromkeys(posts))
        for (k, body), posts in v.posts.items()
        if k == key and body in CADRE_BODIES
    )


def _committee_size(v: _Village, s: Settings) -> list[Finding]:
    body = v.committee
    n = len(v.on(body))
    least, most = LAW_SIZES[body]
    name = v.body_name(body)
    source = VC_SIZE if body == VILLAGERS else RC_SIZE
    if n < least:
        text = MESSAGES["committee_under_law"].format(body=name, n=n, least=least)
        return [Finding("committee_size", LAW, text, source)]
    if n > most:
        text = MESSAGES["committee_over_law"].format(body=name, n=n, most=most)
        return [Finding("committee_size", LAW, text, source)]
    own_least, own_most = (
        (s.villagers_min, s.villagers_max)
        if body == VILLAGERS
        else (s.residents_min, s.residents_max)
    )
    if n < own_least:
        text = MESSAGES["committee_under"].format(body=name, n=n, least=own_least)
        return [Finding("committee_size", POLICY, text, source)]
    if n > own_most:
        text = MESSAGES["committee_over"].format(body=name, n=n, most=own_most)
        return [Finding("committee_size", POLICY, text, source)]
    return []


def _committee_woman(v: _Village) -> list[Finding]:
    # 村民委员会组织法(2025) 第八条 "应当有妇女成员" (RULES.md V2); 城市居民委员会组织法(2025)
    # 第八条 adds the same (C1).
    body = v.committee
    keys = v.on(body)
    if not keys or any(v.people[k].sex == "F" for k in keys):
        return []
    source = VC_SIZE if body == VILLAGERS else RC_SIZE
    unknown = sum(1 for k in keys if v.people[k].sex not in ("M", "F"))
    name = v.body_name(body)
    if unknown:
        text = MESSAGES["committee_woman_unknown"].format(body=name, unknown=unknown)
        return [Finding("committee_woman", DOUBTFUL, text, source)]
    return [Finding("committee_woman", LAW, MESSAGES["committee_woman"].format(body=name), source)]


def _kin(v: _Village, kin: list[KinPair]) -> list[Finding]:
    """Close relatives on the committee (村民委员会组织法(2025) 第八条 "村民委员会成员实行近亲属
    回避"), and a committee member's close relative on the supervision committee ((2025)
    第三十七条, (2018) 第三十二条: "村民委员会成员及其近亲属不得担任村务监督机构成员"; residents:
    城市居民委员会组织法(2025) 第八条, 第三十六条; RULES.md V2, V20, C1, C9)."""
    body = v.committee
    committee, supervision = set(v.on(body)), set(v.on(SUPERVISION))
    villagers = body == VILLAGERS
    found: list[Finding] = []
    for pair in kin:
        if pair.a == pair.b:
            continue
        if pair.a in committee and pair.b in committee:
            text = MESSAGES["kin"].format(
                a=v.label(pair.a, body), b=v.label(pair.b, body), relation=pair.relation
            )
            names = (v.people[pair.a].name, v.people[pair.b].name)
            found.append(
                Finding("kin_committee", LAW, text, VC_KIN if villagers else RC_KIN, names)
            )
        for one, other in ((pair.a, pair.b), (pair.b, pair.a)):
            if one in committee and other in supervision:
                text = MESSAGES["kin"].format(
                    a=v.label(one, body), b=v.label(other, SUPERVISION), relation=pair.relation
                )
                source = VC_SUPERVISION if villagers else RC_SUPERVISION
                names = (v.people[one].name, v.people[other].name)
                found.append(Finding("kin_supervision", LAW, text, source, names))
    return found


def _exclusions(v: _Village, s: Settings) -> list[Finding]:
    """One person on two bodies that must be apart: the committee and the supervision committee
    (the law, as in `_kin`, and seed 003 "村委会与村务监督委员会成员不得交叉任职"); the
    cooperative's management and its supervisory board or the supervision committee (seed 003
    "社管会成员与社监会、村务监督委员会成员不得交叉任职")."""
    body = v.committee
    source = VC_SUPERVISION if body == VILLAGERS else RC_SUPERVISION
    pairs = [("committee_supervision", LAW, body, SUPERVISION, source)]
    if s.cooperative_exclusions:
        pairs += [
            ("coop_supervision_board", POLICY, COOPERATIVE, COOPERATIVE_SUPERVISION, SEED_003),
            ("coop_supervision_committee", POLICY, COOPERATIVE, SUPERVISION, SEED_003),
        ]
    found: list[Finding] = []
    for code, severity, one, other, cited in pairs:
        for key in v.on(one):
            if (key, other) in v.posts:
                name = v.people[key].name
                posts = "和".join(
                    v.body_name(b) + "、".join(POST_NAMES.get(p, p) for p in v.posts[(key, b)])
                    for b in (one, other)
                )
                text = MESSAGES["same_person"].format(name=name, posts=posts)
                found.append(Finding(code, severity, text, cited, (name,)))
    return found


def _households(v: _Village, kin: list[KinPair]) -> list[Finding]:
    """Two people of one household on the committee, or one on it and one on the supervision
    committee, not declared relatives: a doubt for the town to settle (STYLE.md: flag a doubtful
    record for a person to decide). The relation is not known, so no law is said broken."""
    body = v.committee
    declared = {frozenset((p.a, p.b)) for p in kin}
    committee = v.on(body)
    pairs: list[tuple[str, str, str, str]] = [
        (a, body, b, body) for i, a in enumerate(committee) for b in committee[i + 1 :]
    ]
    pairs += [(a, body, b, SUPERVISION) for a in committee for b in v.on(SUPERVISION) if a != b]
    found: list[Finding] = []
    seen: set[frozenset[str]] = set()
    for a, body_a, b, body_b in pairs:
        pair = frozenset((a, b))
        household = v.people[a].household
        if not household or household != v.people[b].household:
            continue
        if pair in declared or pair in seen:
            continue
        seen.add(pair)
        text = MESSAGES["possible_kin"].format(a=v.label(a, body_a), b=v.label(b, body_b))
        source = VC_KIN if body == VILLAGERS else RC_KIN
        names = (v.people[a].name, v.people[b].name)
        found.append(Finding("possible_kin", DOUBTFUL, text, source, names))
    return found


# ---------------------------------------------------------------------------------------------
# A county's villages together.


def village_summary(members: Iterable[Member], settings: Settings) -> VillageSummary:
    """One village's heads and whether it has a dual-role head (一肩挑)."""
    members = list(members)
    secretaries = {m.key for m in members if m.body == PARTY and m.post == "secretary"}
    directors = {m.key for m in members if m.body in COMMITTEES and m.post == "director"}
    ages = {m.key: m.age for m in members}
    heads = secretaries | directors
    known = [age for k in heads if (age := ages[k]) is not None]
    young = sum(1 for age in known if age <= settings.young_age)
    unknown = len(heads) - len(known)
    return VillageSummary(len(heads), young, unknown, bool(secretaries & directors))


def share_text(part: int, whole: int) -> str:
    """part/whole as a percentage to one decimal, rounded half up, in integers.

    >>> share_text(1, 8), share_text(409, 1010), share_text(0, 0)
    ('12.5', '40.5', '0.0')
    """
    if whole == 0:
        return "0.0"
    tenths = (2000 * part + whole) // (2 * whole)
    return f"{tenths // 10}.{tenths % 10}"


def check_county(villages_summary: Iterable[VillageSummary], settings: Settings) -> list[Finding]:
    """The checks over a county's villages together: the share of young heads (seed 003
    "35岁以下村主要负责人达到10%以上") and of dual-role villages (the national plan's target)."""
    villages = list(villages_summary)
    found: list[Finding] = []
    heads = sum(v.heads for v in villages)
    young = sum(v.young_heads for v in villages)
    unknown = sum(v.heads_age_unknown for v in villages)
    target = settings.young_heads_share
    # "达到10%以上" includes 10% itself: young/heads >= target/100, in integers.
    if heads and 100 * young < target * heads:
        args = {"n": young, "share": share_text(young, heads), "target": target}
        if 100 * (young + unknown) >= target * heads:
            text = MESSAGES["young_heads_unknown"].format(unknown=unknown, **args)
            found.append(Finding("young_heads_share", DOUBTFUL, text, SEED_003))
        else:
            text = MESSAGES["young_heads_share"].format(**args)
            found.append(Finding("young_heads_share", POLICY, text, SEED_003))
    dual = sum(1 for v in villages if v.dual_role)
    target = settings.dual_role_share
    if villages and 100 * dual < target * len(villages):
        text = MESSAGES["dual_role_share"].format(
            n=dual, share=share_text(dual, len(villages)), target=target
        )
        found.append(Finding("dual_role_share", POLICY, text, DUAL_ROLE_PLAN))
    return found
