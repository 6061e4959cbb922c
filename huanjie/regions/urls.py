from django.urls import path, re_path

from huanjie.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.regions_home, name="home"),
    re_path(r"^(?P<code>\d{2,12})/$", views.region_detail, name="detail"),
    re_path(r"^(?P<code>\d{12})/kind/$", views.region_kind, name="kind"),
]
