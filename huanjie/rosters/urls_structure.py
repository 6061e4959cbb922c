"""The roster's structure pages (included by rosters.urls, namespace "rosters"): the live list
of villages breaking a structure check, a campaign's settings, a village's close relatives."""

from django.urls import path

from huanjie.rosters import structure_views as views

urlpatterns = [
    path("structure/<str:code>/", views.structure, name="structure"),
    path("structure/<str:code>/xlsx", views.structure_xlsx, name="structure_xlsx"),
    path("structure/campaign/<int:campaign_id>/", views.structure_rules, name="structure_rules"),
    path("kin/<str:code>/", views.kin, name="kin"),
    path("kin/<int:pk>/remove/", views.kin_remove, name="kin_remove"),
]
