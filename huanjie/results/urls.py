"""The results' pages: the elections with a result to certify, one election's result (its
versions, history, certification), the signed paper, corrections and recounts, the documents."""

from django.urls import include, path

from huanjie.results import views

app_name = "results"

urlpatterns = [
    path("", views.index, name="index"),
    path("election/<int:election_id>/", views.election_result, name="election"),
    path(
        "election/<int:election_id>/certify-town/",
        views.certify_town,
        name="certify_town",
    ),
    path("version/<int:pk>/certify-county/", views.certify_county, name="certify_county"),
    path("version/<int:pk>/return/", views.version_return, name="version_return"),
    path("", include("huanjie.results.urls_paper")),
    path("", include("huanjie.results.urls_corrections")),
    path("", include("huanjie.results.urls_documents")),
]
