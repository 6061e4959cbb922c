"""The hall's big screen (大屏): the per-poll display links the town issues and revokes, and what
the screen shows through one (`hall_state`).

A display link is the only key to the screen: whoever holds its URL sees the running count of
that poll, without a login (the count is public by law: 村民委员会组织法(2025) 第十八条 "公开计
票，当场公布选举结果"). So only the town's or the county's staff issue one (a village clerk, who
runs the count, does not hand out its keys), the token is shown once and only its SHA-256 is
stored, and a revoked link answers 404 at once. What goes through it is names and counts only:
no ID number, no voter, no staff member.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from huanjie.accounts.models import User
from huanjie.accounts.permissions import Action, audit_denied
from huanjie.audit.services import audit_record
from huanjie.elections.services import check_not_purged
from huanjie.polls.models import DisplayLink, Poll, PollStatus
from huanjie.polls.services import entry
from huanjie.polls.services.lifecycle import check_action

MSG_LEVEL: Final = "大屏链接只能由乡镇或县级工作人员发放和撤销"
MSG_CANCELLED: Final = "该投票已取消，不能发放大屏链接"
MSG_REVOKED: Final = "该大屏链接已撤销"
MSG_LABEL_LONG: Final = "用途不能超过50个字"

# The town (9 digits) and the county (6) issue display links; a village's clerk does not.
ISSUING_LEVELS: Final = (6, 9)
# 32 random bytes: 43 URL-safe characters, beyond any guessing.
TOKEN_BYTES: Final = 32

# What the hall shows for each state.
HALL_STATUS: Final = {
    PollStatus.SETUP: "尚未开始投票",
    PollStatus.VOTING: "投票中",
    PollStatus.COUNTING: "计票中",
    PollStatus.CLOSED: "已结束",
    PollStatus.CANCELLED: "已取消",
}
NEXT_POLL: Final = {"runoff": "再次投票", "supplementary": "另行选举"}
# Write-ins with the most votes shown by name on the screen, per post; the rest are summed.
WRITE_INS_SHOWN: Final = 3


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_issuer(actor: User, poll: Poll) -> None:
    """MANAGE_POLLS over the poll's village (`check_action`), and a town or county user."""
    check_action(actor, poll, Action.MANAGE_POLLS)
    if len(actor.region_id or "") not in ISSUING_LEVELS:
        audit_denied(actor, Action.MANAGE_POLLS, obj=poll)
        raise ValidationError(MSG_LEVEL)
    check_not_purged(poll.election.village.campaign)


def display_link_issue(*, actor: User, poll: Poll, label: str = "") -> tuple[DisplayLink, str]:
    """A new display link of `poll`: (the link, its token). The token is returned this once and
    never stored: only its SHA-256 is (`DisplayLink.token_hash`)."""
    _check_issuer(actor, poll)
    if poll.status == PollStatus.CANCELLED:
        raise ValidationError(MSG_CANCELLED)
    label = (label or "").strip()
    if len(label) > 50:
        raise ValidationError({"label": MSG_LABEL_LONG})
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        link = DisplayLink.objects.create(
            poll=poll, token_hash=token_hash(token), label=label, created_by=actor
        )
        audit_record(
            actor=actor,
            action="poll.display_link_issue",
            obj=poll,
            changes={"link": link.pk, "label": label},
        )
    return link, token


def display_link_revoke(*, actor: User, link: DisplayLink) -> DisplayLink:
    """The link answers 404 from now on; the row stays, for the record."""
    _check_issuer(actor, link.poll)
    if link.revoked_at is not None:
        raise ValidationError(MSG_REVOKED)
    with transaction.atomic():
        link.revoked_at = timezone.now()
        link.revoked_by = actor
        link.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=actor,
            action="poll.display_link_revoke",
            obj=link.poll,
            changes={"link": link.pk, "label": link.label},
        )
    return link


# ---------------------------------------------------------------------------------------------
# Reads.


def link_for_token(token: str) -> DisplayLink | None:
    """The link in force that `token` opens (its poll and place selected), or None: unknown or
    revoked alike."""
    if not token or len(token) > 100:
        return None
    return (
        DisplayLink.objects.select_related(
            "poll",
            "poll__election",
            "poll__election__village",
            "poll__election__village__region",
            "poll__election__village__region__parent",
            "poll__election__village__campaign",
        )
        .filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .first()
    )


def links_of(poll: Poll) -> list[DisplayLink]:
    return list(poll.display_links.select_related("created_by", "revoked_by").order_by("-id"))


def hall_title(poll: Poll) -> dict[str, str]:
    election = poll.election
    entry = election.village
    return {
        "village": entry.region.full_label,
        "body": f"第{entry.campaign.term_number}届{election.get_body_display()}选举",
        "poll": poll.title,
    }


def _named(pairs: list[dict[str, Any]] | dict[str, int]) -> list[dict[str, Any]]:
    """[{"name", "votes"}] from either that list or a {name: votes} mapping, names trimmed."""
    items = pairs.items() if isinstance(pairs, dict) else ((p["name"], p["votes"]) for p in pairs)
    return [{"name": str(name).strip(), "votes": int(votes or 0)} for name, votes in items]


def _post_rows(poll: Poll, count: dict[str, Any]) -> list[dict[str, Any]]:
    """Per post of the poll, in its order: every printed candidate (0 when nothing is counted
    yet) and the write-ins, the counts from `count` (running_count's or the frozen result's)."""
    counted = {p["post"]: p for p in count.get("posts", [])}
    rows = []
    for post in poll.posts.prefetch_related("candidates"):
        found = counted.get(post.post, {})
        votes = {c["name"]: c["votes"] for c in _named(found.get("candidates", []))}
        printed = [c.name for c in post.candidates.all()]
        extra = _named(found.get("write_ins", []))
        # A name the count carries that is not printed on the ballot is a write-in.
        extra += [{"name": n, "votes": v} for n, v in votes.items() if n not in printed]
        extra.sort(key=lambda c: (-c["votes"], c["name"]))
        rows.append(
            {
                "post": post.post,
                "label": post.get_post_display(),
                "seats": post.seats,
                "women_only": post.women_only,
                "candidates": [{"name": n, "votes": votes.get(n, 0)} for n in printed],
                "write_ins": extra[:WRITE_INS_SHOWN],
                "write_ins_more": {
                    "people": len(extra[WRITE_INS_SHOWN:]),
                    "votes": sum(c["votes"] for c in extra[WRITE_INS_SHOWN:]),
                },
            }
        )
    return rows


def _closed_count(output: dict[str, Any]) -> dict[str, Any]:
    """The frozen result (TALLY_FORMAT.md output) in running_count's shape."""
    return {
        "posts": [
            {"post": p["post"], "candidates": _named(p.get("votes", {}))}
            for p in output.get("posts", [])
        ],
        "ballots_counted": output.get("ballots", {}).get("returned", 0),
    }


def _next_words(output: dict[str, Any], labels: dict[str, str]) -> list[str]:
    out = []
    for step in output.get("next", []):
        post = labels.get(step.get("post", ""), step.get("post", ""))
        women = "（限选妇女）" if step.get("women_only") else ""
        kind = NEXT_POLL.get(step.get("poll", ""), step.get("poll", ""))
        out.append(f"{post}{women}{kind}，应选{step.get('seats', '')}名")
    return out


def hall_state(poll: Poll) -> dict[str, Any]:
    """What the hall's screen shows: names and counts, nothing personal. While the poll runs,
    the running count (agreed sheets and the first entry of the others so far); once closed,
    the frozen result with who was elected and what comes next."""
    output = poll.engine_output if poll.status == PollStatus.CLOSED else None
    if output:
        count = _closed_count(output)
    elif poll.status in (PollStatus.COUNTING, PollStatus.CLOSED):
        count = entry.running_count(poll)
    else:
        count = {}
    posts = _post_rows(poll, count)
    labels = {p["post"]: p["label"] for p in posts}
    state: dict[str, Any] = {
        "title": hall_title(poll),
        "status": poll.status,
        "status_label": HALL_STATUS.get(PollStatus(poll.status), poll.get_status_display()),
        "rehearsal": poll.rehearsal,
        "ballots_counted": int(count.get("ballots_counted") or 0),
        "posts": posts,
        "result": None,
        "updated": count.get("updated") or "",
    }
    if output:
        elected = {p["post"]: list(p.get("elected", [])) for p in output.get("posts", [])}
        for post in posts:
            post["elected"] = elected.get(post["post"], [])
        state["result"] = {
            "valid": bool(output.get("valid", True)),
            "elected": [
                {"label": p["label"], "names": p["elected"]} for p in posts if p["elected"]
            ],
            "next": _next_words(output, labels),
        }
    return state
