from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from huanjie import views
from huanjie.api.main import api
from huanjie.health import health_problem


@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    """200 "ok", or 503 with one line saying what is wrong (for the load balancer and the
    operator's monitoring; no login, no personal data)."""
    problem = health_problem()
    if problem is None:
        return HttpResponse("ok", content_type="text/plain; charset=utf-8")
    return HttpResponse(problem, status=503, content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("huanjie.accounts.urls")),
    path("regions/", include("huanjie.regions.urls")),
    path("campaigns/", include("huanjie.elections.urls")),
    path("audit/", include("huanjie.audit.urls")),
    path("voters/", include("huanjie.voters.urls")),
    path("party/", include("huanjie.party.urls")),
    path("nomination/", include("huanjie.nomination.urls")),
    path("committees/", include("huanjie.committees.urls")),
    path("review/", include("huanjie.review.urls")),
    path("polls/", include("huanjie.polls.urls")),
    path("results/", include("huanjie.results.urls")),
    path("rosters/", include("huanjie.rosters.urls")),
    path("progress/", include("huanjie.progress.urls")),
    path("ledgers/", include("huanjie.ledgers.urls")),
    path("oversight/", include("huanjie.oversight.urls")),
    path("verify/", include("huanjie.results.urls_public")),
    path("api/", api.urls),
    path("healthz", healthz, name="healthz"),
]

# The error page names the request's ID, which the log line of its stack trace carries too
# (SECURITY.md H4); it needs no database, no user and no URL lookup.
handler500 = "huanjie.views.server_error"
