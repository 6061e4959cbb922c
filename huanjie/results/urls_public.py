"""The public verification page (no login): mounted at /verify/ by huanjie.urls."""

from django.urls import path  # noqa: F401

app_name = "verify"

urlpatterns: list = []
