"""What a result version's documents say, as plain frozen dataclasses: built once from the
version (`facts_of`) and laid out by both writers (pdf.py, word.py), so that the PDF and the Word
file of a document can never say different things.

Everything about the count comes from the version's canonical document (ResultVersion.document,
huanjie.results.canonical): the polls' entered figures and the engine's output as certified. The
database gives only what the document does not carry: the elected people's profiles (through
PollCandidate.person), Party membership, the proxy votes of a poll (CheckIn rows) and the names of
regions. Personal data is what these documents legally print (name, sex, birth month,
ethnicity, political status): never an ID number, masked or not (SECURITY.md P3).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from django.utils import timezone

from huanjie.elections.models import Body
from huanjie.lib import ethnicity
from huanjie.results.models import ResultVersion, VersionStatus
from huanjie.rules.messages import MEETING_NAMES, MODE_NAMES, POLL_NAMES, POST_NAMES, VOID_REASONS

BOX_VOID: Final = "流动票箱“{box}”收回选票多于公布的投票人数，该箱选票无效"

WATERMARK_SUPERSEDED: Final = "已被更正 · 以第{number}版为准"
WATERMARK_SUPERSEDED_ONLY: Final = "已被更正"
HEADER_TOWN_ONLY: Final = "乡镇已确认 · 待县级确认"

# Party membership as the 当选人 rows print it (政治面貌).
PARTY_MEMBER: Final = "中共党员"
PARTY_PROBATIONARY: Final = "中共预备党员"
NOT_A_MEMBER: Final = "群众"

# The branch's committee by the organisation's kind (中国共产党农村基层组织工作条例 第二章).
COMMITTEE_OF_KIND: Final = {
    "branch": "支部委员会",
    "general_branch": "总支部委员会",
    "committee": "委员会",
}


@dataclass(frozen=True)
class Mark:
    """The version's standing, printed on every page: a diagonal watermark (a superseded
    version) and a header line (a version the county has not certified yet)."""

    watermark: str = ""
    header: str = ""


@dataclass(frozen=True)
class Profile:
    """An elected person as the 纪实表 describes them ("" where unknown: a write-in nobody on
    the roll matches, or a person whose data the retention purge erased)."""

    birth: str = ""
    ethnicity: str = ""
    politics: str = ""


@dataclass(frozen=True)
class Winner:
    seq: int  # 1, 2, … in the notice's order (post order, then poll): the certificate's number
    name: str
    sex: str  # 男 / 女
    post: str
    post_label: str
    votes: int
    poll: int
    poll_kind: str  # 第一次投票 / 另行选举 / 再次投票
    held_on: date
    committee: bool  # elected by the Party committee's first plenary (书记, 副书记)
    profile: Profile


@dataclass(frozen=True)
class Line:
    """One name on one post of one poll: its votes (yes and write-ins for the Party), whether
    it was a write-in (另选他人), and whether it won; a Party poll's no and abstain marks."""

    name: str
    votes: int
    elected: bool
    write_in: bool
    against: int | None = None
    abstained: int | None = None


@dataclass(frozen=True)
class PostTally:
    post: str
    label: str
    seats: int
    threshold: int | None
    women_only: bool
    lines: tuple[Line, ...]
    open: int


@dataclass(frozen=True)
class PollFacts:
    number: int
    kind: str
    kind_label: str
    meeting: str  # Party: 党员大会 / 党组织委员会全体会议; "" otherwise
    mode: str  # residents: 全体选民选举 / 户代表选举 / 居民代表选举; "" otherwise
    held_on: date
    electorate: int
    voted: int
    proxies: int | None  # None: not a villagers' kind of poll (Party meetings have no proxies)
    mobile: int | None  # ballots returned in mobile boxes; None: the poll had none
    issued: int
    returned: int
    valid_ballots: int
    invalid_ballots: int
    valid: bool
    reasons: tuple[str, ...]
    rules: tuple[str, ...]
    posts: tuple[PostTally, ...]

    @property
    def committee(self) -> bool:
        return self.meeting == MEETING_NAMES["committee"]


@dataclass(frozen=True)
class Vacancy:
    label: str
    seats: int
    pending: bool  # True: the law asks for another poll; False: the seats may stay empty (暂缺)


@dataclass(frozen=True)
class Facts:
    """Everything the four documents of one version print."""

    pk: int
    number: int
    status: str
    code: str
    verify_url: str
    village: str
    village_code: str
    town: str
    county: str
    body: str
    body_label: str
    community: bool
    term: int
    committee_name: str  # who posts the notice: 村民/居民选举委员会, or the Party branch
    branch: str  # 中共××村支部委员会 ("" for another body)
    town_government: str  # who issues the certificates: ××镇人民政府 / ××街道办事处
    town_party: str  # whom the Party report is sent to: 中共××镇委员会
    polls: tuple[PollFacts, ...]
    winners: tuple[Winner, ...]
    vacancies: tuple[Vacancy, ...]
    dated: date  # the notice's and the report's 成文日期
    certified_on: date | None  # the county's certification: the certificates' date
    reason: str  # a correction's reason ("" for version 1)
    mark: Mark

    @property
    def party(self) -> bool:
        return self.body == Body.PARTY

    @property
    def laws(self) -> tuple[str, ...]:
        """The texts the engine applied, each once, in the order first cited ("《…》")."""
        seen: list[str] = []
        for poll in self.polls:
            for rule in poll.rules:
                name = law_name(rule)
                if name and name not in seen:
                    seen.append(name)
        return tuple(seen)


# Marks of a note of the engine rather than a citation: a sentence, or the project's own reading.
_NOT_A_TITLE: Final = ("，", "；", "。", "RULES.md", "本系统")


def law_name(rule: str) -> str:
    """The text a rule the engine cites belongs to, in 书名号; "" for a note that cites none.

    >>> law_name("村民委员会组织法(2025) 第十八条")
    '《村民委员会组织法(2025)》'
    >>> law_name("村民委员会选举规程（民发〔2013〕76号）")
    '《村民委员会选举规程（民发〔2013〕76号）》'
    >>> law_name("浙江省村民委员会选举办法 第三十条：当选人数已达3人，不足的名额可以暂缺")
    '《浙江省村民委员会选举办法》'
    >>> law_name("党组织委员会全体会议以等额选举产生书记、副书记，报上级党组织批准")
    ''
    """
    head = rule.split("：", 1)[0].strip()
    name = head.rsplit(" 第", 1)[0] if " 第" in head else head
    if not name or any(mark in name for mark in _NOT_A_TITLE):
        return ""
    return f"《{name}》"


def cited(rule: str) -> str:
    """A rule the engine cites as a document quotes it: the text in 书名号, then the rest (a
    note as it is).

    >>> cited("村民委员会组织法(2025) 第十八条")
    '《村民委员会组织法(2025)》第十八条'
    >>> cited("浙江省村民委员会选举办法 第三十条：当选人数已达3人，不足的名额可以暂缺")
    '《浙江省村民委员会选举办法》第三十条：当选人数已达3人，不足的名额可以暂缺'
    """
    name = law_name(rule)
    if not name:
        return rule
    rest = rule.split(" ", 1)[1] if " 第" in rule.split("：", 1)[0] else rule[len(name) - 2 :]
    return name + rest


def public_rules(rules: tuple[str, ...]) -> tuple[str, ...]:
    """The rules a document prints: citations and the notes of the law, not the project's own
    readings (which name its documentation)."""
    return tuple(r for r in rules if not any(m in r for m in ("RULES.md", "本系统")))


# ---------------------------------------------------------------------------------------------
# The standing of the version.


def mark_of(version: ResultVersion) -> Mark:
    if version.status == VersionStatus.SUPERSEDED:
        current = version.result.current()
        text = (
            WATERMARK_SUPERSEDED.format(number=current.number)
            if current is not None
            else WATERMARK_SUPERSEDED_ONLY
        )
        return Mark(watermark=text, header=text)
    if version.status == VersionStatus.TOWN_CERTIFIED:
        return Mark(header=HEADER_TOWN_ONLY)
    return Mark()


def _local_day(moment: Any) -> date | None:
    return timezone.localtime(moment).date() if moment is not None else None


def dated_of(version: ResultVersion, polls: tuple[PollFacts, ...]) -> date:
    """The notice's date: version 1 is the result announced on election day (当场公布, the last
    poll's day); a correction is announced the day it was approved."""
    if version.number == 1 and polls:
        return polls[-1].held_on
    day = _local_day(version.certified_at or version.town_certified_at or version.created_at)
    assert day is not None
    return day


# ---------------------------------------------------------------------------------------------
# The polls.


def _line_order(line: Line) -> tuple[int, int, str]:
    return (-line.votes, line.write_in, line.name)


def post_tally(poll_file: dict[str, Any], post: dict[str, Any], printed: set[str]) -> PostTally:
    """One post of a poll's output, every candidate listed (with 0 votes too), write-ins after."""
    code = post["post"]
    votes = {name: int(n) for name, n in (post.get("votes") or {}).items()}
    for c in poll_file.get("candidates", []):
        if c["post"] == code:
            votes.setdefault(c["name"], 0)
    elected = set(post.get("elected", []))
    against = post.get("against")
    abstained = post.get("abstained")
    lines = [
        Line(
            name=name,
            votes=n,
            elected=name in elected,
            write_in=name not in printed,
            against=int(against.get(name, 0)) if against is not None else None,
            abstained=int(abstained.get(name, 0)) if abstained is not None else None,
        )
        for name, n in votes.items()
    ]
    women_only = any(p.get("women_only") for p in poll_file.get("posts", []) if p["post"] == code)
    return PostTally(
        post=code,
        label=POST_NAMES.get(code, code),
        seats=int(post["seats"]),
        threshold=int(post["threshold"]) if post.get("threshold") is not None else None,
        women_only=women_only,
        lines=tuple(sorted(lines, key=_line_order)),
        open=int(post.get("open", 0)),
    )


def _reasons(output: dict[str, Any]) -> tuple[str, ...]:
    out = []
    for code in output.get("reasons", []):
        if code.startswith("box_void:"):
            out.append(BOX_VOID.format(box=code.split(":", 1)[1]))
        else:
            out.append(VOID_REASONS.get(code, code))
    return tuple(out)


def _mobile(poll_file: dict[str, Any]) -> int | None:
    boxes = poll_file.get("boxes") or []
    if not boxes:
        return None
    total = 0
    for box in boxes:
        total += sum(int(b.get("n", 1)) for b in box.get("ballots", []))
        counted = box.get("counted") or {}
        total += int(counted.get("valid", 0)) + int(counted.get("invalid", 0))
    return total


def poll_facts(entry: dict[str, Any], proxies: int | None) -> PollFacts:
    """One poll of the canonical document."""
    data = entry["input"]["poll_file"]
    out = entry["output"]
    printed = {c["name"] for c in data.get("candidates", [])}
    printed |= {p["name"] for p in data.get("elected_before", [])}
    ballots = out.get("ballots", {})
    body = data.get("body", "")
    meeting = ""
    if body == Body.PARTY:
        meeting = MEETING_NAMES[data.get("meeting", "members")]
    return PollFacts(
        number=int(entry["number"]),
        kind=entry["kind"],
        kind_label=POLL_NAMES.get(entry["kind"], entry["kind"]),
        meeting=meeting,
        mode=MODE_NAMES.get(data.get("mode", ""), "") if body == Body.RESIDENTS else "",
        held_on=date.fromisoformat(entry["held_on"]),
        electorate=int(data.get("electorate", 0)),
        voted=int(data.get("voted", 0)),
        proxies=None if body == Body.PARTY else (proxies or 0),
        mobile=_mobile(data),
        issued=int(data.get("ballots_issued", 0)),
        returned=int(ballots.get("returned", 0)),
        valid_ballots=int(ballots.get("valid", 0)),
        invalid_ballots=int(ballots.get("invalid", 0)),
        valid=bool(out.get("valid")),
        reasons=_reasons(out),
        rules=tuple(out.get("rules", [])),
        posts=tuple(post_tally(data, p, printed) for p in out.get("posts", [])),
    )


def _proxies(version: ResultVersion) -> Counter[int]:
    """Ballots taken by a proxy holder for the principal (委托投票), per official poll number."""
    from huanjie.polls.models import CheckIn

    rows = CheckIn.objects.filter(
        poll__election_id=version.result.election_id,
        poll__rehearsal=False,
        by_proxy__isnull=False,
        undone_at__isnull=True,
    ).values_list("poll__number", flat=True)
    return Counter(rows)


# ---------------------------------------------------------------------------------------------
# The people.


def _birth(day: date) -> str:
    return f"{day.year}年{day.month}月"


def _people(version: ResultVersion, names: set[str]) -> dict[tuple[int, str], Any]:
    """(poll number, name) → Person for every printed candidate of the election's official
    polls, and (0, name) → Person for a name that is one printed person across the election or,
    failing that, one registered voter (or Party member) of the village (a write-in)."""
    from huanjie.party.models import PartyMember
    from huanjie.polls.models import PollCandidate
    from huanjie.voters.models import VoterRegistration

    election = version.result.election
    found: dict[tuple[int, str], Any] = {}
    anywhere: dict[str, set[int]] = {}
    persons: dict[int, Any] = {}
    rows = PollCandidate.objects.filter(
        poll_post__poll__election=election,
        poll_post__poll__rehearsal=False,
        name__in=names,
        person__isnull=False,
    ).select_related("person", "poll_post__poll")
    for c in rows:
        person = c.person
        assert person is not None  # filtered above
        found[(c.poll_post.poll.number, c.name)] = person
        anywhere.setdefault(c.name, set()).add(person.pk)
        persons[person.pk] = person
    for name, ids in anywhere.items():
        if len(ids) == 1:
            found[(0, name)] = persons[next(iter(ids))]
    missing = names - {name for _, name in found}
    if missing:
        entry = election.village
        if election.body == Body.PARTY:
            people = [
                m.person
                for m in PartyMember.objects.filter(
                    branch__village_id=entry.region_id, person__name__in=missing
                ).select_related("person")
            ]
        else:
            people = [
                r.person
                for r in VoterRegistration.objects.filter(
                    campaign_id=entry.campaign_id,
                    village_id=entry.region_id,
                    active=True,
                    person__name__in=missing,
                ).select_related("person")
            ]
        by_name: dict[str, list[Any]] = {}
        for p in people:
            by_name.setdefault(p.name, []).append(p)
        for name, matches in by_name.items():
            if len({p.pk for p in matches}) == 1:
                found[(0, name)] = matches[0]
    return found


def _politics(version: ResultVersion, persons: list[Any]) -> dict[int, str]:
    """政治面貌 of each person: a member of the village's Party organisation or not."""
    from huanjie.party.models import MemberStatus, PartyMember

    rows = PartyMember.objects.filter(
        person__in=persons, branch__village_id=version.result.election.village.region_id
    ).values_list("person_id", "status")
    out = {}
    for person_id, status in rows:
        out[person_id] = PARTY_PROBATIONARY if status == MemberStatus.PROBATIONARY else PARTY_MEMBER
    return out


def _profile(person: Any, politics: dict[int, str]) -> Profile:
    if person is None or person.erased_on is not None:
        return Profile()
    code = person.ethnicity or ""
    return Profile(
        birth=_birth(person.birth_date),
        ethnicity=ethnicity.ETHNICITIES.get(code, code),
        politics=politics.get(person.pk, NOT_A_MEMBER),
    )


def winners_of(
    version: ResultVersion, document: dict[str, Any], polls: tuple[PollFacts, ...]
) -> tuple[Winner, ...]:
    elected = document["outcome"]["elected"]
    by_number = {p.number: p for p in polls}
    people = _people(version, {e["name"] for e in elected})
    chosen = [people.get((e["poll"], e["name"])) or people.get((0, e["name"])) for e in elected]
    politics = _politics(version, [p for p in chosen if p is not None])
    out = []
    for seq, (e, person) in enumerate(zip(elected, chosen, strict=True), start=1):
        poll = by_number[int(e["poll"])]
        out.append(
            Winner(
                seq=seq,
                name=e["name"],
                sex="女" if e.get("sex") == "F" else "男",
                post=e["post"],
                post_label=POST_NAMES.get(e["post"], e["post"]),
                votes=int(e["votes"]),
                poll=poll.number,
                poll_kind=poll.kind_label,
                held_on=poll.held_on,
                committee=poll.committee,
                profile=_profile(person, politics),
            )
        )
    return tuple(out)


def vacancies_of(document: dict[str, Any]) -> tuple[Vacancy, ...]:
    outcome = document["outcome"]
    pending = {p["post"] for p in outcome.get("pending", [])}
    return tuple(
        Vacancy(
            label=POST_NAMES.get(o["post"], o["post"]),
            seats=int(o["seats"]),
            pending=o["post"] in pending,
        )
        for o in outcome.get("open", [])
        if int(o["seats"]) > 0
    )


# ---------------------------------------------------------------------------------------------
# The organisations.


def _branch(version: ResultVersion, village: str) -> str:
    from huanjie.party.models import PartyBranch

    branch = PartyBranch.objects.filter(
        village_id=version.result.election.village.region_id
    ).first()
    kind = branch.kind if branch is not None else "branch"
    return f"中共{village}{COMMITTEE_OF_KIND.get(kind, '支部委员会')}"


def _street(town: str) -> bool:
    return town.endswith("街道")


def facts_of(version: ResultVersion, verify_url: str) -> Facts:
    """The facts of `version`'s documents (`verify_url`: the public page the QR code opens)."""
    document = version.document
    village = document["village"]
    region = version.result.election.village.region
    body = document["body"]
    community = body == Body.RESIDENTS or region.kind == region.Kind.COMMUNITY
    proxies = _proxies(version)
    polls = tuple(poll_facts(e, proxies.get(int(e["number"]))) for e in document["polls"])
    town = village["town"]
    branch = _branch(version, village["name"]) if body == Body.PARTY else ""
    if body == Body.PARTY:
        committee_name = branch
    elif community:
        committee_name = f"{village['name']}居民选举委员会"
    else:
        committee_name = f"{village['name']}村民选举委员会"
    return Facts(
        pk=version.pk,
        number=version.number,
        status=version.status,
        code=version.code,
        verify_url=verify_url,
        village=village["name"],
        village_code=village["code"],
        town=town,
        county=village["county"],
        body=body,
        body_label=document["body_label"],
        community=community,
        term=int(document["term"]),
        committee_name=committee_name,
        branch=branch,
        town_government=f"{town}办事处" if _street(town) else f"{town}人民政府",
        town_party=f"中共{town}工作委员会" if _street(town) else f"中共{town}委员会",
        polls=polls,
        winners=winners_of(version, document, polls),
        vacancies=vacancies_of(document),
        dated=dated_of(version, polls),
        certified_on=_local_day(version.certified_at),
        reason=document.get("reason", ""),
        mark=mark_of(version),
    )
