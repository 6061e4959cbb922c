"""The roster's care pages (included by rosters.urls, namespace "rosters"): a village's roster of
a term with its details, reserve cadres, and the care of departing cadres."""

from django.urls import path

from huanjie.rosters import care_views as v

urlpatterns = [
    path("village/<str:code>/", v.village, name="village"),
    path("cadre/<int:pk>/edit/", v.cadre_edit, name="cadre_edit"),
    path("cadre/<int:pk>/leave/", v.cadre_leave_view, name="cadre_leave"),
    path("reserve/<str:code>/", v.reserve, name="reserve"),
    path("reserve/<int:pk>/edit/", v.reserve_edit, name="reserve_edit"),
    path("reserve/<int:pk>/remove/", v.reserve_remove_view, name="reserve_remove"),
    path("departures/<str:code>/", v.departures_list, name="departures"),
    path(
        "departures/<str:code>/<int:term_id>/<int:person_id>/",
        v.departure_care,
        name="departure_care",
    ),
]
