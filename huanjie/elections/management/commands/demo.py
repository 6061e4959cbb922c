"""`huanjie demo`: the demo county 630121 大通回族土族自治县, ready to click through.

Loads the county's real regions, a campaign, a synthetic but realistic population and one user
per role, and prints the users' passwords. In 城关镇 it also records, through the services as
the users would, deaths and deprivations of political rights (the rolls follow) and a village's
委托投票. Running it again keeps what is there and gives the demo users new passwords.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from huanjie.accounts.models import Department, Role, User
from huanjie.accounts.services import (
    RoleSpec,
    generate_password,
    user_create,
    user_reset_password,
)
from huanjie.audit.services import audit_record
from huanjie.elections.models import Campaign, CampaignVillage
from huanjie.elections.services import campaign_create, campaign_village_set_election_date
from huanjie.people.demo import generate_village
from huanjie.people.models import Person
from huanjie.people.services import PersonIn, people_bulk_create
from huanjie.regions.models import Region
from huanjie.regions.services import regions_load

COUNTY = "630121"
TOWN = "630121100"  # 桥头镇, the county seat
OTHER_TOWN = "630121101"  # 城关镇
PROXY_VILLAGE = "630121101200"  # 城关镇西关村

# username, full name, region, role, department
DEMO_USERS: list[tuple[str, str, str, str, str]] = [
    ("dt_county", "李建华（县委组织部）", COUNTY, Role.COUNTY_OFFICER, ""),
    ("dt_town", "马文清（桥头镇）", TOWN, Role.TOWN_OFFICER, ""),
    ("dt_town2", "祁永红（城关镇）", OTHER_TOWN, Role.TOWN_OFFICER, ""),
    ("dt_clerk", "韩玉梅（村选委会）", "", Role.VILLAGE_CLERK, ""),
    ("dt_review", "赵德明（县法院）", COUNTY, Role.REVIEWER, Department.COURT),
    ("dt_inspect", "鲁国庆（督导组）", COUNTY, Role.INSPECTOR, ""),
    ("dt_sysadmin", "王海（系统管理员）", COUNTY, Role.SYSTEM_ADMIN, ""),
    ("dt_secadmin", "冶秀兰（安全管理员）", COUNTY, Role.SECURITY_ADMIN, ""),
    ("dt_auditadmin", "朱立新（审计管理员）", COUNTY, Role.AUDIT_ADMIN, ""),
]


class Command(BaseCommand):
    help = "加载演示县 630121 大通回族土族自治县：区划、换届、人员和各角色演示用户"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="随机种子（默认 2026）")
        parser.add_argument(
            "--scale",
            type=float,
            default=0.4,
            help="人口规模系数，1.0 约为全县实际户籍人口（默认 0.4）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        report = regions_load(under=COUNTY)
        self.stdout.write(f"区划：{report.summary()}")
        county = Region.objects.get(code=COUNTY)
        villages = list(
            Region.objects.filter(level=Region.Level.VILLAGE, code__startswith=COUNTY).order_by(
                "code"
            )
        )
        accounts = self._users(villages)
        officer = User.objects.get(username="dt_county")
        campaign = Campaign.objects.filter(region=county, term_number=12).first()
        if campaign is None:
            left_out = villages[-1]
            campaign = campaign_create(
                actor=officer,
                name="2026年村(社区)“两委”换届",
                term_number=12,
                region=county,
                rule_province="",
                window_start=date(2026, 11, 1),
                window_end=date(2027, 3, 31),
                excluded={left_out.code: "村(社区)撤并调整中，待区划调整后另行安排"},
            )
        self.stdout.write(
            f"换届：{campaign.name}（第{campaign.term_number}届），{campaign.villages.count()} 个村(社区)"
        )
        self._election_days(campaign, officer)
        if Person.objects.filter(region__code__startswith=COUNTY).exists():
            self.stdout.write("人员：已存在，保留不变")
        else:
            created = self._people(villages, options["seed"], options["scale"])
            self.stdout.write(f"人员：新建 {created:,} 人")
            self._rolls(campaign, county, officer)
        self._status_changes(campaign, officer, options["seed"])
        self._proxies(campaign, options["seed"])
        self._party(campaign, options["seed"])
        self.stdout.write("")
        self.stdout.write("演示用户（密码每次运行重新生成）：")
        for username, password, role, full_name, region in accounts:
            self.stdout.write(
                f"  {username:<14} {password:<16} {Role(role).label} · {full_name} · {region.display_name}"
            )
        self.stdout.write(f"\n完成，用时 {time.perf_counter() - started:.1f} 秒。")

    def _users(self, villages: list[Region]) -> list[tuple[str, str, str, str, Region]]:
        """Create the demo users, or give the existing ones new passwords."""
        clerk_village = next(v for v in villages if v.code.startswith(TOWN) and v.kind == "village")
        accounts = []
        for username, full_name, region_code, role, dept in DEMO_USERS:
            region = Region.objects.get(code=region_code or clerk_village.code)
            user = User.objects.filter(username=username).first()
            if user is None:
                password = generate_password()
                user_create(
                    actor=None,
                    username=username,
                    full_name=full_name,
                    region=region,
                    roles=[RoleSpec(role=role, department=dept)],
                    password=password,
                )
            else:
                password = user_reset_password(actor=None, user=user, message="演示数据重新加载")
            accounts.append((username, password, role, full_name, region))
        return accounts

    def _election_days(self, campaign: Campaign, officer: User) -> None:
        """Each town holds its villages' elections on one day, the towns a week apart from
        2027-01-10: far enough ahead that a clerk can still publish the list 20 days before."""
        entries = CampaignVillage.objects.filter(
            campaign=campaign, included=True, election_date=None
        )
        towns = sorted({e.region_id[:9] for e in entries})
        days = {
            town: date(2027, 1, 10) + timedelta(days=7 * (i % 10)) for i, town in enumerate(towns)
        }
        for entry in entries.select_related("campaign"):
            campaign_village_set_election_date(
                actor=officer, entry=entry, election_date=days[entry.region_id[:9]]
            )
        if towns:
            self.stdout.write(f"选举日：{len(towns)} 个乡镇，{days[towns[0]]:%Y-%m-%d} 起每周一批")

    def _rolls(self, campaign: Campaign, county: Region, officer: User) -> None:
        """Register the adult residents of every included village through the county's import
        (the same pipeline and audit event as an uploaded file), except the demo clerk's village
        and the rest of 桥头镇, whose rolls the demo users import, register and publish themselves."""
        import csv
        import tempfile
        from pathlib import Path

        from huanjie.lib.crypto import decrypt_field
        from huanjie.rules.voters import age_on
        from huanjie.voters.importing import Limits
        from huanjie.voters.imports import run_pipeline

        entries = CampaignVillage.objects.filter(campaign=campaign, included=True).exclude(
            region__code__startswith=TOWN
        )
        days: dict[str, date] = {
            code: day for code, day in entries.values_list("region_id", "election_date") if day
        }

        def audit(outcome: Any) -> None:
            audit_record(
                actor=officer,
                action="voters.import",
                object_type="elections.campaign",
                object_id=str(campaign.pk),
                changes={"source": "demo", "accepted": outcome.accepted},
            )

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "大通县选民名单.csv"
            with path.open("w", newline="", encoding="utf-8") as fh:
                out = csv.writer(fh)
                out.writerow(["村(社区)代码", "姓名", "公民身份号码", "村民小组", "户号"])
                people = Person.objects.filter(region_id__in=list(days)).order_by("region_id", "id")
                for p in people.iterator(chunk_size=5000):
                    if age_on(p.birth_date, days[p.region_id]) < 18:
                        continue  # not a voter on election day (村民委员会组织法 第十六条)
                    number = decrypt_field(p.id_cipher, "person.id_number")
                    out.writerow([p.region_id, p.name, number, p.group_name, p.household_no])
            outcome = run_pipeline(
                campaign=campaign,
                scope=county,
                path=path,
                filename=path.name,
                commit=True,
                limits=Limits(max_bytes=2**31, max_uncompressed=2**32, max_rows=2_000_000),
                audit=audit,
            )
        self.stdout.write(f"选民登记：{outcome.accepted:,} 人（桥头镇各村留待演示导入）")

    def _status_changes(self, campaign: Campaign, officer: User, seed: int) -> None:
        """Deaths, two deprivations of political rights (one beyond election day, one for life)
        and a restoration among 城关镇's registered voters, recorded by the county officer from
        the notices (people.status, audited), as 民政、公安 and the courts send them in the
        months before the election: the rolls, unpublished, follow (registrations removed, the
        restored voter's flagged for registering again). Done once: skipped when 城关镇 has any
        recorded change."""
        from huanjie.people.models import PersonStatusChange, StatusKind
        from huanjie.people.status import person_status_record
        from huanjie.rules.voters import age_on
        from huanjie.voters.models import VoterRegistration

        if PersonStatusChange.objects.filter(person__region__code__startswith=OTHER_TOWN).exists():
            self.stdout.write("人员变动：已存在，保留不变")
            return
        registrations = list(
            VoterRegistration.objects.filter(
                campaign=campaign,
                village__code__startswith=OTHER_TOWN,
                active=True,
                person__died_on=None,
                person__rights_deprived_from=None,
            )
            .select_related("person")
            .order_by("village_id", "id")
        )
        days = [
            d
            for d in CampaignVillage.objects.filter(
                campaign=campaign, included=True, region__code__startswith=OTHER_TOWN
            ).values_list("election_date", flat=True)
            if d
        ]
        if not registrations or not days:
            self.stdout.write("人员变动：城关镇尚无选民登记，未生成")
            return
        election_day = min(days)
        # Notices of the last months: before today, and before election day (so they count).
        latest = min(timezone.localdate(), election_day - timedelta(days=1))
        rng = random.Random(seed + 2)

        def age(reg: VoterRegistration) -> int:
            return age_on(reg.person.birth_date, latest)

        def ago(lo: int, hi: int) -> date:
            return latest - timedelta(days=rng.randint(lo, hi))

        old = [r for r in registrations if age(r) >= 70]
        middle = [r for r in registrations if 40 <= age(r) < 70]
        dying = rng.sample(old, min(10, len(old))) + rng.sample(middle, min(2, len(middle)))
        taken = {r.pk for r in dying}
        men = [
            r
            for r in registrations
            if r.pk not in taken and r.person.sex == "M" and 22 <= age(r) <= 55
        ]
        convicted = rng.sample(men, 3) if len(men) >= 3 else []

        # (registration, kind, on, until, source), in the order the notices arrive.
        records: list[tuple[VoterRegistration, str, date, date | None, str]] = []
        for reg in dying:
            on = ago(5, 150)
            if rng.random() < 0.6:
                serial = f"{COUNTY}{on:%y}{rng.randrange(100000):05d}"
                source = f"死亡医学证明（推断）书 No.{serial}"
            else:
                source = (
                    f"大通县公安局城关派出所户口注销证明（{on.year}）第{rng.randint(40, 600)}号"
                )
            records.append((reg, StatusKind.DIED, on, None, source))
        records.sort(key=lambda r: r[2])
        term_until: date | None = None
        if convicted:
            term, life, restored = convicted
            # 剥夺政治权利三年 (刑法 第五十五条), running past election day.
            on = ago(200, 500)
            term_until = max(_plus_years(on, 3), election_day + timedelta(days=180))
            term_until -= timedelta(days=1)
            records.append(
                (
                    term,
                    StatusKind.RIGHTS_DEPRIVED,
                    on,
                    term_until,
                    f"大通县人民法院（{on.year}）青0121刑初{rng.randint(20, 260)}号刑事判决书："
                    "剥夺政治权利三年",
                )
            )
            # 无期徒刑，剥夺政治权利终身 (刑法 第五十七条).
            on = ago(4 * 365, 9 * 365)
            records.append(
                (
                    life,
                    StatusKind.RIGHTS_DEPRIVED,
                    on,
                    None,
                    f"西宁市中级人民法院（{on.year}）青01刑初{rng.randint(10, 90)}号刑事判决书："
                    "无期徒刑，剥夺政治权利终身",
                )
            )
            # A sentence shortened (减刑): the deprivation ends early, and the executing police
            # notify the village (公安机关办理刑事案件程序规定 第三百一十一条).
            on = ago(600, 900)
            back = ago(7, 40)
            records.append(
                (
                    restored,
                    StatusKind.RIGHTS_DEPRIVED,
                    on,
                    _plus_years(on, 3) - timedelta(days=1),
                    f"大通县人民法院（{on.year}）青0121刑初{rng.randint(20, 260)}号刑事判决书："
                    "剥夺政治权利三年",
                )
            )
            records.append(
                (
                    restored,
                    StatusKind.RIGHTS_RESTORED,
                    back,
                    None,
                    "大通县公安局恢复政治权利通知书（减刑后剥夺政治权利期满）",
                )
            )
        removed = flagged = 0
        with transaction.atomic():
            for reg, kind, on, until, source in records:
                change = person_status_record(
                    actor=officer, person=reg.person, kind=kind, on=on, until=until, source=source
                )
                removed += change.removed
                flagged += change.flagged
        rights = (
            f"剥夺政治权利 2 人（1 人至{term_until:%Y-%m-%d}，1 人终身）、恢复政治权利 1 人"
            if term_until
            else "剥夺政治权利 0 人"
        )
        self.stdout.write(
            f"人员变动：城关镇登记死亡 {len(dying)} 人、{rights}（县级登记），"
            f"选民登记除名 {removed} 处、待核实 {flagged} 处"
        )

    def _proxies(self, campaign: Campaign, seed: int) -> None:
        """委托投票 in 西关村, recorded by the 城关镇 officer (voters.services, audited): voters
        away on election day leave a written proxy with a close relative of their household
        (so of their group), filed some days ago and within the engine's deadline for the
        village's election day; one is withdrawn since, its principal back home. Done once:
        skipped when the village has any proxy."""
        from huanjie.people.demo import CHILD, SPOUSE, known_relations
        from huanjie.rules.voters import age_on
        from huanjie.voters.models import Proxy, VoterRegistration
        from huanjie.voters.services import proxy_record, proxy_withdraw, village_profile

        entry = (
            CampaignVillage.objects.filter(
                campaign=campaign, region_id=PROXY_VILLAGE, included=True
            )
            .select_related("campaign", "region")
            .first()
        )
        if entry is None or entry.election_date is None:
            return
        village = entry.region
        if Proxy.objects.filter(campaign=campaign, village=village).exists():
            self.stdout.write("委托投票：已存在，保留不变")
            return
        registered = {
            r.person_id: r
            for r in VoterRegistration.objects.filter(
                campaign=campaign, village=village, active=True
            ).select_related("person")
        }
        households: dict[str, list[Person]] = {}
        for person in Person.objects.filter(region=village).order_by("household_no", "id"):
            households.setdefault(person.household_no, []).append(person)
        rng = random.Random(seed + 3)
        # (principal, holder, relation) per household: a spouse, or a parent and an adult child.
        couples: list[tuple[VoterRegistration, VoterRegistration, str]] = []
        families: list[tuple[VoterRegistration, VoterRegistration, str]] = []
        for members in households.values():
            relations = known_relations([(p.sex, p.birth_date) for p in members])
            parents = [members[0]] + [members[i] for i, r in relations.items() if r == SPOUSE]
            parents = [p for p in parents if p.pk in registered]
            children = [members[i] for i, r in relations.items() if r == CHILD]
            children = [c for c in children if c.pk in registered]
            if len(parents) == 2:
                husband, wife = sorted(parents, key=lambda p: p.sex != "M")
                # Mostly the husband is away working (西宁、外省务工); sometimes the wife.
                away, home = (husband, wife) if rng.random() < 0.7 else (wife, husband)
                couples.append((registered[away.pk], registered[home.pk], "夫妻"))
            if parents and children:
                parent, child = rng.choice(parents), rng.choice(children)
                word = ("父" if parent.sex == "M" else "母") + ("子" if child.sex == "M" else "女")
                # A young adult away for work leaves it with a parent; an old parent in hospital
                # or unable to walk to the polls leaves it with a child.
                if age_on(parent.birth_date, entry.election_date) >= 72:
                    families.append((registered[parent.pk], registered[child.pk], word))
                else:
                    families.append((registered[child.pk], registered[parent.pk], word))
        rng.shuffle(couples)
        rng.shuffle(families)
        chosen: list[tuple[VoterRegistration, VoterRegistration, str]] = []
        used: set[int] = set()
        for pair in (
            [p for both in zip(families, couples, strict=False) for p in both] + families + couples
        ):
            if len(chosen) == 5:
                break
            principal, holder, _ = pair
            if {principal.pk, holder.pk} & used or principal.group_name != holder.group_name:
                continue
            chosen.append(pair)
            used |= {principal.pk, holder.pk}
        if not chosen:
            self.stdout.write(f"委托投票：{village.display_name}未找到可委托的近亲属，未生成")
            return
        # The engine's filing deadline for this village's election day (some provinces want
        # the paperwork days before); none in the law means any day before election day.
        filing_days = village_profile(entry).proxy.value.filing_days
        deadline = entry.election_date - timedelta(days=filing_days or 1)
        today = timezone.localdate()
        latest = min(today, deadline)
        offsets = sorted(rng.sample(range(2, 22), len(chosen)), reverse=True)
        actor = User.objects.get(username="dt_town2")
        proxies = []
        with transaction.atomic():
            for (principal, holder, relation), offset in zip(chosen, offsets, strict=True):
                proxies.append(
                    proxy_record(
                        actor=actor,
                        principal=principal,
                        holder=holder,
                        relation=relation,
                        close_relative=True,
                        filed_on=latest - timedelta(days=offset),
                    )
                )
            first = proxies[0]
            withdrawn_on = min(
                first.filed_on + timedelta(days=rng.randint(3, 8)),
                today,
                entry.election_date - timedelta(days=1),
            )
            proxy_withdraw(
                actor=actor,
                proxy=first,
                on=withdrawn_on,
                reason="委托人已返乡，选举日本人到场投票",
            )
        self.stdout.write(
            f"委托投票：{village.display_name} {len(proxies)} 件（近亲属、同一村民小组，"
            f"{proxies[0].filed_on:%m-%d} 至 {proxies[-1].filed_on:%m-%d} 办理），"
            f"已撤销 1 件（{withdrawn_on:%m-%d}，委托人返乡自行投票）"
        )

    def _party(self, campaign: Campaign, seed: int) -> None:
        """Party branches with members in 桥头镇 and 城关镇 (through the party services, so each
        member is audited); the other towns are left for the demo users to fill in."""
        from huanjie.lib.crypto import decrypt_field
        from huanjie.party.models import MemberStatus, PartyBranch
        from huanjie.party.services import branch_create, member_add, member_registration_set

        if PartyBranch.objects.filter(village__code__startswith=COUNTY).exists():
            return
        rng = random.Random(seed + 1)
        town_officer = {
            TOWN: User.objects.get(username="dt_town"),
            OTHER_TOWN: User.objects.get(username="dt_town2"),
        }
        statuses = (
            [MemberStatus.FULL] * 17
            + [MemberStatus.PROBATIONARY] * 2
            + [MemberStatus.PROBATION_DISCIPLINE]
        )
        members = 0
        for town, actor in town_officer.items():
            villages = Region.objects.filter(
                level=Region.Level.VILLAGE, code__startswith=town
            ).order_by("code")
            for village in villages[:8]:
                short = village.display_name
                branch = branch_create(
                    actor=actor, village=village, name=f"中共{short}支部委员会", kind="branch"
                )
                adults = list(
                    Person.objects.filter(
                        region=village, birth_date__lte=date(1999, 1, 1)
                    ).order_by("id")[:400]
                )
                for person in rng.sample(adults, min(len(adults), rng.randint(12, 36))):
                    member = member_add(
                        actor=actor,
                        branch=branch,
                        name=person.name,
                        id_number=decrypt_field(person.id_cipher, "person.id_number"),
                        status=rng.choice(statuses),
                        flowing=rng.random() < 0.12,
                    )
                    if member.status == MemberStatus.FULL and (
                        not member.flowing or rng.random() < 0.6
                    ):
                        member_registration_set(
                            actor=actor,
                            campaign=campaign,
                            member=member,
                            registered=True,
                            registered_on=date(2026, 11, 20),
                        )
                    members += 1
        self.stdout.write(f"党组织：桥头镇、城关镇各 8 个村党支部，党员 {members} 人")

    def _people(self, villages: list[Region], seed: int, scale: float) -> int:
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


def _plus_years(day: date, years: int) -> date:
    """The same day `years` later (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
