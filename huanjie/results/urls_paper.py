"""The signed paper's routes (results.paper_views): the paper of an election and of one box,
a page served decrypted, and the buttons (POST only)."""

from django.urls import path

from huanjie.results import paper_views as v

urlpatterns = [
    path("election/<int:election_id>/paper/", v.paper_page, name="paper"),
    path("box/<int:box_id>/paper/", v.paper_box, name="paper_box"),
    path("box/<int:box_id>/scans/", v.scan_upload, name="scan_upload"),
    path("box/<int:box_id>/check/", v.box_check, name="box_check"),
    path("box/<int:box_id>/incidents/", v.incident_raise, name="incident_raise"),
    path("scan/<int:pk>/", v.scan_file, name="scan_file"),
    path("scan/<int:pk>/remove/", v.scan_remove, name="scan_remove"),
    path("incident/<int:pk>/resolve/", v.incident_resolve, name="incident_resolve"),
]
