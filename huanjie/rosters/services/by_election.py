"""By-election (补选, RULES.md V18): a seat left open filled from the figures of its poll,
counted by the engine and frozen with its hash; the winner holds the post to the end of the term."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from huanjie.audit.services import audit_record
from huanjie.elections.models import Body, Election, Post
from huanjie.elections.services import check_not_purged
from huanjie.lib.dates import cn_date
from huanjie.people.models import Person
from huanjie.polls.models import PollCandidate
from huanjie.polls.services import closing
from huanjie.rosters.models import ByElection, Cadre, EndReason, Source
from huanjie.rosters.services.terms import person_details, term_of_campaign
from huanjie.rosters.summary import summaries_refresh

if TYPE_CHECKING:
    from huanjie.accounts.models import User
from huanjie.rosters.services.common import (
    MOST_PEOPLE,
    MOST_SEATS,
    MSG_CANDIDATE,
    MSG_CANDIDATES,
    MSG_COUNT,
    MSG_DUPLICATE,
    MSG_ENGINE_BODY,
    MSG_NO_OPEN_SEAT,
    MSG_NO_POST,
    MSG_NO_RESULT,
    MSG_PERSON,
    MSG_PERSON_NAME,
    MSG_REQUIRED,
    MSG_SEX,
    MSG_TOO_MANY_SEATS,
    MSG_VOTES_NAME,
    check_roster,
    count_field,
    day_field,
    not_more,
    residents_mode,
    text_field,
)

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
            name = text_field(item.get("name"), "姓名", 50)
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
        out[name] = count_field(n, f"“{name}”的得票数")
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
    mode = residents_mode(election)
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
    check_roster(actor, entry.region_id, election)
    check_not_purged(entry.campaign)
    reason = text_field(reason, "补选原因")
    seats = count_field(seats, "补选名额", positive=True)
    if seats > MOST_SEATS:
        raise ValidationError(MSG_COUNT.format(label="补选名额", most=MOST_SEATS))
    electorate = count_field(electorate, "登记参加选举的人数", positive=True)
    voted = count_field(voted, "参加投票人数")
    ballots_issued = count_field(ballots_issued, "发出选票数")
    valid = count_field(valid, "有效票数")
    invalid = count_field(invalid, "无效票数")
    not_more(voted, "参加投票人数", electorate, "登记参加选举的人数")
    held_on = day_field(held_on, "补选日期")
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
        day_field(held_on, "补选日期", not_before=first_day, other="本届选举日")
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
        if election.body == Body.COOPERATIVE:
            raise ValidationError(MSG_ENGINE_BODY.format(body=election.get_body_display()))
        # Counted and frozen as a closed poll is (polls.services.closing.poll_close).
        output = closing.count(election, data)
        frozen = closing.frozen_input(election, data)
        row = ByElection.objects.create(
            election=election,
            post=post,
            seats=seats,
            reason=reason,
            held_on=held_on,
            engine_input=frozen,
            engine_output=output,
            engine_hash=closing.frozen_hash(frozen, output),
            recorded_by=actor,
        )
        added, moved = _seat_winners(row, in_force, people, output)
        summaries_refresh({(c.term_id, c.village_id) for c in [*added, *moved]})
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
    # The term exists: a by-election needs the certified result that made the roster.
    term = term_of_campaign(actor=None, campaign=entry.campaign, village_code=entry.region_id)
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
                term=term,
                term_number=term.number,
                campaign=entry.campaign,
                post=row.post,
                person=person,
                name=name,
                sex=candidate.sex,
                source=Source.BY_ELECTION,
                by_election=row,
                started_on=row.held_on,
                **person_details(person, term),
            )
        )
    return added, moved
