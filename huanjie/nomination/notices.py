"""The candidate notice (候选人公告, WORKFLOW.md §4 "候选人名单公告" and §3.2 notice no. 9): one
A4 PDF per election, the posts with their seats and the fixed lists in their order, the order
stated, and the texts the engine applied (the profile's `sources`) cited. Name, sex, age on the
election day and ethnicity only: never an ID number, masked or not (SECURITY.md P3)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from huanjie.elections.models import Body, Election
from huanjie.elections.services import election_day_of, election_profile
from huanjie.lib.dates import cn_date
from huanjie.lib.pdf import render_pdf
from huanjie.nomination.models import CandidateList, ListOrder, ListStatus, Stage
from huanjie.regions.models import Region
from huanjie.rules.voters import age_on

MSG_NOT_ALL_FIXED = "{post}的正式候选人名单尚未确定，不能生成候选人公告"
MSG_NO_POSTS = "该选举尚未设置职位"
MSG_NO_LIST = "自荐直选不确定正式候选人名单，没有候选人公告"

ORDER_WORDS: dict[str, str] = {
    ListOrder.STROKES: "按姓氏笔画为序",
    ListOrder.VOTES: "按得票多少为序",
}


def _signature(election: Election) -> str:
    village: Region = election.village.region
    if election.body == Body.PARTY:
        town = village.parent.display_name if village.parent else ""
        return f"中共{town}委员会"
    if village.kind == Region.Kind.COMMUNITY:
        return f"{village.display_name}居民选举委员会"
    return f"{village.display_name}村民选举委员会"


def notice_context(election: Election) -> dict[str, Any]:
    """What the notice prints; refused (ValidationError) while a post's list is not fixed."""
    if not election.has_list:
        raise ValidationError(MSG_NO_LIST)
    posts = list(election.posts.all())
    if not posts:
        raise ValidationError(MSG_NO_POSTS)
    day = election_day_of(election.village)
    sections = []
    fixed_on = []
    for post in sorted(posts, key=lambda p: p.pk):
        candidate_list = CandidateList.objects.filter(post=post, status=ListStatus.FIXED).first()
        if candidate_list is None:
            raise ValidationError(MSG_NOT_ALL_FIXED.format(post=post.get_post_display()))
        fixed_on.append(candidate_list.fixed_on)
        rows = []
        entries = candidate_list.entries.select_related("nominee__person").order_by("position")
        for entry in entries:
            nominee = entry.nominee
            if nominee.stage != Stage.FORMAL:
                continue  # withdrawn: its place went to the one who filled it (递补)
            person = nominee.person
            rows.append(
                {
                    "name": person.name,
                    "sex": person.get_sex_display(),
                    "age": age_on(person.birth_date, day),
                    "ethnicity": person.ethnicity_name,
                }
            )
        sections.append(
            {
                "post": post.get_post_display(),
                "seats": post.seats,
                "count": len(rows),
                "order": ORDER_WORDS.get(candidate_list.order, ""),
                "rows": rows,
            }
        )
    profile = election_profile(election)
    sources = list(profile.sources) if profile is not None else []
    village = election.village.region
    campaign = election.village.campaign
    body = election.get_body_display()
    dated = max(d for d in fixed_on if d is not None)
    return {
        "title": f"{village.display_name}第{campaign.term_number}届{body}正式候选人名单公告",
        "village": village.display_name,
        "term": campaign.term_number,
        "body": body,
        "sections": sections,
        "sources": sources,
        "notes": list(profile.notes) if profile is not None else [],
        "election_day": cn_date(day),
        "signature": _signature(election),
        "dated": cn_date(dated),
        "party": election.body == Body.PARTY,
    }


def candidate_notice_pdf(election: Election) -> bytes:
    return render_pdf("nomination/lists/notice_pdf.html", notice_context(election))
