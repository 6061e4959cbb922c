"""The list pages (两述, 公示, the formal candidate lists and their notice), under "nomination"."""

from django.urls import URLPattern, path

from huanjie.nomination import list_views as v

_E = "campaigns/<int:pk>/elections/<int:election>/"
urlpatterns: list[URLPattern] = [
    path(_E + "lists/", v.election_lists, name="lists"),
    path(_E + "lists/<int:post>/fix/", v.list_fix, name="list_fix"),
    path(_E + "lists/<int:post>/unfix/", v.list_unfix, name="list_unfix"),
    path(_E + "lists/<int:post>/fill/", v.list_fill, name="list_fill"),
    path(_E + "lists/notice.pdf", v.notice_pdf, name="list_notice"),
    path(_E + "statements/<int:nominee>/new/", v.statement_add, name="statement_add"),
    path(_E + "publicity/new/", v.publicity_add, name="publicity_add"),
    path(_E + "publicity/<int:publicity>/objections/new/", v.objection_add, name="objection_add"),
    path(_E + "objections/<int:objection>/decide/", v.objection_decide, name="objection_decide"),
]
