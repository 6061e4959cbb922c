"""The numbered checks of the count (huanjie.rules.count_checks, docs/count-checks.md) on what
was entered for a poll: each box's agreed figures (its counting groups added up), the votes per
post, and what they are compared with — the village's usual turnout and invalid-ballot rate,
the proxies published for the village and those recorded at check-in."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from huanjie.polls.models import Poll
from huanjie.polls.services.closing import box_figures, voted_count
from huanjie.polls.services.lifecycle import poll_profile
from huanjie.rules.count_checks import (
    BoxCount,
    CountContext,
    CountFigures,
    Finding,
    PostCount,
    Rate,
    count_checks,
)


def _proxies_published(poll: Poll) -> int:
    from huanjie.voters.models import Proxy

    entry = poll.election.village
    return Proxy.objects.filter(
        campaign_id=entry.campaign_id, village_id=entry.region_id, withdrawn_on__isnull=True
    ).count()


def figures_for(
    poll: Poll, figures: Mapping[int, Mapping[str, Any]] | None = None
) -> tuple[CountFigures, CountContext]:
    """The engine's view of the entered figures of `poll` (boxes whose sheets all agree), or of
    `figures` by box id in their place (a result's correction)."""
    figures = box_figures(poll) if figures is None else figures
    boxes: list[BoxCount] = []
    votes: dict[str, Counter[str]] = {}
    for box in poll.boxes.order_by("position", "id"):
        f: Mapping[str, Any] | None = figures.get(box.pk)
        if f is None:
            continue
        boxes.append(
            BoxCount(
                box=box.name,
                issued=box.issued,
                returned=int(f.get("returned", 0)),
                valid=int(f.get("valid", 0)),
                invalid=int(f.get("invalid", 0)),
                blank=int(f.get("blank", 0)),
                spoiled=int(f.get("spoiled", 0)),
                replaced=int(f.get("replaced", 0)),
                mobile=box.mobile,
                listed=box.listed.count() if box.mobile else None,
            )
        )
        for post, by_name in (f.get("votes") or {}).items():
            votes.setdefault(post, Counter()).update({n: int(v) for n, v in by_name.items()})
    posts = tuple(
        PostCount(p.post, p.seats, tuple(sorted(votes.get(p.post, Counter()).items())))
        for p in poll.posts.order_by("position")
    )
    counted = CountFigures(
        electorate=poll.electorate or 0, voted=voted_count(poll), boxes=tuple(boxes), posts=posts
    )
    context = CountContext(
        usual_turnout=Rate(poll.usual_turnout, 1000) if poll.usual_turnout is not None else None,
        usual_invalid=Rate(poll.usual_invalid, 1000) if poll.usual_invalid is not None else None,
        proxies_published=_proxies_published(poll),
        proxies_recorded=poll.check_ins.filter(
            undone_at__isnull=True, by_proxy__isnull=False
        ).count(),
    )
    return counted, context


def findings_for(
    poll: Poll, figures: Mapping[int, Mapping[str, Any]] | None = None
) -> list[Finding]:
    counted, context = figures_for(poll, figures)
    if not counted.boxes:
        return []
    return list(count_checks(counted, poll_profile(poll), context))
