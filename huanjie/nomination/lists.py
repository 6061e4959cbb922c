"""两述, 公示 and the formal candidate list (issue 10 items 2 and 4): the write services and the
read that tells a page whether a post's list may be fixed.

Each write service checks, in order: the actor's Action and scope (`services._check_manage`:
MANAGE_NOMINATION over the election's village; the Party's nominees are the town's), the
campaign not purged, the guard, the inputs; then writes its rows, a history row where the thing
is a state machine (the list: `CandidateListHistory`) and the audit event, in one transaction.

The rules decided here (docs/nomination.md "The formal list"):

- A publicity period (公示) cannot end before it starts, and lies between the campaign's first
  day and the election day. The formal list's publicity starts at least `candidate_list_days`
  before the election day where the profile has one (浙江 18, 上海 12, 四川 23: 5 days), the
  nominees' at least `nominee_list_days` before (四川 23: 15 days).
- A post's list is fixed only when every publicity of its nominees (初步人选, 预备人选) covering
  the post has ended (the day after its last day), no objection received in one is undecided,
  and no upheld objection names a candidate still on it. The Party's list needs its
  预备人选公示 (WORKFLOW.md §2 step 7: 预备人选 → 公示 → 党员大会); a profile with
  `nominee_list_days` needs the nominees' publicity (四川 23).
- Fixing re-checks `person_may_stand` for every name, and the surplus with the engine's
  `candidate_count_check` against `ElectionPost.seats`.
- Order: the Party's committee members by 姓氏笔画 (中国共产党基层组织选举工作条例 第二十四条 "以姓氏笔画
  为序"), its 书记 / 副书记 in the order the higher Party committee approved (同条), read as
  the town Party committee's 差额票决 votes; the committees by 姓氏笔画, the common order where
  no count of nominations is held. Whoever fixes may choose "by votes" instead when every
  candidate has votes: 乡镇党委票决票数, then 党员推荐 + 群众推荐, then strokes.
- A fixed list takes no new candidate and its post's seats do not change (the guards in
  `nomination.services` and `elections.services.election_set_seats`). A candidate may still
  withdraw (within the profile's `withdrawal_days`, 浙江 19); the place is filled (递补) by
  `list_fill` with the next nominee of the post not on the list at the stage before formal,
  in votes where votes are held, else in the order of nomination. The county alone unfixes a
  list, with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from huanjie.accounts.models import User
from huanjie.accounts.permissions import Action, audit_denied, can, in_scope
from huanjie.audit.services import audit_record
from huanjie.elections.models import Body, Election, ElectionPost, NominationMethod, Post
from huanjie.elections.services import check_not_purged, election_day_of, election_profile
from huanjie.lib.idcard import redact
from huanjie.lib.strokes import name_key
from huanjie.nomination.models import (
    CandidateList,
    CandidateListEntry,
    CandidateListHistory,
    ListEvent,
    ListOrder,
    ListStatus,
    Nominee,
    NomineeHistory,
    ObjectionDecision,
    Publicity,
    PublicityObjection,
    PublicitySubject,
    Stage,
    Statement,
    StatementQuestion,
)
from huanjie.nomination.services import _check_manage, person_may_stand
from huanjie.rules.candidates import candidate_count_check, candidate_range
from huanjie.rules.messages import POST_NAMES
from huanjie.voters.models import Proxy

MSG_NO_LIST = "自荐直选不确定正式候选人名单"
MSG_POST_OTHER_ELECTION = "该职位不属于这次选举"
MSG_NOMINEE_OTHER = "{name}不是该公示职位的提名人选"
MSG_CLOSED = "{name}当前为“{stage}”，不再记录两述"
MSG_SUMMARY = "请填写陈述要点"
MSG_QUESTION = "第{n}个问答的提问、提问人和回答要点都要填写"
MSG_TOO_MANY_QUESTIONS = "一次两述最多记录{n}个问答"
MSG_TOO_LONG = "{what}不能超过{n}个字"
MSG_DAY_WINDOW = "{what}（{day}）应在换届开始日期（{start}）至选举日（{end}）之间"
MSG_INVERTED = "公示结束日期（{end}）不能早于开始日期（{start}）"
MSG_SUBJECT = "请选择公示内容"
MSG_PRESELECTED_PARTY = "只有村党组织的三推两述一选有候选人预备人选公示"
MSG_FORMAL_NOT_FIXED = "{post}的正式候选人名单尚未确定，不能公示"
MSG_LIST_DAYS = (
    "{what}应当在选举日（{day}）的{days}日前公布，公示最迟{latest}开始（依据：{article}）"
)
MSG_RECEIVED_OUTSIDE = "收到日期（{day}）应在公示期间（{start}至{end}）内"
MSG_FROM = "请填写反映人"
MSG_CONTENT = "请填写反映内容"
MSG_DECIDED = "该问题已于{day}处理，处理结果不能更改"
MSG_DECISION = "请选择处理结果"
MSG_NOTE = "请填写处理意见"
MSG_DECIDED_BEFORE = "处理日期（{day}）不能早于收到日期（{received}）"
MSG_DECIDED_AFTER = "处理日期（{day}）不能晚于选举日（{end}）"
MSG_ALREADY_FIXED = "{post}的正式候选人名单已确定"
MSG_NOT_FIXED = "{post}的正式候选人名单尚未确定"
MSG_NO_CANDIDATES = "{post}还没有正式候选人"
MSG_ENGINE = "{message}（依据：{article}）"
MSG_COOPERATIVE = "{post}应选{seats}名，候选人不应少于应选名额，现为{count}名"
MSG_PUBLICITY_OPEN = "{subject}公示（{start}至{end}）尚未结束，公示期满后才能确定名单"
MSG_PUBLICITY_MISSING = "{subject}尚未公示（依据：{basis}），公示期满后才能确定名单"
MSG_OBJECTION_OPEN = "公示期间{name}反映的问题（{day}收到）尚未处理"
MSG_OBJECTION_UPHELD = "公示期间反映{name}的问题经处理成立，须先办理其退出或资格处理"
MSG_NO_VOTES = "{name}没有得票数，不能按得票多少排序"
MSG_HOLDS_PROXY = (
    "{name}接受了{n}份委托投票，候选人不得接受委托（依据：{article}），请先在委托投票页撤销"
)
MSG_ORDER = "请选择排序方式"
MSG_COUNTY_ONLY = "只有县级可以撤销已确定的正式候选人名单"
MSG_REASON = "请填写撤销确定的原因（至少4个字）"
MSG_NO_WITHDRAWAL = "{post}的正式候选人名单没有待递补的退出人选"
MSG_NO_NEXT = "{post}没有可以递补的人选，请由县级撤销确定后重新确定名单"

QUESTIONS_MAX: Final = 30
REASON_MIN: Final = 4
# The stage a nominee stands at just before formal: where a 递补 is taken from.
BEFORE_FORMAL: Final = {True: Stage.PRESELECTED, False: Stage.QUALIFIED}
# 中国共产党基层组织选举工作条例 第二十四条: "候选人名单以姓氏笔画为序", 书记、副书记 "按照上级党组织
# 核准的顺序".
PARTY_ORDER_ARTICLE: Final = "中国共产党基层组织选举工作条例 第二十四条"
PARTY_HEADS: Final = (Post.SECRETARY, Post.DEPUTY_SECRETARY)
BASIS_STROKES_PARTY: Final = f"候选人名单以姓氏笔画为序（{PARTY_ORDER_ARTICLE}）"
BASIS_HEADS_PARTY: Final = (
    f"按照上级党组织核准的顺序（{PARTY_ORDER_ARTICLE}），即乡镇党委差额票决的得票多少"
)
BASIS_STROKES: Final = "按姓氏笔画为序（未按提名票数确定候选人时的通行做法）"
BASIS_VOTES: Final = "经办人选定按得票多少为序：乡镇党委票决票数，其次党员推荐与群众推荐票数之和"


def _text(value: str, what: str, limit: int) -> tuple[str, list[str]]:
    """Free text as stored: trimmed, anything like an ID number masked (SECURITY.md P3)."""
    value = redact((value or "").strip())
    return value, [MSG_TOO_LONG.format(what=what, n=limit)] if len(value) > limit else []


def _window(election: Election) -> tuple[date, date]:
    """The days a 两述 or a 公示 may fall on: the campaign's first day to the election day."""
    return election.village.campaign.window_start, election_day_of(election.village)


def _in_window(election: Election, day: date, what: str) -> list[str]:
    start, end = _window(election)
    if start <= day <= end:
        return []
    return [MSG_DAY_WINDOW.format(what=what, day=day, start=start, end=end)]


def _guarded(actor: User, election: Election) -> None:
    _check_manage(actor, election)
    check_not_purged(election.village.campaign)


# ---------------------------------------------------------------------------------------------
# 两述: statements and questions.


@dataclass(frozen=True)
class QuestionIn:
    question: str
    asked_by: str
    answer: str


def statement_record(
    *,
    actor: User,
    nominee: Nominee,
    held_on: date,
    summary: str,
    questions: tuple[QuestionIn, ...] | list[QuestionIn] = (),
    place: str = "",
) -> Statement:
    """Record a nominee's 两述 (竞职陈述 and 问答): the day, the statement's summary and each
    question with who asked it and the answer's summary. Not for a nominee disqualified or
    withdrawn; the day lies between the campaign's first day and the election day."""
    election = nominee.election
    _guarded(actor, election)
    if nominee.stage in (Stage.DISQUALIFIED, Stage.WITHDRAWN):
        raise ValidationError(
            MSG_CLOSED.format(name=nominee.person.name, stage=Stage(nominee.stage).label)
        )
    problems = _in_window(election, held_on, "两述日期")
    summary, p = _text(summary, "陈述要点", 2000)
    problems += p or ([] if summary else [MSG_SUMMARY])
    place, p = _text(place, "地点或会议", 100)
    problems += p
    rows: list[QuestionIn] = []
    if len(questions) > QUESTIONS_MAX:
        problems.append(MSG_TOO_MANY_QUESTIONS.format(n=QUESTIONS_MAX))
    for i, q in enumerate(questions, start=1):
        question, p1 = _text(q.question, f"第{i}个提问", 500)
        asked_by, p2 = _text(q.asked_by, f"第{i}个提问人", 50)
        answer, p3 = _text(q.answer, f"第{i}个回答要点", 1000)
        problems += p1 + p2 + p3
        if not (question and asked_by and answer):
            problems.append(MSG_QUESTION.format(n=i))
        rows.append(QuestionIn(question, asked_by, answer))
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        statement = Statement.objects.create(
            nominee=nominee, held_on=held_on, place=place, summary=summary, recorded_by=actor
        )
        StatementQuestion.objects.bulk_create(
            StatementQuestion(
                statement=statement,
                position=i,
                question=q.question,
                asked_by=q.asked_by,
                answer=q.answer,
            )
            for i, q in enumerate(rows, start=1)
        )
        audit_record(
            actor=actor,
            action="statement.record",
            obj=statement,
            changes={
                "nominee": nominee.pk,
                "person": nominee.person.id_masked,
                "held_on": held_on.isoformat(),
                "questions": len(rows),
            },
        )
    return statement


# ---------------------------------------------------------------------------------------------
# 公示: publicity periods and the objections received.


def _days_rule(election: Election, subject: str) -> tuple[int, str] | None:
    """The days before the election day a publication must be made, and its article."""
    profile = election_profile(election)
    if profile is None:
        return None
    rule = {
        PublicitySubject.FORMAL: profile.candidate_list_days,
        PublicitySubject.NOMINEES: profile.nominee_list_days,
    }.get(subject)  # type: ignore[call-overload]
    if rule is None or rule.value is None:
        return None
    return rule.value, "、".join(rule.cite())


def publicity_open(
    *,
    actor: User,
    election: Election,
    subject: str,
    starts_on: date,
    ends_on: date,
    post: ElectionPost | None = None,
) -> Publicity:
    """Record a publicity period (公示) of the election's nominees, of one post or of all.
    候选人预备人选 only for the Party's 三推; 正式候选人 only once the list(s) are fixed, and at
    least the profile's `candidate_list_days` before the election day."""
    _guarded(actor, election)
    if post is not None and post.election_id != election.pk:
        raise ValidationError(MSG_POST_OTHER_ELECTION)
    if subject not in PublicitySubject.values:
        raise ValidationError(MSG_SUBJECT)
    three = election.nomination_method == NominationMethod.THREE_RECOMMENDATIONS
    if subject == PublicitySubject.PRESELECTED and not three:
        raise ValidationError(MSG_PRESELECTED_PARTY)
    if subject == PublicitySubject.FORMAL:
        if not election.has_list:
            raise ValidationError(MSG_NO_LIST)
        posts = [post] if post is not None else list(election.posts.all())
        for p in posts:
            if not CandidateList.objects.filter(post=p, status=ListStatus.FIXED).exists():
                raise ValidationError(MSG_FORMAL_NOT_FIXED.format(post=p.get_post_display()))
    problems: list[str] = []
    if ends_on < starts_on:
        problems.append(MSG_INVERTED.format(start=starts_on, end=ends_on))
    problems += _in_window(election, starts_on, "公示开始日期")
    problems += _in_window(election, ends_on, "公示结束日期")
    rule = _days_rule(election, subject)
    if rule is not None:
        days, article = rule
        day = election_day_of(election.village)
        latest = date.fromordinal(day.toordinal() - days)
        if starts_on > latest:
            what = PublicitySubject(subject).label + "名单"
            problems.append(
                MSG_LIST_DAYS.format(what=what, day=day, days=days, latest=latest, article=article)
            )
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        publicity = Publicity.objects.create(
            election=election,
            post=post,
            subject=subject,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="publicity.open",
            obj=publicity,
            changes={
                "election": election.pk,
                "post": post.post if post else "",
                "subject": subject,
                "period": [starts_on.isoformat(), ends_on.isoformat()],
            },
        )
    return publicity


def objection_receive(
    *,
    actor: User,
    publicity: Publicity,
    received_on: date,
    from_name: str,
    content: str,
    nominee: Nominee | None = None,
) -> PublicityObjection:
    """Record a problem reported during a publicity period: received within the period, from
    whom (a name as given: no ID number is asked for, and one typed is masked), what, and
    which nominee of the publicity it concerns (if one)."""
    election = publicity.election
    _guarded(actor, election)
    if nominee is not None and (
        nominee.election_id != election.pk
        or (publicity.post_id is not None and nominee.post_id != publicity.post_id)
    ):
        raise ValidationError(MSG_NOMINEE_OTHER.format(name=nominee.person.name))
    problems: list[str] = []
    if not publicity.starts_on <= received_on <= publicity.ends_on:
        problems.append(
            MSG_RECEIVED_OUTSIDE.format(
                day=received_on, start=publicity.starts_on, end=publicity.ends_on
            )
        )
    from_name, p = _text(from_name, "反映人", 50)
    problems += p or ([] if from_name else [MSG_FROM])
    content, p = _text(content, "反映内容", 2000)
    problems += p or ([] if content else [MSG_CONTENT])
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        objection = PublicityObjection.objects.create(
            publicity=publicity,
            received_on=received_on,
            from_name=from_name,
            content=content,
            nominee=nominee,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="publicity.objection_receive",
            obj=objection,
            changes={
                "publicity": publicity.pk,
                "received_on": received_on.isoformat(),
                "nominee": nominee.pk if nominee else None,
            },
        )
    return objection


def objection_decide(
    *, actor: User, objection: PublicityObjection, decision: str, note: str, decided_on: date
) -> PublicityObjection:
    """Decide a problem reported during a publicity: 成立 or 不成立, with the reasons and the
    day. Final: a decided objection is not decided again. An upheld objection against a
    candidate keeps the list from being fixed until the candidate withdraws or is dealt with
    by the review (`nominee_withdraw`, `nominee_disqualify`)."""
    election = objection.publicity.election
    _guarded(actor, election)
    if objection.decided_on is not None:
        raise ValidationError(MSG_DECIDED.format(day=objection.decided_on))
    problems: list[str] = []
    if decision not in ObjectionDecision.values:
        problems.append(MSG_DECISION)
    note, p = _text(note, "处理意见", 1000)
    problems += p or ([] if note else [MSG_NOTE])
    if decided_on < objection.received_on:
        problems.append(MSG_DECIDED_BEFORE.format(day=decided_on, received=objection.received_on))
    end = election_day_of(election.village)
    if decided_on > end:
        problems.append(MSG_DECIDED_AFTER.format(day=decided_on, end=end))
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        locked = PublicityObjection.objects.select_for_update().get(pk=objection.pk)
        if locked.decided_on is not None:
            raise ValidationError(MSG_DECIDED.format(day=locked.decided_on))
        objection.decision = decision
        objection.decision_note = note
        objection.decided_on = decided_on
        objection.decided_by = actor
        objection.save(update_fields=["decision", "decision_note", "decided_on", "decided_by"])
        audit_record(
            actor=actor,
            action="publicity.objection_decide",
            obj=objection,
            changes={"decision": decision, "decided_on": decided_on.isoformat()},
        )
    return objection


# ---------------------------------------------------------------------------------------------
# The formal list: the verdict before fixing, fixing, 递补, unfixing.


def _party(election: Election) -> bool:
    return election.body == Body.PARTY


def default_order(post: ElectionPost) -> tuple[str, str]:
    """The order the rules give a post's list, and its basis."""
    if _party(post.election):
        if post.post in PARTY_HEADS:
            return ListOrder.VOTES, BASIS_HEADS_PARTY
        return ListOrder.STROKES, BASIS_STROKES_PARTY
    return ListOrder.STROKES, BASIS_STROKES


def _has_votes(nominee: Nominee) -> bool:
    return any(
        v is not None for v in (nominee.committee_votes, nominee.member_votes, nominee.mass_votes)
    )


def _votes_key(nominee: Nominee) -> tuple[object, ...]:
    recommended = (nominee.member_votes or 0) + (nominee.mass_votes or 0)
    return (
        -(nominee.committee_votes or 0),
        -recommended,
        name_key(nominee.person.name),
        nominee.order,
    )


def _strokes_key(nominee: Nominee) -> tuple[object, ...]:
    return (name_key(nominee.person.name), nominee.order)


def ordered(nominees: list[Nominee], order: str) -> list[Nominee]:
    """`nominees` in the list's order: 姓氏笔画 (`lib.strokes.name_key`, then the order of
    nomination), or votes (乡镇党委票决, then 党员 + 群众推荐, then strokes)."""
    key = _votes_key if order == ListOrder.VOTES else _strokes_key
    return sorted(nominees, key=key)


def _covers(post: ElectionPost) -> Q:
    return Q(election_id=post.election_id) & (Q(post__isnull=True) | Q(post=post))


def _publicity_problems(post: ElectionPost, candidates: list[Nominee], today: date) -> list[str]:
    election = post.election
    problems: list[str] = []
    before = Publicity.objects.filter(_covers(post)).exclude(subject=PublicitySubject.FORMAL)
    required: list[tuple[str, str]] = []
    if election.nomination_method == NominationMethod.THREE_RECOMMENDATIONS:
        required.append((PublicitySubject.PRESELECTED, "WORKFLOW.md §2 第7步：预备人选公示"))
    rule = _days_rule(election, PublicitySubject.NOMINEES)
    if rule is not None:
        required.append((PublicitySubject.NOMINEES, rule[1]))
    for subject, basis in required:
        if not before.filter(subject=subject).exists():
            problems.append(
                MSG_PUBLICITY_MISSING.format(subject=PublicitySubject(subject).label, basis=basis)
            )
    for pub in before.filter(ends_on__gte=today):
        problems.append(
            MSG_PUBLICITY_OPEN.format(
                subject=pub.get_subject_display(), start=pub.starts_on, end=pub.ends_on
            )
        )
    objections = PublicityObjection.objects.filter(
        Q(publicity__post__isnull=True) | Q(publicity__post=post),
        publicity__election_id=election.pk,
    ).filter(Q(nominee__isnull=True) | Q(nominee__post=post))
    for o in objections.filter(decided_on__isnull=True).select_related("nominee__person"):
        about = o.nominee.person.name if o.nominee else o.from_name
        problems.append(MSG_OBJECTION_OPEN.format(name=about, day=o.received_on))
    on_list = {c.pk for c in candidates}
    upheld = objections.filter(decision=ObjectionDecision.UPHELD, nominee_id__in=on_list)
    for o in upheld.select_related("nominee__person"):
        assert o.nominee is not None
        problems.append(MSG_OBJECTION_UPHELD.format(name=o.nominee.person.name))
    return problems


@dataclass
class ListVerdict:
    """What fixing a post's list would do now: the candidates in order, the engine's surplus
    verdict in words, and every reason it would be refused."""

    post: ElectionPost
    order: str
    order_basis: str
    candidates: list[Nominee]
    surplus: str  # e.g. "委员应选4名，候选人应当不少于5名，现为5名"
    article: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _formal(post: ElectionPost) -> list[Nominee]:
    return list(
        Nominee.objects.filter(post=post, stage=Stage.FORMAL).select_related(
            "person", "election__village__campaign"
        )
    )


def _surplus(post: ElectionPost, count: int) -> tuple[str, str, list[str]]:
    """(the surplus in words, its article, the engine's problems)."""
    profile = election_profile(post.election)
    name = POST_NAMES.get(post.post, post.get_post_display())
    if profile is None:
        # The engine carries no rules for a cooperative: no fewer candidates than seats.
        text = f"{name}应选{post.seats}名，现有候选人{count}名（本系统未收录经济合作社的差额规则）"
        problems = (
            [MSG_COOPERATIVE.format(post=name, seats=post.seats, count=count)]
            if count < post.seats
            else []
        )
        return text, "", problems
    low, high = candidate_range(profile, post.post, post.seats)
    allowed = f"{low}名" if high == low else f"{low}至{high}名" if high else f"不少于{low}名"
    text = f"{name}应选{post.seats}名，候选人应为{allowed}，现为{count}名（差额{count - post.seats}名）"
    article = "、".join(profile.surplus.cite())
    found = candidate_count_check(profile, post.post, post.seats, count)
    return (
        text,
        article,
        [MSG_ENGINE.format(message=p.message, article=p.article) for p in found.problems],
    )


def list_verdict(post: ElectionPost, order: str = "", today: date | None = None) -> ListVerdict:
    """The verdict on fixing `post`'s list now (no write): shown on the page before fixing and
    applied by `list_fix`."""
    election = post.election
    today = today or timezone.localdate()
    if order and order not in ListOrder.values:
        raise ValidationError(MSG_ORDER)
    default, basis = default_order(post)
    if order and order != default:
        basis = BASIS_VOTES if order == ListOrder.VOTES else BASIS_STROKES
    order = order or default
    candidates = _formal(post)
    text, article, problems = _surplus(post, len(candidates))
    verdict = ListVerdict(post, order, basis, ordered(candidates, order), text, article)
    if not election.has_list:
        verdict.problems.append(MSG_NO_LIST)
        return verdict
    current = CandidateList.objects.filter(post=post, status=ListStatus.FIXED).first()
    if current is not None:
        verdict.problems.append(MSG_ALREADY_FIXED.format(post=post.get_post_display()))
    if not candidates:
        verdict.problems.append(MSG_NO_CANDIDATES.format(post=post.get_post_display()))
    for nominee in verdict.candidates:
        # A disqualified or barred person is never on a list, whatever path made them formal.
        verdict.problems += person_may_stand(election, nominee.person)
    verdict.problems += problems
    if order == ListOrder.VOTES:
        verdict.problems += [
            MSG_NO_VOTES.format(name=c.person.name) for c in candidates if not _has_votes(c)
        ]
    verdict.problems += _publicity_problems(post, candidates, today)
    verdict.problems += _proxies_held(election, candidates)
    return verdict


def _proxies_held(election: Election, candidates: list[Nominee]) -> list[str]:
    """A candidate may not hold a proxy (the profile's `proxy.candidates_excluded`, e.g.
    村民委员会组织法(2025) 第十八条): one accepted before becoming a candidate is withdrawn
    (on the proxies page) before the list is fixed."""
    profile = election_profile(election)
    if profile is None or not profile.proxy.value.candidates_excluded:
        return []
    entry = election.village
    held = (
        Proxy.objects.filter(
            campaign_id=entry.campaign_id,
            village_id=entry.region_id,
            holder__person_id__in=[c.person_id for c in candidates],
            withdrawn_on__isnull=True,
        )
        .values("holder__person_id")
        .annotate(n=Count("id"))
    )
    names = {c.person_id: c.person.name for c in candidates}
    article = "、".join(profile.proxy.cite())
    return [
        MSG_HOLDS_PROXY.format(name=names[row["holder__person_id"]], n=row["n"], article=article)
        for row in held
    ]


def _names(candidate_list: CandidateList) -> list[str]:
    return [
        e.nominee.person.name
        for e in candidate_list.entries.select_related("nominee__person").order_by("position")
        if e.nominee.stage != Stage.WITHDRAWN
    ]


def _list_history(candidate_list: CandidateList, event: str, actor: User, reason: str) -> None:
    CandidateListHistory.objects.create(
        candidate_list=candidate_list,
        event=event,
        reason=reason[:500],
        names=_names(candidate_list),
        actor=actor,
    )


def list_fix(*, actor: User, post: ElectionPost, order: str = "") -> CandidateList:
    """Fix (确定) `post`'s formal candidate list: its formal candidates, in the order the rules
    give (or "by votes" when chosen and every candidate has votes), once `list_verdict` finds
    nothing against it: every person may stand, the surplus is lawful, the publicity periods
    have ended with every objection decided. 自荐直选 has no list."""
    election = post.election
    _guarded(actor, election)
    if not election.has_list:
        raise ValidationError(MSG_NO_LIST)
    with transaction.atomic():
        # The post's row serialises fixing against a concurrent fix or change of seats.
        post = ElectionPost.objects.select_for_update().select_related("election").get(pk=post.pk)
        verdict = list_verdict(post, order)
        if not verdict.ok:
            raise ValidationError(verdict.problems)
        candidate_list, _ = CandidateList.objects.update_or_create(
            post=post,
            defaults={
                "status": ListStatus.FIXED,
                "order": verdict.order,
                "order_basis": verdict.order_basis,
                "seats": post.seats,
                "surplus_basis": verdict.article,
                "fixed_on": timezone.localdate(),
                "fixed_by": actor,
            },
        )
        CandidateListEntry.objects.bulk_create(
            CandidateListEntry(candidate_list=candidate_list, nominee=n, position=i)
            for i, n in enumerate(verdict.candidates, start=1)
        )
        _list_history(candidate_list, ListEvent.FIXED, actor, verdict.surplus)
        audit_record(
            actor=actor,
            action="candidate_list.fix",
            obj=candidate_list,
            changes={
                "post": post.post,
                "seats": post.seats,
                "order": verdict.order,
                "candidates": [n.person.id_masked for n in verdict.candidates],
                "surplus": verdict.surplus,
            },
        )
    return candidate_list


def list_unfix(*, actor: User, candidate_list: CandidateList, reason: str) -> CandidateList:
    """Unfix a fixed list (撤销确定): the county alone (a county officer: 6-digit region), with
    its reason. Its places are cleared; the history keeps the names it had."""
    election = candidate_list.post.election
    _guarded(actor, election)
    if len(actor.region_id or "") != 6:
        audit_denied(actor, Action.MANAGE_NOMINATION, obj=candidate_list)  # SECURITY.md L1
        raise ValidationError(MSG_COUNTY_ONLY)
    if not candidate_list.fixed:
        raise ValidationError(MSG_NOT_FIXED.format(post=candidate_list.post.get_post_display()))
    reason, problems = _text(reason, "原因", 500)
    if len(reason) < REASON_MIN:
        problems.append(MSG_REASON)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        locked = CandidateList.objects.select_for_update().get(pk=candidate_list.pk)
        if not locked.fixed:
            raise ValidationError(MSG_NOT_FIXED.format(post=candidate_list.post.get_post_display()))
        names = _names(candidate_list)
        entries = CandidateListEntry.objects.filter(candidate_list=candidate_list)
        entries.update(fills=None)
        entries.delete()
        candidate_list.status = ListStatus.OPEN
        candidate_list.save(update_fields=["status"])
        CandidateListHistory.objects.create(
            candidate_list=candidate_list,
            event=ListEvent.UNFIXED,
            reason=reason,
            names=names,
            actor=actor,
        )
        audit_record(
            actor=actor,
            action="candidate_list.unfix",
            obj=candidate_list,
            changes={"post": candidate_list.post.post, "reason": reason},
        )
    return candidate_list


def open_withdrawals(candidate_list: CandidateList) -> QuerySet[CandidateListEntry]:
    """The places of a fixed list whose candidate withdrew and that nobody filled yet."""
    return candidate_list.entries.filter(
        nominee__stage=Stage.WITHDRAWN, filled_by__isnull=True
    ).select_related("nominee__person")


def next_in_line(candidate_list: CandidateList) -> Nominee | None:
    """Who fills a withdrawn place (递补): the next nominee of the post not on the list at the
    stage before formal (预备人选 for the Party, 资格审查通过 for a committee), by votes where
    votes are held, else in the order of nomination; the first who may stand."""
    post = candidate_list.post
    stage = BEFORE_FORMAL[_party(post.election)]
    on_list = candidate_list.entries.values_list("nominee_id", flat=True)
    pool = list(
        Nominee.objects.filter(post=post, stage=stage)
        .exclude(pk__in=on_list)
        .select_related("person")
    )
    if any(_has_votes(n) for n in pool):
        pool.sort(key=_votes_key)
    else:
        pool.sort(key=lambda n: n.order)
    for nominee in pool:
        if not person_may_stand(post.election, nominee.person):
            return nominee
    return None


def list_fill(
    *, actor: User, candidate_list: CandidateList, reason: str = ""
) -> CandidateListEntry:
    """Fill (递补) the first withdrawn place of a fixed list with `next_in_line`: the nominee
    becomes formal (its history row), takes a place in the list's order, and the list's history
    records the change. Refused when no place is open or nobody is next."""
    post = candidate_list.post
    election = post.election
    _guarded(actor, election)
    name = post.get_post_display()
    if not candidate_list.fixed:
        raise ValidationError(MSG_NOT_FIXED.format(post=name))
    place = open_withdrawals(candidate_list).order_by("position").first()
    if place is None:
        raise ValidationError(MSG_NO_WITHDRAWAL.format(post=name))
    nominee = next_in_line(candidate_list)
    if nominee is None:
        raise ValidationError(MSG_NO_NEXT.format(post=name))
    reason, problems = _text(reason, "说明", 200)
    if problems:
        raise ValidationError(problems)
    text = reason or f"递补{place.nominee.person.name}退出后的名额"
    with transaction.atomic():
        current = Nominee.objects.select_for_update().values_list("stage", flat=True)
        old = nominee.stage
        if current.get(pk=nominee.pk) != old:
            raise ValidationError(f"{nominee.person.name}的阶段已被他人改变，请刷新后重试")
        nominee.stage = Stage.FORMAL
        nominee.save(update_fields=["stage"])
        NomineeHistory.objects.create(
            nominee=nominee, from_stage=old, to_stage=Stage.FORMAL, reason=text, actor=actor
        )
        # The places are renumbered in the list's order, the withdrawn keeping theirs in it.
        entries = list(candidate_list.entries.select_related("nominee__person"))
        entries.sort(key=lambda e: e.position)
        people = ordered([*(e.nominee for e in entries), nominee], candidate_list.order)
        top = len(entries) + len(people) + 1
        for i, e in enumerate(entries):
            CandidateListEntry.objects.filter(pk=e.pk).update(position=top + i)
        entry = CandidateListEntry.objects.create(
            candidate_list=candidate_list, nominee=nominee, position=top * 2 + 1, fills=place
        )
        by_nominee = {e.nominee_id: e for e in [*entries, entry]}
        for i, person in enumerate(people, start=1):
            CandidateListEntry.objects.filter(pk=by_nominee[person.pk].pk).update(position=i)
        _list_history(candidate_list, ListEvent.FILLED, actor, text)
        audit_record(
            actor=actor,
            action="candidate_list.fill",
            obj=candidate_list,
            changes={
                "withdrawn": place.nominee.person.id_masked,
                "filled_by": nominee.person.id_masked,
                "from_stage": old,
            },
        )
    entry.refresh_from_db()
    return entry


def list_of(post: ElectionPost) -> CandidateList | None:
    """The post's list row (fixed or unfixed), or None if never fixed."""
    return CandidateList.objects.filter(post=post).first()


def in_area(actor: User, election: Election) -> bool:
    """Whether the actor may manage the election's lists (for a page's buttons)."""
    return can(actor, Action.MANAGE_NOMINATION) and in_scope(actor, election.village.region_id)


MSG_SEATS_FIXED = "{post}的正式候选人名单已确定，应选名额不能改变（须先由县级撤销确定）"


def seats_guard(election: Election, old: dict[str, int], new: dict[str, int]) -> list[str]:
    """`elections.services.election_set_seats` asks it: a post whose list is fixed keeps its
    seats and is not dropped."""
    fixed = CandidateList.objects.filter(post__election=election, status=ListStatus.FIXED)
    return [
        MSG_SEATS_FIXED.format(post=Post(post).label)
        for post in fixed.values_list("post__post", flat=True)
        if new.get(post) != old.get(post)
    ]
