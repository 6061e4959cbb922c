"""The public verification page (no login): mounted at /verify/ by huanjie.urls."""

from django.urls import path

from huanjie.results import public_views as v

app_name = "verify"

urlpatterns = [
    path("", v.index, name="index"),
    path("<str:code>/", v.code_page, name="code"),
    path("<str:code>/file/", v.file, name="file"),
]
