"""What a death or a loss of political rights (recorded on the person: voters.status) does to
the rolls: the registration removed before the list is published, flagged after; and undone
when the record is corrected."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from huanjie.accounts.models import User
from huanjie.audit.services import audit_record
from huanjie.elections.models import CampaignVillage
from huanjie.people.models import Person
from huanjie.voters.models import (
    ChangeReason,
    VoterRegistration,
)
from huanjie.voters.services.registrations import first_publication, registration_deactivate

FLAG_DIED_AFTER_PUBLICATION = "名单公布后登记为死亡，请按程序处理"
FLAG_DEPRIVED_AFTER_PUBLICATION = "名单公布后登记为被剥夺政治权利，请按程序处理"
FLAG_RIGHTS_BACK = "人员库记录选举日已不在剥夺政治权利期间，如符合登记条件请重新登记"
FLAG_STATUS_CORRECTED = "人员变动登记已更正，请核实是否恢复登记"
FLAG_STATUS_FLAG_CORRECTED = "人员变动登记已更正，以下待核实事项不再成立，请核实"


@dataclass(frozen=True)
class Touched:
    """One registration a recorded status changed: removed for `reason`, or given `flag`."""

    registration: VoterRegistration
    reason: str = ""
    flag: str = ""


@dataclass(frozen=True)
class StatusEffects:
    touched: tuple[Touched, ...] = ()

    @property
    def removed(self) -> int:
        return sum(1 for t in self.touched if t.reason)

    @property
    def flagged(self) -> int:
        return sum(1 for t in self.touched if t.flag)


@dataclass(frozen=True)
class StatusUndone:
    restored: int = 0
    unflagged: int = 0
    flagged: int = 0


def _flag(*, actor: User, registration: VoterRegistration, text: str) -> bool:
    """Put `text` in front of the registration's flag (once); audited. False when it was there."""
    if text in registration.flag:
        return False
    old = registration.flag
    registration.flag = (f"{text}；{old}" if old else text)[:200]
    registration.save(update_fields=["flag"])
    audit_record(
        actor=actor,
        action="voter.flag",
        obj=registration,
        changes={"village": registration.village_id, "flag": text},
    )
    return True


def _unflag(*, actor: User, registration: VoterRegistration, text: str) -> bool:
    """Take `text` out of the registration's flag; audited. False when it is not there."""
    parts = registration.flag.split("；")
    if text not in parts:
        return False
    parts.remove(text)
    registration.flag = "；".join(parts)
    registration.save(update_fields=["flag"])
    audit_record(
        actor=actor,
        action="voter.unflag",
        obj=registration,
        changes={"village": registration.village_id, "flag": text},
    )
    return True


def _reactivate(*, actor: User, registration: VoterRegistration, why: str) -> None:
    """Undo a removal: the registration is on the roll again as it was (category, group and the
    reason it was added unchanged). Audited with the removal it undoes."""
    old = registration.removed_reason
    registration.active, registration.removed_reason = True, ""
    registration.save(update_fields=["active", "removed_reason"])
    audit_record(
        actor=actor,
        action="voter.restore",
        obj=registration,
        changes={"village": registration.village_id, "removed_reason": old, "why": why},
    )


def _election_days(registrations: list[VoterRegistration]) -> dict[tuple[int, str], date | None]:
    """The election day of each (campaign, village) of these registrations, in one query."""
    return {
        (c, r): d
        for c, r, d in CampaignVillage.objects.filter(
            campaign_id__in={r.campaign_id for r in registrations},
            region_id__in={r.village_id for r in registrations},
        ).values_list("campaign_id", "region_id", "election_date")
    }


def registrations_apply_status(*, actor: User, person: Person) -> StatusEffects:
    """Bring every roll the person is on in line with the death or the deprivation of political
    rights just recorded on them, judged on each village's election day (today where none is set
    yet). Call inside the transaction that recorded the status (people.status does).

    - an active registration of someone dead, or deprived (村民委员会组织法(2025) 第十六条;
      刑法 第五十四条), on that day is removed "died" / "lost_rights" through the one removal
      path (audited) while the village's list is unpublished; once published the roll is frozen
      (第十七条: it changes only through objections), so the registration is flagged for the
      election committee instead;
    - a registration removed "lost_rights" whose person is no longer deprived that day (a
      restoration) is flagged, before publication, for a person to register them again.

    Every campaign's roll follows, whoever's scope it lies in: the fact is about the person (an
    incomer's hukou county records the death), and a dead voter is wrong on any roll. Each change
    is audited under the recording user."""
    registrations = list(
        # A campaign whose personal data was removed is read-only (SECURITY.md P7).
        VoterRegistration.objects.filter(person=person, campaign__personal_data_purged_on=None)
        .select_related("campaign", "village")
        .order_by("campaign_id", "id")
    )
    if not registrations:
        return StatusEffects()
    days = _election_days(registrations)
    today = timezone.localdate()
    touched: list[Touched] = []
    for reg in registrations:
        day = days.get((reg.campaign_id, reg.village_id)) or today
        if reg.active:
            if not person.alive_on(day):
                reason, text = ChangeReason.DIED, FLAG_DIED_AFTER_PUBLICATION
            elif person.deprived_on(day):
                reason, text = ChangeReason.LOST_RIGHTS, FLAG_DEPRIVED_AFTER_PUBLICATION
            else:
                continue
            if first_publication(reg.campaign, reg.village) is None:
                registration_deactivate(actor=actor, registration=reg, reason=reason)
                touched.append(Touched(reg, reason=reason))
            elif _flag(actor=actor, registration=reg, text=text):
                touched.append(Touched(reg, flag=text))
        elif (
            reg.removed_reason == ChangeReason.LOST_RIGHTS
            and person.alive_on(day)
            and not person.deprived_on(day)
            and first_publication(reg.campaign, reg.village) is None
            and _flag(actor=actor, registration=reg, text=FLAG_RIGHTS_BACK)
        ):
            touched.append(Touched(reg, flag=FLAG_RIGHTS_BACK))
    return StatusEffects(tuple(touched))


def registrations_undo_status(
    *, actor: User, person: Person, touched: Iterable[Touched]
) -> StatusUndone:
    """Undo what a recorded status did to the rolls (`touched`, as registrations_apply_status
    returned it), the person's record having been put back first. Call inside the transaction
    that corrects the record (people.status.person_status_correct does). Each village is judged
    on its election day (today where none is set), as the recording was:

    - a registration it removed goes back on the roll (audited "voter.restore") while the
      village's list is unpublished, if what remains on record does not exclude the person on
      that day (村民委员会组织法(2025) 第十六条: dead, or deprived of political rights) and they
      hold no other active registration in the campaign (第十六条: one village a campaign).
      Otherwise, and always once the list is published (第十七条: the roll then changes only
      through objections), it is flagged FLAG_STATUS_CORRECTED for a person to decide;
    - a flag it added is taken off while the list is unpublished: it asked for work that is now
      wrong, and nothing has been published on it. Once published, the committee may already
      be acting on it, so it stays, with FLAG_STATUS_FLAG_CORRECTED put in front.

    A registration handled by someone since (registered again, the flag cleared) is left as it
    is; one removed again for another reason is flagged."""
    items = list(touched)
    if not items:
        return StatusUndone()
    registrations = {
        r.pk: r
        for r in VoterRegistration.objects.select_for_update(of=("self",))
        .filter(pk__in=[t.registration.pk for t in items])
        .select_related("campaign", "village")
    }
    days = _election_days(list(registrations.values()))
    today = timezone.localdate()
    restored = unflagged = flagged = 0
    for item in items:
        reg = registrations[item.registration.pk]
        if reg.campaign.purged:  # read-only since its personal data was removed (P7)
            continue
        day = days.get((reg.campaign_id, reg.village_id)) or today
        published = first_publication(reg.campaign, reg.village) is not None
        if item.reason:
            if reg.active:
                continue
            elsewhere = VoterRegistration.objects.filter(
                campaign_id=reg.campaign_id, person=person, active=True
            ).exists()
            if (
                not published
                and reg.removed_reason == item.reason
                and person.alive_on(day)
                and not person.deprived_on(day)
                and not elsewhere
            ):
                _reactivate(actor=actor, registration=reg, why="status_corrected")
                restored += 1
            elif _flag(actor=actor, registration=reg, text=FLAG_STATUS_CORRECTED):
                flagged += 1
        elif item.flag in reg.flag.split("；"):
            if not published:
                _unflag(actor=actor, registration=reg, text=item.flag)
                unflagged += 1
            elif _flag(actor=actor, registration=reg, text=FLAG_STATUS_FLAG_CORRECTED):
                flagged += 1
    return StatusUndone(restored, unflagged, flagged)
