"""`huanjie demo`: the demo county 630121 大通回族土族自治县, ready to click through.

Loads the county's real regions, a campaign, a synthetic but realistic population and one user
per role, and prints the users' passwords. Running it again keeps what is there and gives the
demo users new passwords.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

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
