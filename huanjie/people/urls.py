from django.urls import path, re_path

from huanjie.people import views

app_name = "people"

# A county's (6 digits) or a town's (9 digits) 变动名单.
AREA = r"^(?P<code>\d{6}|\d{9})/"

urlpatterns = [
    path("changes/", views.changes_home, name="changes_home"),
    re_path(AREA + r"changes/$", views.changes, name="changes"),
    re_path(
        AREA + r"changes/(?P<change>\d+)/correct/$", views.change_correct, name="change_correct"
    ),
    path("change-imports/<int:job_id>/", views.change_import, name="change_import"),
    path(
        "change-imports/<int:job_id>/run/",
        views.change_import_confirm,
        name="change_import_confirm",
    ),
]
