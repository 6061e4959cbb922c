"""The corrections' routes for the site-wide walks (scope 404, XSS, full-ID scan): an amendment
of the walk's certified result (its box with one ballot found invalid), opened and entered by
the town officer (made once per walk, kept in `objects`)."""

from __future__ import annotations

from typing import Any

POST_ONLY = {
    "results:correction_open",
    "results:correction_submit",
    "results:correction_approve",
    "results:correction_reject",
    "results:correction_withdraw",
}


def walk_correction(cast: Any, campaign: Any, objects: dict[str, Any]) -> Any:
    if "result_correction" not in objects:
        from huanjie.results.services.corrections import correction_enter, correction_open
        from huanjie.results.tests.matrix_corrections import one_spoilt
        from huanjie.results.tests.routes import walk_result

        version = walk_result(cast, campaign, objects)
        box = objects["result_box"]
        correction = correction_open(
            actor=cast.town_officer,
            election=version.result.election,
            poll=box.poll,
            kind="amend",
            reason="计票结果报告单录入错误",
            boxes=[box],
        )
        row = correction.boxes.get()
        correction_enter(
            actor=cast.town_officer,
            correction=correction,
            box=box,
            figures=one_spoilt(box.poll, row.original),
        )
        objects["result_correction"] = correction
    return objects["result_correction"]


def routes(cast: Any, campaign: Any, objects: dict[str, Any]) -> dict[str, list[dict]]:
    correction = walk_correction(cast, campaign, objects)
    election = correction.result.election_id
    pk = {"pk": correction.pk}
    return {
        "results:corrections": [{"election_id": election}],
        "results:correction_open": [{"election_id": election}],
        "results:correction": [pk],
        "results:correction_box": [{**pk, "box_id": objects["result_box"].pk}],
        "results:correction_submit": [pk],
        "results:correction_approve": [pk],
        "results:correction_reject": [pk],
        "results:correction_withdraw": [pk],
    }
