"""The count: a poll's boxes and sheets, the entry screen of a sheet (its figures, or the
ballots as read out), and the coordinator's page of the fields the two entries differ on."""

from django.urls import URLPattern, path

from huanjie.polls import count_views as views

urlpatterns: list[URLPattern] = [
    path("<int:pk>/count/", views.count_overview, name="count"),
    path("<int:pk>/count/sheets/", views.sheet_create, name="sheet_create"),
    path("sheets/<int:pk>/entry/", views.entry_page, name="entry"),
    path("sheets/<int:pk>/entry/start/", views.entry_start, name="entry_start"),
    path("sheets/<int:pk>/entry/finish/", views.entry_finish, name="entry_finish"),
    path("sheets/<int:pk>/differences/", views.differences, name="differences"),
]
