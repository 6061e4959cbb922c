"""What the roster's changes during the term share: the refusals, the checks of the actor and of
typed fields, the election of a cadre and the law that governs its recall."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Final

from django.core.exceptions import ValidationError
from django.utils import timezone

from huanjie.accounts.permissions import Action, audit_denied, can, in_scope
from huanjie.elections.models import Body, Election
from huanjie.lib.dates import cn_date
from huanjie.polls.models import Poll
from huanjie.rosters.models import Cadre
from huanjie.rules.errors import RulesError
from huanjie.rules.profiles import Profile, effective_profile

if TYPE_CHECKING:
    from huanjie.accounts.models import User

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
MSG_ENGINE_BODY: Final = "{body}的补选，本系统未收录适用的计票规则"

LONGEST_REASON: Final = 500
# More than any village, community or Party organisation has voters or members: a figure above
# it is a typing error (and would overflow the database's integer).
MOST_PEOPLE: Final = 1_000_000
MOST_SEATS: Final = 9  # 城市居民委员会组织法(2025) 第八条: 五至九人, the largest committee

RECALL_BODIES: Final = (Body.VILLAGERS, Body.RESIDENTS)
REASON_LABELS: Final = {
    "turnout_not_over_half": "参加投票的人数未超过登记参加选举人数的半数，表决无效",
    "turnout_not_over_two_thirds": "参加投票的居民代表未超过三分之二，表决无效",
    "not_approved": "赞成罢免的票数未超过参加投票人数的半数，罢免未通过",
}


def check_roster(actor: User, region_code: str, obj: Any, message: str = MSG_NOT_ALLOWED) -> None:
    """The actor holds MANAGE_ROSTER over the village (SECURITY.md C3); a refusal is logged
    (SECURITY.md L1) and raises `message` (what the refused service does, in Chinese)."""
    if not can(actor, Action.MANAGE_ROSTER) or not in_scope(actor, region_code):
        audit_denied(actor, Action.MANAGE_ROSTER, obj=obj)
        raise ValidationError(message)


def text_field(value: str | None, label: str, most: int = LONGEST_REASON) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(MSG_REQUIRED.format(label=label))
    if len(text) > most:
        raise ValidationError(MSG_TOO_LONG.format(label=label, most=most))
    return text


def count_field(value: object, label: str, *, positive: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MOST_PEOPLE:
        raise ValidationError(MSG_COUNT.format(label=label, most=MOST_PEOPLE))
    if positive and value == 0:
        raise ValidationError(MSG_POSITIVE.format(label=label))
    return value


def not_more(part: int, part_label: str, whole: int, whole_label: str) -> None:
    if part > whole:
        raise ValidationError(
            MSG_NOT_MORE.format(label=part_label, part=part, whole_label=whole_label, whole=whole)
        )


def day_field(
    value: object, label: str, *, not_before: date | None = None, other: str = ""
) -> date:
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


def residents_mode(election: Election | None) -> str | None:
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
        profile = effective_profile(cadre.body, province, day, residents_mode(election_of(cadre)))
    except RulesError as exc:
        raise ValidationError(MSG_LAW.format(label=label, message=rules_message(exc))) from None
    if profile.recall.value is None:
        raise ValidationError(MSG_NO_RULES.format(body=Body(cadre.body).label))
    return profile


def rules_message(exc: RulesError) -> str:
    return getattr(exc, "message", None) or str(exc)


def locked_cadre(cadre: Cadre) -> Cadre:
    return Cadre.objects.select_for_update().get(pk=cadre.pk)
