"""The ledgers' pages (ledgers.views), one set for every registered kind (`<kind>` is its key)."""

from django.urls import URLPattern, path

from huanjie.ledgers import views

app_name = "ledgers"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.campaign_page, name="campaign"),
    path(
        "<int:pk>/candidates/dual-role-missing/",
        views.dual_role_missing_page,
        name="dual_role_missing",
    ),
    path("<int:pk>/<slug:kind>/", views.ledger_list, name="list"),
    path("<int:pk>/<slug:kind>/add/", views.ledger_add, name="add"),
    path("<int:pk>/<slug:kind>/import/", views.ledger_import, name="import"),
    path("<int:pk>/<slug:kind>/template.xlsx", views.ledger_template, name="template"),
    path("<int:pk>/<slug:kind>/<int:item>/", views.ledger_item, name="item"),
    path("<int:pk>/<slug:kind>/<int:item>/move/<slug:to>/", views.ledger_move, name="move"),
    path("imports/<int:job_id>/", views.import_job, name="import_job"),
    path("imports/<int:job_id>/run/", views.import_confirm, name="import_confirm"),
    path("imports/<int:job_id>/progress/", views.import_progress, name="import_progress"),
    path("imports/<int:job_id>/problems.xlsx", views.import_problems, name="import_problems"),
]
