"""The roster's report pages (included by rosters.urls, namespace "rosters"): the 干部名册
landing page and a region's statistics report with its xlsx and Word."""

from django.urls import path

from huanjie.rosters import report_views

urlpatterns = [
    path("", report_views.index, name="index"),
    path("report/<str:code>/", report_views.report_page, name="report"),
    path("report/<str:code>/xlsx", report_views.report_xlsx_download, name="report_xlsx"),
    path("report/<str:code>/docx", report_views.report_docx_download, name="report_docx"),
]
