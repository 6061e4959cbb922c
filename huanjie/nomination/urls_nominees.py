"""The nominee pages and the nominee import (under the "nomination" namespace)."""

from django.urls import URLPattern, path

from huanjie.nomination import import_views, views

_C = "campaigns/<int:pk>/"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path(_C, views.home, name="home"),
    path(_C + "elections/<int:election>/", views.election_detail, name="election"),
    path(_C + "elections/<int:election>/propose/", views.propose, name="propose"),
    path(_C + "nominees/<int:nominee>/", views.nominee_detail, name="nominee"),
    path(_C + "nominees/<int:nominee>/<slug:move>/", views.nominee_move, name="nominee_move"),
    *import_views.urlpatterns,
]
