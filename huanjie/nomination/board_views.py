"""The nomination progress board (issue 10 item 7): a county or a town sees, per town or
village, the nominees at each stage and the villages behind their schedule."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from huanjie.accounts.permissions import Action, current_user, get_scoped_or_404
from huanjie.elections.selectors import access_campaign
from huanjie.nomination.progress import STAGES, progress, sections
from huanjie.regions.models import Region


@require_GET
def board(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    user = current_user(request)
    campaign = access_campaign(user, pk)
    area = get_scoped_or_404(
        user,
        Region.objects.filter(level__lt=Region.Level.VILLAGE, code__startswith=campaign.region_id),
        Action.VIEW_CAMPAIGNS,
        field="code",
        code=code,
    )
    rows, total = progress(user, campaign, area)
    crumbs = [
        ("提名与候选人", None),
        (campaign.name, reverse("elections:campaign_detail", args=[campaign.pk])),
    ]
    if area.level == Region.Level.TOWN and len(user.region_id or "") < len(area.code):
        county = reverse("nomination:board", args=[campaign.pk, area.code[:6]])
        crumbs.append(("提名进度", county))
    crumbs.append((f"{area.display_name}提名进度", None))
    return render(
        request,
        "nomination/board/board.html",
        {
            "campaign": campaign,
            "area": area,
            "rows": rows,
            "total": total,
            "stages": STAGES,
            "sections": sections(user, campaign, area),
            "by_village": area.level >= Region.Level.TOWN,
            "breadcrumbs": crumbs,
        },
    )
