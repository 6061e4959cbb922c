"""The checks of a poll file that need the rules (TALLY_FORMAT.md): the posts the body has, the
seats and the committee's size the law allows, the names on ballots and tally sheets, the
candidate lists' 差额. `huanjie.rules.tally.tally` runs them before counting, so the CLI and the
Python API refuse the same polls with the same `PollFileError`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from huanjie.rules.arith import chinese_numeral
from huanjie.rules.candidates import candidate_count_check
from huanjie.rules.errors import PollFileError, ProfileError
from huanjie.rules.messages import (
    BODY_NAMES,
    MEETING_NAMES,
    MODE_NAMES,
    POLL_FILE,
    POST_NAMES,
)
from huanjie.rules.poll import (
    POLL_KINDS,
    SEXES,
    Ballot,
    Candidate,
    Counted,
    Person,
    Poll,
    names_for,
)
from huanjie.rules.profiles import Profile, effective_profile

# The posts whose unsuccessful votes may be carried down (海南 31, 河南 25, 河北 29). The separate
# women's post is outside the chain: only women can hold it.
TRANSFER_CHAIN = ("director", "deputy_director", "member")
_SINGLE_SEAT = ("director", "secretary")


def poll_profile(poll: Poll, profile: Profile | None = None) -> Profile:
    """The rules `poll` is counted under: those of its body, province, date, residents' mode and
    Party meeting, or `profile` when given, which must be for the same body, mode and meeting."""
    rules = _profile(poll)
    if profile is not None:
        _check_profile(rules, profile)
        return profile
    return rules


def _fail(where: str, key: str, **params: object) -> PollFileError:
    return PollFileError(where, POLL_FILE[key].format(**params))


def _profile(poll: Poll) -> Profile:
    try:
        return effective_profile(
            poll.body, poll.province, poll.election_date, poll.mode, poll.meeting
        )
    except ProfileError as exc:
        raise PollFileError(exc.field, exc.message) from None


def _check_profile(expected: Profile, given: Profile) -> None:
    names = {**BODY_NAMES, **MODE_NAMES, **MEETING_NAMES}
    for field_name in ("body", "mode", "meeting"):
        want, got = getattr(expected, field_name), getattr(given, field_name)
        if want != got:
            raise _fail(
                field_name,
                "profile_mismatch",
                given=names.get(got or "", got or "—"),
                expected=names.get(want or "", want or "—"),
            )


def check_poll(poll: Poll, profile: Profile) -> None:
    """The checks of the poll file that need the rules: raise on a set-up that cannot be counted."""
    body = BODY_NAMES[profile.body]
    if poll.poll not in POLL_KINDS:
        raise _fail("poll", "bad_poll")
    if not poll.posts:
        raise _fail("posts", "empty")
    seats: dict[str, int] = {}
    for i, post in enumerate(poll.posts):
        if profile.meeting == "committee" and post.post not in profile.posts:
            raise _fail(f"posts[{i}].post", "meeting_posts")
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
    # committees' electorates (and the Party committee's own members) bound the number who voted.
    if (profile.body != "party" or profile.meeting == "committee") and poll.voted > poll.electorate:
        electorate_name = {"households": "户数", "representatives": "居民代表人数"}.get(
            poll.mode or "", "委员会委员人数" if profile.body == "party" else "登记参加选举的人数"
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
    _check_ballots(poll, poll.ballots, "ballots", seats)
    boxes: set[str] = set()
    for i, box in enumerate(poll.boxes):
        if not box.box.strip():
            raise _fail(f"boxes[{i}].box", "empty")
        if box.box in boxes:
            raise _fail(f"boxes[{i}].box", "duplicate_box", box=box.box)
        boxes.add(box.box)
        if box.listed < 0:
            raise _fail(f"boxes[{i}].listed", "negative")
        _check_ballots(poll, box.ballots, f"boxes[{i}].ballots", seats)
        if box.counted is not None:
            _check_counted(box.counted, f"boxes[{i}].counted", seats)
    if poll.counted is not None:
        _check_counted(poll.counted, "counted", seats)
    _check_counted_transfer(poll, profile, seats)
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
    """The committee's size: 村民委员会组织法(2025) 第八条 "三至七人"; 城市居民委员会组织法(2025)
    第八条 "五至九人"; 河南 residents 5 to 7.

    The limits are limits on the committee, not on one round's seats: 上海 15, 四川 29, 河北 23
    and 海南 26 allow electing the director, the deputies and the members in separate rounds
    (RULES.md §9). With `committee_seats` (the whole committee's seats across its rounds) the
    limits are checked on it, and this poll's seats and those elected before must fit in it.
    Without it, this poll's seats and those elected before must not exceed the upper limit, and
    the lower limit binds only a poll that elects the whole committee at once: a first poll with
    the director and the members, nothing elected before."""
    here = sum(seats.values())
    before = len(poll.elected_before)
    committee = poll.committee_seats
    size_rule = profile.committee_size.value
    if committee is not None and committee < 1:
        raise _fail("committee_seats", "at_least_one")
    if size_rule is not None:
        low, high = size_rule
        rule = (
            f"{BODY_NAMES[profile.body]}由主任、副主任和委员共"
            f"{chinese_numeral(low)}至{chinese_numeral(high)}人组成"
        )
        article = "、".join(profile.committee_size.cite())
        if committee is not None and not low <= committee <= high:
            raise _fail(
                "committee_seats",
                "committee_seats_out_of_range",
                rule=rule,
                article=article,
                size=committee,
            )
        if committee is None:
            size = here + before
            if size > high:
                raise _fail("posts", "committee_too_large", rule=rule, article=article, size=size)
            whole = (
                poll.poll == "first"
                and not poll.elected_before
                and "director" in seats
                and ("member" in seats or "woman_member" in seats)
            )
            if whole and size < low:
                raise _fail("posts", "committee_too_small", rule=rule, article=article, size=size)
    if committee is not None and here + before > committee:
        raise _fail(
            "posts",
            "seats_over_committee",
            seats=here,
            before=before,
            total=here + before,
            committee=committee,
        )


def _check_ballots(
    poll: Poll, ballots: Sequence[Ballot], where: str, seats: dict[str, int]
) -> None:
    # poll_from_json shares one object between identical ballots: those are checked once.
    same: set[int] = set()
    checked: set[tuple[object, ...]] = set()
    for i, ballot in enumerate(ballots):
        at = f"{where}[{i}]"
        if ballot.n < 1:
            raise _fail(f"{at}.n", "at_least_one")
        if id(ballot) in same:
            continue
        same.add(id(ballot))
        content = ballot.content
        if content in checked:
            continue
        checked.add(content)
        if ballot.invalid and (any(names for _, names in ballot.picks) or ballot.has_marks):
            raise _fail(f"{at}.invalid", "invalid_with_names")
        seen_posts: set[str] = set()
        for post, names in ballot.picks:
            if post not in seats or post in seen_posts:
                raise _fail(f"{at}.{post}", "post_not_in_poll", post=post)
            seen_posts.add(post)
            _check_names(names, f"{at}.{post}")
        if ballot.has_marks:
            _check_marks(poll, ballot, at, seats)


def _check_counted(counted: Counted, where: str, seats: dict[str, int]) -> None:
    """A tally sheet's totals: its posts are this poll's, and its votes could have been cast on
    its valid ballots (one vote per person per ballot, at most the seats per ballot)."""
    for post, by_name in counted.votes:
        at = f"{where}.votes.{post}"
        if post not in seats:
            raise _fail(at, "post_not_in_poll", post=post)
        for name, votes in by_name:
            if votes > counted.valid:
                raise _fail(f"{at}.{name}", "counted_over_valid", votes=votes, valid=counted.valid)
        total = sum(votes for _, votes in by_name)
        if total > seats[post] * counted.valid:
            raise _fail(
                at,
                "counted_over_seats",
                post=POST_NAMES.get(post, post),
                seats=seats[post],
                total=total,
                valid=counted.valid,
            )


def _check_counted_transfer(poll: Poll, profile: Profile, seats: dict[str, int]) -> None:
    """Votes for a higher post carried to a lower one (海南 31, 河南 25, 河北 29) count once per
    ballot and person, which a sheet's totals cannot tell: such a poll is entered ballot by
    ballot."""
    sheets = poll.counted is not None or any(box.counted is not None for box in poll.boxes)
    chain = [post for post in TRANSFER_CHAIN if post in seats]
    if sheets and profile.transfer.value != "none" and poll.poll != "runoff" and len(chain) > 1:
        article = "、".join(profile.transfer.cite())
        raise _fail("counted", "counted_with_transfer", article=article)


def _check_names(names: Sequence[str], at: str) -> None:
    marked: set[str] = set()
    for j, name in enumerate(names):
        if not name.strip():
            raise _fail(f"{at}[{j}]", "empty_name")
        if name in marked:
            # One mark per person per post: a repeated name is an entry error to correct,
            # not a choice the engine should guess at.
            raise _fail(at, "duplicate_on_ballot", name=name)
        marked.add(name)


def _check_marks(poll: Poll, ballot: Ballot, at: str, seats: dict[str, int]) -> None:
    """A Party ballot's no / abstain / write-in marks (RULES.md P7): only on a Party poll with a
    list; no and abstain marks name the post's candidates, write-ins name other people, and one
    person has one mark per post."""
    if poll.body != "party":
        raise _fail(at, "marks_not_party")
    posts = [
        post for marks in (ballot.against, ballot.abstained, ballot.write_ins) for post, _ in marks
    ]
    for post in posts:
        if post not in seats:
            raise _fail(f"{at}.{post}", "post_not_in_poll", post=post)
        if not poll.candidates:
            raise _fail(f"{at}.{post}", "marks_need_candidates")
    for post in dict.fromkeys(posts):
        where = f"{at}.{post}"
        standing = {c.name for c in poll.candidates if c.post == post}
        name = POST_NAMES.get(post, post)
        groups = (
            ballot.names(post),
            *(
                names_for(marks, post)
                for marks in (ballot.against, ballot.abstained, ballot.write_ins)
            ),
        )
        seen: set[str] = set()
        for group in groups:
            _check_names(group, where)
            for person in group:
                if person in seen:
                    raise _fail(where, "marked_twice", name=person)
                seen.add(person)
        for person in (*groups[0], *groups[1], *groups[2]):
            if person not in standing:
                raise _fail(where, "not_a_candidate", name=person, post=name)
        for person in groups[3]:
            if person in standing:
                raise _fail(where, "write_in_is_candidate", name=person, post=name)
