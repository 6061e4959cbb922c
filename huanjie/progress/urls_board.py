"""The progress board's pages (included by progress.urls, namespace "progress")."""

from django.urls import path, re_path

from huanjie.progress import board_views

CODE = r"(?P<code>\d{2}|\d{4}|\d{6}|\d{9})"

urlpatterns = [
    path("board/", board_views.board_index, name="board"),
    re_path(rf"^(?P<pk>\d+)/board/{CODE}/$", board_views.board_region, name="board_region"),
    re_path(
        rf"^(?P<pk>\d+)/board/{CODE}/villages/$",
        board_views.board_villages,
        name="board_villages",
    ),
    re_path(rf"^(?P<pk>\d+)/board/{CODE}/daily\.xlsx$", board_views.daily_xlsx, name="daily_xlsx"),
    re_path(
        rf"^(?P<pk>\d+)/board/{CODE}/weekly\.xlsx$", board_views.weekly_xlsx, name="weekly_xlsx"
    ),
]
