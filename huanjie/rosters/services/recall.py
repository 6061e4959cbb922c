"""Recall (罢免, RULES.md V15): the motion and the vote, each judged by the engine
(huanjie.rules.recall); a recalled cadre leaves the roster."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from huanjie.audit.services import audit_record
from huanjie.elections.services import check_not_purged
from huanjie.lib.dates import cn_date
from huanjie.rosters.models import Cadre, EndReason, Recall, RecallStatus
from huanjie.rosters.summary import summaries_refresh
from huanjie.rules.recall import recall_motion_check
from huanjie.rules.recall import recall_vote as engine_recall_vote

if TYPE_CHECKING:
    from huanjie.accounts.models import User
from huanjie.rosters.services.common import (
    MSG_CADRE_ENDED,
    MSG_ENDED,
    MSG_MOTION_OPEN,
    MSG_NOT_MOTION,
    REASON_LABELS,
    check_roster,
    count_field,
    day_field,
    locked_cadre,
    not_more,
    recall_profile,
    text_field,
)


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
    check_roster(actor, cadre.village_id, cadre)
    if cadre.campaign is not None:
        check_not_purged(cadre.campaign)
    reason = text_field(reason, "罢免理由")
    signers = count_field(signers, "联名人数")
    of = count_field(of, "有选举权的村民（村民代表）人数", positive=True)
    not_more(signers, "联名人数", of, "有选举权的村民（村民代表）人数")
    profile = recall_profile(cadre, day_field(motion_on, "提出日期"), "提出日期")
    with transaction.atomic():
        cadre = locked_cadre(cadre)
        if cadre.ended_on is not None:
            raise ValidationError(_ended(MSG_ENDED, cadre))
        day_field(motion_on, "提出日期", not_before=cadre.started_on, other="任职日期")
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
    check_roster(actor, cadre.village_id, recall)
    if cadre.campaign is not None:
        check_not_purged(cadre.campaign)
    electorate = count_field(electorate, "登记参加选举的人数", positive=True)
    voted = count_field(voted, "参加投票人数")
    yes = count_field(yes, "赞成罢免票数")
    not_more(voted, "参加投票人数", electorate, "登记参加选举的人数")
    not_more(yes, "赞成罢免票数", voted, "参加投票人数")
    profile = recall_profile(cadre, day_field(voted_on, "表决日期"), "表决日期")
    with transaction.atomic():
        recall = Recall.objects.select_for_update().get(pk=recall.pk)
        if recall.status != RecallStatus.MOTION:
            raise ValidationError(MSG_NOT_MOTION.format(status=recall.get_status_display()))
        day_field(voted_on, "表决日期", not_before=recall.motion_on, other="提出日期")
        cadre = locked_cadre(cadre)
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
            summaries_refresh([(cadre.term_id, cadre.village_id)])
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
