"""The schedule and the progress board. Each part keeps its own URL module."""

from django.urls import include, path

app_name = "progress"

urlpatterns = [
    path("", include("huanjie.progress.urls_schedule")),
    path("", include("huanjie.progress.urls_board")),
]
