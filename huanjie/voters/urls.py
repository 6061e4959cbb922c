from django.urls import path, re_path

from huanjie.voters import import_views, roll_build_views, status_views, views

app_name = "voters"

VILLAGE = r"^(?P<pk>\d+)/(?P<code>\d{12})/"

urlpatterns = [
    re_path(VILLAGE + r"$", views.roll, name="roll"),
    re_path(VILLAGE + r"election-date/$", views.election_date, name="election_date"),
    re_path(VILLAGE + r"register/$", views.register, name="register"),
    re_path(VILLAGE + r"registrations/(?P<reg>\d+)/remove/$", views.remove, name="remove"),
    re_path(VILLAGE + r"registrations/(?P<reg>\d+)/reveal/$", views.reveal, name="reveal"),
    re_path(
        VILLAGE + r"registrations/(?P<reg>\d+)/status/$",
        views.person_status,
        name="person_status",
    ),
    re_path(VILLAGE + r"carry-over/$", views.carry_over, name="carry_over"),
    re_path(VILLAGE + r"build/$", roll_build_views.roll_build, name="roll_build"),
    re_path(VILLAGE + r"publish/$", views.publish, name="publish"),
    re_path(
        VILLAGE + r"publications/(?P<version>\d+)/notice\.pdf$",
        views.notice_pdf,
        name="notice_pdf",
    ),
    re_path(VILLAGE + r"objections/$", views.objections, name="objections"),
    re_path(
        VILLAGE + r"objections/(?P<objection>\d+)/decide/$",
        views.objection_decide,
        name="objection_decide",
    ),
    re_path(VILLAGE + r"proxies/$", views.proxies, name="proxies"),
    re_path(VILLAGE + r"proxies/notice\.pdf$", views.proxy_notice, name="proxy_notice"),
    re_path(
        VILLAGE + r"proxies/(?P<proxy>\d+)/withdraw/$",
        views.proxy_withdraw,
        name="proxy_withdraw",
    ),
    re_path(r"^(?P<pk>\d+)/figures/(?P<region_code>\d{2,9})/$", views.figures, name="figures"),
    path("<int:pk>/conflicts/", views.conflicts, name="conflicts"),
    path(
        "<int:pk>/conflicts/<int:conflict>/resolve/",
        views.conflict_resolve,
        name="conflict_resolve",
    ),
]

# The roll file import (another module, its own routes under the same namespace).
urlpatterns += import_views.urlpatterns
# The 变动名单 pages (deaths and deprivations, and what they do to the rolls).
urlpatterns += status_views.urlpatterns
