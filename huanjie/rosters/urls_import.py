"""The roster's import pages (included by rosters.urls, namespace "rosters")."""

from django.urls import URLPattern

from huanjie.rosters import import_views

urlpatterns: list[URLPattern] = [*import_views.urlpatterns]
