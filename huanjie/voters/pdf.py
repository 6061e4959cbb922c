"""The notices a village posts on its board: the voter list (选民名单公告, WORKFLOW.md §3.2 no. 4),
its 补正榜, and the list of proxies (委托投票名单公告, no. 13). Names only — never an ID number
(SECURITY.md P3: public lists show name and 村民小组)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from huanjie.elections.models import Campaign
from huanjie.elections.rule_profiles import cite_words, notice_citations, village_profile
from huanjie.lib.dates import cn_date
from huanjie.lib.pdf import render_pdf
from huanjie.regions.models import Region
from huanjie.voters.models import Proxy, VoterListPublication

NAMES_PER_ROW = 8


def _rows(names: list[str], width: int = NAMES_PER_ROW) -> list[list[str]]:
    rows = [names[i : i + width] for i in range(0, len(names), width)]
    if rows:
        rows[-1] = rows[-1] + [""] * (width - len(rows[-1]))
    return rows


def _wording(village: Region, campaign: Campaign | None = None) -> dict[str, str]:
    """The notice's words; `citations` are exactly the texts the engine applies to the village's
    committee election (the national law, and the province's or the county's measure when the
    campaign runs on one), never a measure it did not apply."""
    if campaign is not None:
        citations = cite_words(notice_citations(village_profile(campaign, village)))
    elif village.kind == Region.Kind.COMMUNITY:
        citations = "《中华人民共和国城市居民委员会组织法》"
    else:
        citations = "《中华人民共和国村民委员会组织法》"
    if village.kind == Region.Kind.COMMUNITY:
        return {
            "citations": citations,
            "committee": "居民委员会",
            "signature": f"{village.display_name}居民选举委员会",
        }
    return {
        "citations": citations,
        "committee": "村民委员会",
        "signature": f"{village.display_name}村民选举委员会",
    }


def list_notice_context(publication: VoterListPublication) -> dict[str, Any]:
    village = publication.village
    wording = _wording(village, publication.campaign)
    groups = [
        {"group": g["group"], "count": len(g["names"]), "rows": _rows(list(g["names"]))}
        for g in publication.snapshot
    ]
    correction = publication.version > 1
    title = f"{village.display_name}选民名单{'补正榜' if correction else '公告'}"
    return {
        "title": title,
        "publication": publication,
        "village": village,
        "term": publication.campaign.term_number,
        "groups": groups,
        "correction": correction,
        "changes": publication.changes,
        "published_on": cn_date(publication.published_on),
        "objection_deadline": cn_date(publication.objection_deadline),
        "names_per_row": NAMES_PER_ROW,
        **wording,
    }


def list_notice_pdf(publication: VoterListPublication, previous_on: date | None = None) -> bytes:
    context = list_notice_context(publication)
    context["previous_on"] = cn_date(previous_on) if previous_on else ""
    return render_pdf("voters/notice_list_pdf.html", context)


def proxy_notice_pdf(
    village: Region,
    term: int,
    proxies: Iterable[Proxy],
    published_on: date,
    campaign: Campaign | None = None,
) -> bytes:
    rows = [
        {
            "holder": p.holder.person.name,
            "holder_group": p.holder.group_name,
            "principal": p.principal.person.name,
            "principal_group": p.principal.group_name,
            "relation": p.relation,
        }
        for p in proxies
    ]
    return render_pdf(
        "voters/notice_proxy_pdf.html",
        {
            "title": f"{village.display_name}委托投票名单公告",
            "village": village,
            "term": term,
            "rows": rows,
            "published_on": cn_date(published_on),
            **_wording(village, campaign),
        },
    )
