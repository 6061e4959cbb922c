"""Corrections and recounts: an election's corrections (and opening one), a correction's
session with its boxes' original and corrected figures, and its buttons."""

from django.urls import URLPattern, path

from huanjie.results import corrections_views as views

urlpatterns: list[URLPattern] = [
    path(
        "election/<int:election_id>/corrections/",
        views.corrections,
        name="corrections",
    ),
    path(
        "election/<int:election_id>/corrections/open/",
        views.correction_open,
        name="correction_open",
    ),
    path("corrections/<int:pk>/", views.correction_detail, name="correction"),
    path(
        "corrections/<int:pk>/boxes/<int:box_id>/",
        views.correction_box,
        name="correction_box",
    ),
    path("corrections/<int:pk>/submit/", views.correction_submit, name="correction_submit"),
    path("corrections/<int:pk>/approve/", views.correction_approve, name="correction_approve"),
    path("corrections/<int:pk>/reject/", views.correction_reject, name="correction_reject"),
    path("corrections/<int:pk>/withdraw/", views.correction_withdraw, name="correction_withdraw"),
]
