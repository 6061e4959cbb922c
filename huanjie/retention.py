"""The retention purge (SECURITY.md P7; PIPL 第十九条 "保存期限应当为实现处理目的所必要的最短时间",
第四十七条): each campaign's personal data is kept until its `retention_until`; on the first
run after that day, `huanjie retention purge-expired` (hourly, deploy/systemd/huanjie-purge.service)
removes it, one campaign a transaction:

- the rows of its roll, conflicts, lists, objections, proxies, imports and members' meeting
  registrations stay with what the county counts (village, category, reasons, dates, numbers),
  and lose what names or describes a person (voters.services.retention, party.services);
- so do its nominations, 两述, 公示 objections and candidate lists (nomination.retention), its
  election committees (committees.retention) and its joint review, whose findings' notes and
  sealed attachments (files under VAR_DIR/review) go (review.retention), and its polls'
  check-in registers, attendance, mobile-box lists and staff (polls.retention; the frozen counts
  stay, as do the certified results, their versions and the signed tally sheets: the election's
  archive);
- its schedule's notes and election-day reasons (progress.retention), and what names or
  describes a person in its ledgers (ledgers.retention: intended candidates, responsible
  leaders, audited cadres, free text) and in its inspections, petitions and training
  (oversight.retention: petitioners, attendees, free text); the items stay and still count;
- each person it names (roll, nominations, committees, reviews, poll staff) whom nothing still kept names
  (no campaign within its end date, no Party member, no post in force on a roster, no running
  deprivation of political rights) is erased: the ID's ciphertext and lookup
  hash, the name, the household (people.services.people_erase). Whoever a kept campaign still
  names keeps everything;
- the campaign is marked purged (elections.services.campaign_mark_purged): audited, and
  read-only from then on, so a second run does nothing.

Each app does its own tables; this module, above them all as `huanjie backup` is, only calls
them in order (the apps may not import each other: tests/test_layers.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from huanjie.committees.retention import (
    committees_personal_data_purge,
    named_by_committees,
    named_by_kept_committees,
)
from huanjie.elections.models import Campaign
from huanjie.elections.services import campaign_mark_purged, campaigns_due_for_purge
from huanjie.ledgers.retention import ledgers_personal_data_purge
from huanjie.nomination.retention import (
    named_by_kept_nominations,
    named_by_nomination,
    nomination_personal_data_purge,
)
from huanjie.oversight.retention import oversight_personal_data_purge
from huanjie.party.services import kept_by_party, party_personal_data_purge
from huanjie.people.models import Person
from huanjie.people.services import people_erase
from huanjie.polls.retention import (
    named_by_kept_polls,
    named_by_polls,
    polls_personal_data_purge,
)
from huanjie.progress.retention import schedule_personal_data_purge
from huanjie.results.retention import public_checks_prune
from huanjie.review.retention import (
    named_by_kept_reviews,
    named_by_reviews,
    review_personal_data_purge,
)
from huanjie.rosters.retention import kept_by_roster
from huanjie.voters.services.retention import (
    named_by_kept_rolls,
    named_by_roll,
    roll_personal_data_purge,
)


@dataclass(frozen=True)
class Purged:
    campaign: Campaign
    counts: dict[str, int]


def campaign_personal_data_purge(campaign: Campaign, today: date) -> Purged | None:
    """Purge one campaign past its end date, in one transaction; None when it is not due (any
    more): another run got there first, or its end date was moved."""
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        if locked is None or locked.purged or locked.retention_until >= today:
            return None
        # The people first: who the roll names is read from the rows about to be blanked.
        people = (
            Person.objects.filter(
                named_by_roll(locked)
                | named_by_nomination(locked)
                | named_by_committees(locked)
                | named_by_reviews(locked)
                | named_by_polls(locked)
            )
            .exclude(named_by_kept_rolls(today))
            .exclude(named_by_kept_nominations(today))
            .exclude(named_by_kept_committees(today))
            .exclude(named_by_kept_reviews(today))
            .exclude(named_by_kept_polls(today))
            .exclude(kept_by_party())
            .exclude(kept_by_roster())
        )
        erased = people_erase(people=people, today=today)
        counts = {
            **roll_personal_data_purge(locked),
            **party_personal_data_purge(locked),
            **nomination_personal_data_purge(locked),
            **committees_personal_data_purge(locked),
            **review_personal_data_purge(locked),
            **polls_personal_data_purge(locked),
            **schedule_personal_data_purge(locked),
            **ledgers_personal_data_purge(locked),
            **oversight_personal_data_purge(locked),
            "people_erased": erased,
        }
        campaign_mark_purged(campaign=locked, today=today, counts=counts)
    return Purged(locked, counts)


def purge_expired(today: date | None = None) -> list[Purged]:
    """Purge every campaign past its end date and not purged yet (the hourly job); the public
    result check's rate rows older than a day go too (results.retention)."""
    today = today or timezone.localdate()
    public_checks_prune(timezone.now())
    done = []
    for campaign in list(campaigns_due_for_purge(today)):
        purged = campaign_personal_data_purge(campaign, today)
        if purged is not None:
            done.append(purged)
    return done
