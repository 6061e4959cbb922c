"""The register of who received a ballot (验证发票, WORKFLOW.md §1 step 12) and the live count of
those present for the quorum.

A voter is found on the village's roll in the campaign — by ID number typed or read from an ID
card reader (by the keyed hash, within this roll only, so a number of someone registered
elsewhere answers exactly as an unknown number does) or picked from the published list — and
receives one ballot per poll (`CheckIn`, constraint `checkin_once`). A proxy holder receives the
principal's ballot besides their own: the check-in is the principal's, `by_proxy` the holder.
An undo is the coordinator's, with a reason, and is kept on record.

The Party's members' meeting registers the members present instead (`PartyAttendance`).

    check_in / check_in_undo             villagers', residents', supervision polls
    party_attend / party_attend_undo     the Party's
    presence(poll)                       present against the electorate, and the quorum
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Final

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from huanjie.accounts.models import User
from huanjie.accounts.permissions import Action
from huanjie.audit.services import audit_record
from huanjie.elections.models import Body
from huanjie.elections.services import election_day_of
from huanjie.lib import idcard
from huanjie.lib.crypto import lookup_hash
from huanjie.party.models import PartyBranch, PartyMember
from huanjie.polls.models import (
    BallotBox,
    CheckIn,
    CheckInMethod,
    Meeting,
    MobileBoxVoter,
    Poll,
    PollStatus,
)
from huanjie.polls.models import PartyAttendance as Attendance
from huanjie.polls.services.lifecycle import committee_elected, electorate_of, poll_profile
from huanjie.polls.services.setup import MSG_BOX_OTHER_POLL, check_poll, roll_of
from huanjie.polls.services.setup import MSG_NOT_ON_ROLL as MSG_REGISTRATION_NOT_ON_ROLL
from huanjie.rules.party import party_quorum
from huanjie.rules.profiles import PARTY, Profile, effective_profile
from huanjie.voters.models import Proxy, VoterRegistration

MSG_SOURCE = "请输入身份证号、刷身份证或从名单中选择选民"
MSG_ID_INVALID = "身份证号格式不正确，请核对后重新输入"
MSG_READER = "未读到身份证号，请重新刷卡或手工输入"
MSG_NOT_ON_ROLL = "该身份证号不在本村选民名单中"
MSG_ALREADY = "{name}（{masked}）已于{time}在“{box}”领取选票{proxy}"
MSG_RACE = "该选民刚刚已登记领票，请刷新后核对"
MSG_ALREADY_PROXY = "（由{holder}代领）"
MSG_LISTED_ELSEWHERE = "{name}已列入流动票箱“{box}”的投票人员名单，应在该票箱投票"
MSG_NOT_LISTED = "{name}不在流动票箱“{box}”的投票人员名单中"
MSG_PROXY_SELF = "委托人与受委托人不能是同一人"
MSG_NO_PROXY = "{holder}未持有{principal}的有效委托，不能代领选票"
MSG_PROXY_NOT_ALLOWED = "{why}，不能委托投票（依据：{article}）"
MSG_PARTY_ATTEND = "村党组织的选举登记党员到会，不发放选民选票"
MSG_NOT_PARTY = "只有村党组织的选举登记党员到会"
MSG_NOT_MEMBER = "{name}不是本村党组织的党员"
MSG_NO_VOTE = "{name}没有表决权（{why}），不计入到会人数（依据：{article}）"
MSG_UNREGISTERED_FLOWING = "流动党员未参加选举登记"
MSG_ATTENDED = "{name}已于{time}登记到会"
MSG_UNDONE = "该登记已撤销"
MSG_OTHER_POLL = "该登记不属于这次投票"
MSG_REASON_REQUIRED = "请填写撤销原因"

# An ID card reader types the number, often with a CR or a tab, some a whole line of fields
# ("姓名|号码|…"): the first run of 17 digits and a check character is the number.
_READ_ID: Final = re.compile(r"(?<![0-9])[0-9]{17}[0-9X](?![0-9])")


def reader_number(raw: str) -> str:
    """The ID number in what an ID card reader typed ("" when there is none).

    >>> reader_number(" 630121199001010143\\r\\n")
    '630121199001010143'
    >>> reader_number("张三|63012119900101014x|男|汉")
    '63012119900101014X'
    >>> reader_number("12345")
    ''
    """
    text = unicodedata.normalize("NFKC", raw or "").upper()
    found = _READ_ID.search(text)
    return found.group(0) if found else ""


def find_on_roll(poll: Poll, id_number: str) -> VoterRegistration | None:
    """The registration on the poll's village roll of the person with `id_number`, by the keyed
    hash (None when there is none: elsewhere or nowhere alike). A malformed number is refused."""
    checked = idcard.check(id_number or "")
    if not checked.normalized or checked.problems or len(checked.normalized) != 18:
        raise ValidationError({"id_number": MSG_ID_INVALID})
    return (
        roll_of(poll)
        .filter(person__id_hash=lookup_hash(checked.normalized))
        .select_related("person")
        .first()
    )


SEARCH_LIMIT: Final = 20


def _search_number(text: str) -> str | None:
    """The normalised ID number when `text` is one; "" when it holds digits but is no whole
    number (it finds nobody, as an unknown number does); None when it is a name."""
    checked = idcard.check(text)
    if checked.normalized and len(checked.normalized) == 18 and not checked.problems:
        return checked.normalized
    return "" if any(ch.isdigit() for ch in text) else None


def roll_search(poll: Poll, text: str) -> list[VoterRegistration]:
    """The registrations of the poll's village roll whose name contains `text`, or whose ID
    number is `text` (by the keyed hash): the published list the desk picks from."""
    text = (text or "").strip()[:50]
    if not text:
        return []
    number = _search_number(text)
    if number == "":
        return []
    roll = roll_of(poll).select_related("person")
    if number:
        found = roll.filter(person__id_hash=lookup_hash(number))
    else:
        found = roll.filter(person__name__contains=text)
    return list(found.order_by("person__name", "pk")[:SEARCH_LIMIT])


def branch_members(poll: Poll) -> QuerySet[PartyMember]:
    """The members of the village's Party organisation."""
    return PartyMember.objects.filter(
        branch__village_id=poll.election.village.region_id
    ).select_related("person", "branch")


def members_search(poll: Poll, text: str) -> list[PartyMember]:
    """The village's Party members whose name contains `text` or whose ID number it is."""
    text = (text or "").strip()[:50]
    if not text:
        return []
    number = _search_number(text)
    if number == "":
        return []
    members = branch_members(poll)
    if number:
        found = members.filter(person__id_hash=lookup_hash(number))
    else:
        found = members.filter(person__name__contains=text)
    return list(found.order_by("person__name", "pk")[:SEARCH_LIMIT])


def find_member(poll: Poll, id_number: str) -> PartyMember | None:
    """The village's Party member with `id_number` (None: not a member here, or unknown)."""
    checked = idcard.check(reader_number(id_number) or id_number or "")
    if not checked.normalized or checked.problems or len(checked.normalized) != 18:
        raise ValidationError({"id_number": MSG_ID_INVALID})
    return branch_members(poll).filter(person__id_hash=lookup_hash(checked.normalized)).first()


def _present(
    poll: Poll,
    id_number: str | None,
    card_reader: str | None,
    registration: VoterRegistration | None,
) -> tuple[VoterRegistration, str]:
    """The registration of the voter in front of the desk and how they were found."""
    given = [v for v in (id_number, card_reader, registration) if v not in (None, "")]
    if len(given) != 1:
        raise ValidationError({"id_number": MSG_SOURCE})
    if registration is not None:
        found = roll_of(poll).filter(pk=registration.pk).select_related("person").first()
        if found is None:
            raise ValidationError({"registration": MSG_REGISTRATION_NOT_ON_ROLL})
        return found, CheckInMethod.LIST
    if card_reader:
        number = reader_number(card_reader)
        if not number:
            raise ValidationError({"card_reader": MSG_READER})
        method, field_name = CheckInMethod.CARD_READER, "card_reader"
    else:
        number = id_number or ""
        method, field_name = CheckInMethod.ID_NUMBER, "id_number"
    try:
        found = find_on_roll(poll, number)
    except ValidationError as exc:
        raise ValidationError({field_name: exc.messages}) from exc
    if found is None:
        raise ValidationError({field_name: MSG_NOT_ON_ROLL})
    return found, method


def poll_rules(poll: Poll) -> Profile:
    """The poll's profile; a residents' poll in a mode, or the Party committee's own meeting,
    under the rules of that mode or meeting (城市居民委员会组织法(2025) 第十九条)."""
    election = poll.election
    if election.body == Body.RESIDENTS and poll.mode:
        entry = election.village
        return effective_profile(
            Body.RESIDENTS, entry.campaign.rule_province, election_day_of(entry), mode=poll.mode
        )
    if election.body == Body.PARTY and poll.mode:
        entry = election.village
        return effective_profile(
            Body.PARTY, entry.campaign.rule_province, election_day_of(entry), meeting=poll.mode
        )
    return poll_profile(poll)


def _check_proxy(poll: Poll, principal: VoterRegistration, holder: VoterRegistration) -> None:
    rule = poll_rules(poll).proxy
    if not rule.value.allowed:
        raise ValidationError(
            {
                "by_proxy_for": MSG_PROXY_NOT_ALLOWED.format(
                    why=rule.value.refused_because or "本次选举", article="、".join(rule.cite())
                )
            }
        )
    if principal.pk == holder.pk:
        raise ValidationError({"by_proxy_for": MSG_PROXY_SELF})
    if not roll_of(poll).filter(pk=principal.pk).exists():
        raise ValidationError({"by_proxy_for": MSG_REGISTRATION_NOT_ON_ROLL})
    held = Proxy.objects.filter(principal=principal, holder=holder, withdrawn_on__isnull=True)
    if not held.exists():
        raise ValidationError(
            {
                "by_proxy_for": MSG_NO_PROXY.format(
                    holder=holder.person.name, principal=principal.person.name
                )
            }
        )


def _already(poll: Poll, registration: VoterRegistration) -> ValidationError | None:
    first = (
        CheckIn.objects.filter(poll=poll, registration=registration, undone_at__isnull=True)
        .select_related("box", "by_proxy__person")
        .first()
    )
    if first is None:
        return None
    proxy = ""
    if first.by_proxy is not None:
        proxy = MSG_ALREADY_PROXY.format(holder=first.by_proxy.person.name)
    return ValidationError(
        MSG_ALREADY.format(
            name=registration.person.name,
            masked=registration.person.id_masked,
            time=timezone.localtime(first.at).strftime("%H:%M"),
            box=first.box.name,
            proxy=proxy,
        )
    )


def _check_box(poll: Poll, box: BallotBox, registration: VoterRegistration) -> None:
    """A voter listed for a mobile box votes there; a mobile box takes its listed voters only."""
    listed = (
        MobileBoxVoter.objects.filter(box__poll=poll, registration=registration)
        .select_related("box")
        .first()
    )
    name = registration.person.name
    if listed is not None and listed.box_id != box.pk:
        raise ValidationError({"box": MSG_LISTED_ELSEWHERE.format(name=name, box=listed.box.name)})
    if box.mobile and listed is None:
        raise ValidationError({"box": MSG_NOT_LISTED.format(name=name, box=box.name)})


def check_in(
    *,
    actor: User,
    poll: Poll,
    box: BallotBox,
    id_number: str | None = None,
    card_reader: str | None = None,
    registration: VoterRegistration | None = None,
    by_proxy_for: VoterRegistration | None = None,
) -> CheckIn:
    """Record that a voter received a ballot at `box`, the voter found by one of `id_number`,
    `card_reader` (the raw input of an ID card reader) or `registration` (picked from the
    published list). With `by_proxy_for`, the voter found is a proxy holder receiving the ballot
    of that principal: they must hold the principal's proxy in force, and the check-in is the
    principal's. Refused for a voter not on the roll, one who already received a ballot (when
    and where is said), and a voter listed for a mobile box at another box."""
    check_poll(actor, poll, "登记领票", PollStatus.VOTING, action=Action.MANAGE_POLLS)
    if poll.election.body == Body.PARTY:
        raise ValidationError(MSG_PARTY_ATTEND)
    if box.poll_id != poll.pk:
        raise ValidationError({"box": MSG_BOX_OTHER_POLL})
    present, method = _present(poll, id_number, card_reader, registration)
    holder: VoterRegistration | None = None
    voter = present
    if by_proxy_for is not None:
        _check_proxy(poll, by_proxy_for, present)
        holder = present
        voter = VoterRegistration.objects.select_related("person").get(pk=by_proxy_for.pk)
    refusal = _already(poll, voter)
    if refusal is not None:
        raise refusal
    _check_box(poll, box, voter)
    try:
        with transaction.atomic():
            row = CheckIn.objects.create(
                poll=poll, registration=voter, box=box, by_proxy=holder, method=method, by=actor
            )
            audit_record(
                actor=actor,
                action="poll.check_in",
                obj=poll,
                changes={
                    "registration": voter.pk,
                    "id": voter.person.id_masked,
                    "box": box.name,
                    "method": method,
                    "by_proxy": holder.person.id_masked if holder is not None else "",
                },
            )
    except IntegrityError:
        # Another desk checked the same voter in a moment ago (constraint checkin_once).
        refusal = _already(poll, voter)
        raise refusal or ValidationError(MSG_RACE) from None
    return row


def _undo_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": MSG_REASON_REQUIRED})
    if len(reason) > 200:
        raise ValidationError({"reason": "撤销原因不能超过200个字"})
    return reason


def _undo(
    actor: User,
    row: CheckIn | Attendance,
    reason: str,
    *,
    what: str,
    event: str,
    changes: dict[str, object],
) -> None:
    """Undo a register row entered by mistake (the coordinator's, with a reason): it stays on
    record, no longer counts, and the person may be registered again."""
    poll = row.poll
    check_poll(actor, poll, what, PollStatus.VOTING, action=Action.COORDINATE_COUNT)
    reason = _undo_reason(reason)
    if row.undone_at is not None:
        raise ValidationError(MSG_UNDONE)
    with transaction.atomic():
        row.undone_at = timezone.now()
        row.undone_by = actor
        row.undo_reason = reason
        row.save(update_fields=["undone_at", "undone_by", "undo_reason"])
        audit_record(actor=actor, action=event, obj=poll, changes={**changes, "reason": reason})


def check_in_undo(*, actor: User, check_in: CheckIn, reason: str) -> CheckIn:
    """Undo a check-in entered by mistake; the voter may then be checked in again."""
    _undo(
        actor,
        check_in,
        reason,
        what="撤销领票登记",
        event="poll.check_in_undo",
        changes={
            "check_in": check_in.pk,
            "id": check_in.registration.person.id_masked,
            "box": check_in.box.name,
        },
    )
    return check_in


# ---------------------------------------------------------------------------------------------
# The Party's members' meeting.


MSG_NOT_ON_COMMITTEE = "{name}不是新当选的委员，不参加委员会全体会议"


def branch_of(poll: Poll) -> PartyBranch | None:
    return PartyBranch.objects.filter(village_id=poll.election.village.region_id).first()


def _vote_refusal(poll: Poll, member: PartyMember) -> str:
    """Why `member` has no vote at the poll's meeting ("" when they have): 中国共产党基层组织选举
    工作条例 第五条; a flowing member counts once registered (party.selectors)."""
    from huanjie.party.selectors import attendance

    branch = member.branch
    seen = attendance(poll.election.village.campaign, branch)
    if any(m.pk == member.pk for m in seen.voting):
        return ""
    why = member.get_status_display() if not member.votes else MSG_UNREGISTERED_FLOWING
    return MSG_NO_VOTE.format(name=member.person.name, why=why, article=f"{PARTY} 第五条")


def party_attend(*, actor: User, poll: Poll, member: PartyMember) -> Attendance:
    """Register a member of the village's Party organisation with the vote as present (实到会)."""
    check_poll(actor, poll, "登记到会", PollStatus.VOTING, action=Action.MANAGE_POLLS)
    if poll.election.body != Body.PARTY:
        raise ValidationError(MSG_NOT_PARTY)
    name = member.person.name
    if member.branch.village_id != poll.election.village.region_id:
        raise ValidationError({"member": MSG_NOT_MEMBER.format(name=name)})
    refusal = _vote_refusal(poll, member)
    if refusal:
        raise ValidationError({"member": refusal})
    # The committee's first plenary: only the members the members' meeting elected (P12).
    if poll.mode == Meeting.COMMITTEE and member.person_id not in {
        p.pk for p in committee_elected(poll.election, poll.rehearsal)
    }:
        raise ValidationError({"member": MSG_NOT_ON_COMMITTEE.format(name=name)})
    seen = Attendance.objects.filter(poll=poll, member=member, undone_at__isnull=True).first()
    if seen is not None:
        time = timezone.localtime(seen.at).strftime("%H:%M")
        raise ValidationError({"member": MSG_ATTENDED.format(name=name, time=time)})
    try:
        with transaction.atomic():
            row = Attendance.objects.create(poll=poll, member=member, by=actor)
            audit_record(
                actor=actor,
                action="poll.party_attend",
                obj=poll,
                changes={"member": member.pk, "id": member.person.id_masked},
            )
    except IntegrityError:
        raise ValidationError({"member": MSG_ATTENDED.format(name=name, time="刚才")}) from None
    return row


def party_attend_undo(*, actor: User, attendance: Attendance, reason: str) -> Attendance:
    """Undo a member's attendance registered by mistake."""
    _undo(
        actor,
        attendance,
        reason,
        what="撤销到会登记",
        event="poll.party_attend_undo",
        changes={"attendance": attendance.pk, "id": attendance.member.person.id_masked},
    )
    return attendance


# ---------------------------------------------------------------------------------------------
# The live count for the quorum.


@dataclass(frozen=True)
class BoxPresence:
    name: str
    mobile: bool
    present: int
    by_proxy: int


@dataclass(frozen=True)
class Presence:
    """Those present against the electorate and whether the quorum is met so far (`met` None
    while the electorate is unknown: a residents' representatives' poll before it is typed)."""

    electorate: int | None
    present: int
    by_proxy: int = 0
    mobile: int = 0
    boxes: list[BoxPresence] = field(default_factory=list)
    needed: int | None = None
    met: bool | None = None
    rule: str = ""  # the share as the law words it: "过半数", "超过五分之四"
    article: str = ""
    party: bool = False

    @property
    def short(self) -> int | None:
        """How many more must come for the quorum (None while the electorate is unknown)."""
        return None if self.needed is None else max(0, self.needed - self.present)


def presence(poll: Poll) -> Presence:
    """The live count: active check-ins (a principal whose holder received their ballot counts;
    a holder's own ballot is their own check-in), of which by proxy and at mobile boxes, per
    box; and the quorum: villagers and residents "过半数" of the electorate (the profile's
    `turnout`, 村民委员会组织法(2025) 第十八条), the Party more than four fifths of the members
    expected (`huanjie.rules.party_quorum`, 中国共产党基层组织选举工作条例 第二十六条)."""
    electorate = poll.electorate if poll.electorate is not None else electorate_of(poll)
    if poll.election.body == Body.PARTY:
        present = Attendance.objects.filter(poll=poll, undone_at__isnull=True).count()
        rule = poll_rules(poll).turnout
        needed: int | None = None
        met: bool | None = None
        if electorate is not None and poll.mode == "committee":
            needed, met = rule.value.smallest(electorate), rule.value.met(present, electorate)
        elif electorate is not None:
            quorum = party_quorum(electorate, present)
            needed, met = quorum.needed, quorum.met
        return Presence(
            electorate=electorate,
            present=present,
            needed=needed,
            met=met,
            rule=rule.value.describe(),
            article="、".join(rule.cite()),
            party=True,
        )
    counts = {
        row["box_id"]: row
        for row in CheckIn.objects.filter(poll=poll, undone_at__isnull=True)
        .values("box_id")
        .annotate(n=Count("id"), proxy=Count("id", filter=Q(by_proxy__isnull=False)))
    }
    boxes = [
        BoxPresence(
            name=box.name,
            mobile=box.mobile,
            present=counts.get(box.pk, {}).get("n", 0),
            by_proxy=counts.get(box.pk, {}).get("proxy", 0),
        )
        for box in BallotBox.objects.filter(poll=poll).order_by("position", "id")
    ]
    present = sum(b.present for b in boxes)
    turnout = poll_rules(poll).turnout
    share = turnout.value
    return Presence(
        electorate=electorate,
        present=present,
        by_proxy=sum(b.by_proxy for b in boxes),
        mobile=sum(b.present for b in boxes if b.mobile),
        boxes=boxes,
        needed=share.smallest(electorate) if electorate is not None else None,
        met=share.met(present, electorate) if electorate is not None else None,
        rule=share.describe(),
        article="、".join(turnout.cite()),
    )
