"""Inspections, petitions, training and the county's meetings and documents: the pages the
ledger framework does not give (its lists, items and imports are under ledgers:)."""

from django.urls import path

from huanjie.oversight import views

app_name = "oversight"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.campaign_page, name="campaign"),
    path("<int:pk>/numbers/<str:code>/", views.numbers, name="numbers"),
    path("<int:pk>/numbers/<str:code>/export.xlsx", views.numbers_export, name="numbers_xlsx"),
    path("<int:pk>/groups/", views.groups, name="groups"),
    path("<int:pk>/groups/<int:group>/", views.group_edit, name="group_edit"),
    path("<int:pk>/visits/new/", views.visit_new, name="visit_new"),
    path("<int:pk>/visits/<int:visit>/", views.visit, name="visit"),
]
