"""The demo rolls of `huanjie demo`: the county's import, then status changes and proxies.

Everything goes through the services the users would use, so the demo's rows carry the same
audit events. Each step returns the line the command prints, and is done once: a re-run keeps
what is there.
"""

from __future__ import annotations

import csv
import random
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from huanjie.accounts.models import User
from huanjie.elections.models import Campaign, CampaignVillage
from huanjie.lib.crypto import decrypt_field
from huanjie.lib.workbooks import Limits
from huanjie.people.demo import CHILD, SPOUSE, known_relations
from huanjie.people.models import Person, PersonStatusChange, StatusKind
from huanjie.regions.models import Region
from huanjie.rules.voters import age_on
from huanjie.uploads.services import upload_confirm, upload_preview
from huanjie.voters.imports import ROLL
from huanjie.voters.models import ImportJob, Proxy, VoterRegistration
from huanjie.voters.services import proxy_record, proxy_withdraw, village_profile
from huanjie.voters.status import person_status_record


def rolls_seed(*, campaign: Campaign, county: Region, officer: User, except_town: str) -> str:
    """Register the adult residents of every included village through the county's import
    (the same pipeline and audit event as an uploaded file), except the demo clerk's village
    and the rest of the town `except_town` (桥头镇), whose rolls the demo users import,
    register and publish themselves. Call once, right after the people are created. Returns
    the line to print; raises CommandError when the import fails."""
    entries = CampaignVillage.objects.filter(campaign=campaign, included=True).exclude(
        region__code__startswith=except_town
    )
    days: dict[str, date] = {
        code: day for code, day in entries.values_list("region_id", "election_date") if day
    }

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
        limits = Limits(max_bytes=2**31, max_uncompressed=2**32, max_rows=2_000_000)
        job = upload_preview(
            importer=ROLL,
            actor=officer,
            scope=county,
            upload=path,
            campaign=campaign,
            limits=limits,
        )
        if job.status == job.Status.PREVIEW:
            job = upload_confirm(importer=ROLL, actor=officer, job=job, limits=limits, wait=True)
    assert isinstance(job, ImportJob)
    if job.status != job.Status.SUCCEEDED:
        raise CommandError(f"演示选民名单导入失败：{job.message}")
    return f"选民登记：{job.accepted:,} 人（桥头镇各村留待演示导入）"


class _Notice(NamedTuple):
    """A notice of a change in a registered voter's status, as the county receives it."""

    registration: VoterRegistration
    kind: str
    on: date
    until: date | None
    source: str


def status_changes_seed(*, campaign: Campaign, officer: User, town_code: str, seed: int) -> str:
    """Deaths, two deprivations of political rights (one beyond election day, one for life)
    and a restoration among the registered voters of the town `town_code` (城关镇), recorded by
    the county officer from the notices (people.status, audited), as 民政、公安 and the courts
    send them in the months before the election: the rolls, unpublished, follow (registrations
    removed, the restored voter's flagged for registering again). Done once: skipped when the
    town has any recorded change. Returns the line to print."""
    if PersonStatusChange.objects.filter(person__region__code__startswith=town_code).exists():
        return "人员变动：已存在，保留不变"
    registrations = list(
        VoterRegistration.objects.filter(
            campaign=campaign,
            village__code__startswith=town_code,
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
            campaign=campaign, included=True, region__code__startswith=town_code
        ).values_list("election_date", flat=True)
        if d
    ]
    if not registrations or not days:
        return "人员变动：城关镇尚无选民登记，未生成"
    election_day = min(days)
    # Notices of the last months: before today, and before election day (so they count).
    latest = min(timezone.localdate(), election_day - timedelta(days=1))
    rng = random.Random(seed + 2)
    dying, convicted = _dying_and_convicted(registrations, latest=latest, rng=rng)
    notices = _death_notices(dying, county_code=campaign.region_id, latest=latest, rng=rng)
    term_until: date | None = None
    if convicted:
        court, term_until = _court_notices(
            convicted, latest=latest, election_day=election_day, rng=rng
        )
        notices += court
    removed = flagged = 0
    with transaction.atomic():
        for reg, kind, on, until, source in notices:
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
    return (
        f"人员变动：城关镇登记死亡 {len(dying)} 人、{rights}（县级登记），"
        f"选民登记除名 {removed} 处、待核实 {flagged} 处"
    )


def _dying_and_convicted(
    registrations: list[VoterRegistration], *, latest: date, rng: random.Random
) -> tuple[list[VoterRegistration], list[VoterRegistration]]:
    """Twelve who die (ten of 70 and over, two of 40 to 69), and three men of 22 to 55, none
    of them dying, for the courts (none when there are fewer than three)."""

    def age(reg: VoterRegistration) -> int:
        return age_on(reg.person.birth_date, latest)

    old = [r for r in registrations if age(r) >= 70]
    middle = [r for r in registrations if 40 <= age(r) < 70]
    dying = rng.sample(old, min(10, len(old))) + rng.sample(middle, min(2, len(middle)))
    taken = {r.pk for r in dying}
    men = [
        r for r in registrations if r.pk not in taken and r.person.sex == "M" and 22 <= age(r) <= 55
    ]
    convicted = rng.sample(men, 3) if len(men) >= 3 else []
    return dying, convicted


def _ago(latest: date, lo: int, hi: int, rng: random.Random) -> date:
    return latest - timedelta(days=rng.randint(lo, hi))


def _death_notices(
    dying: list[VoterRegistration], *, county_code: str, latest: date, rng: random.Random
) -> list[_Notice]:
    """A death certificate or the police's cancellation of the 户口 for each, in date order."""
    notices: list[_Notice] = []
    for reg in dying:
        on = _ago(latest, 5, 150, rng)
        if rng.random() < 0.6:
            serial = f"{county_code}{on:%y}{rng.randrange(100000):05d}"
            source = f"死亡医学证明（推断）书 No.{serial}"
        else:
            source = f"大通县公安局城关派出所户口注销证明（{on.year}）第{rng.randint(40, 600)}号"
        notices.append(_Notice(reg, StatusKind.DIED, on, None, source))
    notices.sort(key=lambda n: n.on)
    return notices


def _court_notices(
    convicted: list[VoterRegistration], *, latest: date, election_day: date, rng: random.Random
) -> tuple[list[_Notice], date]:
    """The judgments of the three convicted: a term running past election day, one for life,
    and one ended early by a restoration. Returns them with the end of the first term."""
    term, life, restored = convicted
    notices: list[_Notice] = []
    # 剥夺政治权利三年 (刑法 第五十五条), running past election day.
    on = _ago(latest, 200, 500, rng)
    term_until = max(_plus_years(on, 3), election_day + timedelta(days=180))
    term_until -= timedelta(days=1)
    notices.append(
        _Notice(
            term,
            StatusKind.RIGHTS_DEPRIVED,
            on,
            term_until,
            f"大通县人民法院（{on.year}）青0121刑初{rng.randint(20, 260)}号刑事判决书："
            "剥夺政治权利三年",
        )
    )
    # 无期徒刑，剥夺政治权利终身 (刑法 第五十七条).
    on = _ago(latest, 4 * 365, 9 * 365, rng)
    notices.append(
        _Notice(
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
    on = _ago(latest, 600, 900, rng)
    back = _ago(latest, 7, 40, rng)
    notices.append(
        _Notice(
            restored,
            StatusKind.RIGHTS_DEPRIVED,
            on,
            _plus_years(on, 3) - timedelta(days=1),
            f"大通县人民法院（{on.year}）青0121刑初{rng.randint(20, 260)}号刑事判决书："
            "剥夺政治权利三年",
        )
    )
    notices.append(
        _Notice(
            restored,
            StatusKind.RIGHTS_RESTORED,
            back,
            None,
            "大通县公安局恢复政治权利通知书（减刑后剥夺政治权利期满）",
        )
    )
    return notices, term_until


def _plus_years(day: date, years: int) -> date:
    """The same day `years` later (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class _Pair(NamedTuple):
    principal: VoterRegistration
    holder: VoterRegistration
    relation: str


def proxies_seed(*, campaign: Campaign, village_code: str, actor: User, seed: int) -> str | None:
    """委托投票 in the village `village_code` (西关村), recorded by `actor`, its town's officer
    (voters.services, audited): voters away on election day leave a written proxy with a
    close relative of their household (so of their group), filed some days ago and within the
    engine's deadline for the village's election day; one is withdrawn since, its principal
    back home. Done once: skipped when the village has any proxy. Returns the line to print,
    None when the village is not in the campaign or has no election day."""
    entry = (
        CampaignVillage.objects.filter(campaign=campaign, region_id=village_code, included=True)
        .select_related("campaign", "region")
        .first()
    )
    if entry is None or entry.election_date is None:
        return None
    village = entry.region
    if Proxy.objects.filter(campaign=campaign, village=village).exists():
        return "委托投票：已存在，保留不变"
    rng = random.Random(seed + 3)
    chosen = _proxy_pairs(
        campaign=campaign, village=village, election_date=entry.election_date, rng=rng
    )
    if not chosen:
        return f"委托投票：{village.display_name}未找到可委托的近亲属，未生成"
    # The engine's filing deadline for this village's election day (some provinces want
    # the paperwork days before); none in the law means any day before election day.
    filing_days = village_profile(entry).proxy.value.filing_days
    deadline = entry.election_date - timedelta(days=filing_days or 1)
    today = timezone.localdate()
    latest = min(today, deadline)
    offsets = sorted(rng.sample(range(2, 22), len(chosen)), reverse=True)
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
    return (
        f"委托投票：{village.display_name} {len(proxies)} 件（近亲属、同一村民小组，"
        f"{proxies[0].filed_on:%m-%d} 至 {proxies[-1].filed_on:%m-%d} 办理），"
        f"已撤销 1 件（{withdrawn_on:%m-%d}，委托人返乡自行投票）"
    )


def _proxy_pairs(
    *, campaign: Campaign, village: Region, election_date: date, rng: random.Random
) -> list[_Pair]:
    """Up to five proxies between registered voters of one household and group, none of them
    in two: a spouse, or a parent and an adult child, families and couples taking turns."""
    registered = {
        r.person_id: r
        for r in VoterRegistration.objects.filter(
            campaign=campaign, village=village, active=True
        ).select_related("person")
    }
    households: dict[str, list[Person]] = {}
    for person in Person.objects.filter(region=village).order_by("household_no", "id"):
        households.setdefault(person.household_no, []).append(person)
    couples: list[_Pair] = []
    families: list[_Pair] = []
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
            couples.append(_Pair(registered[away.pk], registered[home.pk], "夫妻"))
        if parents and children:
            parent, child = rng.choice(parents), rng.choice(children)
            word = ("父" if parent.sex == "M" else "母") + ("子" if child.sex == "M" else "女")
            # A young adult away for work leaves it with a parent; an old parent in hospital
            # or unable to walk to the polls leaves it with a child.
            if age_on(parent.birth_date, election_date) >= 72:
                families.append(_Pair(registered[parent.pk], registered[child.pk], word))
            else:
                families.append(_Pair(registered[child.pk], registered[parent.pk], word))
    rng.shuffle(couples)
    rng.shuffle(families)
    chosen: list[_Pair] = []
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
    return chosen
