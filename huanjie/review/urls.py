from django.urls import path

from huanjie.review import views

app_name = "review"
_C = "campaigns/<int:pk>/"
urlpatterns = [
    path("", views.index, name="index"),
    path(_C, views.campaign_home, name="campaign_home"),
    path(_C + "setup/", views.setup, name="setup"),
    path(_C + "departments/add/", views.department_add, name="department_add"),
    path(_C + "departments/<int:dept>/", views.department_update, name="department_update"),
    path(_C + "conditions/new/", views.condition_edit, name="condition_create"),
    path(_C + "conditions/<int:cond>/", views.condition_edit, name="condition_edit"),
    path(_C + "conditions/<int:cond>/delete/", views.condition_delete, name="condition_delete"),
    path(_C + "reviews/<int:review_pk>/<str:step>/", views.review_step, name="review_step"),
    path(_C + "batches/new/", views.batch_create, name="batch_create"),
    path(_C + "batches/<int:batch>/", views.batch_detail, name="batch_detail"),
    path(_C + "batches/<int:batch>/send/", views.batch_send, name="batch_send"),
    path(
        _C + "batches/<int:batch>/remove/<int:review_pk>/",
        views.batch_remove,
        name="batch_remove",
    ),
    path(_C + "batches/<int:batch>/ledger.xlsx", views.batch_ledger_xlsx, name="batch_ledger_xlsx"),
    path(
        _C + "findings/<int:finding>/attachment",
        views.county_attachment,
        name="county_attachment",
    ),
    path(_C + "ledger.xlsx", views.ledger_xlsx, name="ledger_xlsx"),
    path(_C + "ledger/upload/", views.ledger_upload, name="ledger_upload"),
    path("queue/", views.queue, name="queue"),
    path("tasks/<int:task>/", views.answer, name="answer"),
    path("tasks/<int:task>/reveal/", views.reveal, name="reveal"),
    path("tasks/<int:task>/findings/<int:finding>/attachment", views.attachment, name="attachment"),
    *views.ledger_job_urls(),
]
