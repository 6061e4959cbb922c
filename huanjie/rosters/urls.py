"""The roster's pages: a village's cadres by body and term, recalls and by-elections."""

from django.urls import include, path

from huanjie.rosters import views

app_name = "rosters"

urlpatterns = [
    path("election/<int:election_id>/", views.roster, name="election"),
    path("election/<int:election_id>/recall/", views.recall_create, name="recall_create"),
    path(
        "election/<int:election_id>/by-election/",
        views.by_election_create,
        name="by_election_create",
    ),
    path("recall/<int:pk>/vote/", views.recall_vote, name="recall_vote"),
    # Each part keeps its own URL module (the import, the report, the structure checks and the
    # kin, the village roster with its details, reserve cadres and departures).
    path("", include("huanjie.rosters.urls_import")),
    path("", include("huanjie.rosters.urls_report")),
    path("", include("huanjie.rosters.urls_structure")),
    path("", include("huanjie.rosters.urls_care")),
]
