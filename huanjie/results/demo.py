"""The demo's results (`huanjie demo`): two villages of 城关镇 that held their election early, on
the day the demo is made (the county votes from 2027-01-10; these two anticipated it), each
voted and counted through the services by the demo's users:

- the first: its poll closed, every box's signed tally sheet photographed and compared by the
  town: its result waits for the town's certification (the place to try certifying);
- the second: certified by the town and the county, then corrected (a member's votes were
  keyed wrong on one sheet) as version 2, approved by the county: version 1 is superseded, its
  code answers so on the public page, and the roster holds the winners; its Party members'
  meeting elected the secretary and the members, certified too (the Party's report).

Everything through the services, so every step is audited as a real one would be.
"""

from __future__ import annotations

import io
import random
from collections.abc import Mapping
from datetime import date
from typing import Any

from huanjie.accounts.models import User
from huanjie.elections.models import Body, Campaign, CampaignVillage, Election, Post
from huanjie.elections.services import campaign_village_set_election_date
from huanjie.party.models import MemberStatus, PartyMember
from huanjie.polls.demo import explained_and_closed, keyed_twice, nothing, roll_of, set_up, voted
from huanjie.polls.models import Poll
from huanjie.polls.services import checkin, lifecycle, setup
from huanjie.results.models import Result

VOTING_SHARE = 0.81
FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


def _candidates(poll: Poll) -> list[tuple[str, int, list[str]]]:
    return [
        (p.post, p.seats, [c.name for c in p.candidates.order_by("position")])
        for p in poll.posts.order_by("position")
    ]


def _figures(poll: Poll, voted: int, rng: random.Random) -> dict[str, Any]:
    """A count in which the first candidates of each post are elected with a clear majority,
    two ballots invalid and three left blank."""
    invalid, blank = 2, 3
    valid = voted - invalid
    votes: dict[str, dict[str, int]] = {}
    marked = valid - blank
    for post, seats, names in _candidates(poll):
        by_name = {name: int(marked * rng.uniform(0.62, 0.86)) for name in names[:seats]}
        # The others share what is left: a ballot marks at most `seats` names of a post.
        left = seats * marked - sum(by_name.values())
        losers = names[seats:]
        for name in losers:
            by_name[name] = int(left * rng.uniform(0.3, 0.9) / len(losers))
        votes[post] = by_name
    return {
        "returned": voted,
        "valid": valid,
        "invalid": invalid,
        "blank": blank,
        "spoiled": 0,
        "replaced": 0,
        "invalid_reasons": {"无法辨认": invalid},
        "votes": votes,
    }


def _sheet_photo(village: str, box: str, figures: dict[str, Any]) -> bytes:
    """A PNG standing in for the photo of the signed tally sheet: its figures and signatures."""
    from PIL import Image, ImageDraw, ImageFont

    lines = [
        f"{village} 计票结果报告单（{box}）",
        "",
        f"收回选票 {figures['returned']} 张  有效 {figures['valid']} 张  无效 {figures['invalid']} 张",
        "",
    ]
    for post, by_name in figures["votes"].items():
        label = dict(Post.choices).get(post, post)
        lines.append(f"{label}：" + "  ".join(f"{n} {v}票" for n, v in by_name.items()))
    lines += ["", "总监票员：马占林   监票员：韩永福   计票员：祁秀珍   唱票员：李德明"]
    font = ImageFont.truetype(FONT, 26)
    image = Image.new("RGB", (1400, 60 + 44 * len(lines)), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    for i, text in enumerate(lines):
        draw.text((40, 30 + 44 * i), text, fill=(30, 30, 60), font=font)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def vote(
    *, election: Election, town: User, county: User, rng: random.Random
) -> tuple[Poll, dict[str, Any]]:
    """The election's first poll set up, voted by most of the roll, its sheet keyed twice (the
    town and the county), closed; the agreed figures."""
    roll = roll_of(election.village)
    poll = lifecycle.poll_create_first(actor=town, election=election)
    set_up(town, poll, roll, rng)
    voting = voted(town, poll, roll, VOTING_SHARE)
    figures = _figures(poll, len(voting), rng)
    keyed_twice(town, county, poll, poll.boxes.get(mobile=False), figures)
    for mobile in poll.boxes.filter(mobile=True):
        # The mobile box's ballots came back unused: one sheet of nothing.
        keyed_twice(town, county, poll, mobile, nothing(figures))
    explained_and_closed(
        county, poll, "流动票箱所领选票未使用，已当众清点封存；其余情况经选举委员会核实"
    )
    poll.refresh_from_db()
    return poll, figures


def sheets_photographed(poll: Poll, town: User, figures: dict[str, Any]) -> None:
    """Every box's signed sheet photographed and compared by the town."""
    from huanjie.results.services.paper import box_check, scan_upload

    village = poll.election.village.region.display_name
    for box in poll.boxes.order_by("position", "id"):
        shown = nothing(figures) if box.mobile else figures
        scan_upload(
            actor=town,
            box=box,
            name=f"{box.name}计票结果报告单.png",
            content=_sheet_photo(village, box.name, shown),
        )
        box_check(actor=town, box=box)


def party_meeting(*, election: Election, town: User, county: User) -> Poll:
    """The Party members' meeting electing the secretary and the members directly: all but one
    full member present, the first candidates of each post elected; counted, closed."""
    poll = lifecycle.poll_create_first(actor=town, election=election)
    box = setup.box_add(actor=town, poll=poll, name="党员大会会场", place="村党群服务中心")
    members = list(
        PartyMember.objects.filter(
            branch__village_id=election.village.region_id, status=MemberStatus.FULL
        ).select_related("person", "branch")
    )
    setup.ballots_issue(actor=town, box=box, count=len(members), serial_from=1)
    lifecycle.poll_open_voting(actor=town, poll=poll)
    present = members[:-1]  # one member away working in the city
    for member in present:
        checkin.party_attend(actor=town, poll=poll, member=member)
    lifecycle.poll_start_counting(actor=town, poll=poll)
    n = len(present)
    votes: dict[str, dict[str, int]] = {}
    for post, seats, names in _candidates(poll):
        won = {name: n - 1 - i for i, name in enumerate(names[:seats])}
        left = seats * n - sum(won.values())
        others = names[seats:]
        votes[post] = won | {name: left // (2 * len(others)) for name in others}
    figures = {
        "returned": n,
        "valid": n,
        "invalid": 0,
        "blank": 0,
        "spoiled": 0,
        "replaced": 0,
        "invalid_reasons": {},
        "votes": votes,
    }
    keyed_twice(town, county, poll, box, figures)
    explained_and_closed(county, poll, "经党员大会监票人核实")
    poll.refresh_from_db()
    sheets_photographed(poll, town, figures)
    return poll


def _villages(campaign: Campaign, town_code: str) -> list[CampaignVillage]:
    """城关镇's villages after the four the nomination demo uses, with Party members on record
    and a roll to vote."""
    from huanjie.voters.models import VoterRegistration

    found = []
    for entry_ in (
        CampaignVillage.objects.filter(
            campaign=campaign, included=True, region__code__startswith=town_code
        )
        .select_related("campaign", "region")
        .order_by("region_id")[4:]
    ):
        members = PartyMember.objects.filter(
            branch__village_id=entry_.region_id, status=MemberStatus.FULL
        ).count()
        voters = VoterRegistration.objects.filter(
            campaign=campaign, village_id=entry_.region_id, active=True
        ).count()
        if members >= 8 and voters >= 60:
            found.append(entry_)
        if len(found) == 2:
            break
    return found


def _correct(version: Any, poll: Poll, town: User, county: User) -> Any:
    """A member's votes keyed wrong on the central sheet (transposed digits): corrected by the
    town from the signed sheet, approved by the county."""
    from huanjie.results.services import corrections

    central = poll.boxes.get(mobile=False)
    correction = corrections.correction_open(
        actor=town,
        election=poll.election,
        poll=poll,
        kind="amend",
        reason="核对签字的计票结果报告单，发现一名委员候选人的得票录入时数字颠倒",
        boxes=[central],
    )
    box = correction.boxes.get()
    figures = {**box.original, "votes": {k: dict(v) for k, v in box.original["votes"].items()}}
    member = figures["votes"]["member"]
    last = list(member)[-1]  # a candidate not elected: the outcome stands
    member[last] = max(0, member[last] - 9)
    corrections.correction_enter(actor=town, correction=correction, box=central, figures=figures)
    corrections.correction_submit(actor=town, correction=correction)
    corrections.correction_approve(actor=county, correction=correction, note="与签字报告单一致")
    return correction


def early_villages_seed(
    *, campaign: Campaign, officers: Mapping[str, User], seed: int
) -> str | None:
    """The two villages that vote early get their election committee and both elections' lists
    fixed now, before the county sets up its joint review (their nominees went through the
    town's own qualification). Done once: skipped when the campaign has polls or results."""
    from huanjie.nomination.demo import village_ready

    if Poll.objects.filter(election__village__campaign=campaign).exists():
        return None
    town_code, town = list(officers.items())[-1]
    chosen = _villages(campaign, town_code)
    if len(chosen) < 2:
        return None
    rng = random.Random(seed + 12)
    today = min(max(date.today(), campaign.window_start), campaign.window_end)
    for entry_ in chosen:
        village_ready(entry=entry_, actor=town, rng=rng)
        campaign_village_set_election_date(
            actor=town,
            entry=entry_,
            election_date=today,
            reason="确定为换届先行村，经县级指导组同意提前选举",
        )
    names = "、".join(e.region.display_name for e in chosen)
    return f"提前选举：{names}的候选人名单已确定，选举日提前到 {today.isoformat()}"


def results_seed(
    *, campaign: Campaign, officers: Mapping[str, User], county: User, seed: int
) -> str | None:
    """The early villages vote, are counted and their paper checked; the first waits for the
    town's certification, the second is certified and corrected. Done once: skipped when the
    campaign has a result, or the early villages were not made."""
    from huanjie.results.services.certify import result_certify_county, result_certify_town

    if Result.objects.filter(election__village__campaign=campaign).exists():
        return None
    town_code, town = list(officers.items())[-1]
    today = min(max(date.today(), campaign.window_start), campaign.window_end)
    rng = random.Random(seed + 13)
    made = []
    for entry_ in _villages(campaign, town_code):
        villagers = Election.objects.filter(
            village=entry_, body__in=["villagers", "residents"]
        ).first()
        if entry_.election_date != today or villagers is None or villagers.polls.exists():
            continue
        poll, figures = vote(election=villagers, town=town, county=county, rng=rng)
        sheets_photographed(poll, town, figures)
        made.append((entry_, villagers, poll))
    if len(made) < 2:
        return None
    waiting, (entry_b, done, poll_b) = made[0], made[1]
    version = result_certify_town(actor=town, election=done)
    result_certify_county(actor=county, version=version)
    _correct(version, poll_b, town, county)
    party = Election.objects.get(village=entry_b, body=Body.PARTY)
    party_meeting(election=party, town=town, county=county)
    result_certify_county(actor=county, version=result_certify_town(actor=town, election=party))
    current = Result.objects.get(election=done).current()
    assert current is not None
    return (
        f"结果：{waiting[0].region.display_name}已提前选举完毕、报告单已核对，待乡镇确认；"
        f"{entry_b.region.display_name}已由乡镇和县级确认并更正一次（现行第{current.number}版，"
        f"核验码 {current.code}，第1版 {version.code} 已被更正），其党组织选举结果已确认"
    )
