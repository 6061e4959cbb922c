"""The count of one poll: which ballots are valid, whether the poll stands, who is elected, and
what the law says happens next (TALLY_FORMAT.md; RULES.md §1, §3, §5, §7).

How the rules are read where RULES.md leaves a choice (each is cited where it is applied):

- Posts are decided from the highest down (主任, 副主任, 妇女委员, 委员). A person elected to a higher
  post, or waiting for a run-off for it, is not elected to a lower one in the same poll.
- A tie at the last seat goes to a run-off among the tied people; nobody draws lots.
- A supplementary poll also needs the turnout of the first poll (河南 38 says so expressly; the
  1/3 rule relaxes only the winning threshold). Its candidates are the highest unelected of this
  poll for that post, as many as the post's least 差额 requires, and all who tie at the cut-off.
- Write-ins do not count in a run-off, which is among the tied people only.
- A women-only post (`woman_member`, or a post marked `women_only`) elects women only; the seat
  the engine reserves for a woman member (四川 34, 海南 32) goes to a women-only supplementary poll
  of the post the poll elected (`member`).
- A Party ballot that records no and abstain marks may write in at most as many people as it
  marks no ("投不赞成票者可以另选他人", 第二十五条); otherwise it is invalid.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from huanjie.rules.messages import NOTES
from huanjie.rules.poll import (
    Ballot,
    BallotCount,
    Candidate,
    NextPoll,
    Person,
    Poll,
    PostResult,
    TallyResult,
    names_for,
)
from huanjie.rules.poll_checks import TRANSFER_CHAIN, check_poll, poll_profile
from huanjie.rules.profiles import Profile, Rule

_COMMITTEES = ("villagers", "residents")

# A ballot reduced to what counts: (spoiled, ((post, sorted names voted for), ...), marks), where
# the marks of a Party ballot are ((post, sorted no, sorted abstain, write-ins), ...).
_Picks = tuple[tuple[str, tuple[str, ...]], ...]
_Marks = tuple[tuple[str, tuple[str, ...], tuple[str, ...], int], ...]
_Key = tuple[bool, _Picks, _Marks]
_Groups = list[tuple[dict[str, frozenset[str]], int]]


def tally(poll: Poll, profile: Profile | None = None) -> TallyResult:
    """Count `poll` under the rules of its body, province and election date, or under `profile`
    when given (a county's own profile, `huanjie.rules.custom`): it must be the rules of the
    poll's body, residents' mode and Party meeting, or the poll is refused on that field.

    Raises `PollFileError` for a poll that cannot be counted as given (a post the body does not
    have, a name on a ballot for a post not voted on, more seats than the law allows...). A poll
    the law declares void is not an error: the result has `valid` False and its reasons.

    >>> from datetime import date
    >>> from huanjie.rules.poll import Ballot, Poll, PostSeats
    >>> poll = Poll(
    ...     body="villagers", province="33", election_date=date(2026, 5, 10),
    ...     posts=(PostSeats("member", 3),), electorate=900, voted=500, ballots_issued=500,
    ...     ballots=(Ballot.of({"member": ["A", "B", "C"]}, n=200),
    ...              Ballot.of({"member": ["A", "B", "D"]}, n=100),
    ...              Ballot.of({"member": ["A", "B", "C", "D"]}, n=100),
    ...              Ballot.of({}, n=100)))
    >>> result = tally(poll)
    >>> result.valid, result.ballots, result.elected
    (True, BallotCount(returned=500, valid=400, invalid=100), ('A', 'B'))
    >>> result.post("member").threshold, result.next
    (251, (NextPoll(poll='supplementary', post='member', seats=1, candidates=('C', 'D'), women_only=False),))
    """
    rules = poll_profile(poll, profile)
    check_poll(poll, rules)
    return _Count(poll, rules).result()


def _key(ballot: Ballot) -> _Key:
    """What counts of `ballot`: the order of posts and names on it does not matter; the names
    voted for include its write-ins."""
    if ballot.invalid:
        return (True, (), ())
    posts = dict.fromkeys(
        post for marks in (ballot.picks, ballot.write_ins) for post, names in marks if names
    )
    picks = tuple(sorted((post, tuple(sorted(set(ballot.votes(post))))) for post in posts))
    marked = dict.fromkeys(
        post for marks in (ballot.against, ballot.abstained, ballot.write_ins) for post, _ in marks
    )
    marks = tuple(
        sorted(
            (
                post,
                tuple(sorted(names_for(ballot.against, post))),
                tuple(sorted(names_for(ballot.abstained, post))),
                len(names_for(ballot.write_ins, post)),
            )
            for post in marked
        )
    )
    return (False, picks, marks)


@dataclass
class _Decision:
    elected: list[str] = field(default_factory=list)
    runoffs: list[tuple[tuple[str, ...], int, bool]] = field(default_factory=list)
    reserved_women: int = 0


def _rank(counts: Counter[str], eligible: Iterable[str]) -> list[tuple[str, int]]:
    return sorted(((name, counts[name]) for name in eligible), key=lambda nv: (-nv[1], nv[0]))


def _pick(ranked: list[tuple[str, int]], seats: int) -> tuple[list[str], list[str], int]:
    """Fill `seats` from `ranked` (most votes first): (elected, tied at the last seat, seats left
    for the tied). 浙江 28, 北京 29: more people above the threshold than seats → the most votes
    win; a tie at the last seat is voted again among the tied."""
    if seats <= 0:
        return [], [], 0
    if len(ranked) <= seats:
        return [name for name, _ in ranked], [], 0
    cut = ranked[seats - 1][1]
    if ranked[seats][1] < cut:
        return [name for name, _ in ranked[:seats]], [], 0
    above = [name for name, votes in ranked if votes > cut]
    tied = [name for name, votes in ranked if votes == cut]
    return above, tied, seats - len(above)


class _Count:
    def __init__(self, poll: Poll, profile: Profile) -> None:
        self.poll = poll
        self.profile = profile
        self.rules: dict[str, None] = {}
        everyone: tuple[Candidate | Person, ...] = (
            *poll.people,
            *poll.candidates,
            *poll.elected_before,
        )
        self.sex = {p.name: p.sex for p in everyone}
        self.seats = {p.post: p.seats for p in poll.posts}
        # The posts only women can win in this poll: 浙江's women's post (第二十一条), and a seat
        # reserved for a woman member (四川 34, 海南 32) held as a women-only poll of its post.
        self.women_only = {p.post for p in poll.posts if p.women_only or p.post == "woman_member"}
        # Party ballots: the no and abstain marks of the valid ballots, per post (RULES.md P7).
        self.against: dict[str, Counter[str]] = {post: Counter() for post in self.seats}
        self.abstained: dict[str, Counter[str]] = {post: Counter() for post in self.seats}
        # The votes of tally sheets (计票结果报告单), per post.
        self.sheet_votes: dict[str, Counter[str]] = {post: Counter() for post in self.seats}
        # Decide from the highest post down; report in the order the file lists them.
        self.order = [post for post in profile.posts if post in self.seats]
        self.standing: dict[str, list[str]] = {post: [] for post in self.seats}
        for candidate in poll.candidates:
            self.standing[candidate.post].append(candidate.name)

    # -- helpers ------------------------------------------------------------------------------

    def cite(self, *rules: Rule[object]) -> None:
        for rule in rules:
            for article in rule.cite():
                self.rules.setdefault(article)

    def note(self, text: str) -> None:
        self.rules.setdefault(text)

    def woman(self, name: str) -> bool:
        # TALLY_FORMAT.md: a write-in not listed in `people` counts as a man for the women's seat.
        return self.sex.get(name) == "F"

    # -- the count ----------------------------------------------------------------------------

    def result(self) -> TallyResult:
        poll, profile = self.poll, self.profile
        for text in profile.notes:
            self.note(text)
        self.cite(profile.turnout, profile.turnout_base)
        if poll.poll == "runoff":
            self.cite(profile.ties)
        elif poll.poll == "supplementary":
            self.cite(profile.supplementary_threshold)
        else:
            self.cite(profile.threshold, profile.threshold_base)
        self.cite(profile.ballot_limits)
        if poll.committee_seats is not None:
            # The committee's size was checked on `committee_seats` (村民委员会组织法(2025) 第八条;
            # 城市居民委员会组织法(2025) 第八条, (1989) 第七条).
            self.cite(profile.committee_size)

        reasons: list[str] = []
        ballots = list(poll.ballots)
        sheets = [poll.counted] if poll.counted is not None else []
        if poll.boxes and profile.mobile_box_void.value:
            self.cite(profile.mobile_box_void)
        for box in poll.boxes:
            # 海南省村民委员会选举办法 第二十九条: a box holding more ballots than the voters published
            # for it is void on its own; the other ballots still stand.
            if profile.mobile_box_void.value and box.returned > box.listed:
                reasons.append(f"box_void:{box.box}")
                continue
            ballots.extend(box.ballots)
            if box.counted is not None:
                sheets.append(box.counted)

        # Identical ballots are counted once, with their number; the order of posts and names on
        # a ballot does not matter.
        # poll_from_json shares one object between identical ballots: count by object first.
        times: dict[int, int] = {}
        distinct: dict[int, Ballot] = {}
        for ballot in ballots:
            key = id(ballot)
            if key in times:
                times[key] += ballot.n
            else:
                times[key] = ballot.n
                distinct[key] = ballot
        groups: Counter[_Key] = Counter()
        for key, n in times.items():
            groups[_key(distinct[key])] += n
        valid_groups, invalid = self.judge(groups)
        # Tally sheets' totals: their ballots as the counters judged them, their votes as given.
        for sheet in sheets:
            groups[(True, (), ())] += sheet.invalid
            invalid += sheet.invalid
            groups[(False, (), ())] += sheet.valid
            for post, by_name in sheet.votes:
                self.sheet_votes[post].update(dict(by_name))
        returned = sum(groups.values())

        void = self.poll_void(returned)
        reasons.extend(void)
        threshold = self.threshold(returned)
        count = BallotCount(returned, returned - invalid, invalid)
        if void:
            return self.void_result(reasons, count, valid_groups, threshold)
        return self.decide(reasons, count, valid_groups, threshold)

    def judge(self, groups: Counter[_Key]) -> tuple[_Groups, int]:
        """Split ballots into valid ones (with the parts that count) and invalid ones; keep the
        no and abstain marks of the valid ones."""
        profile = self.profile
        valid: _Groups = []
        invalid = 0
        for (spoiled, picks, marks), n in sorted(groups.items()):
            if spoiled:
                invalid += n
                continue
            counted: dict[str, frozenset[str]] = {}
            void = False
            for _, against, _, written in marks:
                if written > len(against):
                    # 中国共产党基层组织选举工作条例 第二十五条: "投不赞成票者可以另选他人"; an
                    # abstainer may not write in (RULES.md P7), so a ballot with more write-ins
                    # than no marks is invalid.
                    self.note(
                        NOTES["party_write_in_without_no"].format(
                            article="、".join(profile.write_ins.cite())
                        )
                    )
                    void = True
                    break
            for post, names in picks:
                # 浙江 27, 北京 28, 四川 32: more names than seats voids the ballot (its whole, in
                # 四川 "每项职务" too); 河北 28 and 河南 34 void only that post's part.
                if len(names) > self.seats[post]:
                    self.cite(profile.overvote)
                    if profile.overvote.value == "ballot":
                        void = True
                        break
                    continue
                counted[post] = frozenset(names)
            if not void and profile.same_person_two_posts.value:
                # 浙江省村民委员会选举办法 第二十七条: "选举同一人为两项以上职务的" ballot is invalid.
                seen: set[str] = set()
                for marked in counted.values():
                    if seen & marked:
                        void = True
                        self.cite(profile.same_person_two_posts)
                        break
                    seen |= marked
            if void:
                # 北京 28, 河北 28: invalid ballots still count in the ballot total.
                invalid += n
            else:
                valid.append((counted, n))
                for post, against, abstained, _ in marks:
                    for name in against:
                        self.against[post][name] += n
                    for name in abstained:
                        self.abstained[post][name] += n
        return valid, invalid

    def poll_void(self, returned: int) -> list[str]:
        poll, profile = self.poll, self.profile
        reasons: list[str] = []
        turnout = profile.turnout.value
        # 村民委员会组织法(2025) 第十八条: "过半数投票，选举有效"; 城市居民委员会组织法(2025) 第十九条 by
        # mode; 中国共产党基层组织选举工作条例 第二十六条: "超过应到会人数的五分之四".
        ok = turnout.met(poll.voted, poll.electorate)
        if profile.turnout_base.value == "voted_and_returned":
            # 海南省村民委员会选举办法 第二十九条: "收回选票数超过本村选民半数".
            ok = ok and turnout.met(returned, poll.electorate)
        if not ok:
            reasons.append(profile.turnout_reason)
        # 浙江 27, 上海 19, 北京 28, 河南 35, 河北 28, 四川 32, 海南 29; 党 第二十七条: more ballots
        # returned than issued, or than people who voted, voids the vote.
        if returned > poll.ballots_issued:
            reasons.append("ballots_exceed_issued")
        if returned > poll.voted:
            reasons.append("ballots_exceed_voters")
        return reasons

    def threshold(self, returned: int) -> int:
        poll, profile = self.poll, self.profile
        if poll.poll == "runoff":
            # A run-off among the tied: the most votes win (浙江 28, 四川 33).
            return 1
        if poll.poll == "supplementary":
            # 村民委员会组织法(2025) 第十八条: "不得少于已投选票总数的三分之一" (invalid ballots
            # included: 北京 28, 河北 28, 四川 32); the Party keeps "超过实到会人数的一半".
            base = returned if profile.supplementary_base.value == "returned" else poll.voted
            return max(1, profile.supplementary_threshold.value.smallest(base))
        # 村民委员会组织法(2025) 第十八条: "参加投票的村民过半数"; 海南 29 counts ballots returned.
        base = returned if profile.threshold_base.value == "returned" else poll.voted
        return max(1, profile.threshold.value.smallest(base))

    def counts(
        self, post: str, groups: list[tuple[dict[str, frozenset[str]], int]]
    ) -> Counter[str]:
        counts: Counter[str] = Counter()
        standing = set(self.standing[post]) if self.poll.poll == "runoff" else None
        for picks, n in groups:
            names = picks.get(post, frozenset())
            if standing is not None:
                names = names & standing
            for name in names:
                counts[name] += n
        for name, n in self.sheet_votes[post].items():
            if n and (standing is None or name in standing):
                counts[name] += n
        return counts

    def void_result(
        self,
        reasons: list[str],
        count: BallotCount,
        groups: list[tuple[dict[str, frozenset[str]], int]],
        threshold: int,
    ) -> TallyResult:
        # The vote is void and must be held again (浙江 27: "选举无效…重新选举"); the counts are kept
        # for the record, without any transfer between posts.
        posts = tuple(
            self.post_result(p.post, threshold, self.counts(p.post, groups), ())
            for p in self.poll.posts
        )
        again = tuple(
            NextPoll(
                self.poll.poll,
                post,
                self.seats[post],
                tuple(self.standing[post]),
                post in self.women_only,
            )
            for post in self.order
        )
        return TallyResult(False, tuple(reasons), tuple(self.rules), count, posts, (), again)

    def decide(
        self,
        reasons: list[str],
        count: BallotCount,
        groups: list[tuple[dict[str, frozenset[str]], int]],
        threshold: int,
    ) -> TallyResult:
        poll, profile = self.poll, self.profile
        transfer = profile.transfer.value != "none" and poll.poll != "runoff"
        carry = [frozenset[str]() for _ in groups]
        taken = {p.name for p in poll.elected_before}  # elected before, or above in this poll
        pending: set[str] = set()  # waiting for a run-off for a higher post
        women_in = any(p.sex == "F" for p in poll.elected_before)
        all_counts: dict[str, Counter[str]] = {}
        decisions: dict[str, _Decision] = {}
        for post in self.order:
            counts = self.counts(post, groups)
            if transfer and post in TRANSFER_CHAIN:
                # 海南 31, 河南 25 ("可以"), 河北 29 ("应当"): the votes a person got for a higher post
                # they did not win count toward the lower post; a ballot counts once per person.
                for (picks, n), carried in zip(groups, carry, strict=True):
                    extra = carried - taken - pending - picks.get(post, frozenset())
                    for name in extra:
                        counts[name] += n
                    if extra:
                        self.cite(profile.transfer)
            all_counts[post] = counts
            blocked = taken | pending
            eligible = [
                name
                for name, votes in counts.items()
                if votes >= threshold
                and name not in blocked
                and (post not in self.women_only or self.woman(name))
            ]
            ranked = _rank(counts, eligible)
            decision = self.fill(post, ranked, women_in)
            decisions[post] = decision
            taken.update(decision.elected)
            for names, _, _ in decision.runoffs:
                pending.update(names)
            women_in = women_in or any(self.woman(name) for name in decision.elected)
            if transfer and post in TRANSFER_CHAIN:
                carry = [
                    (carried | picks.get(post, frozenset())) - taken - pending
                    for (picks, _), carried in zip(groups, carry, strict=True)
                ]

        elected_here = [name for post in self.order for name in decisions[post].elected]
        following = self.following(decisions, all_counts, taken, elected_here, women_in)
        self.closing_notes(elected_here, following, women_in)
        posts = tuple(
            self.post_result(p.post, threshold, all_counts[p.post], decisions[p.post].elected)
            for p in poll.posts
        )
        return TallyResult(
            True, tuple(reasons), tuple(self.rules), count, posts, tuple(elected_here), following
        )

    def post_result(
        self, post: str, threshold: int, counts: Counter[str], elected: Sequence[str]
    ) -> PostResult:
        seats = self.seats[post]
        result = PostResult(
            post, seats, threshold, _ordered(counts), tuple(elected), seats - len(elected)
        )
        if self.profile.body != "party":
            return result
        # A Party result reports each candidate's no and abstain marks (RULES.md P7).
        return dataclasses.replace(
            result,
            against=_ordered(self.against[post]),
            abstained=_ordered(self.abstained[post]),
        )

    def fill(self, post: str, ranked: list[tuple[str, int]], women_in: bool) -> _Decision:
        seats = self.seats[post]
        decision = _Decision()
        priority = (
            self.profile.women.value == "priority"
            and post == "member"
            and post not in self.women_only
            and not women_in
            and self.poll.poll != "runoff"
        )
        elected, tied, tied_seats = _pick(ranked, seats)
        if priority and not any(self.woman(name) for name in elected):
            # 四川省村民委员会选举条例 第三十四条, 海南省村民委员会选举办法 第三十二条: with no woman elected
            # 主任 or 副主任, "有妇女获得过半数选票的，应当首先确定得票最多的妇女当选"; otherwise "在委员
            # 的应选人数中确定一个名额另行选举妇女成员".
            women = [(name, votes) for name, votes in ranked if self.woman(name)]
            self.cite(self.profile.women)
            if women:
                top = [name for name, votes in women if votes == women[0][1]]
                rest = [(name, votes) for name, votes in ranked if name not in top]
                elected, tied, tied_seats = _pick(rest, seats - 1)
                if len(top) == 1:
                    elected = sorted([*elected, top[0]], key=lambda n: (-dict(ranked)[n], n))
                else:
                    # Women tied for the women's seat vote again among themselves.
                    decision.runoffs.append((tuple(top), 1, True))
            elif self.poll.poll == "first" and "woman_member" not in self.seats:
                decision.reserved_women = 1
                elected, tied, tied_seats = _pick(ranked, seats - 1)
            # A later poll holds the women's seat as a women-only poll of its post (`women_only`),
            # so a member-only supplementary poll reserves nothing again.
        decision.elected = elected
        if tied:
            self.cite(self.profile.ties)
            decision.runoffs.append((tuple(tied), tied_seats, post in self.women_only))
        elif len(ranked) > seats:
            self.cite(self.profile.ties)
        return decision

    def following(
        self,
        decisions: dict[str, _Decision],
        counts: dict[str, Counter[str]],
        taken: set[str],
        elected_here: list[str],
        women_in: bool,
    ) -> tuple[NextPoll, ...]:
        """What happens next: run-offs, the women's seat, supplementary polls for open seats."""
        poll, profile = self.poll, self.profile
        out: list[NextPoll] = []
        regular: dict[str, int] = {}
        for post in self.order:
            decision = decisions[post]
            for names, seats, women_only in decision.runoffs:
                out.append(NextPoll("runoff", post, seats, names, women_only))
            if decision.reserved_women:
                # 四川 34, 海南 32: "在委员的应选人数中确定一个名额另行选举妇女成员": a women-only
                # supplementary poll for the seat of the post this poll elected.
                out.append(
                    NextPoll(
                        "supplementary",
                        post,
                        decision.reserved_women,
                        self.nominees(post, decision.reserved_women, counts[post], taken, True),
                        True,
                    )
                )
            short = (
                self.seats[post]
                - len(decision.elected)
                - sum(seats for _, seats, _ in decision.runoffs)
                - decision.reserved_women
            )
            if short <= 0:
                continue
            if poll.poll == "runoff":
                # Nobody won the run-off (no votes at all): it is held again among the same people.
                left = tuple(name for name in self.standing[post] if name not in taken)
                out.append(NextPoll("runoff", post, short, left, post in self.women_only))
            elif post in self.women_only and not women_in:
                # 浙江省村民委员会选举办法 第二十九条: with no woman elected, the supplementary ballot
                # lists the women's post again; the law's woman member (第八条) cannot be left out.
                # A women-only seat of 四川 34 and 海南 32 is held again alike.
                self.cite(profile.women)
                out.append(
                    NextPoll(
                        "supplementary",
                        post,
                        short,
                        self.nominees(post, short, counts[post], taken, True),
                        True,
                    )
                )
            elif post in self.women_only:
                # A woman is already elected, so the seat is an ordinary member's seat.
                target = "member" if "member" in self.seats else post
                regular[target] = regular.get(target, 0) + short
            else:
                regular[post] = regular.get(post, 0) + short
        members = len(poll.elected_before) + len(elected_here)
        director = any(p.post == "director" for p in poll.elected_before) or bool(
            "director" in decisions and decisions["director"].elected
        )
        if regular and not self.may_stay_empty(members, director):
            for post, short in regular.items():
                source = post if post in counts else "woman_member"
                out.append(
                    NextPoll(
                        "supplementary",
                        "member" if post == "woman_member" else post,
                        short,
                        self.nominees(source, short, counts[source], taken, False),
                    )
                )
            # 中国共产党基层组织选举工作条例 第二十八条: "不足的名额另行选举"; close to the seats,
            # the seats may instead be reduced.
            if profile.body == "party":
                self.note(
                    NOTES["party_may_reduce"].format(article="、".join(profile.vacancy.cite()))
                )
            else:
                self.cite(profile.supplementary_threshold, profile.supplementary_window_days)
        return tuple(out)

    def may_stay_empty(self, members: int, director: bool) -> bool:
        """Whether open seats may stay empty instead of going to another supplementary poll;
        `members` are elected in all, `director` whether the director is among them."""
        profile = self.profile
        if not may_stay_empty(profile, self.poll.poll, members=members, director=director):
            return False
        rule = profile.vacancy.value
        assert rule is not None  # may_stay_empty says no without a rule
        article = "、".join(profile.vacancy.cite()) or profile.vacancy.note
        key = "vacancy_meeting_decides" if rule.meeting_decides else "vacancy_may_stay"
        self.note(NOTES[key].format(article=article, count=members))
        return True

    def nominees(
        self, post: str, seats: int, counts: Counter[str], taken: set[str], women_only: bool
    ) -> tuple[str, ...]:
        """The candidates of a supplementary poll: "第一次投票未当选的人员得票多的为候选人"
        (村民委员会组织法(2025) 第十八条), as many as the post's least 差额 requires, and everyone
        tied at the cut-off."""
        pool = [
            (name, votes)
            for name, votes in counts.items()
            if votes > 0 and name not in taken and (not women_only or self.woman(name))
        ]
        ranked = sorted(pool, key=lambda nv: (-nv[1], nv[0]))
        low, _ = self.profile.surplus.value.extra(post, seats)
        need = seats + low
        if len(ranked) <= need:
            return tuple(name for name, _ in ranked)
        cut = ranked[need - 1][1]
        return tuple(name for name, votes in ranked if votes >= cut)

    def closing_notes(
        self, elected_here: list[str], following: tuple[NextPoll, ...], women_in: bool
    ) -> None:
        poll, profile = self.poll, self.profile
        if (
            profile.write_in_review.value
            and poll.candidates
            and any(name not in {c.name for c in poll.candidates} for name in elected_here)
        ):
            # 浙江 32, 四川 35, 海南 35: a write-in winner goes through qualification review.
            self.note(
                NOTES["write_in_review"].format(article="、".join(profile.write_in_review.cite()))
            )
        if (
            profile.body in _COMMITTEES
            and not women_in
            and not following
            and profile.women.articles
        ):
            # 村民委员会组织法(2025) 第八条: "应当有妇女成员"; the law gives no way to force it here.
            self.note(NOTES["no_woman_elected"].format(article=profile.women.cite()[0]))


def may_stay_empty(profile: Profile, poll: str, *, members: int, director: bool) -> bool:
    """Whether the seats a `poll` ("first", "supplementary", "runoff") left open may stay empty
    (暂缺) instead of going to another supplementary poll, under `profile`'s vacancy rule;
    `members` are elected in all, `director` whether the director is among them. The count
    applies it (with a note saying so); huanjie.rules.acting asks it of a roster.

    >>> from datetime import date
    >>> from huanjie.rules.profiles import effective_profile
    >>> zj = effective_profile("villagers", "33", date(2026, 5, 10))
    >>> may_stay_empty(zj, "supplementary", members=3, director=False)
    True
    >>> may_stay_empty(zj, "first", members=5, director=True)
    False
    >>> bj = effective_profile("villagers", "11", date(2026, 5, 10))
    >>> may_stay_empty(bj, "supplementary", members=4, director=False)
    False
    """
    rule = profile.vacancy.value
    if rule is None or poll == "runoff":
        return False
    if poll == "first" and not rule.after_first_poll:
        # 村民委员会组织法(2025) 第十八条: "不足的名额另行选举".
        return False
    # 浙江 30, 四川 38: three or more elected → the rest may stay empty; 北京 30: more than
    # three and the director, by decision of the 村民会议; 上海 21, 海南 34: the 村民会议 decides
    # already after the first poll.
    return members >= rule.min_elected and (director or not rule.director_required)


def _ordered(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counts.items(), key=lambda nv: (-nv[1], nv[0])))
