"""The nomination pages. Each part keeps its own URL module, included here under one namespace."""

from django.urls import include, path

app_name = "nomination"
urlpatterns = [
    path("", include("huanjie.nomination.urls_nominees")),
    path("", include("huanjie.nomination.urls_lists")),
    path("", include("huanjie.nomination.urls_board")),
]
