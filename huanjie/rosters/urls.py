"""The roster's pages: a village's cadres by body and term, recalls and by-elections."""

from django.urls import path  # noqa: F401

app_name = "rosters"

urlpatterns: list = []
