"""The roster file's columns and the check of one row by itself (the village, the person and the
file as a whole are the writer's, rosters.imports).

A row is one post held: 村代码/村名, 姓名, 公民身份号码, 性别, 民族, 文化程度, 政治面貌, 组织,
职务, 身份标签 (the issue's template). Sex and birth date come from the ID number; a 性别 cell,
when filled, must agree with it. 民族 (GB 3304), 文化程度 (GB/T 4658) and 政治面貌 (GB/T 4762)
take the standard names, the usual short forms and the codes, and may be left blank (the report
counts them 未填); anything else is an error, never a guess. 组织 and 职务 take what counties
write: 党支部, 村委会, 社管会, 社长, 监事长 ...; a post the body does not have is an error.

    >>> body_of("社管会"), body_of("监事会"), body_of("村委会")
    ('cooperative', 'cooperative_supervision', 'villagers')
    >>> post_of("社长", "cooperative"), post_of("监事长", "cooperative_supervision")
    ('director', 'director')
    >>> post_of("支部书记", "party"), post_of("社长", "party")
    ('secretary', None)
    >>> tags_of("致富带头人；退役军人、大学生“村官”")
    (('tag_entrepreneur', 'tag_veteran', 'tag_college_official'), [])
    >>> tags_of("村霸")
    ((), ['村霸'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from huanjie.elections.models import Post
from huanjie.lib import cadre_codes, ethnicity, idcard
from huanjie.lib.crypto import lookup_hash
from huanjie.lib.sheets import (
    ID_COLUMN,
    NAME_COLUMN,
    Column,
    Issue,
    RowReader,
    Schema,
    clean_label,
)
from huanjie.rosters.models import TAGS, RosterBody

F_VILLAGE_CODE, F_VILLAGE_NAME, F_NAME, F_ID = "村代码", "村名", "姓名", "公民身份号码"
F_SEX, F_ETHNICITY, F_EDUCATION, F_STATUS = "性别", "民族", "文化程度", "政治面貌"
F_BODY, F_POST, F_TAGS = "组织", "职务", "身份标签"

MSG_EMPTY: Final = "{label}为空"
MSG_UNKNOWN: Final = "{label}“{value}”无法识别，应填{hint}"
MSG_POST_BODY: Final = "{body}没有“{value}”职务，应填{choices}之一"
MSG_TAGS: Final = "身份标签“{value}”无法识别，应填{choices}，多个用“；”分隔"
MSG_VILLAGE_EMPTY: Final = "村代码和村名都为空，请至少填写一项"

# 组织 as counties write it (seed 003 says 社管会 and 社监会), besides the standard labels.
_BODY_WORDS: Final = {
    RosterBody.PARTY: (
        "党组织", "村党支部", "党支部", "党总支", "村党总支", "党委", "村党委", "村党组织委员会",
        "社区党组织", "社区党支部", "社区党委", "社区党总支", "支部委员会",
    ),
    RosterBody.VILLAGERS: ("村委会", "村委", "村民委员会"),
    RosterBody.RESIDENTS: ("居委会", "社区居委会", "社区居民委员会", "居委"),
    RosterBody.SUPERVISION: ("监委会", "村监委", "村监委会", "居务监督委员会", "村(居)务监督委员会"),
    RosterBody.COOPERATIVE: (
        "村经济合作社", "股份经济合作社", "合作社", "社管会", "经济合作社管理委员会",
        "经济合作社理事会", "股份经济合作社理事会",
    ),
    RosterBody.COOPERATIVE_SUPERVISION: ("社监会", "监事会", "经济合作社监督委员会"),
}  # fmt: skip
_BODIES: Final = {clean_label(label): value for value, label in RosterBody.choices} | {
    clean_label(word): body for body, words in _BODY_WORDS.items() for word in words
}

# The posts each body has. 村党组织: 书记, 副书记, 委员 (中国共产党农村基层组织工作条例 第六条);
# the committees: 主任, 副主任, 委员 (村民委员会组织法 第六条, 城市居民委员会组织法 第七条), the
# 妇女委员 among the members (村民委员会组织法 第六条: 妇女应当有适当的名额); the supervision
# committee: 主任, 委员 (村民委员会组织法 第三十二条); the cooperative and its board: 社长
# (理事长), 副社长, 委员; 监事长, 监事.
_COMMITTEE: Final = (Post.DIRECTOR, Post.DEPUTY_DIRECTOR, Post.WOMAN_MEMBER, Post.MEMBER)
POSTS_OF: Final[dict[str, tuple[str, ...]]] = {
    RosterBody.PARTY: (Post.SECRETARY, Post.DEPUTY_SECRETARY, Post.MEMBER),
    RosterBody.VILLAGERS: _COMMITTEE,
    RosterBody.RESIDENTS: _COMMITTEE,
    RosterBody.SUPERVISION: (Post.DIRECTOR, Post.DEPUTY_DIRECTOR, Post.MEMBER),
    RosterBody.COOPERATIVE: (Post.DIRECTOR, Post.DEPUTY_DIRECTOR, Post.MEMBER),
    RosterBody.COOPERATIVE_SUPERVISION: (Post.DIRECTOR, Post.DEPUTY_DIRECTOR, Post.MEMBER),
}
# The posts a body has one holder of (the head): a second one in a village is an error.
SINGLE_POSTS: Final = frozenset({Post.SECRETARY, Post.DIRECTOR})

_POST_WORDS: Final = {
    Post.SECRETARY: (
        "党组织书记", "支部书记", "党支部书记", "党委书记", "总支书记", "党总支书记", "村党组织书记",
    ),
    Post.DEPUTY_SECRETARY: ("党支部副书记", "党委副书记", "总支副书记", "党总支副书记"),
    Post.DIRECTOR: ("村委会主任", "居委会主任", "村民委员会主任", "居民委员会主任"),
    Post.DEPUTY_DIRECTOR: ("村委会副主任", "居委会副主任"),
    Post.MEMBER: ("成员", "组织委员", "宣传委员", "纪检委员", "村委委员", "支委", "支部委员"),
}  # fmt: skip
# Names a post has on one body only: 社长 is the cooperative's director, 监事长 its board's.
_BODY_POST_WORDS: Final = {
    RosterBody.SUPERVISION: {
        "监委会主任": Post.DIRECTOR, "监督委员会主任": Post.DIRECTOR,
        "监委会副主任": Post.DEPUTY_DIRECTOR, "监委会委员": Post.MEMBER, "监委会成员": Post.MEMBER,
    },
    RosterBody.COOPERATIVE: {
        "社长": Post.DIRECTOR, "理事长": Post.DIRECTOR, "董事长": Post.DIRECTOR,
        "副社长": Post.DEPUTY_DIRECTOR, "副理事长": Post.DEPUTY_DIRECTOR,
        "理事": Post.MEMBER, "社委": Post.MEMBER, "社管会成员": Post.MEMBER,
        "社管会委员": Post.MEMBER,
    },
    RosterBody.COOPERATIVE_SUPERVISION: {
        "监事长": Post.DIRECTOR, "社监会主任": Post.DIRECTOR, "副监事长": Post.DEPUTY_DIRECTOR,
        "监事": Post.MEMBER, "社监会成员": Post.MEMBER, "社监会委员": Post.MEMBER,
    },
}  # fmt: skip
_POSTS: Final = {clean_label(label): value for value, label in Post.choices} | {
    clean_label(word): post for post, words in _POST_WORDS.items() for word in words
}
_BODY_POSTS: Final[dict[str, dict[str, str]]] = {
    str(body): {clean_label(word): str(post) for word, post in words.items()}
    for body, words in _BODY_POST_WORDS.items()
}

_TAG_WORDS: Final = {
    "tag_college_official": ("大学生村官", "大学生村干部", "选调生村官"),
    "tag_veteran": ("退役军人", "退伍军人", "复员退伍军人", "转业退伍军人", "退役士兵"),
    "tag_entrepreneur": ("私营企业主", "致富带头人", "企业主", "农村致富带头人"),
    "tag_grower": ("种养大户", "种植大户", "养殖大户", "种养殖大户"),
    "tag_returnee": ("回乡创业", "返乡创业", "回乡创业人员", "返乡创业人员", "返乡创业青年"),
}
_TAGS: Final = {clean_label(label): field for field, label in TAGS} | {
    clean_label(word): field for field, words in _TAG_WORDS.items() for word in words
}
_NO_TAG: Final = frozenset({"无", "否", "-", "—", "/"})
_TAG_SEPARATORS: Final = re.compile(r"[；;，,、/\s]+")
_QUOTES: Final = str.maketrans("", "", "“”\"'‘’「」")
_SEXES: Final = {"男": "M", "女": "F", "男性": "M", "女性": "F", "m": "M", "f": "F"}
TAG_LABELS: Final = "、".join(label for _, label in TAGS)

ROSTER_SCHEMA: Final = Schema(
    (
        Column(
            "village_code",
            F_VILLAGE_CODE,
            ("村(社区)代码", "村（社区）代码", "区划代码", "村级代码", "社区代码"),
            width=16,
            note="12位村(社区)区划代码；与村名至少填一项，都填时以代码为准",
            text=True,
        ),
        Column(
            "village_name",
            F_VILLAGE_NAME,
            ("村(社区)", "村(社区)名称", "村名称", "村", "社区", "社区名", "所在村", "村(社区)名"),
            width=18,
            note="从下拉列表选择；与村代码至少填一项",
        ),
        NAME_COLUMN,
        ID_COLUMN,
        Column(
            "sex",
            F_SEX,
            ("性 别",),
            width=6,
            choices=("男", "女"),
            note="可不填；填写的须与身份证号一致",
        ),
        Column("ethnicity", F_ETHNICITY, ("民 族",), width=10, note="如汉族、回族、土族、藏族"),
        Column(
            "education",
            F_EDUCATION,
            ("学历", "文化", "最高学历"),
            width=12,
            choices=tuple(cadre_codes.EDUCATION.values()),
            note="从下拉列表选择",
        ),
        Column(
            "political_status",
            F_STATUS,
            ("政治面目",),
            width=12,
            choices=tuple(cadre_codes.POLITICAL_STATUS.values()),
            note="从下拉列表选择",
        ),
        Column(
            "body",
            F_BODY,
            ("任职组织", "所在组织", "班子"),
            required=True,
            width=18,
            choices=tuple(RosterBody.labels),
            note="从下拉列表选择；一人在几个组织任职的，每个职务填一行",
        ),
        Column(
            "post",
            F_POST,
            ("现任职务", "职位", "任职"),
            required=True,
            width=10,
            choices=(*Post.labels, "社长", "副社长", "监事长"),
            note="从下拉列表选择；经济合作社的社长、副社长，监事会的监事长均可直接选",
        ),
        Column(
            "tags",
            F_TAGS,
            ("标签", "人员类别", "身份类别"),
            width=26,
            note=f"可不填；可填{TAG_LABELS}，多个用“；”分隔",
        ),
    ),
    no_header="前几行中找不到表头：表头须包含姓名、公民身份号码、组织、职务列，以及村代码或村名列",
)


def body_of(text: str) -> str | None:
    body = _BODIES.get(clean_label(text))
    return None if body is None else str(body)


def post_of(text: str, body: str) -> str | None:
    """The post a 职务 names on `body`: the body's own names first (社长), then the common
    ones; None when the body has no such post."""
    key = clean_label(text)
    post = _BODY_POSTS.get(body, {}).get(key) or _POSTS.get(key)
    return str(post) if post in POSTS_OF[body] else None


def tags_of(text: str) -> tuple[tuple[str, ...], list[str]]:
    """(the tag fields named, the parts not understood)."""
    found: list[str] = []
    unknown: list[str] = []
    for part in _TAG_SEPARATORS.split(text.translate(_QUOTES)):
        if not part or part in _NO_TAG:
            continue
        field = _TAGS.get(clean_label(part))
        if field is None:
            unknown.append(part)
        elif field not in found:
            found.append(field)
    return tuple(found), unknown


@dataclass(frozen=True, slots=True)
class RosterRow:
    row: int
    village_code: str
    village_name: str
    name: str
    id_number: str  # normalized; only ever in memory, for a new person's record
    id_hash: str
    masked: str
    sex: str
    birth_date: date
    ethnicity: str
    education: str
    political_status: str
    body: str
    post: str
    tags: tuple[str, ...]

    @property
    def village_text(self) -> str:
        return self.village_code or self.village_name


def _coded(cell: RowReader, key: str, lookup: Any, hint: str) -> str:
    """A code column: blank is "", a value it cannot read is an error."""
    text = cell.text(key, 30)
    if not text:
        return ""
    code = lookup(text)
    if code is None:
        label = ROSTER_SCHEMA.label(key)
        cell.problem(key, text[:20], MSG_UNKNOWN.format(label=label, value=text[:20], hint=hint))
        return ""
    return str(code)


def _sex(cell: RowReader) -> str | None:
    text = cell.text("sex", 10)
    if not text:
        return None
    sex = _SEXES.get(clean_label(text))
    if sex is None:
        cell.problem("sex", text, MSG_UNKNOWN.format(label=F_SEX, value=text, hint="“男”或“女”"))
    return sex


def _body_post(cell: RowReader) -> tuple[str | None, str | None]:
    body_text, post_text = cell.text("body", 30), cell.text("post", 30)
    body = body_of(body_text) if body_text else None
    if not body_text:
        cell.problem("body", "", MSG_EMPTY.format(label=F_BODY))
    elif body is None:
        hint = "、".join(f"“{x}”" for x in RosterBody.labels) + "之一"
        cell.problem(
            "body",
            body_text[:20],
            MSG_UNKNOWN.format(label=F_BODY, value=body_text[:20], hint=hint),
        )
    if not post_text:
        cell.problem("post", "", MSG_EMPTY.format(label=F_POST))
        return body, None
    if body is None:
        return None, None
    post = post_of(post_text, body)
    if post is None:
        choices = "、".join(f"“{Post(p).label}”" for p in POSTS_OF[body])
        message = MSG_POST_BODY.format(
            body=RosterBody(body).label, value=post_text[:20], choices=choices
        )
        cell.problem("post", post_text[:20], message)
    return body, post


def read_roster_row(
    number: int, cells: list[Any], columns: dict[str, int]
) -> tuple[RosterRow | None, list[Issue]]:
    """(RosterRow or None, issues) for one data row: its own checks only."""
    cell = RowReader(ROSTER_SCHEMA, columns, number, cells)
    code = cell.text("village_code", 30)
    village_name = cell.text("village_name", 100)
    if not code and not village_name:
        key = "village_code" if "village_code" in columns else "village_name"
        cell.problem(key, "", MSG_VILLAGE_EMPTY)
    name = cell.name()
    sex = _sex(cell)
    checked = cell.id_number(sex=sex)
    nation = _coded(cell, "ethnicity", ethnicity.code_of, "民族名称，如“汉族”“回族”“土族”")
    education = _coded(
        cell,
        "education",
        cadre_codes.education_of,
        "、".join(cadre_codes.EDUCATION.values()) + "之一",
    )
    status = _coded(
        cell, "political_status", cadre_codes.political_status_of, "如“中共党员”“共青团员”“群众”"
    )
    body, post = _body_post(cell)
    tag_text = cell.text("tags", 100)
    tags, unknown = tags_of(tag_text)
    if unknown:
        shown = "、".join(unknown)[:30]
        cell.problem("tags", shown, MSG_TAGS.format(value=shown, choices=TAG_LABELS))
    if cell.issues or body is None or post is None:
        return None, cell.issues
    normalized = checked.normalized
    assert checked.birth_date is not None and checked.sex is not None  # an ok check read both
    row = RosterRow(
        row=number,
        village_code=code,
        village_name=village_name,
        name=name,
        id_number=normalized,
        id_hash=lookup_hash(normalized),
        masked=idcard.mask(normalized),
        sex=checked.sex,
        birth_date=checked.birth_date,
        ethnicity=nation,
        education=education,
        political_status=status,
        body=body,
        post=post,
        tags=tags,
    )
    return row, cell.issues
