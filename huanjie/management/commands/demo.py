"""`huanjie demo`: the demo county 630121 大通回族土族自治县, ready to click through.

Loads the county's real regions, a campaign, a synthetic but realistic population and one user
per role, and prints the users' passwords. In 城关镇 it also records, through the services as
the users would, deaths and deprivations of political rights (the rolls follow) and a village's
委托投票. Running it again keeps what is there and gives the demo users new passwords.

Each app seeds its own data (`<app>/demo.py`); this command only names the places, calls them
in order and prints.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from huanjie.accounts.demo import users_seed
from huanjie.accounts.models import Role
from huanjie.elections.demo import campaign_seed, election_days_seed, rule_profile_seed
from huanjie.ledgers.demo import ledgers_seed
from huanjie.nomination.demo import nomination_seed
from huanjie.oversight.demo import oversight_seed
from huanjie.party.demo import party_seed
from huanjie.people.demo import people_seed
from huanjie.polls.demo import polls_seed
from huanjie.progress.demo import schedule_seed
from huanjie.regions.models import Region
from huanjie.regions.services import regions_load
from huanjie.results.demo import early_villages_seed, results_seed
from huanjie.review.demo import review_seed
from huanjie.rosters.care_demo import care_seed
from huanjie.rosters.demo import rosters_seed
from huanjie.voters.demo import proxies_seed, rolls_seed, status_changes_seed

COUNTY = "630121"
TOWN = "630121100"  # 桥头镇, the county seat
OTHER_TOWN = "630121101"  # 城关镇
PROXY_VILLAGE = "630121101200"  # 城关镇西关村


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
        seed: int = options["seed"]
        report = regions_load(under=COUNTY)
        self.stdout.write(f"区划：{report.summary()}")
        county = Region.objects.get(code=COUNTY)
        villages = list(
            Region.objects.filter(level=Region.Level.VILLAGE, code__startswith=COUNTY).order_by(
                "code"
            )
        )
        users = users_seed(
            county=county,
            town=Region.objects.get(code=TOWN),
            other_town=Region.objects.get(code=OTHER_TOWN),
            # The demo clerk's: the first village (not community) of 桥头镇.
            village=next(v for v in villages if v.code.startswith(TOWN) and v.kind == "village"),
        )
        officer = users["dt_county"].user
        campaign = campaign_seed(county=county, officer=officer, left_out=villages[-1])
        self.stdout.write(
            f"换届：{campaign.name}（第{campaign.term_number}届），{campaign.villages.count()} 个村(社区)"
        )
        self._line(election_days_seed(campaign=campaign, officer=officer))
        self._line(rule_profile_seed(campaign=campaign, officer=officer))
        created = people_seed(county=county, villages=villages, seed=seed, scale=options["scale"])
        if created is None:
            self.stdout.write("人员：已存在，保留不变")
        else:
            self.stdout.write(f"人员：新建 {created:,} 人")
            self._line(
                rolls_seed(campaign=campaign, county=county, officer=officer, except_town=TOWN)
            )
        self._line(
            status_changes_seed(campaign=campaign, officer=officer, town_code=OTHER_TOWN, seed=seed)
        )
        self._line(
            proxies_seed(
                campaign=campaign,
                village_code=PROXY_VILLAGE,
                actor=users["dt_town2"].user,
                seed=seed,
            )
        )
        officers = {TOWN: users["dt_town"].user, OTHER_TOWN: users["dt_town2"].user}
        self._line(party_seed(campaign=campaign, officers=officers, seed=seed))
        clerk = users["dt_clerk"].user
        self._line(
            nomination_seed(
                campaign=campaign, officers=officers, seed=seed, reviewing=clerk.region_id or ""
            )
        )
        self._line(early_villages_seed(campaign=campaign, officers=officers, seed=seed))
        self._line(
            review_seed(
                campaign=campaign,
                county=officer,
                clerk=clerk,
                town=users["dt_town"].user,
                reviewer=users["dt_review"].user,
            )
        )
        self._line(polls_seed(campaign=campaign, officers=officers, county=officer, seed=seed))
        self._line(results_seed(campaign=campaign, officers=officers, county=officer, seed=seed))
        self._line(schedule_seed(campaign=campaign, officers=officers))
        self._line(ledgers_seed(campaign=campaign, officers=officers, county=officer))
        self._line(oversight_seed(campaign=campaign, officers=officers))
        # The county's two previous terms, imported from xlsx like a county's old spreadsheets.
        self._line(rosters_seed(county_code=county.code, actor=officer, seed=seed))
        cared = care_seed(county_code=county.code, actor=officer)
        if cared["reserve"] or cared["care"]:
            self._line(f"后备干部 {cared['reserve']} 人，离任关爱记录 {cared['care']} 条")
        self.stdout.write("")
        self.stdout.write("演示用户（密码每次运行重新生成）：")
        for username, demo in users.items():
            self.stdout.write(
                f"  {username:<14} {demo.password:<16} {Role(demo.role).label} · "
                f"{demo.full_name} · {demo.region.display_name}"
            )
            if demo.otp_key:
                self.stdout.write(f"  {'':<14} 动态口令密钥 {demo.otp_key}")
        self.stdout.write(
            "有动态口令密钥的用户登录时还须输入6位动态口令：把密钥加入手机验证器"
            "（腾讯身份验证器、Microsoft Authenticator 等），或运行 oathtool --totp -b 密钥。"
        )
        self.stdout.write(f"\n完成，用时 {time.perf_counter() - started:.1f} 秒。")

    def _line(self, line: str | None) -> None:
        """Print what a step reports; a step that did nothing worth saying returns None."""
        if line is not None:
            self.stdout.write(line)
