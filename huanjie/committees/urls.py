from django.urls import path

from huanjie.committees import views

app_name = "committees"
urlpatterns = [
    path("", views.index, name="index"),
    path("campaigns/<int:pk>/", views.village_list, name="village_list"),
    path("campaigns/<int:pk>/<str:code>/", views.detail, name="detail"),
    path("campaigns/<int:pk>/<str:code>/new/", views.create, name="create"),
    path("campaigns/<int:pk>/<str:code>/members/new/", views.member_add, name="member_add"),
    path(
        "campaigns/<int:pk>/<str:code>/members/<int:member>/withdraw/",
        views.member_withdraw,
        name="member_withdraw",
    ),
    path("campaigns/<int:pk>/<str:code>/chair/", views.set_chair, name="set_chair"),
]
