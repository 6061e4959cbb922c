"""Reads of the roster, scoped by the village (SECURITY.md C3): a recall outside the user's
region answers 404 exactly like a missing one; an election's roster is read through
`results.selectors.access_election` first.

`roster_view` gathers what the roster page shows of one election's body for its term: the
cadres in force and those who left (with why), the seats open with what the law says of them
(huanjie.rules.acting), the recalls and the by-elections."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from huanjie.accounts.permissions import Action, get_scoped_or_404
from huanjie.elections.models import Body, Election, Post
from huanjie.elections.services import election_profile
from huanjie.rosters.models import ByElection, Cadre, Recall, RecallStatus, Term
from huanjie.rules.acting import Acting, OpenSeat, acting, by_election_term, open_seats
from huanjie.rules.acting import Term as SeatTerm
from huanjie.rules.errors import RulesError
from huanjie.rules.profiles import Profile

RECALL_FIELD = "cadre__village__code"
POST_ORDER = [p.value for p in Post]


def access_recall(user: Any, pk: int) -> Recall:
    return get_scoped_or_404(
        user,
        Recall.objects.select_related("cadre", "cadre__village", "cadre__campaign"),
        Action.VIEW_CAMPAIGNS,
        field=RECALL_FIELD,
        pk=pk,
    )


def roster_cadres(election: Election) -> QuerySet[Cadre]:
    """Every row of `election`'s body on its village's roster for the campaign's term, the
    ended ones too."""
    entry = election.village
    return Cadre.objects.filter(
        village_id=entry.region_id, body=election.body, term_number=entry.campaign.term_number
    )


def _post_key(cadre: Cadre) -> tuple[int, date, int]:
    return (POST_ORDER.index(cadre.post), cadre.started_on, cadre.pk)


def profile_of(election: Election) -> Profile | None:
    """The engine's rules of `election` (a county's own where its campaign chose them); None for
    a body the engine does not carry or a day before the earliest text it carries."""
    try:
        return election_profile(election)
    except RulesError:
        return None


def cadre_votes(cadres: list[Cadre]) -> dict[int, int]:
    """The votes each cadre was elected with, where the count says (a certified result's
    outcome, a by-election's output): cadre id → votes."""
    out: dict[int, int] = {}
    for cadre in cadres:
        if cadre.result_version is not None:
            for e in cadre.result_version.document.get("outcome", {}).get("elected", []):
                if (e["name"], e["post"]) == (cadre.name, cadre.post):
                    out[cadre.pk] = int(e.get("votes", 0))
        elif cadre.by_election is not None:
            for post in cadre.by_election.engine_output.get("posts", []):
                if post.get("post") == cadre.post and cadre.name in post.get("votes", {}):
                    out[cadre.pk] = int(post["votes"][cadre.name])
    return out


@dataclass
class Presiding:
    """The 主持 answer of the roster page: the engine's `acting` and who that is."""

    rule: Acting
    holders: list[Cadre] = field(default_factory=list)  # who may preside (the first presides)


@dataclass(frozen=True)
class OpenRow:
    """An open seat as the page shows it: the post's name and seats, and the engine's answer."""

    label: str
    total: int
    seat: OpenSeat


@dataclass
class RosterView:
    election: Election
    in_force: list[Cadre]
    ended: list[Cadre]
    seats: dict[str, int]
    open: list[OpenRow]
    presiding: Presiding | None
    term: SeatTerm | None
    recalls: list[Recall]
    by_elections: list[ByElection]
    version: Any  # the certified result version in force, or None
    notes: list[str] = field(default_factory=list)


def roster_view(election: Election) -> RosterView:
    """What the roster page shows of `election`'s body (see the module's docstring)."""
    from huanjie.results.models import Result

    rows = list(roster_cadres(election).select_related("result_version", "by_election", "person"))
    in_force = sorted((c for c in rows if c.ended_on is None), key=_post_key)
    ended = sorted((c for c in rows if c.ended_on is not None), key=lambda c: (c.ended_on, c.pk))
    seats = dict(election.posts.values_list("post", "seats"))
    result = Result.objects.filter(election=election).first()
    version = result.current() if result is not None else None
    recalls = list(
        Recall.objects.filter(cadre__in=rows)
        .select_related("cadre", "recorded_by")
        .order_by("-motion_on", "-id")
    )
    by_elections = list(ByElection.objects.filter(election=election).select_related("recorded_by"))
    view = RosterView(
        election, in_force, ended, seats, [], None, None, recalls, by_elections, version
    )
    profile = profile_of(election)
    if profile is None or version is None or election.body == Body.COOPERATIVE:
        return view
    held: dict[str, int] = {}
    for cadre in in_force:
        held[cadre.post] = held.get(cadre.post, 0) + 1
    gaps = {post: n - held.get(post, 0) for post, n in seats.items() if n > held.get(post, 0)}
    pending = {n["post"] for n in version.document.get("outcome", {}).get("pending", [])}
    labels = dict(Post.choices)
    view.open = sorted(
        (
            OpenRow(str(labels[s.post]), seats[s.post], s)
            for s in open_seats(profile, gaps, in_office=held, pending=pending)
        ),
        key=lambda row: POST_ORDER.index(row.seat.post),
    )
    view.term = by_election_term(profile)
    rule = acting(profile, held)
    if rule is not None:
        votes = cadre_votes(in_force)
        holders = [c for c in in_force if c.post == rule.post or _member_of(rule.post, c)]
        holders.sort(key=lambda c: (-votes.get(c.pk, -1), c.started_on, c.pk))
        view.presiding = Presiding(rule, holders)
    return view


def _member_of(post: str, cadre: Cadre) -> bool:
    # The women's member presides as a member would (huanjie.rules.acting).
    return post == Post.MEMBER and cadre.post == Post.WOMAN_MEMBER


def recall_open(cadre: Cadre) -> Recall | None:
    """The recall of `cadre` waiting for its vote, if any."""
    return Recall.objects.filter(cadre=cadre, status=RecallStatus.MOTION).first()


def today() -> date:
    return timezone.localdate()


# ---------------------------------------------------------------------------------------------
# Terms (届) as the pages read them.

COUNTY_CODE_LENGTH = 6


def terms_covering(code: str) -> QuerySet[Term]:
    """The terms of the counties a region code covers: its own county's for a county, a town or
    a village; every county's under a city or a province."""
    if len(code) >= COUNTY_CODE_LENGTH:
        return Term.objects.filter(county_id=code[:COUNTY_CODE_LENGTH])
    return Term.objects.filter(county__code__startswith=code)


def term_param(request: Any) -> int | None:
    """The term number a page was asked for (?term=N, digits only), None when absent or not a
    number (the page then shows its default term)."""
    text = request.GET.get("term", "")
    return int(text) if text.isascii() and text.isdigit() and 0 < len(text) < 4 else None
