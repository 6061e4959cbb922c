"""The oversight ledgers' items for the ledgers' route walk (huanjie/ledgers/tests/
routes_ledgers.py imports LEDGER_ITEMS): one item of each kind in 红河限村 or 桥头镇, of 630121."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from huanjie.conftest import TOWN, VILLAGE
from huanjie.oversight.ledgers import KIND_KEYS
from huanjie.oversight.tests import world as ow


def _problem(cast: Any, campaign: Any) -> Any:
    return ow.problem(campaign, VILLAGE, [cast.inspector], cast.county_officer)


LEDGER_ITEMS: dict[str, Callable[[Any, Any], Any]] = {
    KIND_KEYS["visits"]: lambda cast, c: ow.visit(
        c, VILLAGE, [cast.inspector], cast.county_officer
    ),
    KIND_KEYS["problems"]: _problem,
    KIND_KEYS["petitions"]: lambda cast, c: ow.petition(c, VILLAGE, cast.county_officer),
    KIND_KEYS["training"]: lambda cast, c: ow.session(c, TOWN, cast.county_officer),
    KIND_KEYS["attendees"]: lambda cast, c: ow.attendee(c, TOWN, cast.county_officer, VILLAGE),
    KIND_KEYS["records"]: lambda cast, c: ow.record(c, TOWN, cast.county_officer),
}
