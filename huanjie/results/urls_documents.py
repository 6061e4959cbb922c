"""The documents of a result version: the list page and one document in one format."""

from django.urls import path

from huanjie.results import documents_views as v

urlpatterns = [
    path("version/<int:pk>/documents/", v.documents_page, name="documents"),
    path(
        "version/<int:pk>/documents/<slug:kind>/<slug:fmt>/",
        v.document,
        name="document",
    ),
]
