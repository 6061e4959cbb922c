"""Closing a poll: the one adapter between the count's rows and the election-law engine.

`poll_file(poll)` builds the engine's input (the poll file of docs/tally-format.md) from exactly
what was entered: the posts and printed candidates, the winners of the election's earlier polls,
the electorate fixed when voting opened, those who received a ballot, the ballots issued, and the
agreed count of every box (ballot by ballot where it was read that way, the sheet's totals
otherwise; a mobile box apart, with its listed voters). `poll_close` runs the numbered checks
(huanjie.rules.count_checks: an error blocks, a warning needs a written explanation), runs the
engine, stores input and output frozen with the SHA-256 of both, and creates what the engine
says comes next: a run-off among the tied, a supplementary poll (另行选举) for the open seats with
its candidates, a women-only poll for the women's seat. A rehearsal's polls stay rehearsals.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from huanjie.accounts.models import User
from huanjie.accounts.permissions import Action
from huanjie.audit.services import audit_record
from huanjie.elections.models import Body, Election, Post
from huanjie.polls.models import (
    CheckExplanation,
    CountSheet,
    Meeting,
    Poll,
    PollCandidate,
    PollKind,
    PollStatus,
    SheetStatus,
)
from huanjie.polls.services.lifecycle import _create, check_action, poll_move, poll_profile
from huanjie.rules import PollFileError, poll_from_json
from huanjie.rules.errors import RulesError
from huanjie.rules.tally import tally

MSG_NOT_COUNTING = "只有计票中的投票才能结束"
MSG_NO_SHEETS = "票箱“{box}”还没有计票结果报告单"
MSG_SHEET_OPEN = "“{sheet}”尚未核对一致"
MSG_CHECK = "{code} {message}"
MSG_UNEXPLAINED = "{code} {message}（须填写说明后才能结束投票）"
MSG_ENGINE = "计票数据有误：{field}：{message}"
MSG_ENGINE_RULES = "计票数据有误：{message}"
MSG_EXPLAIN_EMPTY = "请填写说明"
MSG_EXPLAIN_UNKNOWN = "没有需要说明的预警“{code}”"

POST_ORDER = [p.value for p in Post]


def engine_version() -> str:
    try:
        return version("huanjie")
    except PackageNotFoundError:  # pragma: no cover - a source tree without metadata
        return "0"


def canonical(data: Any) -> str:
    """One spelling of a JSON value: sorted keys, no spaces, UTF-8 as is (the hash's input)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def frozen_hash(engine_input: dict[str, Any], engine_output: dict[str, Any]) -> str:
    return hashlib.sha256(
        canonical({"input": engine_input, "output": engine_output}).encode("utf-8")
    ).hexdigest()


# ---------------------------------------------------------------------------------------------
# The poll file.


def chain(poll: Poll) -> list[Poll]:
    """The election's closed, valid polls before `poll` (rehearsals with rehearsals)."""
    return list(
        Poll.objects.filter(
            election_id=poll.election_id,
            rehearsal=poll.rehearsal,
            status=PollStatus.CLOSED,
            number__lt=poll.number,
        ).order_by("number")
    )


def elected_before(poll: Poll) -> list[dict[str, str]]:
    """Who the election's earlier polls elected, with their post and sex (from those polls'
    frozen input)."""
    return winners((p.engine_input or {}, p.engine_output or {}) for p in chain(poll))


def winners(polls: Iterable[tuple[dict[str, Any], dict[str, Any]]]) -> list[dict[str, str]]:
    """Who the given polls elected ((frozen input, output) of each, in order), with their post
    and sex: the `elected_before` of the poll after them. A poll declared invalid elected
    nobody. A correction (results.services.corrections) passes the polls as it corrected them."""
    out: list[dict[str, str]] = []
    for frozen, result in polls:
        if not result.get("valid"):
            continue
        sexes = _sexes(frozen.get("poll_file", {}))
        for post in result.get("posts", []):
            for name in post.get("elected", []):
                out.append({"name": name, "sex": sexes.get(name, "M"), "post": post["post"]})
    return out


def _sexes(poll_json: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for key in ("people", "candidates", "elected_before"):
        for person in poll_json.get(key, []):
            found[person["name"]] = person["sex"]
    return found


def box_figures(poll: Poll) -> dict[int, dict[str, Any]]:
    """The agreed figures of every box whose sheets all agree, its counting groups added up
    (polls.services.entry.poll_figures); a box not agreed yet is left out (closing refuses
    it)."""
    from huanjie.polls.services.entry import poll_figures

    return {box: f for box, f in poll_figures(poll).items() if f is not None}


def _write_in_people(poll: Poll, names: set[str]) -> list[dict[str, str]]:
    """Write-ins named on the ballots, with their sex where exactly one person of that name is on
    the village's roll (the women's seat needs it; TALLY_FORMAT: an unknown write-in counts as a
    man)."""
    if not names:
        return []
    from huanjie.voters.models import VoterRegistration

    entry = poll.election.village
    found: dict[str, set[str]] = defaultdict(set)
    rows = VoterRegistration.objects.filter(
        campaign_id=entry.campaign_id,
        village_id=entry.region_id,
        active=True,
        person__name__in=names,
    ).values_list("person__name", "person__sex")
    for name, sex in rows:
        found[name].add(sex)
    return [
        {"name": name, "sex": next(iter(found[name]))}
        for name in sorted(names)
        if len(found.get(name, ())) == 1
    ]


def voted_count(poll: Poll) -> int:
    """Those who took part: voters who received a ballot (proxies counted for their principals),
    or Party members present."""
    if poll.election.body == Body.PARTY:
        return poll.attendance.filter(undone_at__isnull=True).count()
    return poll.check_ins.filter(undone_at__isnull=True).count()


def poll_file(
    poll: Poll,
    figures: Mapping[int, Mapping[str, Any]] | None = None,
    before: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The engine's input for `poll`, built from its rows (docs/tally-format.md): the agreed
    figures of its boxes (`figures`, box id → a count sheet's figures; by default
    `box_figures(poll)`) and the winners of the election's earlier polls (`before`; by default
    `elected_before(poll)`). A correction passes the boxes' figures and the earlier winners
    of the version in force with its corrected boxes in them."""
    election = poll.election
    campaign = election.village.campaign
    posts = list(poll.posts.order_by("position"))
    candidates = list(
        PollCandidate.objects.filter(poll_post__poll=poll).select_related("poll_post")
    )
    data: dict[str, Any] = {
        "body": election.body,
        "province": campaign.rule_province,
        "election_date": poll.held_on.isoformat(),
        "poll": poll.kind,
        "posts": [
            {"post": p.post, "seats": p.seats, **({"women_only": True} if p.women_only else {})}
            for p in posts
        ],
        "candidates": [
            {"name": c.name, "sex": c.sex, "post": c.poll_post.post}
            for c in sorted(candidates, key=lambda c: (c.poll_post.position, c.position))
        ],
        "electorate": poll.electorate or 0,
        "voted": voted_count(poll),
        "ballots_issued": sum(b.issued for b in poll.boxes.all()),
    }
    if election.body == Body.RESIDENTS and poll.mode:
        data["mode"] = poll.mode
    if election.body == Body.PARTY and poll.mode == Meeting.COMMITTEE:
        data["meeting"] = "committee"
    if poll.committee_seats:
        data["committee_seats"] = poll.committee_seats
    before = elected_before(poll) if before is None else before
    if data.get("meeting") == "committee":
        # 中国共产党基层组织选举工作条例 (RULES.md P12): the first plenary elects the
        # secretary from the members just elected: they are its candidates, not winners of
        # its posts (the engine refuses a name twice).
        before = []
    if before:
        data["elected_before"] = before
    figures = box_figures(poll) if figures is None else figures
    printed = {c.name for c in candidates} | {b["name"] for b in before}
    written: set[str] = set()
    ballots: list[dict[str, Any]] = []
    counted: dict[str, Any] = {"valid": 0, "invalid": 0, "votes": {}}
    boxes: list[dict[str, Any]] = []
    for box in poll.boxes.order_by("position", "id"):
        f = figures.get(box.pk)
        if f is None:
            continue
        for by_name in (f.get("votes") or {}).values():
            written |= {name for name in by_name if name not in printed}
        if box.mobile:
            entry = {"box": box.name, "listed": box.listed.count()}
            if f.get("ballots") is not None:
                entry["ballots"] = f["ballots"]
            else:
                entry["counted"] = _counted(f)
            boxes.append(entry)
        elif f.get("ballots") is not None:
            ballots.extend(f["ballots"])
        else:
            part = _counted(f)
            counted["valid"] += part["valid"]
            counted["invalid"] += part["invalid"]
            for post, by_name in part["votes"].items():
                target = counted["votes"].setdefault(post, {})
                for name, n in by_name.items():
                    target[name] = target.get(name, 0) + n
    data["ballots"] = ballots
    if counted["valid"] or counted["invalid"]:
        data["counted"] = counted
    if boxes:
        data["boxes"] = boxes
    people = _write_in_people(poll, written)
    if people:
        data["people"] = people
    return data


def _counted(figures: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "valid": int(figures.get("valid", 0)),
        "invalid": int(figures.get("invalid", 0)),
        "votes": {
            post: {name: int(n) for name, n in by_name.items() if int(n)}
            for post, by_name in (figures.get("votes") or {}).items()
        },
    }


# ---------------------------------------------------------------------------------------------
# The numbered checks.


def poll_findings(poll: Poll) -> list[Any]:
    """The findings of the numbered check catalogue on the poll's entered figures."""
    from huanjie.polls.services.checks import findings_for

    return findings_for(poll)


def _explained(poll: Poll) -> set[tuple[str, str]]:
    return set(CheckExplanation.objects.filter(poll=poll).values_list("code", "box"))


def closing_problems(poll: Poll) -> list[str]:
    """Why `poll` cannot be closed yet (none: it can)."""
    if poll.status != PollStatus.COUNTING:
        return [MSG_NOT_COUNTING]
    problems: list[str] = []
    sheets = list(CountSheet.objects.filter(poll=poll).select_related("box"))
    with_sheets = {s.box_id for s in sheets}
    for box in poll.boxes.order_by("position", "id"):
        if box.issued and box.pk not in with_sheets:
            problems.append(MSG_NO_SHEETS.format(box=box.name))
    for sheet in sheets:
        if sheet.status != SheetStatus.AGREED:
            problems.append(MSG_SHEET_OPEN.format(sheet=sheet))
    if problems:
        return problems
    explained = _explained(poll)
    for finding in poll_findings(poll):
        if finding.level == "error":
            problems.append(MSG_CHECK.format(code=finding.code, message=finding.message))
        elif (finding.code, finding.box or "") not in explained:
            problems.append(MSG_UNEXPLAINED.format(code=finding.code, message=finding.message))
    return problems


def check_explain(*, actor: User, poll: Poll, code: str, box: str = "", text: str) -> Any:
    """A written explanation that lets warning `code` (of `box`) pass."""
    check_action(actor, poll, Action.COORDINATE_COUNT)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": MSG_EXPLAIN_EMPTY})
    if poll.status != PollStatus.COUNTING:
        raise ValidationError(MSG_NOT_COUNTING)
    warnings = {(f.code, f.box or "") for f in poll_findings(poll) if f.level == "warning"}
    if (code, box or "") not in warnings:
        raise ValidationError(MSG_EXPLAIN_UNKNOWN.format(code=code))
    with transaction.atomic():
        row, _ = CheckExplanation.objects.update_or_create(
            poll=poll, code=code, box=box or "", defaults={"text": text[:500], "by": actor}
        )
        audit_record(
            actor=actor,
            action="poll.check_explain",
            obj=poll,
            changes={"code": code, "box": box, "text": text[:500]},
        )
    return row


# ---------------------------------------------------------------------------------------------
# Closing.


def count(election: Election, data: dict[str, Any]) -> dict[str, Any]:
    """The engine's output for the poll file `data` of `election`, under the election's own
    profile: the engine builds it from the file itself (body, province, day, mode, meeting);
    only a county's own rules, which the file cannot name, are handed over."""
    from huanjie.elections.rule_profiles import county_profile

    profile = county_profile(election.village, election.body)
    try:
        result = tally(poll_from_json(data), profile=profile)
    except PollFileError as exc:
        raise ValidationError(MSG_ENGINE.format(field=exc.field, message=exc.message)) from None
    except RulesError as exc:
        raise ValidationError(MSG_ENGINE_RULES.format(message=exc)) from None
    return result.to_json()


def run_engine(poll: Poll, data: dict[str, Any]) -> dict[str, Any]:
    """`count` for a poll of a body the engine counts."""
    poll_profile(poll)  # a body the engine counts
    return count(poll.election, data)


def frozen_input(election: Election, data: dict[str, Any]) -> dict[str, Any]:
    """What a count freezes as its input: the poll file, the engine's version, and a county's
    own rules where the count applied them (`count`): the file cannot name them."""
    from huanjie.elections.rule_profiles import county_profile

    frozen: dict[str, Any] = {"poll_file": data, "engine": engine_version()}
    rule = election.village.campaign.rule_profile
    if rule is not None and county_profile(election.village, election.body) is not None:
        frozen["county_profile"] = {
            "name": rule.name,
            "version": rule.version,
            "law": rule.law,
            "measure": rule.measure,
            "parameters": rule.parameters,
        }
    return frozen


def _following(poll: Poll, output: dict[str, Any], data: dict[str, Any]) -> list[Poll]:
    """Create the polls the engine's `next` asks for: one per kind (and women-only apart), in
    set-up, following `poll`, with their candidates (persons where they were printed)."""
    persons = {
        c.name: (c.person, c.sex)
        for c in PollCandidate.objects.filter(poll_post__poll__election=poll.election)
    }
    sexes = _sexes(data)
    groups: dict[tuple[str, bool], list[dict[str, Any]]] = defaultdict(list)
    for item in output.get("next", []):
        groups[(item["poll"], bool(item.get("women_only")))].append(item)
    made: list[Poll] = []
    for (kind, women_only), items in groups.items():
        items.sort(key=lambda i: POST_ORDER.index(i["post"]))
        posts = []
        for item in items:
            people = []
            for name in item["candidates"]:
                person, sex = persons.get(name, (None, sexes.get(name, "M")))
                people.append((person, name, sex))
            posts.append(
                (item["post"], item["seats"], women_only and item["post"] != "woman_member", people)
            )
        label = {
            "runoff": "票数相等，就票数相等的人再次投票",
            "supplementary": "当选人数不足应选名额，另行选举",
        }.get(kind, "投票无效，重新投票")
        made.append(
            _create(
                actor=poll.closed_by,  # type: ignore[arg-type]
                election=poll.election,
                kind=kind if kind in PollKind.values else PollKind.FIRST,
                rehearsal=poll.rehearsal,
                held_on=timezone.localdate() if poll.rehearsal else poll.held_on,
                posts=posts,
                follows=poll,
                mode=poll.mode,
                committee_seats=poll.committee_seats,
                note=label + ("（限选妇女）" if women_only else ""),
            )
        )
    return made


def poll_close(*, actor: User, poll: Poll) -> Poll:
    """Close `poll`: the checks, then the engine on exactly what was entered; input and output
    frozen with their SHA-256; the following polls created as the engine says."""
    check_action(actor, poll, Action.COORDINATE_COUNT)
    problems = closing_problems(poll)
    if problems:
        raise ValidationError(problems)
    data = poll_file(poll)
    output = run_engine(poll, data)
    frozen = frozen_input(poll.election, data)
    digest = frozen_hash(frozen, output)
    with transaction.atomic():
        poll_move(
            actor=actor,
            poll=poll,
            to=PollStatus.CLOSED,
            event="poll.close",
            action=Action.COORDINATE_COUNT,
            guard=lambda p: [],
            fields={
                "engine_input": frozen,
                "engine_output": output,
                "engine_hash": digest,
                "closed_at": timezone.now(),
                "closed_by": actor,
            },
        )
        following = _following(poll, output, data)
        audit_record(
            actor=actor,
            action="poll.result",
            obj=poll,
            changes={
                "hash": digest,
                "valid": output.get("valid"),
                "elected": output.get("elected"),
                "next": [f"{p.pk}:{p.kind}" for p in following],
            },
        )
    return poll
