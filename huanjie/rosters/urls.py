"""The roster's pages: a village's cadres by body and term, recalls and by-elections."""

from django.urls import path

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
]
