"""The signed paper's routes for the site-wide walks: the walk's certified result (routes.
walk_result), its box, a page of that box with its sealed file (written under a temporary
directory: the walk's VAR_DIR is the real one) and a resolved incident (an open one would hold
the other parts' corrections)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

POST_ONLY = {
    "results:scan_upload",
    "results:scan_remove",
    "results:box_check",
    "results:incident_raise",
    "results:incident_resolve",
}


def paper_objects(cast: Any, campaign: Any, objects: dict[str, Any]) -> None:
    """Fill `objects` once: "result_scan" (a page whose file opens), "result_incident"."""
    if "result_scan" in objects:
        return
    from django.test import override_settings
    from django.utils import timezone

    from huanjie.results.models import BoxIncident, TallySheetScan
    from huanjie.results.services.paper import store_scan_file
    from huanjie.results.tests.conftest import PNG
    from huanjie.results.tests.routes import walk_result

    walk_result(cast, campaign, objects)
    box = objects["result_box"]
    # The result is certified, so no service takes a page now: it is made as the service would.
    var = tempfile.mkdtemp(prefix="hj-walk-scan-")
    with override_settings(VAR_DIR=var):
        stored = store_scan_file(PNG, "报告单.png")
    objects["result_scan"] = TallySheetScan.objects.create(
        box=box,
        name="报告单第1页.png",
        content_type=stored.content_type,
        size=stored.size,
        path=str(Path(var) / stored.path),  # absolute: outside the walk's own VAR_DIR
        sha256=stored.sha256,
        uploaded_by=cast.town_officer,
    )
    objects["result_incident"] = BoxIncident.objects.create(
        box=box,
        note="照片不清晰",
        raised_by=cast.town_officer,
        resolution="已重新拍摄上传",
        resolved_by=cast.town_officer,
        resolved_at=timezone.now(),
    )


def routes(cast: Any, campaign: Any, objects: dict[str, Any]) -> dict[str, list[dict]]:
    paper_objects(cast, campaign, objects)
    election = objects["result_version"].result.election_id
    box = objects["result_box"].pk
    scan, incident = objects["result_scan"].pk, objects["result_incident"].pk
    return {
        "results:paper": [{"election_id": election}],
        "results:paper_box": [{"box_id": box}],
        "results:scan_upload": [{"box_id": box}],
        "results:scan_file": [{"pk": scan}],
        "results:scan_remove": [{"pk": scan}],
        "results:box_check": [{"box_id": box}],
        "results:incident_raise": [{"box_id": box}],
        "results:incident_resolve": [{"pk": incident}],
    }
