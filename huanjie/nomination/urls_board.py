from django.urls import re_path

from huanjie.nomination import board_views

urlpatterns = [
    re_path(
        r"^campaigns/(?P<pk>\d+)/progress/(?P<code>\d{6}|\d{9})/$",
        board_views.board,
        name="board",
    ),
]
