"""A poll's set-up (boxes, listed voters, staff, ballots) and its check-in desk (验证发票)."""

from django.urls import URLPattern, path

from huanjie.polls import setup_views as views

urlpatterns: list[URLPattern] = [
    path("<int:pk>/setup/", views.setup_page, name="setup"),
    path("<int:pk>/setup/search/", views.setup_search, name="setup_search"),
    path("<int:pk>/setup/boxes/", views.box_add, name="box_add"),
    path("<int:pk>/setup/staff/", views.staff_appoint, name="staff_appoint"),
    path("boxes/<int:pk>/edit/", views.box_update, name="box_update"),
    path("boxes/<int:pk>/remove/", views.box_remove, name="box_remove"),
    path("boxes/<int:pk>/ballots/", views.ballots_issue, name="ballots_issue"),
    path("boxes/<int:pk>/voters/", views.mobile_voter_add, name="mobile_voter_add"),
    path("listed/<int:pk>/remove/", views.mobile_voter_remove, name="mobile_voter_remove"),
    path("staff/<int:pk>/remove/", views.staff_remove, name="staff_remove"),
    path("<int:pk>/checkin/", views.checkin_page, name="checkin"),
    path("<int:pk>/checkin/search/", views.checkin_search, name="checkin_search"),
    path("<int:pk>/checkin/presence/", views.presence, name="presence"),
    path("<int:pk>/checkin/undo/", views.checkin_undo, name="checkin_undo"),
]
