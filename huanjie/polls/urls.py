"""Election day's pages: the polls of an election and their set-up, the check-in, the count,
the closing, the ballot papers and the hall's board."""

from django.urls import include, path

from huanjie.polls import views

app_name = "polls"

urlpatterns = [
    path("", views.index, name="index"),
    path("election/<int:election_id>/", views.election_polls, name="election"),
    path("election/<int:election_id>/create/", views.poll_create, name="create"),
    path(
        "election/<int:election_id>/committee-meeting/",
        views.committee_meeting_create,
        name="committee_meeting",
    ),
    path("<int:pk>/", views.poll_detail, name="detail"),
    path(
        "<int:pk>/do/<str:action>/",
        views.poll_action,
        name="action",
    ),
    path("", include("huanjie.polls.urls_setup")),
    path("", include("huanjie.polls.urls_count")),
    path("", include("huanjie.polls.urls_board")),
]
