"""The roster's structure pages (included by rosters.urls, namespace "rosters")."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
