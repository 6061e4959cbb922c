"""Certified results in: the roster follows the version in force (the signal
huanjie.results.signals.version_in_force, sent by huanjie.results.services.certify)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from huanjie.audit.services import audit_record
from huanjie.polls.models import PollCandidate
from huanjie.rosters.models import Cadre, EndReason, Source
from huanjie.rosters.services.terms import person_details, term_of_campaign
from huanjie.rosters.summary import summaries_refresh

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
    term = term_of_campaign(actor=actor, campaign=entry.campaign, village_code=entry.region_id)
    added = [
        Cadre.objects.create(
            village=entry.region,
            body=election.body,
            term=term,
            term_number=term.number,
            campaign=entry.campaign,
            post=e["post"],
            person=people.get(e["name"]),
            name=e["name"],
            sex=e["sex"],
            source=Source.RESULT,
            result_version=version,
            started_on=held_on[e["poll"]],
            **person_details(people.get(e["name"]), term),
        )
        for key, e in wanted.items()
        if key not in kept
    ]
    summaries_refresh({(c.term_id, c.village_id) for c in [*current, *added]})
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
