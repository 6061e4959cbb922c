"""The demo nominations of `huanjie demo`: the elections of the first villages of 桥头镇 and
城关镇 with nominees at every stage, made through the services as the officers would.

Per town, village by village:

- the 1st: both elections ready for election day — the Party's 三推 done (recommended, voted on
  by the town Party committee, formal) and the committee's candidates formal, one more than the
  seats of each post (差额), so the count has lists to use;
- the 2nd: the review under way (nominees sent to review, some qualified);
- the 3rd: the hard cases — a disqualified nominee (不宜), one barred (不得作为候选人), a
  withdrawal;
- the 4th: the committee's just nominated, the Party's half way through 三推 (recommended,
  preselected).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date, timedelta

from django.core.exceptions import ValidationError

from huanjie.accounts.models import User
from huanjie.committees.demo import committee_seed
from huanjie.committees.models import MemberRole
from huanjie.committees.models import MemberStatus as CommitteeStatus
from huanjie.elections.models import Body, Campaign, CampaignVillage, Election, NominationMethod
from huanjie.elections.services import election_create, election_set_seats
from huanjie.nomination import lists
from huanjie.nomination import services as n
from huanjie.nomination.models import HowNominated, Nominee, PublicitySubject
from huanjie.party.models import MemberStatus, PartyMember
from huanjie.people.models import Person

PARTY_SEATS = {"secretary": 1, "member": 2}
# The days of the demo's 公示 and 两述: before the demo's "today" (2026-12), within the campaign.
PUBLICITY_START, PUBLICITY_END = date(2026, 11, 20), date(2026, 11, 26)
STATEMENT_DAY = date(2026, 11, 27)
FORMAL_NOTICE_DAY = date(2026, 11, 30)
COMMITTEE_SEATS = {"director": 1, "member": 2}  # a villagers' committee: 3 to 7
RESIDENTS_SEATS = {"director": 1, "member": 4}  # a residents' committee: 5 to 9


def _people(entry: CampaignVillage, rng: random.Random, k: int) -> list[Person]:
    """Adults of the village who may stand and sit on no election committee."""
    adults = list(
        Person.objects.filter(
            region_id=entry.region_id,
            birth_date__lte=date(2000, 1, 1),
            birth_date__gte=date(1962, 1, 1),
            died_on=None,
            rights_deprived_from=None,
        )
        .exclude(election_committees__isnull=False)
        .order_by("id")[:300]
    )
    return rng.sample(adults, min(k, len(adults)))


def _members(entry: CampaignVillage, rng: random.Random, k: int) -> list[Person]:
    people = [
        m.person
        for m in PartyMember.objects.filter(
            branch__village_id=entry.region_id,
            status=MemberStatus.FULL,
            person__died_on=None,
            person__rights_deprived_from=None,
        )
        .exclude(person__election_committees__isnull=False)
        .select_related("person")
        .order_by("id")
    ]
    return rng.sample(people, min(k, len(people)))


def _elections(entry: CampaignVillage, actor: User) -> tuple[Election, Election]:
    committee = Body.RESIDENTS if entry.region.kind == "community" else Body.VILLAGERS
    party = election_create(
        actor=actor, entry=entry, body=Body.PARTY, nomination_method="three_recommendations"
    )
    party = election_set_seats(actor=actor, election=party, seats=PARTY_SEATS)
    try:  # 村民委员会组织法(2025) 第十八条 where it governs the election day, else 2018 第十五条
        villagers = election_create(
            actor=actor,
            entry=entry,
            body=committee,
            nomination_method=NominationMethod.PARTY_OR_VOTERS,
        )
    except ValidationError:  # the 2018 text: the voters nominate (第十五条)
        villagers = election_create(
            actor=actor, entry=entry, body=committee, nomination_method=NominationMethod.VOTERS
        )
    seats = RESIDENTS_SEATS if committee == Body.RESIDENTS else COMMITTEE_SEATS
    villagers = election_set_seats(actor=actor, election=villagers, seats=seats)
    return party, villagers


def _propose(actor: User, election: Election, post: str, people: list[Person]) -> list[Nominee]:
    how = (
        HowNominated.MEMBERS_AND_MASSES
        if election.body == Body.PARTY
        else HowNominated.VOTERS_JOINTLY
    )
    slot = election.posts.get(post=post)
    return [
        n.nominee_propose(actor=actor, election=election, post=slot, person=p, how_nominated=how)
        for p in people
    ]


def _qualify(actor: User, nominees: list[Nominee]) -> None:
    for nominee in nominees:
        n.nominee_send_to_review(actor=actor, nominee=nominee)
        n.nominee_qualify(actor=actor, nominee=nominee, reason="资格联审未发现不得、不宜情形")


def _ready(actor: User, rng: random.Random, party: Election, villagers: Election) -> None:
    """Both elections' candidates formal, one more than the seats of each post (差额)."""
    entry = party.village
    pool = _members(entry, rng, 6)
    secretary, members = pool[:2], pool[2:5]
    for post, people in (("secretary", secretary), ("member", members)):
        nominees = _propose(actor, party, post, people)
        _qualify(actor, nominees)
        for nominee in nominees:
            n.nominee_recommend(
                actor=actor,
                nominee=nominee,
                member_votes=rng.randint(12, 30),
                mass_votes=rng.randint(60, 180),
            )
            n.nominee_preselect(actor=actor, nominee=nominee, committee_votes=rng.randint(5, 9))
            n.nominee_make_formal(actor=actor, nominee=nominee, reason="乡镇党委批复")
    people = _people(entry, rng, 30)
    taken = {p.pk for p in pool}
    people = [p for p in people if p.pk not in taken]
    for slot in villagers.posts.order_by("id"):
        k = slot.seats + 1  # one more than the seats (差额)
        chosen, people = people[:k], people[k:]
        post = slot.post
        nominees = _propose(actor, villagers, post, chosen)
        _qualify(actor, nominees)
        for nominee in nominees:
            n.nominee_make_formal(actor=actor, nominee=nominee)
    _lists(actor, party, villagers)


def _lists(actor: User, party: Election, villagers: Election) -> None:
    """两述, the 预备人选公示 (past, no objection), each post's list fixed, the 正式候选人公示."""
    lists.publicity_open(
        actor=actor,
        election=party,
        subject=PublicitySubject.PRESELECTED,
        starts_on=PUBLICITY_START,
        ends_on=PUBLICITY_END,
    )
    for nominee in Nominee.objects.filter(election=villagers, post__post="director"):
        lists.statement_record(
            actor=actor,
            nominee=nominee,
            held_on=STATEMENT_DAY,
            summary="介绍个人简历，陈述任职设想：发展高原夏菜种植，修缮村道，规范村务公开。",
            questions=[
                lists.QuestionIn(
                    question="村集体经济怎么增收？",
                    asked_by="村民代表",
                    answer="盘活闲置土地入股合作社，年底按股分红。",
                )
            ],
            place="村委会议室",
        )
    for election in (party, villagers):
        for post in election.posts.order_by("id"):
            lists.list_fix(actor=actor, post=post)
        lists.publicity_open(
            actor=actor,
            election=election,
            subject=PublicitySubject.FORMAL,
            starts_on=FORMAL_NOTICE_DAY,
            ends_on=FORMAL_NOTICE_DAY + timedelta(days=4),
        )


def village_ready(
    *, entry: CampaignVillage, actor: User, rng: random.Random
) -> tuple[Election, Election]:
    """A village with its election committee and both elections' lists fixed, like the first
    village of each town here (the later stages' demos vote in it): (party, committee)."""
    committee_seed(entry=entry, actor=actor, rng=rng)
    party, villagers = _elections(entry, actor)
    _ready(actor, rng, party, villagers)
    return party, villagers


def _reviewing(actor: User, rng: random.Random, party: Election, villagers: Election) -> None:
    """Sent to review; the Party's only where the village has Party members on record."""
    entry = party.village
    nominees = _propose(actor, party, "secretary", _members(entry, rng, 2))
    nominees += _propose(actor, villagers, "member", _people(entry, rng, 4))
    for nominee in nominees:
        n.nominee_send_to_review(actor=actor, nominee=nominee)
    n.nominee_qualify(actor=actor, nominee=nominees[-1], reason="资格联审未发现不得、不宜情形")


def _recommending(actor: User, rng: random.Random, party: Election) -> None:
    """三推 half way: one recommended by the meeting, one also voted on by the town committee."""
    nominees = _propose(actor, party, "secretary", _members(party.village, rng, 2))
    _qualify(actor, nominees)
    for nominee in nominees:
        n.nominee_recommend(
            actor=actor,
            nominee=nominee,
            member_votes=rng.randint(12, 30),
            mass_votes=rng.randint(60, 180),
        )
    n.nominee_preselect(actor=actor, nominee=nominees[0], committee_votes=rng.randint(5, 9))


def _hard_cases(actor: User, rng: random.Random, villagers: Election) -> None:
    entry = villagers.village
    unfit, barred, leaving, fine = _propose(actor, villagers, "member", _people(entry, rng, 4))
    for nominee in (unfit, barred, fine):
        n.nominee_send_to_review(actor=actor, nominee=nominee)
    n.nominee_disqualify(
        actor=actor,
        nominee=unfit,
        reason="信访部门反映近三年内多次组织非正常上访（不宜作为候选人）",
        cannot_stand=False,
    )
    n.nominee_disqualify(
        actor=actor,
        nominee=barred,
        reason="公安部门反映涉黑涉恶，受过刑事处罚（不得作为候选人）",
        cannot_stand=True,
    )
    n.nominee_withdraw(actor=actor, nominee=leaving, reason="本人书面申请退出")
    n.nominee_qualify(actor=actor, nominee=fine)
    # A member of the election committee is nominated: the member leaves the committee
    # (村民委员会组织法(2025) 第十五条) and the first reserve moves up in the original order.
    member = (
        entry.election_committee.members.filter(
            status=CommitteeStatus.SERVING, role=MemberRole.MEMBER
        )
        .order_by("order")
        .last()
    )
    if member is not None:
        n.nominee_propose(
            actor=actor,
            election=villagers,
            post=villagers.posts.get(post="member"),
            person=member.person,
            how_nominated=HowNominated.VOTERS_JOINTLY,
            withdraw_member=True,
        )


def nomination_seed(
    *, campaign: Campaign, officers: Mapping[str, User], seed: int, reviewing: str = ""
) -> str | None:
    """The elections and nominees of the first four villages of each town of `officers` (town
    code -> the town's officer, who makes them); `reviewing`, a
    village code (the demo clerk's), is the one whose nominees are under review. Done once:
    skipped when the campaign has any election. Returns the line to print, None when skipped."""
    if Election.objects.filter(village__campaign=campaign).exists():
        return None
    rng = random.Random(seed + 2)
    for town, actor in officers.items():
        entries = list(
            CampaignVillage.objects.filter(
                campaign=campaign, included=True, region__code__startswith=town
            )
            .select_related("campaign", "region")
            .order_by("region_id")[:4]
        )
        chosen = [e for e in entries if e.region_id == reviewing]
        if not chosen and reviewing.startswith(town):
            chosen = list(
                CampaignVillage.objects.filter(
                    campaign=campaign, region_id=reviewing
                ).select_related("campaign", "region")
            )
            entries = entries[:3]
        if chosen:  # the clerk's village second: the one under review
            entries = [e for e in entries if e.region_id != reviewing]
            entries.insert(1, chosen[0])
        for i, entry in enumerate(entries):
            committee_seed(entry=entry, actor=actor, rng=rng)
            party, villagers = _elections(entry, actor)
            if i == 0:
                _ready(actor, rng, party, villagers)
            elif i == 1:
                _reviewing(actor, rng, party, villagers)
            elif i == 2:
                _hard_cases(actor, rng, villagers)
            else:
                _propose(actor, villagers, "director", _people(entry, rng, 2))
                _recommending(actor, rng, party)
    nominees = Nominee.objects.filter(election__village__campaign=campaign).count()
    return (
        f"提名：桥头镇、城关镇各 4 个村(社区)的党组织和村(居)委会选举，提名人选 {nominees} 人"
        "（各阶段均有），村民选举委员会、两述、公示和候选人名单"
    )
