from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from huanjie import views
from huanjie.api.main import api


@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("huanjie.accounts.urls")),
    path("regions/", include("huanjie.regions.urls")),
    path("campaigns/", include("huanjie.elections.urls")),
    path("audit/", include("huanjie.audit.urls")),
    path("voters/", include("huanjie.voters.urls")),
    path("party/", include("huanjie.party.urls")),
    path("api/", api.urls),
    path("healthz", healthz, name="healthz"),
]
