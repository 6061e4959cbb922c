"""`python -m huanjie.rules.docs > docs/rules.md`: the rule profiles as a Markdown document, every
rule with its article and each province's value side by side. Generated from the profiles, so it
cannot drift from them; a test compares the committed file with this output.

>>> text = render()
>>> text.splitlines()[0]
'# 选举规则一览'
>>> "浙江省村民委员会选举办法 第二十七条" in text
True
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import date

from huanjie.lib.dates import cn_date
from huanjie.rules.arith import Share
from huanjie.rules.messages import BARS, BODY_NAMES, MODE_NAMES, POST_NAMES
from huanjie.rules.profiles import (
    EXCLUSION_LABELS,
    GUIDE,
    GUIDE_FROM,
    HEN_RC,
    HEN_RC_FROM,
    NATIONAL_TEXTS,
    PROVINCE_MEASURES,
    PROVINCE_PROFILES,
    REGISTRATION_LABELS,
    RULE_LABELS,
    Profile,
    ProxyRule,
    Recall,
    Rule,
    Surplus,
    Vacancy,
    effective_profile,
)

# Elections on these days pick the 2010 (residents: 1989; Party: 暂行条例 1990), the 2018 and the
# 2025 texts.
BEFORE_2018 = date(2015, 6, 1)
BEFORE_2026 = date(2025, 6, 1)
FROM_2026 = date(2026, 6, 1)

_CODES: dict[str, dict[str, str]] = {
    "women": {
        "none": "—",
        "required": "应当有妇女成员",
        "separate_post": "选票单列妇女委员职位；另行选举时仍无妇女当选的，再次单列",
        "priority": (
            "主任、副主任无妇女当选的：有妇女获得过半数选票的，得票最多的妇女首先当选委员；"
            "没有的，在委员名额中确定一名另行选举妇女成员"
        ),
    },
    "turnout_base": {
        "voted": "参加投票的人数",
        "voted_and_returned": "参加投票的人数和收回的选票数",
    },
    "threshold_base": {"voted": "参加投票的人数", "returned": "收回的选票数"},
    "supplementary_base": {"returned": "已投选票总数（含无效票）", "voted": "实到会有选举权的人数"},
    "overvote": {
        "ballot": "整张选票无效，计入选票总数",
        "post": "仅该职位部分无效，其余部分有效，计入选票总数",
    },
    "ties": {"runoff": "就票数相等的人再次投票，以得票多的当选，不抽签"},
    "transfer": {
        "none": "不计入，各职位分别计票",
        "allowed": "可以计入（本系统计入）",
        "required": "应当计入",
    },
    "committee_withdrawal": {
        "": "—",
        "self": "成员被提名为候选人的，应当退出",
        "self_or_relatives": "成员或者其近亲属被提名为候选人的，应当退出",
    },
}

_HOLDERS = {
    "close_relatives": "本村有选举权的近亲属",
    "close_relatives_or_villagers": "近亲属或者其他村民",
    "other_voters": "本社区其他选民",
}


def _surplus(value: Surplus) -> str:
    def span(low: int, high: int | None) -> str:
        if low == 0 and high is None:
            return "可以等额"
        if high is None:
            return "候选人多于应选人数"
        if low == high:
            return f"应选人数+{low}"
        return f"应选人数+{low}至+{high}"

    if value.percent is not None:
        share = f"差额不少于应选人数的{value.percent}%（向上取整）"
        if not value.by_post:
            return share
    elif not value.by_post:
        return "各职位" + span(*value.default) if value.default != (1, None) else span(1, None)
    parts: dict[str, list[str]] = {}
    for post, low, high in value.by_post:
        parts.setdefault(span(low, high), []).append(POST_NAMES[post])
    named = "；".join(f"{'、'.join(posts)}：{text}" for text, posts in parts.items())
    return named if value.percent is None else f"{named}；其他职位：{share}"


def _proxy(value: ProxyRule) -> str:
    if not value.allowed:
        return f"不实行（{value.refused_because.rstrip('的')}）"
    parts = [f"受委托人：{_HOLDERS[value.holders]}"]
    parts.append(f"每人至多{value.cap}人" if value.cap is not None else "人数未作规定")
    if value.candidates_excluded:
        parts.append("候选人不得接受委托")
    if value.filing_days is not None:
        parts.append(f"选举日{value.filing_days}日前办理")
    if value.list_days is not None:
        parts.append(f"选举日{value.list_days}日前公布名单")
    if value.no_redelegation:
        parts.append("不得转委托")
    return "；".join(parts)


def _vacancy(value: Vacancy) -> str:
    when = "第一次投票或另行选举后" if value.after_first_poll else "另行选举后"
    who = f"当选满{value.min_elected}人"
    if value.director_required:
        who += "且已选出主任"
    then = "由村民会议决定是否暂缺" if value.meeting_decides else "不足的名额可以暂缺"
    return f"{when}{who}的，{then}"


def _recall(value: Recall) -> str:
    motion = value.motion_voters.describe().replace("以上", "以上选民")
    reps = value.motion_representatives.describe().replace("不少于三分之一", "三分之一以上")
    return (
        f"{motion}或者{reps}代表联名提出；{value.turnout.describe()}参加投票，"
        f"参加投票的{value.approval.describe()}通过"
    )


def describe(field: str, value: object) -> str:
    """One rule's value in words, for the table.

    >>> describe("voter_list_days", 20), describe("committee_size", (3, 7)), describe("age", None)
    ('20日', '3至7人', '—')
    """
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Share):
        return value.describe()
    if isinstance(value, ProxyRule):
        return _proxy(value)
    if isinstance(value, Surplus):
        return _surplus(value)
    if isinstance(value, Vacancy):
        return _vacancy(value)
    if isinstance(value, Recall):
        return _recall(value)
    if field == "age" and isinstance(value, int):
        return f"{value}周岁"
    if field == "term" and isinstance(value, int):
        return f"{value}年"
    if isinstance(value, int):
        return f"{value}日"
    if field == "committee_size" and isinstance(value, tuple):
        return f"{value[0]}至{value[1]}人"
    if field == "registration" and isinstance(value, tuple):
        return "；".join(REGISTRATION_LABELS[code] for code in value) or "—"
    if field == "candidacy_bars" and isinstance(value, tuple):
        return "；".join(BARS[code] for code in value) or "—"
    if field == "quorum_exclusions" and isinstance(value, tuple):
        return "；".join(EXCLUSION_LABELS[code] for code in value) or "—"
    if field in _CODES and isinstance(value, str):
        return _CODES[field][value]
    if isinstance(value, str):
        return value or "—"
    raise TypeError(f"no description for {field}: {value!r}")


def _cell(field: str, rule: Rule[object]) -> str:
    text = describe(field, rule.value)
    if rule.articles:
        text += "<br>〔" + "、".join(rule.cite()) + "〕"
    if rule.note:
        text += f"<br>注：{rule.note}"
    return text


def _table(headers: Sequence[str], profiles: Sequence[Profile]) -> list[str]:
    lines = [
        "| 规则 | " + " | ".join(headers) + " |",
        "|---" * (len(headers) + 1) + "|",
    ]
    for field, label in RULE_LABELS.items():
        cells = [_cell(field, getattr(p, field)) for p in profiles]
        if all(cell == "—" for cell in cells):
            continue
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def _villagers() -> list[str]:
    codes = list(PROVINCE_PROFILES)
    profiles = [
        effective_profile("villagers", "", BEFORE_2018),
        effective_profile("villagers", "", BEFORE_2026),
        effective_profile("villagers", "", FROM_2026),
        *(effective_profile("villagers", code, FROM_2026) for code in codes),
    ]
    headers = [
        "全国(2010)",
        "全国(2018)",
        "全国(2025)",
        *(PROVINCE_PROFILES[code] for code in codes),
    ]
    lines = [
        f"## {BODY_NAMES['villagers']}",
        "",
        "全国三列是村民委员会组织法2010年、2018年、2025年文本（各列按2013年5月2日以后的选举列出；"
        "此前的选举不引用村民委员会选举规程，规则相同）；各省一列是2026年1月1日起的选举"
        "适用的规则（全国性法律加本省选举办法，与上位法抵触的按上位法）。",
        "",
        *_table(headers, profiles),
        "",
        "### 2026年1月1日前的选举",
        "",
    ]
    for code in codes:
        before = effective_profile("villagers", code, BEFORE_2026)
        after = effective_profile("villagers", code, FROM_2026)
        name = PROVINCE_PROFILES[code]
        if before.notes:
            lines.append(f"- {name}：{'；'.join(before.notes)}。")
            continue
        changed = [
            f"{RULE_LABELS[field]}为“{describe(field, getattr(before, field).value)}”"
            for field in RULE_LABELS
            if describe(field, getattr(before, field).value)
            != describe(field, getattr(after, field).value)
        ]
        lines.append(
            f"- {name}：适用村民委员会组织法(2018)和本省办法；"
            + ("、".join(changed) if changed else "其余同上表")
            + "。"
        )
    return lines


def _residents() -> list[str]:
    profiles = [
        effective_profile("residents", "", BEFORE_2018),
        effective_profile("residents", "", BEFORE_2026),
        *(effective_profile("residents", "", FROM_2026, mode) for mode in MODE_NAMES),
        effective_profile("residents", "41", FROM_2026),
    ]
    headers = [
        "全国(1989)",
        "全国(2018)",
        *(f"全国(2025) {name}" for name in MODE_NAMES.values()),
        f"{PROVINCE_PROFILES['41']}(2025) {MODE_NAMES['all_voters']}",
    ]
    return [
        f"## {BODY_NAMES['residents']}",
        "",
        "各省村民委员会选举办法不适用于居民委员会；河南省另有实施城市居民委员会组织法的办法。"
        "1989年、2018年文本未规定投票有效和当选的票数，参照当时施行的村民委员会组织法计算；"
        "2010年10月28日前的选举，本系统未收录当时的村民委员会组织法，按过半数规则计算（本系统的解释）。",
        "",
        *_table(headers, profiles),
    ]


def _party() -> list[str]:
    profiles = [
        effective_profile("party", "", FROM_2026),
        effective_profile("party", "", FROM_2026, meeting="committee"),
        effective_profile("party", "", BEFORE_2018),
    ]
    headers = [
        "中国共产党基层组织选举工作条例(2020) 党员大会",
        "同上 委员会全体会议选举书记、副书记",
        "中国共产党基层组织选举工作暂行条例(1990) 党员大会",
    ]
    return [
        f"## {BODY_NAMES['party']}",
        "",
        "第二十六条至第二十八条的条文序号凭记忆，内容经二手文本核实（RULES.md §9）。",
        "",
        *(f"- {note}。" for profile in profiles[1:] for note in profile.notes),
        "",
        *_table(headers, profiles),
    ]


def _supervision() -> list[str]:
    profiles = [
        effective_profile("supervision", "", BEFORE_2018),
        effective_profile("supervision", "", BEFORE_2026),
        effective_profile("supervision", "", FROM_2026),
    ]
    return [
        f"## {BODY_NAMES['supervision']}",
        "",
        *(f"{note}。" for note in profiles[1].notes),
        "",
        *_table(["全国(2010)", "全国(2018)", "全国(2025)"], profiles),
    ]


def render() -> str:
    """The whole document.

    >>> render().count("| 规则 |")
    4
    """
    texts = [
        f"| {BODY_NAMES[body]} | {text.title} | {cn_date(text.since)} |"
        for body, group in NATIONAL_TEXTS.items()
        for text in group
    ]
    lines = [
        "# 选举规则一览",
        "",
        "本文件由 `python -m huanjie.rules.docs > docs/rules.md` 根据 `huanjie/rules/profiles.py` 生成，"
        "请勿手工修改；测试会比对两者。",
        "",
        "## 计算方法",
        "",
        "- 全部用整数计算，不用小数。",
        "- “过半数”“超过一半”：2 × 票数 > 基数；恰好一半不够。",
        "- “不得少于三分之一”：3 × 票数 ≥ 基数。",
        "- “超过三分之二”：3 × 人数 > 2 × 基数；“超过应到会人数的五分之四”：5 × 实到 > 4 × 应到。",
        "- “以上”包括本数（民法典 第一千二百五十九条）：“五分之一以上”为 5 × 人数 ≥ 基数。",
        "- 党组织差额“不少于应选人数的20%”：候选人数 ≥ 应选人数 + ⌈应选人数 × 20%⌉。",
        "- 期间：开始的当日不计入（民法典 第二百零一条）；“选举日的二十日前”为不迟于选举日减二十日；"
        "年满十八周岁按周岁生日计算，2月29日出生的，平年以2月28日为周岁生日（民法典 第二百零三条）。",
        "",
        "## 法律文本的施行日期",
        "",
        "选举适用选举日施行的文本；选举日早于本系统收录的最早文本的，本系统不予计票，写明未收录该文本。"
        "村务监督委员会选举适用村民委员会组织法。",
        "",
        "| 选举 | 文本 | 施行日期 |",
        "|---|---|---|",
        *texts,
        f"| {BODY_NAMES['villagers']} | {GUIDE} | {cn_date(GUIDE_FROM)}（此前的选举不引用） |",
        "",
        "## 已收录的省份",
        "",
        "RULES.md只写明年份的省级办法，按该年1月1日起施行计算（实际施行日期未核实）；选举日在施行日期前的，"
        "仅适用全国性法律，计票结果的 `rules` 中写明。",
        "",
        "| 代码 | 省份 | 村民委员会选举办法 | 适用的选举 |",
        "|---|---|---|---|",
    ]
    for code, name in PROVINCE_PROFILES.items():
        title, since = PROVINCE_MEASURES[code]
        lines.append(f"| {code} | {name} | {title} | {cn_date(since)}起 |")
    lines += [
        f"| 41 | {PROVINCE_PROFILES['41']} | {HEN_RC}（居民委员会） | {cn_date(HEN_RC_FROM)}起 |",
        "",
        "未收录的省份适用全国性法律，计票结果的 `rules` 中写明。",
        "",
        *_villagers(),
        "",
        *_residents(),
        "",
        *_party(),
        "",
        *_supervision(),
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    """Write the document to standard output.

    >>> main()  # doctest: +ELLIPSIS
    # 选举规则一览
    ...
    0
    """
    sys.stdout.write(render())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
