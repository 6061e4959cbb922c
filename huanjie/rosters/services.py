"""The roster's writes: certified results in, and (results.services) nothing else changes a
cadre's row without a history.

`roster_from_version` runs when a result version comes into force (the signal
huanjie.results.signals.version_in_force, sent by huanjie.results.services.certify): the winners of the version before it leave the roster
(ended, reason "选举结果更正") unless they keep the same post, and every winner of the new one
holds their post from the election day of the poll that elected them.

During the term (RULES.md V15, V18): `recall_motion` records a recall motion and
`recall_vote` its vote, each judged by the engine (huanjie.rules.recall); a recalled cadre
leaves the roster. `by_election_record` counts a by-election of a seat left open with the
engine and puts its winners on the roster for the rest of the term. Each checks MANAGE_ROSTER
over the village, locks what it changes and writes its audit event ("roster.recall_motion",
"roster.recall_vote", "roster.by_election").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from huanjie.accounts.permissions import Action, audit_denied, can, in_scope
from huanjie.audit.services import audit_record
from huanjie.elections.models import Body, Election, Post
from huanjie.elections.services import check_not_purged
from huanjie.lib.dates import cn_date
from huanjie.people.models import Person
from huanjie.polls.models import Poll, PollCandidate
from huanjie.polls.services.closing import engine_version, frozen_hash
from huanjie.rosters.models import ByElection, Cadre, EndReason, Recall, RecallStatus, Source
from huanjie.rules import poll_from_json
from huanjie.rules.errors import RulesError
from huanjie.rules.profiles import Profile, effective_profile
from huanjie.rules.recall import recall_motion_check
from huanjie.rules.recall import recall_vote as engine_recall_vote
from huanjie.rules.tally import tally

if TYPE_CHECKING:
    from huanjie.accounts.models import User
    from huanjie.results.models import ResultVersion


def roster_on_version_in_force(
    sender: Any, *, actor: User, version: ResultVersion, **_: Any
) -> None:
    """The receiver of `results.signals.version_in_force`."""
    roster_from_version(actor=actor, version=version)


def roster_from_version(*, actor: User, version: ResultVersion) -> list[Cadre]:
    """Make the roster of `version`'s election match its winners (call inside the transaction
    that certifies it). Returns the cadres it added."""
    election = version.result.election
    entry = election.village
    document = version.document
    held_on = {p["number"]: date.fromisoformat(p["held_on"]) for p in document["polls"]}
    people = {
        c.name: c.person
        for c in PollCandidate.objects.filter(
            poll_post__poll__election=election, person__isnull=False
        ).select_related("person")
    }
    current = list(
        Cadre.objects.filter(
            result_version__result=version.result, ended_on__isnull=True
        ).select_for_update()
    )
    # A winner who left the post during the term (recalled, resigned, moved to another post by a
    # by-election) does not come back with a corrected version of the same result.
    left = set(
        Cadre.objects.filter(result_version__result=version.result, ended_on__isnull=False)
        .exclude(end_reason=EndReason.CORRECTED)
        .values_list("name", "post")
    )
    wanted = {
        (e["name"], e["post"]): e
        for e in document["outcome"]["elected"]
        if (e["name"], e["post"]) not in left
    }
    kept: set[tuple[str, str]] = set()
    today = date.today()
    for cadre in current:
        key = (cadre.name, cadre.post)
        if key in wanted and key not in kept:
            kept.add(key)
            cadre.result_version = version
            cadre.save(update_fields=["result_version"])
            continue
        cadre.ended_on = today
        cadre.end_reason = EndReason.CORRECTED
        cadre.end_note = f"第{version.number}版选举结果：{version.reason}"[:500]
        cadre.save(update_fields=["ended_on", "end_reason", "end_note"])
    added = [
        Cadre.objects.create(
            village=entry.region,
            body=election.body,
            term_number=entry.campaign.term_number,
            campaign=entry.campaign,
            post=e["post"],
            person=people.get(e["name"]),
            name=e["name"],
            sex=e["sex"],
            source=Source.RESULT,
            result_version=version,
            started_on=held_on[e["poll"]],
        )
        for key, e in wanted.items()
        if key not in kept
    ]
    if added or len(kept) != len(current):
        audit_record(
            actor=actor,
            action="roster.from_result",
            object_type="election",
            object_id=str(election.pk),
            object_repr=str(election),
            changes={
                "version": version.number,
                "added": [f"{c.post}:{c.name}" for c in added],
                "ended": [f"{c.post}:{c.name}" for c in current if (c.name, c.post) not in kept],
            },
        )
    return added


# ---------------------------------------------------------------------------------------------
# Changes during the term: recall (罢免) and by-election (补选), judged by the engine.

MSG_NOT_ALLOWED: Final = "无权办理该村(社区)干部名册的罢免、补选事项"
MSG_PARTY: Final = (
    "村党组织委员会成员不适用村民（居民）罢免程序：党组织委员的免职、撤换按党内规定办理"
)
MSG_NO_RULES: Final = "{body}成员的罢免，本系统未收录适用的法律规定"
MSG_ENDED: Final = "“{name}”已于{day}离任（{why}），不能罢免"
MSG_MOTION_OPEN: Final = "“{name}”已有待表决的罢免要求（{day}提出），须先登记表决结果"
MSG_REQUIRED: Final = "{label}：请填写"
MSG_TOO_LONG: Final = "{label}：不能超过{most}个字"
MSG_COUNT: Final = "{label}：须为0至{most}之间的整数"
MSG_POSITIVE: Final = "{label}：须大于0"
MSG_NOT_MORE: Final = "{label}（{part}）不能多于{whole_label}（{whole}）"
MSG_DAY: Final = "{label}：须为日期"
MSG_FUTURE: Final = "{label}：不能晚于今天"
MSG_BEFORE: Final = "{label}：不能早于{other}（{day}）"
MSG_LAW: Final = "{label}：{message}"
MSG_NOT_MOTION: Final = "该罢免要求当前为“{status}”，不能再登记表决"
MSG_CADRE_ENDED: Final = "“{name}”已于{day}离任（{why}），不能再表决罢免"
MSG_NO_RESULT: Final = "该选举的结果尚未经县级确认，干部名册尚未产生，不能登记补选"
MSG_NO_POST: Final = "补选职位：该选举没有“{post}”职位"
MSG_NO_OPEN_SEAT: Final = "补选职位：{post}应选{seats}名，在任{held}名，没有空缺名额，不能补选"
MSG_TOO_MANY_SEATS: Final = "补选名额：{post}只有{open}个空缺名额，不能补选{seats}名"
MSG_CANDIDATES: Final = "候选人：请至少填写一名候选人"
MSG_CANDIDATE: Final = "候选人第{n}名：{message}"
MSG_SEX: Final = "性别须为男或女"
MSG_DUPLICATE: Final = "候选人“{name}”重复"
MSG_PERSON: Final = "所选人员不存在或不属于本村(社区)"
MSG_PERSON_NAME: Final = "所选人员的姓名为“{name}”，与填写的不一致"
MSG_VOTES_NAME: Final = "得票数：“{name}”不在候选人名单中"
MSG_ENGINE: Final = "计票数据有误：{field}：{message}"
MSG_ENGINE_BODY: Final = "{body}的补选，本系统未收录适用的计票规则"

LONGEST_REASON: Final = 500
# More than any village, community or Party organisation has voters or members: a figure above
# it is a typing error (and would overflow the database's integer).
MOST_PEOPLE: Final = 1_000_000
MOST_SEATS: Final = 9  # 城市居民委员会组织法(2025) 第八条: 五至九人, the largest committee

RECALL_BODIES: Final = (Body.VILLAGERS, Body.RESIDENTS)
# The engine's reasons a by-election's poll is void (huanjie.rules.tally), in words.
VOID_REASONS: Final = {
    # 村民委员会组织法(2025) 第十八条: "有登记参加选举的村民过半数投票，选举有效".
    "turnout_not_over_half": "参加投票的人数未超过登记参加选举人数的半数，选举无效",
    # 城市居民委员会组织法(2025) 第十九条: "超过三分之二的居民代表参加投票".
    "turnout_not_over_two_thirds": "参加投票的居民代表未超过三分之二，选举无效",
    # 中国共产党基层组织选举工作条例 第二十六条: 超过应到会人数的五分之四，会议有效.
    "quorum_not_met": "到会人数未超过应到会人数的五分之四，选举无效",
    # 村民委员会选举规程（民发〔2013〕76号）: 收回的选票多于发出的选票，选举无效.
    "ballots_exceed_issued": "收回选票多于发出选票，选举无效",
    "ballots_exceed_voters": "收回选票多于投票人数，选举无效",
}
REASON_LABELS: Final = {
    "turnout_not_over_half": "参加投票的人数未超过登记参加选举人数的半数，表决无效",
    "turnout_not_over_two_thirds": "参加投票的居民代表未超过三分之二，表决无效",
    "not_approved": "赞成罢免的票数未超过参加投票人数的半数，罢免未通过",
}


def _check(actor: User, region_code: str, obj: Any) -> None:
    """The actor holds MANAGE_ROSTER over the village (SECURITY.md C3); a refusal is logged
    (SECURITY.md L1) and raises the one Chinese message."""
    if not can(actor, Action.MANAGE_ROSTER) or not in_scope(actor, region_code):
        audit_denied(actor, Action.MANAGE_ROSTER, obj=obj)
        raise ValidationError(MSG_NOT_ALLOWED)


def _text(value: str | None, label: str, most: int = LONGEST_REASON) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(MSG_REQUIRED.format(label=label))
    if len(text) > most:
        raise ValidationError(MSG_TOO_LONG.format(label=label, most=most))
    return text


def _count(value: object, label: str, *, positive: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MOST_PEOPLE:
        raise ValidationError(MSG_COUNT.format(label=label, most=MOST_PEOPLE))
    if positive and value == 0:
        raise ValidationError(MSG_POSITIVE.format(label=label))
    return value


def _not_more(part: int, part_label: str, whole: int, whole_label: str) -> None:
    if part > whole:
        raise ValidationError(
            MSG_NOT_MORE.format(label=part_label, part=part, whole_label=whole_label, whole=whole)
        )


def _day(value: object, label: str, *, not_before: date | None = None, other: str = "") -> date:
    if not isinstance(value, date):
        raise ValidationError(MSG_DAY.format(label=label))
    if value > timezone.localdate():
        raise ValidationError(MSG_FUTURE.format(label=label))
    if not_before is not None and value < not_before:
        raise ValidationError(MSG_BEFORE.format(label=label, other=other, day=cn_date(not_before)))
    return value


def election_of(cadre: Cadre) -> Election | None:
    """The election whose roster `cadre` is on: the certified result's or the by-election's,
    else the campaign's election of the body in the village (None for an imported roster of a
    campaign the system does not hold)."""
    if cadre.result_version_id is not None:
        return cadre.result_version.result.election  # type: ignore[union-attr]
    if cadre.by_election_id is not None:
        return cadre.by_election.election  # type: ignore[union-attr]
    if cadre.campaign_id is None:
        return None
    return Election.objects.filter(
        village__campaign_id=cadre.campaign_id, village__region_id=cadre.village_id, body=cadre.body
    ).first()


def _residents_mode(election: Election | None) -> str | None:
    """The electorate mode of a residents' election (its first official poll's), None for all
    voters or another body."""
    if election is None or election.body != Body.RESIDENTS:
        return None
    mode = (
        Poll.objects.filter(election=election, rehearsal=False)
        .order_by("number")
        .values_list("mode", flat=True)
        .first()
    )
    return mode or None


def recall_profile(cadre: Cadre, day: date, label: str) -> Profile:
    """The rules of a recall of `cadre` on `day`: the law in force that day for the body (a recall
    is an act of the term, not of the election: a residents' committee elected under the 2018
    text is recalled under 城市居民委员会组织法(2025) 第二十条 once it is in force), the campaign's
    province, and a residents' committee's own electorate mode (第二十条: the vote is taken as the
    committee was elected)."""
    if cadre.body == Body.PARTY:
        raise ValidationError(MSG_PARTY)
    if cadre.body not in RECALL_BODIES and cadre.body != Body.SUPERVISION:
        raise ValidationError(MSG_NO_RULES.format(body=Body(cadre.body).label))
    province = cadre.campaign.rule_province if cadre.campaign is not None else ""
    try:
        profile = effective_profile(cadre.body, province, day, _residents_mode(election_of(cadre)))
    except RulesError as exc:
        raise ValidationError(MSG_LAW.format(label=label, message=_message(exc))) from None
    if profile.recall.value is None:
        raise ValidationError(MSG_NO_RULES.format(body=Body(cadre.body).label))
    return profile


def _message(exc: RulesError) -> str:
    return getattr(exc, "message", None) or str(exc)


def _locked_cadre(cadre: Cadre) -> Cadre:
    return Cadre.objects.select_for_update().get(pk=cadre.pk)


def recall_motion(
    *,
    actor: User,
    cadre: Cadre,
    reason: str,
    signers: int,
    of: int,
    by_representatives: bool,
    motion_on: date,
) -> Recall:
    """Record a recall motion (罢免要求) against `cadre`, judged by the engine: "五分之一以上有选举权
    的村民或者三分之一以上的村民代表联名" (村民委员会组织法(2025) 第十九条; residents: 城市居民委员会
    组织法(2025) 第二十条). A motion with enough names waits for its vote (status motion); one
    without is kept as a record (status refused) with the engine's message. Only a cadre in force
    of a villagers' or residents' committee; the Party's members are not recalled this way."""
    _check(actor, cadre.village_id, cadre)
    if cadre.campaign is not None:
        check_not_purged(cadre.campaign)
    reason = _text(reason, "罢免理由")
    signers = _count(signers, "联名人数")
    of = _count(of, "有选举权的村民（村民代表）人数", positive=True)
    _not_more(signers, "联名人数", of, "有选举权的村民（村民代表）人数")
    profile = recall_profile(cadre, _day(motion_on, "提出日期"), "提出日期")
    with transaction.atomic():
        cadre = _locked_cadre(cadre)
        if cadre.ended_on is not None:
            raise ValidationError(_ended(MSG_ENDED, cadre))
        _day(motion_on, "提出日期", not_before=cadre.started_on, other="任职日期")
        waiting = Recall.objects.filter(cadre=cadre, status=RecallStatus.MOTION).first()
        if waiting is not None:
            raise ValidationError(
                MSG_MOTION_OPEN.format(name=cadre.name, day=cn_date(waiting.motion_on))
            )
        verdict = recall_motion_check(
            profile, signers=signers, of=of, by_representatives=by_representatives
        )
        rule = profile.recall.value
        assert rule is not None  # recall_profile refuses a profile without recall rules
        share = rule.motion_representatives if by_representatives else rule.motion_voters
        recall = Recall.objects.create(
            cadre=cadre,
            status=RecallStatus.MOTION if verdict.ok else RecallStatus.REFUSED,
            reason=reason,
            by_representatives=by_representatives,
            signers=signers,
            of=of,
            motion_on=motion_on,
            judgement={
                "law": list(profile.sources),
                "articles": list(profile.recall.cite()),
                "motion": {
                    "by": "representatives" if by_representatives else "voters",
                    "share": share.describe(),
                    "needed": share.smallest(of),
                    "signers": signers,
                    "of": of,
                    "ok": verdict.ok,
                    "messages": list(verdict.messages),
                },
            },
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="roster.recall_motion",
            obj=recall,
            changes={
                "cadre": f"{cadre.post}:{cadre.name}",
                "status": recall.status,
                "signers": signers,
                "of": of,
                "by_representatives": by_representatives,
                "motion_on": motion_on.isoformat(),
            },
        )
    return recall


def _ended(template: str, cadre: Cadre) -> str:
    assert cadre.ended_on is not None
    return template.format(
        name=cadre.name, day=cn_date(cadre.ended_on), why=cadre.get_end_reason_display()
    )


def recall_vote(
    *, actor: User, recall: Recall, voted_on: date, electorate: int, voted: int, yes: int
) -> Recall:
    """Record the vote on a recall motion, judged by the engine: "登记参加选举的村民过半数投票，并须
    经投票的村民过半数通过" (村民委员会组织法(2025) 第十九条; residents in their election's mode,
    城市居民委员会组织法(2025) 第二十条). Recalled: the cadre leaves the roster on `voted_on`
    (ended, reason recalled); otherwise the recall is closed as not recalled. The judgement keeps
    the figures, what each needed, the reasons and the articles."""
    cadre = recall.cadre
    _check(actor, cadre.village_id, recall)
    if cadre.campaign is not None:
        check_not_purged(cadre.campaign)
    electorate = _count(electorate, "登记参加选举的人数", positive=True)
    voted = _count(voted, "参加投票人数")
    yes = _count(yes, "赞成罢免票数")
    _not_more(voted, "参加投票人数", electorate, "登记参加选举的人数")
    _not_more(yes, "赞成罢免票数", voted, "参加投票人数")
    profile = recall_profile(cadre, _day(voted_on, "表决日期"), "表决日期")
    with transaction.atomic():
        recall = Recall.objects.select_for_update().get(pk=recall.pk)
        if recall.status != RecallStatus.MOTION:
            raise ValidationError(MSG_NOT_MOTION.format(status=recall.get_status_display()))
        _day(voted_on, "表决日期", not_before=recall.motion_on, other="提出日期")
        cadre = _locked_cadre(cadre)
        if cadre.ended_on is not None:
            raise ValidationError(_ended(MSG_CADRE_ENDED, cadre))
        result = engine_recall_vote(profile, electorate=electorate, voted=voted, yes=yes)
        rule = profile.recall.value
        assert rule is not None  # recall_profile refuses a profile without recall rules
        recall.status = RecallStatus.RECALLED if result.recalled else RecallStatus.NOT_RECALLED
        recall.voted_on = voted_on
        recall.electorate, recall.voted, recall.yes = electorate, voted, yes
        recall.judgement = {
            **recall.judgement,
            "vote": {
                "law": list(profile.sources),
                "articles": list(profile.recall.cite()),
                "turnout": {
                    "share": rule.turnout.describe(),
                    "needed": rule.turnout.smallest(electorate),
                    "voted": voted,
                    "electorate": electorate,
                    "met": rule.turnout.met(voted, electorate),
                },
                "approval": {
                    "share": rule.approval.describe(),
                    "needed": rule.approval.smallest(voted),
                    "yes": yes,
                    "voted": voted,
                    "met": rule.approval.met(yes, voted),
                },
                "valid": result.valid,
                "recalled": result.recalled,
                "reasons": list(result.reasons),
                "messages": [REASON_LABELS.get(r, r) for r in result.reasons],
            },
        }
        recall.save(update_fields=["status", "voted_on", "electorate", "voted", "yes", "judgement"])
        if result.recalled:
            cadre.ended_on = voted_on
            cadre.end_reason = EndReason.RECALLED
            cadre.end_note = f"罢免理由：{recall.reason}"[:500]
            cadre.save(update_fields=["ended_on", "end_reason", "end_note"])
        audit_record(
            actor=actor,
            action="roster.recall_vote",
            obj=recall,
            changes={
                "cadre": f"{cadre.post}:{cadre.name}",
                "status": recall.status,
                "electorate": electorate,
                "voted": voted,
                "yes": yes,
                "voted_on": voted_on.isoformat(),
                "reasons": list(result.reasons),
            },
        )
    return recall


# ---------------------------------------------------------------------------------------------
# By-election.


@dataclass(frozen=True)
class _Candidate:
    name: str
    sex: str
    person: Person | None
    write_in: bool


def _candidates(election: Election, raw: object) -> list[_Candidate]:
    """The by-election's candidates as given: each a name, a sex and optionally the person (one
    of the village's people: registered there, a voter of its campaign or a candidate of its
    election); `write_in` for a person voted for who was not on the ballot (另选他人)."""
    if not isinstance(raw, list) or not raw:
        raise ValidationError(MSG_CANDIDATES)
    entry = election.village
    out: list[_Candidate] = []
    seen: set[str] = set()
    for n, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise ValidationError(
                MSG_CANDIDATE.format(n=n, message=MSG_REQUIRED.format(label="姓名"))
            )
        try:
            name = _text(item.get("name"), "姓名", 50)
        except ValidationError as exc:
            raise ValidationError(MSG_CANDIDATE.format(n=n, message=exc.messages[0])) from None
        sex = item.get("sex")
        if sex not in ("M", "F"):
            raise ValidationError(MSG_CANDIDATE.format(n=n, message=MSG_SEX))
        if name in seen:
            raise ValidationError(MSG_DUPLICATE.format(name=name))
        seen.add(name)
        person = None
        if item.get("person_id") is not None:
            person = _village_person(election, entry, item["person_id"])
            if person is None:
                raise ValidationError(MSG_CANDIDATE.format(n=n, message=MSG_PERSON))
            if person.name != name:
                raise ValidationError(
                    MSG_CANDIDATE.format(n=n, message=MSG_PERSON_NAME.format(name=person.name))
                )
            sex = person.sex
        out.append(_Candidate(name, str(sex), person, bool(item.get("write_in"))))
    return out


def _village_person(election: Election, entry: Any, person_id: object) -> Person | None:
    if isinstance(person_id, bool) or not isinstance(person_id, int):
        return None
    from django.db.models import Q

    from huanjie.voters.models import VoterRegistration

    return (
        Person.objects.filter(pk=person_id, erased_on__isnull=True)
        .filter(
            Q(region_id=entry.region_id)
            | Q(
                pk__in=VoterRegistration.objects.filter(
                    campaign_id=entry.campaign_id, village_id=entry.region_id
                ).values("person_id")
            )
            | Q(
                pk__in=PollCandidate.objects.filter(poll_post__poll__election=election).values(
                    "person_id"
                )
            )
        )
        .first()
    )


def _votes(raw: object, names: set[str]) -> dict[str, int]:
    if not isinstance(raw, dict):
        raise ValidationError(MSG_COUNT.format(label="得票数", most=MOST_PEOPLE))
    out: dict[str, int] = {}
    for name, n in raw.items():
        if name not in names:
            raise ValidationError(MSG_VOTES_NAME.format(name=name))
        out[name] = _count(n, f"“{name}”的得票数")
    return out


def by_election_file(
    election: Election,
    *,
    post: str,
    seats: int,
    held_on: date,
    electorate: int,
    voted: int,
    ballots_issued: int,
    valid: int,
    invalid: int,
    votes: dict[str, int],
    candidates: list[_Candidate],
) -> dict[str, Any]:
    """The by-election as the engine's poll file (docs/tally-format.md): a first poll of `post`
    with its printed candidates and the tally sheet's totals (`counted`), under the law in force
    on `held_on`: "补选…依照本法第十八条的规定" (RULES.md V18)."""
    data: dict[str, Any] = {
        "body": election.body,
        "province": election.village.campaign.rule_province,
        "election_date": held_on.isoformat(),
        "poll": "first",
        "posts": [{"post": post, "seats": seats}],
        "candidates": [
            {"name": c.name, "sex": c.sex, "post": post} for c in candidates if not c.write_in
        ],
        "electorate": electorate,
        "voted": voted,
        "ballots_issued": ballots_issued,
        "ballots": [],
        "counted": {"valid": valid, "invalid": invalid, "votes": {post: votes}},
    }
    written = [{"name": c.name, "sex": c.sex} for c in candidates if c.write_in]
    if written:
        data["people"] = written
    mode = _residents_mode(election)
    if mode:
        data["mode"] = mode
    return data


def by_election_record(
    *,
    actor: User,
    election: Election,
    post: str,
    seats: int,
    reason: str,
    held_on: date,
    electorate: int,
    voted: int,
    ballots_issued: int,
    valid: int,
    invalid: int,
    votes: dict[str, int],
    candidates: list[dict[str, Any]],
) -> ByElection:
    """Record a by-election (补选) of `seats` seats of `post` left open on `election`'s roster (a
    cadre recalled or gone, a seat left empty), counted by the engine from the tally sheet's
    figures exactly as a poll is: its input, output and their SHA-256 are kept. Its winners join
    the roster from `held_on` for the rest of the term ("补选的村民委员会成员，任期到本届村民委员会
    任期届满时止", 村民委员会组织法(2025) 第二十三条); a winner who held a lower post on the same
    committee leaves that post. An invalid by-election (turnout not over half, say) is kept and
    adds nobody."""
    entry = election.village
    _check(actor, entry.region_id, election)
    check_not_purged(entry.campaign)
    reason = _text(reason, "补选原因")
    seats = _count(seats, "补选名额", positive=True)
    if seats > MOST_SEATS:
        raise ValidationError(MSG_COUNT.format(label="补选名额", most=MOST_SEATS))
    electorate = _count(electorate, "登记参加选举的人数", positive=True)
    voted = _count(voted, "参加投票人数")
    ballots_issued = _count(ballots_issued, "发出选票数")
    valid = _count(valid, "有效票数")
    invalid = _count(invalid, "无效票数")
    _not_more(voted, "参加投票人数", electorate, "登记参加选举的人数")
    held_on = _day(held_on, "补选日期")
    people = _candidates(election, candidates)
    counted = _votes(votes, {c.name for c in people})
    label = dict(Post.choices).get(post)
    if label is None or not election.posts.filter(post=post).exists():
        raise ValidationError(MSG_NO_POST.format(post=label or post))
    from huanjie.results.models import Result

    with transaction.atomic():
        Election.objects.select_for_update().filter(pk=election.pk).first()
        result = Result.objects.filter(election=election).first()
        version = result.current() if result is not None else None
        if version is None:
            raise ValidationError(MSG_NO_RESULT)
        first_day = date.fromisoformat(version.document["polls"][0]["held_on"])
        _day(held_on, "补选日期", not_before=first_day, other="本届选举日")
        in_force = list(
            Cadre.objects.filter(
                village_id=entry.region_id,
                body=election.body,
                term_number=entry.campaign.term_number,
                ended_on__isnull=True,
            ).select_for_update()
        )
        total = election.posts.get(post=post).seats
        held = sum(1 for c in in_force if c.post == post)
        if held >= total:
            raise ValidationError(MSG_NO_OPEN_SEAT.format(post=label, seats=total, held=held))
        if seats > total - held:
            raise ValidationError(
                MSG_TOO_MANY_SEATS.format(post=label, open=total - held, seats=seats)
            )
        data = by_election_file(
            election,
            post=post,
            seats=seats,
            held_on=held_on,
            electorate=electorate,
            voted=voted,
            ballots_issued=ballots_issued,
            valid=valid,
            invalid=invalid,
            votes=counted,
            candidates=people,
        )
        output = _count_by_election(election, data)
        frozen: dict[str, Any] = {"poll_file": data, "engine": engine_version()}
        rule = entry.campaign.rule_profile
        if rule is not None and election.body == Body.VILLAGERS:
            # As a closed poll freezes them (polls.services.closing.poll_close).
            frozen["county_profile"] = {
                "name": rule.name,
                "version": rule.version,
                "law": rule.law,
                "measure": rule.measure,
                "parameters": rule.parameters,
            }
        row = ByElection.objects.create(
            election=election,
            post=post,
            seats=seats,
            reason=reason,
            held_on=held_on,
            engine_input=frozen,
            engine_output=output,
            engine_hash=frozen_hash(frozen, output),
            recorded_by=actor,
        )
        added, moved = _seat_winners(row, in_force, people, output)
        audit_record(
            actor=actor,
            action="roster.by_election",
            obj=row,
            changes={
                "post": post,
                "seats": seats,
                "held_on": held_on.isoformat(),
                "valid": output.get("valid"),
                "reasons": output.get("reasons", []),
                "elected": [c.name for c in added],
                "moved": [f"{c.post}:{c.name}" for c in moved],
                "hash": row.engine_hash,
            },
        )
    return row


def _count_by_election(election: Election, data: dict[str, Any]) -> dict[str, Any]:
    """The engine's output on the by-election's file, under the county's own rules where its
    campaign chose them (the file names body, province, day and mode itself)."""
    from huanjie.elections.rule_profiles import county_profile

    if election.body == Body.COOPERATIVE:
        raise ValidationError(MSG_ENGINE_BODY.format(body=election.get_body_display()))
    profile = county_profile(election.village, election.body)
    try:
        return tally(poll_from_json(data), profile=profile).to_json()
    except RulesError as exc:
        field = getattr(exc, "field", "")
        raise ValidationError(MSG_ENGINE.format(field=field, message=_message(exc))) from None


def _seat_winners(
    row: ByElection, in_force: list[Cadre], people: list[_Candidate], output: dict[str, Any]
) -> tuple[list[Cadre], list[Cadre]]:
    """The by-election's winners on the roster from its day; a winner who held another post on
    the committee leaves it (one person, one post). (added, moved)."""
    if not output.get("valid"):
        return [], []
    election = row.election
    entry = election.village
    winners = [
        name for p in output.get("posts", []) if p.get("post") == row.post for name in p["elected"]
    ]
    given = {c.name: c for c in people}
    known = {
        c.name: c.person
        for c in PollCandidate.objects.filter(
            poll_post__poll__election=election, person__isnull=False
        ).select_related("person")
    }
    post_label = dict(Post.choices)[row.post]
    added: list[Cadre] = []
    moved: list[Cadre] = []
    for name in winners:
        candidate = given[name]
        person = candidate.person or known.get(name)
        for cadre in in_force:
            same = (
                cadre.person_id == person.pk if person and cadre.person_id else cadre.name == name
            )
            if same and cadre.ended_on is None and cadre.post != row.post:
                cadre.ended_on = row.held_on
                cadre.end_reason = EndReason.OTHER
                cadre.end_note = f"经{cn_date(row.held_on)}补选担任{post_label}"
                cadre.save(update_fields=["ended_on", "end_reason", "end_note"])
                moved.append(cadre)
        added.append(
            Cadre.objects.create(
                village_id=entry.region_id,
                body=election.body,
                term_number=entry.campaign.term_number,
                campaign=entry.campaign,
                post=row.post,
                person=person,
                name=name,
                sex=candidate.sex,
                source=Source.BY_ELECTION,
                by_election=row,
                started_on=row.held_on,
            )
        )
    return added, moved
