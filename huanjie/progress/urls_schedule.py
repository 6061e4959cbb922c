"""The schedule's pages (progress/schedule_views.py)."""

from django.urls import path, re_path

from huanjie.progress import schedule_views as views

VILLAGE = r"^(?P<pk>[0-9]+)/schedule/(?P<code>[0-9]{12})/"

urlpatterns = [
    re_path(VILLAGE + r"$", views.schedule, name="schedule"),
    re_path(VILLAGE + r"stages/(?P<stage>[0-9]+)/done/$", views.stage_done, name="stage_done"),
    re_path(VILLAGE + r"stages/(?P<stage>[0-9]+)/undo/$", views.stage_undo, name="stage_undo"),
    re_path(VILLAGE + r"election-day/$", views.election_day, name="election_day"),
    path("<int:pk>/late/<str:code>/", views.late, name="late"),
]
