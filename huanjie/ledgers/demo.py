"""The demo's ledgers for 大通 (seed 000: 21个二类村转化为一类村; seed 004: 选情复杂村整顿台账,
“一肩挑”人选尚未物色到位的村, 离任审计): every village assessed on 2026-11-10, 21 二类 villages
turned 一类 on 2026-11-28, 14 complex villages with contingency plans and rectification items
(four with every item closed, so they left the complex list), departure audits at every stage,
and a dual-role person in view for every village but 21. Written through the services by the
town's officer (or the county's), so the history and the audit log are as a user leaves them."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.db import transaction

from huanjie.accounts.models import User
from huanjie.elections.models import Campaign, CampaignVillage
from huanjie.ledgers.models import Assessment
from huanjie.ledgers.services import assessments, audits, candidates, rectification

ASSESSED = date(2026, 11, 10)
UPGRADED = date(2026, 11, 28)
UPGRADES = 21
COMPLEX = 14
CLEARED = 4
MISSING_DUAL_ROLE = 21

SURNAMES = "马祁韩李王张赵刘陈杨鲁朱冶"
GIVEN = (
    "海龙",
    "建国",
    "秀英",
    "玉兰",
    "成林",
    "福海",
    "晓东",
    "永祥",
    "金花",
    "志强",
    "德明",
    "春梅",
)
POSTS = (
    "村党支部副书记",
    "村委会委员",
    "村务监督委员会主任",
    "致富带头人",
    "返乡大学生",
    "退役军人",
)
COMPLEX_REASONS = (
    "宗族派系矛盾突出",
    "村级班子软弱涣散",
    "群众信访较多",
    "村集体资产处置遗留问题",
    "拉票贿选苗头",
)
PROBLEMS = (
    ("村务公开不及时，账目不清", "乡镇纪委牵头清理账目，按月公开村务"),
    ("“三资”台账缺失", "建立村集体“三资”台账，县农业农村局指导"),
    ("土地流转纠纷未化解", "包村领导牵头调解，依法处理遗留问题"),
    ("班子成员长期不在岗", "调整分工，落实坐班值班制度"),
    ("历史遗留信访案件未办结", "逐件复核，限期答复信访人"),
)
PLAN_CASES = (
    ("low_turnout", "提前入户宣传，组织外出务工人员委托投票，设流动票箱"),
    ("head_not_elected", "预备人选方案，落选后按程序另行选举"),
    ("disruption", "派出所民警驻村，维护会场秩序"),
    ("petitions", "设立信访接待点，当场登记，限时答复"),
)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def ledgers_seed(
    *, campaign: Campaign, officers: dict[str, User], county: User | None = None
) -> str:
    """Seed the ledgers of `campaign`'s villages, each written by the officer of its town
    (`officers`: town code → user) or else `county`. Returns the summary line."""
    rng = random.Random(20261204)
    entries = [
        e
        for e in CampaignVillage.objects.filter(campaign=campaign, included=True)
        .select_related("region")
        .order_by("region_id")
        if officers.get(e.region_id[:9]) or county
    ]
    if Assessment.objects.filter(campaign=campaign).exists() or not entries:
        return "工作台账：已有数据或没有村(社区)，未生成"
    with transaction.atomic():
        return _seed(campaign, entries, officers, county, rng)


def _seed(
    campaign: Campaign,
    entries: list[CampaignVillage],
    officers: dict[str, User],
    county: User | None,
    rng: random.Random,
) -> str:
    actor_of = {e.region_id: officers.get(e.region_id[:9]) or county for e in entries}
    second = _assess(campaign, entries, actor_of, rng)
    upgraded = _upgrade(campaign, second[:UPGRADES], actor_of)
    complex_entries = [e for e in entries if e not in second[:UPGRADES]][
        :: max(1, len(entries) // COMPLEX)
    ][:COMPLEX]
    items = _rectify(campaign, complex_entries, actor_of, rng)
    audited = _audit(campaign, entries[::7], actor_of, rng)
    missing = set(e.region_id for e in rng.sample(entries, min(MISSING_DUAL_ROLE, len(entries))))
    found = _candidates(campaign, [e for e in entries if e.region_id not in missing], actor_of, rng)
    return (
        f"工作台账：研判 {len(entries)} 个村（{upgraded} 个二类村转为一类），"
        f"选情复杂村 {len(complex_entries)} 个、整顿事项 {items} 条，离任审计 {audited} 项，"
        f"“一肩挑”人选已物色 {found} 个村、未物色到位 {len(entries) - found} 个村"
    )


def _at(campaign: Campaign, entry: CampaignVillage, actor_of: dict[str, Any]) -> dict[str, Any]:
    return {"actor": actor_of[entry.region_id], "campaign": campaign, "region": entry.region}


def _assess(
    campaign: Campaign, entries: list[CampaignVillage], actor_of: dict[str, Any], rng: random.Random
) -> list[CampaignVillage]:
    """Every village assessed; returns the 二类 ones (the first of which turn 一类)."""
    second = []
    for entry in entries:
        roll = rng.random()
        category = "1" if roll < 0.55 else ("2" if roll < 0.9 else "3")
        if category == "2":
            second.append(entry)
        assessments.assessment_save(
            **_at(campaign, entry, actor_of),
            item=None,
            values={
                "category": category,
                "complex": False,
                "complex_reasons": "",
                "assessed_on": ASSESSED,
                "note": "",
            },
        )
    return second


def _values(item: Assessment, **over: Any) -> dict[str, Any]:
    return {
        "category": item.category,
        "complex": item.complex,
        "complex_reasons": item.complex_reasons,
        "assessed_on": item.assessed_on,
        "note": item.note,
        **over,
    }


def _upgrade(campaign: Campaign, entries: list[CampaignVillage], actor_of: dict[str, Any]) -> int:
    for entry in entries:
        item = Assessment.objects.get(campaign=campaign, region=entry.region)
        assessments.assessment_save(
            **_at(campaign, entry, actor_of),
            item=item,
            values=_values(
                item, category="1", assessed_on=UPGRADED, note="班子调整到位，转化为一类村"
            ),
        )
    return len(entries)


def _rectify(
    campaign: Campaign, entries: list[CampaignVillage], actor_of: dict[str, Any], rng: random.Random
) -> int:
    """Complex villages, their plans and rectification items; the first CLEARED have every item
    closed (so they leave the list), the others some."""
    count = 0
    for n, entry in enumerate(entries):
        at = _at(campaign, entry, actor_of)
        item = Assessment.objects.get(campaign=campaign, region=entry.region)
        reasons = "；".join(rng.sample(COMPLEX_REASONS, 2))
        assessments.assessment_save(
            **at,
            item=item,
            values=_values(item, category="3", complex=True, complex_reasons=reasons),
        )
        for case, measures in PLAN_CASES:
            assessments.contingency_save(
                **at,
                item=None,
                values={
                    "case": case,
                    "measures": measures,
                    "responsible": f"包村干部{_name(rng)}",
                    "note": "",
                },
            )
        rows = []
        for k, (problem, measures) in enumerate(rng.sample(PROBLEMS, rng.randint(1, 3))):
            rows.append(
                rectification.rectification_save(
                    **at,
                    item=None,
                    values={
                        "problem": problem,
                        "measures": measures,
                        "leader": _name(rng),
                        "leader_level": "county" if k == 0 else "town",
                        "due_on": date(2026, 12, 1) + timedelta(days=7 * rng.randint(0, 5)),
                    },
                )
            )
        count += len(rows)
        # Closed after all are recorded: the last one closed takes the village off the list.
        for k, row in enumerate(rows):
            if n < CLEARED or (k == 0 and n % 2 and len(rows) > 1):
                rectification.rectification_close(
                    actor=at["actor"],
                    item=row,
                    closed_on=date(2026, 11, 20) + timedelta(days=rng.randint(0, 12)),
                    close_note="整改到位，经乡镇党委验收销号",
                )
    return count


def _audit(
    campaign: Campaign, entries: list[CampaignVillage], actor_of: dict[str, Any], rng: random.Random
) -> int:
    for n, entry in enumerate(entries):
        at = _at(campaign, entry, actor_of)
        community = entry.region.kind == "community"
        item = audits.audit_save(
            **at,
            item=None,
            values={
                "audit_kind": "finance" if community else rng.choice(("tenure", "departure")),
                "subject": f"{'居委会' if community else '村委会'}主任{_name(rng)}",
                "auditor": "县农业农村局经管站",
            },
        )
        if n % 3 == 0:
            continue
        start = date(2026, 11, 15) + timedelta(days=rng.randint(0, 10))
        audits.audit_start(actor=at["actor"], item=item, started_on=start)
        if n % 3 == 2:
            audits.audit_report(
                actor=at["actor"],
                item=item,
                reported_on=start + timedelta(days=rng.randint(3, 8)),
                findings="财务收支基本规范，未发现重大问题",
                problems="个别支出票据不全" if rng.random() < 0.4 else "",
            )
    return len(entries)


def _candidates(
    campaign: Campaign, entries: list[CampaignVillage], actor_of: dict[str, Any], rng: random.Random
) -> int:
    for entry in entries:
        at = _at(campaign, entry, actor_of)
        item = candidates.candidate_save(
            **at,
            item=None,
            values={
                "role": "dual_role",
                "name": _name(rng),
                "sex": "F" if rng.random() < 0.2 else "M",
                "birth_year": rng.randint(1970, 1995),
                "current_post": rng.choice(POSTS),
                "note": "",
            },
        )
        if rng.random() < 0.8:
            candidates.candidate_confirm(actor=at["actor"], item=item)
    return len(entries)
