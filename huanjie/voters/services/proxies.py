"""Proxies (委托投票): recorded under the engine's limits (who, how many, by when, by law version
and province), withdrawn before election day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from huanjie.accounts.models import User
from huanjie.audit.services import audit_record
from huanjie.lib.dates import cn_date
from huanjie.rules import proxies as proxy_rules
from huanjie.voters.models import (
    Proxy,
    VoterRegistration,
)
from huanjie.voters.services.registrations import (
    MSG_NO_ELECTION_DATE,
    campaign_entry,
    check_manage,
    refuse_unless_ok,
    village_profile,
)

MSG_PROXY_SAME = "委托人和受委托人不能是同一人"
MSG_PROXY_OTHER_VILLAGE = "委托人和受委托人都须是本村(社区)本次换届的登记选民"
MSG_PROXY_PRINCIPAL_REMOVED = "委托人已除名，不能委托投票"
MSG_PROXY_EXISTS = "{name}已办理委托投票（受委托人：{holder}）"
MSG_PROXY_RELATION = "请填写受委托人与委托人的关系"
MSG_PROXY_WITHDRAWN = "该委托已于{day}撤销"
MSG_PROXY_WITHDRAW_REASON = "请填写撤销委托的原因"
MSG_PROXY_WITHDRAW_BEFORE_FILED = "撤销日期不能早于委托办理日期（{day}）"
MSG_PROXY_WITHDRAW_TOO_LATE = "选举日（{day}）当天及以后不能撤销委托"
MSG_PROXY_HOLDER_CANDIDATE = "{name}是{standing}，{message}（{article}）"

# Who is a candidate is nomination's to say, an app above this one: it registers its lookup
# here when Django is ready (nomination.apps). (campaign id, village code, person id) → what the
# person stands as ("村民委员会主任正式候选人"), or "".
candidate_lookups: list[Callable[[int, str, int], str]] = []


def holder_standing(holder: VoterRegistration) -> str:
    """What the proxy holder stands as in the village's elections of the campaign, or ""."""
    for lookup in candidate_lookups:
        standing = lookup(holder.campaign_id, holder.village_id, holder.person_id)
        if standing:
            return standing
    return ""


def proxy_record(
    *,
    actor: User,
    principal: VoterRegistration,
    holder: VoterRegistration,
    relation: str,
    close_relative: bool,
    filed_on: date,
) -> Proxy:
    """Record a written proxy (委托投票) and check it against the law of this election: who may
    hold one, how many (counted from the database), the filing deadline, and, where the law
    says a candidate may not hold one (the profile's `proxy.candidates_excluded`, e.g.
    村民委员会组织法(2025) 第十八条), that the holder is no candidate of the village's elections."""
    village = principal.village
    check_manage(actor, village)
    if principal.pk == holder.pk:
        raise ValidationError(MSG_PROXY_SAME)
    if holder.campaign_id != principal.campaign_id or holder.village_id != principal.village_id:
        raise ValidationError(MSG_PROXY_OTHER_VILLAGE)
    if not principal.active:
        raise ValidationError(MSG_PROXY_PRINCIPAL_REMOVED)
    if not relation.strip():
        raise ValidationError(MSG_PROXY_RELATION)
    entry = campaign_entry(principal.campaign, village)
    profile = village_profile(entry)
    assert entry.election_date is not None
    standing = holder_standing(holder)
    with transaction.atomic():
        # Lock the holder's row so two clerks cannot both give them a fourth proxy.
        VoterRegistration.objects.select_for_update().filter(pk=holder.pk).first()
        existing = Proxy.objects.filter(
            principal=principal, withdrawn_on__isnull=True
        ).select_related("holder__person")
        if existing:
            raise ValidationError(
                MSG_PROXY_EXISTS.format(
                    name=principal.person.name, holder=existing[0].holder.person.name
                )
            )
        request = proxy_rules.ProxyRequest(
            holder_registered=holder.active,
            holder_close_relative=close_relative,
            holder_is_candidate=bool(standing),
            # A withdrawn proxy no longer binds the holder: only those in force count.
            already_held=Proxy.objects.filter(holder=holder, withdrawn_on__isnull=True).count(),
            filed_on=filed_on,
        )
        verdict = proxy_rules.proxy_check(profile, request, entry.election_date)
        candidate = [p for p in verdict.problems if p.code == "proxy_candidate"]
        if candidate:
            name, p = holder.person.name, candidate[0]
            raise ValidationError(
                MSG_PROXY_HOLDER_CANDIDATE.format(
                    name=name, standing=standing, message=p.message, article=p.article
                )
            )
        refuse_unless_ok(verdict)
        proxy = Proxy.objects.create(
            campaign=principal.campaign,
            village=village,
            principal=principal,
            holder=holder,
            relation=relation.strip(),
            close_relative=close_relative,
            filed_on=filed_on,
            written=True,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="voter.proxy_record",
            obj=proxy,
            changes={
                "principal": principal.pk,
                "holder": holder.pk,
                "close_relative": close_relative,
                "filed_on": filed_on.isoformat(),
            },
        )
    return proxy


def proxy_withdraw(*, actor: User, proxy: Proxy, on: date, reason: str) -> Proxy:
    """Record that the principal withdrew a proxy on `on`, for `reason`. The row stays on record
    (no longer in force): the holder's count drops and the principal may authorise someone else.
    Refused once withdrawn, without a reason, dated before the proxy was filed, and on or after
    the village's election day."""
    village = proxy.village
    check_manage(actor, village)
    entry = campaign_entry(proxy.campaign, village)
    reason = reason.strip()
    with transaction.atomic():
        # Lock the row: two clerks withdrawing the same proxy must not both succeed.
        locked = Proxy.objects.select_for_update().get(pk=proxy.pk)
        if locked.withdrawn_on is not None:
            raise ValidationError(MSG_PROXY_WITHDRAWN.format(day=cn_date(locked.withdrawn_on)))
        if not reason:
            raise ValidationError(MSG_PROXY_WITHDRAW_REASON)
        if on < proxy.filed_on:
            raise ValidationError(
                MSG_PROXY_WITHDRAW_BEFORE_FILED.format(day=cn_date(proxy.filed_on))
            )
        if entry.election_date is None:
            raise ValidationError(MSG_NO_ELECTION_DATE)
        # 民法典 第一百七十三条: the principal may cancel the agency while it is unused; the proxy
        # is used when the vote is cast on election day (村民委员会组织法(2025) 第十八条第四款),
        # so from that day on there is nothing left to withdraw. (There is no results model yet;
        # election day is the only cut-off.)
        if on >= entry.election_date:
            raise ValidationError(
                MSG_PROXY_WITHDRAW_TOO_LATE.format(day=cn_date(entry.election_date))
            )
        proxy.withdrawn_on, proxy.withdrawal_reason, proxy.withdrawn_by = on, reason, actor
        proxy.save(update_fields=["withdrawn_on", "withdrawal_reason", "withdrawn_by"])
        audit_record(
            actor=actor,
            action="voter.proxy_withdraw",
            obj=proxy,
            changes={
                "principal": proxy.principal_id,
                "holder": proxy.holder_id,
                "withdrawn_on": on.isoformat(),
                "reason": reason,
            },
        )
    return proxy
