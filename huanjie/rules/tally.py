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
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from huanjie.rules.arith import chinese_numeral
from huanjie.rules.candidates import candidate_count_check
from huanjie.rules.errors import PollFileError, ProfileError
from huanjie.rules.messages import BODY_NAMES, NOTES, POLL_FILE, POST_NAMES
from huanjie.rules.poll import (
    POLL_KINDS,
    SEXES,
    Ballot,
    BallotCount,
    Candidate,
    NextPoll,
    Person,
    Poll,
    PostResult,
    TallyResult,
)
from huanjie.rules.profiles import Profile, Rule, effective_profile

# The posts whose unsuccessful votes may be carried down (海南 31, 河南 25, 河北 29). The separate
# women's post is outside the chain: only women can hold it.
_TRANSFER_CHAIN = ("director", "deputy_director", "member")
_SINGLE_SEAT = ("director", "secretary")
_COMMITTEES = ("villagers", "residents")

# A ballot reduced to what counts: (spoiled, ((post, sorted names), ...)).
_Key = tuple[bool, tuple[tuple[str, tuple[str, ...]], ...]]


def tally(poll: Poll) -> TallyResult:
    """Count `poll` under the rules of its body, province and election date.

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
    profile = _profile(poll)
    _check(poll, profile)
    return _Count(poll, profile).result()


def _fail(where: str, key: str, **params: object) -> PollFileError:
    return PollFileError(where, POLL_FILE[key].format(**params))


def _profile(poll: Poll) -> Profile:
    try:
        return effective_profile(poll.body, poll.province, poll.election_date, poll.mode)
    except ProfileError as exc:
        raise PollFileError(exc.field, exc.message) from None


def _check(poll: Poll, profile: Profile) -> None:
    """The checks of the poll file that need the rules: raise on a set-up that cannot be counted."""
    body = BODY_NAMES[profile.body]
    if poll.poll not in POLL_KINDS:
        raise _fail("poll", "bad_poll")
    if not poll.posts:
        raise _fail("posts", "empty")
    seats: dict[str, int] = {}
    for i, post in enumerate(poll.posts):
        if post.post not in profile.posts:
            allowed = "、".join(profile.posts)
            raise _fail(f"posts[{i}].post", "bad_post", body=body, post=post.post, allowed=allowed)
        if post.post in seats:
            raise _fail(f"posts[{i}].post", "duplicate_post", post=post.post)
        if post.seats < 1:
            raise _fail(f"posts[{i}].seats", "at_least_one")
        if post.post in _SINGLE_SEAT and post.seats > 1:
            raise _fail(f"posts[{i}].seats", "single_seat", post=POST_NAMES[post.post])
        seats[post.post] = post.seats
    for key, value in (
        ("electorate", poll.electorate),
        ("voted", poll.voted),
        ("ballots_issued", poll.ballots_issued),
    ):
        if value < 0:
            raise _fail(key, "negative")
    _check_size(poll, profile, seats)
    # Party members excluded from the expected attendance may still come (P8b), so only the
    # committees' electorates bound the number who voted.
    if profile.body != "party" and poll.voted > poll.electorate:
        electorate_name = {"households": "户数", "representatives": "居民代表人数"}.get(
            poll.mode or "", "登记参加选举的人数"
        )
        raise _fail(
            "voted",
            "voted_over_electorate",
            voted=poll.voted,
            electorate=poll.electorate,
            electorate_name=electorate_name,
        )
    names: set[str] = set()
    groups: tuple[tuple[str, Sequence[Candidate | Person]], ...] = (
        ("candidates", poll.candidates),
        ("elected_before", poll.elected_before),
        ("people", poll.people),
    )
    for key, people in groups:
        for i, person in enumerate(people):
            where = f"{key}[{i}]"
            if not person.name.strip():
                raise _fail(f"{where}.name", "empty_name")
            if person.name in names:
                raise _fail(f"{where}.name", "duplicate_name", name=person.name)
            names.add(person.name)
            if person.sex not in SEXES:
                raise _fail(f"{where}.sex", "bad_sex")
    for i, candidate in enumerate(poll.candidates):
        if candidate.post not in seats:
            raise _fail(f"candidates[{i}].post", "post_not_in_poll", post=candidate.post)
    for i, before in enumerate(poll.elected_before):
        if before.post not in profile.posts:
            allowed = "、".join(profile.posts)
            raise _fail(
                f"elected_before[{i}].post",
                "bad_post",
                body=body,
                post=before.post,
                allowed=allowed,
            )
    if poll.poll == "runoff":
        standing = {c.post for c in poll.candidates}
        if any(post not in standing for post in seats):
            raise _fail("candidates", "runoff_needs_candidates")
    _check_ballots(poll.ballots, "ballots", seats)
    boxes: set[str] = set()
    for i, box in enumerate(poll.boxes):
        if not box.box.strip():
            raise _fail(f"boxes[{i}].box", "empty")
        if box.box in boxes:
            raise _fail(f"boxes[{i}].box", "duplicate_box", box=box.box)
        boxes.add(box.box)
        if box.listed < 0:
            raise _fail(f"boxes[{i}].listed", "negative")
        _check_ballots(box.ballots, f"boxes[{i}].ballots", seats)
    _check_candidate_counts(poll, profile)


def _check_candidate_counts(poll: Poll, profile: Profile) -> None:
    """Every post's candidate list against the profile's 差额, through `candidate_count_check`:
    "候选人的名额应当多于应选名额" (村民委员会组织法(2025) 第十八条, (2018) 第十五条; 城市居民委员会组织法
    (2025) 第十八条), the provinces' numbers (上海 12, 北京 16, 河南 24, 河北 17, 四川 22, 海南 20),
    "委员候选人的差额不少于应选人数的20%" (中国共产党基层组织选举工作条例 第十三条); 等额 only where the
    profile allows it. Checked last, so that a file's other faults are named first.

    Not checked, each because the law sets the list another way:

    - A poll without a list (`candidates` empty: 自荐直选 or 海选, TALLY_FORMAT.md) has nothing to
      check; the voters write the names.
    - A supplementary poll (另行选举): "第一次投票未当选的人员得票多的为候选人" (村民委员会组织法(2025)
      第十八条, (2018) 第十五条; 中国共产党基层组织选举工作条例 第二十八条 "不足的名额另行选举"). The
      list follows the first poll's votes, which the file does not carry: everyone tied at the
      cut-off stands, so it may be longer than the 差额 allows, and it is shorter when fewer
      unelected people received votes. The engine itself proposes that list in `next`.
    - A run-off (再次投票): "就票数相等的候选人再次投票" (浙江 28, 北京 29, 四川 33; 党 第二十八条): the
      candidates are the people tied, however many they are.
    """
    if poll.poll != "first" or not poll.candidates:
        return
    standing = Counter(candidate.post for candidate in poll.candidates)
    for post in poll.posts:
        found = candidate_count_check(profile, post.post, post.seats, standing[post.post])
        if not found.ok:
            breach = found.problems[0]
            raise _fail(
                "candidates", "candidate_count", message=breach.message, article=breach.article
            )


def _check_size(poll: Poll, profile: Profile, seats: dict[str, int]) -> None:
    # 村民委员会组织法(2025) 第八条: "三至七人"; 城市居民委员会组织法(2025) 第八条: "五至九人".
    size_rule = profile.committee_size.value
    if size_rule is None:
        return
    low, high = size_rule
    size = sum(seats.values()) + len(poll.elected_before)
    rule = (
        f"{BODY_NAMES[profile.body]}由主任、副主任和委员共"
        f"{chinese_numeral(low)}至{chinese_numeral(high)}人组成"
    )
    article = "、".join(profile.committee_size.cite())
    if size > high:
        raise _fail("posts", "committee_too_large", rule=rule, article=article, size=size)
    # A first poll may elect the posts one round at a time (上海 15, 海南 26, 四川 29, 河北 23), so
    # only the round that elects the members must bring the committee to its lawful size.
    if poll.poll == "first" and ("member" in seats or "woman_member" in seats) and size < low:
        raise _fail("posts", "committee_too_small", rule=rule, article=article, size=size)


def _check_ballots(ballots: Sequence[Ballot], where: str, seats: dict[str, int]) -> None:
    checked: set[tuple[bool, tuple[tuple[str, tuple[str, ...]], ...]]] = set()
    for i, ballot in enumerate(ballots):
        at = f"{where}[{i}]"
        if ballot.n < 1:
            raise _fail(f"{at}.n", "at_least_one")
        content = (ballot.invalid, ballot.picks)
        if content in checked:
            continue
        checked.add(content)
        if ballot.invalid and any(names for _, names in ballot.picks):
            raise _fail(f"{at}.invalid", "invalid_with_names")
        seen_posts: set[str] = set()
        for post, names in ballot.picks:
            if post not in seats or post in seen_posts:
                raise _fail(f"{at}.{post}", "post_not_in_poll", post=post)
            seen_posts.add(post)
            marked: set[str] = set()
            for j, name in enumerate(names):
                if not name.strip():
                    raise _fail(f"{at}.{post}[{j}]", "empty_name")
                if name in marked:
                    # One mark per person per post: a repeated name is an entry error to correct,
                    # not a choice the engine should guess at.
                    raise _fail(f"{at}.{post}", "duplicate_on_ballot", name=name)
                marked.add(name)


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

        reasons: list[str] = []
        ballots = list(poll.ballots)
        if poll.boxes and profile.mobile_box_void.value:
            self.cite(profile.mobile_box_void)
        for box in poll.boxes:
            # 海南省村民委员会选举办法 第二十九条: a box holding more ballots than the voters published
            # for it is void on its own; the other ballots still stand.
            if profile.mobile_box_void.value and sum(b.n for b in box.ballots) > box.listed:
                reasons.append(f"box_void:{box.box}")
                continue
            ballots.extend(box.ballots)

        # Identical ballots are counted once, with their number; the order of posts and names on
        # a ballot does not matter.
        raw: Counter[_Key] = Counter()
        for ballot in ballots:
            raw[(ballot.invalid, ballot.picks)] += ballot.n
        groups: Counter[_Key] = Counter()
        for (spoiled, marks), n in raw.items():
            picks = tuple(sorted((post, tuple(sorted(names))) for post, names in marks if names))
            groups[(spoiled, () if spoiled else picks)] += n
        returned = sum(groups.values())
        valid_groups, invalid = self.judge(groups)

        void = self.poll_void(returned)
        reasons.extend(void)
        threshold = self.threshold(returned)
        count = BallotCount(returned, returned - invalid, invalid)
        if void:
            return self.void_result(reasons, count, valid_groups, threshold)
        return self.decide(reasons, count, valid_groups, threshold)

    def judge(
        self, groups: Counter[_Key]
    ) -> tuple[list[tuple[dict[str, frozenset[str]], int]], int]:
        """Split ballots into valid ones (with the parts that count) and invalid ones."""
        profile = self.profile
        valid: list[tuple[dict[str, frozenset[str]], int]] = []
        invalid = 0
        for (spoiled, picks), n in sorted(groups.items()):
            if spoiled:
                invalid += n
                continue
            counted: dict[str, frozenset[str]] = {}
            void = False
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
            PostResult(
                p.post, p.seats, threshold, _ordered(self.counts(p.post, groups)), (), p.seats
            )
            for p in self.poll.posts
        )
        again = tuple(
            NextPoll(
                self.poll.poll,
                post,
                self.seats[post],
                tuple(self.standing[post]),
                post == "woman_member",
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
            if transfer and post in _TRANSFER_CHAIN:
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
                and (post != "woman_member" or self.woman(name))
            ]
            ranked = _rank(counts, eligible)
            decision = self.fill(post, ranked, women_in)
            decisions[post] = decision
            taken.update(decision.elected)
            for names, _, _ in decision.runoffs:
                pending.update(names)
            women_in = women_in or any(self.woman(name) for name in decision.elected)
            if transfer and post in _TRANSFER_CHAIN:
                carry = [
                    (carried | picks.get(post, frozenset())) - taken - pending
                    for (picks, _), carried in zip(groups, carry, strict=True)
                ]

        elected_here = [name for post in self.order for name in decisions[post].elected]
        following = self.following(decisions, all_counts, taken, elected_here, women_in)
        self.closing_notes(elected_here, following, women_in)
        posts = tuple(
            PostResult(
                p.post,
                p.seats,
                threshold,
                _ordered(all_counts[p.post]),
                tuple(decisions[p.post].elected),
                p.seats - len(decisions[p.post].elected),
            )
            for p in poll.posts
        )
        return TallyResult(
            True, tuple(reasons), tuple(self.rules), count, posts, tuple(elected_here), following
        )

    def fill(self, post: str, ranked: list[tuple[str, int]], women_in: bool) -> _Decision:
        seats = self.seats[post]
        decision = _Decision()
        priority = (
            self.profile.women.value == "priority"
            and post == "member"
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
            # In a supplementary poll the women's seat is its own post (woman_member), so a
            # member-only poll reserves nothing again.
        decision.elected = elected
        if tied:
            self.cite(self.profile.ties)
            decision.runoffs.append((tuple(tied), tied_seats, post == "woman_member"))
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
                out.append(
                    NextPoll(
                        "supplementary",
                        "woman_member",
                        decision.reserved_women,
                        self.nominees("member", decision.reserved_women, counts[post], taken, True),
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
                out.append(NextPoll("runoff", post, short, left, post == "woman_member"))
            elif post == "woman_member" and not women_in:
                # 浙江省村民委员会选举办法 第二十九条: with no woman elected, the supplementary ballot
                # lists the women's post again; the law's woman member (第八条) cannot be left out.
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
            elif post == "woman_member":
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
        poll, profile = self.poll, self.profile
        rule = profile.vacancy.value
        if rule is None or poll.poll == "runoff":
            return False
        if poll.poll == "first" and not rule.after_first_poll:
            # 村民委员会组织法(2025) 第十八条: "不足的名额另行选举".
            return False
        if members < rule.min_elected or (rule.director_required and not director):
            return False
        # 浙江 30, 四川 38: three or more elected → the rest may stay empty; 北京 30: more than
        # three and the director, by decision of the 村民会议; 上海 21, 海南 34: the 村民会议 decides
        # already after the first poll.
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


def _ordered(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counts.items(), key=lambda nv: (-nv[1], nv[0])))
