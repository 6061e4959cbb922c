"""The ballot papers, the display links and the hall's screen (no login: the link is the key)."""

from django.urls import path

from huanjie.polls import board_views as v

urlpatterns = [
    path("<int:pk>/ballots/", v.ballots, name="ballots"),
    path("<int:pk>/ballot.pdf", v.ballot_pdf_view, name="ballot_pdf"),
    path("<int:pk>/display/", v.display_links, name="display_links"),
    path(
        "<int:pk>/display/<int:link>/revoke/",
        v.display_link_revoke_view,
        name="display_link_revoke",
    ),
    path("hall/<str:token>/", v.hall, name="hall"),
    path("hall/<str:token>/feed", v.hall_feed, name="hall_feed"),
]
