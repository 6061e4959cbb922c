"""The write services of a poll's set-up (投票准备, WORKFLOW.md §1 step 11): its ballot boxes, the
voters listed for a mobile box (流动票箱投票人员名单), its staff (工作人员名单) and the ballots
issued to each box; and `setup_problems`, what keeps the poll from opening.

Each service is guarded in the same order (the actor's Action and scope; the campaign not purged;
the poll's status; its own inputs) and then, in one transaction, saves and writes the audit event
("poll.<verb>"). A refusal raises a Chinese ValidationError naming the field and writes nothing.
Set-up changes are made while the poll is in set-up; ballots may be topped up while it votes.

The check-in on the day (验证发票) is `polls.services.checkin`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet, Sum

from huanjie.accounts.models import User
from huanjie.accounts.permissions import Action
from huanjie.audit.services import audit_record
from huanjie.elections.models import Body
from huanjie.elections.services import check_not_purged
from huanjie.people.models import Person
from huanjie.polls.models import (
    BallotBox,
    MobileBoxVoter,
    Poll,
    PollCandidate,
    PollStaff,
    PollStatus,
    StaffRole,
)
from huanjie.polls.services.lifecycle import check_action, poll_profile
from huanjie.rules.profiles import GUIDE, PARTY, Profile
from huanjie.voters.models import VoterRegistration

MSG_STATUS = "{poll}当前为“{status}”，不能{what}"
MSG_NAME_REQUIRED = "请填写票箱名称"
MSG_NAME_TAKEN = "票箱“{name}”已存在"
MSG_TOO_LONG = "{what}不能超过{n}个字"
MSG_NO_MOBILE_PARTY = "党员大会的选举在会议上进行，按到会人数计算，不设流动票箱（依据：{article}）"
MSG_MOBILE_HAS_VOTERS = "流动票箱“{box}”已列入投票人员，不能改为固定票箱"
MSG_BOX_IN_USE = "票箱“{box}”已有领票登记或计票结果报告单，不能删除"
MSG_BOX_OTHER_POLL = "该票箱不属于这次投票"
MSG_NOT_MOBILE = "票箱“{box}”不是流动票箱"
MSG_NOT_ON_ROLL = "该选民不在本村选民名单中"
MSG_LISTED = "{name}已列入流动票箱“{box}”的投票人员名单"
MSG_REASON_REQUIRED = "请填写原因"
MSG_ROLE = "请选择职责"
MSG_MOBILE_STAFF_BOX = "流动票箱工作人员须指定流动票箱"
MSG_STAFF_TWICE = "{name}已是{place}的{role}"
MSG_CHIEF_TAKEN = "本次投票已有总监票员{name}"
MSG_STAFF_CANDIDATE = "{name}是本次投票的候选人，不能担任{role}（依据：{article}）"
MSG_STAFF_RELATIVE = (
    "{name}是候选人的近亲属（{relation}），按近亲属回避，不能担任{role}（依据：{article}）"
)
MSG_STAFF_HOUSEHOLD = (
    "{name}与候选人{candidate}同户，按近亲属回避，不能担任{role}（依据：{article}）"
)
MSG_COUNT = "发出选票数应为{least}以上的整数"
MSG_SERIAL = "选票起始编号应为正整数"
MSG_SERIAL_OVERLAP = "选票编号{start}至{end}与票箱“{box}”的编号{other_start}至{other_end}重叠"
MSG_TOP_UP_SERIAL = "补发选票应接续本票箱的编号，起始编号应为{next}"
MSG_MOBILE_NO_VOTERS = "流动票箱“{box}”尚未列入投票人员"
MSG_MOBILE_STAFF = (
    "流动票箱“{box}”的工作人员不足：{rule}（现有工作人员{staff}人，其中监票员{scrutineers}人；"
    "依据：{article}）"
)

# The roles that watch the ballot (监票); the Party's are never candidates.
SCRUTINEERS: Final = (StaffRole.CHIEF_SCRUTINEER, StaffRole.SCRUTINEER)

# 村民委员会选举规程 (WORKFLOW.md §1 step 11): the staff are no candidates or their relatives; a
# mobile box is "严格控制" where the province's measures set no rule of their own.
AVOIDANCE_ARTICLE: Final = GUIDE
# 中国共产党基层组织选举工作条例 第二十二条: "监票人由全体党员或者代表从不是候选人的党员或者代表中
# 推选".
PARTY_SCRUTINEER_ARTICLE: Final = f"{PARTY} 第二十二条"
# 中国共产党基层组织选举工作条例 第二十六条: the meeting is valid on the members present (到会).
PARTY_MEETING_ARTICLE: Final = f"{PARTY} 第二十六条"


@dataclass(frozen=True)
class MobileStaffMinimum:
    """The least staff of one mobile box a province's measures ask for: people in all
    (scrutineers included), scrutineers, and staff besides the scrutineers."""

    staff: int = 0
    scrutineers: int = 0
    others: int = 0


# The minimum of each province whose profile has a `mobile_box_staff` rule (RULES.md
# "Mobile ballot box"); the rule's own text and articles are cited with it.
MOBILE_STAFF_MINIMUM: Final[dict[str, MobileStaffMinimum]] = {
    # 浙江省村民委员会选举办法 第二十四条: "每个流动票箱应当有三名以上监票人".
    "33": MobileStaffMinimum(scrutineers=3),
    # 北京市村民委员会选举办法 第二十三条: 三名以上监票人.
    "11": MobileStaffMinimum(scrutineers=3),
    # 河南省 办法 第三十一条: 三名以上工作人员.
    "41": MobileStaffMinimum(staff=3),
    # 四川省村民委员会选举条例 第二十八条: 三名以上工作人员，其中监票人不少于二名.
    "51": MobileStaffMinimum(staff=3, scrutineers=2),
    # 海南省村民委员会选举办法 第二十五条: 工作人员和监票人各二名以上.
    "46": MobileStaffMinimum(scrutineers=2, others=2),
}


# ---------------------------------------------------------------------------------------------
# Shared guards.


def check_poll(actor: User, poll: Poll, what: str, *statuses: str, action: Action) -> None:
    """The guards of every set-up and check-in service, in order: the actor holds `action` over
    the poll's village, the campaign is not purged, the poll is in one of `statuses`."""
    check_action(actor, poll, action)
    check_not_purged(poll.election.village.campaign)
    if poll.status not in statuses:
        raise ValidationError(
            MSG_STATUS.format(poll=poll.title, status=PollStatus(poll.status).label, what=what)
        )


def _text(value: str | None, field: str, what: str, limit: int, *, required: str = "") -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: required})
    if len(text) > limit:
        raise ValidationError({field: MSG_TOO_LONG.format(what=what, n=limit)})
    return text


def _box_of(poll: Poll, box: BallotBox | None, field: str = "box") -> None:
    if box is not None and box.poll_id != poll.pk:
        raise ValidationError({field: MSG_BOX_OTHER_POLL})


def roll_of(poll: Poll) -> QuerySet[VoterRegistration]:
    """The village's voter roll in the campaign (in force): the only registrations a poll
    lists, checks in or counts."""
    entry = poll.election.village
    return VoterRegistration.objects.filter(
        campaign_id=entry.campaign_id, village_id=entry.region_id, active=True
    )


# ---------------------------------------------------------------------------------------------
# Boxes.


def mobile_box_rule(poll: Poll) -> tuple[str, str]:
    """(what the rules say of mobile boxes, the articles): the province's `mobile_box_staff`
    rule, or the 规程's "严格控制" where the profile has none."""
    if poll.election.body == Body.PARTY:
        return "不设流动票箱", PARTY_MEETING_ARTICLE
    profile = poll_profile(poll)
    rule = profile.mobile_box_staff
    if rule.value:
        return rule.value, "、".join(rule.cite())
    return "流动票箱应当严格控制", AVOIDANCE_ARTICLE


def _check_mobile_allowed(poll: Poll) -> None:
    if poll.election.body == Body.PARTY:
        raise ValidationError({"mobile": MSG_NO_MOBILE_PARTY.format(article=PARTY_MEETING_ARTICLE)})


def _box_fields(
    poll: Poll, name: str, place: str, route: str, mobile: bool, box: BallotBox | None = None
) -> tuple[str, str, str]:
    name = _text(name, "name", "票箱名称", 30, required=MSG_NAME_REQUIRED)
    place = _text(place, "place", "投票地点", 100)
    route = _text(route, "route", "路线", 200)
    taken = BallotBox.objects.filter(poll=poll, name=name)
    if box is not None:
        taken = taken.exclude(pk=box.pk)
    if taken.exists():
        raise ValidationError({"name": MSG_NAME_TAKEN.format(name=name)})
    if mobile:
        _check_mobile_allowed(poll)
    return name, place, route


def box_add(
    *,
    actor: User,
    poll: Poll,
    name: str,
    place: str = "",
    mobile: bool = False,
    route: str = "",
) -> BallotBox:
    """A ballot box of the poll: the central box, a polling station's, or a mobile box (流动票箱,
    not at a Party meeting) with its route."""
    check_poll(actor, poll, "增加票箱", PollStatus.SETUP, action=Action.MANAGE_POLLS)
    name, place, route = _box_fields(poll, name, place, route, mobile)
    with transaction.atomic():
        top = BallotBox.objects.filter(poll=poll).aggregate(n=Max("position"))["n"]
        box = BallotBox.objects.create(
            poll=poll,
            name=name,
            place=place,
            mobile=bool(mobile),
            route=route if mobile else "",
            position=(top or 0) + 1,
        )
        audit_record(
            actor=actor,
            action="poll.box_add",
            obj=box,
            changes={
                "poll": poll.pk,
                "name": name,
                "place": place,
                "mobile": box.mobile,
                # What allows the mobile box: the province's rule, or the 规程's.
                "rule": mobile_box_rule(poll)[1] if box.mobile else "",
            },
        )
    return box


def box_update(
    *,
    actor: User,
    box: BallotBox,
    name: str,
    place: str = "",
    mobile: bool = False,
    route: str = "",
) -> BallotBox:
    poll = box.poll
    check_poll(actor, poll, "更改票箱", PollStatus.SETUP, action=Action.MANAGE_POLLS)
    name, place, route = _box_fields(poll, name, place, route, mobile, box)
    if box.mobile and not mobile and box.listed.exists():
        raise ValidationError({"mobile": MSG_MOBILE_HAS_VOTERS.format(box=box.name)})
    old = {"name": box.name, "place": box.place, "mobile": box.mobile, "route": box.route}
    box.name, box.place, box.mobile = name, place, bool(mobile)
    box.route = route if mobile else ""
    new = {"name": box.name, "place": box.place, "mobile": box.mobile, "route": box.route}
    with transaction.atomic():
        box.save(update_fields=["name", "place", "mobile", "route"])
        audit_record(
            actor=actor,
            action="poll.box_update",
            obj=box,
            changes={k: {"old": old[k], "new": new[k]} for k in new if old[k] != new[k]},
        )
    return box


def box_remove(*, actor: User, box: BallotBox) -> None:
    """Remove a box that nobody received a ballot at and no count sheet names; its listed
    voters and staff go with it (named in the audit event)."""
    poll = box.poll
    check_poll(actor, poll, "删除票箱", PollStatus.SETUP, action=Action.MANAGE_POLLS)
    if box.check_ins.exists() or box.sheets.exists():
        raise ValidationError({"box": MSG_BOX_IN_USE.format(box=box.name)})
    listed = list(box.listed.values_list("registration_id", flat=True))
    staff = list(box.staff.values_list("person_id", "role"))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="poll.box_remove",
            obj=box,
            changes={
                "poll": poll.pk,
                "name": box.name,
                "issued": box.issued,
                "listed": listed,
                "staff": [list(s) for s in staff],
            },
        )
        box.delete()


# ---------------------------------------------------------------------------------------------
# The voters listed for a mobile box.


def mobile_voter_add(
    *, actor: User, box: BallotBox, registration: VoterRegistration, reason: str
) -> MobileBoxVoter:
    """List a voter of the village's roll for a mobile box (流动票箱投票人员名单, WORKFLOW.md §5
    notice 12: name and reason); a voter is listed for one box of the poll at most."""
    poll = box.poll
    check_poll(actor, poll, "更改流动票箱投票人员", PollStatus.SETUP, action=Action.MANAGE_POLLS)
    if not box.mobile:
        raise ValidationError({"box": MSG_NOT_MOBILE.format(box=box.name)})
    if not roll_of(poll).filter(pk=registration.pk).exists():
        raise ValidationError({"registration": MSG_NOT_ON_ROLL})
    reason = _text(reason, "reason", "原因", 100, required=MSG_REASON_REQUIRED)
    listed = (
        MobileBoxVoter.objects.filter(box__poll=poll, registration=registration)
        .select_related("box")
        .first()
    )
    if listed is not None:
        raise ValidationError(
            {"registration": MSG_LISTED.format(name=registration.person.name, box=listed.box.name)}
        )
    with transaction.atomic():
        row = MobileBoxVoter.objects.create(box=box, registration=registration, reason=reason)
        audit_record(
            actor=actor,
            action="poll.mobile_voter_add",
            obj=box,
            changes={
                "registration": registration.pk,
                "id": registration.person.id_masked,
                "reason": reason,
            },
        )
    return row


def mobile_voter_remove(*, actor: User, listed: MobileBoxVoter) -> None:
    box = listed.box
    check_poll(
        actor, box.poll, "更改流动票箱投票人员", PollStatus.SETUP, action=Action.MANAGE_POLLS
    )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="poll.mobile_voter_remove",
            obj=box,
            changes={
                "registration": listed.registration_id,
                "id": listed.registration.person.id_masked,
                "reason": listed.reason,
            },
        )
        listed.delete()


# ---------------------------------------------------------------------------------------------
# Staff.


def _avoidance(poll: Poll, person: Person, role: str, relative_of_candidate: str) -> None:
    """The staff are no candidates nor candidates' close relatives (WORKFLOW.md §1 step 11,
    村民委员会选举规程; the Party's scrutineers: 中国共产党基层组织选举工作条例 第二十二条).
    A relation is what the appointer declares; a shared household (户号 of the same village)
    is found from the register."""
    label = StaffRole(role).label
    party_scrutineer = poll.election.body == Body.PARTY and role in SCRUTINEERS
    candidates = list(
        PollCandidate.objects.filter(poll_post__poll=poll, person__isnull=False).select_related(
            "person"
        )
    )
    if any(c.person_id == person.pk for c in candidates):
        article = PARTY_SCRUTINEER_ARTICLE if party_scrutineer else AVOIDANCE_ARTICLE
        raise ValidationError(
            {"person": MSG_STAFF_CANDIDATE.format(name=person.name, role=label, article=article)}
        )
    relation = _text(relative_of_candidate, "relative_of_candidate", "关系", 20)
    if relation:
        raise ValidationError(
            {
                "relative_of_candidate": MSG_STAFF_RELATIVE.format(
                    name=person.name, relation=relation, role=label, article=AVOIDANCE_ARTICLE
                )
            }
        )
    if person.household_no:
        for c in candidates:
            other = c.person
            if (
                other is not None
                and other.household_no == person.household_no
                and other.region_id == person.region_id
            ):
                raise ValidationError(
                    {
                        "person": MSG_STAFF_HOUSEHOLD.format(
                            name=person.name,
                            candidate=c.name,
                            role=label,
                            article=AVOIDANCE_ARTICLE,
                        )
                    }
                )


def staff_appoint(
    *,
    actor: User,
    poll: Poll,
    person: Person,
    role: str,
    box: BallotBox | None = None,
    relative_of_candidate: str = "",
) -> PollStaff:
    """Put `person` on the poll's staff in `role`, at `box` or for the whole poll. Refused, with
    the reason, for a candidate of the poll, a declared close relative of one
    (`relative_of_candidate`, e.g. "配偶") or a member of a candidate's household."""
    check_poll(actor, poll, "更改工作人员", PollStatus.SETUP, action=Action.MANAGE_POLLS)
    if role not in StaffRole.values:
        raise ValidationError({"role": MSG_ROLE})
    _box_of(poll, box)
    if role == StaffRole.MOBILE_STAFF and (box is None or not box.mobile):
        raise ValidationError({"box": MSG_MOBILE_STAFF_BOX})
    _avoidance(poll, person, role, relative_of_candidate)
    label = StaffRole(role).label
    if PollStaff.objects.filter(poll=poll, person=person, role=role, box=box).exists():
        place = f"票箱“{box.name}”" if box is not None else "本次投票"
        raise ValidationError(
            {"person": MSG_STAFF_TWICE.format(name=person.name, place=place, role=label)}
        )
    if role == StaffRole.CHIEF_SCRUTINEER:
        chief = PollStaff.objects.filter(poll=poll, role=role).select_related("person").first()
        if chief is not None:
            raise ValidationError({"role": MSG_CHIEF_TAKEN.format(name=chief.person.name)})
    with transaction.atomic():
        staff = PollStaff.objects.create(poll=poll, person=person, role=role, box=box)
        audit_record(
            actor=actor,
            action="poll.staff_appoint",
            obj=poll,
            changes={
                "person": person.pk,
                "id": person.id_masked,
                "role": role,
                "box": box.name if box is not None else "",
            },
        )
    return staff


def staff_remove(*, actor: User, staff: PollStaff) -> None:
    poll = staff.poll
    check_poll(actor, poll, "更改工作人员", PollStatus.SETUP, action=Action.MANAGE_POLLS)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="poll.staff_remove",
            obj=poll,
            changes={
                "person": staff.person_id,
                "id": staff.person.id_masked,
                "role": staff.role,
                "box": staff.box.name if staff.box is not None else "",
            },
        )
        staff.delete()


# ---------------------------------------------------------------------------------------------
# Ballots issued.


def _whole(value: Any, least: int, field: str, message: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ValidationError({field: message})
    return value


def ballots_issue(
    *, actor: User, box: BallotBox, count: int, serial_from: int | None = None
) -> BallotBox:
    """The ballots issued to `box` and their serial range (`serial_from` … `serial_from + count
    - 1`); no two boxes of the poll share a number. In set-up this sets the box's ballots (0
    clears them); while voting it tops them up, the new ballots continuing the box's range
    (`serial_from` may be left out)."""
    poll = box.poll
    check_poll(
        actor,
        poll,
        "发放选票",
        PollStatus.SETUP,
        PollStatus.VOTING,
        action=Action.MANAGE_POLLS,
    )
    top_up = poll.status == PollStatus.VOTING
    least = 1 if top_up else 0
    count = _whole(count, least, "count", MSG_COUNT.format(least=least))
    old = {"issued": box.issued, "serial_from": box.serial_from, "serial_to": box.serial_to}
    with transaction.atomic():
        # One issue at a time per poll, so two boxes cannot take the same numbers at once.
        Poll.objects.select_for_update().filter(pk=poll.pk).first()
        box.refresh_from_db(fields=["issued", "serial_from", "serial_to"])
        new_from: int | None = None
        new_to: int | None = None
        if top_up and box.serial_to is not None:
            expected = box.serial_to + 1
            if serial_from is None:
                serial_from = expected
            if serial_from != expected:
                raise ValidationError({"serial_from": MSG_TOP_UP_SERIAL.format(next=expected)})
        if count:
            start = _whole(serial_from, 1, "serial_from", MSG_SERIAL)
            new_to = start + count - 1
            _check_overlap(box, start, new_to)
            new_from = box.serial_from if top_up and box.serial_from is not None else start
        box.issued = box.issued + count if top_up else count
        box.serial_from, box.serial_to = new_from, new_to
        box.save(update_fields=["issued", "serial_from", "serial_to"])
        audit_record(
            actor=actor,
            action="poll.ballots_issue",
            obj=box,
            changes={
                "old": old,
                "new": {"issued": box.issued, "serial_from": new_from, "serial_to": new_to},
                "top_up": top_up,
            },
        )
    return box


def _check_overlap(box: BallotBox, start: int, end: int) -> None:
    other = (
        BallotBox.objects.filter(poll_id=box.poll_id, serial_from__isnull=False)
        .exclude(pk=box.pk)
        .filter(Q(serial_from__lte=end) & Q(serial_to__gte=start))
        .order_by("position", "id")
        .first()
    )
    if other is not None:
        raise ValidationError(
            {
                "serial_from": MSG_SERIAL_OVERLAP.format(
                    start=start,
                    end=end,
                    box=other.name,
                    other_start=other.serial_from,
                    other_end=other.serial_to,
                )
            }
        )


def ballots_issued(poll: Poll) -> int:
    """The poll's ballots issued: the sum over its boxes."""
    return BallotBox.objects.filter(poll=poll).aggregate(n=Sum("issued"))["n"] or 0


# ---------------------------------------------------------------------------------------------
# Readiness.


def _mobile_staff_minimum(profile: Profile) -> MobileStaffMinimum | None:
    if not profile.mobile_box_staff.value:
        return None
    return MOBILE_STAFF_MINIMUM.get(profile.province)


def setup_problems(poll: Poll) -> list[str]:
    """Why the poll's set-up is not ready to vote (none: it is), for the set-up → voting guard:
    a mobile box with no listed voters, or with fewer staff than the province asks for."""
    boxes = list(
        BallotBox.objects.filter(poll=poll, mobile=True).prefetch_related("listed", "staff")
    )
    if not boxes:
        return []
    minimum = (
        None if poll.election.body == Body.PARTY else _mobile_staff_minimum(poll_profile(poll))
    )
    problems: list[str] = []
    for box in boxes:
        if not box.listed.all():
            problems.append(MSG_MOBILE_NO_VOTERS.format(box=box.name))
        if minimum is None:
            continue
        people = {s.person_id for s in box.staff.all()}
        scrutineers = {s.person_id for s in box.staff.all() if s.role in SCRUTINEERS}
        others = people - scrutineers
        if (
            len(people) < minimum.staff
            or len(scrutineers) < minimum.scrutineers
            or len(others) < minimum.others
        ):
            rule = poll_profile(poll).mobile_box_staff
            problems.append(
                MSG_MOBILE_STAFF.format(
                    box=box.name,
                    rule=rule.value,
                    staff=len(people),
                    scrutineers=len(scrutineers),
                    article="、".join(rule.cite()),
                )
            )
    return problems


def ballots_print(
    *, actor: User, box: BallotBox, first: int | None = None, last: int | None = None
) -> bytes:
    """The numbered ballots of `box` (its range, or `first`..`last` of it) as a PDF to print:
    numbered ballots leave the system, so who printed which serials is audited (SECURITY.md
    L1). A specimen without numbers is a read (polls.ballot_pdf)."""
    from huanjie.polls.ballot_pdf import ballot_pdf

    poll = box.poll
    check_action(actor, poll, Action.MANAGE_POLLS)
    pdf = ballot_pdf(poll, box, first, last)
    audit_record(
        actor=actor,
        action="poll.ballots_print",
        obj=poll,
        changes={
            "box": box.name,
            "first": first or box.serial_from,
            "last": last or box.serial_to,
        },
    )
    return pdf
