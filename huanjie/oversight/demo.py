"""The demo county's oversight ledgers on 2026-12-04, a month into the campaign, through the
services, shaped by seed 000 (大通县, the whole campaign: 4 county inspection groups led by
county leaders, 700 visits, 34 petitions settled, 99 training sessions, 14 meetings and 29
documents), so that about a third of those figures stand by now:

- 4 groups, each covering five towns; the demo inspector (dt_inspect) is a member of the first,
  which covers 桥头镇;
- about 150 visits since 11月3日, a problem found on about one visit in four: most closed,
  some being rectified, a few open (some past their time limit);
- 20 petitions and reports: most settled within the limit, some under way, two received in
  September still unsettled (past the 60 days), one extended;
- county and town training sessions, with attendees for the towns' ones;
- the county's and two towns' meetings and documents.

Deterministic (a fixed random seed) and idempotent: a second run adds nothing."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Final

from django.utils import timezone

from huanjie.accounts.models import Role, User
from huanjie.oversight.models import InspectionGroup, TrainingKind
from huanjie.oversight.services import inspections, petitions, records, training
from huanjie.regions.models import Region

if TYPE_CHECKING:
    from huanjie.elections.models import Campaign

GROUPS: Final = (
    ("第一督导组", "县委常委、组织部部长 马海龙"),
    ("第二督导组", "县人大常委会副主任 祁建国"),
    ("第三督导组", "县政府副县长 李秀英"),
    ("第四督导组", "县政协副主席 韩德明"),
)
CHECKS: Final = (
    "村“两委”班子运行和换届准备情况",
    "选民登记和选民名单公布情况",
    "村民选举委员会推选情况",
    "候选人资格联审情况",
    "换届纪律宣传和“十条禁令”公告张贴情况",
    "一村一策应急预案制定情况",
    "离任经济责任审计公布情况",
)
PROBLEMS: Final = (
    ("选民名单未在村民小组张榜公布", "三日内在各村民小组张榜公布"),
    ("外出务工人员登记参选意愿未逐户核实", "逐户电话核实，补登记"),
    ("换届纪律公告未张贴到自然村", "补贴公告并留存照片"),
    ("村民选举委员会推选会议记录不全", "补齐会议记录和签到表"),
    ("委托投票登记手续不完整", "补办委托书，核对近亲属关系"),
    ("应急预案未明确责任人", "明确包村干部和责任人"),
)
PETITIONS: Final = (
    ("petition", "visit", "反映本村选民登记遗漏长期在外务工人员"),
    ("report", "letter", "举报有人以宴请方式拉票"),
    ("petition", "phone", "反映村民选举委员会成员推选程序不规范"),
    ("report", "online", "举报村干部候选人有违法用地问题"),
    ("petition", "visit", "反映户籍迁出人员仍在选民名单中"),
    ("petition", "referred", "上级转办：反映村务公开不及时"),
)
OUTCOMES: Final = (
    "经调查核实，已补正并答复信访人",
    "经调查反映不属实，已当面答复",
    "已责成村里整改，信访人表示满意",
)
TRAINING: Final = (
    ("全县村(社区)“两委”换届选举工作培训会", TrainingKind.MEETING, "县委组织部 马海龙"),
    ("换届选举政策法规专题培训", TrainingKind.COURSE, "县民政局 李华"),
    ("选民登记业务培训", TrainingKind.COURSE, "县民政局 李华"),
    ("换届选举实战演练观摩", TrainingKind.DRILL, "县委组织部 韩娟"),
)
TOWN_TRAINING: Final = (
    ("村级换届骨干业务培训", TrainingKind.MEETING),
    ("老村干部传帮带座谈", TrainingKind.MENTORING),
    ("换届政策进村入户宣讲", TrainingKind.PUBLICITY),
)
SURNAMES: Final = "马祁李韩鲁冶赵王张刘朱陈"
GIVEN: Final = ("福祥", "永红", "建国", "秀兰", "德明", "玉梅", "海龙", "国庆", "成林", "文清")
POSTS: Final = ("村党支部书记", "村委会主任", "村务监督委员会主任", "村文书", "驻村第一书记")
MEETINGS: Final = (
    "县委常委会专题研究村(社区)“两委”换届工作",
    "全县村(社区)“两委”换届工作动员部署会",
    "换届工作领导小组第一次会议",
    "换届工作推进会",
    "换届风险隐患排查化解工作会",
)
DOCUMENTS: Final = (
    ("关于做好全县村(社区)“两委”换届工作的实施方案", "大办发〔2026〕31号"),
    ("村(社区)“两委”换届选举工作流程图", "大组通〔2026〕45号"),
    ("关于依法处置干扰村(社区)“两委”换届选举行为的公告", "大通公告〔2026〕3号"),
    ("村(社区)“两委”换届“十条禁令”", "大纪发〔2026〕12号"),
    ("关于开展村“两委”成员资格联审工作的通知", "大组通〔2026〕48号"),
    ("村(社区)“两委”换届选举应急预案", "大办发〔2026〕35号"),
)
TOWN_MEETINGS: Final = ("镇换届工作部署会", "镇换届工作推进会")
START: Final = date(2026, 11, 3)


def oversight_seed(*, campaign: Campaign, officers: dict[str, User]) -> str:
    """Seed `campaign`'s oversight ledgers; `officers` are the towns' officers by town code (the
    county officer is the campaign's creator). Returns a line for the demo command."""
    if InspectionGroup.objects.filter(campaign=campaign).exists():
        return "督导、信访与培训：已存在，保留不变"
    county = campaign.created_by
    rng = random.Random(2026)
    today = timezone.localdate()
    towns = list(Region.objects.filter(parent_id=campaign.region_id).order_by("code"))
    inspectors = list(
        User.objects.filter(
            role_grants__role=Role.INSPECTOR, region__code__startswith=campaign.region_id
        ).order_by("username")
    )
    groups = _groups(campaign, county, towns, inspectors)
    visits, problems = _visits(campaign, county, groups, inspectors, rng, today)
    petitioned = _petitions(campaign, county, officers, towns, rng, today)
    sessions, attendees = _training(campaign, county, officers, towns, rng, today)
    meetings = _records(campaign, county, officers, rng, today)
    return (
        f"督导：{len(groups)} 个督导组，督导 {visits} 次，发现问题 {problems} 个；"
        f"信访举报 {petitioned} 起；培训 {sessions} 场次、参训 {attendees} 人次；"
        f"会议、文件 {meetings} 件"
    )


def _groups(
    campaign: Campaign, county: User, towns: list[Region], inspectors: list[User]
) -> list[InspectionGroup]:
    """Four groups, each covering every fourth town; the inspectors in the first."""
    return [
        inspections.group_create(
            actor=county,
            campaign=campaign,
            name=name,
            leader=leader,
            members=inspectors if i == 0 else [],
            towns=towns[i::4],
        )
        for i, (name, leader) in enumerate(GROUPS)
    ]


def _visits(
    campaign: Campaign,
    county: User,
    groups: list[InspectionGroup],
    inspectors: list[User],
    rng: random.Random,
    today: date,
) -> tuple[int, int]:
    days = (today - START).days
    visits = problems = 0
    for group in groups:
        recorder = inspectors[0] if group.members.exists() and inspectors else county
        places = list(Region.objects.filter(parent__in=group.towns.all()).order_by("code")) + list(
            group.towns.all()
        )
        for _ in range(38):
            place = rng.choice(places)
            visited = START + timedelta(days=rng.randrange(max(days, 1)))
            visit = inspections.visit_save(
                actor=recorder,
                campaign=campaign,
                region=place,
                item=None,
                values={
                    "group": group.name,
                    "visited_on": visited,
                    "checked": rng.choice(CHECKS),
                    "summary": "工作推进有序" if rng.random() < 0.7 else "个别环节滞后，已当场反馈",
                },
            )
            visits += 1
            if rng.random() < 0.27:
                _problem(campaign, county, recorder, visit, rng, today)
                problems += 1
    return visits, problems


def _problem(
    campaign: Campaign, county: User, recorder: User, visit: Any, rng: random.Random, today: date
) -> None:
    description, requirement = rng.choice(PROBLEMS)
    problem = inspections.problem_save(
        actor=recorder,
        campaign=campaign,
        region=visit.region,
        item=None,
        values={
            "visit": visit.number,
            "description": description,
            "requirement": requirement,
            "due_on": visit.visited_on + timedelta(days=rng.choice((3, 5, 7))),
        },
    )
    fate = rng.random()
    if fate < 0.25:
        return  # still open (past its limit when the visit was long ago)
    problem = inspections.problem_follow_up(
        actor=county,
        item=problem,
        measures=requirement,
        on=min(visit.visited_on + timedelta(days=1), today),
    )
    if fate < 0.45:
        return  # being rectified
    closed_on = min(visit.visited_on + timedelta(days=rng.randint(1, 6)), today)
    inspections.problem_close(
        actor=county, item=problem, closed_on=closed_on, close_note=f"已{requirement}"
    )


def _officer(officers: dict[str, User], county: User, code: str) -> User:
    return officers.get(code[:9], county)


def _petitions(
    campaign: Campaign,
    county: User,
    officers: dict[str, User],
    towns: list[Region],
    rng: random.Random,
    today: date,
) -> int:
    villages = list(
        Region.objects.filter(level=Region.Level.VILLAGE, code__startswith=campaign.region_id)
    )
    count = 0
    for i in range(20):
        kind, channel, summary = PETITIONS[i % len(PETITIONS)]
        place = rng.choice(villages)
        actor = _officer(officers, county, place.code)
        # Two from the assessment in September, still open: past the 60 days.
        received = date(2026, 9, 18 + i) if i < 2 else START + timedelta(days=rng.randrange(28))
        named = kind == "petition" and rng.random() < 0.6
        petition = petitions.petition_save(
            actor=actor,
            campaign=campaign,
            region=place,
            item=None,
            values={
                "kind": kind,
                "channel": channel,
                "received_on": received,
                "summary": summary,
                "petitioner_name": f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}" if named else "",
                "petitioner_phone": f"139{rng.randrange(10**8):08d}" if named else "",
            },
        )
        count += 1
        if i < 2:
            petitions.petition_handle(
                actor=actor,
                item=petition,
                handler="县信访局",
                measures="会同乡镇调查核实",
                on=received + timedelta(days=3),
            )
            continue
        if i == 2:
            petitions.petition_extend(actor=actor, item=petition, extension_reason="涉及多个部门")
        if i % 5 == 4:
            continue  # just received
        town = place.parent.display_name if place.parent else ""
        petition = petitions.petition_handle(
            actor=actor,
            item=petition,
            handler=f"{town}纪委",
            measures="入户调查核实",
            on=min(received + timedelta(days=2), today),
        )
        if i % 5 == 3:
            continue  # under way
        settled = min(received + timedelta(days=rng.randint(5, 20)), today)
        petitions.petition_settle(
            actor=actor, item=petition, settled_on=settled, outcome=rng.choice(OUTCOMES)
        )
    return count


def _training(
    campaign: Campaign,
    county: User,
    officers: dict[str, User],
    towns: list[Region],
    rng: random.Random,
    today: date,
) -> tuple[int, int]:
    area = Region.objects.get(code=campaign.region_id)
    sessions = attendees = 0
    for i, (title, kind, trainer) in enumerate(TRAINING):
        training.training_save(
            actor=county,
            campaign=campaign,
            region=area,
            item=None,
            values={
                "held_on": START + timedelta(days=3 + 7 * i),
                "title": title,
                "kind": kind,
                "trainer": trainer,
            },
        )
        sessions += 1
    for town in towns:
        actor = _officer(officers, county, town.code)
        villages = list(Region.objects.filter(parent=town).order_by("code"))
        for j, (title, kind) in enumerate(TOWN_TRAINING[: 1 + (int(town.code) % 3)]):
            session = training.training_save(
                actor=actor,
                campaign=campaign,
                region=town,
                item=None,
                values={
                    "held_on": min(START + timedelta(days=5 + 9 * j), today),
                    "title": f"{town.display_name}{title}",
                    "kind": kind,
                    "trainer": "",
                },
            )
            sessions += 1
            for village in villages[:8]:
                training.attendee_save(
                    actor=actor,
                    campaign=campaign,
                    region=town,
                    item=None,
                    values={
                        "session": session.number,
                        "name": f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}",
                        "post": rng.choice(POSTS),
                        "village": village.code,
                        "unit": "",
                    },
                )
                attendees += 1
    return sessions, attendees


def _records(
    campaign: Campaign, county: User, officers: dict[str, User], rng: random.Random, today: date
) -> int:
    area = Region.objects.get(code=campaign.region_id)
    made = []
    for i, title in enumerate(MEETINGS):
        made.append((county, area, "meeting", START + timedelta(days=-2 + 6 * i), title, ""))
    for i, (title, number) in enumerate(DOCUMENTS):
        made.append((county, area, "document", START + timedelta(days=4 * i), title, number))
    for code, officer in sorted(officers.items()):
        town = Region.objects.get(code=code)
        for i, title in enumerate(TOWN_MEETINGS):
            made.append(
                (
                    officer,
                    town,
                    "meeting",
                    START + timedelta(days=2 + 10 * i),
                    town.display_name + title,
                    "",
                )
            )
    for actor, region, kind, held_on, title, number in made:
        records.work_record_save(
            actor=actor,
            campaign=campaign,
            region=region,
            item=None,
            values={
                "kind": kind,
                "held_on": min(held_on, today),
                "title": title,
                "doc_number": number,
            },
        )
    return len(made)
