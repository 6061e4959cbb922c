from django.urls import path

from huanjie.party import import_views, views

app_name = "party"
urlpatterns = [
    path("", views.index, name="index"),
    path("campaigns/<int:pk>/", views.branch_list, name="branch_list"),
    path("campaigns/<int:pk>/branches/new/", views.branch_create, name="branch_create"),
    path("campaigns/<int:pk>/branches/<int:branch_pk>/", views.branch_detail, name="branch_detail"),
    path(
        "campaigns/<int:pk>/branches/<int:branch_pk>/members/new/",
        views.member_add,
        name="member_add",
    ),
    path(
        "campaigns/<int:pk>/branches/<int:branch_pk>/members/<int:member_pk>/",
        views.member_detail,
        name="member_detail",
    ),
    path(
        "campaigns/<int:pk>/branches/<int:branch_pk>/members/<int:member_pk>/status/",
        views.member_status,
        name="member_status",
    ),
    path(
        "campaigns/<int:pk>/branches/<int:branch_pk>/members/<int:member_pk>/registration/",
        views.member_registration,
        name="member_registration",
    ),
]

# The 党员名册 file import (its own module, its routes under the same namespace).
urlpatterns += import_views.urlpatterns
