from django.urls import path, re_path

from huanjie.elections import views

app_name = "elections"
urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("new/", views.campaign_create, name="campaign_create"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("<int:pk>/retention/", views.campaign_retention, name="campaign_retention"),
    re_path(
        r"^(?P<pk>\d+)/villages/(?P<code>\d{12})/$", views.campaign_village, name="campaign_village"
    ),
]
