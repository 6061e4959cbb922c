"""Terms (届): a county's term with its reference date, found or made for a campaign or an
import, and what a cadre row carries of its person (birth date, age at the reference date,
ethnicity, political status)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction

from huanjie.accounts.permissions import Action, audit_denied, can, in_scope
from huanjie.audit.services import audit_record
from huanjie.elections.models import Campaign
from huanjie.lib.dates import cn_date
from huanjie.party.models import MemberStatus, PartyMember
from huanjie.people.models import Person
from huanjie.regions.models import Region
from huanjie.rosters.models import Cadre, Term
from huanjie.rosters.summary import summary_refresh
from huanjie.rules.voters import age_on

if TYPE_CHECKING:
    from huanjie.accounts.models import User

COUNTY_CODE_LENGTH: Final = 6

MSG_OTHER_DATE: Final = (
    "{county}第{number}届的基准日期已定为{day}，与填写的{given}不一致；"
    "如需更改，请由县级在届次设置中修改"
)
MSG_NOT_COUNTY: Final = "“{code}”不是县级区划"
MSG_NOT_ALLOWED: Final = "无权修改该县的届次设置"


def county_of(code: str) -> Region:
    """The county a region code lies in (itself for a county)."""
    county = Region.objects.filter(code=code[:COUNTY_CODE_LENGTH]).first()
    if county is None or county.level != Region.Level.COUNTY:
        raise ValidationError(MSG_NOT_COUNTY.format(code=code[:COUNTY_CODE_LENGTH]))
    return county


def term_get_or_create(
    *,
    actor: User | None,
    county: Region,
    number: int,
    reference_date: date,
    campaign: Campaign | None = None,
) -> Term:
    """The county's term `number`, made with `reference_date` when new; a different date for a
    term that exists is refused (ages would change under every report already sent)."""
    term = Term.objects.filter(county=county, number=number).first()
    if term is not None:
        if term.reference_date != reference_date:
            raise ValidationError(
                MSG_OTHER_DATE.format(
                    county=county.display_name,
                    number=number,
                    day=cn_date(term.reference_date),
                    given=cn_date(reference_date),
                )
            )
        return term
    with transaction.atomic():
        term = Term.objects.create(
            county=county, number=number, reference_date=reference_date, campaign=campaign
        )
        audit_record(
            actor=actor,
            action="roster.term_create",
            obj=term,
            changes={
                "county": county.code,
                "number": number,
                "reference_date": reference_date.isoformat(),
                "campaign": campaign.pk if campaign else None,
            },
        )
    return term


def term_of_campaign(*, actor: User | None, campaign: Campaign, village_code: str) -> Term:
    """The term a campaign elects in a village's county: its number, dated by the campaign's
    last day (its completion date), or the term as the county already set it."""
    county = county_of(village_code)
    term = Term.objects.filter(county=county, number=campaign.term_number).first()
    if term is not None:
        return term
    return term_get_or_create(
        actor=actor,
        county=county,
        number=campaign.term_number,
        reference_date=campaign.window_end,
        campaign=campaign,
    )


def term_set_reference_date(*, actor: User, term: Term, reference_date: date) -> Term:
    """Change a term's reference date and recount every age on its roster: the county's own
    decision (the campaign's completion date is the county's)."""
    if not can(actor, Action.MANAGE_CAMPAIGNS) or not in_scope(actor, term.county_id):
        audit_denied(actor, Action.MANAGE_CAMPAIGNS, obj=term)
        raise ValidationError(MSG_NOT_ALLOWED)
    with transaction.atomic():
        term = Term.objects.select_for_update().get(pk=term.pk)
        before = term.reference_date
        term.reference_date = reference_date
        term.save(update_fields=["reference_date"])
        cadres = list(Cadre.objects.filter(term=term, birth_date__isnull=False))
        for cadre in cadres:
            assert cadre.birth_date is not None
            cadre.age = age_on(cadre.birth_date, reference_date)
        Cadre.objects.bulk_update(cadres, ["age"], batch_size=2000)
        # Every village: the ages and what counts as at the date (a row ended between the
        # two dates, a by-election held between them).
        summary_refresh(term=term)
        audit_record(
            actor=actor,
            action="roster.term_date",
            obj=term,
            changes={
                "reference_date": [before.isoformat(), reference_date.isoformat()],
                "ages_recounted": len(cadres),
            },
        )
    return term


def person_details(person: Person | None, term: Term) -> dict[str, Any]:
    """What a cadre row carries of its person: birth date and the age at the term's reference
    date, ethnicity, and the political status the Party roll shows (a member of a branch is
    中共党员, a probationary one 中共预备党员; otherwise unknown until the town fills it)."""
    if person is None:
        return {}
    details: dict[str, Any] = {
        "birth_date": person.birth_date,
        "age": age_on(person.birth_date, term.reference_date),
        "ethnicity": person.ethnicity,
    }
    statuses = set(PartyMember.objects.filter(person=person).values_list("status", flat=True))
    if statuses:
        only_probationary = statuses == {MemberStatus.PROBATIONARY}
        details["political_status"] = "02" if only_probationary else "01"
    return details
