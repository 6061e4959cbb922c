from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from huanjie.accounts.permissions import Action, can, current_user, is_admin_account
from huanjie.accounts.services import describe_roles
from huanjie.elections.selectors import campaign_summary, campaigns_visible_to
from huanjie.progress.home import panels_for
from huanjie.regions.models import Region
from huanjie.regions.selectors import breadcrumbs_for, child_counts, totals_of


def home(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if is_admin_account(user):
        for action, name in (
            (Action.MANAGE_USERS, "accounts:user_list"),
            (Action.VIEW_AUDIT, "audit:event_list"),
            (Action.VIEW_SYSTEM, "accounts:system_status"),
        ):
            if can(user, action):
                return redirect(name)
    region: Region | None = user.region
    campaigns = list(campaigns_visible_to(user)[:5])
    summaries = [(c, campaign_summary(user, c)) for c in campaigns]
    totals = totals_of(region, child_counts(region)) if region is not None else {}
    return render(
        request,
        "home.html",
        {
            "region": region,
            "summaries": summaries,
            "totals": totals,
            "roles": describe_roles(user),
            # What this person must do today (progress.home: the clerk's next deadlines, the
            # late villages, the headline figures, and the panels other apps register).
            "panels": panels_for(user),
            "breadcrumbs": [
                ("工作台", None),
                *(breadcrumbs_for(user, region, link_last=True) if region else []),
            ],
        },
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page: nothing of the error, only the request's ID to quote to the administrator
    (SECURITY.md H4). Rendered without context processors: the database may be what failed."""
    from django.template import loader

    from huanjie.audit.middleware import current_request_context

    context = current_request_context()
    body = loader.get_template("500.html").render(
        {"request_id": context.request_id if context else ""}
    )
    return HttpResponse(body, status=500)
