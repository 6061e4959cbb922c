"""The wording of a version's documents, from its facts (data.py): the result notice (选举结果公告,
WORKFLOW.md §3.2 notice 16/17), the certificates of election (当选证书, §4), the record sheet's
headings (纪实表, §4 计票结果报告单 + the 当选人 rows) and the Party organisation's report to the
town Party committee (选举结果报告). Both writers lay out exactly these strings.

Dates as documents write them (2026年5月10日, never zero-padded: GB/T 9704, WORKFLOW.md §5).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from huanjie.lib.dates import cn_date
from huanjie.results.documents.data import Facts, PollFacts, Winner, cited, public_rules

CODE_LINE: Final = "结果核验码 {code}"
CODE_HELP: Final = "扫描二维码或在核验页面输入核验码，可查验本结果是否现行有效"
NOTICE_NUMBER: Final = "（第　　号）"  # the committee numbers its notices in its own register
SEAL: Final = "（盖章）"


@dataclass(frozen=True)
class ElectedLine:
    label: str  # 主任
    names: str  # 张伟（10票）


@dataclass(frozen=True)
class Notice:
    title: str
    number: str
    paragraphs: tuple[str, ...]
    elected_intro: str
    elected: tuple[ElectedLine, ...]
    after: tuple[str, ...]  # vacancies, the correction's reason
    closing: str
    signature: str
    dated: str


@dataclass(frozen=True)
class Certificate:
    serial: str
    name: str
    text: str
    closing: str
    issuer: str
    dated: str


@dataclass(frozen=True)
class RecordPoll:
    """One poll's block of the record sheet: its headings beside its facts."""

    p: PollFacts
    day: str
    party: bool
    electorate_label: str
    voted_label: str
    rules: str

    @property
    def columns(self) -> int:
        return 7 if self.party else 5


@dataclass(frozen=True)
class Record:
    title: str
    subtitle: str
    days: str
    seats: str
    polls: tuple[RecordPoll, ...]
    vacancies: tuple[str, ...]
    signatories: tuple[tuple[str, ...], ...]  # in pairs, one pair a row


@dataclass(frozen=True)
class Report:
    title: str
    addressee: str
    paragraphs: tuple[str, ...]
    closing: str
    signature: str
    dated: str


# ---------------------------------------------------------------------------------------------
# Shared phrases.


def org_of(f: Facts) -> str:
    """The body as a sentence names it: 红河限村第13届村民委员会."""
    if f.party:
        return f"{f.branch}"
    return f"{f.village}第{f.term}届{f.body_label}"


def poll_sentence(f: Facts, poll: PollFacts) -> str:
    """One poll's turnout and ballots in a sentence."""
    day = cn_date(poll.held_on)
    if f.party:
        who = "委员" if poll.committee else "党员"
        head = f"{day}召开{poll.meeting}，应到会{who}{poll.electorate}名，实到会{who}{poll.voted}名"
    else:
        voters = "居民" if f.community else "选民"
        head = (
            f"{day}{poll.kind_label}："
            f"{'登记' if poll.kind == 'first' else '应参加投票的'}{voters}{poll.electorate}人，"
            f"参加投票{poll.voted}人"
        )
    ballots = (
        f"，发出选票{poll.issued}张，收回选票{poll.returned}张，"
        f"其中有效票{poll.valid_ballots}张、无效票{poll.invalid_ballots}张"
    )
    verdict = "，选举有效。" if poll.valid else f"，选举无效（{'；'.join(poll.reasons)}）。"
    return head + ballots + verdict


def _winner_text(w: Winner, first_kind: str) -> str:
    how = "" if w.poll_kind == first_kind or w.committee else f"{w.poll_kind}，"
    return f"{w.name}（{how}{w.votes}票）"


def elected_lines(f: Facts, winners: tuple[Winner, ...]) -> tuple[ElectedLine, ...]:
    """The winners grouped by post, in the notice's order."""
    first = f.polls[0].kind_label if f.polls else ""
    groups: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    for w in winners:
        groups.setdefault(w.post, []).append(_winner_text(w, first))
        labels[w.post] = w.post_label
    return tuple(ElectedLine(labels[p], "、".join(names)) for p, names in groups.items())


def vacancy_lines(f: Facts) -> tuple[str, ...]:
    out = []
    for v in f.vacancies:
        if v.pending:
            out.append(f"{v.label}尚缺{v.seats}名，依法另行选举。")
        else:
            out.append(f"{v.label}{v.seats}名暂缺。")
    return tuple(out)


def laws_phrase(f: Facts) -> str:
    laws = "".join(f.laws)
    return f"根据{laws}等有关规定" if laws else "根据有关法律法规"


# ---------------------------------------------------------------------------------------------
# The documents.


def notice(f: Facts) -> Notice:
    """选举结果公告: posted by the election committee (the Party branch for its own election)."""
    days = "、".join(dict.fromkeys(cn_date(p.held_on) for p in f.polls))
    if f.party:
        lead = f"{laws_phrase(f)}，{f.branch}换届选举已于{days}进行。"
    else:
        how = "以无记名投票、公开计票的方式"
        modes = {p.mode for p in f.polls if p.mode}
        mode = f"（{'、'.join(sorted(modes))}）" if modes else ""
        lead = f"{laws_phrase(f)}，{org_of(f)}选举已于{days}{how}进行{mode}。"
    paragraphs = [lead, *(poll_sentence(f, p) for p in f.polls)]
    intro = _party_intro(f) if f.party else f"经选举，下列人员当选为{org_of(f)}成员："
    after = list(vacancy_lines(f))
    if f.reason:
        after.append(f"本公告为第{f.number}版，更正原因：{f.reason}。此前公告的结果以本公告为准。")
    if f.party:
        after.append(f"以上选举结果报{f.town_party}审批。")
    return Notice(
        title=f"{f.committee_name}公告",
        number=NOTICE_NUMBER,
        paragraphs=tuple(paragraphs),
        elected_intro=intro,
        elected=elected_lines(f, f.winners),
        after=tuple(after),
        closing="特此公告。",
        signature=f.committee_name,
        dated=cn_date(f.dated),
    )


def _party_intro(f: Facts) -> str:
    posts = []
    for w in f.winners:
        if w.post_label not in posts:
            posts.append(w.post_label)
    return f"经选举，下列同志当选为{f.branch}{'、'.join(posts) or '委员'}："


def certificate_serial(f: Facts, w: Winner) -> str:
    """The certificate's number: the village's code, the term, the version and the winner's
    place in the notice (630121100206-13-1-02). Stable: the version's document never changes,
    and a correction's certificates carry its own version number."""
    return f"{f.village_code}-{f.term}-{f.number}-{w.seq:02d}"


def certificates(f: Facts) -> tuple[Certificate, ...]:
    """当选证书, one per elected person, issued by the town's government."""
    issued = cn_date(f.certified_on) if f.certified_on is not None else ""
    place = f"{f.town}{f.village}第{f.term}届{f.body_label}"
    return tuple(
        Certificate(
            serial=certificate_serial(f, w),
            name=w.name,
            text=f"{w.name}同志于{cn_date(w.held_on)}当选为{place}{w.post_label}。",
            closing="特发此证。",
            issuer=f.town_government,
            dated=issued,
        )
        for w in f.winners
    )


def signatories(f: Facts) -> tuple[str, ...]:
    """Who signs the record sheet (计票结果报告单, WORKFLOW.md §4); left blank to sign."""
    if f.party:
        chair = "会议主持人"
    else:
        chair = "居民选举委员会主任" if f.community else "村民选举委员会主任"
    return ("总监票员", "监票员", "计票员", "唱票员", chair)


def _record_poll(poll: PollFacts) -> RecordPoll:
    party = poll.meeting != ""
    who = "委员" if poll.committee else "党员"
    return RecordPoll(
        p=poll,
        day=cn_date(poll.held_on),
        party=party,
        electorate_label=f"应到会{who}数" if party else "登记选民数",
        voted_label=f"实到会{who}数" if party else "参加投票人数",
        rules="；".join(dict.fromkeys(cited(r) for r in public_rules(poll.rules))),
    )


def record(f: Facts) -> Record:
    """纪实表: the 计票结果报告单 of every poll of the version, then the elected people."""
    seats: dict[str, int] = {}
    for poll in f.polls:
        for post in poll.posts:
            seats.setdefault(post.label, post.seats)
    names = signatories(f)
    return Record(
        title=f"{org_of(f)}换届选举纪实表",
        subtitle=f"{f.county}　{f.town}　第{f.number}版",
        days="、".join(dict.fromkeys(cn_date(p.held_on) for p in f.polls)),
        seats="，".join(f"{label}{n}名" for label, n in seats.items()),
        polls=tuple(_record_poll(p) for p in f.polls),
        vacancies=vacancy_lines(f),
        signatories=tuple(names[i : i + 2] for i in range(0, len(names), 2)),
    )


def party_report(f: Facts) -> Report:
    """关于中共××村支部委员会换届选举结果的报告: the branch to the town Party committee."""
    members = [p for p in f.polls if not p.committee]
    plenary = [p for p in f.polls if p.committee]
    paragraphs = []
    for poll in members:
        paragraphs.append(
            f"{laws_phrase(f)}，经{f.town_party}同意，{f.branch}于{cn_date(poll.held_on)}"
            f"召开党员大会{'（' + poll.kind_label + '）' if poll.kind != 'first' else ''}，"
            f"以无记名投票方式进行换届选举。应到会党员{poll.electorate}名，"
            f"实到会党员{poll.voted}名，"
            f"发出选票{poll.issued}张，收回选票{poll.returned}张，"
            f"其中有效票{poll.valid_ballots}张、无效票{poll.invalid_ballots}张，"
            + ("选举有效。" if poll.valid else f"选举无效（{'；'.join(poll.reasons)}）。")
        )
    elected = [w for w in f.winners if not w.committee]
    if elected:
        lines = elected_lines(f, tuple(elected))
        paragraphs.append(
            "党员大会选举产生了新一届"
            + f.branch.removeprefix(f"中共{f.village}")
            + "，"
            + "；".join(f"{line.label}：{line.names}" for line in lines)
            + "。"
        )
    for poll in plenary:
        chosen = [w for w in f.winners if w.poll == poll.number]
        names = "，".join(f"{w.name}为{w.post_label}（{w.votes}票）" for w in chosen)
        paragraphs.append(
            f"{cn_date(poll.held_on)}，新一届{f.branch.removeprefix(f'中共{f.village}')}"
            f"召开第一次全体会议，应到会委员{poll.electorate}名，实到会委员{poll.voted}名，"
            + (f"等额选举{names}。" if names else "未选出书记、副书记。")
        )
    paragraphs.extend(vacancy_lines(f))
    if f.reason:
        paragraphs.append(f"本报告为第{f.number}版，更正原因：{f.reason}。")
    dated = cn_date(f.dated)
    return Report(
        title=f"关于{f.branch}换届选举结果的报告",
        addressee=f"{f.town_party}：",
        paragraphs=tuple(paragraphs),
        closing="妥否，请批复。",
        signature=f.branch,
        dated=dated,
    )


# ---------------------------------------------------------------------------------------------
# Layout shared by both writers.


def width_em(text: str) -> float:
    """The width of `text` in em: a Chinese or full-width character is one, ASCII half."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def sign_indents(signature: str, dated: str) -> tuple[float, float]:
    """The right indents (em) of the signature and of the date under it: the date right-indented
    four characters, the signature centred over the date (GB/T 9704-2012 7.3.5.1), never past
    the right margin.

    >>> sign_indents("红河限村村民选举委员会", "2026年5月10日")
    (1.75, 4.0)
    """
    date_em = 4.0
    sign_em = max(0.0, date_em + (width_em(dated) - width_em(signature)) / 2)
    return sign_em, date_em


# Where a title's line may end without cutting a word (GB/T 9704-2012 7.3.1: 回行时词意完整).
_WORD_ENDS: Final = ("委员会", "关于", "选举结果", "换届选举", "的", "村", "社区")


def _break_at(title: str, start: int, target: float, max_em: float) -> int:
    """Where the line starting at `start` ends: after a word near `target` em, else at it."""
    best, best_score, fallback = -1, 0.0, len(title)
    for end in range(start + 1, len(title)):
        used = width_em(title[start:end])
        if used > max_em:
            break
        if used <= target:
            fallback = end
        if used >= target - 4 and title[:end].endswith(_WORD_ENDS):
            # 上长下短: a line a little long beats one as much too short.
            score = abs(used - target) + (1.5 if used < target else 0.0)
            if best < 0 or score < best_score:
                best, best_score = end, score
    return best if best > 0 else fallback


def title_lines(title: str, max_em: float = 20.0) -> tuple[str, ...]:
    """A title cut into lines of at most `max_em`, each ending after a word where one ends near
    an even cut (GB/T 9704-2012 7.3.1: 回行时词意完整, 排列对称).

    >>> title_lines("红河限村村民选举委员会公告")
    ('红河限村村民选举委员会公告',)
    >>> title_lines("关于中共红河限村支部委员会换届选举结果的报告")
    ('关于中共红河限村支部委员会', '换届选举结果的报告')
    """
    total = width_em(title)
    if total <= max_em:
        return (title,)
    count = math.ceil(total / max_em)
    target = total / count
    lines: list[str] = []
    start = 0
    while len(lines) < count - 1 and width_em(title[start:]) > max_em / 2:
        end = _break_at(title, start, target, max_em)
        lines.append(title[start:end])
        start = end
    return (*lines, title[start:])
