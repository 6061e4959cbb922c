from django.urls import path, re_path

from huanjie.elections import election_views, rule_profile_views, views

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
    # A village's elections: one per body, its nomination method, its posts and seats.
    re_path(
        r"^(?P<pk>\d+)/villages/(?P<code>\d{12})/elections/$",
        election_views.village_elections,
        name="village_elections",
    ),
    re_path(
        r"^(?P<pk>\d+)/villages/(?P<code>\d{12})/elections/(?P<election>\d+)/seats/$",
        election_views.election_seats,
        name="election_seats",
    ),
    # A county's own election rules (县级选举规则) and a campaign's choice of a version.
    path("rule-profiles/", rule_profile_views.rule_profile_list, name="rule_profile_list"),
    path("rule-profiles/new/", rule_profile_views.rule_profile_create, name="rule_profile_create"),
    path(
        "rule-profiles/<int:profile>/",
        rule_profile_views.rule_profile_detail,
        name="rule_profile_detail",
    ),
    path(
        "rule-profiles/<int:profile>/publish/",
        rule_profile_views.rule_profile_publish,
        name="rule_profile_publish",
    ),
    path(
        "rule-profiles/<int:profile>/<slug:parameter>/",
        rule_profile_views.rule_profile_parameter,
        name="rule_profile_parameter",
    ),
    path(
        "<int:pk>/rule-profile/",
        rule_profile_views.campaign_rule_profile,
        name="campaign_rule_profile",
    ),
]
